"""Per-day counts of the reports that stand for an incident of their own, kept by the store.

The Timeline's daily counts and actor pairs group, under every filter change, the reports that
count as one incident each (a report alone in its incident, or an agreeing incident's lead:
incident_counts) by day and category: at ten million events a scan and group-by of 2-4 million
rows (130-660 ms a query, 30 Nov 2026). Those reports fold into one row per day, action, ACLED
type, actors and countries (914,433 rows at ten million events, ten times fewer), built in
2-2.4 s (load 4-5). Every filter column but origin, source and review is a key, named as in `events`, so
model/filters.compute_where applies to the table unchanged; under a filter on origin, source or
review the Timeline reads the events (timeline._alone_and_shared).

Keeping it true: each write transaction notes the rollup rows (groups) it touches in
TOUCHED_TABLE (a row's group before the row is edited, revised or deleted; the group of each new
row of no incident a bulk import adds; at its end, the groups of every row the incident recount
changes) and, at its end, recomputes those groups (a few) or their days (more) from the events
(refresh_sql), inside the same transaction: a rollback leaves both as they were. A store
without the table (meta key META_KEY absent) gets it built when opened; until then the Timeline
reads the events.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from conflict_monitor.model.schema import EVENT_COLUMNS
from conflict_monitor.store.base import StoreBusyError
from conflict_monitor.store.incident_counts import KEY, LEAD
from conflict_monitor.store.notable_events import DEATHS_FLOOR
from conflict_monitor.store.source_counts import META_KEY as SOURCES_KEY

TABLE = "incident_rollup"
TOUCHED_TABLE = "incident_rollup_touched"
META_KEY = "incident_rollup"  # present once the table holds every day (built or kept since)
KEYS = ("event_date", "action", "event_type", "actor1", "actor2", "country", "actor1_country",
        "actor2_country")
MEASURES = (("n", "BIGINT", "reports that count as one incident each"),
            ("reports", "BIGINT", "the reports behind them (a lead counts all its incident's)"),
            ("conflict_n", "BIGINT", "of them, those with a negative Goldstein weight"),
            ("intensity", "DOUBLE", "the sum of -goldstein over those (NULL when there are none)"))
# The reports the Timeline counts as incidents of their own when the filter names no origin,
# source or review (timeline._alone_and_shared), dated and not running totals (event_sql).
STANDS_ALONE = (f"event_date IS NOT NULL AND NOT coalesce(is_running_total, false) "
                f"AND (coalesce(incident_reports, 1) <= 1 OR {LEAD})")
_KEYS = ", ".join(KEYS)
_ROWS = (f"SELECT {_KEYS}, count(*), sum(coalesce(incident_reports, 1)), "
         "count(*) FILTER (WHERE goldstein < 0), sum(-goldstein) FILTER (WHERE goldstein < 0) "
         f"FROM events WHERE {STANDS_ALONE} AND {{rows}} GROUP BY {_KEYS}")
_INSERT = f"INSERT INTO {TABLE} ({_KEYS}, {', '.join(m[0] for m in MEASURES)}) "
# The whole table (sorted by day, so that a date filter skips most of it on DuckDB).
BUILD_STATEMENTS: tuple[str, ...] = (
    f"DELETE FROM {TABLE}",
    _INSERT + _ROWS.format(rows="TRUE") + " ORDER BY event_date",
    f"DELETE FROM {TOUCHED_TABLE}",
)
# Up to GROUPS_MAX touched groups are recomputed one by one, each by a condition on all its keys
# that DuckDB applies in the scan; more, by day: up to DAYS_MAX days named, beyond (a bulk import)
# joined with the notes. At ten million events (unsorted by day, 36,000 reports a day) one group
# took 18 ms, one day 49 ms, two groups in one OR'ed condition 76 ms, a join with one noted day
# 100 ms (30 Nov 2026, load 3.5-4).
GROUPS_MAX = 4
DAYS_MAX = 100


def refresh_sql(rows: str) -> tuple[str, str]:
    """The statements that recompute the rollup's rows matching `rows` (a condition on its keys,
    which selects whole groups) from the events: old rows deleted, new ones inserted."""
    return f"DELETE FROM {TABLE} WHERE {rows}", _INSERT + _ROWS.format(rows=rows)


def group_condition(group: Sequence[Any]) -> tuple[str, list[Any]]:
    """The condition that selects one group's rows (its key values, NULL included) and its
    parameters."""
    parts = [f"{name} = ?" if value is not None else f"{name} IS NULL"
             for name, value in zip(KEYS, group, strict=True)]
    return " AND ".join(parts), [value for value in group if value is not None]


def schema_sql(sql_type: Any) -> list[str]:
    """The two tables (no key: NULLs in the key columns are legal); sql_type(type) spells a
    schema type for the backend."""
    types = {name: kind for name, kind, _ in EVENT_COLUMNS}
    keys = [f"{name} {sql_type(types[name])}" for name in KEYS]
    measures = [f"{name} {sql_type(kind)}" for name, kind, _ in MEASURES]
    return [f"CREATE TABLE IF NOT EXISTS {TABLE} ({', '.join(keys + measures)})",
            f"CREATE TABLE IF NOT EXISTS {TOUCHED_TABLE} ({', '.join(keys)})"]


class IncidentRollupMixin:
    """The rollup's upkeep for a SQL store (needs SqlStore's hooks); before ChangeLogMixin in
    SqlStore's bases, so that it sees the rows the incident recount is about to change."""

    # PostgreSQL finds a day's rows by index; DuckDB's zone maps serve it (backends set it)
    _ROLLUP_INDEX: str | None = None

    def _note_rollup_rows(self, con: Any, rows: str, params: Sequence[Any] = (),
                          table: str = "events") -> None:
        """Note the rollup groups of the rows of `table` (events, or a bulk import's staging
        table) matching `rows` (a condition, `?` parameters) for this write transaction's
        recomputation: call it BEFORE a statement changes or removes those rows."""
        # undated rows too, for notable_events (the rollup has none: recomputing them is a no-op)
        self._execute(con, f"INSERT INTO {TOUCHED_TABLE} SELECT DISTINCT {_KEYS} FROM {table} "
                           f"WHERE {rows}", list(params))

    def has_incident_rollup(self) -> bool:
        """Whether the table holds every day (the Timeline reads it then). One that a write of
        many days left to be made again (see _refresh_incident_counts) is made now, 2-3 s at ten
        million events, unless a write is under way (then not yet: the events are read)."""
        if self._meta_present(META_KEY):
            return True
        with self._connect() as con:
            leads = self._fetch(con, "SELECT count(*) FROM meta WHERE key = 'incident_leads'")[0][0]
        if leads:  # built on the leads: a store still without them waits for them
            self._build_incident_rollup()
        return self._meta_present(META_KEY)

    def _refresh_incident_counts(self, con: Any) -> None:
        """The incident recount (the later mixins) between noting the groups of the rows it
        changes, then the rollup's touched groups. The recount gives each incident it touches a
        new key from the sequence: the rows with a key above a number drawn before it are those
        it changed, and marked rows of no incident are noted before it."""
        kept, notable, sources = self._fetch(
            con, "SELECT count(*) FILTER (WHERE key = ?), count(*) FILTER (WHERE key = ?), count(*) "
                 "FILTER (WHERE key = ?) FROM meta", [META_KEY, DEATHS_FLOOR, SOURCES_KEY])[0]
        if kept or notable or sources:
            self._note_rollup_rows(con, "incident_reports IS NULL")
            before = self._fetch(con, "SELECT nextval('incident_keys')")[0][0]
        super()._refresh_incident_counts(con)  # type: ignore[misc]
        if kept or notable or sources:
            self._note_rollup_rows(con, f"{KEY} > ?", [before])
            touched, bulk = self._touched_conditions(con)
            if bulk and (kept or sources):
                # A write of more than DAYS_MAX days (an import) recounts the rollup and the source
                # counts whole, after it: in its transaction that took 9 s at ten million events
                # where a build on its own takes 2-3 s (30 Nov 2026). Until then both are absent
                # and the pages read the events; the next reader makes them (has_incident_rollup).
                self._execute(con, "DELETE FROM meta WHERE key IN (?, ?)", [META_KEY, SOURCES_KEY])
                kept = sources = 0
            if kept:
                self._refresh_rollup(con, touched)
            if notable:  # the store's other table kept by the same notes (notable_events.py)
                undated = self._fetch(con, f"SELECT count(*) FROM (SELECT 1 FROM {TOUCHED_TABLE} "
                                           "WHERE event_date IS NULL LIMIT 1) AS u")[0][0]
                self._refresh_notable_rows(con, touched + ([("event_date IS NULL", [])] if undated else []))
            if sources:  # and the reports per source (source_counts.py)
                self._refresh_source_counts(con, TOUCHED_TABLE)
        self._execute(con, f"DELETE FROM {TOUCHED_TABLE}")

    def _refresh_rollup(self, con: Any, touched: list[tuple[str, list[Any]]]) -> None:
        """Recompute the rollup's rows that the conditions select (_touched_conditions)."""
        for condition, params in touched:
            for statement in refresh_sql(condition):
                self._execute(con, statement, params)

    def _touched_conditions(self, con: Any) -> tuple[list[tuple[str, list[Any]]], bool]:
        """Conditions (on the key columns, with parameters) that select the noted groups' rows:
        each group's (GROUPS_MAX), or their days'; and whether they are more than DAYS_MAX days."""
        # (no more than one past each limit is read: a bulk import notes millions of rows)
        groups = self._fetch(con, f"SELECT DISTINCT {_KEYS} FROM {TOUCHED_TABLE} LIMIT {GROUPS_MAX + 1}")
        if len(groups) <= GROUPS_MAX:
            return [group_condition(group) for group in groups], False
        days = [row[0] for row in self._fetch(
            con, f"SELECT DISTINCT event_date FROM {TOUCHED_TABLE} WHERE event_date IS NOT NULL "
                 f"LIMIT {DAYS_MAX + 1}")]
        if len(days) <= DAYS_MAX:
            return [(f"event_date IN ({', '.join('?' for _ in days) or 'NULL'})", days)], False
        return [(f"event_date IN (SELECT event_date FROM {TOUCHED_TABLE})", [])], True

    def _upgrade_schema(self) -> None:
        """The tables, the older upgrades, then the rollup of a store that has none."""
        with self._connect() as con:
            # only when missing: DDL on a PostgreSQL table that exists would wait for a write
            present = self._fetch(con, "SELECT count(*) FROM information_schema.tables WHERE "
                                       "table_schema = current_schema() AND table_name IN (?, ?)",
                                  [TABLE, TOUCHED_TABLE])[0][0]
            if present < 2:
                for statement in schema_sql(self._sql_type):
                    self._execute(con, statement)
                if self._ROLLUP_INDEX:
                    self._execute(con, self._ROLLUP_INDEX)
        super()._upgrade_schema()  # type: ignore[misc]
        with self._connect() as con:
            ready, leads = self._fetch(con, "SELECT count(*) FILTER (WHERE key = ?), count(*) FILTER "
                                            "(WHERE key = 'incident_leads') FROM meta", [META_KEY])[0]
        if not ready and leads:  # built on the leads: a store still without them waits for them
            self._build_incident_rollup()

    def _build_incident_rollup(self) -> None:
        """The whole table (2-2.4 s at ten million events) in one upkeep transaction with its meta
        row: no write runs beside it and the data version stays. Busy with a write: the next
        opening builds it; meanwhile the Timeline reads the events."""
        try:
            with self._upkeep_transaction() as con:
                for statement in BUILD_STATEMENTS:
                    self._execute(con, statement)
                self._execute(con, "INSERT INTO meta VALUES (?, 1) ON CONFLICT (key) DO NOTHING",
                              [META_KEY])
        except StoreBusyError:
            return
