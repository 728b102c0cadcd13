"""Territorial events as control claims: extracted `capture` events, ACLED's territorial
sub-event types and GDELT's CAMEO 192 'Occupy territory'. Encirclements (CAMEO 191, action
`encircle`) are not changes of control and never become claims."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from conflict_monitor.control.reference import CLAIM_COLUMNS, compute_place_key
from conflict_monitor.control.sides import compute_side
from conflict_monitor.geo.distance import EARTH_RADIUS_KM, compute_distances_km

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


class _PlaceMatcher:
    """match_place for many events: the place table's arrays and rows prepared once, and the
    name keys of repeated locations computed once (at a million events the Timeline's control
    strip spent minutes re-filtering the place table per event)."""

    def __init__(self, places: pd.DataFrame, index: dict[str, str]):
        self.index = index
        known = places.dropna(subset=["latitude", "longitude"])
        self.known_ids = known["place_id"].to_numpy()
        self.lats = known["latitude"].to_numpy(dtype="float64")
        self.lons = known["longitude"].to_numpy(dtype="float64")
        self.rows: dict[Any, dict[str, Any]] = {}
        for row in places.to_dict("records"):
            self.rows.setdefault(row["place_id"], row)  # the first row of each place, as before
        self.keys: dict[Any, str] = {}

    def key(self, name: object) -> str:
        if not isinstance(name, str):
            return compute_place_key(name)
        if name not in self.keys:
            self.keys[name] = compute_place_key(name)
        return self.keys[name]

    def nearest(self, lats: Any, lons: Any, chunk: int = 20_000) -> list[Any]:
        """For each point, the known place within MATCH_KM (the nearest; None beyond), computed
        for many points at once."""
        lat = np.radians(np.asarray(lats, dtype="float64"))[:, None]
        lon = np.radians(np.asarray(lons, dtype="float64"))[:, None]
        out: list[Any] = [None] * len(lat)
        if not len(self.known_ids):
            return out
        plat, plon = np.radians(self.lats)[None, :], np.radians(self.lons)[None, :]
        for start in range(0, len(lat), chunk):
            a_lat, a_lon = lat[start:start + chunk], lon[start:start + chunk]
            # the haversine of geo.distance.compute_distances_km, for a block of points
            a = (np.sin((plat - a_lat) / 2) ** 2
                 + np.cos(a_lat) * np.cos(plat) * np.sin((plon - a_lon) / 2) ** 2)
            d = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
            best = np.argmin(np.where(np.isnan(d), np.inf, d), axis=1)
            close = d[np.arange(len(best)), best] <= MATCH_KM
            for i in np.flatnonzero(close):
                out[start + i] = self.known_ids[best[i]]
        return out

    def match(self, event: dict[str, Any], near: Any = ...) -> dict[str, Any] | None:
        """The event's place; `near`: its nearest known place if already computed (nearest)."""
        key = self.key(event.get("location"))
        place_id = self.index.get(key)
        lat, lon = event.get("latitude"), event.get("longitude")
        located = isinstance(lat, (int, float)) and isinstance(lon, (int, float)) and not (pd.isna(lat) or pd.isna(lon))
        if place_id is None and located and len(self.known_ids):
            if near is ...:
                d = compute_distances_km(float(lat), float(lon), self.lats, self.lons)
                near = self.known_ids[int(np.argmin(d))] if d.min() <= MATCH_KM else None
            place_id = near
        if place_id is not None:
            return dict(self.rows[place_id])
        precision = event.get("geo_precision")
        if not located or not key or (
                precision is not None and not pd.isna(precision) and int(precision) > TOWN_PRECISION):
            return None
        return {"place_id": key, "place": event["location"],
                "latitude": float(lat), "longitude": float(lon), "admin1": event.get("admin1"),
                "country": event.get("country")}


def match_place(event: dict[str, Any], places: pd.DataFrame, index: dict[str, str]) -> dict[str, Any] | None:
    """The known place an event is about (by name, else within MATCH_KM), a new town-level
    place named after the event's location, or None for a province-level report."""
    return _PlaceMatcher(places, index).match(event)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """frame.to_dict("records") with missing values as None, column by column (iterating Arrow
    string columns value by value took most of the time at a million events)."""
    columns = [frame[c].to_numpy(dtype=object, na_value=None) for c in frame.columns]
    names = list(frame.columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def compute_claims_from_events(events: pd.DataFrame, places: pd.DataFrame,
                               side_lookup: dict[tuple[str, str], str]) -> pd.DataFrame:
    """One 'taken' claim per territorial event whose actor1 has a side: actor1's side takes the
    place from actor2's side (when known). Events with no side or no town are left out."""
    claims = []
    matcher = _PlaceMatcher(places, compute_place_index(places))
    sides: dict[tuple[object, object], str | None] = {}

    def side_of(actor: object, country: object) -> str | None:
        if (actor, country) not in sides:  # the same few actors recur: resolve each once
            sides[(actor, country)] = compute_side(actor, country, side_lookup)
        return sides[(actor, country)]

    territorial = select_territorial_events(events)
    if territorial.empty:
        return pd.DataFrame(columns=list(CLAIM_COLUMNS))
    lats = pd.to_numeric(territorial["latitude"], errors="coerce")
    lons = pd.to_numeric(territorial["longitude"], errors="coerce")
    nearby = matcher.nearest(lats, lons)
    for event, near in zip(_records(territorial), nearby, strict=True):
        side = side_of(event.get("actor1"), event.get("country"))
        place = matcher.match(event, near) if side else None
        if place is None:
            continue
        loser = side_of(event.get("actor2"), event.get("country"))
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
