"""The Overview's and Casualties page's death figures, with single reports never grouped.

incident_deaths defines the figures: reports of one incident and victims are grouped, each
group counts with its lowest report. Its CTEs carry every report with deaths through three
materialised steps (coded, reports, groups); at ten million events that is three million wide
rows, written to disk beyond the dashboard's 1 GB DuckDB allowance (13 s for one Casualties
query, measured 29 Nov 2026). Yet most reports are alone in their incident (the store's
incident_reports, incident_counts): such a report is its own group, so its deaths, its day and
its labels go straight into the sums. Here they are aggregated in the scan itself, and only
the reports of shared incidents (12 % of the synthetic store) are materialised, grouped and
added. The sums are integer sums of the same values, so the figures are exactly
incident_deaths' (tests/metrics/test_fast_paths.py compares them on random filters).

Used when reports are linked by their stored incident_id (not linked on the fly: there the
store's counts do not apply). Parameters of every query: the victims map arrays (3), then the
filter's parameters once per `{where}`, as each function says.
"""

from __future__ import annotations

_UNNEST = "unnest(CAST(? AS VARCHAR[]))"
VMAP = f"vmap AS (SELECT {_UNNEST} AS victims, {_UNNEST} AS victim_group, {_UNNEST} AS nat)"
# A report's victims and nationality, as incident_deaths codes them (alias e, victims map m).
_VICTIM_GROUP = "coalesce(m.victim_group, 'unspecified')"
_NATIONALITY = ("coalesce(m.nat, CASE WHEN m.victim_group = 'civilians' THEN e.country "
                "ELSE e.actor2_country END, 'unknown')")
_CLAIMANT = "coalesce(e.reported_by, e.source, 'unknown')"
_SINGLE = "coalesce(e.incident_reports, 1) <= 1"
_DEATHS = "e.fatalities IS NOT NULL AND NOT coalesce(e.is_running_total, false)"


def _shared_ctes(where: str, extra: str = "", with_id: bool = False) -> str:
    """CTEs `shared` (the filtered reports with deaths of shared incidents, `extra` columns
    added), `known` (an incident's one named victims group), `reports` (victims filled in from
    `known` as incident_deaths does) and `groups` (one row per incident and victims; with its
    incident_id as `incident` when `with_id`). Incidents are grouped by the store's
    incident_key (a number per incident_id, incident_counts)."""
    return f"""shared AS (SELECT e.incident_key AS ikey, e.event_date, coalesce(e.actor1, 'unknown')
            AS actor1, {_VICTIM_GROUP} AS victim_group, {_NATIONALITY} AS nationality,
            e.fatalities AS low, coalesce(e.fatalities_high, e.fatalities) AS high{extra}
          FROM events e LEFT JOIN vmap m ON e.victims = m.victims
          WHERE {where} AND {_DEATHS} AND e.incident_reports > 1),
        known AS (SELECT ikey, min(victim_group) AS victim_group, min(nationality) AS nationality
          FROM shared WHERE victim_group <> 'unspecified' GROUP BY ikey
          HAVING count(DISTINCT victim_group || '|' || nationality) = 1),
        reports AS (SELECT s.*,
          CASE WHEN s.victim_group = 'unspecified' AND k.ikey IS NOT NULL THEN k.victim_group
               ELSE s.victim_group END AS vg,
          CASE WHEN s.victim_group = 'unspecified' AND k.ikey IS NOT NULL THEN k.nationality
               ELSE s.nationality END AS nat
          FROM shared s LEFT JOIN known k ON s.ikey = k.ikey),
        groups AS (SELECT ikey, {"min(incident) AS incident, " if with_id else ""}vg AS victim_group,
          nat AS nationality, min(low) AS low, max(high) AS high, max(low) AS max_low,
          min(high) AS min_high, count(*) AS reports, min(actor1) AS actor1,
          min(event_date) AS first_day FROM reports GROUP BY ikey, vg, nat)"""


def key_figures_sql(where: str) -> str:
    """One row: events, incidents, low, high, running, actors, first_date, last_date, as
    key_figures.compute_key_figures defines them. Params: victims map (3), filter twice.

    One scan grouped by actor pair gives the counts, the date span, the distinct actors, the
    single reports' incidents and deaths; the shared incidents' reports are grouped apart."""
    not_running = "NOT coalesce(e.is_running_total, false)"
    return f"""WITH {VMAP},
        pairs AS (SELECT e.actor1, e.actor2, count(*) AS n,
            count(*) FILTER (WHERE coalesce(e.is_running_total, false)) AS running,
            min(e.event_date) AS first_date, max(e.event_date) AS last_date,
            count(*) FILTER (WHERE {_SINGLE} AND e.event_date IS NOT NULL AND {not_running}) AS inc,
            sum(e.fatalities) FILTER (WHERE {_SINGLE} AND {_DEATHS}) AS low,
            sum(coalesce(e.fatalities_high, e.fatalities)) FILTER (WHERE {_SINGLE} AND {_DEATHS}) AS high
          FROM events e WHERE {where} GROUP BY e.actor1, e.actor2),
        {_shared_ctes(where, "")},
        shared_inc AS (SELECT count(DISTINCT e.incident_key) AS inc FROM events e
          WHERE {where} AND e.incident_reports > 1 AND e.event_date IS NOT NULL AND {not_running}),
        fat AS (SELECT coalesce(sum(low), 0) AS low, coalesce(sum(high), 0) AS high FROM groups),
        stats AS (SELECT coalesce(sum(n), 0) AS events, coalesce(sum(running), 0) AS running,
          min(first_date) AS first_date, max(last_date) AS last_date, coalesce(sum(inc), 0) AS inc,
          coalesce(sum(low), 0) AS low, coalesce(sum(high), 0) AS high FROM pairs),
        actors AS (SELECT count(DISTINCT a) AS actors FROM (SELECT actor1 AS a FROM pairs
          UNION ALL SELECT actor2 AS a FROM pairs) AS u)
        SELECT stats.events, stats.inc + shared_inc.inc AS incidents, stats.low + fat.low AS low,
          stats.high + fat.high AS high, stats.running, actors.actors, stats.first_date,
          stats.last_date FROM stats, fat, actors, shared_inc"""


def summary_sql(where: str) -> str:
    """casualties._summary_sql's rows (kind total | daily | claim, same columns). Params:
    victims map (3), filter twice, then the number of conflicting groups to list."""
    labels = ("CASE WHEN GROUPING(victim_group) = 0 THEN 'victim_group' WHEN GROUPING(actor1) = 0 "
              "THEN 'actor1' WHEN GROUPING(nationality) = 0 THEN 'nationality' {more}ELSE 'all' END")
    return f"""WITH {VMAP},
        single AS (SELECT {labels.format(more="WHEN GROUPING(claimant) = 0 THEN 'claimant' "
                                              "WHEN GROUPING(day) = 0 THEN 'daily' ")} AS dim,
            coalesce(victim_group, actor1, nationality, claimant) AS label, day,
            sum(low) AS low, sum(high) AS high, count(*) AS incidents, count(*) AS reports
          FROM (SELECT e.event_date AS day, coalesce(e.actor1, 'unknown') AS actor1,
              {_VICTIM_GROUP} AS victim_group, {_NATIONALITY} AS nationality, {_CLAIMANT} AS claimant,
              e.fatalities AS low, coalesce(e.fatalities_high, e.fatalities) AS high
            FROM events e LEFT JOIN vmap m ON e.victims = m.victims
            WHERE {where} AND {_DEATHS} AND {_SINGLE}) AS s
          GROUP BY GROUPING SETS ((victim_group), (actor1), (nationality), (claimant), (day), ())),
        {_shared_ctes(where, f", e.incident_id AS incident, e.location, {_CLAIMANT} AS claimant, "
                             "e.source_url", with_id=True)},
        top AS (SELECT ikey, incident, victim_group, nationality, low, high, reports, first_day FROM groups
          WHERE reports > 1 AND (max_low > low OR high > min_high)
          ORDER BY high DESC, first_day, incident, victim_group, nationality LIMIT ?),
        parts AS (SELECT dim, label, day, low, high, incidents, reports FROM single
          UNION ALL SELECT {labels.format(more="WHEN GROUPING(first_day) = 0 THEN 'daily' ")},
            coalesce(victim_group, actor1, nationality), first_day, sum(low), sum(high), count(*),
            sum(reports) FROM groups
            GROUP BY GROUPING SETS ((victim_group), (actor1), (nationality), (first_day), ())
          UNION ALL SELECT 'claimant', claimant, CAST(NULL AS DATE), min(low), max(high), 1, count(*)
            FROM reports GROUP BY claimant, ikey, vg, nat)
        SELECT CASE WHEN dim = 'daily' THEN 'daily' ELSE 'total' END AS kind,
          CASE WHEN dim = 'daily' THEN NULL ELSE dim END AS dim,
          CASE WHEN dim = 'daily' THEN NULL ELSE coalesce(label, 'all') END AS label, day,
          sum(low) AS low, sum(high) AS high, sum(incidents) AS incidents, sum(reports) AS reports,
          CAST(NULL AS VARCHAR) AS location, CAST(NULL AS VARCHAR) AS incident,
          CAST(NULL AS VARCHAR) AS victim_group, CAST(NULL AS VARCHAR) AS nationality,
          CAST(NULL AS VARCHAR) AS claimant, CAST(NULL AS VARCHAR) AS source_url
          FROM parts GROUP BY dim, label, day
        UNION ALL SELECT 'claim', NULL, NULL, t.first_day, r.low, r.high, t.low, t.high, r.location,
          t.incident, t.victim_group, t.nationality, r.claimant, r.source_url
          FROM top t JOIN reports r ON r.ikey = t.ikey AND r.vg = t.victim_group
          AND r.nat = t.nationality"""
