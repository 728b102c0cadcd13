"""Administrative geography: governorate polygons and point lookups (explicit CRS: EPSG:4326)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING

from shapely.geometry import Point, shape
from shapely.prepared import PreparedGeometry, prep

if TYPE_CHECKING:
    import geopandas as gpd

ADMIN1_GEOJSON = Path(__file__).resolve().parents[2] / "data" / "syria_admin1.geojson"
WGS84 = "EPSG:4326"
# Countries the shipped boundaries do not cover, recognised from a place's text.
_COUNTRY_WORDS = {"russia": "RUS", "turkey": "TUR", "iran": "IRN", "lebanon": "LBN", "iraq": "IRQ"}
# Names a GeoJSON file's legacy "crs" member may give WGS84 (RFC 7946 files have no member).
_WGS84_NAMES = {"EPSG:4326", "urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84",
                "urn:ogc:def:crs:EPSG::4326", "OGC:CRS84"}
_PROPERTIES = {"name", "name_common", "country"}


@functools.lru_cache(maxsize=2)
def load_admin1(path: Path = ADMIN1_GEOJSON) -> gpd.GeoDataFrame:
    """Governorate polygons in WGS84 (cached; the file is read once)."""
    import geopandas as gpd  # noqa: PLC0415 - the maps need it; a store build does not

    frame = gpd.read_file(path)
    if frame.crs is None:
        frame = frame.set_crs(WGS84)
    elif frame.crs.to_string() != WGS84:
        frame = frame.to_crs(WGS84)
    missing = _PROPERTIES - set(frame.columns)
    if missing:
        raise ValueError(f"{path}: expected properties name, name_common, country; missing {sorted(missing)}")
    return frame


@functools.lru_cache(maxsize=2)
def load_admin1_shapes(path: Path = ADMIN1_GEOJSON) -> tuple[tuple[str, str, PreparedGeometry], ...]:
    """(common name, country, prepared polygon) of each governorate in the file's order, for
    point lookups (cached). Read with json and shapely: geopandas' import and a GeoDataFrame
    filter per point were 0.15 s of a new user's first start, which looks up every reference
    event. A file in another CRS (a legacy "crs" member) goes through load_admin1's reprojection."""
    data = json.loads(path.read_text(encoding="utf-8"))
    crs = ((data.get("crs") or {}).get("properties") or {}).get("name")
    if crs and crs not in _WGS84_NAMES:
        frame = load_admin1(path)
        return tuple((str(name), str(country), prep(geometry)) for name, country, geometry
                     in zip(frame["name_common"], frame["country"], frame.geometry, strict=True)
                     if geometry is not None)
    features = data.get("features") or []
    present = set.intersection(*(set(f.get("properties") or {}) for f in features)) if features else set()
    missing = _PROPERTIES - present
    if missing:
        raise ValueError(f"{path}: expected properties name, name_common, country; missing {sorted(missing)}")
    return tuple((str(f["properties"]["name_common"]), str(f["properties"]["country"]),
                  prep(shape(f["geometry"]))) for f in features if f.get("geometry"))


def _find_admin1(lat: float | None, lon: float | None) -> tuple[str, str] | None:
    """(common name, country) of the first governorate containing the point (its interior: a
    point on a border is in neither, as GeoSeries.contains has it)."""
    if lat is None or lon is None:
        return None
    point = Point(lon, lat)
    for name, country, polygon in load_admin1_shapes():
        if polygon.contains(point):
            return name, country
    return None


def compute_admin1(lat: float | None, lon: float | None) -> str | None:
    """Common name of the governorate holding the point, or None outside the polygons."""
    hit = _find_admin1(lat, lon)
    return hit[0] if hit else None


def compute_country(lat: float | None, lon: float | None, place_text: str | None = None) -> str | None:
    """ISO3 of the point: the country of the shipped polygon holding it (SYR), else a country
    named in the text."""
    hit = _find_admin1(lat, lon)
    if hit is not None:
        return hit[1]
    lowered = (place_text or "").lower()
    for word, iso3 in _COUNTRY_WORDS.items():
        if word in lowered:
            return iso3
    return None
