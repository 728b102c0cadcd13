"""Key figures for a filtered set of events (pure functions over DataFrames)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from conflict_monitor.incidents import compute_incident_ids


@dataclass(frozen=True)
class KeyFigures:
    """What the Overview shows at the top."""

    events: int
    incidents: int
    fatalities_low: int
    fatalities_high: int
    actors: int
    first_date: dt.date | None
    last_date: dt.date | None


def compute_incident_fatalities(events: pd.DataFrame) -> pd.DataFrame:
    """One row per incident with its lowest and highest reported figure.

    Running totals are left out (they cover many incidents). As ACLED does, the low figure of an
    incident is the lowest of its reports; the highest report gives the top of the range.
    """
    cols = ["incident_id", "fatalities_low", "fatalities_high", "reports"]
    if events.empty:
        return pd.DataFrame(columns=cols)
    rows = events[~events["is_running_total"].fillna(False).astype(bool)]
    rows = rows[rows["fatalities"].notna()]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    incident = rows["incident_id"].where(rows["incident_id"].notna(), compute_incident_ids(rows))
    high = rows["fatalities_high"].fillna(rows["fatalities"])
    grouped = pd.DataFrame({"incident_id": incident, "low": rows["fatalities"], "high": high})
    out = grouped.groupby("incident_id").agg(
        fatalities_low=("low", "min"), fatalities_high=("high", "max"), reports=("low", "size"))
    return out.reset_index()


def compute_key_figures(events: pd.DataFrame) -> KeyFigures:
    """Counts, the fatality range over incidents, distinct actors and the date span."""
    if events.empty:
        return KeyFigures(0, 0, 0, 0, 0, None, None)
    per_incident = compute_incident_fatalities(events)
    actors = pd.concat([events["actor1"], events["actor2"]]).dropna().unique()
    dates = pd.to_datetime(events["event_date"], errors="coerce").dropna()
    incidents = events["incident_id"].where(events["incident_id"].notna(), events["event_id"]).nunique()
    return KeyFigures(
        events=len(events), incidents=int(incidents),
        fatalities_low=int(per_incident["fatalities_low"].sum()) if len(per_incident) else 0,
        fatalities_high=int(per_incident["fatalities_high"].sum()) if len(per_incident) else 0,
        actors=len(actors),
        first_date=dates.min().date() if len(dates) else None,
        last_date=dates.max().date() if len(dates) else None)
