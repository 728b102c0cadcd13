"""The map's control layers and the Timeline's control strip, built directly."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from conflict_monitor.control.model import (
    compute_changes_per_week,
    compute_control_as_of,
    compute_place_history,
)
from conflict_monitor.control.reference import CLAIM_COLUMNS, load_control_changes
from conflict_monitor.figures.control import make_control_changes_figure
from conflict_monitor.geo.admin import load_admin1
from conflict_monitor.maps.control_layer import (
    CONTESTED_COLOUR,
    MAX_CELL_KM,
    compute_control_areas,
    compute_side_colours,
    find_clicked_control_place,
    find_control_place,
)
from conflict_monitor.maps.idlib import build_idlib_map
from conflict_monitor.maps.sites import compute_site_status_as_of
from conflict_monitor.model.schema import EVENT_COLUMNS
from conflict_monitor.store.reference import load_posts

D = dt.date
COLOURS = compute_side_colours(["Syrian government", "Syrian opposition"])
EMPTY_EVENTS = pd.DataFrame(columns=[c[0] for c in EVENT_COLUMNS])


def _map_html(control: pd.DataFrame, claims: pd.DataFrame) -> str:
    from conflict_monitor.maps.control_layer import (
        ControlLegend,
        build_control_area_layer,
        build_control_layer,
        make_control_legend_html,
        make_control_popups,
    )
    sites, statuses = (pd.DataFrame(x) for x in load_posts())
    posts = compute_site_status_as_of(sites, statuses, D(2020, 2, 28))
    layers = [build_control_area_layer(compute_control_areas(control, load_admin1()), COLOURS),
              build_control_layer(control, make_control_popups(
                  control, {p: compute_place_history(claims, p) for p in control["place_id"]}), COLOURS),
              ControlLegend(make_control_legend_html(COLOURS, set(control["side"].dropna())))]
    m = build_idlib_map(posts, statuses, EMPTY_EVENTS, D(2020, 2, 28), extra_layers=layers)
    return m.get_root().render()


def test_the_map_draws_places_by_side_with_recent_changes_ringed():
    _, claims = load_control_changes()
    control = compute_control_as_of(claims, D(2020, 2, 28))
    html = _map_html(control, claims)
    placed = control.dropna(subset=["latitude"])
    assert html.count("cm-control cm-control-held") == len(placed)
    assert html.count("cm-control-recent") == int(placed["changed_recently"].sum()) > 0
    assert "Approximate areas of control" in html and "(approximate area)" in html
    assert "Control on the date" in html
    assert "nationalpost.com" in html  # Saraqib's popup links its sources


def test_a_contested_place_is_drawn_as_contested():
    _, claims = load_control_changes()
    html = _map_html(compute_control_as_of(claims, D(2020, 2, 27)), claims)
    assert "cm-control-contested" in html and CONTESTED_COLOUR in html


def test_hostile_text_in_a_claim_is_escaped_in_the_popup():
    bad = "<script>alert(1)</script>`${x}`"
    claims = pd.DataFrame([{
        "place_id": "evil", "place": bad, "latitude": 35.9, "longitude": 36.6, "admin1": "Idlib",
        "country": "SYR", "date": D(2020, 2, 1), "date_approx": False, "claim": "taken",
        "side": "Syrian government", "from_side": "Syrian opposition", "origin": "extracted",
        "event_id": "e", "source": bad, "reported_by": bad, "source_url": "javascript:alert(2)",
        "evidence": bad}], columns=list(CLAIM_COLUMNS))
    html = _map_html(compute_control_as_of(claims, D(2020, 2, 2)), claims)
    assert "<script>alert(1)" not in html and "href=\"javascript" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_areas_stay_in_their_governorate_and_near_their_place():
    _, claims = load_control_changes()
    control = compute_control_as_of(claims, D(2020, 2, 28))
    areas = compute_control_areas(control, load_admin1())
    admin1 = load_admin1().set_index("name_common")
    placed = control.dropna(subset=["latitude"]).set_index("place")
    assert len(areas) == len(placed)
    metric = areas.to_crs("EPSG:32637")
    for place, shape, cell in zip(areas["place"], areas.geometry, metric.geometry, strict=True):
        row = placed.loc[place]
        region = admin1.loc[row["admin1"], "geometry"]
        assert shape.difference(region.buffer(1e-6)).area < 1e-9, place
        here = gpd.GeoSeries([Point(row["longitude"], row["latitude"])], crs="EPSG:4326").to_crs("EPSG:32637").iloc[0]
        assert cell.hausdorff_distance(here) <= MAX_CELL_KM * 1000 + 1, place
    # cells do not overlap
    assert metric.union_all().area == pytest.approx(metric.area.sum(), rel=1e-6)


def test_a_click_finds_the_place_under_it():
    _, claims = load_control_changes()
    control = compute_control_as_of(claims, D(2020, 2, 28))
    assert find_control_place(35.8645, 36.8060, control)["place"] == "Saraqib"
    assert find_control_place(35.0, 38.0, control) is None
    posts = pd.DataFrame(load_posts()[0])
    assert find_clicked_control_place(35.9964, 37.0006, control, posts) is None  # the al-Eis post wins
    assert find_clicked_control_place(35.8645, 36.8060, control, posts)["place"] == "Saraqib"


def test_the_strip_draws_gains_up_and_losses_down():
    _, claims = load_control_changes()
    fig = make_control_changes_figure(compute_changes_per_week(claims), COLOURS, "Filters: none.")
    gained = next(t for t in fig.data if t.name == "Syrian government gained")
    lost = next(t for t in fig.data if t.name == "Syrian government lost")
    assert sum(gained.y) >= 25 and min(lost.y) < 0
    week = list(pd.to_datetime(lost.x)).index(pd.Timestamp(D(2020, 2, 24)))
    assert "Saraqib" in lost.customdata[week] and lost.y[week] == -2  # Saraqib and Nayrab
