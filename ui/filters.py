"""The sidebar's shared filters: widgets seeded from the URL, and the URL kept in step."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from conflict_monitor.model.filters import EventFilter
from conflict_monitor.model.schema import ACLED_EVENT_TYPES, ACTIONS, ORIGINS
from ui.url_state import compute_share_link, read_url_filter, write_url_filter

KEYS = {"dates": "f_dates", "actors": "f_actors", "countries": "f_countries", "actions": "f_actions",
        "event_types": "f_types", "origins": "f_origins", "sources": "f_sources",
        "reviewed_only": "f_reviewed"}
ACTIVE_FILTER_KEY = "active_filter"
NOTICES_KEY = "url_notices"


def _seed_widgets_from_url(options: dict[str, Any]) -> None:
    """On a session's first run, set the widgets from the link it was opened with."""
    flt, notices = read_url_filter(options)
    low, high = options["date_min"], options["date_max"]
    start = max(flt.date_from, low) if flt.date_from else low
    end = min(flt.date_to, high) if flt.date_to else high
    if start > end:
        notices.append("Ignored the date range: it lies outside the data.")
        start, end = low, high
    st.session_state[KEYS["dates"]] = (start, end)
    for name in ("actors", "countries", "actions", "event_types", "origins", "sources"):
        st.session_state[KEYS[name]] = list(getattr(flt, name))
    st.session_state[KEYS["reviewed_only"]] = flt.reviewed_only
    st.session_state[NOTICES_KEY] = notices


def _date_range(value: Any, low: dt.date, high: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """Widget value -> filter dates; the full span means no date filter (keeps links short)."""
    if not isinstance(value, (tuple, list)) or not value:
        return None, None
    start = value[0]
    end = value[1] if len(value) > 1 else high  # while the user is picking the second day
    return (start if start != low else None), (end if end != high else None)


def _keep_dates_within(low: dt.date, high: dt.date) -> None:
    """Clamp the chosen dates to the data's span: the span shrinks when events are rejected or
    removed (also by another process), and a day outside it would break the date widget."""
    value = st.session_state.get(KEYS["dates"])
    if not isinstance(value, (tuple, list)) or not value:
        return
    clamped = tuple(min(max(day, low), high) for day in value)
    if clamped != tuple(value):
        st.session_state[KEYS["dates"]] = clamped


def render_sidebar_filters(options: dict[str, Any]) -> EventFilter:
    """Draw the shared filters, sync them with the URL and return the active filter."""
    if KEYS["dates"] not in st.session_state:
        _seed_widgets_from_url(options)
    low, high = options["date_min"], options["date_max"]
    _keep_dates_within(low, high)
    sidebar = st.sidebar
    sidebar.header("Filters")
    sidebar.date_input("Dates", min_value=low, max_value=high, key=KEYS["dates"], format="YYYY-MM-DD")
    sidebar.multiselect("Actors", options["actors"], key=KEYS["actors"],
                        help="Events where the actor acted or was targeted")
    sidebar.multiselect("Countries", options["countries"], key=KEYS["countries"],
                        help="Where it happened, or either actor's country (ISO3)")
    sidebar.multiselect("Actions", list(ACTIONS), key=KEYS["actions"])
    sidebar.multiselect("Event types (ACLED)", list(ACLED_EVENT_TYPES), key=KEYS["event_types"])
    sidebar.multiselect("Origins", list(ORIGINS), key=KEYS["origins"])
    sidebar.multiselect("Sources", options["sources"], key=KEYS["sources"])
    sidebar.checkbox("Reviewed events only", key=KEYS["reviewed_only"],
                     help="Extracted events an analyst accepted or corrected on the Review page; "
                          "rows of curated datasets (ACLED, UCDP, GDELT) always show")
    date_from, date_to = _date_range(st.session_state[KEYS["dates"]], low, high)
    flt = EventFilter().with_changes(
        date_from=date_from, date_to=date_to,
        reviewed_only=bool(st.session_state.get(KEYS["reviewed_only"], False)),
        **{name: st.session_state[KEYS[name]] for name in
           ("actors", "countries", "actions", "event_types", "origins", "sources")})
    write_url_filter(flt)
    st.session_state[ACTIVE_FILTER_KEY] = flt
    for notice in st.session_state.get(NOTICES_KEY, []):
        sidebar.warning(notice)
    with sidebar.expander("Copy link", icon=":material/link:"):
        st.caption("This link opens the same view, with these filters, on any page.")
        st.code(compute_share_link(flt), language=None, wrap_lines=True)
    return flt


def get_active_filter() -> EventFilter:
    """The filter the sidebar set on this run (pages call this)."""
    return st.session_state.get(ACTIVE_FILTER_KEY, EventFilter())
