"""Import generated ACLED, UCDP GED and GDELT files through the CLI's import and print rows per
second per format, the time of each stage (linking apart) and peak memory.

    python benchmarks/bench_import.py --rows 300000 [--formats acled,ucdp,gdelt]
        [--engine auto|python] [--keep DIR] [--pg postgresql://...]

Each file (conflict_monitor/bench/import_files.py: 20 years, 20,000 places; ACLED about 500
bytes a row, so 4,000,000 rows is about 2 GB) is imported into a fresh DuckDB store by
`import_file` in a child process, which reports its own peak resident memory (VmHWM).
`rows/s` counts reading, validating and storing; linking the new reports to incidents is
printed apart (a file of more than 200,000 new rows is linked after it is stored). With --pg
the store is a new schema of that PostgreSQL database (dropped afterwards). The CPU
seconds of the child (all its threads, start-up and linking included) show the cost apart
from the machine's load.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from conflict_monitor.bench.import_files import WRITERS  # noqa: E402

_CHILD = """
import json, resource, sys, time
from conflict_monitor.importers import import_file
from conflict_monitor.store.factory import open_store
store = open_store(sys.argv[2], seed_if_new=False)
began = time.perf_counter()
result = import_file(store, sys.argv[1], engine=sys.argv[3])
total = time.perf_counter() - began
usage = resource.getrusage(resource.RUSAGE_SELF)
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
print(json.dumps({"total": total, "seconds": result.seconds, "engine": result.engine,
                  "cpu_seconds": result.cpu_seconds,
                  "added": result.added, "peak_mb": peak, "cpu": usage.ru_utime + usage.ru_stime,
                  "summary": result.summary()}))
"""


def run_one(fmt: str, rows: int, workdir: Path, engine: str, pg: str | None = None) -> dict:
    """Write one file, import it in a child process; its figures."""
    path = workdir / f"{fmt}.{'tsv' if fmt == 'gdelt' else 'csv'}"
    store = workdir / f"{fmt}.duckdb"
    for stale in (store, Path(f"{store}.wal")):
        stale.unlink(missing_ok=True)
    if not path.exists():
        WRITERS[fmt](path, rows)
    with _pg_schema(pg) as url:
        return _import_child(fmt, rows, path, url or str(store), engine)


@contextlib.contextmanager
def _pg_schema(base: str | None) -> Iterator[str | None]:
    """A new schema of the PostgreSQL database `base` for one run (None: DuckDB)."""
    if not base:
        yield None
        return
    import psycopg

    schema = f"bench_import_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as con:
        con.execute(f"CREATE SCHEMA {schema}")  # a fixed pattern, not user input
    try:
        joiner = "&" if "?" in base else "?"
        yield f"{base}{joiner}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(base, autocommit=True) as con:
            con.execute(f"DROP SCHEMA {schema} CASCADE")


def _import_child(fmt: str, rows: int, path: Path, store: str, engine: str) -> dict:
    env = {**os.environ, "CONFLICT_MONITOR_DB": store}
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(store), engine], cwd=REPO,
                          env=env, capture_output=True, text=True, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    linking = figures["seconds"].get("linking", 0.0)
    figures.update(fmt=fmt, rows=rows, size_mb=path.stat().st_size / 1e6, linking=linking,
                   rows_per_s=rows / max(figures["total"] - linking, 1e-9))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000, help="rows per file (default 300,000)")
    parser.add_argument("--formats", default="acled,ucdp,gdelt")
    parser.add_argument("--engine", choices=("auto", "python"), default="auto",
                        help="python: the reference path only (the speed before the SQL import)")
    parser.add_argument("--keep", type=Path, help="write the files and stores here and keep them")
    parser.add_argument("--pg", help="import into a new schema of this PostgreSQL database")
    args = parser.parse_args(argv)
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="cm-import-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} at the start", flush=True)
    try:
        for fmt in args.formats.split(","):
            began = time.perf_counter()
            f = run_one(fmt, args.rows, workdir, args.engine, args.pg)
            stages = ", ".join(f"{k} {v:.1f} s (CPU {f['cpu_seconds'].get(k, 0):.1f} s)"
                               for k, v in f["seconds"].items())
            cpu = sum(v for k, v in f["cpu_seconds"].items() if k != "linking")
            print(f"{fmt}: {f['rows']:,} rows, {f['size_mb']:,.0f} MB, {f['engine']} path: "
                  f"{f['rows_per_s']:,.0f} rows/s ({f['total'] - f['linking']:.1f} s without linking; "
                  f"{f['rows'] / max(cpu, 1e-9):,.0f} rows per CPU second; CPU {f['cpu']:.1f} s in all; "
                  f"{stages}); linking {f['linking']:.1f} s; peak memory {f['peak_mb']:,.0f} MB "
                  f"[{time.perf_counter() - began:.0f} s with writing the file; load "
                  f"{os.getloadavg()[0]:.2f}]", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
