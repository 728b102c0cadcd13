"""DuckDB backend of the event store: one file, no server.

DuckDB lets only one process hold a file open for writing at a time. CLI processes open the
file per call (short-lived connections) and take turns: one that finds the file locked waits
(up to _LOCK_WAIT_S). The dashboard opens the store with keep_open=True: one database instance
for the process, a cheap cursor per call (one per Streamlit session thread) and DuckDB's buffer
cache kept warm (~1.5 ms a query instead of ~100 ms of opening), and it gives the file up
whenever another process asks for it (duckdb_turns), so `ingest`, `import` and `watch` work
while the dashboard runs and the dashboard reads their data at its next query. The queries live
in sql.SqlStore; this module only connects, runs statements and stages DataFrames.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd

from conflict_monitor.model.schema import EVENT_COLUMNS, EVENT_FIELDS
from conflict_monitor.store.base import ImportResult, StoreBusyError, StoreError
from conflict_monitor.store.duckdb_turns import READ_WAIT_S, SharedInstance, announce_turn, make_counter
from conflict_monitor.store.event_changes import UPKEEP_WAIT_S
from conflict_monitor.store.incident_counts import REPORTS, REPORTS_OF_NEW_ROW
from conflict_monitor.store.sql import BUMP_VERSION, NOT_REJECTED, Columns, SqlStore

IMPORT_MEMORY_LIMIT = "512MB"  # DuckDB's share of RAM during a file import (it spills beyond)
# The dashboard's kept-open instance: its buffer cache and query memory. DuckDB's default is 80 %
# of the machine's RAM, and at ten million events its cache alone grew the app past 4 GB; the
# target for the whole process is 2 GB, of which Python, pandas and Streamlit take ~0.5 GB.
READER_MEMORY_LIMIT = "1GB"
# Up to this many new rows, an import links its incidents in its own transaction (all or
# nothing); a bigger file spanning more than a year is linked afterwards, a year at a time.
LINK_IN_IMPORT_MAX_ROWS = 200_000
STAGING_PREFIX = "import_staging_"  # + 12 hex digits: one table per import in progress

_LOCK_WAIT_S = 10.0  # how long to wait for another process to release the file
# Writers of one DuckDBStore take turns (a lock); two stores opened on the same file in one
# process share DuckDB's instance but not the lock, and a collision between them is retried for
# up to this long, after a random pause that doubles each time (up to _CONFLICT_PAUSE_MAX_S), so
# two writers do not collide again in step.
_CONFLICT_WAIT_S = 60.0
_CONFLICT_PAUSE_S = 0.01
_CONFLICT_PAUSE_MAX_S = 0.5
T = TypeVar("T")


class DuckDBStore(SqlStore):
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

    @contextlib.contextmanager
    def _stage(self, con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame,
               columns: Columns) -> Iterator[None]:
        con.register(name, frame)
        try:
            yield
        finally:
            con.unregister(name)

    # --- file imports ----------------------------------------------------------------------------
    def import_batches(self, batches: Iterable[pd.DataFrame], *, relink: bool = True) -> ImportResult:
        """As SqlStore.import_batches, with memory bounded for files of millions of rows.

        DuckDB keeps the rows of an open transaction in memory, so one transaction over a whole
        file needs RAM in proportion to its rows. So chunks first go to a staging table of this
        import, committed chunk by chunk (no event is visible yet); then ONE transaction moves
        them into events and links incidents. A failure at any point drops the staging table:
        events never hold part of a file. A big file spanning years is linked afterwards, a
        year per transaction (_link_slice_by_slice), so memory does not grow with the file.
        """
        cols = ", ".join(EVENT_FIELDS)

        def fill(con: duckdb.DuckDBPyConnection, staging: str) -> None:
            for frame in batches:
                if frame.empty:
                    continue
                frame = frame.reindex(columns=list(EVENT_FIELDS))
                with self._stage(con, "incoming_events", frame, EVENT_COLUMNS):
                    con.execute(f"INSERT INTO {staging} SELECT {cols} FROM incoming_events")

        return self.import_staged(fill, relink=relink)

    def import_staged(self, fill: Callable[[duckdb.DuckDBPyConnection, str], None], *,
                      relink: bool = True, stage: Callable[[str], None] | None = None) -> ImportResult:
        """fill(con, table) writes validated event rows into the empty staging table `table`
        on this store's own connection (a DuckDB query over the file, or frames); then ONE
        transaction applies revisions, adds the new rows (not those already stored or
        rejected) and links them. An exception from fill leaves the store as it was.
        `stage` hears "storing" and "linking" as the import reaches them."""
        staging = f"{STAGING_PREFIX}{uuid.uuid4().hex[:12]}"
        cols = ", ".join(EVENT_FIELDS)
        with self._connect() as con:
            con.execute("SET enable_progress_bar = false")
            # Spill to disk beyond this instead of growing (DuckDB's default is 80% of RAM).
            con.execute(f"SET memory_limit = '{IMPORT_MEMORY_LIMIT}'")
            con.execute("SET preserve_insertion_order = false")
            con.execute(f"CREATE TEMP TABLE {staging} AS SELECT {cols} FROM events LIMIT 0")
            try:
                fill(con, staging)
                if stage:
                    stage("storing")
                seen, rows, low, high, revisions = con.execute(
                    f"SELECT count(DISTINCT event_id), count(*), min(event_date), max(event_date), "
                    f"count(revised_at) FROM {staging}").fetchall()[0]
                # ON CONFLICT costs 3 times the insert itself: rows of distinct ids skip the
                # stored ones by an anti-join instead (a writer of the same ids in between, from
                # another store object of this process, makes it fall back).
                anti_join = [seen == rows]
                from conflict_monitor.store.linking import plan_relink  # noqa: PLC0415 - light store import

                def move() -> tuple[int, int, list, bool]:
                    with self._write_on(con):
                        updated, old_low, old_high = (self._apply_revisions(con, staging)
                                                      if revisions else (0, None, None))
                        insert = (f"INSERT INTO events ({cols}, {REPORTS}) SELECT {cols}, "
                                  f"{REPORTS_OF_NEW_ROW} FROM {staging} AS s WHERE {NOT_REJECTED}")
                        if anti_join[0]:
                            insert += (" AND NOT EXISTS (SELECT 1 FROM events AS e "
                                       "WHERE e.event_id = s.event_id)")
                        else:
                            insert += " ON CONFLICT (event_id) DO NOTHING"  # drops repeats
                        try:
                            added = self._execute(con, insert)
                        except duckdb.ConstraintException:
                            anti_join[0] = False
                            raise
                        # new rows of no incident are not marked for the recount (event_changes)
                        self._log_changes(con, f"incident_id IS NULL AND event_id IN (SELECT event_id "
                                               f"FROM {staging})")
                        span = [d for d in (low, high, old_low, old_high) if d is not None]
                        slices = plan_relink(min(span), max(span)) if relink and span else []
                        deferred = added > LINK_IN_IMPORT_MAX_ROWS and len(slices) > 1
                        if (added or updated) and not deferred:
                            if stage:
                                stage("linking")
                            self._relink_slices(con, slices)
                    return added, updated, slices, deferred

                try:
                    added, updated, slices, deferred = self._retry_conflicts(move)
                except duckdb.ConstraintException:
                    added, updated, slices, deferred = self._retry_conflicts(move)
                if deferred:
                    if stage:
                        stage("linking")
                    self._link_slice_by_slice(con, slices, added)
            except duckdb.OutOfMemoryException as exc:
                raise StoreError(f"The import needed more memory than DuckDB's {IMPORT_MEMORY_LIMIT} "
                                 f"allowance ({str(exc).splitlines()[0]}); nothing was imported and "
                                 "the store is as it was. Split the file by year and import the "
                                 "parts one after another.") from exc
            finally:
                con.execute(f"DROP TABLE IF EXISTS {staging}")
                # back to the instance's bound, not DuckDB's default of 80 % of RAM
                con.execute(f"SET memory_limit = '{READER_MEMORY_LIMIT}'")
                con.execute("RESET preserve_insertion_order")
        return ImportResult(added=added, updated=updated, already_present=seen - added - updated)

    def _link_slice_by_slice(self, con: duckdb.DuckDBPyConnection,
                             slices: list[tuple[dt.date, dt.date, dt.date, dt.date]], added: int) -> None:
        """Link a file spanning more than a year one slice (a year) per transaction: DuckDB keeps
        a transaction's changes in memory, so linking millions of rows in the import's own
        transaction would need memory in proportion to the file. The events are all stored by
        then; until a slice is linked its reports count as incidents of their own."""
        for window in slices:
            try:
                self._retry_conflicts(functools.partial(self._relink_window, con, window))
            except (duckdb.Error, StoreError) as exc:
                raise StoreError(
                    f"All {added:,} events were imported, but linking them to other reports stopped "
                    f"at {window[2]} ({str(exc).splitlines()[0]}). Finish it with `python -m "
                    f"conflict_monitor link-incidents --from {window[2]}`.") from exc

    def _relink_window(self, con: duckdb.DuckDBPyConnection,
                       window: tuple[dt.date, dt.date, dt.date, dt.date]) -> None:
        with self._write_on(con):
            self._relink_slices(con, [window])
