"""The sources behind a page's figures: how many of the reports it plots each source and
origin gave, under the filter."""

from __future__ import annotations

import pandas as pd

from conflict_monitor.metrics.event_sql import NOT_RUNNING, EventSource, run_event_sql
from conflict_monitor.model.filters import EventFilter, compute_where, compute_where_branches
from conflict_monitor.store import source_counts


def query_sources(source: EventSource, flt: EventFilter | None = None,
                  condition: str = "TRUE") -> pd.DataFrame:
    """Distinct source and origin of the rows a chart plots, with counts (condition: fixed SQL)."""
    flt = flt or EventFilter()
    counted = source_counts.MEASURES.get(condition)
    kept = getattr(source, "has_source_counts", None)  # a store's (not a frame's)
    if counted and not (flt.date_from or flt.date_to or flt.reviewed_only) and kept and kept():
        # the store's counts per source and filter column but the date: a few thousand rows
        where, params = compute_where(flt)
        sql = f"""SELECT coalesce(source, 'unknown') AS source, coalesce(origin, 'unknown') AS origin,
            CAST(sum({counted}) AS BIGINT) AS n FROM {source_counts.TABLE} WHERE {where}
            GROUP BY coalesce(source, 'unknown'), coalesce(origin, 'unknown') HAVING sum({counted}) > 0
            ORDER BY n DESC, source, origin"""
        return run_event_sql(source, sql, params)
    branches = compute_where_branches(flt)
    # An actor or country filter alone, on the rows a timeline plots: counted per column it names,
    # then added (at ten million events 122 ms where the one scan with the OR took 181, actor
    # filter; country 313 / 344; 30 Nov 2026, load 3-3.8). Not when another condition narrows the
    # scan first (the reports with deaths, an origin): there the OR sees fewer rows and the
    # extra scans cost more (148 / 125 ms, 215 / 180).
    alone = len(branches) > 1 and condition == NOT_RUNNING and not (flt.actors and flt.countries) \
        and flt.with_changes(actors=(), countries=()).is_empty()
    if not alone:
        where, params = compute_where(flt)
        sql = f"""SELECT coalesce(source, 'unknown') AS source, coalesce(origin, 'unknown') AS origin,
            count(*) AS n FROM events WHERE {where} AND ({condition})
            GROUP BY coalesce(source, 'unknown'), coalesce(origin, 'unknown') ORDER BY n DESC, source, origin"""
        return run_event_sql(source, sql, params)
    counts = " UNION ALL ".join(f"SELECT source, origin, count(*) AS n FROM events WHERE {where} "
                                f"AND ({condition}) GROUP BY source, origin" for where, _ in branches)
    sql = f"""SELECT coalesce(source, 'unknown') AS source, coalesce(origin, 'unknown') AS origin,
        CAST(sum(n) AS BIGINT) AS n FROM ({counts}) AS b
        GROUP BY coalesce(source, 'unknown'), coalesce(origin, 'unknown') ORDER BY n DESC, source, origin"""
    return run_event_sql(source, sql, [v for _, params in branches for v in params])
