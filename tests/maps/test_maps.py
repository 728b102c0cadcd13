"""Unit tests of the map: post status on a date, escaping, offline assets, layers, places."""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import pytest

from conflict_monitor.maps import assets as map_assets
from conflict_monitor.maps.events_layer import compute_events_payload
from conflict_monitor.maps.html import escape_html
from conflict_monitor.maps.idlib import OSM_TILES, build_idlib_map, render_map_html
from conflict_monitor.maps.sites import (
    NOT_ESTABLISHED,
    compute_site_status_as_of,
    find_clicked,
    make_map_geojson,
    select_events_as_of,
)
from conflict_monitor.store.reference import load_posts

D = dt.date


@pytest.fixture(scope="module")
def posts_data() -> tuple[pd.DataFrame, pd.DataFrame]:
    sites, statuses = load_posts()
    return pd.DataFrame(sites), pd.DataFrame(statuses)


@pytest.fixture(scope="module")
def store_data(seeded_store_file):
    from conflict_monitor.store.factory import open_store

    store = open_store(str(seeded_store_file))
    return store.query_sites(), store.query_site_status(), store.query_events()


def _status(sites, statuses, day) -> dict[str, str]:
    frame = compute_site_status_as_of(sites, statuses, day)
    return dict(zip(frame["name"], frame["status"], strict=False))


def test_morek_encircled_from_2019_08_23(posts_data):
    assert _status(*posts_data, D(2019, 8, 22))["Morek"] == "active"
    assert _status(*posts_data, D(2019, 8, 23))["Morek"] == "encircled"
    assert _status(*posts_data, D(2020, 10, 20))["Morek"] == "evacuated"


def test_surman_encircled_from_2019_12_23(posts_data):
    assert _status(*posts_data, D(2019, 12, 22))["Surman"] == "active"
    assert _status(*posts_data, "2019-12-23")["Surman"] == "encircled"


def test_five_posts_encircled_on_2020_02_13_from_the_store(store_data):
    sites, statuses, _ = store_data  # status_from comes back as datetime64 here
    status = _status(sites, statuses, D(2020, 2, 13))
    assert len(status) == 12
    assert sorted(n for n, s in status.items() if s == "encircled") == [
        "Al-Eis", "Morek", "Rashidin", "Surman", "Tal Tuqan"]
    assert {s for s in status.values()} == {"active", "encircled"}


def test_before_a_post_existed_it_is_not_established(posts_data):
    status = _status(*posts_data, D(2017, 1, 1))
    assert set(status.values()) == {NOT_ESTABLISHED}
    with pytest.raises(ValueError, match="as_of"):
        compute_site_status_as_of(*posts_data, "yesterday")


def _hostile() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    sites = pd.DataFrame([{
        "site_id": "x", "name": "<script>alert('name')</script>", "latitude": 35.9, "longitude": 36.6,
        "alt_names": "<img src=x onerror=alert(1)>`);alert(2);//${alert(3)}", "coord_confidence": "LOW",
        "established": D(2018, 1, 1), "notes": "n", "source_url": "javascript:alert(4) | https://ok.example/a"}])
    statuses = pd.DataFrame([{"site_id": "x", "status": "active", "status_from": D(2018, 1, 1),
                              "date_approx": False, "source_url": "javascript:alert(4) | https://ok.example/a"}])
    events = pd.DataFrame([{
        "event_date": D(2020, 2, 1), "action": "kill", "event_type": "Battles",
        "actor1": "<script>alert(5)</script>", "actor2": "</script><script>alert(6)</script>",
        "location": "<b>x</b>", "latitude": 35.8, "longitude": 36.7, "fatalities": 3,
        "fatalities_high": 4, "reported_by": "`${alert(7)}`", "source": "<svg onload=alert(8)>",
        "source_url": "javascript:alert(9)", "evidence": "<img src=y onerror=alert(10)>",
        "is_running_total": False}])
    return sites, statuses, events


def test_hostile_text_is_escaped_in_popups_and_tooltips():
    sites, statuses, events = _hostile()
    posts = compute_site_status_as_of(sites, statuses, D(2020, 2, 13))
    html = render_map_html(build_idlib_map(posts, statuses, events, D(2020, 2, 13)))
    for raw in ("<script>alert", "<img src=x", "<img src=y", "<svg onload", "href=\"javascript:",
                "</script><script>", "<b>x</b>", "`);alert(2)", "${alert"):
        assert raw not in html, raw
    assert "&lt;script&gt;alert(" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;img src=y onerror=alert(10)&gt;" in html
    assert 'href="https://ok.example/a"' in html  # the one plain link survives
    assert escape_html("`${x}\\") == "&#96;&#36;&#123;x}&#92;"


def test_template_syntax_in_text_is_shown_not_run():
    # branca compiles a popup's, tooltip's or layer's rendered script as a Jinja template again:
    # text from events with {{ }} or {% %} in it ran on the server before it was escaped
    from conflict_monitor.maps.cells_layer import build_cells_layer
    from conflict_monitor.maps.control_layer import build_control_layer, make_control_popups

    control = pd.DataFrame([{"place_id": "p1", "place": "Tell {{ 111111 * 9 }}", "latitude": 35.8, "longitude": 36.6,
                             "admin1": "Idlib", "country": "SYR", "status": "held", "side": "side {% if 1 %}",
                             "sides": "x", "since": D(2020, 2, 1), "changed_recently": False}])
    claims = pd.DataFrame([{"date": D(2020, 2, 1), "claim": "taken", "side": "side {% if 1 %}", "from_side": None,
                            "reported_by": "{{ cycler.__init__.__globals__.os.getcwd() }}", "source": "s",
                            "source_url": "", "evidence": "{# x #} {{ 271 * 3331 }}", "origin": "acled",
                            "event_id": "e1", "date_approx": False}])
    popups = make_control_popups(control, {"p1": claims}, {"p1": 1})
    cells = pd.DataFrame({"cell_row": [812], "cell_col": [830], "events": [3], "deaths": [0], "latitude": [35.7],
                          "longitude": [36.5], "category": ["{{ 12345 * 5 }}"], "category_events": [3],
                          "last_date": [pd.Timestamp("2020-02-01")]})
    m = build_idlib_map(pd.DataFrame(), pd.DataFrame(), None, D(2020, 2, 13),
                        extra_layers=[build_control_layer(control, popups, {})])
    build_cells_layer(cells, 0.04).add_to(m)
    html = render_map_html(m)
    assert not {"999999", "902701", "61725"} & set(re.findall(r"\d+", html))  # nothing computed
    assert "cycler" in html and "/" + "work" not in html.split("cycler")[1][:200]
    assert "Tell &#123;&#123; 111111 * 9 }}" in html


def test_no_script_or_style_from_the_internet(posts_data):
    sites, statuses = posts_data
    posts = compute_site_status_as_of(sites, statuses, D(2020, 2, 13))
    for tiles in ("none", "osm"):
        html = render_map_html(build_idlib_map(posts, statuses, _hostile()[2], D(2020, 2, 13), tiles=tiles))
        assert map_assets.find_external_asset_urls(html) == []
        urls = set(re.findall(r"https?://[^\s\"'<>`)]+", html))
        assets = [u for u in urls if re.search(r"\.(js|css|woff2?|ttf|png|svg)(\?|$)", u) and u != OSM_TILES]
        assert assets == [], assets
        for cdn in ("cdn.jsdelivr", "code.jquery.com", "cdnjs.cloudflare", "bootstrapcdn", "fontawesome"):
            assert cdn not in html
        assert html.count(OSM_TILES) == 1  # the only internet need, as an optional base layer
        assert "data:text/javascript;base64," in html and "data:text/css;base64," in html


def test_layers_posts_and_events_at_their_places(store_data):
    sites, statuses, events = store_data
    day = D(2020, 2, 13)
    posts = compute_site_status_as_of(sites, statuses, day)
    shown = select_events_as_of(events, day)
    html = render_map_html(build_idlib_map(posts, statuses, shown, day))
    assert html.count('"className": "cm-post ') == 12
    assert html.count("cm-status-encircled") == 5
    assert html.count("L.control.layers(") == 1
    for name in ("No tiles (works offline)", "OpenStreetMap (needs internet)", "Governorates (Idlib highlighted)",
                 "Events", "Observation posts (status on the date)"):
        assert f'"{name}"' in html
    assert "Boundaries: UN OCHA / UNCS via geoBoundaries (CC BY 3.0 IGO)" in html
    payload = compute_events_payload(shown)
    located = shown.dropna(subset=["latitude", "longitude"])
    assert payload["n"] == len(located) > 20
    assert pd.to_datetime(located["event_date"]).max() <= pd.Timestamp(day)
    lats = [(payload["lat0"] + v) / 1e4 for v in payload["lat"]]
    lons = [(payload["lon0"] + v) / 1e4 for v in payload["lon"]]
    assert lats == pytest.approx(located["latitude"].tolist(), abs=1e-4)
    assert lons == pytest.approx(located["longitude"].tolist(), abs=1e-4)
    saraqib = located["location"].eq("Saraqib").to_numpy().nonzero()[0][0]
    assert (lats[saraqib], lons[saraqib]) == pytest.approx((35.8636, 36.8006), abs=1e-4)


def test_click_finds_the_post_or_the_events_there(store_data):
    sites, statuses, events = store_data
    posts = compute_site_status_as_of(sites, statuses, D(2020, 3, 1))
    post, here = find_clicked(35.3753, 36.6982, posts, events)
    assert post["name"] == "Morek" and (here["location"].str.contains("Morek")).any()
    post, here = find_clicked(35.8637, 36.8004, posts, events)
    assert post is None and len(here) >= 3 and here["location"].str.contains("Saraqib").all()
    assert find_clicked(10.0, 10.0, posts, events)[0] is None


def test_geojson_export_of_the_visible_layers(store_data):
    sites, statuses, events = store_data
    day = D(2020, 2, 13)
    posts = compute_site_status_as_of(sites, statuses, day)
    shown = select_events_as_of(events, day, window_days=7)
    data = json.loads(json.dumps(make_map_geojson(posts, shown, day)))
    layers = [f["properties"]["layer"] for f in data["features"]]
    assert layers.count("observation_post") == 12
    assert layers.count("event") == shown["latitude"].notna().sum() > 0
    morek = next(f for f in data["features"] if f["properties"].get("name") == "Morek")
    assert morek["properties"]["status"] == "encircled" and morek["geometry"]["coordinates"][1] == 35.3753


def test_many_events_build_small_and_fast():
    from conflict_monitor.bench.maps import compute_map_benchmark

    result = compute_map_benchmark(100_000, naive_n=200)
    assert result["map_bytes"] < 5_000_000
    assert result["map_build_s"] < 3.0  # budget 1.5 s (benchmarks/bench_map.py); slack for busy CI
    assert result["naive_map_bytes"] > 10 * result["map_bytes"]


def test_as_of_filter_matches_the_in_memory_selection():
    import datetime as dt

    import pandas as pd

    from conflict_monitor.maps.sites import compute_as_of_filter, select_events_as_of
    from conflict_monitor.model.filters import EventFilter, compute_where

    days = pd.date_range("2020-01-01", "2020-03-31", freq="D")
    frame = pd.DataFrame({"event_date": days.date})
    as_of = dt.date(2020, 2, 13)
    for base in (EventFilter(), EventFilter(date_from=dt.date(2020, 2, 10)),
                 EventFilter(date_to=dt.date(2020, 2, 1))):
        for window in (None, 7, 30):
            flt = compute_as_of_filter(base, as_of, window)
            expected = set(select_events_as_of(frame, as_of, window)["event_date"])
            expected = {d for d in expected if (not base.date_from or d >= base.date_from)
                        and (not base.date_to or d <= base.date_to)}
            got = {d for d in frame["event_date"]
                   if (not flt.date_from or d >= flt.date_from) and (not flt.date_to or d <= flt.date_to)}
            assert got == expected, (base, window)
    assert compute_where(compute_as_of_filter(EventFilter(), as_of, 7))[1] == [
        dt.date(2020, 2, 7), as_of]
