"""The Casualties page's death figures from a small summary of the store, made once per data version.

At ten million events the page's summary (incident_split.summary_sql) scans and groups the two
to three million reports with deaths under every filter change: 280-800 ms of a 530-1,220 ms
page (30 Nov 2026, idle). Yet the units it adds up fold well. A unit is a report alone in its
incident, or one victims group of an incident whose reports agree on every filter column but
origin, source and review (incident_counts.LEAD_AGREES_ON: under such a filter all of its
reports are seen or none). Summed per month or day and filter column value, with victims or
claimant, the synthetic store's 2.5 million units make 781,708 rows ("cells"; two thirds of
them the disagreeing groups of kind `p`):

- kind `g`: per month and filter values, per victim group and nationality: deaths (low, high),
  incidents, reports (the victim group, nationality, actor and "all" totals);
- kind `c`: the same per claimant (reporter, else source), each incident's claims of one
  claimant counting once with their lowest and highest figure, as summary_sql counts them;
- kind `d`: per day and filter values (the daily deaths);
- kind `p`: one row per disagreeing group of such an incident (the conflicting claims' picks).

The cells are built from the store in one query once per data version and read from an
in-memory DuckDB (page_memory). Months wholly inside the filter's dates come from the cells;
the days of a month cut by the filter ("edges") and the incidents the cells do not hold (their
reports disagree: incident_lead NULL) are read from the events as before, and added. All are
integer sums of the same values, so the figures are exactly summary_sql's
(tests/metrics/test_casualty_cells.py compares them on random filters).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Protocol

import pandas as pd

from conflict_monitor.metrics.event_sql import run_event_sql
from conflict_monitor.metrics.incident_deaths import IncidentScope
from conflict_monitor.metrics.incident_split import (
    _CLAIMANT,
    _DEATHS,
    _NATIONALITY,
    _SINGLE,
    _VICTIM_GROUP,
    VMAP,
    _shared_ctes,
    summary_params,
    summary_sql,
)
from conflict_monitor.model.filters import EventFilter, compute_where
from conflict_monitor.store.base import EventStore


class TableReader(Protocol):
    """Where the cells are read (page_memory.PageMemory): a query over its tables."""

    def query(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """Run a query (`?` parameters)."""


# The filter columns a cell is keyed by besides its day or month (compute_where's, named as in
# `events`; origin, source and review are not: under them the page reads the events).
CELL_COLUMNS = ("action", "event_type", "actor1", "actor2", "country", "actor1_country", "actor2_country")
_COLS = ", ".join(CELL_COLUMNS)
_E_COLS = ", ".join(f"e.{c}" for c in CELL_COLUMNS)
_I_COLS = ", ".join(f"i.{c}" for c in CELL_COLUMNS)
_MONTH = "CAST(date_trunc('month', day) AS DATE)"
_SUMS = ("CAST(sum(low) AS BIGINT) AS low, CAST(sum(high) AS BIGINT) AS high, "
         "CAST(sum(incidents) AS BIGINT) AS incidents, CAST(sum(reports) AS BIGINT) AS reports")
AGREEING = "e.incident_lead IS NOT NULL"


def build_cells_sql() -> str:
    """The cells (kind, event_date: the day, or for g and c the month's first day, the
    CELL_COLUMNS, label: victim group or claimant, nat, low, high, incidents, reports, ikey)
    from the whole store, in SQL both stores run. Params: the victims map arrays (3)."""
    shared = _shared_ctes("TRUE", f", {_CLAIMANT} AS claimant",
                          rows=f"{_DEATHS} AND e.incident_reports > 1 AND {AGREEING}")
    return f"""WITH {VMAP},
        single AS (SELECT e.event_date AS day, {_E_COLS}, {_VICTIM_GROUP} AS victim_group,
            {_NATIONALITY} AS nationality, {_CLAIMANT} AS claimant, e.fatalities AS low,
            coalesce(e.fatalities_high, e.fatalities) AS high
          FROM events e LEFT JOIN vmap m ON e.victims = m.victims WHERE {_DEATHS} AND {_SINGLE}),
        {shared},
        info AS (SELECT e.incident_key AS ikey, e.event_date AS day, {_E_COLS} FROM events e
          WHERE e.incident_lead AND e.incident_reports > 1),
        gunits AS (SELECT day, {_COLS}, victim_group, nationality, low, high, 1 AS incidents,
            1 AS reports FROM single
          UNION ALL SELECT i.day, {_I_COLS}, g.victim_group, g.nationality, g.low, g.high, 1,
            g.reports FROM groups g JOIN info i ON g.ikey = i.ikey),
        claims AS (SELECT s.ikey, s.claimant, min(s.low) AS low, max(s.high) AS high, count(*) AS n
          FROM shared s JOIN incidents x ON s.ikey = x.ikey
          GROUP BY s.ikey, s.claimant, CASE WHEN x.whole THEN x.victim_group ELSE s.victim_group END,
            CASE WHEN x.whole THEN x.nationality ELSE s.nationality END),
        cunits AS (SELECT day, {_COLS}, claimant, low, high, 1 AS incidents, 1 AS reports FROM single
          UNION ALL SELECT i.day, {_I_COLS}, c.claimant, c.low, c.high, 1, c.n
          FROM claims c JOIN info i ON c.ikey = i.ikey)
        SELECT 'g' AS kind, {_MONTH} AS event_date, {_COLS}, victim_group AS label,
          nationality AS nat, {_SUMS}, CAST(NULL AS BIGINT) AS ikey
          FROM gunits GROUP BY {_MONTH}, {_COLS}, victim_group, nationality
        UNION ALL SELECT 'd', day, {_COLS}, NULL, NULL, {_SUMS}, NULL FROM gunits GROUP BY day, {_COLS}
        UNION ALL SELECT 'c', {_MONTH}, {_COLS}, claimant, NULL, {_SUMS}, NULL
          FROM cunits GROUP BY {_MONTH}, {_COLS}, claimant
        UNION ALL SELECT 'p', i.day, {_I_COLS}, NULL, NULL, g.low, g.high, NULL, g.reports, g.ikey
          FROM groups g JOIN info i ON g.ikey = i.ikey
          WHERE g.reports > 1 AND (g.max_low > g.low OR g.high > g.min_high)"""


def disagreeing_reports(store: EventStore) -> int:
    """How many reports, not running totals, belong to incidents whose reports disagree (the
    ones the pages' tables in memory do not hold: page_memory), per data version; none, and
    the Casualties summary and the Overview's figures need not read the events for them."""
    out = store.query_sql_per_version(
        "SELECT count(*) AS n FROM events e WHERE NOT coalesce(e.is_running_total, false) "
        "AND e.incident_reports > 1 AND e.incident_lead IS NULL")
    return int(out["n"].iloc[0])


def applies(flt: EventFilter | None) -> bool:
    """Whether the cells can answer the filter (not one on origin, source or review)."""
    flt = flt or EventFilter()
    return not (flt.origins or flt.sources or flt.reviewed_only)


def compute_month_span(flt: EventFilter) -> tuple[dt.date | None, dt.date | None, list[tuple[dt.date, dt.date]]]:
    """The first and last month (first days) wholly inside the filter's dates (None: open), and
    the day ranges outside them that the filter still covers (its edges). Without a month
    wholly inside, the first month is after the last and the whole range is an edge."""
    start, end = flt.date_from, flt.date_to
    first = None if start is None else (start if start.day == 1 else _next_month(start))
    last = None
    if end is not None:
        after = end + dt.timedelta(days=1)
        last = _month_before(after.replace(day=1)) if after.day == 1 else _month_before(end.replace(day=1))
    edges: list[tuple[dt.date, dt.date]] = []
    if first is not None and last is not None and first > last:
        return first, last, [(start, end)] if start <= end else []
    if start is not None and first is not None and start < first:
        edges.append((start, first - dt.timedelta(days=1)))
    if end is not None and last is not None and end >= _next_month(last):
        edges.append((_next_month(last), end))
    return first, last, edges


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _month_before(first_day: dt.date) -> dt.date:
    return (first_day - dt.timedelta(days=1)).replace(day=1)


def query_cells_summary(con: TableReader, flt: EventFilter | None,
                        max_conflicts: int) -> pd.DataFrame:
    """summary_sql's rows (total, daily, pick) for the cells' units within the whole months and
    the days of the filter (the edges' totals are the caller's)."""
    flt = flt or EventFilter()
    first, last, _ = compute_month_span(flt)  # the cells of g and c are dated by their month
    in_months, month_params = compute_where(replace(flt, date_from=first, date_to=last))
    days, day_params = compute_where(flt)
    sql = f"""WITH g AS (SELECT label, nat, coalesce(actor1, 'unknown') AS a1, low, high, incidents,
            reports FROM cells WHERE kind = 'g' AND {in_months}),
        cand AS (SELECT ikey, high, event_date AS first_day FROM cells WHERE kind = 'p' AND {days}),
        cut AS (SELECT high, first_day FROM cand ORDER BY high DESC, first_day LIMIT 1 OFFSET ?),
        pick AS (SELECT DISTINCT ikey FROM cand WHERE NOT EXISTS (SELECT 1 FROM cut)
          OR EXISTS (SELECT 1 FROM cut WHERE cand.high > cut.high OR (cand.high = cut.high
            AND (cut.first_day IS NULL OR cand.first_day <= cut.first_day))))
        SELECT 'total' AS kind, CASE WHEN GROUPING(label) = 0 THEN 'victim_group'
            WHEN GROUPING(nat) = 0 THEN 'nationality' WHEN GROUPING(a1) = 0 THEN 'actor1'
            ELSE 'all' END AS dim, coalesce(label, nat, a1, 'all') AS label,
          CAST(NULL AS DATE) AS day, {_SUMS}
          FROM g GROUP BY GROUPING SETS ((label), (nat), (a1), ())
        UNION ALL SELECT 'total', 'claimant', label, NULL, {_SUMS} FROM cells
          WHERE kind = 'c' AND {in_months} GROUP BY label
        UNION ALL SELECT 'daily', NULL, NULL, event_date, {_SUMS} FROM cells
          WHERE kind = 'd' AND {days} GROUP BY event_date
        UNION ALL SELECT 'pick', NULL, NULL, NULL, NULL, NULL, NULL, ikey FROM pick"""
    params = [*month_params, *day_params, max(int(max_conflicts) - 1, 0), *month_params, *day_params]
    return con.query(sql, params)


def compute_edge_where(flt: EventFilter, alias: str = "e") -> tuple[str, list[Any]] | None:
    """The filter narrowed to its edge days (see compute_month_span), None when it has none."""
    _, _, edges = compute_month_span(flt)
    if not edges:
        return None
    rest, params = compute_where(replace(flt, date_from=None, date_to=None), alias)
    ranges = " OR ".join(f"{alias}.event_date BETWEEN ? AND ?" for _ in edges)
    return f"({ranges}) AND {rest}", [d for edge in edges for d in edge] + params


def query_summary_rows(source: EventStore, cells: TableReader, scope: IncidentScope,
                       flt: EventFilter | None, max_conflicts: int) -> pd.DataFrame:
    """summary_sql's rows (total, daily, pick) for a filter the cells apply to: the cells' plus, read from the events,
    the filter's edge days and the incidents the cells do not hold, added up."""
    flt = flt or EventFilter()
    parts = [query_cells_summary(cells, flt, max_conflicts)]
    edge = compute_edge_where(flt)
    if edge is not None:  # only totals: the cells hold every day's and every pick
        edge_out = run_event_sql(source, summary_sql(edge[0], shared=AGREEING),
                                 summary_params(scope.victim_params, edge[1], max_conflicts))
        parts.append(edge_out[edge_out["kind"] == "total"])
    if disagreeing_reports(source):
        parts.append(run_event_sql(
            source, summary_sql(scope.split_where, singles=False, shared=f"NOT {AGREEING}"),
            summary_params(scope.victim_params, scope.split_params, max_conflicts)))
    both = pd.concat(parts, ignore_index=True)
    is_pick = both["kind"] == "pick"
    sums = both[~is_pick].groupby(["kind", "dim", "label", "day"], dropna=False, as_index=False)[
        ["low", "high", "incidents", "reports"]].sum()
    picks = both.loc[is_pick, ["kind", "reports"]].drop_duplicates()
    return pd.concat([sums, picks], ignore_index=True)
