"""Timeline annotations: the few rows a chart labels (key events, each period's gravest incidents).

Both rank many events to keep a handful. At ten million events, a scan that carries the text
columns (actors, location, evidence...) reads nearly all of them even when a handful of rows
pass its filter (a column is decoded per vector of 2,048 rows, and a few matches touch most
vectors): the period samples' candidate scan took 600 ms of 1,000 (30 Nov 2026, load 4). So
each query ranks on narrow columns (numbers, dates, event_id) and a second one reads the text
columns of the rows kept, by event_id (the primary key: an index lookup in both stores).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from conflict_monitor.metrics.event_sql import (
    NOT_RUNNING,
    EventSource,
    notable_table,
    query_rows_by_id,
    query_store_ranks,
    run_event_sql,
)
from conflict_monitor.model.filters import EventFilter, compute_where

PERIODS: tuple[str, ...] = ("day", "week", "month")
_FLOOR_RANKS = (1_000, 10_000, 100_000)  # _store_floors
# the kinds of report the key events list first by day (ultimatums with a deadline, then
# without; ceasefires), and the ranks of their store-wide ceilings (_first_of_kinds)
_KINDS = {"deadline": "deadline IS NOT NULL", "ultimatum": "action = 'ultimatum' AND deadline IS NULL",
          "ceasefire": "action = 'ceasefire'"}
_CEILING_RANKS = (2_000,)
ROW_FIELDS = ("event_id", "event_date", "deadline", "action", "actor1", "actor2", "location",
              "fatalities", "fatalities_high", "victims", "reported_by", "source", "evidence")


def _where(flt: EventFilter | None, alias: str = "") -> tuple[str, list[Any]]:
    return compute_where(flt or EventFilter(), alias)


def _store_floors(source: EventSource) -> list[int]:
    """The deaths of the store's _FLOOR_RANKS-th deadliest dated reports (not running totals),
    highest first (kept per data version; none on a frame)."""
    deaths = query_store_ranks(source, "fatalities", f"fatalities > 0 AND event_date IS NOT NULL AND {NOT_RUNNING}",
                               _FLOOR_RANKS)
    return sorted({int(f) for f in deaths}, reverse=True)


def _kind_ceilings(source: EventSource) -> dict[str, list[dt.date]]:
    """Per kind of _KINDS, the days of the store's _CEILING_RANKS-th oldest report (kept per data
    version; none on a frame, or for a kind with fewer reports)."""
    per_version = getattr(source, "query_sql_per_version", None)  # a store's (not a frame's)
    if per_version is None:
        return {}
    # one scan for the three (the first kind a report is of; any day is a correct ceiling, see
    # _first_of_kinds): ~100 ms at ten million events, once per data version
    case = " ".join(f"WHEN {cond} THEN '{kind}'" for kind, cond in _KINDS.items())
    sql = f"""SELECT kind, event_date FROM (SELECT kind, event_date,
          row_number() OVER (PARTITION BY kind ORDER BY event_date) AS rn
          FROM (SELECT CASE {case} END AS kind, event_date FROM events WHERE event_date IS NOT NULL
            AND (deadline IS NOT NULL OR action IN ('ultimatum', 'ceasefire'))) AS k) AS r
        WHERE rn IN ({', '.join(str(rank) for rank in _CEILING_RANKS)}) ORDER BY kind, event_date"""
    out: dict[str, list[dt.date]] = {}
    for kind, day in per_version(sql).itertuples(index=False):
        out.setdefault(kind, []).append(pd.Timestamp(day).date())
    return out


def _first_of_kinds(source: EventSource, flt: EventFilter, where: str, params: list[Any],
                    max_each: int) -> pd.DataFrame:
    """The key events' ultimatums (with a deadline first) and ceasefires: the first `max_each`
    reports of each by day and event_id, as columns kind and event_id."""
    # If max_each matching reports of a kind fall on or before a ceiling day, they are its first;
    # `event_date <= ?` as a parameter is a plain column filter the scan applies before the
    # filter's text columns: 94 ms at ten million events where the three scans took 154 ms
    # (actor filter; 30 Nov 2026, load 2.4). A kind the action filter leaves out is not scanned.
    kinds = [k for k in _KINDS if k == "deadline" or not flt.actions or k in flt.actions]
    ceilings = _kind_ceilings(source)
    left = {k: [d for d in ceilings.get(k, []) if flt.date_from is None or d >= flt.date_from] + [None]
            for k in kinds}
    found: dict[str, list[str]] = {}
    table = notable_table(source)  # the store's few ultimatums and ceasefires, when it keeps them
    while left:
        branches, args = [], []
        for kind, days in left.items():
            day = "event_date IS NOT NULL" if days[0] is None else "event_date <= ?"
            branches.append(f"""(SELECT '{kind}' AS kind, event_id, event_date FROM {table}
                WHERE {where} AND {_KINDS[kind]} AND {day} ORDER BY event_date, event_id LIMIT ?)""")
            args += [*params, *([] if days[0] is None else [days[0]]), max_each]
        rows = run_event_sql(source, f"SELECT kind, event_id FROM ({' UNION ALL '.join(branches)}) AS b "
                                     "ORDER BY kind, event_date, event_id", args)
        for kind in list(left):
            ids = rows.loc[rows["kind"] == kind, "event_id"].tolist()
            if len(ids) >= max_each or left[kind][0] is None:  # else fewer: try the next day
                found[kind] = ids
                del left[kind]
            else:
                left[kind] = left[kind][1:]
    ultimatums = (found.get("deadline", []) + found.get("ultimatum", []))[:max_each]
    ceasefires = found.get("ceasefire", [])
    return pd.DataFrame({"kind": ["ultimatum"] * len(ultimatums) + ["ceasefire"] * len(ceasefires),
                         "event_id": ultimatums + ceasefires})


def query_key_events(source: EventSource, flt: EventFilter | None = None,
                     top_n: int = 5, max_each: int = 12) -> pd.DataFrame:
    """Events to annotate: the `top_n` deadliest incidents by their highest report (one row each,
    that report, with `fatalities_low` the incident's lowest), ultimatums (those with a deadline
    first) and ceasefires. Column `kind` is deaths | ultimatum | ceasefire."""
    where, params = _where(flt)
    deadly = f"{where} AND fatalities > 0 AND event_date IS NOT NULL AND {NOT_RUNNING}"
    narrow = "event_id, event_date, fatalities"
    # 1. ultimatums (with a deadline first, then without) and ceasefires
    first = _first_of_kinds(source, flt or EventFilter(), where, params, max_each)
    # 2. the deadliest incidents among the reports with a floor's deaths or more, ranked on
    # narrow columns (an incident by its integer key, a report of no incident as its own). An
    # incident ranks by its deadliest report, so if `top_n` incidents reach the floor, the top
    # ones are among them; the store's floors (highest first) keep the ranked reports few, and
    # ranking at the first one that serves saves the query for the cut-off (the 8 top_n-th
    # report's deaths) that ranked at it before: 30 ms at ten million events. The floor as a
    # parameter is a plain column filter, which the scan applies before reading any other
    # column (as a subquery it cost 300 ms more at 10M events), and incident_id, a text column
    # that costs 100-250 ms to read even for a few hundred rows, is read by event_id for the
    # few incidents tied at the last place, whose order it decides
    # (the store's notable_events hold every report of a floor's deaths or more when the floor
    # is at least theirs: a table of a few per cent of the rows)
    sql = f"""SELECT event_id FROM (SELECT event_id, rank() OVER (ORDER BY fatalities DESC, event_date) AS place
          FROM (SELECT {narrow}, row_number() OVER (PARTITION BY incident_key, CASE WHEN incident_key IS NULL
              THEN event_id END ORDER BY fatalities DESC, event_id) AS rn
            FROM {{table}} WHERE {deadly} AND fatalities >= ?) AS ranked WHERE rn = 1) AS placed
        WHERE place <= ?"""
    for floor in [*(f for f in _store_floors(source) if f > 1), 1]:
        tied = run_event_sql(source, sql.format(table=notable_table(source, floor)),
                             [*params, floor, top_n])["event_id"].tolist()
        if len(tied) >= top_n:
            break
    # (no LIMIT here: DuckDB would then scan the table for the top rows instead of looking
    # the ids up in the primary key's index)
    sql = f"""SELECT event_id, incident_key, incident_id FROM events
        WHERE event_id IN ({', '.join('?' for _ in tied) or 'NULL'})
        ORDER BY fatalities DESC, event_date, coalesce(incident_id, event_id)"""
    best = run_event_sql(source, sql, tied).head(top_n)
    # 3. each incident's lowest report, one incident a branch (its key is a plain column filter
    # that skips the row groups without it; its incident_id one that PostgreSQL's index serves;
    # IN (...) of the keys made DuckDB scan every row). A report of no incident is its own.
    shared = best.dropna(subset=["incident_key"])
    branch = f"SELECT incident_key, min(fatalities) AS low FROM events WHERE {deadly} " \
             "AND incident_key = ? AND incident_id = ? GROUP BY incident_key"
    lows = run_event_sql(source, " UNION ALL ".join(branch for _ in range(len(shared)))
                         or "SELECT incident_key, fatalities AS low FROM events WHERE FALSE",
                         [v for key, inc in zip(shared["incident_key"], shared["incident_id"], strict=True)
                          for v in (*params, int(key), inc)])
    low = best["incident_key"].map(dict(zip(lows["incident_key"], lows["low"], strict=True)))
    picked = pd.concat([pd.DataFrame({"kind": "deaths", "fatalities_low": low, "event_id": best["event_id"]}),
                        first[["kind", "event_id"]]], ignore_index=True)
    if len(picked):  # as both stores give a text column without nulls (an empty one as object)
        picked["kind"] = picked["kind"].astype("str")
    # 4. the text columns of the rows kept
    rows = query_rows_by_id(source, picked["event_id"].tolist(), ROW_FIELDS)
    picked["event_id"] = picked["event_id"].astype(rows["event_id"].dtype)
    out = picked.merge(rows, on="event_id", how="left")[["kind", "fatalities_low", *ROW_FIELDS]]
    low = out["fatalities_low"].fillna(out["fatalities"].where(out["kind"] == "deaths"))
    out["fatalities_low"] = low.astype("Int32" if low.isna().any() else "int32")  # as SQL's INTEGER
    for col in ("event_date", "deadline"):
        out[col] = pd.to_datetime(out[col])
    return out.sort_values(["kind", "fatalities", "event_date"], ascending=[True, False, True],
                           ignore_index=True)


def _picks_above_floor(source: EventSource, period: str, rows: str, params: list[Any], trunc: str,
                       score: str, ranked: int) -> pd.DataFrame | None:
    """query_period_samples' candidates (period, event_id, incident_key, rn) ranked among the
    reports (`rows`) with the lowest of the store's floor deaths or more, or None where they may
    differ from those ranked among all the reports."""
    # Counting every conflictual report per (period, score), then ranking those at or above each
    # period's cut-off, took 186 + 184 ms at ten million events (actor filter, week; 30 Nov 2026,
    # load 4); both from the reports with 12 deaths or more, read once, 230 ms: as a parameter,
    # the floor is a plain column filter the scan applies before the text columns.
    floors = [f for f in _store_floors(source) if f > 1]
    per_version = getattr(source, "query_sql_per_version", None)
    if not floors or per_version is None:
        return None
    most = per_version("SELECT max(-goldstein) AS w FROM events WHERE goldstein < 0")["w"].iloc[0]
    floor = floors[-1]
    sql = f"""WITH base AS MATERIALIZED (SELECT event_id, incident_key, {trunc} AS period, {score} AS score,
          goldstein FROM {notable_table(source, floor)} WHERE {rows} AND fatalities >= ?),
        lv AS (SELECT period, score, count(*) AS k FROM base GROUP BY period, score),
        cum AS (SELECT period, score, sum(k) OVER (PARTITION BY period ORDER BY score DESC) AS above FROM lv),
        cut AS (SELECT period, coalesce(max(score) FILTER (WHERE above >= ?), min(score)) AS s,
          max(above) AS n FROM cum GROUP BY period),
        picks AS (SELECT * FROM (SELECT b.period, b.event_id, b.incident_key, row_number() OVER (
            PARTITION BY b.period ORDER BY b.score DESC, b.event_id) AS rn
          FROM base b JOIN cut ON b.period = cut.period WHERE b.score >= cut.s) AS r WHERE rn <= ?)
        SELECT c.period, c.s, c.n, p.event_id, p.incident_key, p.rn FROM cut c
          LEFT JOIN picks p ON p.period = c.period ORDER BY c.period, p.rn"""
    out = run_event_sql(source, sql, [*params, floor, ranked, ranked])
    cut = out.drop_duplicates("period")
    # A report under the floor scores at most (floor - 1) * 20 + the store's largest -goldstein:
    # a period whose cut-off is above that, with `ranked` reports at or above it, has the same
    # cut-off and candidates among these reports as among all.
    if cut.empty or pd.isna(most) or (cut["n"] < ranked).any() or \
            (cut["s"] <= (floor - 1) * 20 + float(most)).any():
        return None
    # and every period with a conflictual report is among them: they are consecutive, and no
    # matching report is dated before the first or after the last
    starts = pd.to_datetime(cut["period"])
    step = {"day": pd.DateOffset(days=1), "week": pd.DateOffset(days=7), "month": pd.DateOffset(months=1)}[period]
    if len(pd.date_range(starts.iloc[0], starts.iloc[-1], freq=step)) != len(starts):
        return None
    outside = run_event_sql(source, f"""SELECT count(*) AS n FROM (SELECT event_id FROM events WHERE {rows}
        AND (event_date < ? OR event_date >= ?) LIMIT 1) AS o""",
                            [*params, starts.iloc[0].date(), (starts.iloc[-1] + step).date()])
    if outside["n"].iloc[0] != 0:
        return None
    return out[["period", "event_id", "incident_key", "rn"]].reset_index(drop=True)


def _conflictual(p: str) -> str:
    return f"{p}goldstein < 0 AND {p}event_date IS NOT NULL AND NOT coalesce({p}is_running_total, false)"


def _score(p: str) -> str:  # most deaths first, then the most negative Goldstein weight
    return f"coalesce({p}fatalities, 0) * 20 - {p}goldstein"


def _trunc(period: str, p: str) -> str:
    return f"date_trunc('{period}', CAST({p}event_date AS TIMESTAMP))"


def _picks_of_all(source: EventSource, flt: EventFilter | None, period: str, ranked: int) -> pd.DataFrame:
    """query_period_samples' candidates (period, event_id, incident_key, rn) among all the
    conflictual reports matching the filter."""
    where, params = _where(flt)
    ewhere, _ = _where(flt, "e")
    # Exact top-k per period without ranking every event (a window over all of them is ~20x
    # slower at 1M rows): count events per (period, score), take each period's k-th best score,
    # and rank only the events at or above it.
    sql = f"""WITH lv AS (SELECT {_trunc(period, '')} AS period, {_score('')} AS score, count(*) AS k,
          min(goldstein) AS g FROM events
          WHERE {where} AND {_conflictual('')} GROUP BY {_trunc(period, '')}, {_score('')}),
        cum AS (SELECT period, score, g, sum(k) OVER (PARTITION BY period ORDER BY score DESC) AS above
          FROM lv)
        SELECT period, coalesce(max(score) FILTER (WHERE above >= ?), min(score)) AS s, min(g) AS g
        FROM cum GROUP BY period ORDER BY period"""
    cut = run_event_sql(source, sql, [*params, ranked])
    # Two implied conditions (every event ranked has score >= the lowest cut-off s_min): a report
    # with deaths has fatalities * 20 = score + goldstein >= s_min + the lowest goldstein (less 1
    # for rounding), one without has -goldstein >= s_min. They drop no candidate, and as
    # parameters they are plain column filters that the scan applies before reading any other
    # column (as subqueries on `cut` the scan read every row's columns: 300 ms more at 10M).
    deaths = math.floor((cut["s"].min() + cut["g"].min()) / 20) - 1 if len(cut) else 0
    weight = -cut["s"].min() if len(cut) else 0.0
    values = ", ".join("(CAST(? AS TIMESTAMP), CAST(? AS FLOAT8))" for _ in range(len(cut)))
    cuts = [v for start, s in zip(cut["period"], cut["s"], strict=True)
            for v in (start.to_pydatetime(), float(s))]
    scan = "e.event_id, e.event_date, e.fatalities, e.goldstein, e.incident_key"
    sql = f"""SELECT * FROM (SELECT cut.period, e.event_id, e.incident_key, row_number() OVER (PARTITION BY cut.period
          ORDER BY {_score('e.')} DESC, e.event_id) AS rn
          FROM (SELECT {scan} FROM events e WHERE {ewhere} AND {_conflictual('e.')} AND e.fatalities >= ?
            UNION ALL SELECT {scan} FROM events e WHERE {ewhere} AND {_conflictual('e.')}
              AND e.fatalities IS NULL AND e.goldstein <= ?) AS e
          JOIN (VALUES {values or '(CAST(NULL AS TIMESTAMP), CAST(NULL AS FLOAT8))'}) AS cut(period, s)
            ON {_trunc(period, 'e.')} = cut.period WHERE {_score('e.')} >= cut.s) AS c
        WHERE rn <= ? ORDER BY period, rn"""
    return run_event_sql(source, sql, [*params, deaths, *params, weight, *cuts, ranked])


def query_period_samples(source: EventSource, flt: EventFilter | None, period: str,
                         per_period: int = 3) -> pd.DataFrame:
    """Per period, the `per_period` gravest conflictual incidents (most deaths, then most
    negative Goldstein), one row each (its gravest report), for hover text."""
    if period not in PERIODS:
        raise ValueError(f"period: expected one of {PERIODS}, got {period!r}")
    where, params = _where(flt)
    ranked = per_period * 3  # several reports of one incident may be among the gravest
    picked = _picks_above_floor(source, period, f"{where} AND {_conflictual('')}", params,
                                _trunc(period, ""), _score(""), ranked)
    if picked is None:
        picked = _picks_of_all(source, flt, period, ranked)
    # keep one row per incident (incident_key stands for incident_id one to one; a report of
    # no incident is its own)
    picked["incident"] = picked["incident_key"].astype(object).where(picked["incident_key"].notna(),
                                                                     picked["event_id"])
    picked = picked.drop_duplicates(["period", "incident"]).groupby("period").head(per_period)
    fields = [c for c in ROW_FIELDS if c != "deadline"]
    rows = query_rows_by_id(source, picked["event_id"].tolist(), tuple(fields))
    out = picked[["period", "event_id"]].astype({"event_id": rows["event_id"].dtype}).merge(
        rows, on="event_id", how="left")
    out["period"] = pd.to_datetime(out["period"])
    return out[["period", *fields]].reset_index(drop=True)
