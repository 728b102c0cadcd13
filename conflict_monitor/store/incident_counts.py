"""How many reports each incident has: kept by the store on write, used to count incidents fast.

The Timeline counts incidents, not reports: an incident reported by AFP, ACLED and GDELT is one
bar segment, not three. Counting distinct incidents under an arbitrary filter needs every
report grouped by incident, which at a million reports costs as much again as the whole page
(a window over coalesce(incident_id, event_id) was measured at +75 to +290 ms). But most reports
are the only report of their incident. So the store keeps, on each row, `incident_reports`: how
many rows share its incident_id. A report alone in its incident (incident_reports = 1, or no
incident_id) counts as itself; only the reports of shared incidents are grouped, per incident,
after the filter. The count is exact under every filter: the filter decides which reports are
seen, and an incident counts once if any of its reports is seen.

Keeping the column right: every write transaction marks the incidents it touches (new rows
arrive with NULL; changing or deleting a row first sets NULL on the other rows of its old
incident) and ends with REFRESH_STATEMENTS, which recount only the marked incidents.

The same recount keeps `incident_lead`: when an incident's reports agree on everything a page
counts them by, one of them stands for the incident, so under most filters the pages count
it like a report of its own and group only the other shared incidents (LEAD_AGREES_ON).
"""

from __future__ import annotations

from collections.abc import Mapping

COLUMN = ("incident_reports", "INTEGER",
          "kept by the store: how many reports share this row's incident_id (1 when it has none)")
REPORTS = COLUMN[0]
# What a bulk import writes in that column: 1 for a row of no incident (what the recount below
# would set, without updating every new row again), NULL (recount) for a row of one.
REPORTS_OF_NEW_ROW = "CASE WHEN incident_id IS NULL THEN 1 END"

KEY_COLUMN = ("incident_key", "BIGINT",
              "kept by the store: a number standing for incident_id (the same for the reports of "
              "one incident, another for each other incident), so pages group by a number")
KEY = KEY_COLUMN[0]
# Grouping the shared incidents' reports by a number instead of their incident_id text reads an
# integer column and hashes integers: at ten million events (1.2 million shared reports) the
# Overview's key figures for no filter fell from 4.6 s to 2.1 s (29 Nov 2026, load 4-5).
SEQUENCE_SQL = "CREATE SEQUENCE IF NOT EXISTS incident_keys"

LEAD_COLUMN = ("incident_lead", "BOOLEAN",
               "kept by the store: on the reports of an incident of several reports that agree on "
               "every column a page counts by or a filter (but origin, source or review) selects: "
               "TRUE on one of them (the lowest event_id), FALSE on the others; NULL elsewhere")
LEAD = LEAD_COLUMN[0]
# The columns an incident's reports must agree on for its lead report to stand for it: the
# filter's columns (compute_where) but origin, source and review, and the columns the Timeline
# takes from an incident (its day, action, type and Goldstein weight; running totals are left
# out). Under a filter on those alone, all of such an incident's reports are seen or none is, and
# each column is the same on all: the lead report alone gives the incident's row. In the
# synthetic 10M store every shared incident agrees; grouping its 1.15M reports per filter cost
# 45-130 ms of the Timeline's daily counts and 50-350 ms of its actor pairs (30 Nov 2026).
LEAD_AGREES_ON = ("event_date", "action", "event_type", "goldstein", "actor1", "actor2", "country",
                  "actor1_country", "actor2_country")
_AGREE = " AND ".join(f"(count({c}) = 0 OR (count({c}) = count(*) AND min({c}) = max({c})))"
                      for c in LEAD_AGREES_ON)
_RUNNING = "coalesce(is_running_total, false)"
AGREES_SQL = f"{_AGREE} AND bool_and({_RUNNING}) = bool_or({_RUNNING})"
LEAD_VALUE = "CASE WHEN c.n > 1 AND c.same THEN events.event_id = c.lead END"

# Recount the incidents that hold a marked (NULL) row and give each of them a new key (a new
# number per incident from the sequence: never one an unmarked incident holds) and its lead;
# unmarked incidents are not read. Every row whose incident changes is marked, and a report
# that leaves an incident marks the rest of it, so no two incidents ever share a key.
REFRESH_STATEMENTS: tuple[str, ...] = (
    f"UPDATE events SET incident_reports = 1, {KEY} = NULL, {LEAD} = NULL "
    "WHERE incident_reports IS NULL AND incident_id IS NULL",
    f"""UPDATE events SET incident_reports = c.n, {KEY} = c.k, {LEAD} = {LEAD_VALUE}
       FROM (SELECT incident_id, n, lead, same, nextval('incident_keys') AS k FROM (SELECT incident_id,
           count(*) AS n, min(event_id) AS lead, {AGREES_SQL} AS same FROM events
           WHERE incident_id IN (SELECT incident_id FROM events WHERE incident_reports IS NULL)
           GROUP BY incident_id) AS g) AS c
       WHERE events.incident_id = c.incident_id""",
)
# A store from before incident_lead: every shared incident's lead, once (not a change of data).
LEAD_UPGRADE_SQL = f"""UPDATE events SET {LEAD} = {LEAD_VALUE} FROM (SELECT {KEY}, count(*) AS n,
      min(event_id) AS lead, {AGREES_SQL} AS same FROM events WHERE incident_reports > 1
      GROUP BY {KEY}) AS c
    WHERE events.{KEY} = c.{KEY}"""


def mark_incidents_sql(rows: str) -> str:
    """Mark (set NULL) every row of the incidents that the rows selected by `rows` (a SELECT of
    incident_id, fixed SQL with `?` parameters) belong to, before those rows change or go."""
    return f"UPDATE events SET incident_reports = NULL WHERE incident_id IN ({rows})"


def incident_rows_sql(base: str, columns: Mapping[str, tuple[str, str]],
                      keys: Mapping[str, str] | None = None) -> str:
    """A derived table with one row per incident among the reports matching `base` (a WHERE
    condition with `?` parameters: pass them TWICE). `columns`: name -> (aggregate, expression),
    the aggregate combining the expression over an incident's reports (e.g. ("min", "event_date")
    for its earliest day). `keys`: name -> expression that splits an incident further (an
    incident whose reports name two actor pairs counts once under each). Column `reports`
    holds how many of the incident's reports matched."""
    keys = dict(keys or {})
    single = [f"{expr} AS {name}" for name, expr in keys.items()]
    single += [f"{expr} AS {name}" for name, (_, expr) in columns.items()]
    shared = [f"{expr} AS {name}" for name, expr in keys.items()]
    shared += [f"{agg}({expr}) AS {name}" for name, (agg, expr) in columns.items()]
    group = ", ".join([KEY, *keys.values()])
    return f"""(SELECT {', '.join(single)}, 1 AS reports FROM events
          WHERE {base} AND coalesce(incident_reports, 1) <= 1
        UNION ALL SELECT {', '.join(shared)}, count(*) AS reports FROM events
          WHERE {base} AND incident_reports > 1 GROUP BY {group})"""
