"""A log of the events each write touched, for tables that a layer above keeps beside the events
(control's table of claims: control.stored_claims), so the store need not know their rules.

While a reader follows the log (meta key FOLLOWED, set by that reader), every write transaction
adds the event_id of each event it added, changed or is about to delete: those it marked for the
incident recount (incident_counts: new rows of an incident, edited, revised, restored or
relinked rows have incident_reports NULL until the transaction ends), the new rows of a bulk
import (which the import passes here itself: a row of no incident is not marked) and the rows
a delete takes. The reader brings its table up to date from the log in run_upkeep, which
also empties it. Nobody following: nothing is logged, and the reader rebuilds when it comes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd

TABLE = "event_changes"
# How long an upkeep waits for a write under way (an import can hold the store for minutes):
# past it, run_upkeep raises StoreBusyError and the reader does without its table this time.
UPKEEP_WAIT_S = 1.0
FOLLOWED = "event_changes_followed"  # meta key: present while a reader follows the log
SCHEMA = ("CREATE SEQUENCE IF NOT EXISTS event_change_seq",
          f"CREATE TABLE IF NOT EXISTS {TABLE} (seq BIGINT, event_id VARCHAR)")
T = TypeVar("T")


@dataclass(frozen=True)
class Upkeep:
    """Statements inside one upkeep transaction (SqlStore.run_upkeep), `?` parameters."""

    store: Any
    con: Any

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; the number of rows it changed."""
        return self.store._execute(self.con, sql, list(params))

    def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Run a query; its rows."""
        return self.store._fetch(self.con, sql, list(params))

    def frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """Run a query; a DataFrame."""
        return self.store._frame(self.con, sql, list(params))

    def sql_type(self, sql_type: str) -> str:
        """The backend's spelling of a schema type."""
        return self.store._sql_type(sql_type)


class ChangeLogMixin:
    """The log of touched events of a SQL store (needs SqlStore's hooks), before
    IncidentWriteMixin, so that its end-of-transaction step sees the marks."""

    def _log_changes(self, con: Any, rows: str, params: Sequence[Any] = ()) -> None:
        """Log the events matching `rows` (a condition on events), when a reader follows."""
        if self._fetch(con, "SELECT count(*) FROM meta WHERE key = ?", [FOLLOWED])[0][0]:
            self._execute(con, f"INSERT INTO {TABLE} (seq, event_id) SELECT nextval('event_change_seq'), "
                               f"event_id FROM events WHERE {rows}", list(params))

    def _refresh_incident_counts(self, con: Any) -> None:
        """Log the touched events, then the incident recount (which clears the marks)."""
        self._log_changes(con, "incident_reports IS NULL")
        super()._refresh_incident_counts(con)  # type: ignore[misc]

    def _upgrade_schema(self) -> None:
        """The log's table, then the older upgrades."""
        with self._connect() as con:
            for statement in SCHEMA:
                self._execute(con, statement)
        super()._upgrade_schema()  # type: ignore[misc]

    @contextlib.contextmanager
    def _upkeep_transaction(self) -> Iterator[Any]:
        """One transaction that no write runs beside and that leaves the data version as it
        is (backends override it)."""
        raise NotImplementedError

    def run_upkeep(self, body: Callable[[Upkeep], T]) -> T:
        """body(upkeep) in one transaction that no write transaction runs beside, without moving
        the data version (the events do not change): for a table kept beside them, from the
        log (body empties what it used) or whole (body sets FOLLOWED in meta to be logged to).
        Raises StoreBusyError when a write has held the store for UPKEEP_WAIT_S."""
        with self._upkeep_transaction() as con:
            return body(Upkeep(self, con))
