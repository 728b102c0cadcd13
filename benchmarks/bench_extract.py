"""Benchmark: extraction throughput on one core for ~600-word articles (target >= 20/s).

    python benchmarks/bench_extract.py [N_ARTICLES]
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

from conflict_monitor.extract.bench import compute_extract_throughput  # noqa: E402


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    result = compute_extract_throughput(n)
    print(f"model: {result['model']}, load time {result['model_load_seconds']:.2f} s")
    print(f"{result['articles']} articles of ~{result['words_per_article']} words in {result['seconds']:.2f} s: "
          f"{result['articles_per_second']:.1f} articles/s on one core ({result['events']} events)")
    print("target: >= 20 articles/s", "(met)" if result["articles_per_second"] >= 20 else "(NOT met)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
