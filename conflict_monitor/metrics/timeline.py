"""Timeline figures: incidents per period, the escalation index, weekly surges, key events, pairs.

Heavy work runs as SQL (per day here; the few rows a chart labels in timeline_rank.py) that
DuckDB and PostgreSQL both run, on the store or, for tests and small sets, on a DataFrame
(event_sql.run_event_sql). The compute_* functions that follow are plain pandas on those daily
tables.

Escalation index (conflict intensity) of a period P:
    I(P) = sum over incidents i dated in P with goldstein(i) < 0 of  -goldstein(i)
i.e. the summed magnitude of the Goldstein weights of conflictual incidents. The weights are
Goldstein's conflict-cooperation scale (Goldstein 1992, J. Conflict Resolution 36(2):369-385;
-10 most conflictual to +10 most cooperative) attached to CAMEO event codes as in GDELT's
GoldsteinScale field. Counts are of incidents, not reports: the reports sharing an incident_id
(incidents.py links them across articles and origins) count once, dated by their earliest
report and weighted by their gravest. Running totals are left out, since they are tallies over
many days rather than acts on one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd

from conflict_monitor.metrics.event_sql import (
    NOT_RUNNING,
    EventSource,
    run_event_sql,
)  # noqa: F401 - re-exported
from conflict_monitor.metrics.sources import query_sources  # noqa: F401 - re-exported
from conflict_monitor.metrics.timeline_rank import (  # noqa: F401 - re-exported
    PERIODS,
    query_key_events,
    query_period_samples,
)
from conflict_monitor.model.filters import EventFilter, compute_where
from conflict_monitor.store import incident_rollup
from conflict_monitor.store.incident_counts import LEAD

_PANDAS_PERIOD = {"day": "D", "week": "W-SUN", "month": "M"}  # W-SUN: weeks Monday..Sunday
STACK_COLUMNS: dict[str, str] = {"action": "action", "ACLED type": "event_type"}
SURGE_THRESHOLD = 0.25


def _where(flt: EventFilter | None) -> tuple[str, list[Any]]:
    return compute_where(flt or EventFilter())


def _alone_and_shared(flt: EventFilter | None) -> tuple[str, str]:
    """Conditions for the reports that count as incidents of their own, and for the shared
    reports to group by incident. A filter on origin, source or review can see some of an
    incident's reports and not others, so there every shared report is grouped; any other
    filter sees all of a lead's incident or none of it (incident_counts.LEAD_AGREES_ON)."""
    flt = flt or EventFilter()
    if flt.origins or flt.sources or flt.reviewed_only:
        return "coalesce(incident_reports, 1) <= 1", "incident_reports > 1"
    return (f"(coalesce(incident_reports, 1) <= 1 OR {LEAD})",
            f"incident_reports > 1 AND {LEAD} IS NULL")


def _shared_or_none(source: EventSource, shared: str) -> str:
    """`shared` (fixed SQL), or FALSE where no report of the store matches it (kept per data
    version; a frame is read as it is): a scan that the engine skips. At ten million events
    the reports that no lead stands for were looked for in 30-100 ms a query, and the synthetic
    store has none (every shared incident there agrees)."""
    per_version = getattr(source, "query_sql_per_version", None)  # a store's (not a frame's)
    if per_version is None:
        return shared
    found = per_version(f"SELECT count(*) AS n FROM (SELECT 1 FROM events WHERE {shared} LIMIT 1) AS s")
    return shared if int(found["n"].iloc[0]) else "FALSE"


def _rollup_kept(source: EventSource, flt: EventFilter | None) -> bool:
    """Whether the lone and lead reports' part can come from the store's per-day rollup
    (incident_rollup): a store that keeps it, under a filter without origin, source or review
    (its keys are the other filter columns). A DataFrame is read as before."""
    flt = flt or EventFilter()
    if isinstance(source, pd.DataFrame) or flt.origins or flt.sources or flt.reviewed_only:
        return False
    kept = getattr(source, "has_incident_rollup", None)
    return bool(kept and kept())


def period_start(days: pd.Series, period: str) -> pd.Series:
    """First day of the day/week (Monday)/month containing each date."""
    return pd.to_datetime(days).dt.to_period(_PANDAS_PERIOD[period]).dt.start_time


def period_end(start: pd.Timestamp, period: str) -> pd.Timestamp:
    """First day after the period that begins on `start`."""
    step = {"day": pd.Timedelta(days=1), "week": pd.Timedelta(days=7), "month": pd.offsets.MonthBegin(1)}
    return pd.Timestamp(start) + step[period]


def choose_default_period(first: dt.date | None, last: dt.date | None) -> str:
    """day up to 3 months of data, week up to 2 years, month beyond."""
    if first is None or last is None:
        return "week"
    days = (pd.Timestamp(last) - pd.Timestamp(first)).days
    return "day" if days <= 92 else "week" if days <= 731 else "month"


def query_daily(source: EventSource, flt: EventFilter | None = None) -> pd.DataFrame:
    """Per day, action and ACLED type: `incidents`, the `reports` behind them, conflictual
    incidents and their summed -goldstein. Each incident counts once (incident_counts), on the
    day of its earliest matching report, with its gravest (lowest) Goldstein weight; its action
    and type are the first one its reports give (reports of one incident share an action class)."""
    where, params = _where(flt)
    base = f"{where} AND event_date IS NOT NULL AND {NOT_RUNNING}"
    alone, shared = _alone_and_shared(flt)
    shared = _shared_or_none(source, shared)
    # As incident_rows_sql (a report alone in its incident is one; shared reports grouped by
    # incident_key), but the lone reports are counted per (day, action, type) as they are read,
    # and the strings coalesced on the ~1,000 groups, not on every row: 10-15 % less CPU at 10M.
    # An incident's lead report (when the filter allows it) counts as one with all its reports.
    conflict = "count(*) FILTER (WHERE {g} < 0), sum(-{g}) FILTER (WHERE {g} < 0)"
    lone = (f"""SELECT event_date AS day, action, event_type, count(*) AS n,
            sum(coalesce(incident_reports, 1)) AS reports, {conflict.format(g="goldstein")} FROM events
            WHERE {base} AND {alone} GROUP BY event_date, action, event_type""")
    if _rollup_kept(source, flt):  # the same groups, summed from the store's rollup (10x fewer rows)
        lone = f"""SELECT event_date, action, event_type, sum(n), sum(reports), sum(conflict_n),
            sum(intensity) FROM {incident_rollup.TABLE} WHERE {where} GROUP BY event_date, action, event_type"""
    sql = f"""SELECT day, coalesce(action, 'unknown') AS action, coalesce(event_type, 'unknown') AS event_type,
          CAST(sum(n) AS BIGINT) AS incidents, CAST(sum(reports) AS BIGINT) AS reports,
          CAST(sum(c) AS BIGINT) AS conflict_incidents, coalesce(sum(w), 0) AS intensity
        FROM ({lone}
          UNION ALL SELECT day, action, event_type, count(*), sum(reports), {conflict.format(g="g")}
            FROM (SELECT min(event_date) AS day, min(action) AS action, max(event_type) AS event_type,
              min(goldstein) AS g, count(*) AS reports FROM events
              WHERE {base} AND {shared} GROUP BY incident_key) AS i
            GROUP BY day, action, event_type) AS r(day, action, event_type, n, reports, c, w)
        GROUP BY day, coalesce(action, 'unknown'), coalesce(event_type, 'unknown')
        ORDER BY day, action, event_type"""
    daily = run_event_sql(source, sql, [*params, *params])
    daily["day"] = pd.to_datetime(daily["day"])
    daily["reports"] = daily["reports"].astype(int)
    return daily


def compute_period_counts(daily: pd.DataFrame, period: str, stack_by: str = "action") -> pd.DataFrame:
    """Incidents (and the reports behind them) per period and category (stack_by: 'action' or
    'event_type')."""
    measures = [c for c in ("incidents", "reports") if c in daily.columns]
    if daily.empty:
        return pd.DataFrame(columns=["period", "category", *measures])
    frame = daily.assign(period=period_start(daily["day"], period), category=daily[stack_by])
    return frame.groupby(["period", "category"], as_index=False)[measures].sum()


def compute_daily_index(daily: pd.DataFrame, start: Any = None, end: Any = None) -> pd.DataFrame:
    """The index per day over [start, end] (default: the data's span), zero on quiet days,
    with its trailing 7-day rolling mean."""
    cols = ["day", "incidents", "conflict_incidents", "intensity", "rolling_7d"]
    if daily.empty and (start is None or end is None):
        return pd.DataFrame(columns=cols)
    per_day = daily.groupby("day")[["incidents", "conflict_incidents", "intensity"]].sum()
    first = pd.Timestamp(start) if start is not None else per_day.index.min()
    last = pd.Timestamp(end) if end is not None else per_day.index.max()
    days = pd.date_range(first, last, freq="D", name="day")
    out = per_day.reindex(days, fill_value=0).astype({"incidents": int, "conflict_incidents": int})
    out["intensity"] = out["intensity"].astype(float)
    out["rolling_7d"] = out["intensity"].rolling(7, min_periods=1).mean()
    return out.reset_index()[cols]


def compute_escalation_index(daily: pd.DataFrame, period: str, start: Any = None,
                             end: Any = None) -> pd.DataFrame:
    """The index I(P) for every period P of the span (quiet periods are 0)."""
    per_day = compute_daily_index(daily, start, end)
    if per_day.empty:
        return pd.DataFrame(columns=["period", "incidents", "conflict_incidents", "intensity"])
    per_day["period"] = period_start(per_day["day"], period)
    return per_day.groupby("period", as_index=False)[["incidents", "conflict_incidents", "intensity"]].sum()


def compute_weekly_change(daily: pd.DataFrame, start: Any = None, end: Any = None,
                          threshold: float = SURGE_THRESHOLD) -> pd.DataFrame:
    """ACLED-style weekly change: a week is flagged when its index is more than `threshold`
    (25 %) above the mean of the four weeks before it. As in ACLED's Conflict Change Map, a
    low baseline (at most 2 conflictual incidents a week on average, and at most 5 this week)
    counts as "limited change" and is not flagged; weeks without four weeks before are not."""
    weekly = compute_escalation_index(daily, "week", start, end)
    if weekly.empty:
        return weekly.assign(baseline=[], change=[], flagged=[])
    baseline = weekly["intensity"].shift(1).rolling(4, min_periods=4).mean()
    base_events = weekly["conflict_incidents"].shift(1).rolling(4, min_periods=4).mean()
    low_activity = (base_events <= 2) & (weekly["conflict_incidents"] <= 5)
    weekly["baseline"] = baseline
    weekly["change"] = (weekly["intensity"] / baseline - 1).where(baseline > 0)
    weekly["flagged"] = (baseline.notna() & (weekly["intensity"] > (1 + threshold) * baseline)
                         & ~low_activity)
    return weekly


def query_pair_daily(source: EventSource, flt: EventFilter | None = None,
                     top_n: int = 6) -> pd.DataFrame:
    """Per day, the index of the `top_n` actor pairs (unordered: A ↔ B) with the highest total;
    each incident counts once per pair its reports name (as in query_daily)."""
    where, params = _where(flt)
    base = (f"{where} AND goldstein < 0 AND event_date IS NOT NULL AND {NOT_RUNNING} "
            "AND actor1 IS NOT NULL AND actor2 IS NOT NULL AND actor1 <> actor2")
    alone, shared = _alone_and_shared(flt)
    shared = _shared_or_none(source, shared)
    # Reports grouped on the actors as stored and the pair ordered (least, greatest) on the
    # groups, not on every row (10-25 % less CPU at 10M); shared reports as incident_rows_sql,
    # an incident's lead report (when the filter allows it) as a report of its own.
    lone = f"""SELECT event_date, actor1, actor2, sum(-goldstein), count(*) FROM events
              WHERE {base} AND {alone} GROUP BY event_date, actor1, actor2"""
    if _rollup_kept(source, flt):  # the same groups from the store's rollup, its conflictual rows
        lone = f"""SELECT event_date, actor1, actor2, sum(intensity), CAST(sum(conflict_n) AS BIGINT)
              FROM {incident_rollup.TABLE} WHERE {where} AND conflict_n > 0 AND actor1 IS NOT NULL
              AND actor2 IS NOT NULL AND actor1 <> actor2 GROUP BY event_date, actor1, actor2"""
    sql = f"""WITH p AS (SELECT day, least(a1, a2) AS a, greatest(a1, a2) AS b, sum(w) AS w, sum(n) AS n
          FROM ({lone}
            UNION ALL SELECT day, a, b, sum(-g), count(*) FROM (
              SELECT min(day) AS day, a, b, min(g) AS g FROM (SELECT incident_key, min(event_date) AS day,
                  least(actor1, actor2) AS a, greatest(actor1, actor2) AS b, min(goldstein) AS g FROM events
                  WHERE {base} AND {shared} GROUP BY incident_key, actor1, actor2) AS k
                GROUP BY incident_key, a, b) AS i GROUP BY day, a, b) AS r(day, a1, a2, w, n)
          GROUP BY day, least(a1, a2), greatest(a1, a2)),
        top AS (SELECT a, b, sum(w) AS total FROM p GROUP BY a, b ORDER BY total DESC, a, b LIMIT ?)
        SELECT day, a || ' ↔ ' || b AS pair, max(total) AS pair_total, sum(w) AS intensity,
          sum(n) AS conflict_incidents FROM p JOIN top USING (a, b) GROUP BY day, a, b ORDER BY day, a, b"""
    out = run_event_sql(source, sql, [*params, *params, top_n])
    out["day"] = pd.to_datetime(out["day"])
    return out


def compute_pair_index(pair_daily: pd.DataFrame, period: str, start: Any = None,
                       end: Any = None) -> pd.DataFrame:
    """The index per period and pair, zero-filled over the span; pairs ordered by total."""
    if pair_daily.empty:
        return pd.DataFrame(columns=["period", "pair", "intensity"])
    order = pair_daily.groupby("pair")["intensity"].sum().sort_values(ascending=False).index
    first = pd.Timestamp(start) if start is not None else pair_daily["day"].min()
    last = pd.Timestamp(end) if end is not None else pair_daily["day"].max()
    periods = period_start(pd.Series(pd.date_range(first, last, freq="D")), period).unique()
    frame = pair_daily.assign(period=period_start(pair_daily["day"], period))
    summed = frame.groupby(["pair", "period"])["intensity"].sum()
    full = pd.MultiIndex.from_product([order, periods], names=["pair", "period"])
    out = summed.reindex(full, fill_value=0.0).reset_index()
    return out[["period", "pair", "intensity"]]


def query_period_events(source: EventSource, flt: EventFilter | None, period: str,
                        picks: Sequence[tuple[Any, str | None]] = (), stack_col: str | None = None,
                        event_ids: Sequence[str] = (), limit: int = 500) -> pd.DataFrame:
    """Events behind selected chart points: (period start, category or None) picks, and ids."""
    if stack_col is not None and stack_col not in STACK_COLUMNS.values():
        raise ValueError(f"stack_col: expected one of {sorted(STACK_COLUMNS.values())}, got {stack_col!r}")
    where, params = _where(flt)
    ors: list[str] = []
    extra: list[Any] = []
    for start, category in picks:
        begin = pd.Timestamp(start)
        clause = f"(event_date >= ? AND event_date < ? AND {NOT_RUNNING}"  # as the charts count
        extra += [begin.date(), period_end(begin, period).date()]
        if category is not None and stack_col:
            clause += f" AND coalesce({stack_col}, 'unknown') = ?"
            extra.append(category)
        ors.append(clause + ")")
    if event_ids:
        ors.append(f"event_id IN ({', '.join('?' for _ in event_ids)})")
        extra += list(event_ids)
    if not ors:
        return run_event_sql(source, "SELECT * FROM events WHERE FALSE")
    sql = (f"SELECT * FROM events WHERE {where} AND ({' OR '.join(ors)}) "
           "ORDER BY event_date, event_id LIMIT ?")
    return run_event_sql(source, sql, [*params, *extra, limit])
