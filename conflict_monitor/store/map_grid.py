"""The map's queries: events counted per grid cell in the store, and the events of an area.

Functions over any EventStore's query_sql, in the SQL DuckDB and PostgreSQL 15 both run (GROUP
BY positions, CAST, `?` marks), with the shared filter (model.filters.compute_where): the same
answers on both backends. The grid is geo.grid's: cell (row, col) = floor(lat / size),
floor(lon / size).

Deaths in a cell count an incident once, at its lowest reported figure (the Casualties page's
rule, after ACLED's codebook): a report alone in its incident adds its own figure; a shared
incident (incident_reports > 1, kept by the store) adds the lowest figure of its reports under
the filter once, in the cell of its reports' southernmost latitude and westernmost longitude (so
that it counts once at every level, and coarser cells sum finer ones exactly). Running totals
are never added. Shared reports are grouped by incident_key, the number the store keeps for
each incident_id (incident_counts): an integer column to read and hash instead of the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from conflict_monitor.geo.grid import Bounds, compute_cell_size
from conflict_monitor.model.filters import EventFilter, compute_where
from conflict_monitor.model.schema import EVENT_FIELDS
from conflict_monitor.store.base import EventStore
from conflict_monitor.store.incident_counts import KEY

CATEGORY_COLUMNS = ("action", "event_type")  # what a cell's dominant category may be
CELL_COLUMNS = ("cell_row", "cell_col", "events", "deaths", "latitude", "longitude", "category",
                "category_events", "last_date")
_PLACED = "latitude IS NOT NULL AND longitude IS NOT NULL"
_CELL = "CAST(floor(latitude / ?) AS BIGINT) AS cell_row, CAST(floor(longitude / ?) AS BIGINT) AS cell_col"
_FATAL = "CASE WHEN NOT coalesce(is_running_total, false) THEN fatalities END"


def _area_sql(bounds: Bounds | None) -> tuple[str, list[Any]]:
    """Half-open bounds (south <= lat < north, west <= lon < east), so that an area made of
    whole cells holds exactly those cells; the world's north and east edges are included."""
    if bounds is None:
        return "TRUE", []
    south, west, north, east = (float(v) for v in bounds)
    return ("latitude >= ? AND latitude < ? AND longitude >= ? AND longitude < ?",
            [south, north if north < 90 else 91.0, west, east if east < 180 else 181.0])


def _where(flt: EventFilter, bounds: Bounds | None) -> tuple[str, list[Any]]:
    where, params = compute_where(flt)
    area, area_params = _area_sql(bounds)
    return f"{where} AND {_PLACED} AND {area}", [*params, *area_params]


@dataclass(frozen=True)
class CellCounts:
    """Events counted per grid cell of one level: `parts` has a row per (cell, category value)
    with events, lat_sum, lon_sum, last_date and single_deaths (the deaths of reports alone in
    their incident); `shared` the lowest figures of shared incidents summed per cell."""

    level: int
    parts: pd.DataFrame
    shared: pd.DataFrame


def query_cell_counts(store: EventStore, flt: EventFilter, level: int, bounds: Bounds | None = None,
                      category: str = "action") -> CellCounts:
    """Events under the filter (inside `bounds` when given) counted per cell of the grid of
    zoom `level` and per value of `category` (action or event_type), in the store."""
    if category not in CATEGORY_COLUMNS:
        raise ValueError(f"category: expected one of {CATEGORY_COLUMNS}, got {category!r}")
    where, params = _where(flt, bounds)
    size = compute_cell_size(level)
    parts = store.query_sql(
        f"SELECT {_CELL}, {category} AS category, count(*) AS events, sum(latitude) AS lat_sum, "
        f"sum(longitude) AS lon_sum, max(event_date) AS last_date, "
        f"sum(CASE WHEN coalesce(incident_reports, 1) <= 1 THEN {_FATAL} END) AS single_deaths "
        f"FROM events WHERE {where} GROUP BY 1, 2, 3", [size, size, *params])
    shared = store.query_sql(
        "SELECT CAST(floor(lat / ?) AS BIGINT) AS cell_row, CAST(floor(lon / ?) AS BIGINT) AS cell_col, "
        f"sum(low) AS shared_deaths FROM (SELECT min(latitude) AS lat, min(longitude) AS lon, "
        f"min({_FATAL}) AS low FROM events WHERE {where} AND incident_reports > 1 GROUP BY {KEY}) "
        "AS incidents GROUP BY 1, 2", [size, size, *params])
    parts = parts.astype({"cell_row": "int64", "cell_col": "int64", "events": "int64"})
    shared = shared.astype({"cell_row": "int64", "cell_col": "int64"})
    return CellCounts(int(level), parts, shared)


def query_map_cells(store: EventStore, flt: EventFilter, level: int, bounds: Bounds | None = None,
                    category: str = "action") -> pd.DataFrame:
    """One row per cell of the grid of zoom `level` holding events under the filter: see
    compute_cells."""
    return compute_cells(query_cell_counts(store, flt, level, bounds, category), level)


def _coarser(frame: pd.DataFrame, factor: int) -> pd.DataFrame:
    # sizes halve per level, so a cell of a finer level lies in exactly one coarser cell
    return frame.assign(cell_row=frame["cell_row"] // factor, cell_col=frame["cell_col"] // factor)


def compute_cells(counts: CellCounts, level: int | None = None, bounds: Bounds | None = None
                  ) -> pd.DataFrame:
    """Cells of zoom `level` (at most counts.level; coarser cells sum the finer ones exactly),
    those inside `bounds` (whole cells of that level) when given: events, deaths, the mean
    position of the events, the most frequent category value (ties to the first name) with its
    events, the latest day. Largest first."""
    level = counts.level if level is None else int(level)
    if level > counts.level:
        raise ValueError(f"level: the counts are of level {counts.level}; cannot refine to {level}")
    factor = 2 ** (counts.level - level)
    rows, shared = _coarser(counts.parts, factor), _coarser(counts.shared, factor)
    if bounds is not None:
        size = compute_cell_size(level)
        south, west, north, east = (round(v / size) for v in bounds)
        rows = rows[rows["cell_row"].between(south, north - 1) & rows["cell_col"].between(west, east - 1)]
    if rows.empty:
        return pd.DataFrame(columns=list(CELL_COLUMNS))
    keys = ["cell_row", "cell_col"]
    per_category = rows.assign(category=rows["category"].fillna("")).groupby(
        [*keys, "category"], as_index=False)["events"].sum()
    top = (per_category.sort_values([*keys, "events", "category"], ascending=[True, True, False, True])
           .drop_duplicates(keys).set_index(keys).rename(columns={"events": "category_events"}))
    cells = rows.groupby(keys).agg(events=("events", "sum"), lat_sum=("lat_sum", "sum"),
                                   lon_sum=("lon_sum", "sum"), deaths=("single_deaths", "sum"),
                                   last_date=("last_date", "max"))
    if not shared.empty:
        if bounds is not None:
            shared = shared[shared["cell_row"].between(south, north - 1)
                            & shared["cell_col"].between(west, east - 1)]
        extra = shared.groupby(keys)["shared_deaths"].sum()
        # an incident whose reports lie far apart may fall in a cell without events (the store
        # links reports of one place only): kept, so the deaths add up to the total
        cells = cells.reindex(cells.index.union(extra.index))
        cells["events"] = cells["events"].fillna(0).astype("int64")
        cells["deaths"] = cells["deaths"].fillna(0).add(extra.reindex(cells.index).fillna(0))
    cells = cells.join(top)
    cells["deaths"] = pd.to_numeric(cells["deaths"], errors="coerce").fillna(0).astype("int64")
    centre = (cells.index.to_frame() + 0.5) * compute_cell_size(level)  # for a cell without events
    cells["latitude"] = (cells["lat_sum"] / cells["events"]).fillna(centre["cell_row"])
    cells["longitude"] = (cells["lon_sum"] / cells["events"]).fillna(centre["cell_col"])
    cells["category"] = cells["category"].replace("", None)
    cells["category_events"] = cells["category_events"].fillna(0).astype("int64")
    return cells.reset_index()[list(CELL_COLUMNS)].sort_values(
        ["events", "cell_row", "cell_col"], ascending=[False, True, True], ignore_index=True)


def query_area_events(store: EventStore, flt: EventFilter, bounds: Bounds | None, limit: int,
                      columns: Sequence[str] | None = None, total: int | None = None) -> pd.DataFrame:
    """The newest `limit` placed events under the filter inside `bounds`. `total`: how many there
    are, when the caller knows (from the cells): at most `limit` saves a pass over the events."""
    cols = list(columns or EVENT_FIELDS)
    unknown = [c for c in cols if c not in EVENT_FIELDS]
    if unknown:
        raise ValueError(f"columns: expected event columns, got unknown {unknown}")
    where, params = _where(flt, bounds)
    # Sorting every matching row by (day, id) to keep the newest few costs seconds at ten million
    # rows; the day of the limit-th newest row (a one-column top-N) narrows the sort to its tail.
    cut = pd.DataFrame() if total is not None and total <= limit else store.query_sql(
        f"SELECT event_date AS day FROM events WHERE {where} ORDER BY event_date DESC NULLS LAST "
        "LIMIT 1 OFFSET ?", [*params, int(limit) - 1])
    if not cut.empty and pd.notna(cut["day"].iloc[0]):
        where, params = f"{where} AND event_date >= ?", [*params, pd.Timestamp(cut["day"].iloc[0]).date()]
    return store.query_sql(f"SELECT {', '.join(cols)} FROM events WHERE {where} "
                           "ORDER BY event_date DESC NULLS LAST, event_id LIMIT ?", [*params, int(limit)])


def count_unplaced_events(store: EventStore, flt: EventFilter) -> int:
    """Events under the filter without coordinates (the map cannot draw them)."""
    where, params = compute_where(flt)
    frame = store.query_sql(f"SELECT count(*) AS n FROM events WHERE {where} AND NOT ({_PLACED})",
                            params)
    return int(frame["n"].iloc[0])


def query_date_span(store: EventStore, flt: EventFilter) -> tuple[Any, Any]:
    """The first and last event_date under the filter (the Map page's day slider): one
    aggregate, where the Overview's key figures (which hold the same two dates) count
    incidents, casualties and actors too."""
    where, params = compute_where(flt)
    row = store.query_sql(f"SELECT min(event_date) AS first_date, max(event_date) AS last_date FROM events "
                          f"WHERE {where}", params).iloc[0]
    return tuple(None if pd.isna(v) else pd.Timestamp(v).date() for v in (row["first_date"], row["last_date"]))
