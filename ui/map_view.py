"""The Map page's map and the panel beside it: grid cells counted in the store at low zoom, the
events themselves close up, the clicked post, place or event.

streamlit-folium's model: the map (boundaries, posts, control layers) is drawn once per as-of
day and options; the events layer for the view goes in as st_folium's feature_group_to_add, so
a zoom or pan swaps that layer only. The browser returns zoom, bounds and the last click (no
more). The layer is cached per filter, data version, zoom and drawn area, and the drawn area
stays the same while a pan keeps the view inside it, so such a pan sends nothing new.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from conflict_monitor.geo.grid import Bounds, DrawnArea, choose_drawn_area, compute_cell_size
from conflict_monitor.maps.posts_layer import STATUS_STYLES
from conflict_monitor.maps.sites import compute_site_history, find_clicked, make_map_geojson
from conflict_monitor.maps.view import (
    BASE_LEVEL,
    EVENTS_MAX,
    MAP_EVENT_COLUMNS,
    build_view_group,
    choose_map_mode,
    compute_first_area,
    compute_view_from_map_state,
)
from conflict_monitor.model.filters import EventFilter
from conflict_monitor.model.safety import compute_safe_url, escape_markdown
from conflict_monitor.store.map_grid import (
    CellCounts,
    compute_cells,
    count_unplaced_events,
    query_area_events,
    query_cell_counts,
    query_date_span,
)
from ui.control import render_control_click
from ui.loaders import get_store
from ui.tables import render_event_table, render_table

MAP_KEY = "idlib_map"  # st_folium writes the browser's last report here (zoom, bounds, click)
AREA_KEY = "map_drawn_area"
RETURNED = ["zoom", "bounds", "last_object_clicked"]


@st.cache_resource(max_entries=16, show_spinner=False)
def _count_cells_in_thread(flt: EventFilter, version: str, category: str) -> Future[CellCounts]:
    """query_cell_counts of load_cell_counts, begun in a thread of its own: one count per key
    however many sessions and reruns ask (a resource; as many entries as load_cell_counts)."""
    del version  # only a cache key
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="map-cell-counts")
    try:
        return pool.submit(query_cell_counts, get_store(), flt, BASE_LEVEL, category=category)
    finally:
        pool.shutdown(wait=False)  # the thread ends with its one task


def start_cell_counts(flt: EventFilter, version: str, category: str) -> None:
    """Begin counting load_cell_counts' cells now, in a thread, so that the store counts them
    while the page computes the control: the two are most of a first view's time, and the
    machine has two cores. Nothing to do when they are counted or being counted."""
    _count_cells_in_thread(flt, version, category)


@st.cache_data(max_entries=16, show_spinner="Counting the events per map cell…")
def load_cell_counts(flt: EventFilter, version: str, category: str) -> CellCounts:
    """Events under the filter per cell of the finest grid, counted in the store: every zoom
    level up to BASE_LEVEL and every pan is summed from these without asking the store again.
    The count is the one start_cell_counts began, if it did."""
    task = _count_cells_in_thread(flt, version, category)
    try:
        return task.result()
    except Exception:
        _count_cells_in_thread.clear(flt, version, category)  # the next run counts again
        raise


@st.cache_data(max_entries=16, show_spinner="Loading the events in view…")
def load_area_events(flt: EventFilter, version: str, bounds: Bounds, limit: int, total: int) -> pd.DataFrame:
    """The newest `limit` of the `total` events of the drawn area."""
    del version
    return query_area_events(get_store(), flt, bounds, limit, MAP_EVENT_COLUMNS, total)


@st.cache_data(max_entries=16, show_spinner=False)
def load_date_span(flt: EventFilter, version: str) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day of the events under the filter."""
    del version
    return query_date_span(get_store(), flt)


@st.cache_data(max_entries=16, show_spinner=False)
def load_unplaced_count(flt: EventFilter, version: str) -> int:
    """Events under the filter the map cannot place."""
    del version
    return count_unplaced_events(get_store(), flt)


@dataclass
class MapView:
    """What the map shows for the drawn area."""

    area: DrawnArea
    mode: str  # "cells" or "events"
    cells: pd.DataFrame
    events: pd.DataFrame
    in_area: int  # placed events of the area under the filter
    categories: list[str]  # actions or types of the events under the filter, for the legend


def compute_map_view(flt: EventFilter, version: str, category: str) -> MapView:
    """The drawn area for the browser's last reported view (kept while a pan stays inside it)
    and what to draw there."""
    reported = compute_view_from_map_state(st.session_state.get(MAP_KEY))
    previous = st.session_state.get(AREA_KEY)
    area = (choose_drawn_area(reported[1], reported[0], previous) if reported
            else previous or compute_first_area())
    st.session_state[AREA_KEY] = area
    counts = load_cell_counts(flt, version, category)
    level = min(area.zoom, BASE_LEVEL)
    cells = compute_cells(counts, level, area.bounds)
    in_area = int(cells["events"].sum())
    mode = choose_map_mode(area.zoom, in_area)
    events = (load_area_events(flt, version, area.bounds, EVENTS_MAX, in_area) if mode == "events"
              else pd.DataFrame(columns=list(MAP_EVENT_COLUMNS)))
    categories = sorted(str(c) for c in counts.parts["category"].dropna().unique())
    return MapView(area, mode, cells, events, in_area, categories)


def make_view_caption(view: MapView, unplaced: int) -> str:
    """One line on what the events layer shows."""
    if view.mode == "cells":
        text = (f"{view.in_area:,} events in and around the view, counted per grid cell: zoom in (or "
                f"click a cell) to see single events once at most {EVENTS_MAX:,} are in view.")
    else:
        text = f"{len(view.events):,} events in and around the view"
        if view.in_area > len(view.events):
            text += f" (the newest {len(view.events):,} of {view.in_area:,}: narrow the filters or the window)"
        text += "."
    return text + (f" {unplaced:,} more have no coordinates." if unplaced else "")


def render_clicked(clicked: dict | None, posts: pd.DataFrame, statuses: pd.DataFrame, as_of: dt.date,
                   shown: pd.DataFrame, control: pd.DataFrame, control_flt: EventFilter, version: str) -> None:
    """Details of the post, place or event clicked on the map, and the events there."""
    if not clicked:
        st.info("Click a post or an event on the map: its details and the events there show here.")
        return
    if render_control_click(clicked, control, control_flt, version, posts):
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
def render_map_panel(make_map: Callable[[list[str]], folium.Map], flt: EventFilter, version: str, colour_by: str, *,
                     posts: pd.DataFrame, statuses: pd.DataFrame, as_of: dt.date,
                     control: pd.DataFrame, control_flt: EventFilter) -> None:
    """The map (make_map builds it for the legend's categories: st_folium changes the map it is
    given) and the details beside it; a zoom, pan or click reruns only this part."""
    view = compute_map_view(flt, version, colour_by)
    st.caption(make_view_caption(view, load_unplaced_count(flt, version)))
    group = build_view_group(view.mode, view.cells, view.events,
                             compute_cell_size(min(view.area.zoom, BASE_LEVEL)), colour_by)
    left, right = st.columns([2, 1])
    with left:
        out = st_folium(make_map(view.categories), key=MAP_KEY, height=640, use_container_width=True,
                        returned_objects=RETURNED, feature_group_to_add=group)
    with right:
        render_clicked((out or {}).get("last_object_clicked"), posts, statuses, as_of, view.events,
                       control, control_flt, version)
    geojson = json.dumps(make_map_geojson(posts, view.events, as_of), ensure_ascii=False)
    st.download_button("Download the posts and the events drawn (GeoJSON)", geojson, on_click="ignore",
                       file_name=f"idlib_map_{as_of}.geojson", mime="application/geo+json",
                       icon=":material/download:", key="map_geojson")
