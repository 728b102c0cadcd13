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

Linking scales by blocking (as in record linkage): candidate pairs only come from rows of the
same action class in neighbouring 32-day buckets that share a place name or neighbouring
0.1° x 0.2° grid cells, so a million rows cost about n x (reports per place and month), not n².
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import re
import unicodedata
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from conflict_monitor.geo.distance import compute_distance_km, make_distance_sql
from conflict_monitor.model.actors import resolve_actor
from conflict_monitor.model.schema import PRECISION_WINDOW_DAYS
from conflict_monitor.store.incident_clusters import compute_cliques, compute_group_min

LINK_RADIUS_KM = 10.0
MAX_WINDOW_DAYS = max(PRECISION_WINDOW_DAYS.values())
LINK_COLUMNS: tuple[str, ...] = ("event_id", "origin", "event_date", "date_precision", "action",
                                 "actor1", "actor2", "location", "latitude", "longitude",
                                 "is_running_total", "incident_id")
# Datasets whose rows are distinct events by their own coding rules (ACLED Codebook: one event
# per day, location, pair of actors and type; UCDP GED: one event per day and location of
# organised violence), so two rows of one of them are never reports of one incident.
CURATED_ORIGINS: frozenset[str] = frozenset({"acled", "ucdp"})
_VIOLENCE = {"attack": "violence", "kill": "violence"}
_BUCKET_DAYS = MAX_WINDOW_DAYS + 1  # neighbouring buckets cover every window
_CELL_LAT, _CELL_LON = 0.1, 0.2  # degrees; >= 10 km up to 63° of latitude
_PLACE_PREFIX = re.compile(r"^(near|outskirts of|around|north of|south of|east of|west of)\s+")
_PLACE_SUFFIX = re.compile(r"\s+(village|town|city|district|subdistrict|area|countryside|"
                           r"air base|airbase)$")


def _norm(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    text = str(value).strip().lower()
    return text or None


@functools.lru_cache(maxsize=65536)
def place_key(text: str | None) -> str | None:
    """A comparable place name: 'Balyun (Jabal al-Zawiya)', 'Balyun, Idlib, Syria' and
    'Balyun village' all give 'balyun'."""
    norm = _norm(text)
    if not norm:
        return None
    norm = unicodedata.normalize("NFKD", norm).encode("ascii", "ignore").decode()
    norm = re.split(r"[(,;/]", norm, maxsplit=1)[0]
    norm = _PLACE_SUFFIX.sub("", _PLACE_PREFIX.sub("", norm.strip()))
    norm = re.sub(r"^(al|el|ad|ar|as|at)[- ]", "", norm)
    norm = re.sub(r"[^a-z0-9]+", " ", norm).strip()
    return norm or None


@functools.lru_cache(maxsize=65536)
def actor_key(text: str | None) -> str | None:
    """A comparable actor: a state and its forces share '<ISO3>:state'; unknown gives None."""
    norm = _norm(text)
    if not norm or norm.startswith(("unidentified", "unknown")):
        return None
    actor = resolve_actor(str(text))
    if actor is None:
        return norm
    if actor.kind in ("state", "military") and actor.country:
        return f"{actor.country}:state"
    return actor.canonical.lower()


def _action_class(action: object) -> str | None:
    norm = _norm(action)
    return _VIOLENCE.get(norm, norm) if norm else None


def _window(precision: object) -> int:
    return PRECISION_WINDOW_DAYS.get(str(precision or "day"), 1)


def _curated_origin(origin: object) -> str | None:
    norm = _norm(origin)
    return norm if norm in CURATED_ORIGINS else None


def _compatible(x: str | None, y: str | None) -> bool:
    return x is None or y is None or x == y


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
    if _curated_origin(a.get("origin")) and _curated_origin(a.get("origin")) == _curated_origin(b.get("origin")):
        return False
    cls = _action_class(a.get("action"))
    if cls is None or cls != _action_class(b.get("action")):
        return False
    da, db = pd.Timestamp(a.get("event_date")), pd.Timestamp(b.get("event_date"))
    window = max(_window(a.get("date_precision")), _window(b.get("date_precision")))
    if pd.isna(da) or pd.isna(db) or abs((da - db).days) > window:
        return False
    a1, a2 = actor_key(a.get("actor1")), actor_key(a.get("actor2"))
    b1, b2 = actor_key(b.get("actor1")), actor_key(b.get("actor2"))
    actors = ((_compatible(a1, b1) and _compatible(a2, b2))
              or (_compatible(a1, b2) and _compatible(a2, b1)))
    return actors and _same_place(a, b)


def _map_distinct(values: pd.Series, func: Any) -> pd.Series:
    """values.map(func), calling func once per distinct value (a slice repeats few actions,
    places and actors; mapping row by row was most of the time of linking an import). A
    missing value is mapped as None: each func here answers NaN, NA and None alike."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.array([*(func(u) for u in np.asarray(uniques, dtype=object)), func(None)], dtype=object)
    return pd.Series(table[codes], index=values.index, dtype=object)


def _features(events: pd.DataFrame) -> pd.DataFrame:
    """One row per linkable event with the blocking keys (positions in `i`)."""
    dates = pd.to_datetime(events["event_date"], errors="coerce")
    running = events["is_running_total"].fillna(False).astype(bool) if "is_running_total" in events \
        else pd.Series(False, index=events.index)
    def col(name):
        return (events[name] if name in events else pd.Series(None, index=events.index))
    feat = pd.DataFrame({
        "i": np.arange(len(events)),
        "day": (dates - pd.Timestamp("1970-01-01")).dt.days,
        "win": _map_distinct(col("date_precision"), _window).astype("int64"),
        "cls": _map_distinct(col("action"), _action_class),
        "place": _map_distinct(col("location"), lambda v: place_key(v) if isinstance(v, str) else None),
        "lat": pd.to_numeric(col("latitude"), errors="coerce"),
        "lon": pd.to_numeric(col("longitude"), errors="coerce"),
        "a1": _map_distinct(col("actor1"), lambda v: actor_key(v) if isinstance(v, str) else None),
        "a2": _map_distinct(col("actor2"), lambda v: actor_key(v) if isinstance(v, str) else None),
        "corg": _map_distinct(col("origin"), _curated_origin),
        "cur": _map_distinct(col("incident_id"), _curated_id),
    }).reset_index(drop=True)
    keep = feat["day"].notna().to_numpy() & feat["cls"].notna().to_numpy() & ~running.to_numpy()
    feat = feat[keep].copy()
    feat["day"] = feat["day"].astype("int64")
    feat["db"] = feat["day"] // _BUCKET_DAYS
    feat["gy"] = np.floor(feat["lat"] / _CELL_LAT).astype("Int64")
    feat["gx"] = np.floor(feat["lon"] / _CELL_LON).astype("Int64")
    for name in ("cls", "place", "a1", "a2", "corg", "cur"):
        feat[name] = feat[name].astype(object)
    return feat


_ACTORS_OK = """(((a.a1 IS NULL OR b.a1 IS NULL OR a.a1 = b.a1) AND (a.a2 IS NULL OR b.a2 IS NULL OR a.a2 = b.a2))
  OR ((a.a1 IS NULL OR b.a2 IS NULL OR a.a1 = b.a2) AND (a.a2 IS NULL OR b.a1 IS NULL OR a.a2 = b.a1)))
  AND abs(a.day - b.day) <= greatest(a.win, b.win)
  AND (a.corg IS NULL OR b.corg IS NULL OR a.corg <> b.corg)
  AND (a.cur IS NULL OR b.cur IS NULL OR a.cur = b.cur)"""
_OFFSETS = "(VALUES (-1), (0), (1))"
_PAIRS_SQL = f"""
WITH by_name AS (SELECT f.*, f.db + o.o AS jb FROM feat f, {_OFFSETS} o(o) WHERE f.place IS NOT NULL),
by_cell AS (SELECT f.*, f.db + o.o AS jb, f.gy + p.p AS jy, f.gx + q.q AS jx
            FROM feat f, {_OFFSETS} o(o), {_OFFSETS} p(p), {_OFFSETS} q(q) WHERE f.gy IS NOT NULL AND f.gx IS NOT NULL)
SELECT a.i AS i, b.i AS j FROM by_name a JOIN feat b
  ON a.cls = b.cls AND a.place = b.place AND a.jb = b.db AND a.i < b.i
WHERE {_ACTORS_OK}
UNION
SELECT a.i, b.i FROM by_cell a JOIN feat b
  ON a.cls = b.cls AND a.jb = b.db AND a.jy = b.gy AND a.jx = b.gx AND a.i < b.i
WHERE {_ACTORS_OK}
  AND {make_distance_sql("a.lat", "a.lon", "b.lat", "b.lon")} <= {LINK_RADIUS_KM}
"""


# `twin` keeps each row of a curated dataset apart: its identical rows are distinct events.
_SAME_KEY = ["cls", "day", "win", "a1", "a2", "place", "lat", "lon", "cur", "twin"]


def candidate_pairs(events: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """The linkable rows' features, and for each of them its twin representative (position
    in `events`), and the positions (i, j), i < j, of every matching pair of representatives.

    Rows identical in every feature the rule reads (action class, day, window, actors, place,
    coordinates; not rows of a curated dataset) match one another and the same other rows, so
    only the first of them, its representative, joins the blocked self-join in DuckDB and the
    others follow it: a dense file (hundreds of reports of one place and day) then costs its
    distinct reports, not their square."""
    feat = _features(events)
    feat["twin"] = np.where(feat["corg"].notna(), feat["i"], -1)
    same = feat.groupby(_SAME_KEY, dropna=False, sort=False)["i"].transform("min").to_numpy()
    none = np.empty(0, dtype="int64")
    if len(feat) < 2:
        return feat, same, none, none
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute("SET memory_limit = '256MB'")  # one slice of the store: spill rather than grow
        con.register("feat", feat[feat["i"].to_numpy() == same])
        pairs = con.execute(_PAIRS_SQL).fetchnumpy()
    finally:
        con.close()
    return feat, same, np.asarray(pairs["i"], dtype="int64"), np.asarray(pairs["j"], dtype="int64")


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
    given = [_norm_id(v) for v in (events["incident_id"] if "incident_id" in events
                                   else [None] * len(events))]
    curated = [g if g and not g.startswith("inc-") else None for g in given]
    computed = [g if g and g.startswith("inc-") else None for g in given]
    g_cur = compute_group_min(labels, curated)
    held = pd.DataFrame({"g": labels, "v": pd.Series(computed, dtype=object)}).dropna()
    owners = held.groupby("v")["g"].nunique()
    sole = set(owners.index[owners == 1])
    g_inc = compute_group_min(labels, [v if v in sole else None for v in computed])
    g_eid = compute_group_min(labels, list(_event_ids(events)))
    hashed = {e: _new_id(e) for e in set(g_eid)}
    new = [hashed[e] for e in g_eid]
    result = [c or gc or gi or nw for c, gc, gi, nw in zip(curated, g_cur, g_inc, new, strict=False)]
    return pd.Series(result, index=events.index, dtype="object")


def _norm_id(value: Any) -> str | None:
    norm = _norm(value)
    return str(value).strip() if norm else None


def _curated_id(value: Any) -> str | None:
    norm = _norm_id(value)
    return norm if norm and not norm.startswith("inc-") else None


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
