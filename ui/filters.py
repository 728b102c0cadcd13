"""The sidebar's shared filters: widgets seeded from the URL, and the URL kept in step."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from conflict_monitor.model.filters import EventFilter
from conflict_monitor.model.safety import escape_markdown
from conflict_monitor.model.schema import ACLED_EVENT_TYPES, ACTIONS, ORIGINS
from ui.url_state import compute_share_link, read_url_filter, write_url_filter

KEYS = {"dates": "f_dates", "actors": "f_actors", "countries": "f_countries", "actions": "f_actions",
        "event_types": "f_types", "origins": "f_origins", "sources": "f_sources",
        "reviewed_only": "f_reviewed"}
ACTIVE_FILTER_KEY = "active_filter"
NOTICES_KEY = "url_notices"
DATES_CHOSEN_KEY = "f_dates_chosen"  # (from, to): set by the link or picked by the user
DATA_SPAN_KEY = "f_dates_span"  # the data's (first, last) day when the widget was last drawn


def _seed_widgets_from_url(options: dict[str, Any]) -> None:
    """On a session's first run, set the widgets from the link it was opened with. The link's
    dates are kept as given, even outside the data (then nothing matches, and a notice says so)."""
    flt, notices = read_url_filter(options)
    low, high = options["date_min"], options["date_max"]
    start = flt.date_from or min(low, flt.date_to or low)
    end = flt.date_to or max(high, start)
    if (flt.date_from and flt.date_from > high) or (flt.date_to and flt.date_to < low):
        notices.append(f"No events in these dates: the data runs from {low} to {high}.")
    st.session_state[KEYS["dates"]] = (start, end)
    st.session_state[DATES_CHOSEN_KEY] = (flt.date_from is not None, flt.date_to is not None)
    for name in ("actors", "countries", "actions", "event_types", "origins", "sources"):
        st.session_state[KEYS[name]] = list(getattr(flt, name))
    st.session_state[KEYS["reviewed_only"]] = flt.reviewed_only
    st.session_state[NOTICES_KEY] = notices


def _mark_chosen_dates() -> None:
    """The user picked dates (a range takes a click on each day): both stay in the link from
    now on, even at the data's first or last day, so the shared view does not widen as new data
    arrives. Clearing the widget means the whole span again."""
    picked = bool(st.session_state.get(KEYS["dates"]))
    st.session_state[DATES_CHOSEN_KEY] = (picked, picked)


def _date_range(value: Any, low: dt.date, high: dt.date, chosen: tuple[bool, bool]
                ) -> tuple[dt.date | None, dt.date | None]:
    """Widget value -> filter dates. A bound the user never chose that sits at the data's edge
    means no date filter on that side (keeps links short); a chosen one always stays."""
    if not isinstance(value, (tuple, list)) or not value:
        return None, None
    start = value[0]
    end = value[1] if len(value) > 1 else max(high, start)  # while the second day is picked
    return (start if chosen[0] or start != low else None), (end if chosen[1] or end != high else None)


def _follow_data_span(low: dt.date, high: dt.date) -> None:
    """When new data moves the first or last day (another process stored it, issue 14), a bound
    the user never chose that sat at the old edge moves to the new one: it meant "all dates",
    and would otherwise become a filter that hides the new events."""
    old = st.session_state.get(DATA_SPAN_KEY)
    st.session_state[DATA_SPAN_KEY] = (low, high)
    value = st.session_state.get(KEYS["dates"])
    if not old or old == (low, high) or not isinstance(value, (tuple, list)) or len(value) != 2:
        return
    chosen = st.session_state.get(DATES_CHOSEN_KEY, (False, False))
    start = low if not chosen[0] and value[0] == old[0] else value[0]
    end = high if not chosen[1] and value[1] == old[1] else value[1]
    st.session_state[KEYS["dates"]] = (start, end)


def render_sidebar_filters(options: dict[str, Any]) -> EventFilter:
    """Draw the shared filters, sync them with the URL and return the active filter."""
    if KEYS["dates"] not in st.session_state:
        _seed_widgets_from_url(options)
    low, high = options["date_min"], options["date_max"]
    _follow_data_span(low, high)
    shown = tuple(st.session_state.get(KEYS["dates"]) or ())
    sidebar = st.sidebar
    sidebar.header("Filters")
    # The widget reaches beyond the data when a link's dates do, so they stay as given.
    sidebar.date_input("Dates", min_value=min((low, *shown)), max_value=max((high, *shown)),
                       key=KEYS["dates"], format="YYYY-MM-DD", on_change=_mark_chosen_dates)
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
    value = st.session_state[KEYS["dates"]]
    date_from, date_to = _date_range(value, low, high,
                                     st.session_state.get(DATES_CHOSEN_KEY, (False, False)))
    flt = EventFilter().with_changes(
        date_from=date_from, date_to=date_to,
        reviewed_only=bool(st.session_state.get(KEYS["reviewed_only"], False)),
        **{name: st.session_state[KEYS[name]] for name in
           ("actors", "countries", "actions", "event_types", "origins", "sources")})
    write_url_filter(flt)
    st.session_state[ACTIVE_FILTER_KEY] = flt
    for notice in st.session_state.get(NOTICES_KEY, []):
        sidebar.warning(escape_markdown(notice))
    with sidebar.expander("Copy link", icon=":material/link:"):
        st.caption("This link opens the same view, with these filters, on any page.")
        st.code(compute_share_link(flt), language=None, wrap_lines=True)
    return flt


def get_active_filter() -> EventFilter:
    """The filter the sidebar set on this run (pages call this)."""
    return st.session_state.get(ACTIVE_FILTER_KEY, EventFilter())
