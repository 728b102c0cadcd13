"""The Overview's and Casualties page's death figures, with single reports never grouped.

incident_deaths defines the figures: reports of one incident and victims are grouped, each
group counts with its lowest report. Its CTEs carry every report with deaths through three
materialised steps (coded, reports, groups); at ten million events that is three million wide
rows, written to disk beyond the dashboard's 1 GB DuckDB allowance (13 s for one Casualties
query, measured 29 Nov 2026). Yet most reports are alone in their incident (the store's
incident_reports, incident_counts): such a report is its own group, so its deaths, its day and
its labels go straight into the sums. Here they are aggregated in the scan itself, by the raw
columns the labels come from; only the reports of shared incidents (12 % of the synthetic
store) are grouped, by incident number and numbered victims, and added; the text of the
conflicting claims is read last, by event id, for the few incidents shown. The sums are
integer sums of the same values, so the figures are exactly incident_deaths'
(tests/metrics/test_fast_paths.py compares them on random filters).

Used when reports are linked by their stored incident_id (not linked on the fly: there the
store's counts do not apply). Parameters: as each function says.
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


def _shared_ctes(where: str, extra: str = "", detail: bool = True, rows: str | None = None,
                 every: bool = False) -> str:
    """CTEs over the filtered reports with deaths of shared incidents (or the reports `rows`
    selects: see claims_sql; or with `every`, all their reports that are not running totals,
    those without deaths left out of the groups), `shared`: each with its victims as a number
    `pc` (`vpairs`: few) and `extra` columns: `ik` and `incidents` (one row per incident;
    `whole` when its reports make one victims group, with that group's figures; with `every`,
    `dated`: how many of its reports have a date), `split` (the reports with deaths of the
    other incidents) and `groups` (one row per incident and victims). Without `detail`,
    `groups` has only the incident key, victims, low and high.

    incident_deaths groups an incident's reports by victims after filling in a report that
    names none with the one group the others name (its `known`). So an incident whose named
    reports name one (group, nationality) pair is one group; so is one whose reports all name
    none and share a nationality; only the reports of the others are grouped by victims. One
    pass, grouped by the store's incident_key (a number per incident_id, incident_counts) with
    the pairs numbered, does the common case, on numbers rather than text."""
    more = ("max(low) AS max_low, min(high) AS min_high, count(*) AS reports, min(actor1) AS actor1, "
            "min(event_date) AS first_day, ") if detail else ""
    cols = "low, high, max_low, min_high, reports, actor1, first_day" if detail else "low, high"
    split_more = ", max(low), min(high), count(*), min(actor1), min(event_date)" if detail else ""
    dead = "CASE WHEN e.fatalities IS NOT NULL THEN {} END" if every else "{}"
    rows = rows or (f"{where} AND NOT coalesce(e.is_running_total, false) AND e.incident_reports > 1"
                    if every else f"{where} AND {_DEATHS} AND e.incident_reports > 1")
    return f"""coded AS (SELECT e.incident_key AS ikey, e.event_date, coalesce(e.actor1, 'unknown')
            AS actor1, {dead.format(_VICTIM_GROUP)} AS victim_group,
            {dead.format(_NATIONALITY)} AS nationality, e.fatalities AS low,
            {dead.format("coalesce(e.fatalities_high, e.fatalities)")} AS high{extra}
          FROM events e LEFT JOIN vmap m ON e.victims = m.victims WHERE {rows}),
        vpairs AS (SELECT victim_group, nationality, victim_group <> 'unspecified' AS named,
            row_number() OVER (ORDER BY victim_group, nationality) AS pc
          FROM (SELECT DISTINCT victim_group, nationality FROM coded
            WHERE victim_group IS NOT NULL) AS d),
        shared AS (SELECT c.*, p.pc, p.named FROM coded c {"LEFT " if every else ""}JOIN vpairs p
          ON c.victim_group = p.victim_group AND c.nationality = p.nationality),
        ik AS (SELECT ikey, min(low) AS low, max(high) AS high, {more}{
            "count(event_date) AS dated, " if every else ""}
          min(CASE WHEN named THEN pc END) AS named_lo, max(CASE WHEN named THEN pc END) AS named_hi,
          min(pc) AS pc_lo, max(pc) AS pc_hi FROM shared GROUP BY ikey),
        incidents AS (SELECT i.ikey, {", ".join("i." + c.strip() for c in cols.split(","))},
          p.victim_group, p.nationality, CASE WHEN i.named_lo IS NOT NULL
            THEN i.named_lo = i.named_hi ELSE i.pc_lo = i.pc_hi END AS whole
          FROM ik i JOIN vpairs p ON p.pc = coalesce(i.named_lo, i.pc_lo)),
        split AS (SELECT s.* FROM shared s JOIN incidents i ON s.ikey = i.ikey WHERE NOT i.whole{
            " AND s.low IS NOT NULL" if every else ""}),
        groups AS (SELECT ikey, victim_group, nationality, {cols} FROM incidents WHERE whole
          UNION ALL SELECT ikey, victim_group, nationality, min(low), max(high){split_more}
          FROM split GROUP BY ikey, victim_group, nationality)"""


def key_figures_sql(where: str) -> str:
    """One row: events, incidents, low, high, running, actors, first_date, last_date, as
    key_figures.compute_key_figures defines them. Params: victims map (3), filter twice.

    One scan grouped by actor pair, running total or not and single report or not (cheaper
    than filtered aggregates) gives the counts, the date span, the distinct actors, the single
    reports' incidents and deaths; the shared incidents' reports are grouped apart."""
    not_running = "NOT coalesce(running, false)"
    return f"""WITH {VMAP},
        pairs AS (SELECT e.actor1, e.actor2, e.is_running_total AS running, {_SINGLE} AS single,
            count(*) AS n, min(e.event_date) AS first_date, max(e.event_date) AS last_date,
            count(e.event_date) AS dated, sum(e.fatalities) AS low,
            sum(CASE WHEN e.fatalities IS NOT NULL THEN coalesce(e.fatalities_high, e.fatalities) END)
              AS high
          FROM events e WHERE {where} GROUP BY e.actor1, e.actor2, e.is_running_total, {_SINGLE}),
        {_shared_ctes(where, "", detail=False, every=True)},
        shared_inc AS (SELECT count(*) AS inc FROM ik WHERE dated > 0 AND ikey IS NOT NULL),
        fat AS (SELECT coalesce(sum(low), 0) AS low, coalesce(sum(high), 0) AS high FROM groups),
        stats AS (SELECT coalesce(sum(n), 0) AS events,
          coalesce(sum(CASE WHEN running THEN n END), 0) AS running,
          min(first_date) AS first_date, max(last_date) AS last_date,
          coalesce(sum(CASE WHEN single AND {not_running} THEN dated END), 0) AS inc,
          coalesce(sum(CASE WHEN single AND {not_running} THEN low END), 0) AS low,
          coalesce(sum(CASE WHEN single AND {not_running} THEN high END), 0) AS high FROM pairs),
        actors AS (SELECT count(DISTINCT a) AS actors FROM (SELECT actor1 AS a FROM pairs
          UNION ALL SELECT actor2 AS a FROM pairs) AS u)
        SELECT stats.events, stats.inc + shared_inc.inc AS incidents, stats.low + fat.low AS low,
          stats.high + fat.high AS high, stats.running, actors.actors, stats.first_date,
          stats.last_date FROM stats, fat, actors, shared_inc"""


def disagreeing_key_figures_sql(where: str) -> str:
    """One row (incidents, low, high) for the incidents whose reports disagree (incident_lead
    NULL: the ones page_memory does not hold), as key_figures_sql counts them. Params: victims
    map (3), filter."""
    rows = (f"{where} AND NOT coalesce(e.is_running_total, false) AND e.incident_reports > 1 "
            f"AND e.incident_lead IS NULL")
    return f"""WITH {VMAP}, {_shared_ctes(where, "", detail=False, every=True, rows=rows)}
        SELECT (SELECT count(*) FROM ik WHERE dated > 0 AND ikey IS NOT NULL) AS incidents,
          coalesce(sum(low), 0) AS low, coalesce(sum(high), 0) AS high FROM groups"""


def summary_sql(where: str, singles: bool = True, shared: str = "TRUE") -> str:
    """casualties._summary_sql's rows of kind total and daily (same columns), and rows of kind
    `pick` (the incident key in `reports`) for claims_sql. Params: summary_params.

    Single reports: one scan grouped by the raw columns the labels come from (victims with the
    two countries, actor1, reporter and source, day), labelled after aggregation, so the
    victims map joins a few dozen rows rather than every report. Shared incidents: grouped on
    integer keys; the text of a claim (incident_id, place, link) is read only by claims_sql, for
    the incidents that can be among the top `n` conflicting groups (`pick`: up to the n-th
    group's (high, first_day), ties included).

    `singles` False leaves the single reports out; `shared` (a condition on `e`) narrows the
    shared incidents' reports (casualty_cells: the incidents it does not hold)."""
    grouped = ("GROUPING SETS ((e.victims, e.country, e.actor2_country), (e.actor1), "
               "(e.reported_by, e.source), (e.event_date), ())")
    return f"""WITH {VMAP},
        sraw AS (SELECT e.victims, e.country, e.actor2_country, e.actor1, e.reported_by, e.source,
            e.event_date AS day, GROUPING(e.victims) AS gv, GROUPING(e.actor1) AS ga,
            GROUPING(e.reported_by) AS gc, GROUPING(e.event_date) AS gd, sum(e.fatalities) AS low,
            sum(coalesce(e.fatalities_high, e.fatalities)) AS high, count(*) AS n
          FROM events e WHERE {where} AND {_DEATHS} AND {_SINGLE if singles else "FALSE"} GROUP BY {grouped}),
        {_shared_ctes(where, f", {_CLAIMANT} AS claimant",
                      rows=f"{where} AND {_DEATHS} AND e.incident_reports > 1 AND {shared}")},
        cand AS (SELECT ikey, high, first_day FROM groups
          WHERE reports > 1 AND (max_low > low OR high > min_high)),
        cut AS (SELECT high, first_day FROM cand ORDER BY high DESC, first_day LIMIT 1 OFFSET ?),
        pick AS (SELECT DISTINCT ikey FROM cand WHERE NOT EXISTS (SELECT 1 FROM cut)
          OR EXISTS (SELECT 1 FROM cut WHERE cand.high > cut.high OR (cand.high = cut.high
            AND (cut.first_day IS NULL OR cand.first_day <= cut.first_day)))),
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
            FROM shared s WHERE NOT EXISTS (SELECT 1 FROM incidents i WHERE i.ikey = s.ikey
              AND NOT i.whole) GROUP BY claimant, ikey
          UNION ALL SELECT 'claimant', claimant, NULL, min(low), max(high), 1, count(*)
            FROM split GROUP BY claimant, ikey, victim_group, nationality)
        SELECT CASE WHEN dim = 'daily' THEN 'daily' ELSE 'total' END AS kind,
          CASE WHEN dim = 'daily' THEN NULL ELSE dim END AS dim,
          CASE WHEN dim = 'daily' THEN NULL ELSE coalesce(label, 'all') END AS label, day,
          sum(low) AS low, sum(high) AS high, sum(incidents) AS incidents, sum(reports) AS reports,
          CAST(NULL AS VARCHAR) AS location, CAST(NULL AS VARCHAR) AS incident,
          CAST(NULL AS VARCHAR) AS victim_group, CAST(NULL AS VARCHAR) AS nationality,
          CAST(NULL AS VARCHAR) AS claimant, CAST(NULL AS VARCHAR) AS source_url
          FROM parts GROUP BY dim, label, day
        UNION ALL SELECT 'pick', NULL, NULL, NULL, NULL, NULL, NULL, ikey, NULL, NULL, NULL, NULL,
          NULL, NULL FROM pick"""


def summary_params(victim_params: list, where_params: list, max_conflicts: int) -> list:
    """summary_sql's parameters, in the order its placeholders appear."""
    return [*victim_params, *where_params, *where_params, max(int(max_conflicts) - 1, 0)]


def claim_ids_sql(where: str) -> str:
    """The event ids of the reports of the incidents summary_sql picked (as claims_sql reads
    them): params the filter's, then the keys as one array."""
    return f"""SELECT e.event_id FROM events e WHERE {where} AND {_DEATHS} AND e.incident_reports > 1
        AND e.incident_key IN (SELECT unnest(CAST(? AS BIGINT[])))"""


def claims_sql(rows: str) -> str:
    """The claims of the top conflicting groups (casualties._summary_sql's rows of kind claim),
    among the reports `rows` selects: those of the incidents summary_sql picked, by event id
    (claim_ids_sql; the store's key on event_id reads just those rows: at ten million events
    0.1 s where a scan for the incidents' text took 0.25-0.45 s). An incident's groups depend
    on its own reports only, so they are summary_sql's, now with their text, ordered as
    incident_deaths orders them. Params: the victims map arrays (3), `rows`' params, then the
    number of groups."""
    extra = f", e.incident_id AS incident, e.location, {_CLAIMANT} AS claimant, e.source_url"
    return f"""WITH {VMAP}, {_shared_ctes("", extra, rows=rows)},
        top AS (SELECT g.ikey, i.incident, g.victim_group, g.nationality, g.low, g.high, g.first_day
          FROM groups g JOIN (SELECT DISTINCT ikey, incident FROM shared) AS i ON g.ikey = i.ikey
          WHERE g.reports > 1 AND (g.max_low > g.low OR g.high > g.min_high)
          ORDER BY g.high DESC, g.first_day, i.incident, g.victim_group, g.nationality LIMIT ?),
        claim_rows AS (SELECT s.ikey, s.location, s.claimant, s.source_url, s.low, s.high,
          CASE WHEN i.whole THEN i.victim_group ELSE s.victim_group END AS vg,
          CASE WHEN i.whole THEN i.nationality ELSE s.nationality END AS nat
          FROM shared s JOIN incidents i ON s.ikey = i.ikey)
        SELECT t.first_day AS day, r.low, r.high, t.low AS incidents, t.high AS reports, r.location,
          t.incident, t.victim_group, t.nationality, r.claimant, r.source_url
          FROM top t JOIN claim_rows r ON r.ikey = t.ikey AND r.vg = t.victim_group
          AND r.nat = t.nationality"""
