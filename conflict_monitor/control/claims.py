"""Territorial events as control claims: extracted `capture` events, ACLED's territorial
sub-event types and GDELT's CAMEO 192 'Occupy territory'. Encirclements (CAMEO 191, action
`encircle`) are not changes of control and never become claims."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from conflict_monitor.control.reference import CLAIM_COLUMNS, compute_place_key
from conflict_monitor.control.sides import compute_side
from conflict_monitor.geo.distance import compute_distance_matrix_km

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


def _column(events: pd.DataFrame, name: str) -> list[Any]:
    """A column's values as Python objects (None for a missing column)."""
    return events[name].tolist() if name in events else [None] * len(events)


def _coordinates(values: list[Any]) -> np.ndarray:
    """Numbers as floats; anything else (None, text) as NaN, as an unlocated event."""
    return np.array([float(v) if isinstance(v, (int, float)) else np.nan for v in values], dtype="float64")


def _memo(func: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """func computed once per distinct hashable argument (a dict kept by the caller's call)."""
    done: dict[Any, Any] = {}

    def call(value: Any) -> Any:
        if value not in done:
            done[value] = func(value)
        return done[value]
    return call


def _sides(actors: list[Any], countries: list[Any], lookup: dict[tuple[str, str], str]) -> list[str | None]:
    """compute_side for every event, resolved once per distinct (actor, country)."""
    known: dict[tuple[Any, Any], str | None] = {}
    out = []
    for pair in zip(actors, countries, strict=True):
        if pair not in known:
            known[pair] = compute_side(pair[0], pair[1], lookup)
        out.append(known[pair])
    return out


def compute_place_matches(locations: list[Any], lats: np.ndarray, lons: np.ndarray,
                          places: pd.DataFrame) -> list[str | None]:
    """The known place_id each event is about: by name (any spelling), else the nearest known
    place within MATCH_KM (the first in `places` order on a tie); None when neither."""
    index = compute_place_index(places)
    keys = _memo(compute_place_key)
    matched = [index.get(keys(name)) for name in locations]
    known = places.dropna(subset=["latitude", "longitude"])
    todo = np.flatnonzero(np.array([m is None for m in matched], dtype=bool) & ~(np.isnan(lats) | np.isnan(lons)))
    if known.empty or not len(todo):
        return matched
    ids = known["place_id"].tolist()
    for chunk in np.array_split(todo, max(1, len(todo) // 100_000 + 1)):  # bounded memory at 10M
        d = compute_distance_matrix_km(lats[chunk], lons[chunk], known["latitude"], known["longitude"])
        nearest = d.argmin(axis=1)
        for i, j, close in zip(chunk, nearest, d[np.arange(len(chunk)), nearest] <= MATCH_KM, strict=True):
            if close:
                matched[i] = ids[j]
    return matched


def compute_claims_from_events(events: pd.DataFrame, places: pd.DataFrame,
                               side_lookup: dict[tuple[str, str], str]) -> pd.DataFrame:
    """One 'taken' claim per territorial event whose actor1 has a side, about the known place
    it names or lies within MATCH_KM of, else a new town-level place named after its location
    (none for a coarser report): actor1's side takes the place from actor2's side (when known).
    Sides are resolved once per (actor, country) and places matched for all events at once."""
    events = select_territorial_events(events)
    if events.empty:
        return pd.DataFrame(columns=list(CLAIM_COLUMNS))
    country, location = _column(events, "country"), _column(events, "location")
    side = _sides(_column(events, "actor1"), country, side_lookup)
    loser = _sides(_column(events, "actor2"), country, side_lookup)
    lats, lons = _coordinates(_column(events, "latitude")), _coordinates(_column(events, "longitude"))
    matched = compute_place_matches(location, lats, lons, places)
    known = {row[0]: row[1:] for row in places.drop_duplicates("place_id")[
        ["place_id", "place", "latitude", "longitude", "admin1", "country"]].itertuples(index=False)}
    precision, admin1, keys = _column(events, "geo_precision"), _column(events, "admin1"), _memo(compute_place_key)
    rows: dict[str, list[Any]] = {c: [] for c in CLAIM_COLUMNS}
    keep = []
    for i, pid in enumerate(matched):
        if side[i] is None:  # an actor with no side makes no claim
            continue
        if pid is not None:
            name, lat, lon, region, where = known[pid]
            place = (pid, name, lat, lon, region, where or country[i])
        else:
            key, p = keys(location[i]), precision[i]
            if np.isnan(lats[i]) or np.isnan(lons[i]) or not key or (
                    p is not None and not pd.isna(p) and int(p) > TOWN_PRECISION):
                continue  # unlocated, unnamed or coarser than a town: not a claim
            place = (key, location[i], float(lats[i]), float(lons[i]), admin1[i], country[i])
        keep.append(i)
        for column, value in zip(("place_id", "place", "latitude", "longitude", "admin1", "country"), place,
                                 strict=True):
            rows[column].append(value)
        rows["side"].append(side[i])
        rows["from_side"].append(loser[i] if loser[i] and loser[i] != side[i] else None)
    kept = events.iloc[keep]
    rows["date"] = list(pd.to_datetime(kept["event_date"]).dt.date)
    rows["date_approx"] = [p not in (None, "day") for p in _column(kept, "date_precision")]
    rows["claim"] = ["taken"] * len(keep)
    for column in ("origin", "event_id", "source", "reported_by", "source_url", "evidence"):
        rows[column] = _column(kept, column)
    return pd.DataFrame(rows, columns=list(CLAIM_COLUMNS))
