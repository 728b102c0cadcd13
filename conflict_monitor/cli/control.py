"""CLI: `python -m conflict_monitor control --as-of YYYY-MM-DD [--format csv|geojson] [--place NAME]`:
each place with the side holding it on the day, since when, and the claims behind it."""

from __future__ import annotations

import argparse
import sys

from conflict_monitor.cli.args import parse_date_arg
from conflict_monitor.control.claims import compute_place_index
from conflict_monitor.control.export import (
    make_control_csv,
    make_control_geojson,
    make_control_table,
)
from conflict_monitor.control.groups import query_control_claims_of, query_control_source, query_control_state
from conflict_monitor.control.model import compute_control_on
from conflict_monitor.control.reference import compute_place_key, load_control_changes
from conflict_monitor.model.filters import EventFilter
from conflict_monitor.store.factory import open_store


def run_control(args: argparse.Namespace) -> int:
    flt = EventFilter().with_changes(date_from=args.date_from, date_to=args.date_to, countries=args.country,
                                     origins=args.origin, sources=args.source)
    places, reference = load_control_changes()
    store = open_store()
    # the claims reduced in the store (control.groups), those behind the day read back for the
    # places printed: the same table as control.model.compute_control_as_of on every claim
    source = query_control_source(store, flt, places, reference)
    control = compute_control_on(query_control_state(store, source, 0).timeline, args.as_of)
    if args.place:
        key = compute_place_key(args.place)
        control = control[control["place_id"] == compute_place_index(places).get(key, key)]
        if control.empty:
            print(f"error: no place called {args.place!r} has control claims under these filters",
                  file=sys.stderr)
            return 1
    table = make_control_table(query_control_claims_of(store, source, control))
    sys.stdout.write(make_control_csv(table) if args.format == "csv" else make_control_geojson(table) + "\n")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `control` command."""
    parser = sub.add_parser("control", help="who holds each place on a day, with the evidence")
    parser.add_argument("--as-of", dest="as_of", type=parse_date_arg, required=True, help="the day (YYYY-MM-DD)")
    parser.add_argument("--format", choices=("csv", "geojson"), default="csv")
    parser.add_argument("--place", help="one place (any spelling in the reference, e.g. 'Saraqeb')")
    parser.add_argument("--from", dest="date_from", type=parse_date_arg, help="evidence from this day")
    parser.add_argument("--to", dest="date_to", type=parse_date_arg, help="evidence up to this day")
    parser.add_argument("--country", action="append", default=[], help="ISO3 (repeatable)")
    parser.add_argument("--origin", action="append", default=[], help="origin (repeatable)")
    parser.add_argument("--source", action="append", default=[], help="source (repeatable)")
    parser.set_defaults(func=run_control)
