"""The map's aggregation grid: cell size per zoom level, the cell of a point, the area drawn.

Cells are squares in degrees of latitude and longitude, aligned on (0, 0). At zoom z a Web
Mercator map is 256 * 2**z pixels round the world (the tile scheme Leaflet uses), so a cell of
CELL_PX pixels spans 360 * CELL_PX / (256 * 2**z) degrees of longitude: 90 / 2**z degrees for
64 px. On screen a cell is 1/cos(latitude) taller than wide (1.24 at Idlib's 36 degrees N); the
grid is for counting, not for areas, so plain degrees keep the SQL the same on every backend.
Each size is 90 divided by a power of two, exact in binary floating point, so Python and SQL
compute floor(coordinate / size) alike.

Pure functions: no store, no folium.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

CELL_PX = 64  # cell edge on screen (pixels): a circle per cell stays readable, ~150 in view
MIN_LEVEL, MAX_LEVEL = 0, 18  # Leaflet's zoom range (the map allows 4 to 18)
# The drawn area reaches this share of the view's width and height beyond each edge, so a pan of
# up to half a view needs nothing new from the server.
PAD_SHARE = 0.5

Bounds = tuple[float, float, float, float]  # south, west, north, east (degrees)


def compute_cell_size(zoom: int) -> float:
    """Edge of a grid cell in degrees at this zoom level (clamped to MIN_LEVEL..MAX_LEVEL)."""
    level = min(max(int(zoom), MIN_LEVEL), MAX_LEVEL)
    return 90.0 / (2 ** level)


def compute_cell_of_point(lat: float, lon: float, size: float) -> tuple[int, int]:
    """(row, col) of the cell holding the point: floor(lat / size), floor(lon / size), as the
    store's SQL computes them."""
    return math.floor(lat / size), math.floor(lon / size)


def compute_cell_bounds(row: int, col: int, size: float) -> Bounds:
    """(south, west, north, east) of a cell."""
    return row * size, col * size, (row + 1) * size, (col + 1) * size


@dataclass(frozen=True)
class DrawnArea:
    """What the map drew last: the zoom level it was drawn for and the area (whole cells of
    that level) it covers. Hashable: it is part of the layer's cache key."""

    zoom: int
    south: float
    west: float
    north: float
    east: float

    @property
    def bounds(self) -> Bounds:
        return self.south, self.west, self.north, self.east

    def covers(self, view: Bounds) -> bool:
        """True when the view lies wholly inside the area."""
        south, west, north, east = view
        return self.south <= south and self.west <= west and north <= self.north and east <= self.east


def compute_drawn_area(view: Bounds, zoom: int, pad_share: float = PAD_SHARE) -> DrawnArea:
    """The area to draw for a view at a zoom: the view grown by pad_share of its size on each
    side, then out to whole cells of the zoom's grid, and clamped to the world."""
    south, west, north, east = _clean(view)
    size = compute_cell_size(zoom)
    dlat, dlon = (north - south) * pad_share, (east - west) * pad_share
    south = max(-90.0, math.floor((south - dlat) / size) * size)
    north = min(90.0, math.ceil((north + dlat) / size) * size)
    west = max(-180.0, math.floor((west - dlon) / size) * size)
    east = min(180.0, math.ceil((east + dlon) / size) * size)
    return DrawnArea(int(zoom), south, west, north, east)


def choose_drawn_area(view: Bounds, zoom: int, previous: DrawnArea | None) -> DrawnArea:
    """The previous area while the zoom is the same and the view stays inside it (a small pan
    reuses what is drawn and cached); else a new one around the view."""
    if previous is not None and previous.zoom == int(zoom) and previous.covers(_clean(view)):
        return previous
    return compute_drawn_area(view, zoom)


def _clean(view: Bounds) -> Bounds:
    """The view with latitude clamped to the world and longitude kept within one turn (Leaflet
    reports longitudes beyond +-180 after panning across the antimeridian)."""
    south, west, north, east = (float(v) for v in view)
    if not all(math.isfinite(v) for v in (south, west, north, east)) or south > north or west > east:
        raise ValueError(f"view: expected finite (south, west, north, east), got {view!r}")
    if east - west >= 360.0:
        west, east = -180.0, 180.0
    return max(south, -90.0), max(west, -180.0), min(north, 90.0), min(east, 180.0)
