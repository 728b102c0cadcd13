"""Per-day counts of the reports that stand for an incident of their own, kept by the store.

The Timeline's daily counts and actor pairs group, under every filter change, the reports that
count as one incident each (a report alone in its incident, or an agreeing incident's lead:
incident_counts) by day and category: at ten million events a scan and group-by of 2-4 million
rows (130-660 ms a query, 30 Nov 2026). Those reports fold into one row per day, action, ACLED
type, actors and countries (914,452 rows at ten million events, ten times fewer), built in
1.3 s. Every filter column but origin, source and review is a key, named as in `events`, so
model/filters.compute_where applies to the table unchanged; under a filter on origin, source or
review the Timeline reads the events (timeline._alone_and_shared).

Keeping it true: each write transaction notes the days it touches in DAYS_TABLE (the old day of
a row before it is edited, revised or deleted; the day of each new row of no incident a bulk
import adds; at its end, the days of every row the incident recount changes) and, at its end,
recomputes the table's rows of those days from the events (REFRESH_STATEMENTS), inside the same
transaction: a rollback leaves both as they were. A store without the table (meta key META_KEY
absent) gets it built when opened; until then the Timeline reads the events.
"""

from __future__ import annotations

from typing import Any

from conflict_monitor.model.schema import EVENT_COLUMNS
from conflict_monitor.store.base import StoreBusyError
from conflict_monitor.store.incident_counts import KEY, LEAD
from conflict_monitor.store.notable_events import DEATHS_FLOOR

TABLE = "incident_rollup"
DAYS_TABLE = "incident_rollup_days"
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
         f"FROM events WHERE {STANDS_ALONE} AND {{days}} GROUP BY {_KEYS}")
_INSERT = f"INSERT INTO {TABLE} ({_KEYS}, {', '.join(m[0] for m in MEASURES)}) "
_DIRTY = f"event_date IN (SELECT event_date FROM {DAYS_TABLE})"
# The whole table (sorted by day, so that a date filter skips most of it on DuckDB).
BUILD_STATEMENTS: tuple[str, ...] = (
    f"DELETE FROM {TABLE}",
    _INSERT + _ROWS.format(days="TRUE") + " ORDER BY event_date",
    f"DELETE FROM {DAYS_TABLE}",
)
# The days a write transaction noted: their rows recomputed from the events, the notes cleared.
REFRESH_STATEMENTS: tuple[str, ...] = (
    f"DELETE FROM {TABLE} WHERE {_DIRTY}",
    _INSERT + _ROWS.format(days=_DIRTY),
    f"DELETE FROM {DAYS_TABLE}",
)


def schema_sql(sql_type: Any) -> list[str]:
    """The two tables (no key: NULLs in the key columns are legal); sql_type(type) spells a
    schema type for the backend."""
    types = {name: kind for name, kind, _ in EVENT_COLUMNS}
    cols = [f"{name} {sql_type(types[name])}" for name in KEYS]
    cols += [f"{name} {sql_type(kind)}" for name, kind, _ in MEASURES]
    return [f"CREATE TABLE IF NOT EXISTS {TABLE} ({', '.join(cols)})",
            f"CREATE TABLE IF NOT EXISTS {DAYS_TABLE} (event_date {sql_type('DATE')})"]


class IncidentRollupMixin:
    """The rollup's upkeep for a SQL store (needs SqlStore's hooks); before ChangeLogMixin in
    SqlStore's bases, so that it sees the rows the incident recount is about to change."""

    # PostgreSQL finds a day's rows by index; DuckDB's zone maps serve it (backends set it)
    _ROLLUP_INDEX: str | None = None

    def _note_rollup_days(self, con: Any, dates: str, params: list[Any] | None = None) -> None:
        """Note the days `dates` (a SELECT of one date column, `?` parameters) for this write
        transaction's recomputation: call it BEFORE a statement moves or removes rows."""
        self._execute(con, f"INSERT INTO {DAYS_TABLE} SELECT DISTINCT d FROM ({dates}) AS t(d)",
                      list(params or []))  # NULL too: the undated rows (notable_events)

    def has_incident_rollup(self) -> bool:
        """Whether the table holds every day (the Timeline reads it then)."""
        with self._connect() as con:
            return bool(self._fetch(con, "SELECT count(*) FROM meta WHERE key = ?", [META_KEY])[0][0])

    def _refresh_incident_counts(self, con: Any) -> None:
        """The incident recount (the later mixins) between noting the days of the rows it
        changes, then the rollup's rows of every noted day. The recount gives each incident it
        touches a new key from the sequence: the rows with a key above a number drawn before it
        are those it changed, and marked rows of no incident are noted before it."""
        kept, notable = self._fetch(con, "SELECT count(*) FILTER (WHERE key = ?), count(*) FILTER "
                                         "(WHERE key = ?) FROM meta", [META_KEY, DEATHS_FLOOR])[0]
        if kept or notable:
            self._note_rollup_days(con, "SELECT event_date FROM events WHERE incident_reports IS NULL")
            before = self._fetch(con, "SELECT nextval('incident_keys')")[0][0]
        super()._refresh_incident_counts(con)  # type: ignore[misc]
        if kept or notable:
            self._note_rollup_days(con, f"SELECT event_date FROM events WHERE {KEY} > ?", [before])
        for statement in REFRESH_STATEMENTS[:-1] if kept else ():
            self._execute(con, statement)
        if notable:  # the store's other table kept per day (notable_events.py)
            self._refresh_notable_days(con, f"SELECT event_date FROM {DAYS_TABLE}")
        self._execute(con, REFRESH_STATEMENTS[-1])  # the notes cleared

    def _upgrade_schema(self) -> None:
        """The tables, the older upgrades, then the rollup of a store that has none."""
        with self._connect() as con:
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
        """The whole table (1.3 s at ten million events) in one upkeep transaction with its meta
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
