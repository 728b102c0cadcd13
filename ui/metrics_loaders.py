"""Cached loaders for the Timeline and Casualties pages, keyed on (filter, data version, options).

Each wraps one query of conflict_monitor.metrics.timeline / casualty_metrics, so a filter change
recomputes only what the page shows and a new import (a new data version) refreshes it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from conflict_monitor.metrics import casualties as cm
from conflict_monitor.metrics import timeline as tm
from conflict_monitor.model.filters import EventFilter
from ui.loaders import get_store


@st.cache_data(max_entries=32, show_spinner=False)
def load_daily(flt: EventFilter, version: str) -> pd.DataFrame:
    """Per day, action and type: events, conflictual events and the index."""
    del version
    return tm.query_daily(get_store(), flt)


@st.cache_data(max_entries=32, show_spinner=False)
def load_period_samples(flt: EventFilter, version: str, period: str) -> pd.DataFrame:
    """The gravest events of each period, for hover text."""
    del version
    return tm.query_period_samples(get_store(), flt, period)


@st.cache_data(max_entries=32, show_spinner=False)
def load_key_events(flt: EventFilter, version: str) -> pd.DataFrame:
    """Deadliest incidents, ultimatums (with deadlines) and ceasefires."""
    del version
    return tm.query_key_events(get_store(), flt)


@st.cache_data(max_entries=32, show_spinner=False)
def load_pair_daily(flt: EventFilter, version: str, top_n: int) -> pd.DataFrame:
    """Per day, the index of the top actor pairs."""
    del version
    return tm.query_pair_daily(get_store(), flt, top_n)


@st.cache_data(max_entries=32, show_spinner=False)
def load_sources(flt: EventFilter, version: str, condition: str = "TRUE") -> pd.DataFrame:
    """Sources and origins of the rows a chart plots (condition: a fixed SQL snippet)."""
    del version
    return tm.query_sources(get_store(), flt, condition)


@st.cache_data(max_entries=16, show_spinner=False)
def load_selected_events(flt: EventFilter, version: str, period: str,
                         picks: tuple[tuple[str, str | None], ...], stack_col: str | None,
                         event_ids: tuple[str, ...]) -> pd.DataFrame:
    """The events behind the points selected on a timeline chart."""
    del version
    return tm.query_period_events(get_store(), flt, period, picks, stack_col, event_ids)


@st.cache_data(max_entries=32, show_spinner=False)
def load_casualty_summary(flt: EventFilter, version: str) -> cm.CasualtySummary:
    """Totals, per-day deaths, conflicting claims and running totals."""
    del version
    return cm.query_casualty_summary(get_store(), flt)


@st.cache_data(max_entries=16, show_spinner=False)
def load_casualty_reports(flt: EventFilter, version: str, limit: int | None = 1000) -> pd.DataFrame:
    """The reports with deaths behind the figures (for the table; limit None for the CSV)."""
    del version
    return cm.query_casualty_reports(get_store(), flt, limit)
