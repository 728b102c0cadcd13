"""How long the map takes to build with many events, and how big its HTML is, beside the naive
folium build (one folium.CircleMarker with a Popup per event, CDN assets).

The naive build is measured on at most `naive_n` events and extrapolated linearly to
`n_events` (it is roughly linear: one Python object, one template render and one JS block per
marker); the result says how many events it really built.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import folium
import pandas as pd

from conflict_monitor.maps.idlib import build_idlib_map, render_map_html
from conflict_monitor.maps.sites import compute_site_status_as_of
from conflict_monitor.store.reference import load_posts

NAIVE_N = 2000


def make_events(n: int, seed: int = 0) -> pd.DataFrame:
    """Synthetic events from conflict_monitor.bench.synthetic (the shared generator)."""
    from conflict_monitor.bench.synthetic import make_synthetic_events  # noqa: PLC0415

    return make_synthetic_events(n, seed)


def build_naive_map_html(events: pd.DataFrame) -> str:
    """The naive map: one folium marker with its own popup per event."""
    m = folium.Map(location=[35.8, 36.6], zoom_start=9)
    for row in events.dropna(subset=["latitude", "longitude"]).itertuples(index=False):
        popup = f"{row.event_date} {row.action}: {row.actor1} → {row.actor2}, {row.fatalities} deaths"
        folium.CircleMarker([row.latitude, row.longitude], radius=5,
                            popup=folium.Popup(popup)).add_to(m)
    return m.get_root().render()


def _posts() -> tuple[pd.DataFrame, pd.DataFrame]:
    sites, statuses = load_posts()
    return pd.DataFrame(sites), pd.DataFrame(statuses)


def compute_map_benchmark(n_events: int, naive_n: int = NAIVE_N, seed: int = 0) -> dict[str, Any]:
    """Build time (s) and HTML size (bytes) of this map and of the naive one for n_events.

    Keys: map_build_s, map_bytes, naive_map_build_s, naive_map_bytes (extrapolated when
    naive_measured_n < n_events), naive_measured_n, n_events, events_on_map.
    """
    events = make_events(n_events, seed)
    sites, statuses = _posts()
    as_of = max(pd.to_datetime(events["event_date"]).max().date(), dt.date(2020, 2, 13))
    posts = compute_site_status_as_of(sites, statuses, as_of)
    build_idlib_map(posts, statuses, events.head(10), as_of)  # warm caches (assets read once)

    start = time.perf_counter()
    html = render_map_html(build_idlib_map(posts, statuses, events, as_of))
    map_s = time.perf_counter() - start

    measured = min(n_events, naive_n)
    start = time.perf_counter()
    naive_html = build_naive_map_html(events.head(measured))
    naive_s = time.perf_counter() - start
    scale = n_events / measured if measured else 0.0
    return {
        "n_events": n_events, "events_on_map": int(events["latitude"].notna().sum()),
        "map_build_s": round(map_s, 3), "map_bytes": len(html.encode("utf-8")),
        "naive_map_build_s": round(naive_s * scale, 3),
        "naive_map_bytes": int(len(naive_html.encode("utf-8")) * scale),
        "naive_measured_n": measured,
    }
