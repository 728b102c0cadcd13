"""The claims behind a view: territorial events from the store plus the reference rows, both
narrowed by the filter's date, country, origin and source (actors, actions and event types do
not apply: control is about every side's captures)."""

from __future__ import annotations

import pandas as pd

from conflict_monitor.control.claims import compute_claims_from_events
from conflict_monitor.control.reference import CLAIM_COLUMNS, load_control_changes
from conflict_monitor.control.sides import compute_side_lookup, load_sides
from conflict_monitor.model.filters import EventFilter

# What the control claims need from each stored event.
EVENT_COLUMNS = ("event_id", "event_date", "date_precision", "action", "cameo_code", "sub_event_type",
                 "actor1", "actor2", "country", "admin1", "location", "latitude", "longitude",
                 "geo_precision", "is_running_total", "origin", "source", "reported_by", "source_url",
                 "evidence")


def compute_control_filter(flt: EventFilter) -> EventFilter:
    """The store query for territorial events under the filter's date, country, origin, source."""
    return EventFilter(date_from=flt.date_from, date_to=flt.date_to, countries=flt.countries,
                       origins=flt.origins, sources=flt.sources, actions=("capture",))


def select_reference_claims(claims: pd.DataFrame, flt: EventFilter) -> pd.DataFrame:
    """Reference claims inside the filter's dates, countries, origins and sources."""
    days = pd.to_datetime(claims["date"]).dt.date
    keep = pd.Series(True, index=claims.index)
    if flt.date_from:
        keep &= days >= flt.date_from
    if flt.date_to:
        keep &= days <= flt.date_to
    for column, wanted in (("country", flt.countries), ("origin", flt.origins), ("source", flt.sources)):
        if wanted:
            keep &= claims[column].isin(wanted)
    return claims[keep]


def compute_all_claims(events: pd.DataFrame, flt: EventFilter, places: pd.DataFrame | None = None,
                       reference: pd.DataFrame | None = None, sides: pd.DataFrame | None = None
                       ) -> pd.DataFrame:
    """Reference claims and claims from `events` (already narrowed by compute_control_filter)."""
    if places is None or reference is None:
        places, reference = load_control_changes()
    lookup = compute_side_lookup(sides if sides is not None else load_sides())
    from_events = compute_claims_from_events(events, places, lookup)
    parts = [p for p in (select_reference_claims(reference, flt), from_events) if not p.empty]
    if not parts:
        return pd.DataFrame(columns=list(CLAIM_COLUMNS))
    return pd.concat(parts, ignore_index=True)
