"""The Timeline's queries as they were before they were made faster (commit ef3933a), kept as the
reference that test_timeline_reference.py compares the store's answers with: the same rows and
columns, on random stores and filters."""

from __future__ import annotations

from typing import Any

import pandas as pd

from conflict_monitor.metrics.event_sql import NOT_RUNNING, EventSource, run_event_sql
from conflict_monitor.metrics.timeline_rank import PERIODS, ROW_FIELDS
from conflict_monitor.model.filters import EventFilter, compute_where
from conflict_monitor.store.incident_counts import incident_rows_sql

_ROW_FIELDS = ROW_FIELDS


def _where(flt: EventFilter | None) -> tuple[str, list[Any]]:
    return compute_where(flt or EventFilter())


def query_daily(source: EventSource, flt: EventFilter | None = None) -> pd.DataFrame:
    """Per day, action and ACLED type: `incidents`, the `reports` behind them, conflictual
    incidents and their summed -goldstein. Each incident counts once (incident_counts), on the
    day of its earliest matching report, with its gravest (lowest) Goldstein weight; its action
    and type are the first one its reports give (reports of one incident share an action class)."""
    where, params = _where(flt)
    rows = incident_rows_sql(f"{where} AND event_date IS NOT NULL AND {NOT_RUNNING}", {
        "day": ("min", "event_date"), "action": ("min", "action"),
        "event_type": ("max", "event_type"), "goldstein": ("min", "goldstein")})
    sql = f"""SELECT day, coalesce(action, 'unknown') AS action,
        coalesce(event_type, 'unknown') AS event_type, count(*) AS incidents, sum(reports) AS reports,
        count(*) FILTER (WHERE goldstein < 0) AS conflict_incidents,
        coalesce(sum(-goldstein) FILTER (WHERE goldstein < 0), 0) AS intensity
        FROM {rows} AS r
        GROUP BY day, coalesce(action, 'unknown'), coalesce(event_type, 'unknown')
        ORDER BY day, action, event_type"""
    daily = run_event_sql(source, sql, [*params, *params])
    daily["day"] = pd.to_datetime(daily["day"])
    daily["reports"] = daily["reports"].astype(int)
    return daily


def query_key_events(source: EventSource, flt: EventFilter | None = None,
                     top_n: int = 5, max_each: int = 12) -> pd.DataFrame:
    """Events to annotate: the `top_n` deadliest incidents by their highest report (one row each,
    that report, with `fatalities_low` the incident's lowest), ultimatums (those with a deadline
    first) and ceasefires. Column `kind` is deaths | ultimatum | ceasefire."""
    where, params = _where(flt)
    cols = ", ".join(_ROW_FIELDS)
    deadly = f"{where} AND fatalities > 0 AND event_date IS NOT NULL AND {NOT_RUNNING}"
    # cut-off first (one integer column), so only the few deadliest rows' text is read;
    # ultimatums as two branches (with a deadline, then without), each a plain column filter
    inc = "coalesce(incident_id, event_id)"
    sql = f"""WITH cut AS (SELECT fatalities FROM events WHERE {deadly} ORDER BY fatalities DESC
          LIMIT 1 OFFSET ?),
        ranked AS (SELECT {cols}, {inc} AS inc,
          row_number() OVER (PARTITION BY {inc} ORDER BY fatalities DESC, event_id) AS rn
          FROM events WHERE {deadly}
          AND fatalities >= (SELECT coalesce(max(fatalities), 0) FROM cut)),
        best AS (SELECT * FROM ranked WHERE rn = 1 ORDER BY fatalities DESC, event_date, inc LIMIT ?),
        lows AS (SELECT {inc} AS inc, min(fatalities) AS low FROM events
          WHERE {deadly} AND {inc} IN (SELECT inc FROM best) GROUP BY {inc})
        (SELECT 'deaths' AS kind, lows.low AS fatalities_low, {', '.join(f'best.{c}' for c in _ROW_FIELDS)}
          FROM best JOIN lows ON best.inc = lows.inc)
        UNION ALL (SELECT 'ultimatum', NULL, {cols} FROM (
            (SELECT {cols} FROM events WHERE {where} AND deadline IS NOT NULL
              AND event_date IS NOT NULL ORDER BY event_date, event_id LIMIT ?)
            UNION ALL (SELECT {cols} FROM events WHERE {where} AND action = 'ultimatum'
              AND deadline IS NULL AND event_date IS NOT NULL ORDER BY event_date, event_id LIMIT ?)
          ) AS u ORDER BY deadline IS NULL, event_date, event_id LIMIT ?)
        UNION ALL (SELECT 'ceasefire', NULL, {cols} FROM events WHERE {where}
          AND action = 'ceasefire' AND event_date IS NOT NULL ORDER BY event_date, event_id LIMIT ?)"""
    out = run_event_sql(source, sql, [*params, top_n * 8 - 1, *params, top_n, *params, *params,
                                      max_each, *params, max_each, max_each, *params, max_each])
    for col in ("event_date", "deadline"):
        out[col] = pd.to_datetime(out[col])
    return out.sort_values(["kind", "fatalities", "event_date"], ascending=[True, False, True],
                           ignore_index=True)


def query_period_samples(source: EventSource, flt: EventFilter | None, period: str,
                         per_period: int = 3) -> pd.DataFrame:
    """Per period, the `per_period` gravest conflictual incidents (most deaths, then most
    negative Goldstein), one row each (its gravest report), for hover text."""
    if period not in PERIODS:
        raise ValueError(f"period: expected one of {PERIODS}, got {period!r}")
    where, params = _where(flt)
    ewhere, _ = compute_where(flt or EventFilter(), "e")
    fields = [c for c in (*_ROW_FIELDS, "incident_id") if c != "deadline"]
    cols = ", ".join(f"e.{c}" for c in fields)
    def conflictual(p: str) -> str:
        return f"{p}goldstein < 0 AND {p}event_date IS NOT NULL AND NOT coalesce({p}is_running_total, false)"

    def score(p: str) -> str:  # most deaths first, then the most negative Goldstein weight
        return f"coalesce({p}fatalities, 0) * 20 - {p}goldstein"

    def trunc(p: str) -> str:
        return f"date_trunc('{period}', CAST({p}event_date AS TIMESTAMP))"

    # Exact top-k per period without ranking every event (a window over all of them is ~20x
    # slower at 1M rows): count events per (period, score), take each period's k-th best score,
    # and rank only the events at or above it.
    # `bound` adds two implied conditions (every event ranked has score >= the lowest cut-off
    # s_min): a report with deaths has fatalities * 20 = score + goldstein >= s_min + the lowest
    # goldstein (less 1 for rounding), one without has -goldstein >= s_min. They drop no
    # candidate, and as plain column filters the scan skips most rows before their text columns.
    scan = ", ".join(f"e.{c}" for c in (*fields, "goldstein"))
    sql = f"""WITH lv AS (SELECT {trunc('')} AS period, {score('')} AS score, count(*) AS k,
          min(goldstein) AS g FROM events
          WHERE {where} AND {conflictual('')} GROUP BY {trunc('')}, {score('')}),
        cum AS (SELECT period, score, g, sum(k) OVER (PARTITION BY period ORDER BY score DESC) AS above
          FROM lv),
        cut AS (SELECT period, coalesce(max(score) FILTER (WHERE above >= ?), min(score))
          AS s, min(g) AS g FROM cum GROUP BY period),
        bound AS (SELECT CAST(floor((min(s) + min(g)) / 20) - 1 AS INTEGER) AS deaths,
          -min(s) AS weight FROM cut),
        cand AS (SELECT cut.period, {cols}, row_number() OVER (PARTITION BY cut.period
          ORDER BY {score('e.')} DESC, e.event_id) AS rn
          FROM (SELECT {scan} FROM events e WHERE {ewhere} AND {conflictual('e.')}
              AND e.fatalities >= (SELECT deaths FROM bound)
            UNION ALL SELECT {scan} FROM events e WHERE {ewhere} AND {conflictual('e.')}
              AND e.fatalities IS NULL AND e.goldstein <= (SELECT weight FROM bound)) AS e
          JOIN cut ON {trunc('e.')} = cut.period WHERE {score('e.')} >= cut.s)
        SELECT * FROM cand WHERE rn <= ? ORDER BY period, rn"""
    # several reports of one incident may be among the gravest: rank 3x as many, keep one each
    ranked = per_period * 3
    out = run_event_sql(source, sql, [*params, ranked, *params, *params, ranked])
    out["period"] = pd.to_datetime(out["period"])
    out["incident_id"] = out["incident_id"].fillna(out["event_id"])
    out = out.drop_duplicates(["period", "incident_id"])
    return out.groupby("period").head(per_period).drop(columns=["rn", "incident_id"]).reset_index(drop=True)


def query_pair_daily(source: EventSource, flt: EventFilter | None = None,
                     top_n: int = 6) -> pd.DataFrame:
    """Per day, the index of the `top_n` actor pairs (unordered: A ↔ B) with the highest total;
    each incident counts once per pair its reports name (as in query_daily)."""
    where, params = _where(flt)
    rows = incident_rows_sql(
        f"{where} AND goldstein < 0 AND event_date IS NOT NULL AND {NOT_RUNNING} "
        "AND actor1 IS NOT NULL AND actor2 IS NOT NULL AND actor1 <> actor2",
        {"day": ("min", "event_date"), "g": ("min", "goldstein")},
        {"a": "least(actor1, actor2)", "b": "greatest(actor1, actor2)"})
    sql = f"""WITH p AS (SELECT day, a, b, sum(-g) AS w, count(*) AS n FROM {rows} AS r
          GROUP BY day, a, b),
        top AS (SELECT a, b, sum(w) AS total FROM p GROUP BY a, b ORDER BY total DESC, a, b LIMIT ?)
        SELECT day, a || ' ↔ ' || b AS pair, max(total) AS pair_total, sum(w) AS intensity,
          sum(n) AS conflict_incidents FROM p JOIN top USING (a, b) GROUP BY day, a, b ORDER BY day, a, b"""
    out = run_event_sql(source, sql, [*params, *params, top_n])
    out["day"] = pd.to_datetime(out["day"])
    return out
