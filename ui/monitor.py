"""Streamlit helpers of the monitor pages: who is acting, the background poller, the alert badge."""

from __future__ import annotations

import streamlit as st

from conflict_monitor.monitor.background import SETTING, BackgroundPoller
from conflict_monitor.store.base import StoreError
from ui.auth import get_actor_name
from ui.loaders import get_data_version, get_store


def get_user_name() -> str:
    """Who is acting: the signed-in account (as the audit trail names it), else 'anonymous'."""
    return get_actor_name()


@st.cache_resource(show_spinner=False, on_release=lambda poller: poller.stop())
def _background_poller(location: str) -> BackgroundPoller:
    del location  # the cache key: one poller per store
    return BackgroundPoller(get_store())


def get_background_poller() -> BackgroundPoller:
    """The server's poller thread for this store (started by ensure_background_poller)."""
    return _background_poller(get_store().location)


@st.cache_data(max_entries=8, show_spinner=False)
def load_monitor_state(version: str) -> tuple[int, int]:
    """(background poll minutes, unread alerts) at this data version."""
    del version
    store = get_store()
    return store.get_setting(SETTING), store.count_unread_alerts()


def ensure_background_poller() -> None:
    """Start the poller thread when the setting asks for it (once per server)."""
    try:
        minutes, _ = load_monitor_state(get_data_version())
    except StoreError:
        return
    if minutes > 0:
        get_background_poller().start()


def render_alert_badge() -> None:
    """The number of unread alerts, as a badge (call inside the sidebar)."""
    try:
        _, unread = load_monitor_state(get_data_version())
    except StoreError:
        return
    if unread:
        st.markdown(f":red-badge[:material/notifications_active: {unread} unread "
                    f"alert{'s' * (unread != 1)}] (see Alerts)")
