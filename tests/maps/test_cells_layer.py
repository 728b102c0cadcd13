"""The aggregated layer (maps/cells_layer.py) and the choice between cells and events
(maps/view.py): escaped text, sizes by count, the view read from st_folium's reply."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from conflict_monitor.maps.assets import find_external_asset_urls, get_markercluster_js_url
from conflict_monitor.maps.cells_layer import MAX_RADIUS, MIN_RADIUS, build_cells_layer, compute_cells_payload
from conflict_monitor.maps.idlib import build_idlib_map, render_map_html
from conflict_monitor.maps.view import (
    EVENTS_MAX,
    EVENTS_ZOOM,
    build_view_group,
    choose_map_mode,
    compute_view_from_map_state,
)

HOSTILE = '</script><img src=x onerror=alert(1)>`${x}`'


def _cells() -> pd.DataFrame:
    return pd.DataFrame({
        "cell_row": [1632, 1633], "cell_col": [1671, 1672], "events": [400, 100], "deaths": [12, 0],
        "latitude": [35.91, 35.93], "longitude": [36.63, 36.71], "category": ["attack", HOSTILE],
        "category_events": [300, 60], "last_date": [dt.date(2020, 3, 1), dt.date(2020, 2, 1)]})


def test_payload_sizes_by_count_and_escapes_categories():
    payload = compute_cells_payload(_cells(), 90 / 2 ** 13)
    assert payload["r"][0] == MAX_RADIUS and MIN_RADIUS < payload["r"][1] < MAX_RADIUS
    assert payload["r"][1] == MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * 0.5  # area reads as count
    assert payload["share"] == [75, 60]
    assert payload["colours"][0] == "#d62728"  # attack
    assert "<" not in "".join(payload["cats"]) and "`" not in "".join(payload["cats"])
    assert payload["last"] == ["2020-03-01", "2020-02-01"]


def test_layer_html_has_no_raw_markup_from_the_data():
    m = build_idlib_map(pd.DataFrame(columns=["site_id", "name", "latitude", "longitude", "status"]),
                        pd.DataFrame(), None, dt.date(2020, 3, 1))
    build_cells_layer(_cells(), 0.01).add_to(m)
    html = render_map_html(m)
    assert HOSTILE not in html and "onerror=alert(1)>" not in html
    assert get_markercluster_js_url() in html  # loaded with the map, for the events layer swapped in later
    assert find_external_asset_urls(html) == []


def test_empty_cells_make_an_empty_layer():
    payload = compute_cells_payload(_cells().iloc[0:0], 1.0)
    assert payload["n"] == 0 and payload["r"] == []


def test_events_are_drawn_when_few_or_close_up():
    assert choose_map_mode(5, EVENTS_MAX) == "events"
    assert choose_map_mode(5, EVENTS_MAX + 1) == "cells"
    assert choose_map_mode(EVENTS_ZOOM, 10 ** 7) == "events"


def test_view_from_st_folium_reply():
    reply = {"zoom": 11, "bounds": {"_southWest": {"lat": 35.1, "lng": 36.2},
                                    "_northEast": {"lat": 35.6, "lng": 36.9}}, "last_object_clicked": None}
    assert compute_view_from_map_state(reply) == (11, (35.1, 36.2, 35.6, 36.9))
    assert compute_view_from_map_state(None) is None
    assert compute_view_from_map_state({"zoom": 9, "bounds": {"_southWest": {"lat": None, "lng": None},
                                                              "_northEast": {"lat": None, "lng": None}}}) is None
    flat = {"zoom": 3, "bounds": {"_southWest": {"lat": 1, "lng": 1}, "_northEast": {"lat": 1, "lng": 2}}}
    assert compute_view_from_map_state(flat) is None


def test_view_group_holds_one_layer_named_events():
    group = build_view_group("cells", _cells(), pd.DataFrame(), 0.01)
    assert [type(c).__name__ for c in group._children.values()] == ["CellsLayer"]
    assert group.layer_name == "Events"


def test_store_benchmark_measures_the_old_map_the_cells_and_a_close_up(tmp_path):
    from conflict_monitor.bench.maps import compute_map_store_benchmark
    from conflict_monitor.bench.synthetic import load_synthetic_store

    store = load_synthetic_store(tmp_path / "bench.duckdb", 30_000)
    try:
        result = compute_map_store_benchmark(store, runs=1)
    finally:
        store.close()
    assert 0 < result["map_agg_cells"] < 200  # 30 places around Idlib, 64 px cells at zoom 9
    assert 0 < result["map_close_events"] <= 20_000
    # the cells' map is smaller than the 30,000 events drawn the old way
    assert 0 < result["map_agg_html_mb"] < result["map_old_html_mb"]
