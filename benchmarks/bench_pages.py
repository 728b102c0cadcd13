"""Benchmark: server-side time for a filter change to recompute the Timeline and Casualties
figures on a synthetic store (target < 0.5 s each at 1,000,000 events).

    python benchmarks/bench_pages.py [--events N] [--db PATH] [--repeat R] [--writer SECONDS]

--writer runs a CLI-style writer process beside it (issue 14: readers and writers at once):
every SECONDS it opens the store, adds one event and closes it, so the page's store (kept open
as the dashboard keeps it) steps aside and reopens for each write.

It does what each page does on a cache miss (queries, pandas, plotly figures and their JSON,
which Streamlit sends), without the browser. The store is built once with
conflict_monitor.bench.synthetic (kept at --db if given, reused when it already holds N events).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conflict_monitor.bench.synthetic import load_synthetic_store  # noqa: E402
from conflict_monitor.figures.casualties import make_claims_figure, make_cumulative_figure, make_totals_figure  # noqa: E402
from conflict_monitor.figures.common import format_sources, make_caption  # noqa: E402
from conflict_monitor.figures.timeline import make_escalation_figure, make_events_figure, make_pairs_figure  # noqa: E402
from conflict_monitor.metrics import casualties as cm  # noqa: E402
from conflict_monitor.metrics import timeline as tm  # noqa: E402
from conflict_monitor.metrics.event_sql import NOT_RUNNING
from conflict_monitor.model.filters import EventFilter  # noqa: E402
from conflict_monitor.store.factory import open_store  # noqa: E402

FILTERS = {
    "no filter": EventFilter(),
    "actor Turkey": EventFilter(actors=("Turkey",)),
    "Dec 2019 - Mar 2020": EventFilter(date_from=dt.date(2019, 12, 1), date_to=dt.date(2020, 3, 31)),
    "kill + attack": EventFilter(actions=("kill", "attack")),
    "Syrian gov. forces, 2020": EventFilter(actors=("Syrian government forces",),
                                            date_from=dt.date(2020, 1, 1)),
}


def compute_timeline(store, flt: EventFilter) -> list:
    """The Timeline page's work for one filter: every figure, serialised."""
    daily = tm.query_daily(store, flt)
    start = pd.Timestamp(flt.date_from) if flt.date_from else daily["day"].min()
    end = pd.Timestamp(flt.date_to) if flt.date_to else daily["day"].max()
    period = tm.choose_default_period(start, end)
    caption = make_caption(flt.describe(), format_sources(tm.query_sources(store, flt, NOT_RUNNING)))
    index = tm.compute_escalation_index(daily, period, start, end)
    figures = [
        make_escalation_figure(index, tm.compute_daily_index(daily, start, end),
                                      tm.compute_weekly_change(daily, start, end), tm.query_key_events(store, flt),
                                      tm.query_period_samples(store, flt, period), period, caption),
        make_events_figure(tm.compute_period_counts(daily, period, "action"), period, "action", caption),
        make_pairs_figure(tm.compute_pair_index(tm.query_pair_daily(store, flt, 6), period, start, end),
                                 period, caption),
    ]
    return [f.to_json() for f in figures]


def compute_casualties(store, flt: EventFilter) -> list:
    """The Casualties page's work for one filter: summary, tables, every figure, serialised."""
    summary = cm.query_casualty_summary(store, flt)
    caption = make_caption(flt.describe(), format_sources(
        tm.query_sources(store, flt, "fatalities IS NOT NULL")))
    reports = cm.query_casualty_reports(store, flt, 1000)
    figures = [make_totals_figure(summary.totals, dim, dim, caption)
               for dim in ("victim_group", "actor1", "nationality", "claimant")]
    figures += [make_claims_figure(summary.conflicts, caption),
                make_cumulative_figure(cm.compute_cumulative(summary.daily), summary.running, caption)]
    cm.compute_claims_table(summary.conflicts.head(30))
    return [f.to_json() for f in figures] + [len(reports)]


# The writer: a separate interpreter, as `python -m conflict_monitor ingest` would be.
WRITER = """
import sys, time
from conflict_monitor.store.factory import open_store
store, pause, n = open_store(sys.argv[1], seed_if_new=False), float(sys.argv[2]), 0
while True:
    store.upsert_events([{"origin": "manual", "event_date": "2020-03-01", "action": "other",
                          "actor1": "bench writer", "location": f"write {time.time_ns()}"}])
    n += 1
    print(n, flush=True)
    time.sleep(pause)  # the writer's own pace
"""


def start_writer(db: Path, pause: float) -> subprocess.Popen:
    """The writer process; it has written once when this returns."""
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(pause)],
                            cwd=Path(__file__).resolve().parents[1], stdout=subprocess.PIPE, text=True)
    proc.stdout.readline()
    return proc


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=None, help="store file to build or reuse")
    parser.add_argument("--repeat", type=int, default=3, help="runs per filter (median reported)")
    parser.add_argument("--writer", type=float, default=None, metavar="SECONDS",
                        help="a writer process adds an event every SECONDS meanwhile")
    args = parser.parse_args()
    db = args.db or Path(tempfile.mkdtemp(prefix="bench_pages_")) / "synthetic.duckdb"
    store = open_store(str(db), seed_if_new=False, keep_open=True) if db.exists() else None
    if store is None or store.count_events() != args.events:
        if db.exists():
            db.unlink()
        t0 = time.perf_counter()
        store = load_synthetic_store(db, args.events)
        print(f"built {args.events:,} synthetic events in {time.perf_counter() - t0:.1f} s at {db}")
    writer = None
    if args.writer is not None:
        store.close()
        writer = start_writer(db, args.writer)
        store = open_store(str(db), seed_if_new=False, keep_open=True)
        print(f"a writer process adds an event every {args.writer} s meanwhile")
    print(f"store: {store.count_events():,} events; server-side wall time (and CPU time of all "
          f"threads), median of {args.repeat}; every run is a cache miss, as after a filter change")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    print(f"{'filter':<28}{'rows':>10}{'timeline s':>16}{'casualties s':>18}")
    worst = {"timeline": 0.0, "casualties": 0.0}
    for name, flt in FILTERS.items():
        times: dict[str, list[tuple[float, float]]] = {"timeline": [], "casualties": []}
        for _ in range(args.repeat):
            for page, func in (("timeline", compute_timeline), ("casualties", compute_casualties)):
                t0, c0 = time.perf_counter(), time.process_time()
                func(store, flt)
                times[page].append((time.perf_counter() - t0, time.process_time() - c0))
        med = {page: (statistics.median(v[0] for v in values), statistics.median(v[1] for v in values))
               for page, values in times.items()}
        for page in worst:
            worst[page] = max(worst[page], med[page][0])
        cells = "".join(f"{f'{w:.3f} ({c:.3f})':>16}" if page == "timeline" else f"{f'{w:.3f} ({c:.3f})':>18}"
                        for page, (w, c) in med.items())
        print(f"{name:<28}{store.count_events(flt):>10,}{cells}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if writer is not None:
        writer.terminate()
        writes = len(writer.communicate()[0].split())
        print(f"the writer wrote {writes + 1} times meanwhile")
    verdict = all(v < 0.5 for v in worst.values())
    print(f"worst median wall time: timeline {worst['timeline']:.3f} s, casualties {worst['casualties']:.3f} s "
          f"-> {'within' if verdict else 'ABOVE'} the 0.5 s target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
