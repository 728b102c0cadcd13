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
# A report's victims and nationality, as incident_deaths codes them (victims map m; the
# report's columns under alias `e`, or a row of them grouped, under another).
_VICTIM_GROUP = "coalesce(m.victim_group, 'unspecified')"
_NAT = ("coalesce(m.nat, CASE WHEN m.victim_group = 'civilians' THEN {a}.country "
        "ELSE {a}.actor2_country END, 'unknown')")
_NATIONALITY = _NAT.format(a="e")
_CLAIMANT = "coalesce(e.reported_by, e.source, 'unknown')"
_SINGLE = "coalesce(e.incident_reports, 1) <= 1"
_DEATHS = "e.fatalities IS NOT NULL AND NOT coalesce(e.is_running_total, false)"


def _shared_ctes(where: str, extra: str = "") -> str:
    """CTEs `shared` (the filtered reports with deaths of shared incidents, `extra` columns
    added), `known` (an incident's one named victims group), `reports` (victims filled in from
    `known` as incident_deaths does) and `groups` (one row per incident and victims).
    Incidents are grouped by the store's incident_key (a number per incident_id,
    incident_counts), so no text longer than a label is read for these rows. `known`: one
    distinct (group, nationality) pair is the same as min = max of each (neither is null)."""
    return f"""shared AS (SELECT e.incident_key AS ikey, e.event_date, coalesce(e.actor1, 'unknown')
            AS actor1, {_VICTIM_GROUP} AS victim_group, {_NATIONALITY} AS nationality,
            e.fatalities AS low, coalesce(e.fatalities_high, e.fatalities) AS high{extra}
          FROM events e LEFT JOIN vmap m ON e.victims = m.victims
          WHERE {where} AND {_DEATHS} AND e.incident_reports > 1),
        known AS (SELECT ikey, min(victim_group) AS victim_group, min(nationality) AS nationality
          FROM shared WHERE victim_group <> 'unspecified' GROUP BY ikey
          HAVING min(victim_group) = max(victim_group) AND min(nationality) = max(nationality)),
        reports AS (SELECT s.*,
          CASE WHEN s.victim_group = 'unspecified' AND k.ikey IS NOT NULL THEN k.victim_group
               ELSE s.victim_group END AS vg,
          CASE WHEN s.victim_group = 'unspecified' AND k.ikey IS NOT NULL THEN k.nationality
               ELSE s.nationality END AS nat
          FROM shared s LEFT JOIN known k ON s.ikey = k.ikey),
        groups AS (SELECT ikey, vg AS victim_group, nat AS nationality, min(low) AS low,
          max(high) AS high, max(low) AS max_low, min(high) AS min_high, count(*) AS reports,
          min(actor1) AS actor1, min(event_date) AS first_day FROM reports GROUP BY ikey, vg, nat)"""


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
    summary_params.

    Single reports: one scan grouped by the raw columns the labels come from (victims with the
    two countries, actor1, reporter and source, day), labelled after aggregation, so the
    victims map joins a few dozen rows rather than every report. Shared incidents: grouped on
    integer keys; the text of a claim (incident_id, place, link) is read only for the incidents
    that can be among the top `n` conflicting groups (`pick`: up to the n-th group's
    (high, first_day), ties included), and the top n are then ordered as before."""
    grouped = ("GROUPING SETS ((e.victims, e.country, e.actor2_country), (e.actor1), "
               "(e.reported_by, e.source), (e.event_date), ())")
    return f"""WITH {VMAP},
        sraw AS (SELECT e.victims, e.country, e.actor2_country, e.actor1, e.reported_by, e.source,
            e.event_date AS day, GROUPING(e.victims) AS gv, GROUPING(e.actor1) AS ga,
            GROUPING(e.reported_by) AS gc, GROUPING(e.event_date) AS gd, sum(e.fatalities) AS low,
            sum(coalesce(e.fatalities_high, e.fatalities)) AS high, count(*) AS n
          FROM events e WHERE {where} AND {_DEATHS} AND {_SINGLE} GROUP BY {grouped}),
        {_shared_ctes(where, f", {_CLAIMANT} AS claimant")},
        cand AS (SELECT ikey, high, first_day FROM groups
          WHERE reports > 1 AND (max_low > low OR high > min_high)),
        cut AS (SELECT high, first_day FROM cand ORDER BY high DESC, first_day LIMIT 1 OFFSET ?),
        pick AS (SELECT DISTINCT ikey FROM cand WHERE NOT EXISTS (SELECT 1 FROM cut)
          OR EXISTS (SELECT 1 FROM cut WHERE cand.high > cut.high OR (cand.high = cut.high
            AND (cut.first_day IS NULL OR cand.first_day <= cut.first_day)))),
        claims AS (SELECT e.incident_key AS ikey, e.incident_id AS incident, e.location,
            {_CLAIMANT} AS claimant, e.source_url, e.fatalities AS low,
            coalesce(e.fatalities_high, e.fatalities) AS high, {_VICTIM_GROUP} AS victim_group,
            {_NATIONALITY} AS nationality
          FROM events e LEFT JOIN vmap m ON e.victims = m.victims
          WHERE {where} AND {_DEATHS} AND e.incident_reports > 1
            AND e.incident_key IN (SELECT ikey FROM pick)),
        claim_rows AS (SELECT c.ikey, c.incident, c.location, c.claimant, c.source_url, c.low, c.high,
          CASE WHEN c.victim_group = 'unspecified' AND k.ikey IS NOT NULL THEN k.victim_group
               ELSE c.victim_group END AS vg,
          CASE WHEN c.victim_group = 'unspecified' AND k.ikey IS NOT NULL THEN k.nationality
               ELSE c.nationality END AS nat
          FROM claims c LEFT JOIN known k ON c.ikey = k.ikey),
        top AS (SELECT g.ikey, i.incident, g.victim_group, g.nationality, g.low, g.high, g.first_day
          FROM groups g JOIN (SELECT DISTINCT ikey, incident FROM claims) AS i ON g.ikey = i.ikey
          WHERE g.reports > 1 AND (g.max_low > g.low OR g.high > g.min_high)
          ORDER BY g.high DESC, g.first_day, i.incident, g.victim_group, g.nationality LIMIT ?),
        parts AS (SELECT 'victim_group' AS dim, {_VICTIM_GROUP} AS label, CAST(NULL AS DATE) AS day,
            s.low, s.high, s.n AS incidents, s.n AS reports
            FROM sraw s LEFT JOIN vmap m ON s.victims = m.victims WHERE s.gv = 0
          UNION ALL SELECT 'nationality', {_NAT.format(a="s")}, NULL, s.low, s.high, s.n, s.n
            FROM sraw s LEFT JOIN vmap m ON s.victims = m.victims WHERE s.gv = 0
          UNION ALL SELECT 'actor1', coalesce(actor1, 'unknown'), NULL, low, high, n, n FROM sraw
            WHERE ga = 0
          UNION ALL SELECT 'claimant', coalesce(reported_by, source, 'unknown'), NULL, low, high, n, n
            FROM sraw WHERE gc = 0
          UNION ALL SELECT 'daily', NULL, day, low, high, n, n FROM sraw WHERE gd = 0
          UNION ALL SELECT 'all', NULL, NULL, low, high, n, n FROM sraw
            WHERE gv = 1 AND ga = 1 AND gc = 1 AND gd = 1
          UNION ALL SELECT CASE WHEN GROUPING(victim_group) = 0 THEN 'victim_group'
              WHEN GROUPING(actor1) = 0 THEN 'actor1' WHEN GROUPING(nationality) = 0 THEN 'nationality'
              WHEN GROUPING(first_day) = 0 THEN 'daily' ELSE 'all' END,
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
          FROM top t JOIN claim_rows r ON r.ikey = t.ikey AND r.vg = t.victim_group
          AND r.nat = t.nationality"""


def summary_params(victim_params: list, where_params: list, max_conflicts: int) -> list:
    """summary_sql's parameters, in the order its placeholders appear."""
    return [*victim_params, *where_params, *where_params, max(int(max_conflicts) - 1, 0),
            *where_params, int(max_conflicts)]
