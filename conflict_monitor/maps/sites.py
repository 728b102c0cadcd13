"""Fixed sites (the observation posts) over time, and point lookups for the map.

Pure functions over DataFrames: no Streamlit, no folium.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd

from conflict_monitor.exporters.tables import make_geojson
from conflict_monitor.geo.distance import compute_distances_km
from conflict_monitor.model.filters import EventFilter

NOT_ESTABLISHED = "not established"
# When two statuses start the same day, the later stage wins.
_STATUS_RANK = {"planned": 0, "active": 1, "encircled": 2, "evacuated": 3, "closed": 4}


def _as_date(value: Any) -> dt.date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _sorted_statuses(statuses: pd.DataFrame) -> pd.DataFrame:
    frame = statuses.copy()
    frame["status_from"] = frame["status_from"].map(_as_date)
    frame["_rank"] = frame["status"].map(_STATUS_RANK).fillna(9)
    return frame.sort_values(["site_id", "status_from", "_rank"], kind="stable")


def compute_site_status_as_of(sites: pd.DataFrame, statuses: pd.DataFrame,
                              as_of: dt.date | str) -> pd.DataFrame:
    """One row per site: its columns plus `status` on `as_of` (the last status that began on
    or before that day, or "not established"), `status_from`, `status_date_approx` and
    `status_source_url`."""
    day = _as_date(as_of)
    if day is None:
        raise ValueError(f"as_of: expected a date (YYYY-MM-DD), got {as_of!r}")
    out = sites.copy().reset_index(drop=True)
    current: dict[str, dict[str, Any]] = {}
    if not statuses.empty:
        for row in _sorted_statuses(statuses).to_dict("records"):
            if row["status_from"] is not None and row["status_from"] <= day:
                current[row["site_id"]] = row  # sorted oldest first: the last one wins
    picked = [current.get(site_id, {}) for site_id in out["site_id"]]
    out["status"] = [p.get("status", NOT_ESTABLISHED) for p in picked]
    out["status_from"] = [p.get("status_from") for p in picked]
    out["status_date_approx"] = [bool(p.get("date_approx", False)) for p in picked]
    out["status_source_url"] = [p.get("source_url") for p in picked]
    return out


def compute_site_history(statuses: pd.DataFrame, site_id: str) -> list[dict[str, Any]]:
    """Status changes of one site, oldest first, as plain dicts."""
    if statuses.empty:
        return []
    rows = _sorted_statuses(statuses[statuses["site_id"] == site_id])
    return [{k: v for k, v in r.items() if k != "_rank"} for r in rows.to_dict("records")]


def compute_status_dates(statuses: pd.DataFrame) -> list[dt.date]:
    """Every day on which some site changed status, sorted (for stepping the map)."""
    days = {_as_date(v) for v in statuses.get("status_from", [])}
    return sorted(d for d in days if d is not None)


def find_clicked(lat: float, lon: float, posts: pd.DataFrame, events: pd.DataFrame, *,
                 max_km: float = 25.0, post_km: float = 3.0, place_km: float = 0.5
                 ) -> tuple[dict[str, Any] | None, pd.DataFrame]:
    """What a click at (lat, lon) points at: (the post, or None; the events there).

    The nearest mapped thing within max_km wins. A post brings the events within post_km of
    it; an event brings every event at the same place (within place_km of it).
    """
    empty = events.iloc[0:0]
    best_post, post_d = None, math.inf
    if not posts.empty:
        d = compute_distances_km(lat, lon, posts["latitude"], posts["longitude"])
        i = int(np.argmin(d))
        best_post, post_d = posts.iloc[i].to_dict(), float(d[i])
    located = events.dropna(subset=["latitude", "longitude"]) if not events.empty else empty
    event_d, here = math.inf, None
    if not located.empty:
        d = compute_distances_km(lat, lon, located["latitude"], located["longitude"])
        i = int(np.argmin(d))
        event_d, here = float(d[i]), located.iloc[i]
    if min(post_d, event_d) > max_km:
        return None, empty
    if post_d <= event_d or post_d <= 0.2:
        near = compute_distances_km(best_post["latitude"], best_post["longitude"],
                                   located["latitude"], located["longitude"]) if not located.empty else []
        return best_post, located[np.asarray(near) <= post_km] if len(near) else empty
    d = compute_distances_km(here["latitude"], here["longitude"], located["latitude"], located["longitude"])
    return None, located[d <= place_km]


def make_map_geojson(posts: pd.DataFrame, events: pd.DataFrame, as_of: dt.date) -> dict[str, Any]:
    """The map's visible layers as one GeoJSON FeatureCollection (RFC 7946, WGS84): the posts
    with their status on `as_of`, then the events shown. Each feature has a `layer` property."""
    post_cols = [c for c in ("site_id", "name", "alt_names", "latitude", "longitude",
                             "coord_confidence", "established", "status", "status_from",
                             "status_date_approx", "status_source_url", "admin1") if c in posts]
    post_json = make_geojson(posts[post_cols].assign(layer="observation_post", as_of=as_of))
    event_json = make_geojson(events.assign(layer="event"))
    return {"type": "FeatureCollection",
            "features": post_json["features"] + event_json["features"]}


def compute_as_of_filter(flt: EventFilter, as_of: dt.date, window_days: int | None = None
                         ) -> EventFilter:
    """The filter narrowed to events on or before as_of (and within window_days before it), so
    the store returns only what the map draws, as select_events_as_of would pick."""
    date_to = min(flt.date_to, as_of) if flt.date_to else as_of
    date_from = flt.date_from
    if window_days:
        start = as_of - dt.timedelta(days=window_days - 1)
        date_from = max(date_from, start) if date_from else start
    return flt.with_changes(date_from=date_from, date_to=date_to)


def select_events_as_of(events: pd.DataFrame, as_of: dt.date, window_days: int | None = None
                        ) -> pd.DataFrame:
    """Events on or before as_of (and, with window_days, within that many days before it)."""
    if events.empty:
        return events
    days = pd.to_datetime(events["event_date"])
    keep = days <= pd.Timestamp(as_of)
    if window_days:
        keep &= days > pd.Timestamp(as_of) - pd.Timedelta(days=window_days)
    return events[keep]
