"""A narrow copy of the few reports the Timeline's labels and the Casualties page's running
totals are picked from, kept by the store beside the events.

The Timeline labels its charts with the first ultimatums and ceasefires and the deadliest
incidents, and gives each period's gravest incidents as hover text; the Casualties page lists
the running totals. Each of those lists is picked from a few per cent of the reports (in the
synthetic ten-million-event store: 200,000 ultimatums and ceasefires, 6,000 running totals,
240,000 reports of 10 deaths or more), yet each query scanned all the events for them with the
page's filter: 35-80 ms apiece at ten million events, 190 ms of the Timeline's filter change.
The same queries over this table of 440,000 rows took 10-18 ms (30 Nov 2026, load 2.7).

`notable_events` holds, for every report that is an ultimatum, has a deadline, is a ceasefire,
is a running total or reports `deaths_floor` deaths or more, the columns those queries and the
filters (model.filters.compute_where) read. deaths_floor is
fixed when the table is made (meta key DEATHS_FLOOR: the deaths of the store's
FLOOR_RANK-th deadliest report, at least 1) and never changes after, so a reader that read it
once can rely on the table holding every report with that many deaths. The table is made
once the store holds MIN_EVENTS events (smaller stores scan fast enough), and every write
transaction then replaces its rows of the groups (or days) it touched, from the notes the
incident rollup's upkeep takes (incident_rollup.py), undated rows included.
"""

from __future__ import annotations

from typing import Any

TABLE = "notable_events"
DEATHS_FLOOR = "notable_deaths_floor"  # meta key: present when the table exists
FLOOR_RANK = 200_000
MIN_EVENTS = 1_000_000
COLUMNS: tuple[str, ...] = (
    "event_id", "event_date", "deadline", "action", "event_type", "actor1", "actor2", "country",
    "actor1_country", "actor2_country", "origin", "source", "fatalities", "goldstein",
    "is_running_total", "incident_key", "incident_reports", "incident_lead")
_KIND = "(deadline IS NOT NULL OR action IN ('ultimatum', 'ceasefire') OR coalesce(is_running_total, false))"


def row_condition(deaths_floor: int) -> str:
    """Which events rows the table holds (deaths_floor: an integer, written into the SQL)."""
    return f"({_KIND} OR fatalities >= {int(deaths_floor)})"


def floor_sql() -> str:
    """The deaths of the store's FLOOR_RANK-th deadliest dated report (no row: fewer reports)."""
    return (f"SELECT fatalities FROM events WHERE fatalities > 0 AND event_date IS NOT NULL "
            f"ORDER BY fatalities DESC LIMIT 1 OFFSET {FLOOR_RANK - 1}")


def create_statements(deaths_floor: int) -> tuple[str, ...]:
    """Make the table with its rows and record its floor (inside a write transaction)."""
    cols = ", ".join(COLUMNS)
    return (f"DROP TABLE IF EXISTS {TABLE}",
            f"CREATE TABLE {TABLE} AS SELECT {cols} FROM events WHERE {row_condition(deaths_floor)}",
            f"INSERT INTO meta VALUES ('{DEATHS_FLOOR}', {int(deaths_floor)}) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value")


def refresh_statements(deaths_floor: int, rows: str) -> tuple[str, str]:
    """Replace the table's rows matching `rows` (a condition on columns both tables have, `?`
    parameters: pass them to each statement) with the events' rows matching it."""
    cols = ", ".join(COLUMNS)
    return (f"DELETE FROM {TABLE} WHERE {rows}",
            f"INSERT INTO {TABLE} ({cols}) SELECT {cols} FROM events WHERE ({rows}) "
            f"AND {row_condition(deaths_floor)}")


def read_floor(rows: list[tuple[Any, ...]]) -> int | None:
    """The floor from `SELECT value FROM meta WHERE key = DEATHS_FLOOR` rows (None: no table)."""
    return int(rows[0][0]) if rows and rows[0][0] is not None else None


class NotableEventsMixin:
    """The notable_events table of a SQL store (needs SqlStore's hooks)."""

    def _upgrade_schema(self) -> None:
        """The older upgrades, then the table if the store is big enough for it."""
        super()._upgrade_schema()
        self._make_notable_if_big()

    def _make_notable_if_big(self) -> None:
        """Make the table for a store that holds MIN_EVENTS events and has none (when opened,
        and after an import; one write transaction: ~1 s at ten million events). Once made it
        stays, with its floor: readers rely on both (module docstring)."""
        with self._connect() as con:
            made = self._fetch(con, "SELECT value FROM meta WHERE key = ?", [DEATHS_FLOOR])
            big = not made and self._fetch(con, f"SELECT count(*) FROM (SELECT 1 FROM events "
                                                f"LIMIT {MIN_EVENTS}) AS n")[0][0] >= MIN_EVENTS
        if big:
            self._make_notable_events()

    def _make_notable_events(self, deaths_floor: int | None = None) -> int:
        """Make the table, its floor the store's (FLOOR_RANK) unless given; the floor it has.
        Not to be made again over one that readers may be reading."""
        with self._transaction() as con:
            if deaths_floor is None:
                rows = self._fetch(con, floor_sql())
                deaths_floor = max(1, int(rows[0][0])) if rows else 1
            for statement in create_statements(deaths_floor):
                self._execute(con, statement)
        return deaths_floor

    def _refresh_notable_rows(self, con: Any, conditions: list[tuple[str, list[Any]]]) -> None:
        """Inside a write transaction: the table's rows matching each condition (on columns
        both tables have, with its parameters) made again from the events, when the store
        keeps the table."""
        floor = read_floor(self._fetch(con, "SELECT value FROM meta WHERE key = ?", [DEATHS_FLOOR]))
        if floor is None:
            return
        for rows, params in conditions:
            for statement in refresh_statements(floor, rows):
                self._execute(con, statement, params)
