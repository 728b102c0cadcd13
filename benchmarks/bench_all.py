"""Run the whole benchmark: python benchmarks/bench_all.py [--events N] [--json] (see conflict_monitor.bench.run)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conflict_monitor.cli.main import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
