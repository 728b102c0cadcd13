"""What the pages keep in memory for one data version of a store: an in-memory DuckDB.

Four tables, made from the store in one go once per data version (kept on the store object by
keep_per_version, so a write makes the next reader make them anew):

- `cells`: the deaths summed per month or day and filter values (casualty_cells), for the
  Casualties page and the Overview's death range;
- `overview`: the events counted per day, filter values, running total or not, alone in their
  incident or not, lead of an agreeing incident or not (the Overview's other key figures: at
  ten million events one scan and group-by of the filtered events took 230-550 ms);
- `running`: the running totals with deaths, every column the page shows (at most RUNNING_MAX;
  beyond, none is held). Read by id from the events at ten million events, the 500 oldest
  took 30-110 ms a filter change, spread over the whole table (30 Nov 2026, idle);
- `newest`: the reports with deaths on or after the day of the store's NEWEST_HELD-th newest
  one, with the table's columns. The table's 1,000 newest reports under a filter are found
  there whenever 1,000 match (else read from the store, casualties._newest_ids): 5 ms where
  their ids and then their rows by id took 90-130 ms.

A store of fewer than MIN_EVENTS events (a million) keeps none: the store answers fast enough.
A bigger one makes them on a thread of its own, set going once the app has drawn a page, while
the pages read the store as before; at ten million events that takes 4.5-5 s idle, and about 7 s
after a write while the pages run beside it (30 Nov 2026).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from conflict_monitor.metrics.casualty_cells import CELL_COLUMNS, applies, build_cells_sql
from conflict_monitor.metrics.event_sql import query_store_ranks
from conflict_monitor.metrics.incident_deaths import query_store_victim_values, victim_params
from conflict_monitor.model.filters import EventFilter, compute_where
from conflict_monitor.store.base import EventStore

# False reads the store only (the tests' reference).
USE_MEMORY = True
# Smaller stores keep none: the store answers fast enough, and making them on the sample store
# took 0.34 s of a first start's first paint (30 Nov 2026).
MIN_EVENTS = 1_000_000
# Stores of at least this many events make the tables on a thread: at ten million events they
# take 4-5 s (30 Nov 2026, idle), which every first view after a write would otherwise wait for.
# Between MIN_EVENTS and this (the tests lower MIN_EVENTS), at once.
BACKGROUND_MIN_EVENTS = 1_000_000
RUNNING_MAX = 20_000
NEWEST_HELD = 30_000
# The columns of the page's table of reports (casualties.query_casualty_reports), then those
# the filter reads besides.
TABLE_COLUMNS = ("event_id", "event_date", "action", "actor1", "actor2", "location", "fatalities",
                 "fatalities_high", "victims", "reported_by", "source", "source_url", "evidence", "origin",
                 "event_type", "country", "date_precision", "incident_id", "is_running_total")
_FILTER_COLUMNS = ("actor1_country", "actor2_country")
RUNNING_COLUMNS = ("event_date", "period_start", "location", "victims", "fatalities AS low",
                   "coalesce(fatalities_high, fatalities) AS high", "fatalities_qualifier",
                   "coalesce(reported_by, source) AS claimant", "source", "origin", "source_url", "evidence")
_RUNNING_HELD = ("event_id", "event_date", "period_start", "location", "victims", "fatalities",
                 "fatalities_high", "fatalities_qualifier", "reported_by", "source", "origin", "source_url",
                 "evidence", "action", "event_type", "actor1", "actor2", "country", *_FILTER_COLUMNS)
_KEYS = ", ".join(("event_date", *CELL_COLUMNS))
_FLAGS = ("coalesce(is_running_total, false)", "coalesce(incident_reports, 1) <= 1",
          "coalesce(incident_lead, false)")
OVERVIEW_SQL = (f"SELECT {_KEYS}, {_FLAGS[0]} AS running, {_FLAGS[1]} AS single, {_FLAGS[2]} AS lead, "
                f"count(*) AS n FROM events GROUP BY {_KEYS}, {', '.join(_FLAGS)}")
_FATAL = "fatalities IS NOT NULL"
_RUNNING = f"coalesce(is_running_total, false) AND {_FATAL}"
_LOG = logging.getLogger(__name__)


@dataclass
class PageMemory:
    """One data version's tables, read in place from Arrow by one DuckDB connection. Its
    registrations are its own (a cursor would not see them), so readers take turns: a query
    takes a few milliseconds."""

    con: duckdb.DuckDBPyConnection
    tables: frozenset[str]
    lock: threading.Lock = field(default_factory=threading.Lock)

    def has(self, name: str) -> bool:
        """Whether the table is held (running totals and cells may not be: _make_tables)."""
        return name in self.tables

    def query(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """Run a query over the tables (`?` parameters)."""
        with self.lock:
            return self.con.execute(sql, list(params)).df()


@dataclass
class MemoryBuild:
    """The making of one data version's tables: `memory` once done, or the `error` it met."""

    done: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    started: bool = False
    memory: PageMemory | None = None
    error: Exception | None = None
    reported: bool = False


def _make_tables(store: EventStore, build: MemoryBuild) -> None:
    values = query_store_victim_values(store)
    con = duckdb.connect()
    frames = {}
    if values is not None:  # texts few enough to map them all (else no cells)
        frames["cells"] = store.query_arrow(build_cells_sql(), victim_params(values["victims"]))
    frames["overview"] = store.query_arrow(OVERVIEW_SQL)
    running = store.query_arrow(f"SELECT {', '.join(_RUNNING_HELD)} FROM events WHERE {_RUNNING} "
                                f"LIMIT {RUNNING_MAX + 1}")
    if running.num_rows <= RUNNING_MAX:
        frames["running"] = running
    # on or after the floor day: every report newer than one held is held (all dated ones
    # when the store has fewer than NEWEST_HELD)
    floor = query_store_ranks(store, "event_date", f"{_FATAL} AND event_date IS NOT NULL", [NEWEST_HELD])
    day = pd.Timestamp(floor[0]).date() if floor else dt.date(1, 1, 1)
    frames["newest"] = store.query_arrow(f"SELECT {', '.join((*TABLE_COLUMNS, *_FILTER_COLUMNS))} "
                                         f"FROM events WHERE {_FATAL} AND event_date >= ?", [day])
    for name, table in frames.items():  # read in place: a copy into DuckDB would double them
        con.register(name, table)
    build.memory = PageMemory(con, frozenset(frames))
    build.done.set()


def _make_tables_apart(store: EventStore, build: MemoryBuild) -> None:
    try:
        _make_tables(store, build)
    except Exception as exc:  # noqa: BLE001 - kept for the reader, who reads the store instead
        build.error = exc
        build.done.set()


def _start(store: EventStore, build: MemoryBuild, wait: bool, start: bool) -> None:
    """Make the tables now (a small store), or with `start` or `wait` on a thread: one at a
    time per store, so that a run of writes does not set several makings going (a later
    version's starts when the earlier one ends; with `wait`, after waiting for it)."""
    with build.lock:
        if build.started:
            return
        most = max(MIN_EVENTS, BACKGROUND_MIN_EVENTS)
        big = store.query_sql_per_version(f"SELECT count(*) AS n FROM (SELECT 1 FROM events "
                                          f"LIMIT {int(most)}) AS e")["n"].iloc[0]
        if big < MIN_EVENTS:
            return
        if big < BACKGROUND_MIN_EVENTS:  # an error here reaches the reader (and the next tries again)
            _make_tables(store, build)
            build.started = True
            return
        if not (start or wait):
            return
        earlier = getattr(store, "_page_memory_thread", None)
        if earlier is not None and earlier.is_alive():
            if not wait:
                return
            earlier.join()
        build.started = True
        thread = threading.Thread(target=_make_tables_apart, args=(store, build), name="page-memory",
                                  daemon=True)
        store._page_memory_thread = thread
        thread.start()


def load_page_memory(store: EventStore, wait: bool = False, start: bool = False) -> PageMemory | None:
    """The tables of the store's data version: none for a store under MIN_EVENTS; made at once
    under BACKGROUND_MIN_EVENTS; for a bigger store, once made on a thread, which `start` sets
    going (the app does after drawing a page, so that the making does not slow the page:
    ui.loaders.start_page_memory) and `wait` waits for. None until then, when making them failed (logged once), for a
    DataFrame and when USE_MEMORY is off."""
    if isinstance(store, pd.DataFrame) or not USE_MEMORY:
        return None
    build: MemoryBuild = store.keep_per_version("page_memory", MemoryBuild)
    _start(store, build, wait, start)
    if wait:
        build.done.wait()
    if build.error is not None:
        if wait:
            raise build.error
        if not build.reported:
            build.reported = True
            _LOG.warning("the pages' tables in memory could not be made; the pages read the "
                         "store instead: %s", build.error)
    return build.memory if build.done.is_set() else None


def query_running_rows(db: PageMemory, flt: EventFilter | None, limit: int) -> pd.DataFrame | None:
    """query_running_totals' rows (before its victim group), oldest first; None when the
    running totals are not held or the filter reads the review table."""
    flt = flt or EventFilter()
    if flt.reviewed_only or not db.has("running"):
        return None
    where, params = compute_where(flt)
    return db.query(f"SELECT {', '.join(RUNNING_COLUMNS)} FROM running WHERE {where} "
                    f"ORDER BY event_date, event_id LIMIT ?", [*params, limit])


def query_newest_rows(db: PageMemory, flt: EventFilter | None, limit: int) -> pd.DataFrame | None:
    """The `limit` newest reports with deaths under the filter (TABLE_COLUMNS), when that many
    are held; None otherwise (and for a filter reading the review table)."""
    flt = flt or EventFilter()
    if flt.reviewed_only or not db.has("newest"):
        return None
    where, params = compute_where(flt)
    out = db.query(f"SELECT {', '.join(TABLE_COLUMNS)} FROM newest WHERE {where} "
                   f"ORDER BY event_date DESC, event_id LIMIT ?", [*params, limit])
    return out if len(out) == limit else None


def query_key_figures_row(db: PageMemory, flt: EventFilter | None) -> pd.Series | None:
    """key_figures_sql's row (events, incidents, low, high, running, actors, first_date,
    last_date) for the reports the tables hold: all but those of incidents whose reports
    disagree (their incidents and deaths are the caller's to add: key_figures). None when the
    tables do not apply to the filter (casualty_cells.applies) or are not held."""
    flt = flt or EventFilter()
    if not applies(flt) or not (db.has("overview") and db.has("cells")):
        return None
    where, params = compute_where(flt)
    # an incident counts once, where its reports do not say a running total and one is dated:
    # a report alone in its incident, or an agreeing incident's lead (all its reports share
    # the day and running-total flag, incident_counts.LEAD_AGREES_ON)
    sql = f"""WITH o AS (SELECT * FROM overview WHERE {where}),
        d AS (SELECT coalesce(sum(low), 0) AS low, coalesce(sum(high), 0) AS high FROM cells
          WHERE kind = 'd' AND {where})
        SELECT (SELECT coalesce(sum(n), 0) FROM o) AS events,
          (SELECT coalesce(sum(n), 0) FROM o WHERE NOT running AND event_date IS NOT NULL
            AND (single OR lead)) AS incidents, d.low, d.high,
          (SELECT coalesce(sum(n), 0) FROM o WHERE running) AS running,
          (SELECT count(DISTINCT a) FROM (SELECT actor1 AS a FROM o UNION ALL SELECT actor2 FROM o) AS u)
            AS actors, (SELECT min(event_date) FROM o) AS first_date,
          (SELECT max(event_date) FROM o) AS last_date FROM d"""
    return db.query(sql, [*params, *params]).iloc[0]
