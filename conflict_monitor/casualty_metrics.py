"""Casualty figures: ranges by victim group, actor, nationality and source; conflicting claims;
running totals kept apart; cumulative deaths.

Rules (ACLED's fatality methodology): reports of one incident are grouped (its incident_id,
else conflict_monitor.incidents.compute_incident_ids; the victims - group and nationality -
must also match) and the incident counts with the LOWEST reported figure; the highest report
(or the high end of a stated range) is the top of the range. Running totals ("more than 380
civilians since December") are cumulative tallies: listed separately, never added.

Aggregation runs in SQL over the store, or over a DataFrame via timeline_metrics.run_event_sql.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from conflict_monitor.filters import EventFilter, compute_where
from conflict_monitor.incidents import compute_incident_ids
from conflict_monitor.timeline_metrics import NOT_RUNNING, EventSource, run_event_sql

LINK_LIMIT = 5000  # link reports on the fly (python) only up to this many; beyond, by incident_id
VICTIM_GROUPS: tuple[str, ...] = ("civilians", "soldiers", "fighters", "unspecified")
_GROUP_WORDS: dict[str, tuple[str, ...]] = {
    "civilians": ("civilian", "child", "children", "women", "woman", "resident", "people",
                  "famil", "journalist", "aid worker", "medic", "doctor", "student", "refugee",
                  "displaced", "villager", "worshipper", "farmer", "contractor"),
    "soldiers": ("soldier", "troop", "servicem", "military personnel", "officer", "army",
                 "conscript", "police", "security forces", "gendarme", "marine", "personnel"),
    "fighters": ("fighter", "rebel", "militant", "jihadist", "insurgent", "combatant", "militia",
                 "gunm", "hts", "opposition", "terrorist", "mercenar", "jihadi"),
}
_NATIONALITY_WORDS: dict[str, str] = {
    "turkish": "TUR", "turks": "TUR", "turk": "TUR", "syrian": "SYR", "russian": "RUS",
    "iranian": "IRN", "american": "USA", "u.s.": "USA", "lebanese": "LBN", "iraqi": "IRQ",
    "israeli": "ISR", "ukrainian": "UKR", "sudanese": "SDN", "palestinian": "PSE",
    "afghan": "AFG", "pakistani": "PAK", "yemeni": "YEM", "saudi": "SAU", "french": "FRA",
    "british": "GBR", "german": "DEU",
}
_WORD_RE = re.compile(r"[a-z][a-z.\-']*")


def normalise_victim_group(text: Any) -> str:
    """civilians | soldiers | fighters | unspecified, from free text: the group whose key word
    comes first wins ("Turkish soldiers and a civilian contractor" -> soldiers)."""
    if not isinstance(text, str) or not text.strip():
        return "unspecified"
    lowered = text.lower()
    best, best_pos = "unspecified", len(lowered) + 1
    for group, words in _GROUP_WORDS.items():
        for word in words:
            match = re.search(r"(?<![a-z])" + re.escape(word), lowered)
            if match and match.start() < best_pos:
                best, best_pos = group, match.start()
    return best


def victim_nationality(text: Any) -> str | None:
    """ISO3 of the first nationality word in the victims text, else None."""
    if not isinstance(text, str):
        return None
    for word in _WORD_RE.findall(text.lower()):
        if word in _NATIONALITY_WORDS:
            return _NATIONALITY_WORDS[word]
    return None


def compute_victim_map(values: Any) -> pd.DataFrame:
    """One row per distinct victims text: its victim_group and nationality (ISO3 or None)."""
    texts = [v for v in pd.Series(values, dtype="object").dropna().unique()]
    return pd.DataFrame({"victims": texts, "victim_group": [normalise_victim_group(t) for t in texts],
                         "nationality": [victim_nationality(t) for t in texts]},
                        columns=["victims", "victim_group", "nationality"])


@dataclass
class CasualtySummary:
    """Everything the Casualties page shows, computed for one filter."""

    totals: pd.DataFrame      # dim (all|victim_group|actor1|nationality|claimant), label, low, high, incidents, reports
    daily: pd.DataFrame       # day, low, high (incidents counted on their first day)
    conflicts: pd.DataFrame   # one row per incident-victims group whose reports disagree, with claims
    running: pd.DataFrame     # running totals, never added
    notes: list[str] = field(default_factory=list)


_FATAL = f"fatalities IS NOT NULL AND {NOT_RUNNING}"
_TABLE_COLS = ("event_id", "event_date", "action", "actor1", "actor2", "location", "fatalities",
               "fatalities_high", "victims", "reported_by", "source", "source_url", "evidence", "origin",
               "event_type", "country", "date_precision", "incident_id", "is_running_total")
_LINK_COLS = ("event_id", "event_date", "date_precision", "action", "actor1", "actor2", "location",
              "latitude", "longitude", "incident_id", "is_running_total")


def query_victim_values(source: EventSource, flt: EventFilter | None = None) -> pd.DataFrame:
    """Distinct victims texts of the filtered reports with deaths (not running totals), with
    counts of reports and of reports without an incident_id."""
    where, params = compute_where(flt or EventFilter())
    sql = f"""SELECT victims, count(*) AS reports, count(*) FILTER (WHERE incident_id IS NULL) AS unlinked
        FROM events WHERE {where} AND {_FATAL} GROUP BY victims"""
    return run_event_sql(source, sql, params, flt)


def _reports_sql(where: str, linked: bool) -> str:
    """The CTEs `reports` (one row per report with deaths) and `groups` (one per incident and
    victims); params: victims map lists (3), link lists (2, if linked), then the where params."""
    link_cte = ", lmap AS (SELECT unnest(?::VARCHAR[]) AS event_id, unnest(?::VARCHAR[]) AS incident)"
    return f"""WITH vmap AS (SELECT unnest(?::VARCHAR[]) AS victims, unnest(?::VARCHAR[]) AS victim_group,
          unnest(?::VARCHAR[]) AS nat){link_cte if linked else ''},
        reports AS (SELECT {'coalesce(l.incident, e.incident_id, e.event_id)' if linked else
                            'coalesce(e.incident_id, e.event_id)'} AS incident,
          e.event_date, e.location, coalesce(e.actor1, 'unknown') AS actor1,
          coalesce(m.victim_group, 'unspecified') AS victim_group,
          coalesce(m.nat, CASE WHEN m.victim_group = 'civilians' THEN e.country ELSE e.actor2_country END,
                   'unknown') AS nationality,
          coalesce(e.reported_by, e.source, 'unknown') AS claimant, e.source_url,
          e.fatalities AS low, coalesce(e.fatalities_high, e.fatalities) AS high
          FROM events e LEFT JOIN vmap m ON e.victims = m.victims
          {'LEFT JOIN lmap l ON e.event_id = l.event_id' if linked else ''}
          WHERE {where} AND e.fatalities IS NOT NULL AND NOT coalesce(e.is_running_total, false)),
        groups AS (SELECT incident, victim_group, nationality, min(low) AS low, max(high) AS high,
          max(low) AS max_low, min(high) AS min_high, count(*) AS reports, min(actor1) AS actor1,
          min(event_date) AS first_day FROM reports GROUP BY ALL)"""


def _link_reports(source: EventSource, flt: EventFilter | None) -> tuple[list[str], list[str]]:
    """Incident ids for every report with deaths, linked with compute_incident_ids."""
    where, params = compute_where(flt or EventFilter())
    rows = run_event_sql(source, f"SELECT {', '.join(_LINK_COLS)} FROM events WHERE {where} AND {_FATAL}",
                         params, flt)
    # object dtype: incidents.compute_incident_ids expects None (not NaN) for a missing id
    ids = compute_incident_ids(rows.astype({"incident_id": object}).where(rows.notna(), None))
    return rows["event_id"].astype(str).tolist(), ids.astype(str).tolist()


def query_casualty_summary(source: EventSource, flt: EventFilter | None = None,
                           max_conflicts: int = 200) -> CasualtySummary:
    """Totals, per-day incident deaths, conflicting claims and running totals for a filter."""
    where, wparams = compute_where(flt or EventFilter(), "e")
    values = query_victim_values(source, flt)
    vmap = compute_victim_map(values["victims"])
    params: list[Any] = [[None if pd.isna(v) else str(v) for v in vmap[c]]
                         for c in ("victims", "victim_group", "nationality")]
    notes: list[str] = []
    reports, unlinked = int(values["reports"].sum()), int(values["unlinked"].sum())
    linked = 0 < unlinked and reports <= LINK_LIMIT
    if linked:
        params += list(_link_reports(source, flt))
    elif unlinked:
        notes.append(f"{unlinked:,} reports without an incident id count as incidents of their own "
                     f"(more than {LINK_LIMIT:,} reports: link them when importing).")
    sql = _reports_sql(where, linked) + f""",
        top AS (SELECT * FROM groups WHERE reports > 1 AND (max_low > low OR high > min_high)
          ORDER BY high DESC, first_day, incident LIMIT ?)
        SELECT 'total' AS kind, CASE WHEN GROUPING(victim_group) = 0 THEN 'victim_group'
            WHEN GROUPING(actor1) = 0 THEN 'actor1' WHEN GROUPING(nationality) = 0 THEN 'nationality'
            ELSE 'all' END AS dim, coalesce(victim_group, actor1, nationality, 'all') AS label,
          NULL::DATE AS day, sum(low) AS low, sum(high) AS high, count(*) AS incidents,
          sum(reports) AS reports, NULL AS location, NULL AS claims
          FROM groups GROUP BY GROUPING SETS ((victim_group), (actor1), (nationality), ())
        UNION ALL SELECT 'total', 'claimant', claimant, NULL, sum(low), sum(high), count(*), sum(n),
          NULL, NULL FROM (SELECT claimant, incident, victim_group, nationality, min(low) AS low,
          max(high) AS high, count(*) AS n FROM reports GROUP BY ALL) GROUP BY claimant
        UNION ALL SELECT 'daily', NULL, NULL, first_day, sum(low), sum(high), count(*), sum(reports),
          NULL, NULL FROM groups GROUP BY first_day
        UNION ALL SELECT 'conflict', t.victim_group || '|' || t.nationality, any_value(t.incident),
          any_value(t.first_day), any_value(t.low), any_value(t.high), 1, any_value(t.reports),
          min(r.location), list({{'claimant': r.claimant, 'low': r.low, 'high': r.high,
          'source_url': r.source_url}} ORDER BY r.low, r.high, r.claimant)
          FROM top t JOIN reports r USING (incident, victim_group, nationality)
          GROUP BY t.incident, t.victim_group, t.nationality"""
    out = run_event_sql(source, sql, [*params, *wparams, max_conflicts], flt)
    out["day"] = pd.to_datetime(out["day"])
    totals = out[(out["kind"] == "total") & (out["incidents"] > 0)]  # no reports: no grand total
    totals = totals[["dim", "label", "low", "high", "incidents", "reports"]]
    totals = totals.sort_values(["dim", "low", "high", "label"], ascending=[True, False, False, True])
    daily = out[out["kind"] == "daily"][["day", "low", "high", "incidents"]].sort_values("day")
    conflicts = out[out["kind"] == "conflict"].rename(columns={"label": "incident", "day": "first_day"})
    conflicts[["victim_group", "nationality"]] = conflicts["dim"].str.split("|", n=1, expand=True) \
        if len(conflicts) else pd.DataFrame(columns=["victim_group", "nationality"])
    conflicts = conflicts[["incident", "first_day", "location", "victim_group", "nationality", "low",
                           "high", "reports", "claims"]].sort_values(["high", "first_day"], ascending=[False, True])
    return CasualtySummary(totals.reset_index(drop=True), daily.reset_index(drop=True),
                           conflicts.reset_index(drop=True), query_running_totals(source, flt), notes)


def query_running_totals(source: EventSource, flt: EventFilter | None = None,
                         limit: int = 500) -> pd.DataFrame:
    """Running totals with deaths (cumulative tallies), oldest first: shown, never added."""
    where, params = compute_where(flt or EventFilter())
    sql = f"""SELECT event_date, period_start, location, victims, fatalities AS low,
        coalesce(fatalities_high, fatalities) AS high, fatalities_qualifier,
        coalesce(reported_by, source) AS claimant, source, origin, source_url, evidence
        FROM events WHERE {where} AND coalesce(is_running_total, false) AND fatalities IS NOT NULL
        ORDER BY event_date, event_id LIMIT ?"""
    out = run_event_sql(source, sql, [*params, limit], flt)
    out["event_date"] = pd.to_datetime(out["event_date"])
    out.insert(4, "victim_group", out["victims"].map(normalise_victim_group))
    return out


def query_casualty_reports(source: EventSource, flt: EventFilter | None = None,
                           limit: int | None = 1000) -> pd.DataFrame:
    """The reports with deaths behind the figures (running totals included, flagged), newest
    first: the table's columns, or every event column when `limit` is None (the CSV export)."""
    where, params = compute_where(flt or EventFilter())
    if limit is None:
        sql = f"SELECT * FROM events WHERE {where} AND fatalities IS NOT NULL ORDER BY event_date DESC, event_id"
    else:  # find the cut-off day first, so only the newest rows' text columns are read
        sql = f"""WITH cut AS (SELECT event_date FROM events WHERE {where} AND fatalities IS NOT NULL
              ORDER BY event_date DESC LIMIT 1 OFFSET ?)
            SELECT {', '.join(_TABLE_COLS)} FROM events WHERE {where} AND fatalities IS NOT NULL
              AND event_date >= (SELECT coalesce(max(event_date), DATE '0001-01-01') FROM cut)
            ORDER BY event_date DESC, event_id LIMIT ?"""
        params = [*params, int(limit) - 1, *params, int(limit)]
    out = run_event_sql(source, sql, params, flt)
    out.insert(0, "victim_group", out["victims"].map(normalise_victim_group))
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
                           for lo, hi in zip(part["low"], part["high"])],
        "Low": part["low"].astype(int).to_numpy(), "High": part["high"].astype(int).to_numpy(),
        "Incidents": part["incidents"].astype(int).to_numpy(),
    })
