"""How many reports each source and origin gave, per combination of the filter's columns but
the date, kept by the store.

The Timeline and the Casualties page name the sources behind their figures (timeline.query_sources:
reports per source and origin under the filter). At ten million events that count was a scan
and group-by of 2-4 million rows on every filter change, 90-130 ms of the Timeline's 290-330
(30 Nov 2026, idle). Without the date, the reports fold into a few thousand rows per action,
ACLED type, actors, countries, source and origin, so a filter without dates or review is
answered from this table; a filter with either reads the events.

Kept true by the incident rollup's notes (incident_rollup.py): every write notes the groups of
the rows it changes, and at its end the rows of this table of those groups' filter columns are
counted again from the events (a few groups one by one; many, as after an import, the whole
table), inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from conflict_monitor.model.schema import EVENT_COLUMNS
from conflict_monitor.store.base import StoreBusyError

TABLE = "source_counts"
META_KEY = "source_counts"  # present once the table counts every report
KEYS = ("action", "event_type", "actor1", "actor2", "country", "actor1_country", "actor2_country",
        "origin", "source")
# The noted groups' columns that select this table's rows (the rollup notes no origin or source).
NOTED = KEYS[:-2]
# What the pages count (query_sources' condition) -> the column that holds its count.
MEASURES: dict[str, str] = {"NOT coalesce(is_running_total, false)": "reports_not_running",
                            "fatalities IS NOT NULL": "reports_with_deaths"}
GROUPS_MAX = 8  # noted groups counted again one by one; beyond, the whole table
_KEYS = ", ".join(KEYS)
_COUNTS = ", ".join(f"count(*) FILTER (WHERE {condition})" for condition in MEASURES)
_INSERT = (f"INSERT INTO {TABLE} ({_KEYS}, {', '.join(MEASURES.values())}) SELECT {_KEYS}, {_COUNTS} "
           "FROM events WHERE {rows} " f"GROUP BY {_KEYS}")


def schema_sql(sql_type: Any) -> str:
    """The table (no key: NULLs in the key columns are legal)."""
    types = {name: kind for name, kind, _ in EVENT_COLUMNS}
    cols = [f"{name} {sql_type(types[name])}" for name in KEYS]
    cols += [f"{name} {sql_type('BIGINT')}" for name in MEASURES.values()]
    return f"CREATE TABLE IF NOT EXISTS {TABLE} ({', '.join(cols)})"


def refresh_sql(rows: str) -> tuple[str, str]:
    """Count again the table's rows that `rows` selects (a condition on NOTED columns)."""
    return f"DELETE FROM {TABLE} WHERE {rows}", _INSERT.format(rows=rows)


def group_condition(group: Sequence[Any]) -> tuple[str, list[Any]]:
    """The condition on NOTED that selects one noted group's rows, and its parameters."""
    parts = [f"{name} = ?" if value is not None else f"{name} IS NULL"
             for name, value in zip(NOTED, group, strict=True)]
    return " AND ".join(parts), [value for value in group if value is not None]


class SourceCountsMixin:
    """The table's upkeep for a SQL store (needs SqlStore's hooks and the rollup's notes)."""

    def has_source_counts(self) -> bool:
        """Whether the table counts every report. One that a write of many days left to be
        counted again (incident_rollup._refresh_incident_counts) is counted now, unless a write
        is under way (then not yet: the events are read)."""
        if self._meta_present(META_KEY):
            return True
        self._build_source_counts()
        return self._meta_present(META_KEY)

    def _refresh_source_counts(self, con: Any, touched_table: str) -> None:
        """Inside a write transaction: count again the rows of the groups noted in
        `touched_table` (their NOTED columns), or the whole table when they are many."""
        cols = ", ".join(NOTED)
        groups = self._fetch(con, f"SELECT DISTINCT {cols} FROM {touched_table} LIMIT {GROUPS_MAX + 1}")
        if len(groups) > GROUPS_MAX:
            for statement in refresh_sql("TRUE"):
                self._execute(con, statement)
            return
        for group in groups:
            condition, params = group_condition(group)
            for statement in refresh_sql(condition):
                self._execute(con, statement, params)

    def _upgrade_schema(self) -> None:
        """The older upgrades, then the table of a store that has none (one upkeep transaction,
        the data version kept; busy with a write: the next opening)."""
        super()._upgrade_schema()
        with self._connect() as con:
            present = self._fetch(con, "SELECT count(*) FROM information_schema.tables WHERE "
                                       "table_schema = current_schema() AND table_name = ?", [TABLE])[0][0]
            if not present:
                self._execute(con, schema_sql(self._sql_type))
            ready = self._fetch(con, "SELECT count(*) FROM meta WHERE key = ?", [META_KEY])[0][0]
        if not ready:
            self._build_source_counts()

    def _build_source_counts(self) -> None:
        """The whole table in one upkeep transaction with its meta row (the data version kept;
        busy with a write: not now)."""
        try:
            with self._upkeep_transaction() as con:
                for statement in refresh_sql("TRUE"):
                    self._execute(con, statement)
                self._execute(con, "INSERT INTO meta VALUES (?, 1) ON CONFLICT (key) DO NOTHING", [META_KEY])
        except StoreBusyError:
            return
