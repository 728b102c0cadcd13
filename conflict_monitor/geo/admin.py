"""Administrative geography: governorate polygons and point lookups (explicit CRS: EPSG:4326)."""

from __future__ import annotations

import functools
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Point

ADMIN1_GEOJSON = Path(__file__).resolve().parents[2] / "data" / "syria_admin1.geojson"
WGS84 = "EPSG:4326"
# Countries the shipped boundaries do not cover, recognised from a place's text.
_COUNTRY_WORDS = {"russia": "RUS", "turkey": "TUR", "iran": "IRN", "lebanon": "LBN", "iraq": "IRQ"}


@functools.lru_cache(maxsize=2)
def load_admin1(path: Path = ADMIN1_GEOJSON) -> gpd.GeoDataFrame:
    """Governorate polygons in WGS84 (cached; the file is read once)."""
    frame = gpd.read_file(path)
    if frame.crs is None:
        frame = frame.set_crs(WGS84)
    elif frame.crs.to_string() != WGS84:
        frame = frame.to_crs(WGS84)
    missing = {"name", "name_common", "country"} - set(frame.columns)
    if missing:
        raise ValueError(f"{path}: expected properties name, name_common, country; missing {sorted(missing)}")
    return frame


def compute_admin1(lat: float | None, lon: float | None) -> str | None:
    """Common name of the governorate holding the point, or None outside the polygons."""
    if lat is None or lon is None:
        return None
    frame = load_admin1()
    hits = frame[frame.contains(Point(lon, lat))]
    return None if hits.empty else str(hits.iloc[0]["name_common"])


def compute_country(lat: float | None, lon: float | None, place_text: str | None = None) -> str | None:
    """ISO3 of the point: SYR inside the shipped polygons, else a country named in the text."""
    if compute_admin1(lat, lon) is not None:
        return str(load_admin1().iloc[0]["country"])
    lowered = (place_text or "").lower()
    for word, iso3 in _COUNTRY_WORDS.items():
        if word in lowered:
            return iso3
    return None
