"""Benchmark: extraction throughput on one core for ~600-word articles (target >= 20/s).

    python benchmarks/bench_extract.py [N_ARTICLES] [REPEATS]

With REPEATS > 1 the timed loop runs that many times and the median run is reported.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# One core: pin BLAS/OpenMP threads before numpy is imported, and the process to CPU 0 if possible.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")
if hasattr(os, "sched_setaffinity"):
    try:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    except OSError:
        pass
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conflict_monitor.bench.extract import compute_extract_throughput  # noqa: E402


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    result = compute_extract_throughput(n, repeats)
    print(f"model: {result['model']}, load time {result['model_load_seconds']:.2f} s; products: {result['blas']}")
    print(f"{result['articles']} articles of ~{result['words_per_article']} words in {result['seconds']:.2f} s: "
          f"{result['articles_per_second']:.1f} articles/s on one core ({result['events']} events)")
    print(f"CPU time {result['cpu_seconds']:.2f} s: {result['articles_per_cpu_second']:.1f} articles per CPU second"
          + (f"; runs: {', '.join(f'{r:.1f}' for r in result['runs'])} articles/s (median above)"
             if len(result["runs"]) > 1 else ""))
    print("target: >= 20 articles/s", "(met)" if result["articles_per_second"] >= 20 else "(NOT met)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
