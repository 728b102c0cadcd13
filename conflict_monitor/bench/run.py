"""`python -m conflict_monitor bench`: the dashboard's speed and memory beside the naive way.

Generates N seeded synthetic events into a fresh store, then measures, each as the median of
at least 5 runs: cold start to the first full render of Overview (AppTest, in a new process),
the first paint of a new user's first start in Chromium (benchmarks/first_paint.py),
a filter change recomputing Overview, Timeline and Casualties, the map build with the events in
view, the Map page's map on the store (grid cells; "naive" there is the newest 100,000 events it
drew before), extraction throughput, and peak memory of the app's process. Beside each, the naive way:
pandas.read_csv of a CSV on every rerun, one folium marker per event.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conflict_monitor.bench.naive import compute_naive_pages
from conflict_monitor.metrics import casualties as cm
from conflict_monitor.metrics import timeline as tm
from conflict_monitor.metrics.event_sql import NOT_RUNNING
from conflict_monitor.metrics.key_figures import compute_key_figures
from conflict_monitor.metrics.page_memory import load_page_memory
from conflict_monitor.model.filters import EventFilter
from conflict_monitor.store.base import EventStore
from conflict_monitor.store.factory import open_store

REPO = Path(__file__).resolve().parents[2]
# The naive figures are measured on at most this many events (its pandas page holds them all).
NAIVE_MAX_EVENTS = 1_000_000
# Filter changes a user makes in turn; each is a new cache key, so nothing is served from cache.
FILTER_STEPS: tuple[EventFilter, ...] = (
    EventFilter(actors=("Turkish forces",)),
    EventFilter(date_from=dt.date(2020, 1, 1), date_to=dt.date(2020, 3, 31)),
    EventFilter(actions=("attack", "kill")),
    EventFilter(countries=("TUR",)),
    EventFilter(origins=("acled",), actors=("Syrian government forces",)),
)
_APP_PROBE = """
import os, sys, time
t0 = time.perf_counter()
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=600)
at.run()
assert not at.exception, at.exception
first = time.perf_counter() - t0
for name in sys.argv[2:]:
    at.switch_page(name).run()
    assert not at.exception, at.exception
# what the pages make on threads of their own (a big store's tables in memory) counts too
import threading
for thread in threading.enumerate():
    if thread.name == "page-memory":
        thread.join()
# VmHWM: this process's own peak (ru_maxrss would carry the parent's peak across exec).
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(first, peak_kb / 1024)
"""


def compute_overview_figures(store: EventStore, flt: EventFilter) -> None:
    """What a filter change recomputes for Overview (the loaders in ui/loaders.py)."""
    compute_key_figures(store, flt)
    store.query_events(flt, limit=15)


def compute_timeline_figures(store: EventStore, flt: EventFilter) -> None:
    """What a filter change recomputes for Timeline (ui/metrics_loaders.py and its pandas)."""
    daily = tm.query_daily(store, flt)
    start = flt.date_from or (daily["day"].min() if len(daily) else None)
    end = flt.date_to or (daily["day"].max() if len(daily) else None)
    period = tm.choose_default_period(start, end)
    tm.query_sources(store, flt, NOT_RUNNING)
    tm.compute_escalation_index(daily, period, start, end)
    tm.compute_daily_index(daily, start, end)
    tm.compute_weekly_change(daily, start, end)
    tm.query_key_events(store, flt)
    tm.query_period_samples(store, flt, period)
    tm.compute_pair_index(tm.query_pair_daily(store, flt, 6), period, start, end)


def compute_casualty_figures(store: EventStore, flt: EventFilter) -> None:
    """What a filter change recomputes for Casualties."""
    summary = cm.query_casualty_summary(store, flt)
    tm.query_sources(store, flt, "fatalities IS NOT NULL")
    cm.compute_cumulative(summary.daily)
    cm.query_casualty_reports(store, flt, 1000)


PAGE_FIGURES: dict[str, Callable[[EventStore, EventFilter], None]] = {
    "overview": compute_overview_figures, "timeline": compute_timeline_figures,
    "casualties": compute_casualty_figures,
}


def _median_runs(func: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure_filter_change(store: EventStore, csv_path: Path, runs: int) -> dict[str, float]:
    """Median ms per filter change for each page (ours: SQL in DuckDB), and the naive page's
    (a tutorial page reruns: read_csv of the whole file, then pandas)."""
    out = {}
    # What a big store's pages make once per data version on a thread of their own (the
    # Casualties page's tables in memory) is made first: a filter change is measured between writes.
    load_page_memory(store, wait=True)
    for page, compute in PAGE_FIGURES.items():
        medians = [_median_runs(lambda f=f, compute=compute: compute(store, f), runs) for f in FILTER_STEPS]
        out[page] = statistics.median(medians) * 1000
    naive = [_median_runs(lambda f=f: compute_naive_pages(csv_path, f), max(1, min(runs, 5)))
             for f in FILTER_STEPS[:2]]
    out["naive"] = statistics.median(naive) * 1000
    return out


def measure_cold_start(script: Path, env: dict[str, str], runs: int,
                       pages: tuple[str, ...] = ()) -> tuple[float, float]:
    """Median seconds from a new process to the first full render, and its peak RSS in MB."""
    firsts, peaks = [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", _APP_PROBE, str(script), *pages], cwd=REPO,
                             env=env, capture_output=True, text=True, check=True)
        first, peak = map(float, out.stdout.split()[-2:])
        firsts.append(first)
        peaks.append(peak)
    return statistics.median(firsts), max(peaks)


def measure_first_paint(runs: int) -> dict[str, Any]:
    """benchmarks/first_paint.py in its own process (it needs the dev extras and Chromium)."""
    script = REPO / "benchmarks" / "first_paint.py"
    out = subprocess.run([sys.executable, str(script), "--runs", str(runs), "--json"], cwd=REPO,
                         capture_output=True, text=True, check=False)
    if out.returncode != 0 or not out.stdout.strip():
        return {"first_paint_s": None, "first_paint_note": (out.stderr or out.stdout).strip()[-300:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def _build_store(db: Path, n_events: int) -> None:
    """A store of `n_events` synthetic events at `db`, reused when a run kept it (same count)."""
    from conflict_monitor.bench.synthetic import load_synthetic_store  # noqa: PLC0415

    if db.exists():
        store = open_store(str(db), seed_if_new=False)
        try:
            if store.count_events() == n_events:
                return
        finally:
            store.close()
    db.unlink(missing_ok=True)
    load_synthetic_store(db, n_events).close()


def write_naive_csv(work: Path, db: Path, n_events: int) -> tuple[Path, int]:
    """The naive dashboard's CSV: every event of the store, or, beyond NAIVE_MAX_EVENTS (a CSV
    of ten million rows does not fit a pandas page in memory), the first NAIVE_MAX_EVENTS
    synthetic events from a store of their own. Returns the path and its number of events."""
    from conflict_monitor.exporters.tables import make_csv_text  # noqa: PLC0415

    naive_events = min(n_events, NAIVE_MAX_EVENTS)
    source = db
    if naive_events < n_events:
        source = work / f"bench-{naive_events}.duckdb"
        _build_store(source, naive_events)
    store = open_store(str(source), seed_if_new=False)
    try:
        csv_path = work / f"events-{naive_events}.csv"
        csv_path.write_text(make_csv_text(store.query_events(order_by="event_date ASC")))
    finally:
        store.close()
    return csv_path, naive_events


def run_benchmark(n_events: int, runs: int = 5, map_events: int = 100_000,
                  extract_articles: int = 40, workdir: Path | None = None) -> dict[str, Any]:
    """Every measurement, as one dict (the --json keys). With `workdir`, its stores are kept
    and a later run with the same number of events reuses them (generation takes ~15 s a
    million events)."""
    from conflict_monitor.bench.extract import compute_extract_throughput  # noqa: PLC0415
    from conflict_monitor.bench.imports import measure_import  # noqa: PLC0415
    from conflict_monitor.bench.maps import compute_map_benchmark, compute_map_store_benchmark  # noqa: PLC0415

    if workdir is None:  # a scratch folder of ~0.5 GB a million events, removed afterwards
        with tempfile.TemporaryDirectory(prefix="cm-bench-") as scratch:
            return run_benchmark(n_events, runs, map_events, extract_articles, Path(scratch))
    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    db = work / f"bench-{n_events}.duckdb"
    _build_store(db, n_events)
    csv_path, naive_events = write_naive_csv(work, db, n_events)
    # Opened as the dashboard opens it: one instance for the process, buffers kept warm.
    store = open_store(str(db), seed_if_new=False, keep_open=True)
    per_page = measure_filter_change(store, csv_path, runs)
    map_store = compute_map_store_benchmark(store, min(runs, 3))  # the Map page's map on this store
    store.close()  # the cold-start processes open the file next
    filter_ms = max(per_page[p] for p in PAGE_FIGURES)  # the slowest page
    env = dict(os.environ, CONFLICT_MONITOR_DB=str(db), NAIVE_CSV=str(csv_path))
    cold, peak = measure_cold_start(REPO / "dashboard.py", env, runs,
                                    ("pages/timeline.py", "pages/casualties.py"))
    naive_cold, naive_peak = measure_cold_start(REPO / "benchmarks" / "naive_app.py", env, runs)
    map_figures = compute_map_benchmark(min(map_events, n_events))
    extract = compute_extract_throughput(extract_articles)
    first_paint = measure_first_paint(max(3, runs // 2))
    imports = measure_import(work)
    return {
        "events": n_events, "runs": runs, "naive_events": naive_events,
        "cold_start_s": round(cold, 3), "naive_cold_start_s": round(naive_cold, 3),
        "filter_ms": round(filter_ms, 1), "naive_filter_ms": round(per_page["naive"], 1),
        **{f"filter_ms_{page}": round(per_page[page], 1) for page in PAGE_FIGURES},
        "map_events": min(map_events, n_events),
        "map_build_s": round(map_figures["map_build_s"], 3), "map_bytes": int(map_figures["map_bytes"]),
        "naive_map_build_s": round(map_figures["naive_map_build_s"], 3),
        "naive_map_bytes": int(map_figures.get("naive_map_bytes", 0)),
        **map_store,
        "extract_articles_per_s": round(float(extract.get("articles_per_second", 0.0)), 1),
        "peak_rss_mb": round(peak, 1), "naive_peak_rss_mb": round(naive_peak, 1),
        **first_paint, **imports,
    }


def format_table(result: dict[str, Any]) -> str:
    """The figures as a text table: ours, naive, ratio."""
    rows = [
        ("cold start to Overview (s)", result["cold_start_s"], result["naive_cold_start_s"]),
        *((f"filter change, {page} (ms)", result[f"filter_ms_{page}"], result["naive_filter_ms"])
          for page in PAGE_FIGURES),
        (f"map build, {result['map_events']:,} events (s)", result["map_build_s"],
         result["naive_map_build_s"]),
        ("map HTML (MB)", result["map_bytes"] / 1e6, result["naive_map_bytes"] / 1e6 or None),
        ("Map page's map, grid cells (s)", result["map_agg_build_s"], result["map_old_build_s"]),
        ("Map page's map, cells HTML (MB)", result["map_agg_html_mb"], result["map_old_html_mb"]),
        ("peak memory of the app (MB)", result["peak_rss_mb"], result["naive_peak_rss_mb"]),
        ("extraction (articles/s, 1 core)", result["extract_articles_per_s"], None),
        ("first paint, fresh store (s)", result.get("first_paint_s") or 0.0, None),
        ("import, ACLED (rows/s, linking apart)", result.get("import_rows_per_s") or 0.0, None),
    ]
    naive_note = (f" (naive: {result['naive_events']:,} events)"
                  if result.get("naive_events", result["events"]) != result["events"] else "")
    lines = [f"{result['events']:,} events, median of {result['runs']} runs{naive_note}",
             f"{'measure':34} {'ours':>10} {'naive':>10} {'naive/ours':>11}"]
    for name, ours, naive in rows:
        ratio = f"{naive / ours:.1f}x" if naive and ours else "-"
        naive_text = f"{naive:.3f}" if naive else "-"
        lines.append(f"{name:34} {ours:>10.3f} {naive_text:>10} {ratio:>11}")
    return "\n".join(lines)
