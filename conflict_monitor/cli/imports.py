"""CLI: `python -m conflict_monitor import FILE [--format acled|ucdp|gdelt] [--skip-bad-rows]`
and `link-incidents` (recompute incident ids over the whole store or a date range)."""

from __future__ import annotations

import argparse
import sys

from tqdm import tqdm

from conflict_monitor.cli.args import get_cli_actor, parse_date_arg
from conflict_monitor.importers import FORMATS, import_file
from conflict_monitor.store.audit import record_audit
from conflict_monitor.store.base import ImportRejected
from conflict_monitor.store.factory import open_store

SHOW_SKIPPED = 20  # bad rows listed in full; the rest are counted


def run_import(args: argparse.Namespace) -> int:
    """Import one file as a whole; print a summary, or the reason it was refused (exit 1)."""
    store = open_store()
    before = store.count_events()
    bars: list[tqdm] = []  # made at the first progress report, so a refusal prints no bar

    def progress(stage: str, share: float) -> None:
        if not bars:
            bars.append(tqdm(total=100, unit="%", desc="import", file=sys.stderr,
                             disable=args.quiet, leave=False,
                             bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}"))
        bars[0].set_description_str(stage, refresh=False)
        bars[0].update(round(share * 100) - bars[0].n)

    def close() -> None:
        for bar in bars:
            bar.close()

    try:
        result = import_file(store, args.file, fmt=args.format, skip_bad_rows=args.skip_bad_rows,
                             progress=progress)
    except ImportRejected as exc:
        close()
        print(f"error: {exc}", file=sys.stderr)
        for line, problem in exc.problems[1:SHOW_SKIPPED]:
            print(f"  line {line}: {problem}", file=sys.stderr)
        print(f"The store is unchanged ({before} events).", file=sys.stderr)
        return 1
    close()
    record_audit(store, get_cli_actor(), "import", str(args.file), result.added, result.summary())
    print(result.summary())
    for line, problem in result.skipped[:SHOW_SKIPPED]:
        print(f"  skipped line {line}: {problem}")
    if len(result.skipped) > SHOW_SKIPPED:
        print(f"  … and {len(result.skipped) - SHOW_SKIPPED} more bad rows")
    print(f"Store {store.location}: {store.count_events()} events.")
    return 0


def run_link(args: argparse.Namespace) -> int:
    """Recompute incident ids (all dates, or --from/--to)."""
    store = open_store()
    changed = store.relink_incidents(args.date_from, args.date_to)
    span = f"{args.date_from or 'start'} to {args.date_to or 'end'}"
    record_audit(store, get_cli_actor(), "link", span, changed, "incident ids recomputed")
    print(f"{changed} incident ids changed.")
    return 0



def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the import and link-incidents commands."""
    cmd = subparsers.add_parser(
        "import", help="import an ACLED, UCDP GED or GDELT 2.0 export (all rows or none)",
        description="Import an export file. The format is recognised from the header (ACLED, "
                    "UCDP GED) or the shape (GDELT: 61 tab-separated fields, no header). Nothing "
                    "is written unless every row is valid, or --skip-bad-rows is given.")
    cmd.add_argument("file", help="the CSV or tab-separated file")
    cmd.add_argument("--format", choices=FORMATS, help="skip recognition and read it as this format")
    cmd.add_argument("--skip-bad-rows", action="store_true",
                     help="import the valid rows and list the bad ones")
    cmd.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    cmd.set_defaults(func=run_import)
    link = subparsers.add_parser("link-incidents",
                                 help="recompute which reports belong to one incident")
    link.add_argument("--from", dest="date_from", type=parse_date_arg, help="first day (YYYY-MM-DD)")
    link.add_argument("--to", dest="date_to", type=parse_date_arg, help="last day (YYYY-MM-DD)")
    link.set_defaults(func=run_link)
