"""Map build benchmark: this map (one clustered data layer) beside one folium marker per event.

    python benchmarks/bench_map.py [N_EVENTS] [NAIVE_N]

Prints build time and HTML size for N_EVENTS synthetic events (default 100,000). The naive
build is run on NAIVE_N events (default 2,000) and extrapolated linearly to N_EVENTS, because
one marker per event for 100k events takes about a minute and ~110 MB; the line says so.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conflict_monitor.bench.maps import NAIVE_N, compute_map_benchmark  # noqa: E402

BUDGET_S, BUDGET_BYTES = 1.5, 5_000_000


def main(argv: list[str]) -> int:
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
