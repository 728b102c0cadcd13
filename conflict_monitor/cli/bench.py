"""CLI: `python -m conflict_monitor bench`. The benchmark package is loaded only when it runs."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def run_bench_command(args: argparse.Namespace) -> int:
    from conflict_monitor.bench.run import format_table, run_benchmark  # noqa: PLC0415 - bench only

    result = run_benchmark(args.events, runs=args.runs, workdir=args.workdir)
    print(json.dumps(result) if args.json else format_table(result))
    return 0


def register(subparsers: Any) -> None:
    """Add `bench` to the CLI."""
    parser = subparsers.add_parser("bench", help="measure speed and memory beside the naive way")
    parser.add_argument("--events", type=int, default=1_000_000, help="synthetic events (default 1M)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median; min 5)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep the generated stores here and reuse them on the next run "
                             "(default: a temporary folder, removed)")
    parser.set_defaults(func=run_bench_command)
