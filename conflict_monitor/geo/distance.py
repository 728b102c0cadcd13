"""The one great-circle distance of the project: haversine on a sphere of the mean Earth radius.

EARTH_RADIUS_KM is the IUGG mean radius R1 = (2a + b) / 3 of WGS 84 (Moritz 2000, "Geodetic
Reference System 1980"), 6371.0088 km. The SQL form is the same formula for the store's
incident linking, so Python and the database agree on every distance.
"""

from __future__ import annotations

from typing import Any

import numpy as np

EARTH_RADIUS_KM = 6371.0088


def compute_distances_km(lat: float, lon: float, lats: Any, lons: Any) -> np.ndarray:
    """Great-circle distances (km) from one point to many (degrees, EPSG:4326)."""
    lat1, lon1 = np.radians(lat), np.radians(lon)
    lat2 = np.radians(np.asarray(lats, dtype="float64"))
    lon2 = np.radians(np.asarray(lons, dtype="float64"))
    a = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def compute_distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (km) between two points (degrees, EPSG:4326)."""
    return float(compute_distances_km(lat1, lon1, [lat2], [lon2])[0])


def make_distance_sql(lat1: str, lon1: str, lat2: str, lon2: str) -> str:
    """The same distance as a SQL expression over four column names (DuckDB and PostgreSQL)."""
    return (f"2 * {EARTH_RADIUS_KM} * asin(sqrt(least(1.0, pow(sin(radians({lat2} - {lat1}) / 2), 2)"
            f" + cos(radians({lat1})) * cos(radians({lat2})) * pow(sin(radians({lon2} - {lon1}) / 2), 2))))")
