"""Governorate lookups by point (geo/admin.py): read with json and shapely, they answer as the
GeoDataFrame of the same file does, and a store build does not need geopandas for them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from shapely.geometry import Point

from conflict_monitor.geo.admin import compute_admin1, compute_country, load_admin1, load_admin1_shapes
from conflict_monitor.store.reference import TIMELINE_CSV, read_csv_rows

REPO = Path(__file__).resolve().parents[2]


def _by_geodataframe(lat: float, lon: float) -> str | None:
    """The lookup as it was: the first row of load_admin1() whose polygon contains the point."""
    frame = load_admin1()
    hits = frame[frame.contains(Point(lon, lat))]
    return None if hits.empty else str(hits.iloc[0]["name_common"])


def _points() -> list[tuple[float, float]]:
    shipped = [(float(r["lat"]), float(r["lon"])) for r in read_csv_rows(TIMELINE_CSV)]
    grid = [(32.0 + i * 0.25, 35.5 + j * 0.25) for i in range(18) for j in range(25)]  # Syria and around
    # Points on a border (the polygons' own vertices) are inside neither polygon.
    rings = [(g.geoms[0] if g.geom_type == "MultiPolygon" else g).exterior
             for g in load_admin1().geometry.iloc[:3]]
    vertices = [(y, x) for ring in rings for x, y in list(ring.coords)[:5]]
    return shipped + grid + vertices


def test_lookups_agree_with_the_geodataframe_of_the_same_file():
    points = _points()
    expected = [_by_geodataframe(lat, lon) for lat, lon in points]
    assert [compute_admin1(lat, lon) for lat, lon in points] == expected
    assert sum(e is not None for e in expected) > 100 and sum(e is None for e in expected) > 50
    assert [compute_country(lat, lon) for lat, lon in points] == ["SYR" if e else None for e in expected]
    assert compute_country(55.75, 37.62, "Moscow, Russia") == "RUS"
    assert compute_admin1(None, 36.6) is None


def test_a_file_without_the_needed_properties_is_refused(tmp_path):
    data = json.loads((REPO / "data" / "syria_admin1.geojson").read_text(encoding="utf-8"))
    for feature in data["features"]:
        feature["properties"].pop("name_common")
    path = tmp_path / "admin1.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="name_common"):
        load_admin1_shapes(path)


def test_a_file_in_another_crs_is_reprojected(tmp_path):
    # The same polygons in Web Mercator (a legacy "crs" member): looked up after reprojection.
    frame = load_admin1().to_crs("EPSG:3857")
    path = tmp_path / "admin1_3857.geojson"
    data = json.loads(frame.to_json())
    data["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}
    path.write_text(json.dumps(data), encoding="utf-8")
    shapes = load_admin1_shapes(path)
    idlib = next(polygon for name, _, polygon in shapes if name == "Idlib")
    assert idlib.contains(Point(36.63, 35.93))  # Idlib city, in degrees


def test_building_the_reference_events_does_not_load_geopandas():
    code = ("import sys; from conflict_monitor.store.reference import load_timeline_events; "
            "events = load_timeline_events(); "
            "assert any(e['admin1'] == 'Idlib' for e in events); "
            "print(sorted(m for m in ('geopandas', 'pyproj', 'pyogrio') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         check=True)
    assert out.stdout.split("\n")[-2] == "[]"
