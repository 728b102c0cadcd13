"""DuckDB backend of the event store: one file, no server.

DuckDB lets only one process hold a file open for writing at a time. CLI processes open the
file per call (short-lived connections) and take turns: one that finds the file locked waits
(up to _LOCK_WAIT_S). The dashboard opens the store with keep_open=True: one database instance
for the process, a cheap cursor per call (one per Streamlit session thread) and DuckDB's buffer
cache kept warm (~1.5 ms a query instead of ~100 ms of opening), and it gives the file up
whenever another process asks for it (duckdb_turns), so `ingest`, `import` and `watch` work
while the dashboard runs and the dashboard reads their data at its next query. The queries live
in sql.SqlStore; this module only connects, runs statements and stages DataFrames (file
imports: duckdb_import).
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd
import pyarrow as pa

from conflict_monitor.store.base import StoreBusyError, StoreError
from conflict_monitor.store.duckdb_import import READER_MEMORY_LIMIT, STAGING_PREFIX, DuckDBImportMixin
from conflict_monitor.store.duckdb_turns import READ_WAIT_S, SharedInstance, announce_turn, make_counter
from conflict_monitor.store.event_changes import UPKEEP_WAIT_S
from conflict_monitor.store.sql import BUMP_VERSION, Columns, SqlStore

_LOCK_WAIT_S = 10.0  # how long to wait for another process to release the file
# Writers of one DuckDBStore take turns (a lock); two stores opened on the same file in one
# process share DuckDB's instance but not the lock, and a collision between them is retried for
# up to this long, after a random pause that doubles each time (up to _CONFLICT_PAUSE_MAX_S), so
# two writers do not collide again in step.
_CONFLICT_WAIT_S = 60.0
_CONFLICT_PAUSE_S = 0.01
_CONFLICT_PAUSE_MAX_S = 0.5
T = TypeVar("T")


class DuckDBStore(DuckDBImportMixin, SqlStore):
    """Event store in one DuckDB file."""

    def __init__(self, path: Path, keep_open: bool = False):
        self.path = Path(path)
        self.location = str(self.path)
        self._shared: SharedInstance | None = None
        self._turns = make_counter()
        # Every write moves the one data-version row: DuckDB refuses a second transaction that
        # updates it while the first is open ("Conflict on update"), so writers queue here.
        self._write_lock = threading.RLock()
        if self.path.exists() and self.path.is_dir():
            raise StoreError(f"The store path {self.path} is a folder; expected a .duckdb file.")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if keep_open:
            self._shared = SharedInstance(self.path, self._open_reader, self._busy)
        with self._connect() as con:
            self._create_schema(con)
            self._drop_leftover_staging(con)
        self._upgrade_schema()

    def close(self) -> None:
        """Release the kept-open database, if any."""
        if self._shared is not None:
            self._shared.close()
            self._shared = None

    def _drop_leftover_staging(self, con: duckdb.DuckDBPyConnection) -> None:
        """Drop the staging tables of imports that died mid-way (a killed process cannot run
        its own clean-up). Safe here: DuckDB lets one process at a time open the file, this
        instance has not started an import yet, and the dashboard opens one instance per store
        (a second instance opened in the same process during an import would end that import
        with an error, leaving the events as they were). Names come from the catalogue."""
        tables = con.execute("SELECT table_name FROM information_schema.tables WHERE "
                             "table_schema = current_schema() AND table_name LIKE ?",
                             [f"{STAGING_PREFIX}%"]).fetchall()
        for (name,) in tables:
            suffix = name[len(STAGING_PREFIX):]
            if len(suffix) == 12 and set(suffix) <= set("0123456789abcdef"):  # ours: 12 hex digits
                con.execute(f'DROP TABLE IF EXISTS "{name}"')

    # --- connection handling -----------------------------------------------------------------
    def _open_reader(self) -> duckdb.DuckDBPyConnection:
        """The kept-open instance: _open_file with DuckDB's memory bounded (READER_MEMORY_LIMIT)."""
        con = self._open_file()
        con.execute(f"SET memory_limit = '{READER_MEMORY_LIMIT}'")
        return con

    def _open_file(self) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + _LOCK_WAIT_S
        while True:
            try:
                return duckdb.connect(str(self.path))
            except duckdb.IOException as exc:
                if "lock" in str(exc).lower() and time.monotonic() < deadline:
                    time.sleep(0.1)  # another process is writing; wait our turn
                    continue
                raise StoreError(self._explain(exc)) from exc
            except (duckdb.SerializationException, duckdb.InvalidInputException,
                    duckdb.InternalException, duckdb.CatalogException) as exc:
                raise StoreError(self._explain(exc)) from exc

    @contextlib.contextmanager
    def _connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self._shared is not None:
            with self._shared.cursor() as con:
                yield con
            return
        with announce_turn(self.path, self._turns):  # a dashboard on this file steps aside
            con = self._open_file()
            try:
                yield con
            finally:
                con.close()

    def _busy(self) -> StoreBusyError:
        return StoreBusyError(f"The store {self.path} has been busy for {READ_WAIT_S:.0f} s: another "
                              "program (an import?) is writing to it. Try again in a moment.")

    def _explain(self, exc: Exception) -> str:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "lock" in text.lower():
            return (f"The store {self.path} is in use by another program ({text}): another "
                    "import or ingest is writing to it (a running dashboard steps aside for "
                    "writers; an older version of it does not). Wait and try again.")
        return (f"The store {self.path} cannot be opened: it is not a valid DuckDB file or it is "
                f"damaged ({text}). Rebuild it from the shipped data "
                "(`python -m conflict_monitor init-db --rebuild`); the old file is kept beside it.")

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._connect() as con, self._write_on(con):
            yield con

    @contextlib.contextmanager
    def _write_on(self, con: duckdb.DuckDBPyConnection) -> Iterator[None]:
        """One write transaction on `con`: it ends by recounting the incidents it touched and
        moving the data version, and rolls back on any exception. Writers of this store take
        turns (sessions of the dashboard share it)."""
        with self._write_lock:
            con.execute("BEGIN TRANSACTION")
            try:
                yield
                self._refresh_incident_counts(con)
                con.execute(BUMP_VERSION)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    @contextlib.contextmanager
    def _upkeep_transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        # writers of this process queue on the lock; another process cannot write the file
        with self._connect() as con:
            if not self._write_lock.acquire(timeout=UPKEEP_WAIT_S):
                raise StoreBusyError(f"The store {self.path} is busy with a write.")
            try:
                con.execute("SET enable_progress_bar = false")  # a rebuild runs for seconds at 10M
                con.execute("BEGIN TRANSACTION")
                try:
                    yield con
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
            finally:
                self._write_lock.release()

    def run_upkeep(self, body: Callable[[Any], T]) -> T:
        """As SqlStore.run_upkeep, again after a collision with another writer of this process."""
        return self._retry_conflicts(lambda: super(DuckDBStore, self).run_upkeep(body))

    def _retry_conflicts(self, attempt: Callable[[], T]) -> T:
        """attempt() again when it collided with a writer outside this store's lock (another
        DuckDBStore on the same file in this process); after the last try, a StoreError."""
        deadline = time.monotonic() + _CONFLICT_WAIT_S
        pause = _CONFLICT_PAUSE_S
        while True:
            try:
                return attempt()
            except duckdb.TransactionException as exc:
                if "conflict" not in str(exc).lower():
                    raise
                if time.monotonic() + pause > deadline:
                    raise StoreError(f"The store {self.path} was busy with other writes; nothing "
                                     "of this one was written. Try again.") from exc
                time.sleep(random.uniform(0, pause))  # let the other writer finish first
                pause = min(2 * pause, _CONFLICT_PAUSE_MAX_S)

    def _write(self, body: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        def attempt() -> T:
            with self._transaction() as con:
                return body(con)

        return self._retry_conflicts(attempt)

    # --- statements ----------------------------------------------------------------------------
    def _execute(self, con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> int:
        rows = con.execute(sql, list(params)).fetchall()
        # INSERT/UPDATE/DELETE answer with one row holding the count of rows they changed.
        return int(rows[0][0]) if rows and len(rows[0]) == 1 and isinstance(rows[0][0], int) else 0

    def _fetch(self, con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return con.execute(sql, list(params)).fetchall()

    def _frame(self, con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        return con.execute(sql, list(params)).df()

    def query_arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        with self._connect() as con:
            return con.sql(sql, params=list(params)).to_arrow_table()

    @contextlib.contextmanager
    def _stage(self, con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame,
               columns: Columns) -> Iterator[None]:
        con.register(name, frame)
        try:
            yield
        finally:
            con.unregister(name)
