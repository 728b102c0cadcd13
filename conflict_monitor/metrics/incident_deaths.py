"""The one definition of deaths per incident, shared by the Overview and the Casualties page.

A report's deaths belong to an incident (its incident_id; reports without one are linked on the
fly when few, else stand alone) and to a group of victims (victim group and nationality, read
from the victims text). A report that does not say who died (ACLED and UCDP rows rarely do)
joins the victims the other reports of its incident name, when they name one group: otherwise
the incident's deaths would count once per group ("Turkish soldiers" and "unspecified").
Reports of the same incident and the same victims are grouped; each
group counts with its LOWEST reported figure and the highest report is the top of the range,
as ACLED does (ACLED Codebook: where reports disagree, the most conservative fatality
estimate is coded). Running totals ("more than 380 since December") are tallies over many
incidents and are never added. Both pages build their SQL from incident_groups_sql, so their
totals agree under every filter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from conflict_monitor.metrics.event_sql import NOT_RUNNING, EventSource, array_param, run_event_sql
from conflict_monitor.model.filters import EventFilter, compute_where
from conflict_monitor.model.victims import compute_victim_map
from conflict_monitor.store.linking import LINK_COLUMNS, compute_incident_ids

LINK_LIMIT = 5000  # link reports on the fly (python) only up to this many; beyond, by incident_id
# The pages' queries for reports linked by incident_id (incident_split): single reports
# aggregated straight from the scan, only shared incidents grouped. False runs the one-CTE
# formulation below instead (the tests' reference).
SPLIT_QUERIES = True
# Up to this many distinct victims texts, the store's whole list maps any filter's (see
# query_store_victim_values); beyond, each filter reads its own (the map travels as a parameter).
VICTIM_TEXTS_MAX = 20_000
FATAL = f"fatalities IS NOT NULL AND {NOT_RUNNING}"


@dataclass
class IncidentScope:
    """The CTEs `reports` (one row per report with deaths) and `groups` (one per incident and
    victims) for one filter, with their parameters, ready to prefix a query."""

    ctes: str
    params: list[Any]
    notes: list[str] = field(default_factory=list)
    # When set, the pages run incident_split's queries instead of the CTEs: the filter (alias
    # `e`), its params and the victims map arrays (3).
    split_where: str | None = None
    split_params: list[Any] = field(default_factory=list)
    victim_params: list[Any] = field(default_factory=list)


def query_victim_values(source: EventSource, flt: EventFilter | None = None) -> pd.DataFrame:
    """Distinct victims texts of the filtered reports with deaths (not running totals), with
    counts of reports and of reports without an incident_id."""
    where, params = compute_where(flt or EventFilter())
    sql = f"""SELECT victims, count(*) AS reports,
        count(*) FILTER (WHERE incident_id IS NULL) AS unlinked
        FROM events WHERE {where} AND {FATAL} GROUP BY victims"""
    return run_event_sql(source, sql, params)


def _link_reports(source: EventSource, flt: EventFilter | None) -> tuple[list[str], list[str]]:
    """Incident ids for every report with deaths, linked with compute_incident_ids."""
    where, params = compute_where(flt or EventFilter())
    rows = run_event_sql(source, f"SELECT {', '.join(LINK_COLUMNS)} FROM events WHERE {where} AND {FATAL}",
                         params)
    # object dtype: incidents.compute_incident_ids expects None (not NaN) for a missing id
    ids = compute_incident_ids(rows.astype({"incident_id": object}).where(rows.notna(), None))
    return rows["event_id"].astype(str).tolist(), ids.astype(str).tolist()


def incident_groups_sql(where: str, linked: bool, split: bool = True) -> str:
    """The CTEs; params: the victims map arrays (3), the link arrays (2, if linked), then the
    where params (for the alias `e`).

    A report alone in its incident (the store's incident_reports, incident_counts) is its own
    group: it is not grouped or joined by incident at all (`single`), which at ten million
    reports is most of the work; only the reports of shared incidents are. When reports are
    linked on the fly (`linked`), the store's counts do not apply and every report is grouped
    (as with split=False: the plain formulation, which the tests compare against)."""
    unnest = "unnest(CAST(? AS VARCHAR[]))"
    link_cte = f", lmap AS (SELECT {unnest} AS event_id, {unnest} AS incident)"
    incident = "coalesce(l.incident, e.incident_id, e.event_id)" if linked else \
        "coalesce(e.incident_id, e.event_id)"
    single = "coalesce(e.incident_reports, 1) <= 1" if split and not linked else "FALSE"
    return f"""WITH vmap AS (SELECT {unnest} AS victims, {unnest} AS victim_group,
          {unnest} AS nat){link_cte if linked else ''},
        coded AS (SELECT {incident} AS incident, {single} AS single, e.event_date, e.location,
          coalesce(e.actor1, 'unknown') AS actor1,
          coalesce(m.victim_group, 'unspecified') AS victim_group,
          coalesce(m.nat, CASE WHEN m.victim_group = 'civilians' THEN e.country ELSE e.actor2_country END,
                   'unknown') AS nationality,
          coalesce(e.reported_by, e.source, 'unknown') AS claimant, e.source_url,
          e.fatalities AS low, coalesce(e.fatalities_high, e.fatalities) AS high
          FROM events e LEFT JOIN vmap m ON e.victims = m.victims
          {'LEFT JOIN lmap l ON e.event_id = l.event_id' if linked else ''}
          WHERE {where} AND e.fatalities IS NOT NULL AND NOT coalesce(e.is_running_total, false)),
        known AS (SELECT incident, min(victim_group) AS victim_group, min(nationality) AS nationality
          FROM coded WHERE NOT single AND victim_group <> 'unspecified' GROUP BY incident
          HAVING count(DISTINCT victim_group || '|' || nationality) = 1),
        reports AS (SELECT incident, single, event_date, location, actor1, victim_group,
            nationality, claimant, source_url, low, high FROM coded WHERE single
          UNION ALL SELECT c.incident, c.single, c.event_date, c.location, c.actor1,
          CASE WHEN c.victim_group = 'unspecified' AND k.incident IS NOT NULL THEN k.victim_group
               ELSE c.victim_group END AS victim_group,
          CASE WHEN c.victim_group = 'unspecified' AND k.incident IS NOT NULL THEN k.nationality
               ELSE c.nationality END AS nationality,
          c.claimant, c.source_url, c.low, c.high
          FROM coded c LEFT JOIN known k ON c.incident = k.incident WHERE NOT c.single),
        groups AS (SELECT incident, victim_group, nationality, low, high, low AS max_low,
            high AS min_high, 1 AS reports, actor1, event_date AS first_day FROM reports WHERE single
          UNION ALL SELECT incident, victim_group, nationality, min(low) AS low, max(high) AS high,
          max(low) AS max_low, min(high) AS min_high, count(*) AS reports, min(actor1) AS actor1,
          min(event_date) AS first_day FROM reports WHERE NOT single
          GROUP BY incident, victim_group, nationality)"""


def query_store_victim_values(source: EventSource) -> pd.DataFrame | None:
    """The whole store's victims texts of reports with deaths and how many of those reports
    lack an incident id, kept by the store per data version, when the texts are few
    (VICTIM_TEXTS_MAX): the victims map of every text serves any filter (each text maps on its
    own), so a filter change need not scan for its texts (~0.4 s at ten million events). None
    beyond, and for a DataFrame."""
    if isinstance(source, pd.DataFrame):
        return None
    values = source.query_sql_per_version(
        f"SELECT victims, count(*) FILTER (WHERE incident_id IS NULL) AS unlinked FROM events "
        f"WHERE {FATAL} GROUP BY victims")
    return None if len(values) > VICTIM_TEXTS_MAX else values


def victim_params(texts: pd.Series) -> list[Any]:
    """The victims map of these texts as the queries' three array parameters."""
    vmap = compute_victim_map(texts)
    return [array_param(vmap[c].tolist()) for c in ("victims", "victim_group", "nationality")]


def prepare_incident_groups(source: EventSource, flt: EventFilter | None = None) -> IncidentScope:
    """Read the victims texts (and link unlinked reports when few) for `flt`; the CTEs and params."""
    where, wparams = compute_where(flt or EventFilter(), "e")
    values = query_store_victim_values(source)
    if values is not None and not int(values["unlinked"].sum()):
        # every report has an incident id: nothing to link or note
        params = victim_params(values["victims"])
        return IncidentScope(incident_groups_sql(where, False), [*params, *wparams], [],
                             where if SPLIT_QUERIES else None, wparams, params)
    if values is not None:  # the store's texts; only this filter's counts (by the number key)
        counts = run_event_sql(source, f"SELECT count(*) AS reports, count(e.incident_key) AS keyed "
                                       f"FROM events e WHERE {where} AND e.{FATAL}", wparams)
        reports = int(counts["reports"].iloc[0])
        unlinked = reports - int(counts["keyed"].iloc[0])
    else:
        values = query_victim_values(source, flt)
        reports, unlinked = int(values["reports"].sum()), int(values["unlinked"].sum())
    params: list[Any] = victim_params(values["victims"])
    notes: list[str] = []
    linked = 0 < unlinked and reports <= LINK_LIMIT
    if linked:
        params += list(_link_reports(source, flt))
    elif unlinked:
        notes.append(f"{unlinked:,} reports without an incident id count as incidents of their own "
                     f"(more than {LINK_LIMIT:,} reports: link them when importing).")
    split = SPLIT_QUERIES and not linked
    return IncidentScope(incident_groups_sql(where, linked), [*params, *wparams], notes,
                         where if split else None, wparams, params[:3])
