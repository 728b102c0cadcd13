"""Link reports of one real-world incident: the same incident_id across articles and origins.

Two reports match when (1) their dates fall within the wider of their precision windows,
(2) they name the same place or lie within 10 km of each other, (3) the action class is the
same (attack and kill count as one class of violence, as in the evaluation rule), (4) the
actors are compatible: after canonicalising with resolve_actor they are equal or one is unknown
(a state and its forces count as one side; the order of the two sides may be swapped, as
datasets order the sides of a clash arbitrarily), and (5) they are not two rows of one curated
dataset (ACLED, UCDP): each of its rows is a distinct event by that dataset's own coding rules.
Running totals are never linked: they cover many incidents.

An incident is a group of reports of which every two match (incident_clusters), not a chain of
matches: so separate daily events at one place stay apart, no incident spans more than the
widest precision window of its reports, and a report without actors joins one incident but
never bridges two.

Linking scales by blocking (link_pairs: candidate pairs in DuckDB); the keys compared are
in link_keys.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np
import pandas as pd

from conflict_monitor.geo.distance import compute_distance_km
from conflict_monitor.store.incident_clusters import compute_cliques, compute_group_min
from conflict_monitor.store.link_keys import (
    MAX_WINDOW_DAYS,
    action_class,
    actor_key,
    compatible,
    compute_is_computed_id,
    compute_norm_ids,
    curated_origin,
    place_key,
    window_days,
)
from conflict_monitor.store.link_pairs import LINK_RADIUS_KM, candidate_pairs

LINK_COLUMNS: tuple[str, ...] = ("event_id", "origin", "event_date", "date_precision", "action",
                                 "actor1", "actor2", "location", "latitude", "longitude",
                                 "is_running_total", "incident_id")


def _same_place(a: pd.Series, b: pd.Series) -> bool:
    ka, kb = place_key(a.get("location")), place_key(b.get("location"))
    if ka and kb and ka == kb:
        return True
    coords = [a.get("latitude"), a.get("longitude"), b.get("latitude"), b.get("longitude")]
    if any(c is None or pd.isna(c) for c in coords):
        return False
    return compute_distance_km(*map(float, coords)) <= LINK_RADIUS_KM


def reports_match(a: pd.Series, b: pd.Series) -> bool:
    """True when two event rows are reports of the same incident (the rule, pair by pair)."""
    if bool(a.get("is_running_total")) or bool(b.get("is_running_total")):
        return False
    if curated_origin(a.get("origin")) and curated_origin(a.get("origin")) == curated_origin(b.get("origin")):
        return False
    cls = action_class(a.get("action"))
    if cls is None or cls != action_class(b.get("action")):
        return False
    da, db = pd.Timestamp(a.get("event_date")), pd.Timestamp(b.get("event_date"))
    window = max(window_days(a.get("date_precision")), window_days(b.get("date_precision")))
    if pd.isna(da) or pd.isna(db) or abs((da - db).days) > window:
        return False
    a1, a2 = actor_key(a.get("actor1")), actor_key(a.get("actor2"))
    b1, b2 = actor_key(b.get("actor1")), actor_key(b.get("actor2"))
    actors = ((compatible(a1, b1) and compatible(a2, b2))
              or (compatible(a1, b2) and compatible(a2, b1)))
    return actors and _same_place(a, b)


def compute_incident_groups(events: pd.DataFrame) -> np.ndarray:
    """A group label per row (a position): reports of one incident share it. Every two linkable
    rows of a group match (incident_clusters.compute_cliques), except rows sharing a curated id."""
    n = len(events)
    labels = np.arange(n)
    feat, same, i, j = candidate_pairs(events)
    if feat.empty:
        return labels
    reps = feat[feat["i"].to_numpy() == same]
    pos = reps["i"].to_numpy()
    index = np.full(n, -1)
    index[pos] = np.arange(len(pos))
    if not len(i):  # no pair matches: each representative is an incident with its twins
        labels[feat["i"].to_numpy()] = same
        return labels
    event_ids = _event_ids(events)
    priority = pd.DataFrame({  # the most specific reports found the incidents
        "given": reps["cur"].isna().to_numpy(), "dataset": reps["corg"].isna().to_numpy(),
        "window": reps["win"].to_numpy(),
        "unknown": (reps["a1"].isna().astype(int) + reps["a2"].isna().astype(int)).to_numpy(),
        "no_place": reps["place"].isna().to_numpy(), "day": reps["day"].to_numpy(),
        "event_id": event_ids[pos]})
    groups = compute_cliques(len(pos), index[i], index[j], priority, reps["day"].to_numpy(),
                             [c if isinstance(c, str) else None for c in reps["cur"]])
    labels[pos] = pos[groups]
    labels[feat["i"].to_numpy()] = labels[same]  # twins follow their representative
    return labels


def _event_ids(events: pd.DataFrame) -> np.ndarray:
    ids = events["event_id"].astype(str) if "event_id" in events else pd.Series(events.index.astype(str))
    return ids.to_numpy(dtype=object)


def _new_id(key: str) -> str:
    return "inc-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def compute_incident_ids(events: pd.DataFrame) -> pd.Series:
    """An incident id for every row: reports of one incident (compute_incident_groups) share one.

    A row with a curated id (not 'inc-…', e.g. the reference timeline's 'ref-…') keeps it and
    lends it to its incident; otherwise an incident keeps the smallest 'inc-…' id that only its
    rows hold, so ids stay stable as reports are added (and an old incident now split in two
    does not leave both parts one id); a new incident gets a hash of its smallest event_id.
    """
    if events.empty:
        return pd.Series([], dtype="object", index=events.index)
    labels = compute_incident_groups(events)
    given = compute_norm_ids(events["incident_id"] if "incident_id" in events else [None] * len(events))
    is_computed = compute_is_computed_id(given)
    curated = np.where(is_computed, None, given)
    computed = np.where(is_computed, given, None)
    held = pd.DataFrame({"g": labels[is_computed], "v": computed[is_computed]})
    owners = held.groupby("v")["g"].nunique()
    sole = is_computed & pd.Series(computed, dtype=object).isin(owners.index[owners == 1]).to_numpy()
    result = curated.copy()
    for values in (compute_group_min(labels, curated), compute_group_min(labels, np.where(sole, computed, None))):
        result = np.where(pd.isna(result), values, result)
    missing = pd.isna(result)
    if missing.any():  # a new incident: hashed only where needed (most rows keep their id)
        g_eid = np.asarray(compute_group_min(labels, _event_ids(events)), dtype=object)[missing]
        hashed = {e: _new_id(e) for e in set(g_eid)}
        result[missing] = [hashed[e] for e in g_eid]
    return pd.Series(result, index=events.index, dtype="object")


def plan_relink(date_from: dt.date, date_to: dt.date, slice_days: int = 366
                ) -> list[tuple[dt.date, dt.date, dt.date, dt.date]]:
    """Slices (load_from, load_to, assign_from, assign_to) to relink events after new reports
    dated date_from..date_to arrived: the ids of rows up to one window away may change, and
    each slice loads one window more so matches across its edge are seen. Slices keep memory
    bounded for a store of millions of rows.

    With several slices the list is given twice: an incident across a slice edge can be left
    with two ids after the first sweep (each slice sees other old ids), and the second sweep
    makes them agree (each incident then keeps the smallest id only it holds).
    """
    margin = dt.timedelta(days=MAX_WINDOW_DAYS)
    start, end = date_from - margin, date_to + margin
    slices = []
    while start <= end:
        stop = min(end, start + dt.timedelta(days=slice_days - 1))
        slices.append((start - margin, stop + margin, start, stop))
        start = stop + dt.timedelta(days=1)
    return slices * 2 if len(slices) > 1 else slices
