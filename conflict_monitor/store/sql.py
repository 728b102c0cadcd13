"""The backend-independent half of the event store: every query, written once with `?` marks.

DuckDBStore and PostgresStore subclass SqlStore and supply a few hooks: how to connect, how to
run one transaction (which moves the data_version counter), how to run a statement (placeholder
translation), and how to make a DataFrame visible to SQL as a table (`_stage`). Identifiers in
the SQL come only from the schema's fixed column lists; values always travel as parameters.
"""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, TypeVar

import pandas as pd

from conflict_monitor.model.schema import (
    ACTOR_ALIAS_COLUMNS,
    ARTICLE_COLUMNS,
    EVENT_COLUMNS,
    EVENT_FIELDS,
    SITE_COLUMNS,
    SITE_STATUS_COLUMNS,
    SchemaError,
    compute_article_id,
    normalise_text,
    validate_event,
)
from conflict_monitor.store import incident_counts
from conflict_monitor.store.alerts import ADDED_AT, ALERT_SCHEMA, AlertTablesMixin
from conflict_monitor.store.base import EventStore, ImportRejected, ImportResult
from conflict_monitor.store.event_changes import ChangeLogMixin
from conflict_monitor.store.feeds import FEED_SCHEMA, FeedTablesMixin
from conflict_monitor.store.incident_rollup import IncidentRollupMixin
from conflict_monitor.store.incident_upkeep import IncidentWriteMixin
from conflict_monitor.store.notable_events import NotableEventsMixin
from conflict_monitor.store.review import REVIEW_SCHEMA, ReviewMixin
from conflict_monitor.store.revisions import RevisionMixin
from conflict_monitor.store.source_counts import SourceCountsMixin
from conflict_monitor.store.sql_read import SqlReadMixin

Columns = Sequence[tuple[str, str, str]]
BUMP_VERSION = "UPDATE meta SET value = value + 1 WHERE key = 'data_version'"
_EVENT_COLS = ", ".join(EVENT_FIELDS)
# An analyst's rejection holds: the same report arriving again is not stored again (review.py).
NOT_REJECTED = "event_id NOT IN (SELECT event_id FROM rejected_events)"
T = TypeVar("T")
# Article columns a later store of the same text may fill in when the stored one lacks them.
_ARTICLE_METADATA = ("title", "source", "url", "published", "dateline")


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


def _upsert_sql(table: str, columns: Columns, key: Sequence[str]) -> str:
    names = [c[0] for c in columns]
    updates = ", ".join(f"{n} = excluded.{n}" for n in names if n not in key)
    return (f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)}) "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}")


class SqlStore(NotableEventsMixin, SourceCountsMixin, IncidentRollupMixin, ChangeLogMixin, SqlReadMixin,
               IncidentWriteMixin, RevisionMixin, FeedTablesMixin, ReviewMixin, AlertTablesMixin, EventStore):
    """Event store over a SQL database; subclasses provide the hooks below."""

    location: str

    # --- backend hooks ---------------------------------------------------------------------
    @abc.abstractmethod
    def _connect(self) -> AbstractContextManager[Any]:
        """A short-lived connection for reading (closed on exit)."""

    @abc.abstractmethod
    def _transaction(self) -> AbstractContextManager[Any]:
        """A connection inside one transaction that also runs BUMP_VERSION; commits on a clean
        exit, rolls everything back on an exception."""

    @abc.abstractmethod
    def _execute(self, con: Any, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement with `?` parameters; return the number of rows it changed."""

    @abc.abstractmethod
    def _fetch(self, con: Any, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Run a query with `?` parameters; return its rows."""

    @abc.abstractmethod
    def _frame(self, con: Any, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """Run a query with `?` parameters; return a DataFrame (dates as datetime64)."""

    @abc.abstractmethod
    def _stage(self, con: Any, name: str, frame: pd.DataFrame, columns: Columns
               ) -> AbstractContextManager[None]:
        """Make `frame` (holding `columns`) readable as table `name` inside the block."""

    def _write(self, body: Callable[[Any], T]) -> T:
        """Run body(con) in one write transaction and return what it returns. A backend whose
        concurrent writers can collide (DuckDB) runs it again after a collision, so `body` must
        only read what it was given and the store (no iterators it consumes)."""
        with self._transaction() as con:
            return body(con)

    def _sql_type(self, sql_type: str) -> str:
        """The backend's spelling of a schema type."""
        return sql_type

    # --- schema ----------------------------------------------------------------------------
    def _schema_sql(self) -> list[str]:
        def ddl(table: str, columns: Columns, key: str) -> str:
            cols = ",\n  ".join(f"{n} {self._sql_type(t)}" for n, t, _ in columns)
            return f"CREATE TABLE IF NOT EXISTS {table} (\n  {cols},\n  PRIMARY KEY ({key})\n)"

        return [
            ddl("events", (*EVENT_COLUMNS, incident_counts.COLUMN, ADDED_AT, incident_counts.KEY_COLUMN,
                           incident_counts.LEAD_COLUMN),
                "event_id"),
            incident_counts.SEQUENCE_SQL,
            ddl("articles", ARTICLE_COLUMNS, "id"),
            ddl("sites", SITE_COLUMNS, "site_id"),
            ddl("site_status", SITE_STATUS_COLUMNS, "site_id, status, status_from"),
            ddl("actor_aliases", ACTOR_ALIAS_COLUMNS, "alias"),
            "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value BIGINT)",
            "INSERT INTO meta VALUES ('data_version', 0) ON CONFLICT DO NOTHING",
            *FEED_SCHEMA,
            *REVIEW_SCHEMA,
            ddl("rejected_events", EVENT_COLUMNS, "event_id"),
            *ALERT_SCHEMA,
        ]

    def _create_schema(self, con: Any) -> None:
        for statement in self._schema_sql():
            self._execute(con, statement)

    def _upgrade_schema(self) -> None:
        """Add event columns a store made by an older version lacks (revised_at, added_at), then
        the incident upkeep's own upgrade."""
        with self._connect() as con:
            present = {row[0] for row in self._fetch(
                con, "SELECT column_name FROM information_schema.columns WHERE "
                     "table_schema = current_schema() AND table_name = 'events'")}
            for name, sql_type, _ in EVENT_COLUMNS:
                if name not in present:  # names and types from the schema's fixed list
                    self._execute(con, f"ALTER TABLE events ADD COLUMN IF NOT EXISTS {name} "
                                       f"{self._sql_type(sql_type)}")
            self._upgrade_added_at(con, present)
        super()._upgrade_schema()

    # --- writing -----------------------------------------------------------------------------
    def _insert_frame(self, con: Any, frame: pd.DataFrame) -> int:
        """Insert event rows not yet present, in event_id order (so that concurrent writers take
        row locks in one order); return how many were added."""
        frame = frame.reindex(columns=list(EVENT_FIELDS)).drop_duplicates("event_id")
        if frame.empty:
            return 0
        with self._stage(con, "incoming_events", frame, EVENT_COLUMNS):
            return self._execute(con, f"INSERT INTO events ({_EVENT_COLS}) SELECT {_EVENT_COLS} "
                                      f"FROM incoming_events WHERE {NOT_REJECTED} ORDER BY event_id "
                                      "ON CONFLICT (event_id) DO NOTHING")

    def upsert_events(self, rows: Iterable[Mapping[str, Any]] | pd.DataFrame, *,
                      skip_invalid: bool = False) -> ImportResult:
        if isinstance(rows, pd.DataFrame):
            rows = rows.to_dict("records")
        good, bad = validate_rows(rows, skip_invalid)
        frame = events_frame(good)
        added = self._write(lambda con: self._insert_frame(con, frame)) if good else 0
        if added:
            self._make_notable_if_big()
        return ImportResult(added=added, already_present=len(good) - added, skipped=bad)

    def import_batches(self, batches: Iterable[pd.DataFrame], *, relink: bool = True) -> ImportResult:
        seen, added, updated, low, high = 0, 0, 0, None, None
        with self._transaction() as con:
            for frame in batches:
                if frame.empty:
                    continue
                frame = frame.reindex(columns=list(EVENT_FIELDS))
                revised, old_low, old_high = 0, None, None
                if frame["revised_at"].notna().any():
                    with self._stage(con, "revised_events", frame, EVENT_COLUMNS):
                        revised, old_low, old_high = self._apply_revisions(con, "revised_events")
                updated += revised
                added += self._insert_frame(con, frame)
                seen += frame["event_id"].nunique()
                dates = pd.to_datetime(frame["event_date"], errors="coerce").dropna()
                if not dates.empty:
                    low = min(filter(None, (low, old_low, dates.min().date())))
                    high = max(filter(None, (high, old_high, dates.max().date())))
            if relink and (added or updated) and low is not None:
                self._relink(con, low, high)
        if added:
            self._make_notable_if_big()
        return ImportResult(added=added, updated=updated, already_present=seen - added - updated)

    def ingest_article(self, article: Mapping[str, Any],
                       events: Sequence[Mapping[str, Any]]) -> ImportResult:
        text = normalise_text(str(article.get("text") or ""))
        if not text:
            raise ImportRejected("The article has no text; nothing was stored.")
        article_id = article.get("id") or compute_article_id(text)
        rows = [dict(e, article_id=e.get("article_id") or article_id) for e in events]
        good, _ = validate_rows(rows, skip_invalid=False)
        values = {name: article.get(name) for name, _, _ in ARTICLE_COLUMNS}
        values.update(id=article_id, text=text,
                      ingested_at=dt.datetime.now(dt.UTC).replace(tzinfo=None))
        names = list(values)

        def store(con: Any) -> tuple[int, int]:
            stored = self._execute(con, f"INSERT INTO articles ({', '.join(names)}) VALUES "
                                        f"({', '.join('?' for _ in names)}) "
                                        "ON CONFLICT (id) DO NOTHING", [values[n] for n in names])
            if not stored:
                # The same text is stored already (the id hashes the normalised text): its
                # events stand. Another outlet spelling or publication date would give the
                # events other ids (they hash source and resolved date) and count them twice,
                # so only metadata the stored article lacks is filled in.
                fill = [n for n in _ARTICLE_METADATA if values.get(n) is not None]
                if fill:
                    self._execute(con, "UPDATE articles SET " + ", ".join(
                        f"{n} = coalesce({n}, ?)" for n in fill) + " WHERE id = ?",
                        [values[n] for n in fill] + [article_id])
                return 0, 0
            added = self._insert_frame(con, events_frame(good)) if good else 0
            dates = [e["event_date"] for e in good if e.get("event_date")]
            if added and dates:
                # Reports in this article join the incidents other sources already reported.
                self._relink(con, min(dates), max(dates))
            return stored, added

        stored, added = self._write(store)
        return ImportResult(added=added, already_present=len(good) - added,
                            article_added=stored > 0)

    def upsert_sites(self, sites: Sequence[Mapping[str, Any]],
                     statuses: Sequence[Mapping[str, Any]]) -> int:
        def write(con: Any) -> None:
            self._upsert_staged(con, "sites", SITE_COLUMNS, ("site_id",), sites)
            self._upsert_staged(con, "site_status", SITE_STATUS_COLUMNS,
                                ("site_id", "status", "status_from"), statuses)

        self._write(write)
        return len(sites)

    def _upsert_staged(self, con: Any, table: str, columns: Columns, key: Sequence[str],
                       rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert or replace `rows` in one statement (row by row, the 40 rows of the shipped
        posts were 0.1 s of a first start's store build, in one 0.02 s). A key given twice
        keeps its last row, as one statement per row would."""
        if not rows:
            return
        names = [c[0] for c in columns]
        # object columns: a None stays NULL (pandas would turn it into NaN in a float column)
        frame = pd.DataFrame([[row.get(n) for n in names] for row in rows], columns=names,
                             dtype=object).drop_duplicates(list(key), keep="last")
        cast = ", ".join(f"CAST({n} AS {self._sql_type(t)})" for n, t, _ in columns)
        updates = ", ".join(f"{n} = excluded.{n}" for n in names if n not in key)
        staged = f"incoming_{table}"
        with self._stage(con, staged, frame, columns):
            self._execute(con, f"INSERT INTO {table} ({', '.join(names)}) SELECT {cast} FROM {staged} "
                               f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}")

    def save_actor_alias(self, alias: str, canonical: str) -> None:
        alias, canonical = alias.strip(), canonical.strip()
        if not alias or not canonical or alias == canonical:
            raise ValueError("An alias needs a name and a different known actor to stand for.")
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        with self._transaction() as con:
            self._execute(con, _upsert_sql("actor_aliases", ACTOR_ALIAS_COLUMNS, ("alias",)),
                          [alias, canonical, now])

    def load_actor_aliases(self) -> dict[str, str]:
        with self._connect() as con:
            return dict(self._fetch(con, "SELECT alias, canonical FROM actor_aliases ORDER BY alias"))

    def delete_events(self, origin: str, article_id: str | None = None) -> int:
        where, params = "origin = ?", [origin]
        if article_id is not None:
            where += " AND article_id = ?"
            params.append(article_id)
        def delete(con: Any) -> int:
            self._execute(con, incident_counts.mark_incidents_sql(
                f"SELECT incident_id FROM events WHERE {where}"), params)
            self._log_changes(con, where, params)
            self._note_rollup_rows(con, where, params)
            return self._execute(con, f"DELETE FROM events WHERE {where}", params)

        return self._write(delete)
