"""The per-event claim builder as it was before issue 17 (one Python pass per event), kept
only as the oracle the vectorised control.claims.compute_claims_from_events is compared with."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from conflict_monitor.control.claims import MATCH_KM, TOWN_PRECISION, compute_place_index, select_territorial_events
from conflict_monitor.control.reference import CLAIM_COLUMNS, compute_place_key
from conflict_monitor.control.sides import compute_side
from conflict_monitor.geo.distance import compute_distances_km


def match_place(event: dict[str, Any], places: pd.DataFrame, index: dict[str, str]) -> dict[str, Any] | None:
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


def compute_claims_from_events_legacy(events: pd.DataFrame, places: pd.DataFrame,
                                      side_lookup: dict[tuple[str, str], str]) -> pd.DataFrame:
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
