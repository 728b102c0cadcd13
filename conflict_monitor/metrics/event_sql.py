"""Running the metrics' SQL: on a store (DuckDB or PostgreSQL), or on a DataFrame (tests).

The metric queries are written in the SQL that DuckDB and PostgreSQL 15 both run: explicit
GROUP BY, window functions in subqueries (no QUALIFY), ROW_NUMBER (no max_by), no list or struct
values, CAST(...) rather than `::`, `?` placeholders (the PostgreSQL store turns them into `%s`).
So a store always answers them itself: nothing is fetched to run elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb
import pandas as pd

from conflict_monitor.model.schema import EVENT_COLUMNS
from conflict_monitor.store import notable_events
from conflict_monitor.store.base import EventStore
from conflict_monitor.store.incident_counts import (
    COLUMN,
    KEY_COLUMN,
    LEAD_COLUMN,
    REFRESH_STATEMENTS,
    SEQUENCE_SQL,
)

EventSource = EventStore | pd.DataFrame
NOT_RUNNING = "NOT coalesce(is_running_total, false)"
_DDL = ("CREATE TABLE events ("
        + ", ".join(f"{n} {t}" for n, t, _ in (*EVENT_COLUMNS, COLUMN, KEY_COLUMN, LEAD_COLUMN)) + ")")
_KNOWN = frozenset(n for n, _, _ in EVENT_COLUMNS)


def run_event_sql(source: EventSource, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
    """Run portable SQL over the table `events`: the store's own, or a DataFrame's rows (missing
    columns are null, incident_reports is counted) loaded into an in-memory DuckDB, for tests
    and small hand-made tables."""
    if not isinstance(source, pd.DataFrame):
        return source.query_sql(sql, list(params))
    con = duckdb.connect()
    try:
        con.execute(_DDL)
        con.execute(SEQUENCE_SQL)
        known = [c for c in source.columns if c in _KNOWN]
        if len(source):
            con.register("frame", source[known])
            con.execute(f"INSERT INTO events ({', '.join(known)}) SELECT {', '.join(known)} FROM frame")
            for statement in REFRESH_STATEMENTS:  # as the store keeps them
                con.execute(statement)
        return con.execute(sql, list(params)).df()
    finally:
        con.close()


def array_param(values: Sequence[Any]) -> list[str | None]:
    """A list of texts as one SQL array parameter (read with unnest(CAST(? AS VARCHAR[])))."""
    return [None if v is None or (isinstance(v, float) and v != v) else str(v) for v in values]


def query_rows_by_id(source: EventSource, event_ids: Sequence[str], columns: Sequence[str]) -> pd.DataFrame:
    """The `columns` (event columns, event_id among them) of the events with these ids, in the
    ids' order (repeats once). Read by the primary key, this touches only those rows' text,
    where a scan with a filter decodes the text of nearly every row it passes."""
    ids = list(dict.fromkeys(event_ids))
    cols = ", ".join(columns)
    if not ids:
        return run_event_sql(source, f"SELECT {cols} FROM events WHERE FALSE")
    marks = ", ".join("?" for _ in ids)
    out = run_event_sql(source, f"SELECT {cols} FROM events WHERE event_id IN ({marks})", ids)
    order = pd.Series(range(len(ids)), index=ids)
    return out.iloc[order.loc[out["event_id"]].argsort(kind="stable")].reset_index(drop=True)


def query_store_ranks(source: EventSource, column: str, condition: str, ranks: Sequence[int]) -> list[Any]:
    """The distinct values of `column` (fixed SQL) at these ranks of the store's rows matching
    `condition` (fixed SQL), highest first: the ranks its ORDER BY column DESC gives. Kept by the
    store per data version (cut-offs that let a page's query skip most rows); none on a frame or
    where the store has fewer rows than a rank."""
    per_version = getattr(source, "query_sql_per_version", None)  # a store's (not a frame's)
    if per_version is None:
        return []
    sql = " UNION ALL ".join(f"(SELECT {column} FROM events WHERE {condition} ORDER BY {column} DESC "
                             f"LIMIT 1 OFFSET {int(rank) - 1})" for rank in ranks)
    return sorted(set(per_version(sql)[column].tolist()), reverse=True)


def notable_table(source: EventSource, min_deaths: int | None = None) -> str:
    """The table to read for reports that are ultimatums, have a deadline, are ceasefires or
    running totals (min_deaths None), or have at least `min_deaths` deaths: the store's
    notable_events when it keeps one that holds them all, else events. A DataFrame: events."""
    per_version = getattr(source, "query_sql_per_version", None)  # a store's (not a frame's)
    if per_version is None:
        return "events"
    rows = per_version(f"SELECT value FROM meta WHERE key = '{notable_events.DEATHS_FLOOR}'")
    floor = notable_events.read_floor(list(rows.itertuples(index=False, name=None)))
    if floor is None or (min_deaths is not None and min_deaths < floor):
        return "events"
    return notable_events.TABLE
