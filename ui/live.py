"""Live updates: a page shows what other processes (CLI ingest, import, watch, the background
poller) stored without a restart or a click, by rerunning when the data version moves."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from conflict_monitor.store.base import StoreError
from ui.loaders import get_data_version
from ui.monitor import ensure_background_poller, render_alert_badge

# How often each open page asks whether the data changed: one cheap query (the data version),
# well inside the monitor's shortest poll interval (a minute).
LIVE_CHECK_S = 20
SEEN_KEY = "_live_seen_version"


@st.fragment(run_every=dt.timedelta(seconds=LIVE_CHECK_S))
def _check_for_new_data() -> None:
    try:
        version = get_data_version()
    except StoreError:
        return  # busy for a moment (a long import): the next check tries again
    if st.session_state.get(SEEN_KEY) not in (None, version):
        st.session_state[SEEN_KEY] = version
        st.rerun(scope="app")
    st.session_state[SEEN_KEY] = version
    render_alert_badge()


def render_live_updates() -> None:
    """Register the periodic check for this session (call once per run, after the shell)."""
    st.session_state[SEEN_KEY] = get_data_version()
    ensure_background_poller()
    with st.sidebar:
        _check_for_new_data()
