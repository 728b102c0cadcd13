"""How long the map takes to build with many events, and how big its HTML is, beside the naive
folium build (one folium.CircleMarker with a Popup per event, CDN assets); and, on a store, the
Map page's map as it is built now (grid cells counted in the store, the events close up) beside
the newest 100,000 events it drew before (compute_map_store_benchmark).

The naive build is measured on at most `naive_n` events and extrapolated linearly to
`n_events` (it is roughly linear: one Python object, one template render and one JS block per
marker); the result says how many events it really built.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from typing import Any

import folium
import pandas as pd

from conflict_monitor.geo.grid import DrawnArea, compute_cell_size, compute_drawn_area
from conflict_monitor.maps.idlib import build_idlib_map, render_map_html
from conflict_monitor.maps.sites import compute_site_status_as_of
from conflict_monitor.maps.view import (
    BASE_LEVEL,
    EVENTS_MAX,
    EVENTS_ZOOM,
    MAP_EVENT_COLUMNS,
    build_view_group,
    choose_map_mode,
    compute_first_area,
)
from conflict_monitor.model.filters import EventFilter
from conflict_monitor.store.base import EventStore
from conflict_monitor.store.map_grid import CellCounts, compute_cells, query_area_events, query_cell_counts
from conflict_monitor.store.reference import load_posts

NAIVE_N = 2000
OLD_EVENT_LIMIT = 100_000  # what the Map page drew before the grid: the newest 100,000 events


def make_events(n: int, seed: int = 0) -> pd.DataFrame:
    """Synthetic events from conflict_monitor.bench.synthetic (the shared generator)."""
    from conflict_monitor.bench.synthetic import make_synthetic_events  # noqa: PLC0415

    return make_synthetic_events(n, seed)


def build_naive_map_html(events: pd.DataFrame) -> str:
    """The naive map: one folium marker with its own popup per event."""
    m = folium.Map(location=[35.8, 36.6], zoom_start=9)
    for row in events.dropna(subset=["latitude", "longitude"]).itertuples(index=False):
        popup = f"{row.event_date} {row.action}: {row.actor1} → {row.actor2}, {row.fatalities} deaths"
        folium.CircleMarker([row.latitude, row.longitude], radius=5,
                            popup=folium.Popup(popup)).add_to(m)
    return m.get_root().render()


def _posts() -> tuple[pd.DataFrame, pd.DataFrame]:
    sites, statuses = load_posts()
    return pd.DataFrame(sites), pd.DataFrame(statuses)


def compute_map_benchmark(n_events: int, naive_n: int = NAIVE_N, seed: int = 0) -> dict[str, Any]:
    """Build time (s) and HTML size (bytes) of this map and of the naive one for n_events.

    Keys: map_build_s, map_bytes, naive_map_build_s, naive_map_bytes (extrapolated when
    naive_measured_n < n_events), naive_measured_n, n_events, events_on_map.
    """
    events = make_events(n_events, seed)
    sites, statuses = _posts()
    as_of = max(pd.to_datetime(events["event_date"]).max().date(), dt.date(2020, 2, 13))
    posts = compute_site_status_as_of(sites, statuses, as_of)
    build_idlib_map(posts, statuses, events.head(10), as_of)  # warm caches (assets read once)

    start = time.perf_counter()
    html = render_map_html(build_idlib_map(posts, statuses, events, as_of))
    map_s = time.perf_counter() - start

    measured = min(n_events, naive_n)
    start = time.perf_counter()
    naive_html = build_naive_map_html(events.head(measured))
    naive_s = time.perf_counter() - start
    scale = n_events / measured if measured else 0.0
    return {
        "n_events": n_events, "events_on_map": int(events["latitude"].notna().sum()),
        "map_build_s": round(map_s, 3), "map_bytes": len(html.encode("utf-8")),
        "naive_map_build_s": round(naive_s * scale, 3),
        "naive_map_bytes": int(len(naive_html.encode("utf-8")) * scale),
        "naive_measured_n": measured,
    }


def _time_it(func: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median seconds of `runs` calls, and the last result."""
    times, result = [], None
    for _ in range(max(1, runs)):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def compute_map_store_benchmark(store: EventStore, runs: int = 3,
                                flt: EventFilter | None = None) -> dict[str, Any]:
    """The Map page's server-side map build on a store, each step from the store with nothing
    cached: the old way (the newest 100,000 events clustered in one map) and the new one
    (events counted per grid cell in the store for the first view; the events themselves for a
    close-up of the busiest cell). Seconds include the queries; sizes are the map with its
    events layer as one HTML page. Keys: map_old_build_s, map_old_html_mb, map_agg_build_s,
    map_agg_html_mb, map_agg_cells, map_agg_cached_build_s (the same with the store's counts
    cached, as after the first view of a filter), map_close_build_s, map_close_html_mb,
    map_close_events."""
    flt = flt or EventFilter()
    sites, statuses = _posts()
    last = store.date_bounds()[1] or dt.date(2020, 2, 13)
    posts = compute_site_status_as_of(sites, statuses, last)

    def old() -> str:
        events = store.query_events(flt, limit=OLD_EVENT_LIMIT)
        return render_map_html(build_idlib_map(posts, statuses, events, last))

    def page_map(level: int, area: DrawnArea, counts: CellCounts | None) -> tuple[str, int]:
        counts = counts or query_cell_counts(store, flt, BASE_LEVEL)
        cells = compute_cells(counts, min(level, BASE_LEVEL), area.bounds)
        in_area = int(cells["events"].sum())
        mode = choose_map_mode(level, in_area)
        events = (query_area_events(store, flt, area.bounds, EVENTS_MAX, MAP_EVENT_COLUMNS, in_area)
                  if mode == "events" else pd.DataFrame(columns=list(MAP_EVENT_COLUMNS)))
        m = build_idlib_map(posts, statuses, None, last)
        build_view_group(mode, cells, events, compute_cell_size(min(level, BASE_LEVEL))).add_to(m)
        return render_map_html(m), (len(cells) if mode == "cells" else len(events))

    old_s, old_html = _time_it(old, runs)
    first = compute_first_area()
    agg_s, (agg_html, n_cells) = _time_it(lambda: page_map(first.zoom, first, None), runs)
    counts = query_cell_counts(store, flt, BASE_LEVEL)
    # a zoom or a long pan: the counts per filter are cached by the app (ui/map_view.py)
    cached_s, _ = _time_it(lambda: page_map(first.zoom, first, counts), runs)
    busiest = compute_cells(counts, BASE_LEVEL).iloc[0]
    size = compute_cell_size(BASE_LEVEL)
    south, west = busiest["cell_row"] * size, busiest["cell_col"] * size
    close = compute_drawn_area((south, west, south + size, west + size), EVENTS_ZOOM)
    close_s, (close_html, n_events) = _time_it(lambda: page_map(close.zoom, close, counts), runs)
    return {
        "map_old_build_s": round(old_s, 3), "map_old_html_mb": round(len(old_html.encode()) / 1e6, 2),
        "map_agg_build_s": round(agg_s, 3), "map_agg_html_mb": round(len(agg_html.encode()) / 1e6, 2),
        "map_agg_cells": n_cells, "map_agg_cached_build_s": round(cached_s, 3),
        "map_close_build_s": round(close_s, 3), "map_close_html_mb": round(len(close_html.encode()) / 1e6, 2),
        "map_close_events": n_events,
    }
