"""Key figures for a filtered set of events, aggregated inside the store (fast at 1M rows)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from conflict_monitor.filters import EventFilter, compute_where
from conflict_monitor.store import EventStore


@dataclass(frozen=True)
class KeyFigures:
    """What the Overview shows at the top."""

    events: int
    incidents: int
    fatalities_low: int
    fatalities_high: int
    running_total_reports: int
    actors: int
    first_date: dt.date | None
    last_date: dt.date | None


def compute_key_figures(store: EventStore, flt: EventFilter | None = None) -> KeyFigures:
    """Counts, the fatality range over incidents, distinct actors and the date span.

    Fatalities: per incident (reports sharing incident_id; a report without one is its own
    incident) the lowest reported figure, as ACLED does, up to the highest report for the top of
    the range. Running totals ("more than 380 since December") cover many incidents and are
    never added; they are counted apart.
    """
    where, params = compute_where(flt or EventFilter())
    sql = f"""
    WITH sel AS (SELECT * FROM events WHERE {where}),
    per_incident AS (
        SELECT coalesce(incident_id, event_id) AS incident,
               min(fatalities) AS low, max(coalesce(fatalities_high, fatalities)) AS high
        FROM sel WHERE NOT coalesce(is_running_total, false) AND fatalities IS NOT NULL
        GROUP BY 1)
    SELECT
        (SELECT count(*) FROM sel) AS events,
        (SELECT count(DISTINCT coalesce(incident_id, event_id)) FROM sel) AS incidents,
        (SELECT coalesce(sum(low), 0) FROM per_incident) AS low,
        (SELECT coalesce(sum(high), 0) FROM per_incident) AS high,
        (SELECT count(*) FROM sel WHERE coalesce(is_running_total, false)) AS running,
        (SELECT count(DISTINCT a) FROM (SELECT actor1 AS a FROM sel UNION ALL
                                         SELECT actor2 FROM sel) WHERE a IS NOT NULL) AS actors,
        (SELECT min(event_date) FROM sel) AS first_date,
        (SELECT max(event_date) FROM sel) AS last_date
    """
    row = store.query_sql(sql, params).iloc[0]

    def as_date(value) -> dt.date | None:
        return None if value is None or value != value else getattr(value, "date", lambda: value)()

    return KeyFigures(int(row["events"]), int(row["incidents"]), int(row["low"]), int(row["high"]),
                      int(row["running"]), int(row["actors"]), as_date(row["first_date"]),
                      as_date(row["last_date"]))
