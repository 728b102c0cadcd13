"""Import a large ACLED export through the CLI and print its speed and peak memory.

    python benchmarks/bench_import.py --rows 4000000 [--keep DIR]

Writes an ACLED CSV of --rows synthetic rows in the current 31-column layout (about 500 bytes a
row: 4,000,000 rows is about 2 GB) spread like a full ACLED export (20 years, 20,000 places),
imports it into a fresh DuckDB store with
`python -m conflict_monitor import FILE` in a child process, and prints the file size, the time,
rows per second and the child's peak resident memory (ru_maxrss), so the claim "a 2 GB file
does not need 2 GB of RAM" can be checked on any machine.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
HEADER = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,"
          "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,"
          "iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,"
          "source,source_scale,notes,fatalities,tags,timestamp").split(",")
# (event type, sub-event type, actor1, inter1, actor2, inter2, interaction)
KINDS = (
    ("Explosions/Remote violence", "Air/drone strike", "Military Forces of Syria (2000-)",
     "State forces", "Military Forces of Turkey (2016-)", "External/Other forces",
     "State forces-External/Other forces"),
    ("Battles", "Armed clash", "Military Forces of Turkey (2016-)", "External/Other forces",
     "Military Forces of Syria (2000-)", "State forces", "State forces-External/Other forces"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "Military Forces of Russia (2000-)",
     "External/Other forces", "Civilians (Syria)", "Civilians", "External/Other forces-Civilians"),
    ("Strategic developments", "Agreement", "Government of Turkey (2016-)", "External/Other forces",
     "Government of Russia (2000-)", "External/Other forces", "External/Other forces-External/Other forces"),
)
N_PLACES = 20_000  # like a full ACLED export: many places, each with a few events a year
YEARS = 20


def write_acled_csv(path: Path, rows: int, seed: int = 0, chunk: int = 100_000) -> None:
    """`rows` synthetic ACLED rows over YEARS years and N_PLACES places (each at fixed
    coordinates inside Syria's bounding box, as ACLED geocodes to a gazetteer), four kinds."""
    rng = np.random.default_rng(seed)
    place_lat = rng.uniform(32.5, 37.0, N_PLACES).round(4)
    place_lon = rng.uniform(35.8, 42.0, N_PLACES).round(4)
    start = dt.date(2005, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for first in range(0, rows, chunk):
            n = min(chunk, rows - first)
            days = rng.integers(0, YEARS * 365, n)
            kinds = rng.integers(0, len(KINDS), n)
            places = rng.integers(0, N_PLACES, n)
            deaths = rng.geometric(0.3, n) - 1
            for i in range(n):
                day = start + dt.timedelta(days=int(days[i]))
                kind, sub, a1, i1, a2, i2, inter = KINDS[kinds[i]]
                p = int(places[i])
                dead = int(deaths[i]) if kind != "Strategic developments" else 0
                writer.writerow([
                    f"SYR{first + i + 1}", day.isoformat(), day.year, 1, "Political violence", kind, sub,
                    a1, "", i1, a2, "", i2, inter, "", 760, "Middle East", "Syria", f"Region {p % 14}",
                    f"District {p % 60}", "", f"Place {p}", place_lat[p], place_lon[p], 1,
                    "SOHR; Anadolu Agency", "National-International",
                    f"On {day:%d %B %Y}, {a1} and {a2} were involved in an event near Place {p}; "
                    f"{dead} fatalities were reported by local sources.", dead, "", 1583193600])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=4_000_000, help="rows in the file (default 4M, ~2 GB)")
    parser.add_argument("--keep", type=Path, help="write the file and store here and keep them")
    args = parser.parse_args(argv)
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="cm-import-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    csv_path, store = workdir / "acled_big.csv", workdir / "import.duckdb"
    store.unlink(missing_ok=True)
    began = time.perf_counter()
    write_acled_csv(csv_path, args.rows)
    size_mb = csv_path.stat().st_size / 1e6
    print(f"wrote {args.rows:,} rows, {size_mb:,.0f} MB in {time.perf_counter() - began:.0f} s", flush=True)
    env = {**os.environ, "CONFLICT_MONITOR_DB": str(store)}
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "conflict_monitor", "import", str(csv_path), "--quiet"],
                          cwd=REPO, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - began
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # kB on Linux
    print(done.stdout.strip() or done.stderr.strip())
    print(f"import: {seconds:,.0f} s, {args.rows / seconds:,.0f} rows/s, peak memory of the import "
          f"process {peak_mb:,.0f} MB for a {size_mb:,.0f} MB file")
    if not args.keep:
        shutil.rmtree(workdir)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
