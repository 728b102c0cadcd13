"""Link reports of one real-world incident: the same incident_id across articles and origins.

Two reports match when (1) their dates fall within the wider of their precision windows,
(2) they name the same place or lie within 10 km of each other, (3) the action class is the
same (attack and kill count as one class of violence, as in the evaluation rule), and (4) the
actors are compatible (equal, or one of them unknown). Running totals are never linked to
incidents: they cover many.
"""

from __future__ import annotations

import hashlib
import math

import pandas as pd

from conflict_monitor.schema import PRECISION_WINDOW_DAYS

LINK_RADIUS_KM = 10.0
_VIOLENCE = {"attack": "violence", "kill": "violence"}


def compute_distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))


def _norm(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    text = str(value).strip().lower()
    return text or None


def _same_place(a: pd.Series, b: pd.Series) -> bool:
    la, lb = _norm(a.get("location")), _norm(b.get("location"))
    if la and lb and (la == lb or la.startswith(lb) or lb.startswith(la)):
        return True
    coords = [a.get("latitude"), a.get("longitude"), b.get("latitude"), b.get("longitude")]
    if any(c is None or pd.isna(c) for c in coords):
        return False
    return compute_distance_km(*map(float, coords)) <= LINK_RADIUS_KM


def _compatible(x: object, y: object) -> bool:
    nx, ny = _norm(x), _norm(y)
    return nx is None or ny is None or nx == ny


def _window(row: pd.Series) -> int:
    return PRECISION_WINDOW_DAYS.get(str(row.get("date_precision") or "day"), 1)


def reports_match(a: pd.Series, b: pd.Series) -> bool:
    """True when two event rows are reports of the same incident."""
    if bool(a.get("is_running_total")) or bool(b.get("is_running_total")):
        return False
    act_a, act_b = str(a.get("action")), str(b.get("action"))
    if _VIOLENCE.get(act_a, act_a) != _VIOLENCE.get(act_b, act_b):
        return False
    da, db = pd.Timestamp(a.get("event_date")), pd.Timestamp(b.get("event_date"))
    if pd.isna(da) or pd.isna(db) or abs((da - db).days) > max(_window(a), _window(b)):
        return False
    return (_same_place(a, b) and _compatible(a.get("actor1"), b.get("actor1"))
            and _compatible(a.get("actor2"), b.get("actor2")))


def compute_incident_ids(events: pd.DataFrame) -> pd.Series:
    """An incident id for every row: rows that match (transitively) share one.

    Rows that already carry an incident_id keep it and pull their matches into it. Candidate
    pairs are only compared within a date-sorted sliding window, so the cost stays near
    O(n * reports per month) rather than O(n^2).
    """
    if events.empty:
        return pd.Series([], dtype="object", index=events.index)
    parent = {i: i for i in events.index}

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    dates = pd.to_datetime(events["event_date"], errors="coerce")
    order = dates.sort_values(na_position="last").index.tolist()
    max_window = pd.Timedelta(days=max(PRECISION_WINDOW_DAYS.values()))
    rows = {i: events.loc[i] for i in order}
    start = 0
    for pos, i in enumerate(order):
        if pd.isna(dates[i]):
            continue
        while dates[order[start]] < dates[i] - max_window:
            start += 1
        for j in order[start:pos]:
            if reports_match(rows[i], rows[j]):
                parent[find(i)] = find(j)
    existing = events["incident_id"] if "incident_id" in events else pd.Series(None, index=events.index)
    groups: dict[object, list] = {}
    for i in events.index:
        groups.setdefault(find(i), []).append(i)
    result = pd.Series(index=events.index, dtype="object")
    for members in groups.values():
        given = sorted({str(existing[m]) for m in members if _norm(existing[m])})
        if given:
            incident = given[0]
        else:
            key = "|".join(sorted(str(events.loc[m].get("event_id", m)) for m in members))
            incident = "inc-" + hashlib.sha256(key.encode()).hexdigest()[:16]
        for m in members:
            result[m] = incident
    return result
