"""Map: the observation posts with their status on a chosen day, the governorates, the events."""

from ui.navigation import require_app_navigation

require_app_navigation()  # before the imports below: see ui/navigation.py

import datetime as dt
import json

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from conflict_monitor.maps.idlib import build_idlib_map
from conflict_monitor.maps.posts_layer import STATUS_STYLES
from conflict_monitor.maps.sites import (
    compute_as_of_filter,
    compute_site_history,
    compute_site_status_as_of,
    compute_status_dates,
    find_clicked,
    make_map_geojson,
)
from conflict_monitor.model.safety import compute_safe_url, escape_markdown
from ui.control import (
    load_control_as_of,
    load_control_claims,
    make_control_caption,
    make_control_map_layers,
    render_control_click,
    render_control_download,
)
from ui.filters import get_active_filter
from ui.loaders import get_data_version, load_events, load_key_figures, load_sites
from ui.shell import require_shell
from ui.tables import render_event_table, render_table

ASOF_KEY, WINDOWS = "map_asof", {"All up to the date": None, "Last 30 days": 30, "Last 7 days": 7}
MAP_EVENT_LIMIT = 100_000  # newest events drawn; the map's build stays near a second at this size

require_shell()
flt = get_active_filter()
version = get_data_version()
sites, statuses = load_sites(version)
span = load_key_figures(flt, version)  # the events' date span, aggregated in the store
change_days = compute_status_dates(statuses)
event_days = [d for d in (span.first_date, span.last_date) if d]
all_days = sorted(set(change_days) | set(event_days)) or [dt.date.today()]
low, high = all_days[0], all_days[-1]
default_day = span.last_date or high


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

posts = compute_site_status_as_of(sites, statuses, as_of)
in_view = compute_as_of_filter(flt, as_of, window)
in_view_total = load_key_figures(in_view, version).events
shown = load_events(in_view, version, limit=MAP_EVENT_LIMIT)
control_claims = load_control_claims(flt, version)
control = load_control_as_of(flt, version, as_of)
counts = posts["status"].value_counts()
unplaced = int(shown["latitude"].isna().sum()) if not shown.empty else 0
post_text = (f"{len(posts)} posts — " + ", ".join(
    f"{counts[s]} {STATUS_STYLES.get(s, ('', '', s))[2]}" for s in counts.index)) if len(posts) else "no posts"
st.caption(f"On {as_of}: {post_text}. {len(shown) - unplaced:,} events on the map"
           + (f" ({unplaced} more have no coordinates)." if unplaced else ".")
           + (f" Only the newest {MAP_EVENT_LIMIT:,} of {in_view_total:,} are drawn: narrow the "
              "filters or the window to see the rest." if in_view_total > len(shown) else ""))
st.caption(make_control_caption(control))


def render_clicked(clicked: dict | None) -> None:
    """Details of the post or event clicked on the map, and the events there."""
    if not clicked:
        st.info("Click a post or an event on the map: its details and the events there show here.")
        return
    if render_control_click(clicked, control, control_claims, posts):
        return
    post, here = find_clicked(clicked["lat"], clicked["lng"], posts, shown)
    if post is None and here.empty:
        st.info("Nothing mapped near that point.")
        return
    if post is not None:
        st.subheader(escape_markdown(post["name"]))
        status = STATUS_STYLES.get(post["status"], ("", "", post["status"]))[2]
        st.markdown(f"**{escape_markdown(status)}** on {as_of} · position confidence "
                    f"**{escape_markdown(post['coord_confidence'])}**")
        history = pd.DataFrame(compute_site_history(statuses, post["site_id"]))
        if not history.empty:
            render_table(history[["status_from", "status", "date_approx"]],
                         column_config={"status_from": st.column_config.DateColumn("From"),
                                        "date_approx": "Approx. day"})
        links = [compute_safe_url(u.strip().split(" ")[0]) for u in str(post["source_url"]).split(" | ")]
        render_table(pd.DataFrame({"source": [u for u in links if u]}),
                     column_config={"source": st.column_config.LinkColumn("Sources")}, height=150)
        with st.expander("Basis of the position and dates"):
            st.text(post.get("notes") or "")
    st.subheader(f"Events here ({len(here)})")
    if not here.empty:
        render_event_table(here, key="map_events_here")


@st.fragment
def render_map_panel() -> None:
    """The map and the details beside it; a click reruns only this part, panning nothing."""
    left, right = st.columns([2, 1])
    with left:
        m = build_idlib_map(posts, statuses, shown, as_of, tiles=tiles, colour_by=colour_by,
                            extra_layers=make_control_map_layers(control, control_claims))
        out = st_folium(m, key="idlib_map", height=640, use_container_width=True,
                        returned_objects=["last_object_clicked"])
    with right:
        render_clicked((out or {}).get("last_object_clicked"))


render_map_panel()
geojson = json.dumps(make_map_geojson(posts, shown, as_of), ensure_ascii=False)
st.download_button("Download the visible layers (GeoJSON)", geojson, on_click="ignore",
                   file_name=f"idlib_map_{as_of}.geojson", mime="application/geo+json",
                   icon=":material/download:")
render_control_download(control, as_of)
