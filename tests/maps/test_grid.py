"""The map's grid (geo/grid.py): cell sizes nest, a point's cell holds it, the drawn area is
whole cells around the view and is kept while a pan stays inside it."""

from __future__ import annotations

import math
import random

import pytest

from conflict_monitor.geo.grid import (
    DrawnArea,
    choose_drawn_area,
    compute_cell_bounds,
    compute_cell_of_point,
    compute_cell_size,
    compute_drawn_area,
)

IDLIB_VIEW = (35.3, 36.05, 36.38, 37.15)


def test_cell_size_is_64_pixels_and_halves_per_zoom():
    # 256 px tiles: the world is 256 * 2**z px round, so 64 px are 90 / 2**z degrees
    assert compute_cell_size(0) == 90.0
    assert compute_cell_size(9) == 90.0 / 512
    for z in range(0, 18):
        assert compute_cell_size(z) == 2 * compute_cell_size(z + 1)
    assert compute_cell_size(-3) == compute_cell_size(0)
    assert compute_cell_size(40) == compute_cell_size(18)


def test_a_point_lies_in_its_cell_and_in_the_parent_cell_one_level_up():
    rng = random.Random(7)
    for _ in range(2000):
        lat, lon, z = rng.uniform(-90, 90), rng.uniform(-180, 180), rng.randint(0, 17)
        size = compute_cell_size(z)
        row, col = compute_cell_of_point(lat, lon, size)
        south, west, north, east = compute_cell_bounds(row, col, size)
        assert south <= lat < north and west <= lon < east
        assert compute_cell_of_point(lat, lon, compute_cell_size(z - 1) if z else size) == (
            (row // 2, col // 2) if z else (row, col))


def test_negative_coordinates_round_down():
    size = compute_cell_size(9)
    assert compute_cell_of_point(-0.0001, -0.0001, size) == (-1, -1)
    assert compute_cell_of_point(0.0, 0.0, size) == (0, 0)


def test_drawn_area_is_whole_cells_around_the_padded_view():
    area = compute_drawn_area(IDLIB_VIEW, 9)
    size = compute_cell_size(9)
    assert area.zoom == 9 and area.covers(IDLIB_VIEW)
    for edge in area.bounds:
        assert math.isclose(edge / size, round(edge / size), abs_tol=1e-9)
    # half a view beyond each edge
    assert area.south <= 35.3 - 0.5 * 1.08 and area.north >= 36.38 + 0.5 * 1.08
    assert area.west <= 36.05 - 0.5 * 1.1 and area.east >= 37.15 + 0.5 * 1.1
    assert area.south > 35.3 - 0.5 * 1.08 - size  # not more than one cell beyond that


def test_area_is_clamped_to_the_world():
    area = compute_drawn_area((-89.0, -179.5, 89.0, 179.5), 2)
    assert area.bounds == (-90.0, -180.0, 90.0, 180.0)
    assert compute_drawn_area((10.0, -400.0, 20.0, 400.0), 3).bounds[1::2] == (-180.0, 180.0)


def test_small_pan_keeps_the_area_and_a_zoom_or_long_pan_replaces_it():
    first = choose_drawn_area(IDLIB_VIEW, 9, None)
    panned = (35.4, 36.2, 36.48, 37.3)
    assert choose_drawn_area(panned, 9, first) is first
    assert choose_drawn_area(panned, 10, first).zoom == 10
    far = (37.0, 38.0, 38.08, 39.1)
    moved = choose_drawn_area(far, 9, first)
    assert moved != first and moved.covers(far)


@pytest.mark.parametrize("view", [(1.0, 2.0, 0.5, 3.0), (float("nan"), 0.0, 1.0, 1.0)])
def test_bad_views_are_refused(view):
    with pytest.raises(ValueError, match="view"):
        compute_drawn_area(view, 5)


def test_drawn_area_is_hashable_for_cache_keys():
    assert len({DrawnArea(9, 1, 2, 3, 4), DrawnArea(9, 1, 2, 3, 4)}) == 1
