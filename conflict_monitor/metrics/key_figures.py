"""Key figures for a filtered set of events, aggregated inside the store (fast at 1M rows)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from conflict_monitor.metrics.casualty_cells import disagreeing_reports
from conflict_monitor.metrics.event_sql import NOT_RUNNING, EventSource, run_event_sql
from conflict_monitor.metrics.incident_deaths import prepare_incident_groups
from conflict_monitor.metrics.incident_split import disagreeing_key_figures_sql, key_figures_sql
from conflict_monitor.metrics.page_memory import load_page_memory, query_key_figures_row
from conflict_monitor.model.filters import EventFilter, compute_where
from conflict_monitor.store.incident_counts import incident_rows_sql


@dataclass(frozen=True)
class KeyFigures:
    """What the Overview shows at the top."""

    events: int
    incidents: int
    fatalities_low: int
    fatalities_high: int
    running_total_reports: int
    actors: int
    first_date: dt.date | None
    last_date: dt.date | None


def _as_date(value) -> dt.date | None:
    if value is None or value != value:
        return None
    return value.date() if hasattr(value, "date") else value


def compute_key_figures(store: EventSource, flt: EventFilter | None = None) -> KeyFigures:
    """Counts, the fatality range, distinct actors and the date span.

    Fatalities: the Casualties page's own total (incident_sql: per incident and victims the
    lowest report, as ACLED does, up to the highest), so both pages agree. Running totals
    ("more than 380 since December") cover many incidents and are never added; they are counted
    apart, and are not incidents either: `incidents` counts as the Timeline does (one per
    incident among the reports that are not running totals, incident_counts), so the two agree.
    """
    scope = prepare_incident_groups(store, flt)
    memory = load_page_memory(store) if scope.split_where is not None else None
    row = None if memory is None else query_key_figures_row(memory, flt)
    if row is not None:  # the pages' tables in memory, and the incidents they do not hold
        row = row.copy()
        if disagreeing_reports(store):  # their incidents and deaths, from the events
            rest = run_event_sql(store, disagreeing_key_figures_sql(scope.split_where),
                                 [*scope.victim_params, *scope.split_params]).iloc[0]
            for name in ("incidents", "low", "high"):
                row[name] = int(row[name]) + int(rest[name])
        return _figures(row)
    if scope.split_where is not None:  # linked by stored incident ids: one scan, shared apart
        sql = key_figures_sql(scope.split_where)
        wp = scope.split_params
        return _figures(run_event_sql(store, sql, [*scope.victim_params, *wp, *wp]).iloc[0])
    where, params = compute_where(flt or EventFilter())
    sql = scope.ctes + f""",
        fat AS (SELECT coalesce(sum(low), 0) AS low, coalesce(sum(high), 0) AS high FROM groups),
        inc AS (SELECT count(*) AS incidents FROM {incident_rows_sql(
            f"{where} AND event_date IS NOT NULL AND {NOT_RUNNING}", {"day": ("min", "event_date")})} AS i),
        stats AS (SELECT count(*) AS events,
          count(*) FILTER (WHERE coalesce(is_running_total, false)) AS running,
          min(event_date) AS first_date, max(event_date) AS last_date FROM events WHERE {where}),
        actors AS (SELECT count(DISTINCT a) AS actors FROM (SELECT actor1 AS a FROM events
          WHERE {where} UNION ALL SELECT actor2 AS a FROM events WHERE {where}) AS u)
        SELECT stats.events, inc.incidents, fat.low, fat.high, stats.running, actors.actors,
          stats.first_date, stats.last_date FROM stats, fat, actors, inc"""
    return _figures(run_event_sql(store, sql, [*scope.params, *params, *params, *params, *params,
                                               *params]).iloc[0])


def _figures(row) -> KeyFigures:
    return KeyFigures(int(row["events"]), int(row["incidents"]), int(row["low"]), int(row["high"]),
                      int(row["running"]), int(row["actors"]), _as_date(row["first_date"]),
                      _as_date(row["last_date"]))

