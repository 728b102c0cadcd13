"""File imports into the DuckDB store: staged chunk by chunk, then one transaction (DuckDBStore).

DuckDB keeps an open transaction's rows in memory, so a file of millions of rows is staged in a
table of its own first, then moved into events and linked in one transaction (a file spanning
years is linked a year per transaction afterwards). Memory stays bounded (IMPORT_MEMORY_LIMIT)
and events never hold part of a file.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import duckdb
import pandas as pd

from conflict_monitor.model.schema import EVENT_COLUMNS, EVENT_FIELDS
from conflict_monitor.store.base import ImportResult, StoreError
from conflict_monitor.store.incident_counts import REPORTS, REPORTS_OF_NEW_ROW
from conflict_monitor.store.sql import NOT_REJECTED

IMPORT_MEMORY_LIMIT = "512MB"  # DuckDB's share of RAM during a file import (it spills beyond)
# The dashboard's kept-open instance: its buffer cache and query memory. DuckDB's default is 80 %
# of the machine's RAM, and at ten million events its cache alone grew the app past 4 GB; the
# target for the whole process is 2 GB, of which Python, pandas and Streamlit take ~0.5 GB.
# An import returns the instance to it when done.
READER_MEMORY_LIMIT = "1GB"
# Up to this many new rows, an import links its incidents in its own transaction (all or
# nothing); a bigger file spanning more than a year is linked afterwards, a year at a time.
LINK_IN_IMPORT_MAX_ROWS = 200_000
STAGING_PREFIX = "import_staging_"  # + 12 hex digits: one table per import in progress


class DuckDBImportMixin:
    """import_batches and import_staged of DuckDBStore (its hooks: _connect, _write_on,
    _retry_conflicts, _stage, _execute, and SqlStore's revisions, change log and linking)."""

    _connect: Callable[..., Any]
    _write_on: Callable[..., Any]
    _retry_conflicts: Callable[..., Any]
    _stage: Callable[..., Any]
    _execute: Callable[..., int]
    _apply_revisions: Callable[..., Any]
    _log_changes: Callable[..., None]
    _make_notable_if_big: Callable[[], None]
    _note_rollup_rows: Callable[..., None]
    _relink_slices: Callable[..., None]

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
                        self._note_rollup_rows(con, "incident_id IS NULL", table=staging)
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
        self._make_notable_if_big()  # a store grown past its size has its table of notable reports made
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
