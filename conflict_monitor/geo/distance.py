"""The one great-circle distance of the project: haversine on a sphere of the mean Earth radius.

EARTH_RADIUS_KM is the IUGG mean radius R1 = (2a + b) / 3 of WGS 84 (Moritz 2000, "Geodetic
Reference System 1980"), 6371.0088 km. The SQL form is the same formula for the store's
incident linking, so Python and the database agree on every distance.
"""

from __future__ import annotations

from typing import Any

import numpy as np

EARTH_RADIUS_KM = 6371.0088


def _haversine_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> np.ndarray:
    """The formula, on radians that broadcast against each other."""
    a = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def compute_distances_km(lat: float, lon: float, lats: Any, lons: Any) -> np.ndarray:
    """Great-circle distances (km) from one point to many (degrees, EPSG:4326)."""
    return _haversine_km(np.radians(lat), np.radians(lon), np.radians(np.asarray(lats, dtype="float64")),
                         np.radians(np.asarray(lons, dtype="float64")))


def compute_distance_matrix_km(lats1: Any, lons1: Any, lats2: Any, lons2: Any) -> np.ndarray:
    """Great-circle distances (km), one row per point of the first set, one column per point
    of the second (degrees, EPSG:4326)."""
    lat1 = np.radians(np.asarray(lats1, dtype="float64"))[:, None]
    lon1 = np.radians(np.asarray(lons1, dtype="float64"))[:, None]
    return _haversine_km(lat1, lon1, np.radians(np.asarray(lats2, dtype="float64"))[None, :],
                         np.radians(np.asarray(lons2, dtype="float64"))[None, :])


def compute_distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (km) between two points (degrees, EPSG:4326)."""
    return float(compute_distances_km(lat1, lon1, [lat2], [lon2])[0])


def make_distance_sql(lat1: str, lon1: str, lat2: str, lon2: str) -> str:
    """The same distance as a SQL expression over four column names (DuckDB and PostgreSQL)."""
    return (f"2 * {EARTH_RADIUS_KM} * asin(sqrt(least(1.0, pow(sin(radians({lat2} - {lat1}) / 2), 2)"
            f" + cos(radians({lat1})) * cos(radians({lat2})) * pow(sin(radians({lon2} - {lon1}) / 2), 2))))")
