"""DuckDB backend of the event store: one file, no server.

Connections are short-lived (one per call) so that the dashboard and the CLI can take turns
on the same file: DuckDB lets only one process hold a writable file open at a time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

import duckdb
import pandas as pd

from conflict_monitor import incidents
from conflict_monitor.filters import EventFilter, compute_where
from conflict_monitor.schema import (
    ARTICLE_COLUMNS, EVENT_COLUMNS, EVENT_FIELDS, SITE_COLUMNS, SITE_STATUS_COLUMNS,
    SchemaError, compute_article_id, normalise_text, validate_event,
)
from conflict_monitor.store import EventStore, ImportRejected, ImportResult, StoreError

_LOCK_WAIT_S = 10.0  # how long to wait for another process to release the file
_SORTABLE = {"event_date", "fatalities", "fatalities_high", "goldstein", "confidence", "event_id"}


def _ddl(table: str, columns: Sequence[tuple[str, str, str]], key: str) -> str:
    cols = ",\n  ".join(f"{name} {sql_type}" for name, sql_type, _ in columns)
    return f"CREATE TABLE IF NOT EXISTS {table} (\n  {cols},\n  PRIMARY KEY ({key})\n)"


SCHEMA_SQL: tuple[str, ...] = (
    _ddl("events", EVENT_COLUMNS, "event_id"),
    _ddl("articles", ARTICLE_COLUMNS, "id"),
    _ddl("sites", SITE_COLUMNS, "site_id"),
    _ddl("site_status", SITE_STATUS_COLUMNS, "site_id, status, status_from"),
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value BIGINT)",
    "INSERT INTO meta VALUES ('data_version', 0) ON CONFLICT DO NOTHING",
)


def validate_rows(rows: Iterable[Mapping[str, Any]], skip_invalid: bool
                  ) -> tuple[list[dict[str, Any]], list[tuple[int, str]]]:
    """Validate every row; reject all on the first problem unless skip_invalid."""
    good: list[dict[str, Any]] = []
    bad: list[tuple[int, str]] = []
    for number, row in enumerate(rows, start=1):
        try:
            good.append(validate_event(row))
        except SchemaError as exc:
            bad.append((number, str(exc)))
            if not skip_invalid:
                raise ImportRejected(f"row {number}: {exc}; nothing was imported", bad) from exc
    return good, bad


def events_frame(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Validated rows as a DataFrame with exactly the event columns, in order."""
    frame = pd.DataFrame.from_records(list(rows), columns=list(EVENT_FIELDS))
    return frame.drop_duplicates("event_id")


class DuckDBStore(EventStore):
    """Event store in one DuckDB file."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.location = str(self.path)
        if self.path.exists() and self.path.is_dir():
            raise StoreError(f"The store path {self.path} is a folder; expected a .duckdb file.")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            for statement in SCHEMA_SQL:
                con.execute(statement)

    # --- connection handling -----------------------------------------------------------------
    @contextlib.contextmanager
    def _connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        deadline = time.monotonic() + _LOCK_WAIT_S
        while True:
            try:
                con = duckdb.connect(str(self.path))
                break
            except duckdb.IOException as exc:
                if "lock" in str(exc).lower() and time.monotonic() < deadline:
                    time.sleep(0.1)  # another process is writing; wait our turn
                    continue
                raise StoreError(self._explain(exc)) from exc
            except (duckdb.SerializationException, duckdb.InvalidInputException,
                    duckdb.InternalException, duckdb.CatalogException) as exc:
                raise StoreError(self._explain(exc)) from exc
        try:
            yield con
        finally:
            con.close()

    def _explain(self, exc: Exception) -> str:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "lock" in text.lower():
            return (f"The store {self.path} is in use by another program ({text}). "
                    "Close it or wait, then try again.")
        return (f"The store {self.path} cannot be opened: it is not a valid DuckDB file or it is "
                f"damaged ({text}). Rebuild it from the shipped data "
                "(`python -m conflict_monitor init-db --rebuild`); the old file is kept beside it.")

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
                con.execute("UPDATE meta SET value = value + 1 WHERE key = 'data_version'")
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    # --- writing -------------------------------------------------------------------------------
    def _insert_events(self, con: duckdb.DuckDBPyConnection, rows: Sequence[dict[str, Any]]) -> int:
        if not rows:
            return 0
        before = con.execute("SELECT count(*) FROM events").fetchall()[0][0]
        incoming = events_frame(rows)
        con.register("incoming_events", incoming)
        try:
            cols = ", ".join(EVENT_FIELDS)
            con.execute(f"INSERT INTO events ({cols}) SELECT {cols} FROM incoming_events "
                        "ON CONFLICT (event_id) DO NOTHING")
        finally:
            con.unregister("incoming_events")
        return con.execute("SELECT count(*) FROM events").fetchall()[0][0] - before

    def upsert_events(self, rows: Iterable[Mapping[str, Any]] | pd.DataFrame, *,
                      skip_invalid: bool = False) -> ImportResult:
        if isinstance(rows, pd.DataFrame):
            rows = rows.to_dict("records")
        good, bad = validate_rows(rows, skip_invalid)
        with self._transaction() as con:
            added = self._insert_events(con, good)
        return ImportResult(added=added, already_present=len(good) - added, skipped=bad)

    def import_batches(self, batches: Iterable[pd.DataFrame], *, relink: bool = True) -> ImportResult:
        seen, low, high = 0, None, None
        cols = ", ".join(EVENT_FIELDS)
        with self._transaction() as con:
            before = con.execute("SELECT count(*) FROM events").fetchall()[0][0]
            for frame in batches:
                if frame.empty:
                    continue
                frame = frame.reindex(columns=list(EVENT_FIELDS)).drop_duplicates("event_id")
                con.register("incoming_events", frame)
                try:
                    con.execute(f"INSERT INTO events ({cols}) SELECT {cols} FROM incoming_events "
                                "ON CONFLICT (event_id) DO NOTHING")
                finally:
                    con.unregister("incoming_events")
                seen += len(frame)
                dates = pd.to_datetime(frame["event_date"], errors="coerce").dropna()
                if not dates.empty:
                    low = min(filter(None, (low, dates.min().date())))
                    high = max(filter(None, (high, dates.max().date())))
            added = con.execute("SELECT count(*) FROM events").fetchall()[0][0] - before
            if relink and added and low is not None:
                self._relink(con, low, high)
        return ImportResult(added=added, already_present=seen - added)

    def _relink(self, con: duckdb.DuckDBPyConnection, date_from: dt.date, date_to: dt.date) -> int:
        con.execute("SET enable_progress_bar = false")
        slices = incidents.plan_relink(date_from, date_to)
        # A chain of reports across a slice edge can leave two ids in one incident; a second
        # pass (only needed with several slices) merges them.
        changed = 0
        for _ in range(2 if len(slices) > 1 else 1):
            step = self._relink_pass(con, slices)
            changed += step
            if not step:
                break
        return changed

    def _relink_pass(self, con: duckdb.DuckDBPyConnection,
                     slices: Sequence[tuple[dt.date, dt.date, dt.date, dt.date]]) -> int:
        changed = 0
        for load_from, load_to, start, stop in slices:
            frame = con.execute(f"SELECT {', '.join(incidents.LINK_COLUMNS)} FROM events "
                                "WHERE event_date BETWEEN ? AND ?", [load_from, load_to]).df()
            if frame.empty:
                continue
            ids = incidents.compute_incident_ids(frame)
            day = pd.to_datetime(frame["event_date"]).dt.date
            differs = ids.ne(frame["incident_id"].astype(object)) | frame["incident_id"].isna()
            mask = differs & (day >= start) & (day <= stop)
            changed += self._write_incident_ids(con, frame.loc[mask, "event_id"], ids[mask])
        return changed

    @staticmethod
    def _write_incident_ids(con: duckdb.DuckDBPyConnection, event_ids: Iterable[str],
                            incident_ids: Iterable[str]) -> int:
        update = pd.DataFrame({"event_id": list(event_ids), "incident_id": list(incident_ids)},
                              dtype=object)
        if update.empty:
            return 0
        con.register("incident_updates", update)
        try:
            con.execute("UPDATE events SET incident_id = u.incident_id FROM incident_updates u "
                        "WHERE events.event_id = u.event_id")
        finally:
            con.unregister("incident_updates")
        return len(update)

    def update_incident_ids(self, mapping: Mapping[str, str]) -> int:
        with self._transaction() as con:
            return self._write_incident_ids(con, mapping.keys(), mapping.values())

    def relink_incidents(self, date_from: dt.date | None = None,
                         date_to: dt.date | None = None) -> int:
        low, high = self.date_bounds()
        if low is None:
            return 0
        with self._transaction() as con:
            return self._relink(con, date_from or low, date_to or high)

    def ingest_article(self, article: Mapping[str, Any],
                       events: Sequence[Mapping[str, Any]]) -> ImportResult:
        text = normalise_text(str(article.get("text") or ""))
        if not text:
            raise ImportRejected("The article has no text; nothing was stored.")
        article_id = article.get("id") or compute_article_id(text)
        rows = [dict(e, article_id=e.get("article_id") or article_id) for e in events]
        good, _ = validate_rows(rows, skip_invalid=False)
        values = {name: article.get(name) for name, _, _ in ARTICLE_COLUMNS}
        values.update(id=article_id, text=text, ingested_at=dt.datetime.now(dt.timezone.utc))
        with self._transaction() as con:
            exists = bool(con.execute("SELECT 1 FROM articles WHERE id = ?", [article_id]).fetchall())
            if not exists:
                names = list(values)
                con.execute(f"INSERT INTO articles ({', '.join(names)}) VALUES "
                            f"({', '.join('?' for _ in names)})", [values[n] for n in names])
            added = self._insert_events(con, good)
        return ImportResult(added=added, already_present=len(good) - added,
                            article_added=not exists)

    def upsert_sites(self, sites: Sequence[Mapping[str, Any]],
                     statuses: Sequence[Mapping[str, Any]]) -> int:
        site_names = [c[0] for c in SITE_COLUMNS]
        status_names = [c[0] for c in SITE_STATUS_COLUMNS]
        with self._transaction() as con:
            for site in sites:
                con.execute(f"INSERT OR REPLACE INTO sites ({', '.join(site_names)}) VALUES "
                            f"({', '.join('?' for _ in site_names)})", [site.get(n) for n in site_names])
            for status in statuses:
                con.execute(f"INSERT OR REPLACE INTO site_status ({', '.join(status_names)}) VALUES "
                            f"({', '.join('?' for _ in status_names)})",
                            [status.get(n) for n in status_names])
        return len(sites)

    def delete_events(self, origin: str, article_id: str | None = None) -> int:
        where, params = "origin = ?", [origin]
        if article_id is not None:
            where += " AND article_id = ?"
            params.append(article_id)
        with self._transaction() as con:
            before = con.execute("SELECT count(*) FROM events").fetchall()[0][0]
            con.execute(f"DELETE FROM events WHERE {where}", params)
            return before - con.execute("SELECT count(*) FROM events").fetchall()[0][0]

    # --- reading -------------------------------------------------------------------------------
    def query_sql(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        with self._connect() as con:
            return con.execute(sql, list(params)).df()

    def query_events(self, flt: EventFilter | None = None, *, columns: Sequence[str] | None = None,
                     limit: int | None = None, order_by: str = "event_date DESC") -> pd.DataFrame:
        cols = list(columns) if columns else list(EVENT_FIELDS)
        unknown = [c for c in cols if c not in EVENT_FIELDS]
        if unknown:
            raise ValueError(f"columns: expected event columns, got unknown {unknown}")
        order_col, _, direction = order_by.partition(" ")
        if order_col not in _SORTABLE or direction.upper() not in ("", "ASC", "DESC"):
            raise ValueError(f"order_by: expected one of {sorted(_SORTABLE)} [ASC|DESC], got {order_by!r}")
        where, params = compute_where(flt or EventFilter())
        sql = (f"SELECT {', '.join(cols)} FROM events WHERE {where} "
               f"ORDER BY {order_col} {direction or 'ASC'} NULLS LAST, event_id")
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return self.query_sql(sql, params)

    def count_events(self, flt: EventFilter | None = None) -> int:
        where, params = compute_where(flt or EventFilter())
        return int(self.query_sql(f"SELECT count(*) AS n FROM events WHERE {where}", params)["n"][0])

    def list_distinct(self, column: str) -> list[str]:
        if column not in EVENT_FIELDS:
            raise ValueError(f"column: expected an event column, got {column!r}")
        frame = self.query_sql(f"SELECT DISTINCT {column} AS v FROM events WHERE {column} IS NOT NULL "
                               "ORDER BY 1")
        return [str(v) for v in frame["v"]]

    def _distinct_over(self, columns: Sequence[str]) -> list[str]:
        union = " UNION ".join(f"SELECT {c} AS v FROM events WHERE {c} IS NOT NULL" for c in columns)
        return [str(v) for v in self.query_sql(f"SELECT v FROM ({union}) ORDER BY v")["v"]]

    def list_actors(self) -> list[str]:
        return self._distinct_over(("actor1", "actor2"))

    def list_countries(self) -> list[str]:
        return self._distinct_over(("country", "actor1_country", "actor2_country"))

    def date_bounds(self) -> tuple[dt.date | None, dt.date | None]:
        with self._connect() as con:
            low, high = con.execute("SELECT min(event_date), max(event_date) FROM events").fetchall()[0]
        return low, high

    def query_sites(self) -> pd.DataFrame:
        return self.query_sql("SELECT * FROM sites ORDER BY name")

    def query_site_status(self) -> pd.DataFrame:
        return self.query_sql("SELECT * FROM site_status ORDER BY site_id, status_from")

    def query_articles(self, with_text: bool = False) -> pd.DataFrame:
        cols = [c[0] for c in ARTICLE_COLUMNS if with_text or c[0] != "text"]
        return self.query_sql(f"SELECT {', '.join(cols)} FROM articles "
                              "ORDER BY published DESC NULLS LAST, ingested_at DESC")

    def get_article(self, article_id: str) -> dict[str, Any] | None:
        frame = self.query_sql("SELECT * FROM articles WHERE id = ?", [article_id])
        return None if frame.empty else frame.iloc[0].to_dict()

    def data_version(self) -> int:
        with self._connect() as con:
            return int(con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()[0][0])

    def is_empty(self) -> bool:
        with self._connect() as con:
            total = con.execute("SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM sites) "
                                "+ (SELECT count(*) FROM articles)").fetchall()[0][0]
        return total == 0
