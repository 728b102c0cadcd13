"""Command line: `python -m conflict_monitor COMMAND`. Every command uses CONFLICT_MONITOR_DB."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from conflict_monitor.cli.args import get_cli_actor, parse_date_arg
from conflict_monitor.exporters.tables import make_csv_text, make_geojson_text
from conflict_monitor.metrics.key_figures import compute_key_figures
from conflict_monitor.model.filters import EventFilter, compute_where
from conflict_monitor.store.audit import record_audit
from conflict_monitor.store.base import ENV_VAR, EventStore, StoreError
from conflict_monitor.store.factory import open_store, rebuild_store

# Modules that add their own subcommands through register(subparsers); optional ones may be absent.
COMMAND_MODULES: tuple[str, ...] = (
    "conflict_monitor.cli.extract",
    "conflict_monitor.cli.imports",
    "conflict_monitor.cli.monitor",
    "conflict_monitor.cli.bench",
    "conflict_monitor.cli.control",
    "conflict_monitor.cli.users",
    "conflict_monitor.cli.review",
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
    parser.add_argument("--reviewed-only", action="store_true",
                        help="extracted events only once an analyst accepted or corrected them")


def filter_from_args(args: argparse.Namespace) -> EventFilter:
    """EventFilter from parsed filter options."""
    return EventFilter().with_changes(
        date_from=args.date_from, date_to=args.date_to, actors=args.actor, countries=args.country,
        actions=args.action, event_types=args.event_type, origins=args.origin,
        reviewed_only=args.reviewed_only)


def run_init_db(args: argparse.Namespace) -> int:
    if args.rebuild:
        store, moved = rebuild_store()
        record_audit(store, get_cli_actor(), "rebuild", store.location, store.count_events(),
                     f"old file kept as {moved}" if moved else None)
        if moved:
            print(f"Moved the old store to {moved}")
    else:
        store = open_store()
    print(f"Store ready at {store.location}: {store.count_events()} events")
    return 0


def compute_stats(store: EventStore, flt: EventFilter) -> dict[str, Any]:
    """The Overview's figures for `flt` (metrics.compute_key_figures, the function the page
    calls) with the reports per origin, as plain JSON-ready values."""
    figures = compute_key_figures(store, flt)
    where, params = compute_where(flt)
    origins = store.query_sql(f"SELECT origin, count(*) AS n FROM events WHERE {where} "
                              "GROUP BY origin ORDER BY origin", params)
    return {
        "store": store.location, "filters": flt.describe(), "events": figures.events,
        "incidents": figures.incidents, "fatalities_low": figures.fatalities_low,
        "fatalities_high": figures.fatalities_high,
        "running_totals": figures.running_total_reports, "actors": figures.actors,
        "first_date": figures.first_date.isoformat() if figures.first_date else None,
        "last_date": figures.last_date.isoformat() if figures.last_date else None,
        "origins": {str(o): int(n) for o, n in zip(origins["origin"], origins["n"], strict=False)},
    }


def run_stats(args: argparse.Namespace) -> int:
    stats = compute_stats(open_store(), filter_from_args(args))
    if args.json:
        print(json.dumps(stats, indent=2))
        return 0
    print(f"store: {stats['store']}")
    print(f"filters: {stats['filters']}")
    print(f"events: {stats['events']:,}, dates {stats['first_date']} to {stats['last_date']}")
    print(f"incidents: {stats['incidents']:,}")
    print(f"fatalities: {stats['fatalities_low']:,}-{stats['fatalities_high']:,} (per incident and "
          "victim group, the lowest report to the highest, as on the Overview)")
    print(f"running totals: {stats['running_totals']:,} reports (apart, never added)")
    print(f"actors: {stats['actors']:,}")
    print("reports by origin:")
    for origin, count in stats["origins"].items():
        print(f"  {origin}: {count:,}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    store = open_store()
    frame = store.attach_review_status(store.query_events(filter_from_args(args), order_by="event_date ASC"))
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
    stats = sub.add_parser("stats", help="the Overview's figures for the (filtered) store")
    stats.add_argument("--json", action="store_true", help="print one JSON object")
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
