"""Map build benchmark: this map (one clustered data layer) beside one folium marker per event.

    python benchmarks/bench_map.py [N_EVENTS] [NAIVE_N]
    python benchmarks/bench_map.py --store PATH [--runs N]

The second form measures the Map page's map on a store (e.g. one `bench` or
conflict_monitor.bench.synthetic built): grid cells counted in the store for the first view,
the events of a close-up, and the newest 100,000 events the page drew before; before those, the
page's whole first view of a data version (bench.control.compute_first_view_benchmark: control,
grid and map HTML) on a store just opened (after a start) and again with the store's buffers
warm (after a write: the app's caches are per data version); it prints JSON lines.

Prints build time and HTML size for N_EVENTS synthetic events (default 100,000). The naive
build is run on NAIVE_N events (default 2,000) and extrapolated linearly to N_EVENTS, because
one marker per event for 100k events takes about a minute and ~110 MB; the line says so.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conflict_monitor.bench.maps import NAIVE_N, compute_map_benchmark  # noqa: E402

BUDGET_S, BUDGET_BYTES = 1.5, 5_000_000


def main_store(path: str, runs: int) -> int:
    """The page's map on the store at `path`, with the load average beside the figures."""
    from conflict_monitor.bench.control import compute_control_benchmark, compute_first_view_benchmark  # noqa: PLC0415
    from conflict_monitor.bench.maps import compute_map_store_benchmark  # noqa: PLC0415
    from conflict_monitor.store.factory import open_store  # noqa: PLC0415

    # the first view after a start: a store just opened (its buffers empty), no cache of the app
    store = open_store(path, seed_if_new=False, keep_open=True)
    try:
        first = compute_first_view_benchmark(store)
    finally:
        store.close()
    store = open_store(path, seed_if_new=False, keep_open=True)
    try:
        # the first view after a write: the store's buffers warm, the app's caches empty
        first_after_write = compute_first_view_benchmark(store)
        first["first_view_after_write_s"] = first_after_write["first_view_s"]
        first["first_view_after_write_cpu_s"] = first_after_write["first_view_cpu_s"]
        first["load_average_1min"] = round(os.getloadavg()[0], 2)
        print(json.dumps(first), flush=True)
        result = compute_map_store_benchmark(store, runs)
        result["events"] = store.count_events()
        result["load_average_1min"] = round(os.getloadavg()[0], 2)
        print(json.dumps(result), flush=True)
        control = compute_control_benchmark(store)
    finally:
        store.close()
    control["load_average_1min"] = round(os.getloadavg()[0], 2)
    print(json.dumps(control))
    ok = result["map_agg_build_s"] <= 2.0 and result["map_agg_html_mb"] <= 5 and first["first_view_s"] <= 2.0
    return 0 if ok else 1


def main(argv: list[str]) -> int:
    if len(argv) > 2 and argv[1] == "--store":
        runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 3
        return main_store(argv[2], runs)
    n = int(argv[1]) if len(argv) > 1 else 100_000
    naive_n = int(argv[2]) if len(argv) > 2 else NAIVE_N
    r = compute_map_benchmark(n, naive_n=naive_n)
    ok = r["map_build_s"] < BUDGET_S and r["map_bytes"] < BUDGET_BYTES
    print(f"events: {r['n_events']:,} ({r['events_on_map']:,} with coordinates)")
    print(f"this map (clustered data layer): {r['map_build_s']:.3f} s, {r['map_bytes'] / 1e6:.2f} MB"
          f"  [budget {BUDGET_S} s, {BUDGET_BYTES / 1e6:.0f} MB: {'OK' if ok else 'OVER'}]")
    how = ("measured" if r["naive_measured_n"] == n
           else f"extrapolated from {r['naive_measured_n']:,} events")
    print(f"naive (one folium marker per event): {r['naive_map_build_s']:.3f} s, "
          f"{r['naive_map_bytes'] / 1e6:.2f} MB  ({how})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
