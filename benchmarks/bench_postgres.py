"""Benchmark: the pages' filter change on a PostgreSQL store of N synthetic events.

    python benchmarks/bench_postgres.py --url postgresql://USER:PW@127.0.0.1:5432/DB --events N
        [--schema NAME] [--runs R] [--keep]

Makes schema NAME (default bench_pg_N) in the database at --url, loads N seeded synthetic events
by COPY (conflict_monitor.bench.synthetic_pg: the same events as `python -m conflict_monitor
bench --events N` puts in DuckDB), then measures what `bench` measures as filter_ms_overview,
_timeline and _casualties: the median over the five filter steps of the median of R runs.
Prints one JSON object (load time, per-page ms, the load average before and after). The schema
is dropped afterwards unless --keep; a kept schema of N events is reused by the next run.
A store of 10M events takes ~7 GB of disk and ~10 minutes to load on the 2-core build machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg  # noqa: E402

from conflict_monitor.bench.run import FILTER_STEPS, PAGE_FIGURES, _median_runs  # noqa: E402
from conflict_monitor.bench.synthetic_pg import load_synthetic_postgres  # noqa: E402
from conflict_monitor.store.postgres import PostgresStore  # noqa: E402


def schema_url(base: str, schema: str) -> str:
    """`base` with search_path set to `schema` (libpq's options parameter)."""
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}options={quote(f'-csearch_path={schema}')}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="postgresql:// URL of a database to work in")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--schema", default=None, help="schema to create (default bench_pg_N)")
    parser.add_argument("--runs", type=int, default=3, help="runs per filter step (median)")
    parser.add_argument("--keep", action="store_true", help="keep the schema for a later run")
    args = parser.parse_args()
    schema = args.schema or f"bench_pg_{args.events}"
    if not schema.replace("_", "").isalnum():
        parser.error("--schema: letters, digits and underscores only")
    url = schema_url(args.url, schema)
    with psycopg.connect(args.url, autocommit=True) as con:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")  # checked above: a plain name
    result = {"events": args.events, "runs": args.runs, "load_before": os.getloadavg()[0]}
    try:
        store = PostgresStore(url)
        if store.is_empty():
            start = time.perf_counter()
            load_synthetic_postgres(url, args.events)
            result["load_s"] = round(time.perf_counter() - start, 1)
        elif store.count_events() != args.events:
            parser.error(f"schema {schema} holds another number of events; drop it or pick another")
        for page, compute in PAGE_FIGURES.items():
            medians = [_median_runs(lambda f=f, c=compute: c(store, f), args.runs) for f in FILTER_STEPS]
            result[f"filter_ms_{page}"] = round(statistics.median(medians) * 1000, 1)
            result[f"filter_ms_{page}_steps"] = [round(m * 1000) for m in medians]
        result["load_after"] = os.getloadavg()[0]
    finally:
        if not args.keep:
            with psycopg.connect(args.url, autocommit=True) as con:
                con.execute(f"DROP SCHEMA {schema} CASCADE")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
