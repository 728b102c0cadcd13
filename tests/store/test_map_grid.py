"""The map's grid counts (store/map_grid.py) on every backend: the cells hold exactly the events
the filter matches, coarser levels sum the finer ones, deaths count an incident once at its
lowest figure, and an area's events are its newest."""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd
import pytest

from conflict_monitor.geo.grid import compute_cell_of_point, compute_cell_size, compute_drawn_area
from conflict_monitor.model.filters import EventFilter
from conflict_monitor.store.factory import open_store
from conflict_monitor.store.map_grid import (
    compute_cells,
    count_unplaced_events,
    query_area_events,
    query_cell_counts,
    query_date_span,
    query_map_cells,
)
from tests.store.test_backends import _event, store_location  # noqa: F401 - the fixture: DuckDB and PostgreSQL

ACTIONS = ("attack", "kill", "capture", "deploy")
FILTERS = (EventFilter(), EventFilter(actions=("kill",)), EventFilter(actors=("Turkish forces",)),
           EventFilter(date_from=dt.date(2020, 2, 1), date_to=dt.date(2020, 2, 20)),
           EventFilter(origins=("acled",), countries=("TUR",)))


def _rows(n: int = 400, seed: int = 3) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        placed = rng.random() > 0.05
        # around Idlib, a few far away and a few on the other side of 0 degrees
        lat, lon = ((rng.gauss(35.9, 0.4), rng.gauss(36.6, 0.4)) if rng.random() < 0.9
                    else (rng.uniform(-40, 60), rng.uniform(-100, 120))) if placed else (None, None)
        rows.append(_event(
            event_date=(dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(90))).isoformat(),
            action=rng.choice(ACTIONS), location=f"Place {i}", latitude=lat, longitude=lon,
            fatalities=rng.choice([None, 0, 1, 4, 12]), origin=rng.choice(("acled", "manual", "gdelt")),
            actor1=rng.choice(("Syrian government forces", "Turkish forces", "Syrian rebels")),
            is_running_total=rng.random() < 0.03, evidence=f"Report {i}."))
    return rows


@pytest.fixture
def grid_store(store_location):  # noqa: F811 - the imported fixture
    store = open_store(seed_if_new=False)
    rows = _rows()
    store.upsert_events(rows)
    frame = store.query_events()
    # reports of one incident: pairs at (nearly) the same place with other figures
    ids = frame.sort_values("event_id")["event_id"].tolist()
    store.update_incident_ids({eid: f"inc-{i // 2}" for i, eid in enumerate(ids[:60])})
    return store


def _expected(frame: pd.DataFrame, level: int) -> pd.Series:
    size = compute_cell_size(level)
    placed = frame.dropna(subset=["latitude", "longitude"])
    cells = [compute_cell_of_point(a, o, size) for a, o in zip(placed["latitude"], placed["longitude"], strict=True)]
    return pd.Series(1, index=pd.MultiIndex.from_tuples(cells)).groupby(level=[0, 1]).sum()


@pytest.mark.parametrize("flt", FILTERS)
def test_cells_hold_exactly_the_filtered_events(grid_store, flt):
    frame = grid_store.query_events(flt)
    for level in (2, 9, 13):
        cells = query_map_cells(grid_store, flt, level)
        assert int(cells["events"].sum()) == int(frame["latitude"].notna().sum())
        got = cells.set_index(["cell_row", "cell_col"])["events"].sort_index()
        assert got[got > 0].to_dict() == _expected(frame, level).to_dict()
    assert count_unplaced_events(grid_store, flt) == int(frame["latitude"].isna().sum())


def test_coarser_levels_sum_the_finer_cells(grid_store):
    base = query_cell_counts(grid_store, EventFilter(), 13)
    for level in (3, 8, 11, 13):
        direct = query_map_cells(grid_store, EventFilter(), level)
        rolled = compute_cells(base, level)
        pd.testing.assert_frame_equal(rolled.drop(columns=["latitude", "longitude", "last_date"]),
                                      direct.drop(columns=["latitude", "longitude", "last_date"]),
                                      check_dtype=False)
        assert rolled["latitude"].round(9).tolist() == direct["latitude"].round(9).tolist()
    with pytest.raises(ValueError, match="level"):
        compute_cells(query_cell_counts(grid_store, EventFilter(), 5), 6)


def test_deaths_count_an_incident_once_at_its_lowest_figure_and_no_running_totals(grid_store):
    # the pairs of the fixture's incidents lie far apart: each still counts once, at every level
    frame = grid_store.query_events()
    placed = frame.dropna(subset=["latitude", "longitude"])
    counted = placed[~placed["is_running_total"].fillna(False).astype(bool)]
    key = counted["incident_id"].fillna(counted["event_id"])
    lowest = counted.assign(key=key.to_numpy()).groupby("key")["fatalities"].min()
    cells = query_map_cells(grid_store, EventFilter(), 13)
    assert int(cells["deaths"].sum()) == int(lowest.sum())
    assert int(query_map_cells(grid_store, EventFilter(), 4)["deaths"].sum()) == int(lowest.sum())
    assert int(cells["deaths"].sum()) < int(counted["fatalities"].sum())  # the pairs are not added


def test_dominant_category_and_area_bounds(grid_store):
    area = compute_drawn_area((35.5, 36.2, 36.3, 37.0), 9)
    cells = query_map_cells(grid_store, EventFilter(), 9, area.bounds)
    frame = grid_store.query_events()
    inside = frame[(frame["latitude"] >= area.south) & (frame["latitude"] < area.north)
                   & (frame["longitude"] >= area.west) & (frame["longitude"] < area.east)]
    assert int(cells["events"].sum()) == len(inside)
    # the same as the whole map's cells cut to the area
    whole = compute_cells(query_cell_counts(grid_store, EventFilter(), 13), 9, area.bounds)
    assert whole["events"].tolist() == cells["events"].tolist()
    size = compute_cell_size(9)
    for cell in cells[cells["events"] > 0].itertuples():
        members = inside[[compute_cell_of_point(a, o, size) == (cell.cell_row, cell.cell_col)
                          for a, o in zip(inside["latitude"], inside["longitude"], strict=True)]]
        counts = members["action"].value_counts()
        assert cell.category_events == counts.max()
        assert cell.category == min(counts[counts == counts.max()].index)
        assert cell.latitude == pytest.approx(members["latitude"].mean())


def test_area_events_are_the_newest_in_the_area(grid_store):
    area = compute_drawn_area((35.5, 36.2, 36.3, 37.0), 9)
    frame = grid_store.query_events()
    inside = frame[(frame["latitude"] >= area.south) & (frame["latitude"] < area.north)
                   & (frame["longitude"] >= area.west) & (frame["longitude"] < area.east)]
    expected = inside.sort_values(["event_date", "event_id"], ascending=[False, True])["event_id"]
    got = query_area_events(grid_store, EventFilter(), area.bounds, 25)
    assert got["event_id"].tolist() == expected.head(25).tolist()
    everything = query_area_events(grid_store, EventFilter(), area.bounds, 100_000)
    assert sorted(everything["event_id"]) == sorted(inside["event_id"])
    known = query_area_events(grid_store, EventFilter(), area.bounds, len(inside), total=len(inside))
    assert known["event_id"].tolist() == expected.tolist()
    kills = query_area_events(grid_store, EventFilter(actions=("kill",)), None, 10)
    assert set(kills["action"]) == {"kill"} and kills["latitude"].notna().all()


def test_category_must_be_a_known_column(grid_store):
    with pytest.raises(ValueError, match="category"):
        query_map_cells(grid_store, EventFilter(), 5, category="evidence; DROP TABLE events")


@pytest.mark.parametrize("flt", (*FILTERS, EventFilter(origins=("extracted",))))
def test_date_span_is_the_key_figures_span(grid_store, flt):
    from conflict_monitor.metrics.key_figures import compute_key_figures  # noqa: PLC0415

    figures = compute_key_figures(grid_store, flt)
    assert query_date_span(grid_store, flt) == (figures.first_date, figures.last_date)
    dates = grid_store.query_events(flt)["event_date"]
    expected = (None, None) if dates.empty else (min(dates), max(dates))
    assert query_date_span(grid_store, flt) == tuple(pd.Timestamp(d).date() if d is not None else None
                                                     for d in expected)
