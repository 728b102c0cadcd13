"""Command line: `python -m conflict_monitor COMMAND`. Every command uses CONFLICT_MONITOR_DB."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from conflict_monitor.cli.args import parse_date_arg
from conflict_monitor.exporters.tables import make_csv_text, make_geojson_text
from conflict_monitor.model.filters import EventFilter
from conflict_monitor.store.base import ENV_VAR, StoreError
from conflict_monitor.store.factory import open_store, rebuild_store

# Modules that add their own subcommands through register(subparsers); optional ones may be absent.
COMMAND_MODULES: tuple[str, ...] = (
    "conflict_monitor.cli.extract",
    "conflict_monitor.cli.imports",
    "conflict_monitor.cli.bench",
    "conflict_monitor.control.cli",
)



def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """The sidebar's filters as options (repeat an option for several values)."""
    parser.add_argument("--from", dest="date_from", type=parse_date_arg, help="first day (YYYY-MM-DD)")
    parser.add_argument("--to", dest="date_to", type=parse_date_arg, help="last day (YYYY-MM-DD)")
    parser.add_argument("--actor", action="append", default=[], help="actor1 or actor2 (repeatable)")
    parser.add_argument("--country", action="append", default=[],
                        help="ISO3 where it happened or of either actor (repeatable)")
    parser.add_argument("--action", action="append", default=[], help="action class (repeatable)")
    parser.add_argument("--type", dest="event_type", action="append", default=[],
                        help="ACLED event type (repeatable)")
    parser.add_argument("--origin", action="append", default=[], help="origin (repeatable)")


def filter_from_args(args: argparse.Namespace) -> EventFilter:
    """EventFilter from parsed filter options."""
    return EventFilter().with_changes(
        date_from=args.date_from, date_to=args.date_to, actors=args.actor, countries=args.country,
        actions=args.action, event_types=args.event_type, origins=args.origin)


def run_init_db(args: argparse.Namespace) -> int:
    if args.rebuild:
        store, moved = rebuild_store()
        if moved:
            print(f"Moved the old store to {moved}")
    else:
        store = open_store()
    print(f"Store ready at {store.location}: {store.count_events()} events")
    return 0


def run_stats(args: argparse.Namespace) -> int:
    store = open_store()
    flt = filter_from_args(args)
    frame = store.query_events(flt, columns=["origin", "fatalities", "fatalities_high", "event_date"])
    low, high = store.date_bounds()
    print(f"store: {store.location}")
    print(f"events: {len(frame)} (of {store.count_events()}), dates {low} to {high}")
    print(f"fatalities (all reports, not deduplicated): {int(frame['fatalities'].fillna(0).sum())}"
          f"-{int(frame['fatalities_high'].fillna(0).sum())}")
    for origin, count in frame["origin"].value_counts().sort_index().items():
        print(f"  {origin}: {count}")
    print(f"sites: {len(store.query_sites())}, articles: {len(store.query_articles())}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    frame = open_store().query_events(filter_from_args(args), order_by="event_date ASC")
    text = make_csv_text(frame) if args.format == "csv" else make_geojson_text(frame)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"Wrote {len(frame)} events to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every available command."""
    parser = argparse.ArgumentParser(
        prog="python -m conflict_monitor",
        description=f"Conflict monitor: build, inspect and export the event store ({ENV_VAR} selects it).")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    init = sub.add_parser("init-db", help="create the store from the shipped data if it is new")
    init.add_argument("--rebuild", action="store_true",
                      help="move the existing store aside and build a fresh one")
    init.set_defaults(func=run_init_db)
    stats = sub.add_parser("stats", help="counts for the (filtered) store")
    add_filter_arguments(stats)
    stats.set_defaults(func=run_stats)
    export = sub.add_parser("export", help="write the filtered events as CSV or GeoJSON")
    export.add_argument("--format", choices=("csv", "geojson"), default="csv")
    export.add_argument("--output", "-o", help="file to write (default: standard output)")
    add_filter_arguments(export)
    export.set_defaults(func=run_export)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; errors print a message, not a traceback."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
