"""Casualty figures: ranges by victim group, actor, nationality and source; conflicting claims;
running totals kept apart; cumulative deaths.

Rules (ACLED's fatality methodology): reports of one incident are grouped (its incident_id,
else conflict_monitor.incidents.compute_incident_ids; the victims - group and nationality -
must also match) and the incident counts with the LOWEST reported figure; the highest report
(or the high end of a stated range) is the top of the range. Running totals ("more than 380
civilians since December") are cumulative tallies: listed separately, never added.

Aggregation runs in portable SQL (incident_sql, shared with the Overview) over the store, or
over a DataFrame via event_sql.run_event_sql.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from conflict_monitor.metrics import casualty_cells
from conflict_monitor.metrics.event_sql import (
    EventSource,
    notable_table,
    query_rows_by_id,
    query_store_ranks,
    run_event_sql,
)
from conflict_monitor.metrics.incident_deaths import IncidentScope, prepare_incident_groups
from conflict_monitor.metrics.incident_split import claim_ids_sql, claims_sql, summary_params, summary_sql
from conflict_monitor.metrics.page_memory import (
    RUNNING_COLUMNS,
    TABLE_COLUMNS,
    PageMemory,
    load_page_memory,
    query_newest_rows,
    query_running_rows,
)
from conflict_monitor.model.filters import EventFilter, compute_where
from conflict_monitor.model.victims import (
    map_victim_groups,
)


@dataclass
class CasualtySummary:
    """Everything the Casualties page shows, computed for one filter."""

    totals: pd.DataFrame      # dim (all|victim_group|actor1|nationality|claimant), label, low, high, incidents, reports
    daily: pd.DataFrame       # day, low, high (incidents counted on their first day)
    conflicts: pd.DataFrame   # one row per incident-victims group whose reports disagree, with claims
    running: pd.DataFrame     # running totals, never added
    notes: list[str] = field(default_factory=list)


# Claims read by event id up to this many reports (one parameter each; PostgreSQL takes 65,535).
CLAIM_IDS_MAX = 5000
# query_casualty_reports first looks among the reports on or after the days of the store's
# 30,000th and 300,000th newest reports with deaths (_newest_ids)
_NEWEST_RANKS = (30_000, 300_000)

def _summary_sql(ctes: str) -> str:
    """One query over the shared CTEs: totals per dimension, per-day deaths and the claims of the
    incidents whose reports disagree, as flat rows (kind total | daily | claim)."""
    return ctes + """,
        top AS (SELECT incident, victim_group, nationality, low, high, reports, first_day FROM groups
          WHERE reports > 1 AND (max_low > low OR high > min_high)
          ORDER BY high DESC, first_day, incident, victim_group, nationality LIMIT ?)
        SELECT 'total' AS kind, CASE WHEN GROUPING(victim_group) = 0 THEN 'victim_group'
            WHEN GROUPING(actor1) = 0 THEN 'actor1' WHEN GROUPING(nationality) = 0 THEN 'nationality'
            ELSE 'all' END AS dim, coalesce(victim_group, actor1, nationality, 'all') AS label,
          CAST(NULL AS DATE) AS day, sum(low) AS low, sum(high) AS high, count(*) AS incidents,
          sum(reports) AS reports, CAST(NULL AS VARCHAR) AS location,
          CAST(NULL AS VARCHAR) AS incident, CAST(NULL AS VARCHAR) AS victim_group,
          CAST(NULL AS VARCHAR) AS nationality, CAST(NULL AS VARCHAR) AS claimant,
          CAST(NULL AS VARCHAR) AS source_url
          FROM groups GROUP BY GROUPING SETS ((victim_group), (actor1), (nationality), ())
        UNION ALL SELECT 'total', 'claimant', claimant, NULL, sum(low), sum(high), sum(k), sum(n),
          NULL, NULL, NULL, NULL, NULL, NULL FROM (SELECT claimant, sum(low) AS low, sum(high) AS high,
            count(*) AS k, count(*) AS n FROM reports WHERE single GROUP BY claimant
          UNION ALL SELECT claimant, min(low), max(high), 1, count(*) FROM reports WHERE NOT single
            GROUP BY claimant, incident, victim_group, nationality) AS c
          GROUP BY claimant
        UNION ALL SELECT 'daily', NULL, NULL, first_day, sum(low), sum(high), count(*), sum(reports),
          NULL, NULL, NULL, NULL, NULL, NULL FROM groups GROUP BY first_day
        UNION ALL SELECT 'claim', NULL, NULL, t.first_day, r.low, r.high, t.low, t.high, r.location,
          t.incident, t.victim_group, t.nationality, r.claimant, r.source_url
          FROM top t JOIN reports r ON r.incident = t.incident AND r.victim_group = t.victim_group
          AND r.nationality = t.nationality"""


def _assemble_conflicts(claims: pd.DataFrame) -> pd.DataFrame:
    """One row per disagreeing incident-victims group, its claims as a list (lowest first).
    On claim rows, `incidents`/`reports` carry the group's low/high (see _summary_sql)."""
    cols = ["incident", "first_day", "location", "victim_group", "nationality", "low", "high",
            "reports", "claims"]
    if claims.empty:
        return pd.DataFrame(columns=cols)
    # source_url last: claims of one source with the same figures keep one order on every store
    claims = claims.sort_values(["incident", "victim_group", "nationality", "low", "high", "claimant",
                                 "source_url"])
    groups: dict[tuple, dict[str, Any]] = {}
    for inc, group, nat, day, place, lo, hi, g_low, g_high, who, url in zip(
            claims["incident"], claims["victim_group"], claims["nationality"], claims["day"],
            claims["location"], claims["low"], claims["high"], claims["incidents"], claims["reports"],
            claims["claimant"], claims["source_url"], strict=False):
        row = groups.setdefault((inc, group, nat), {
            "incident": inc, "first_day": day, "location": None, "victim_group": group,
            "nationality": nat, "low": int(g_low), "high": int(g_high), "reports": 0, "claims": []})
        if isinstance(place, str) and (row["location"] is None or place < row["location"]):
            row["location"] = place  # the first place name, alphabetically
        row["reports"] += 1
        row["claims"].append({"claimant": who, "low": int(lo), "high": int(hi),
                              "source_url": url if isinstance(url, str) else None})
    rows = list(groups.values())
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["high", "first_day", "incident"], ascending=[False, True, True])


def _query_claims(source: EventSource, scope: IncidentScope, picked: list[int],
                  max_conflicts: int) -> pd.DataFrame:
    """The claims of the top conflicting groups among the incidents summary_sql picked: their
    reports' event ids, then those reports by id (up to CLAIM_IDS_MAX of them: one parameter
    each), else by filter and incident key."""
    where, params = scope.split_where, scope.split_params
    ids = run_event_sql(source, claim_ids_sql(where), [*params, picked])["event_id"].tolist()
    if len(ids) <= CLAIM_IDS_MAX:
        rows, row_params = f"e.event_id IN ({', '.join('?' for _ in ids)})", ids
    else:
        rows = f"e.event_id IN ({claim_ids_sql(where)})"
        row_params = [*params, picked]
    return run_event_sql(source, claims_sql(rows), [*scope.victim_params, *row_params, max_conflicts])


def query_casualty_summary(source: EventSource, flt: EventFilter | None = None,
                           max_conflicts: int = 200) -> CasualtySummary:
    """Totals, per-day incident deaths, conflicting claims and running totals for a filter."""
    scope = prepare_incident_groups(source, flt)
    memory = load_page_memory(source)
    out = None
    if (memory is not None and scope.split_where is not None and casualty_cells.applies(flt)
            and memory.has("cells")):
        out = casualty_cells.query_summary_rows(source, memory, scope, flt, max_conflicts)
    if out is None and scope.split_where is not None:  # linked by stored ids: shared incidents apart
        out = run_event_sql(source, summary_sql(scope.split_where),
                            summary_params(scope.victim_params, scope.split_params, max_conflicts))
    if scope.split_where is not None:
        picked = out.loc[out["kind"] == "pick", "reports"].astype("int64").tolist()
        out = out[out["kind"] != "pick"].copy()
        claims = _query_claims(source, scope, picked, max_conflicts) if picked else None
    else:
        out = run_event_sql(source, _summary_sql(scope.ctes), [*scope.params, max_conflicts])
        claims = None
    out["day"] = pd.to_datetime(out["day"])
    if claims is None:
        claims = out[out["kind"] == "claim"]
    else:
        claims["day"] = pd.to_datetime(claims["day"])
    totals = out[(out["kind"] == "total") & (out["incidents"] > 0)]  # no reports: no grand total
    totals = totals[["dim", "label", "low", "high", "incidents", "reports"]]
    totals = totals.sort_values(["dim", "low", "high", "label"], ascending=[True, False, False, True])
    daily = out[out["kind"] == "daily"][["day", "low", "high", "incidents"]].sort_values("day")
    conflicts = _assemble_conflicts(claims)
    return CasualtySummary(totals.reset_index(drop=True), daily.reset_index(drop=True),
                           conflicts.reset_index(drop=True), query_running_totals(source, flt, memory=memory),
                           scope.notes)


def query_running_totals(source: EventSource, flt: EventFilter | None = None, limit: int = 500,
                         memory: PageMemory | None = None) -> pd.DataFrame:
    """Running totals with deaths (cumulative tallies), oldest first: shown, never added. From
    the page's tables in `memory` when they hold them (page_memory), else the store."""
    out = None if memory is None else query_running_rows(memory, flt, limit)
    if out is None:
        out = _query_running_rows(source, flt, limit)
    out["event_date"] = pd.to_datetime(out["event_date"])
    out.insert(4, "victim_group", map_victim_groups(out["victims"]))
    return out


def _query_running_rows(source: EventSource, flt: EventFilter | None, limit: int) -> pd.DataFrame:
    where, params = compute_where(flt or EventFilter())
    # their ids first, then their columns by id: the few running totals are spread over the
    # whole table, and reading their text with the scan decompressed it nearly all (at ten
    # million events 0.13 s of CPU, by id 0.08 s)
    ids = run_event_sql(source, f"""SELECT event_id FROM {notable_table(source)} WHERE {where}
        AND coalesce(is_running_total, false) AND fatalities IS NOT NULL
        ORDER BY event_date, event_id LIMIT ?""", [*params, limit])["event_id"].tolist()
    marks = ", ".join("?" for _ in ids) or "NULL"
    sql = f"""SELECT {', '.join(RUNNING_COLUMNS)} FROM events WHERE event_id IN ({marks})
        ORDER BY event_date, event_id"""
    return run_event_sql(source, sql, ids)


def _newest_floors(source: EventSource) -> list[dt.date]:
    """The days of the store's _NEWEST_RANKS-th newest reports with deaths, newest first (kept
    per data version; none on a frame)."""
    days = query_store_ranks(source, "event_date", "fatalities IS NOT NULL AND event_date IS NOT NULL",
                             _NEWEST_RANKS)
    return sorted({pd.Timestamp(d).date() for d in days}, reverse=True)


def _newest_ids(source: EventSource, flt: EventFilter | None, where: str, params: list[Any],
                limit: int) -> list[str]:
    """The ids of the `limit` newest reports with deaths matching the filter (undated last), in
    the export's order."""
    # If `limit` matching reports fall on or after a floor day (the store's 30,000th newest
    # report), they are the newest, and `event_date >= ?` as a parameter is a plain column filter
    # the scan applies before the filter's text columns: one query of 40 ms at ten million events
    # (30 Nov 2026, load 2.3) where the cut-off day and then the ids took 65 + 52 ms.
    date_to = flt.date_to if flt is not None else None
    for floor in _newest_floors(source):
        if date_to is not None and date_to < floor:
            continue  # nothing matches on or after it
        ids = run_event_sql(source, f"""SELECT event_id FROM events WHERE {where}
              AND fatalities IS NOT NULL AND event_date >= ? ORDER BY event_date DESC, event_id
              LIMIT ?""", [*params, floor, limit])["event_id"].tolist()
        if len(ids) == limit:
            return ids
    # else find the cut-off day first, so only the newest rows' text columns are read
    cut = run_event_sql(source, f"""SELECT max(event_date) AS cut
        FROM (SELECT event_date FROM events WHERE {where} AND fatalities IS NOT NULL
          AND event_date IS NOT NULL ORDER BY event_date DESC LIMIT 1 OFFSET ?) AS c""",
                        [*params, limit - 1])["cut"].iloc[0]
    # fewer dated reports than the limit: all of them, then the undated ones (as the export)
    day = ("event_date >= ?" if pd.notna(cut) else "(event_date >= ? OR event_date IS NULL)")
    cut = pd.Timestamp(cut).date() if pd.notna(cut) else dt.date(1, 1, 1)
    # as its own query, the day is a constant the scan filters on; then the newest rows' ids
    # alone, and their columns by id (the store's key reads just those rows: at ten million
    # events 0.09 s where reading the text of every row on or after the day took 0.15 s)
    return run_event_sql(source, f"""SELECT event_id FROM events WHERE {where}
          AND fatalities IS NOT NULL AND {day} ORDER BY event_date DESC NULLS LAST, event_id
          LIMIT ?""", [*params, cut, limit])["event_id"].tolist()


def query_casualty_reports(source: EventSource, flt: EventFilter | None = None,
                           limit: int | None = 1000) -> pd.DataFrame:
    """The reports with deaths behind the figures (running totals included, flagged), newest
    first: the table's columns, or every event column when `limit` is None (the CSV export)."""
    where, params = compute_where(flt or EventFilter())
    if limit is None:
        out = run_event_sql(source, f"SELECT * FROM events WHERE {where} AND fatalities IS NOT NULL "
                                    "ORDER BY event_date DESC NULLS LAST, event_id", params)
    else:
        memory = load_page_memory(source)
        out = None if memory is None else query_newest_rows(memory, flt, int(limit))
        if out is None:
            out = query_rows_by_id(source, _newest_ids(source, flt, where, params, int(limit)), TABLE_COLUMNS)
    out.insert(0, "victim_group", map_victim_groups(out["victims"]))
    return out


def compute_cumulative(daily: pd.DataFrame) -> pd.DataFrame:
    """Cumulative incident deaths (low and high) per day, in date order."""
    frame = daily.sort_values("day")
    return pd.DataFrame({"day": frame["day"].to_numpy(), "low": frame["low"].cumsum().to_numpy(),
                         "high": frame["high"].cumsum().to_numpy()})


def compute_claims_table(conflicts: pd.DataFrame) -> pd.DataFrame:
    """Conflicting claims for display: each source's figure side by side in one row."""
    def fmt(claims: Any) -> str:
        parts = []
        for c in list(claims):
            figure = f"{c['low']}" if c["high"] in (None, c["low"]) else f"{c['low']}–{c['high']}"
            parts.append(f"{c['claimant']}: {figure}")
        return "  ·  ".join(parts)

    return pd.DataFrame({
        "Date": pd.to_datetime(conflicts["first_day"]).dt.strftime("%Y-%m-%d"),
        "Place": conflicts["location"].fillna("—"),
        "Victims": conflicts["victim_group"] + " (" + conflicts["nationality"].fillna("?") + ")",
        "Claims (source: deaths)": conflicts["claims"].map(fmt),
        "Counted (lowest)": conflicts["low"].astype(int),
        "Highest": conflicts["high"].astype(int),
    })


def compute_totals_table(totals: pd.DataFrame, dim: str) -> pd.DataFrame:
    """One dimension's totals as display rows with a 'low–high' range column."""
    part = totals[totals["dim"] == dim]
    return pd.DataFrame({
        "Group": part["label"].to_numpy(),
        "Deaths (range)": [f"{int(lo):,}–{int(hi):,}" if hi != lo else f"{int(lo):,}"
                           for lo, hi in zip(part["low"], part["high"], strict=False)],
        "Low": part["low"].astype(int).to_numpy(), "High": part["high"].astype(int).to_numpy(),
        "Incidents": part["incidents"].astype(int).to_numpy(),
    })
