"""The SQL import: an export read, mapped, validated and deduplicated by DuckDB in bulk.

The file is read by DuckDB's CSV reader into a table of cleaned text (sql_reader), each column's
distinct values are mapped once by the Python importers' own code (sql_values), and ONE
INSERT … SELECT with joins writes the valid event rows into the store's staging table
(EventStore.import_staged), which revises, adds and links them in one transaction.

It stores exactly what the reference path (acled/ucdp/gdelt.map_chunk and validate_event, row by
row) stores: tests compare every column on every fixture. A file it cannot vouch for raises
FastPathUnavailable before anything is written and the reference path imports it, naming the
line and problem: a row that does not parse or validate, an event id twice in the file, a file
DuckDB's strict reader refuses. Such files import at the reference path's speed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import duckdb

from conflict_monitor.importers import gdelt, sql_acled, sql_gdelt, sql_ucdp
from conflict_monitor.importers.detect import Detected
from conflict_monitor.importers.sql_fields import Mapped
from conflict_monitor.importers.sql_reader import FastPathUnavailable, column_names, read_file
from conflict_monitor.importers.sql_values import ValueMaps
from conflict_monitor.model.schema import EVENT_COLUMNS, EVENT_FIELDS
from conflict_monitor.store.base import EventStore, ImportResult

WANTED = {"acled": sql_acled.WANTED, "ucdp": sql_ucdp.WANTED, "gdelt": sql_gdelt.WANTED}
_DEFAULTS = {"is_running_total": "false", "date_precision": "'day'"}
Stage = Callable[[str], None]


def compute_select(mapped: Mapped, raw: str, where: str) -> str:
    """SELECT of every event column (typed as the events table) from the raw table `r`."""
    columns = []
    for name, sql_type, _ in EVENT_COLUMNS:
        expr = mapped.values.get(name, _DEFAULTS.get(name, "NULL"))
        columns.append(f"CAST({expr} AS {sql_type}) AS {name}")  # the schema's fixed types
    joins = "\n".join(mapped.joins)
    return f"SELECT {', '.join(columns)} FROM {raw} AS r\n{joins}\nWHERE {where}"


def _map(fmt: str, maps: ValueMaps, name: str, notes: list[str]) -> Mapped:
    if fmt == "acled":
        order = sql_acled.scan_date_order(maps, name)
        if order.note:
            notes.append(order.note)
        return sql_acled.map_acled(maps, name, order)
    if fmt == "ucdp":
        return sql_ucdp.map_ucdp(maps)
    return sql_gdelt.map_gdelt(maps)


def _fill(path: Path, name: str, detected: Detected, notes: list[str], rows: list[int],
          stage: Stage) -> Callable[[duckdb.DuckDBPyConnection, str], None]:
    def fill(con: duckdb.DuckDBPyConnection, staging: str) -> None:
        prefix = f"import_{uuid.uuid4().hex[:12]}"
        raw = f"{prefix}_raw"
        stage("reading")
        count = read_file(con, path, detected, column_names(detected, gdelt.COLUMNS),
                          WANTED[detected.fmt], raw)
        maps = ValueMaps(con, raw, prefix)
        try:
            if count == 0:
                raise FastPathUnavailable("no rows")  # the reference path words the refusal
            stage("validating")
            mapped = _map(detected.fmt, maps, name, notes)
            good = " AND ".join(f"({p}) IS NULL" for p in mapped.problems) or "true"
            try:
                inserted = con.execute(f"INSERT INTO {staging} ({', '.join(EVENT_FIELDS)}) "
                                       + compute_select(mapped, raw, good)).fetchall()[0][0]
            except (duckdb.ConversionException, duckdb.OutOfRangeException) as exc:
                raise FastPathUnavailable(str(exc).splitlines()[0]) from exc
            if inserted != count:
                raise FastPathUnavailable(f"{count - inserted} bad rows")
            distinct = con.execute(f"SELECT count(DISTINCT event_id) FROM {staging}").fetchall()[0][0]
            if distinct != count:
                raise FastPathUnavailable("an event id repeated in the file")
            rows.append(count)
        finally:
            maps.close()
            con.execute(f"DROP TABLE IF EXISTS {raw}")

    return fill


def import_with_sql(store: EventStore, path: Path, name: str, detected: Detected,
                    notes: list[str], stage: Stage) -> tuple[ImportResult, int]:
    """(what the store did, rows read) for a file every row of which is good; raises
    FastPathUnavailable (nothing written) when the reference path must import it."""
    rows: list[int] = []
    result = store.import_staged(_fill(path, name, detected, notes, rows, stage), stage=stage)
    return result, rows[0]
