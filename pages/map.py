"""Map: the observation posts with their status on a chosen day, the governorates, the events."""

from ui.navigation import require_app_navigation

require_app_navigation()  # before the imports below: see ui/navigation.py

import datetime as dt

import streamlit as st

from conflict_monitor.maps.idlib import build_idlib_map
from conflict_monitor.maps.posts_layer import STATUS_STYLES
from conflict_monitor.maps.sites import compute_as_of_filter, compute_site_status_as_of, compute_status_dates
from conflict_monitor.model.safety import escape_markdown
from ui.control import (
    load_control_as_of,
    make_control_caption,
    make_control_map_layers,
    render_control_download,
    start_claim_table,
)
from ui.filters import get_active_filter
from ui.loaders import get_data_version, load_sites
from ui.map_view import load_date_span, render_map_panel, start_cell_counts
from ui.shell import require_shell

ASOF_KEY, WINDOWS = "map_asof", {"All up to the date": None, "Last 30 days": 30, "Last 7 days": 7}

require_shell()
flt = get_active_filter()
version = get_data_version()
sites, statuses = load_sites(version)
first_day, last_day = load_date_span(flt, version)  # one aggregate in the store
change_days = compute_status_dates(statuses)
event_days = [d for d in (first_day, last_day) if d]
all_days = sorted(set(change_days) | set(event_days)) or [dt.date.today()]
low, high = all_days[0], all_days[-1]
default_day = last_day or high


def _clamp(day: dt.date) -> dt.date:
    return min(max(day, low), high)


def _seed_as_of() -> None:
    """First run: the day from the link (?asof=YYYY-MM-DD), else the latest event's day."""
    raw = st.query_params.get("asof")
    try:
        st.session_state[ASOF_KEY] = _clamp(dt.date.fromisoformat(raw)) if raw else default_day
    except ValueError:
        st.session_state[ASOF_KEY] = default_day
        st.session_state["map_notice"] = f"Ignored 'asof={raw}': expected a date as YYYY-MM-DD."


def _step(days: int) -> None:
    st.session_state[ASOF_KEY] = _clamp(st.session_state[ASOF_KEY] + dt.timedelta(days=days))


def _jump(forward: bool) -> None:
    """To the next (or previous) day on which a post changed status."""
    now = st.session_state[ASOF_KEY]
    days = [d for d in change_days if (d > now if forward else d < now)]
    if days:
        st.session_state[ASOF_KEY] = _clamp(days[0] if forward else days[-1])


if ASOF_KEY not in st.session_state or not low <= st.session_state[ASOF_KEY] <= high:
    _seed_as_of()
st.title("Map of Idlib")
st.caption(f"Filters: {escape_markdown(flt.describe())}")
if st.session_state.get("map_notice"):
    st.warning(escape_markdown(st.session_state.pop("map_notice")))
cols = st.columns([8, 1, 1, 1, 1, 1, 1], vertical_alignment="bottom")
as_of = cols[0].slider("As of", min_value=low, max_value=high, key=ASOF_KEY, format="YYYY-MM-DD",
                       help="Posts show their status on this day; events up to this day are shown.")
for col, (label, call, arg, tip) in zip(cols[1:], [
        (":material/skip_previous:", _jump, False, "Previous day a post changed status"),
        ("−7", _step, -7, "7 days back"), ("−1", _step, -1, "1 day back"), ("+1", _step, 1, "1 day on"),
        ("+7", _step, 7, "7 days on"),
        (":material/skip_next:", _jump, True, "Next day a post changed status")], strict=True):
    col.button(label, on_click=call, args=(arg,), help=tip, key=f"map_step_{tip}", width="stretch")
st.query_params["asof"] = as_of.isoformat()  # after the sidebar ran: ui/url_state keeps it

opts = st.columns([2, 2, 2])
window = WINDOWS[opts[0].selectbox("Events shown", list(WINDOWS), key="map_window")]
colour_by = "action" if opts[1].radio("Colour events by", ["action", "event type"], horizontal=True,
                                      key="map_colour") == "action" else "event_type"
tiles = "osm" if opts[2].toggle("Start on OpenStreetMap tiles (needs internet)", key="map_osm") else "none"

in_view = compute_as_of_filter(flt, as_of, window)
start_cell_counts(in_view, version, colour_by)  # counted in the store while the control is computed
posts = compute_site_status_as_of(sites, statuses, as_of)
control = load_control_as_of(flt, version, as_of)
counts = posts["status"].value_counts()
post_text = (f"{len(posts)} posts — " + ", ".join(
    f"{counts[s]} {STATUS_STYLES.get(s, ('', '', s))[2]}" for s in counts.index)) if len(posts) else "no posts"
st.caption(f"On {as_of}: {post_text}.")
st.caption(make_control_caption(control))


def make_map(categories: list[str]):
    """The standing map: boundaries, control layers, posts; the events layer comes per view."""
    return build_idlib_map(posts, statuses, None, as_of, tiles=tiles, colour_by=colour_by,
                           extra_layers=make_control_map_layers(flt, version, as_of),
                           categories=categories)


render_map_panel(make_map, in_view, version, colour_by, posts=posts, statuses=statuses, as_of=as_of,
                 control=control, control_flt=flt)
render_control_download(flt, version, as_of)
start_claim_table(version)  # the next filter's control is computed from it (once the page is drawn)
