"""The keys incident linking compares (linking.py states the rule): comparable places, actors,
action classes, precision windows, curated origins and ids, one value per row or per column.

Columns are mapped once per distinct value or with array operations: a slice of the store
repeats few actions, places and actors, and its incident ids are nearly all distinct, so a
call per row was most of the time of linking an import.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from typing import Any

import numpy as np
import pandas as pd

from conflict_monitor.model.actors import resolve_actor
from conflict_monitor.model.schema import PRECISION_WINDOW_DAYS

MAX_WINDOW_DAYS = max(PRECISION_WINDOW_DAYS.values())
# Datasets whose rows are distinct events by their own coding rules (ACLED Codebook: one event
# per day, location, pair of actors and type; UCDP GED: one event per day and location of
# organised violence), so two rows of one of them are never reports of one incident.
CURATED_ORIGINS: frozenset[str] = frozenset({"acled", "ucdp"})
_VIOLENCE = {"attack": "violence", "kill": "violence"}
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


def action_class(action: object) -> str | None:
    norm = _norm(action)
    return _VIOLENCE.get(norm, norm) if norm else None


def window_days(precision: object) -> int:
    return PRECISION_WINDOW_DAYS.get(str(precision or "day"), 1)


def curated_origin(origin: object) -> str | None:
    norm = _norm(origin)
    return norm if norm in CURATED_ORIGINS else None


def compatible(x: str | None, y: str | None) -> bool:
    return x is None or y is None or x == y



def map_distinct(values: pd.Series, func: Any) -> pd.Series:
    """values.map(func), calling func once per distinct value. A missing value is mapped as
    None: each func here answers NaN, NA and None alike."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.array([*(func(u) for u in np.asarray(uniques, dtype=object)), func(None)], dtype=object)
    return pd.Series(table[codes], index=values.index, dtype=object)


def compute_norm_ids(values: Any) -> np.ndarray:
    """Incident ids as given, stripped; None for a missing or blank one (one array operation
    per column, not a call per row)."""
    raw = pd.Series(np.asarray(values, dtype=object), dtype=object)
    out = np.full(len(raw), None, dtype=object)
    present = raw.notna().to_numpy()
    if present.any():
        text = raw[present].astype(str).str.strip()
        filled = (text.str.len() > 0).to_numpy()
        out[np.flatnonzero(present)[filled]] = text.to_numpy(dtype=object)[filled]
    return out


def compute_is_computed_id(ids: np.ndarray) -> np.ndarray:
    """True where an id (from compute_norm_ids) was made by the linker ('inc-…'), not curated."""
    present = pd.notna(ids)
    out = np.zeros(len(ids), dtype=bool)
    if present.any():
        out[present] = pd.Series(ids[present], dtype=object).str.startswith("inc-").to_numpy(dtype=bool)
    return out


def compute_curated_ids(values: Any) -> np.ndarray:
    """Curated incident ids (given, not 'inc-…'), None elsewhere."""
    ids = compute_norm_ids(values)
    return np.where(compute_is_computed_id(ids), None, ids)
