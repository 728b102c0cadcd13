"""PostgreSQL backend of the event store, for a team sharing one database.

Selected by CONFLICT_MONITOR_DB=postgresql://user:password@host:port/dbname; the tables are
created on first use. Every write is one transaction that first moves the data_version row,
which takes that row's lock: writers from any number of processes run one after another (so two
imports never deadlock on each other's rows and the counter never loses a step), while readers
keep reading the last committed data. Rows arrive by COPY into a temporary table, then
INSERT ... SELECT ... ON CONFLICT DO NOTHING, so nothing is lost or stored twice.
"""

from __future__ import annotations

import contextlib
import math
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import psycopg

from conflict_monitor.model.schema import EVENT_COLUMNS, EVENT_FIELDS, coerce_date
from conflict_monitor.store.alerts import ALERT_TABLES
from conflict_monitor.store.base import ImportResult, StoreBusyError, StoreError, redact_url
from conflict_monitor.store.event_changes import UPKEEP_WAIT_S
from conflict_monitor.store.feeds import FEED_TABLES
from conflict_monitor.store.incident_counts import REPORTS, REPORTS_OF_NEW_ROW
from conflict_monitor.store.incident_rollup import TABLE as ROLLUP_TABLE
from conflict_monitor.store.review import REVIEW_TABLES
from conflict_monitor.store.revisions import as_date
from conflict_monitor.store.sql import BUMP_VERSION, NOT_REJECTED, Columns, SqlStore

_TYPES = {"DOUBLE": "DOUBLE PRECISION"}
_SCHEMA_LOCK = 748_221_001  # advisory lock key: one process creates the tables at a time
_HAS_SCHEMA = ("SELECT " + " AND ".join(f"to_regclass('{t}') IS NOT NULL" for t in
                                        ("events", "articles", "sites", "site_status", "meta",
                                         *FEED_TABLES, *REVIEW_TABLES, *ALERT_TABLES)))
# PostgreSQL type oids -> how a result column becomes a pandas column (as DuckDB's .df() gives).
_INT_OIDS = {21: "int32", 23: "int32", 20: "int64"}
_FLOAT_OIDS = {700, 701, 1700}
_DATE_OIDS = {1082, 1114}
_BOOL_OID = 16
_TEXT_OIDS = {25, 1042, 1043}
# Indexes a big store needs (DuckDB's own zone maps serve it there; these are PostgreSQL's):
# the write transaction's recount finds its marked rows and their incidents by index instead
# of reading every event (incident_counts), pages filtering a date range or listing the newest
# rows use event_date, and deleting an article's events finds them by article_id.
INDEXES: dict[str, str] = {
    "events_event_date": "CREATE INDEX IF NOT EXISTS events_event_date ON events (event_date)",
    "events_incident_id": "CREATE INDEX IF NOT EXISTS events_incident_id ON events (incident_id)",
    "events_uncounted": "CREATE INDEX IF NOT EXISTS events_uncounted ON events (event_id) "
                        "WHERE incident_reports IS NULL",
    "events_article_id": "CREATE INDEX IF NOT EXISTS events_article_id ON events (article_id)",
    # Running totals are rare (0.2 % of the synthetic store): without this, the Casualties
    # page's "oldest running totals" walked the event_date index through nearly every row
    # (76 s at 10M events); with it, the planner reads only them.
    "events_running_totals": "CREATE INDEX IF NOT EXISTS events_running_totals ON events "
                             "(event_date, event_id) WHERE coalesce(is_running_total, false)",
}
# DuckDB's share of RAM while it reads a file for this store (it spills to disk beyond).
STAGING_MEMORY_LIMIT = "512MB"
_COPY_BLOCK = 1 << 20


def to_pyformat(sql: str) -> str:
    """Translate `?` placeholders to psycopg's `%s` (outside quotes) and escape literal `%`."""
    out: list[str] = []
    quote = ""
    for char in sql:
        if char == "%":
            out.append("%%")
        elif quote:
            out.append(char)
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
            out.append(char)
        elif char == "?":
            out.append("%s")
        else:
            out.append(char)
    return "".join(out)


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _cell(value: Any, sql_type: str) -> Any:
    """One DataFrame value as the Python value COPY expects for a column of `sql_type`."""
    if _missing(value):
        return None
    if sql_type == "INTEGER":
        return int(value)
    if sql_type == "DOUBLE":
        return float(value)
    if sql_type == "BOOLEAN":
        return bool(value)
    if sql_type == "DATE":
        return coerce_date(value, "date")
    if sql_type == "TIMESTAMP":
        return pd.Timestamp(value).to_pydatetime()
    return str(value)


_VECTOR_TYPES = {"INTEGER": "Int64", "DOUBLE": "Float64", "BOOLEAN": "boolean"}


def _copy_values(series: pd.Series, sql_type: str) -> list[Any]:
    """A whole column as COPY values: vectorised where pandas can, else value by value."""
    try:
        if sql_type in _VECTOR_TYPES:
            values = series.astype(_VECTOR_TYPES[sql_type]).tolist()
        elif sql_type == "DATE":
            values = pd.to_datetime(series).dt.date.tolist()
        elif sql_type == "VARCHAR" and pd.api.types.is_string_dtype(series.dtype) \
                and series.dtype != object:
            values = series.tolist()
        else:
            raise TypeError("no vectorised conversion")
    except (TypeError, ValueError):
        return [_cell(v, sql_type) for v in series]
    return [None if _missing(v) else v for v in values]


def _column(values: list[Any], oid: int) -> pd.Series | pd.api.extensions.ExtensionArray:
    has_null = any(v is None for v in values)
    if oid in _INT_OIDS:
        return pd.array(values, dtype=_INT_OIDS[oid].capitalize()) if has_null else \
            pd.Series(values, dtype=_INT_OIDS[oid])
    if oid in _FLOAT_OIDS:
        return pd.Series([math.nan if v is None else float(v) for v in values], dtype="float64")
    if oid in _DATE_OIDS:
        return pd.Series(pd.to_datetime(pd.Series(values, dtype=object))).astype("datetime64[us]")
    if oid == _BOOL_OID:
        return pd.array(values, dtype="boolean") if has_null else pd.Series(values, dtype=bool)
    if oid in _TEXT_OIDS and not has_null:
        return pd.Series(values, dtype="str")
    return pd.Series(values, dtype=object)


class PostgresStore(SqlStore):
    """Event store in a PostgreSQL database (or the schema its URL's search_path names)."""

    _ROLLUP_INDEX = f"CREATE INDEX IF NOT EXISTS {ROLLUP_TABLE}_day ON {ROLLUP_TABLE} (event_date)"

    def __init__(self, url: str):
        self.url = url
        self.location = redact_url(url)
        with self._connect() as con:
            # Only a new store runs the DDL: its INSERT into meta would wait for a running import.
            if not con.execute(_HAS_SCHEMA).fetchone()[0]:
                with con.transaction():
                    con.execute("SELECT pg_advisory_xact_lock(%s)", [_SCHEMA_LOCK])
                    self._create_schema(con)
        self._upgrade_schema()

    def _upgrade_schema(self) -> None:
        """SqlStore's upgrade, then the indexes (built once on a store made without them)."""
        super()._upgrade_schema()
        with self._connect() as con:
            # Only the missing ones: CREATE INDEX locks the table even when the index exists,
            # which would make every opening wait for a running write.
            present = {row[0] for row in con.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                "AND tablename = 'events'").fetchall()}
            for name, statement in INDEXES.items():
                if name not in present:
                    con.execute(statement)

    # --- connection handling -----------------------------------------------------------------
    @contextlib.contextmanager
    def _connect(self) -> Iterator[psycopg.Connection]:
        try:
            con = psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError(f"Cannot reach the PostgreSQL store {self.location} ({text}). Check "
                             "CONFLICT_MONITOR_DB and that the server is running.") from exc
        try:
            yield con
        finally:
            con.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[psycopg.Connection]:
        with self._connect() as con, con.transaction():
            con.execute(BUMP_VERSION)  # first: the row lock queues concurrent writers
            yield con
            self._refresh_incident_counts(con)

    @contextlib.contextmanager
    def _upkeep_transaction(self) -> Iterator[psycopg.Connection]:
        with self._connect() as con, con.transaction():
            # the row every write transaction locks first: writers under way finish before this
            # reads (read committed), later ones wait for it, as do other upkeep transactions
            con.execute(f"SET LOCAL lock_timeout = '{int(UPKEEP_WAIT_S * 1000)}ms'")
            try:
                con.execute("SELECT value FROM meta WHERE key = 'data_version' FOR UPDATE")
            except psycopg.errors.LockNotAvailable as exc:
                raise StoreBusyError(f"The store {self.location} is busy with a write.") from exc
            con.execute("SET LOCAL lock_timeout = 0")
            yield con

    def _sql_type(self, sql_type: str) -> str:
        return _TYPES.get(sql_type, sql_type)

    # --- statements ----------------------------------------------------------------------------
    def _execute(self, con: psycopg.Connection, sql: str, params: Sequence[Any] = ()) -> int:
        cur = con.execute(to_pyformat(sql), list(params))
        return max(cur.rowcount, 0)

    def _fetch(self, con: psycopg.Connection, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return con.execute(to_pyformat(sql), list(params)).fetchall()

    def _frame(self, con: psycopg.Connection, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        cur = con.execute(to_pyformat(sql), list(params))
        if cur.description is None:
            return pd.DataFrame()
        rows = cur.fetchall()
        data = {}
        for i, col in enumerate(cur.description):
            data[i] = _column([row[i] for row in rows], col.type_code)
        frame = pd.DataFrame(data, index=pd.RangeIndex(len(rows)))
        frame.columns = [col.name for col in cur.description]
        return frame

    @contextlib.contextmanager
    def _stage(self, con: psycopg.Connection, name: str, frame: pd.DataFrame,
               columns: Columns) -> Iterator[None]:
        ddl = ", ".join(f"{n} {self._sql_type(t)}" for n, t, _ in columns)
        con.execute(f"CREATE TEMP TABLE {name} ({ddl}) ON COMMIT DROP")
        names = [c[0] for c in columns]
        types = [c[1] for c in columns]
        values = [_copy_values(frame[n], t) for n, t in zip(names, types, strict=False)]
        with con.cursor() as cur, cur.copy(f"COPY {name} ({', '.join(names)}) FROM STDIN") as copy:
            for row in zip(*values, strict=False):
                copy.write_row(row)
        yield
        con.execute(f"DROP TABLE {name}")  # on an exception the rollback drops it


    # --- file imports ----------------------------------------------------------------------------
    def import_staged(self, fill: Callable[[duckdb.DuckDBPyConnection, str], None], *,
                      relink: bool = True, stage: Callable[[str], None] | None = None) -> ImportResult:
        """fill(con, table) writes validated rows into `table` of an in-memory DuckDB (which
        reads the file); the rows then travel by one COPY into a temporary table and, in ONE
        transaction, revise, add and link as import_batches does."""
        with tempfile.TemporaryDirectory(prefix="cm-import-") as work:
            rows_csv = Path(work) / "rows.csv"
            duck = duckdb.connect()
            try:
                duck.execute(f"SET memory_limit = '{STAGING_MEMORY_LIMIT}'")
                duck.execute("SET temp_directory = ?", [work])
                duck.execute("SET enable_progress_bar = false")
                ddl = ", ".join(f"{n} {t}" for n, t, _ in EVENT_COLUMNS)
                duck.execute(f"CREATE TABLE staged ({ddl})")
                fill(duck, "staged")
                duck.execute(f"COPY staged TO '{rows_csv}' (FORMAT csv, HEADER false)")
            finally:
                duck.close()
            if stage:
                stage("storing")
            return self._store_copied(rows_csv, relink, stage)

    def _store_copied(self, rows_csv: Path, relink: bool, stage: Callable[[str], None] | None
                      ) -> ImportResult:
        cols = ", ".join(EVENT_FIELDS)
        ddl = ", ".join(f"{n} {self._sql_type(t)}" for n, t, _ in EVENT_COLUMNS)
        with self._transaction() as con:
            con.execute(f"CREATE TEMP TABLE incoming_rows ({ddl}) ON COMMIT DROP")
            with con.cursor() as cur, cur.copy(f"COPY incoming_rows ({cols}) FROM STDIN "
                                               "(FORMAT csv)") as copy, rows_csv.open("rb") as handle:
                while block := handle.read(_COPY_BLOCK):
                    copy.write(block)
            seen, low, high, revisions = con.execute(
                "SELECT count(DISTINCT event_id), min(event_date), max(event_date), "
                "count(revised_at) FROM incoming_rows").fetchone()
            updated, old_low, old_high = (self._apply_revisions(con, "incoming_rows")
                                          if revisions else (0, None, None))
            added = self._execute(con, f"INSERT INTO events ({cols}, {REPORTS}) SELECT {cols}, "
                                       f"{REPORTS_OF_NEW_ROW} FROM incoming_rows WHERE "
                                       f"{NOT_REJECTED} ORDER BY event_id "
                                       "ON CONFLICT (event_id) DO NOTHING")
            # new rows of no incident are not marked for the recount (event_changes)
            self._log_changes(con, "incident_id IS NULL AND event_id IN (SELECT event_id FROM incoming_rows)")
            self._note_rollup_rows(con, "incident_id IS NULL", table="incoming_rows")
            span = [as_date(d) for d in (low, high, old_low, old_high) if d is not None]
            if relink and (added or updated) and span:
                if stage:
                    stage("linking")
                self._relink(con, min(span), max(span))
        self._make_notable_if_big()  # a store grown past its size has its table of notable reports made
        return ImportResult(added=added, updated=updated, already_present=seen - added - updated)
