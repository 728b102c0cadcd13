"""Candidate pairs for incident linking (linking.py states the rule), found by blocking in DuckDB.

Blocking as in record linkage: candidate pairs only come from rows of the same action class in
neighbouring 32-day buckets that share a place name or neighbouring 0.1° x 0.2° grid cells, so
a million rows cost about n x (reports per place and month), not n². The join then applies the
whole pair rule, so every pair it returns matches.

Two rows of one curated dataset never match, so one side of every pair lies outside the
dataset with the most rows in the slice: only those rows are joined with all the others. A
slice holding one dataset alone (an ACLED file imported into a store with nothing else in
those years) has no candidate pair, and no join is run.
"""

from __future__ import annotations

import tempfile
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from conflict_monitor.geo.distance import make_distance_sql
from conflict_monitor.store.link_keys import (
    MAX_WINDOW_DAYS,
    action_class,
    actor_key,
    compute_curated_ids,
    curated_origin,
    map_distinct,
    place_key,
    window_days,
)

LINK_RADIUS_KM = 10.0
_BUCKET_DAYS = MAX_WINDOW_DAYS + 1  # neighbouring buckets cover every window
_CELL_LAT, _CELL_LON = 0.1, 0.2  # degrees; >= 10 km up to 63° of latitude


def compute_link_features(events: pd.DataFrame) -> pd.DataFrame:
    """One row per linkable event with the blocking keys (positions in `i`)."""
    dates = pd.to_datetime(events["event_date"], errors="coerce")
    running = events["is_running_total"].fillna(False).astype(bool) if "is_running_total" in events \
        else pd.Series(False, index=events.index)

    def col(name):
        return (events[name] if name in events else pd.Series(None, index=events.index))
    feat = pd.DataFrame({
        "i": np.arange(len(events)),
        "day": (dates - pd.Timestamp("1970-01-01")).dt.days.to_numpy(),
        "win": map_distinct(col("date_precision"), window_days).astype("int64").to_numpy(),
        "cls": map_distinct(col("action"), action_class).to_numpy(),
        "place": map_distinct(col("location"), lambda v: place_key(v) if isinstance(v, str) else None).to_numpy(),
        "lat": pd.to_numeric(col("latitude"), errors="coerce").to_numpy(),
        "lon": pd.to_numeric(col("longitude"), errors="coerce").to_numpy(),
        "a1": map_distinct(col("actor1"), lambda v: actor_key(v) if isinstance(v, str) else None).to_numpy(),
        "a2": map_distinct(col("actor2"), lambda v: actor_key(v) if isinstance(v, str) else None).to_numpy(),
        "corg": map_distinct(col("origin"), curated_origin).to_numpy(),
        "cur": compute_curated_ids(col("incident_id")),
    })
    keep = feat["day"].notna().to_numpy() & feat["cls"].notna().to_numpy() & ~running.to_numpy()
    feat = feat[keep].copy()
    feat["day"] = feat["day"].astype("int64")
    feat["db"] = feat["day"] // _BUCKET_DAYS
    feat["gy"] = np.floor(feat["lat"] / _CELL_LAT).astype("Int64")
    feat["gx"] = np.floor(feat["lon"] / _CELL_LON).astype("Int64")
    for name in ("cls", "place", "a1", "a2", "corg", "cur"):
        feat[name] = feat[name].astype(object)
    return feat


# Symmetric in a and b (the distance too: it squares the differences' sines).
_ACTORS_OK = """(((a.a1 IS NULL OR b.a1 IS NULL OR a.a1 = b.a1) AND (a.a2 IS NULL OR b.a2 IS NULL OR a.a2 = b.a2))
  OR ((a.a1 IS NULL OR b.a2 IS NULL OR a.a1 = b.a2) AND (a.a2 IS NULL OR b.a1 IS NULL OR a.a2 = b.a1)))
  AND abs(a.day - b.day) <= greatest(a.win, b.win)
  AND (a.corg IS NULL OR b.corg IS NULL OR a.corg <> b.corg)
  AND (a.cur IS NULL OR b.cur IS NULL OR a.cur = b.cur)"""
_OFFSETS = "(VALUES (-1), (0), (1))"


def _pairs_sql(left: str, order: str) -> str:
    """The blocked join of the rows of `left` (expanded to their neighbouring buckets and
    cells) with all rows of `feat` under `order` (a.i < b.i, or a.i <> b.i), as (i, j), i < j."""
    return f"""
WITH by_name AS (SELECT f.*, f.db + o.o AS jb FROM {left} f, {_OFFSETS} o(o) WHERE f.place IS NOT NULL),
by_cell AS (SELECT f.*, f.db + o.o AS jb, f.gy + p.p AS jy, f.gx + q.q AS jx
            FROM {left} f, {_OFFSETS} o(o), {_OFFSETS} p(p), {_OFFSETS} q(q)
            WHERE f.gy IS NOT NULL AND f.gx IS NOT NULL)
SELECT least(a.i, b.i) AS i, greatest(a.i, b.i) AS j FROM by_name a JOIN feat b
  ON a.cls = b.cls AND a.place = b.place AND a.jb = b.db AND {order}
WHERE {_ACTORS_OK}
UNION
SELECT least(a.i, b.i), greatest(a.i, b.i) FROM by_cell a JOIN feat b
  ON a.cls = b.cls AND a.jb = b.db AND a.jy = b.gy AND a.jx = b.gx AND {order}
WHERE {_ACTORS_OK}
  AND {make_distance_sql("a.lat", "a.lon", "b.lat", "b.lon")} <= {LINK_RADIUS_KM}
"""


# `twin` keeps each row of a curated dataset apart: its identical rows are distinct events.
_SAME_KEY = ["cls", "day", "win", "a1", "a2", "place", "lat", "lon", "cur"]


def compute_representatives(feat: pd.DataFrame) -> np.ndarray:
    """Each linkable row's twin representative (a position): the first of the rows identical
    in every feature the rule reads, among rows of no curated dataset (a curated row is its
    own: its identical rows are distinct events)."""
    same = feat["i"].to_numpy().copy()
    free = feat["corg"].isna().to_numpy()
    if free.sum() > 1:
        grouped = feat[free].groupby(_SAME_KEY, dropna=False, sort=False)["i"].transform("min")
        same[free] = grouped.to_numpy()
    return same


def _coded(reps: pd.DataFrame) -> pd.DataFrame:
    """The rows as DuckDB joins them: each text key as an integer code (NULL stays NULL), so
    the join compares and hashes numbers, not Python strings scanned from pandas. Codes are
    shared by both sides of the join (one table), and a1 and a2 share one code space (the rule
    compares them crosswise), so equal codes mean equal keys."""
    out = reps[["i", "day", "win", "lat", "lon", "db", "gy", "gx"]].copy()

    def nullable(codes: np.ndarray) -> pd.arrays.IntegerArray:
        return pd.arrays.IntegerArray(codes.astype("int64"), mask=codes < 0)
    for name in ("cls", "place", "corg", "cur"):
        out[name] = nullable(pd.factorize(reps[name].to_numpy(dtype=object), use_na_sentinel=True)[0])
    actors = pd.factorize(np.concatenate([reps["a1"].to_numpy(dtype=object),
                                          reps["a2"].to_numpy(dtype=object)]), use_na_sentinel=True)[0]
    out["a1"], out["a2"] = nullable(actors[:len(reps)]), nullable(actors[len(reps):])
    return out


def candidate_pairs(events: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """The linkable rows' features, and for each of them its twin representative (position
    in `events`), and the positions (i, j), i < j, of every matching pair of representatives.

    Rows identical in every feature the rule reads (action class, day, window, actors, place,
    coordinates; not rows of a curated dataset) match one another and the same other rows, so
    only the first of them, its representative, joins the blocked self-join in DuckDB and the
    others follow it: a dense file (hundreds of reports of one place and day) then costs its
    distinct reports, not their square."""
    feat = compute_link_features(events)
    same = compute_representatives(feat)
    none = np.empty(0, dtype="int64")
    reps = feat[feat["i"].to_numpy() == same]
    counts = reps["corg"].value_counts()  # curated datasets only (None is not counted)
    largest = counts.index[0] if len(counts) else None
    outside = reps["corg"].ne(largest).to_numpy() if largest is not None else np.ones(len(reps), bool)
    if len(reps) < 2 or not outside.any():
        return feat, same, none, none
    # spilled pages go to a directory of the system's temporary files, not to DuckDB's default
    # `.tmp` in the working directory (a relink killed at ten million events left 383 MB there)
    with tempfile.TemporaryDirectory(prefix="cm-link-") as spill:
        return feat, same, *_query_pairs(reps, outside, largest, spill)


def _query_pairs(reps: pd.DataFrame, outside: np.ndarray, largest: Any,
                 spill: str) -> tuple[np.ndarray, np.ndarray]:
    """The blocked self-join of the representatives in an in-memory DuckDB spilling to `spill`."""
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute("SET temp_directory = ?", [spill])
        con.execute("SET memory_limit = '256MB'")  # one slice of the store: spill rather than grow
        coded = _coded(reps)
        con.register("feat", coded)
        if largest is None:
            pairs = con.execute(_pairs_sql("feat", "a.i < b.i")).fetchnumpy()
        else:  # rows of `largest` never pair with one another: one side is from `outside`
            con.register("outside", coded[outside])
            pairs = con.execute(_pairs_sql("outside", "a.i <> b.i")).fetchnumpy()
    finally:
        con.close()
    return np.asarray(pairs["i"], dtype="int64"), np.asarray(pairs["j"], dtype="int64")
