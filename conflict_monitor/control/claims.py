"""Territorial events as control claims: extracted `capture` events, ACLED's territorial
sub-event types and GDELT's CAMEO 192 'Occupy territory'. Encirclements (CAMEO 191, action
`encircle`) are not changes of control and never become claims."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from conflict_monitor.control.reference import CLAIM_COLUMNS, compute_place_key
from conflict_monitor.control.sides import compute_side
from conflict_monitor.geo.distance import compute_distances_km

# ACLED codebook (2023), "Battles" and "Strategic developments": the sub-event types that
# record territory changing hands.
TERRITORIAL_SUB_EVENTS = frozenset({"Government regains territory", "Non-state actor overtakes territory",
                                    "Non-violent transfer of territory"})
# CAMEO 1.1b3 (Schrodt 2012), code 192 "Occupy territory" (data/reference/cameo.csv); its
# neighbour 191 "Impose blockade, restrict movement" is the encirclement code.
OCCUPY_CAMEO = "192"
MATCH_KM = 2.0  # an event this close to a known place is a report about that place
TOWN_PRECISION = 1  # ACLED geo-precision 1: the town itself; coarser places are not claims


def select_territorial_events(events: pd.DataFrame) -> pd.DataFrame:
    """The events that report a place changing hands (running totals excluded)."""
    if events.empty:
        return events
    def col(name: str) -> pd.Series:
        return events[name] if name in events else pd.Series(None, index=events.index, dtype=object)
    territorial = ((col("action") == "capture") | col("sub_event_type").isin(TERRITORIAL_SUB_EVENTS)
                   | col("cameo_code").astype(str).str.startswith(OCCUPY_CAMEO))
    territorial &= col("action") != "encircle"
    territorial &= ~col("is_running_total").fillna(False).astype(bool)
    return events[territorial]


def compute_place_index(places: pd.DataFrame) -> dict[str, str]:
    """Name key (every spelling in place and alt_names) -> place_id."""
    index: dict[str, str] = {}
    for row in places.itertuples(index=False):
        for name in [row.place, *str(row.alt_names or "").split(";")]:
            if compute_place_key(name):
                index.setdefault(compute_place_key(name), row.place_id)
    return index


def match_place(event: dict[str, Any], places: pd.DataFrame, index: dict[str, str]) -> dict[str, Any] | None:
    """The known place an event is about (by name, else within MATCH_KM), a new town-level
    place named after the event's location, or None for a province-level report."""
    place_id = index.get(compute_place_key(event.get("location")))
    lat, lon = event.get("latitude"), event.get("longitude")
    located = isinstance(lat, (int, float)) and isinstance(lon, (int, float)) and not (pd.isna(lat) or pd.isna(lon))
    if place_id is None and located:
        known = places.dropna(subset=["latitude", "longitude"])
        if not known.empty:
            d = compute_distances_km(float(lat), float(lon), known["latitude"], known["longitude"])
            if d.min() <= MATCH_KM:
                place_id = known.iloc[int(np.argmin(d))]["place_id"]
    if place_id is not None:
        return places[places["place_id"] == place_id].iloc[0].to_dict()
    precision = event.get("geo_precision")
    if not located or not compute_place_key(event.get("location")) or (
            precision is not None and not pd.isna(precision) and int(precision) > TOWN_PRECISION):
        return None
    return {"place_id": compute_place_key(event["location"]), "place": event["location"],
            "latitude": float(lat), "longitude": float(lon), "admin1": event.get("admin1"),
            "country": event.get("country")}


def compute_claims_from_events(events: pd.DataFrame, places: pd.DataFrame,
                               side_lookup: dict[tuple[str, str], str]) -> pd.DataFrame:
    """One 'taken' claim per territorial event whose actor1 has a side: actor1's side takes the
    place from actor2's side (when known). Events with no side or no town are left out."""
    claims = []
    index = compute_place_index(places)
    for event in select_territorial_events(events).to_dict("records"):
        side = compute_side(event.get("actor1"), event.get("country"), side_lookup)
        place = match_place(event, places, index) if side else None
        if place is None:
            continue
        loser = compute_side(event.get("actor2"), event.get("country"), side_lookup)
        day = pd.Timestamp(event["event_date"]).date()
        claims.append({
            "place_id": place["place_id"], "place": place["place"], "latitude": place.get("latitude"),
            "longitude": place.get("longitude"), "admin1": place.get("admin1"),
            "country": place.get("country") or event.get("country"), "date": day,
            "date_approx": event.get("date_precision") not in (None, "day"), "claim": "taken",
            "side": side, "from_side": loser if loser and loser != side else None,
            "origin": event.get("origin"), "event_id": event.get("event_id"), "source": event.get("source"),
            "reported_by": event.get("reported_by"), "source_url": event.get("source_url"),
            "evidence": event.get("evidence")})
    return pd.DataFrame(claims, columns=list(CLAIM_COLUMNS))
