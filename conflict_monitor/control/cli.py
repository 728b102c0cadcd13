"""CLI: `python -m conflict_monitor control --as-of YYYY-MM-DD [--format csv|geojson] [--place NAME]`:
each place with the side holding it on the day, since when, and the claims behind it."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys

import pandas as pd

from conflict_monitor.cli_args import parse_date_arg
from conflict_monitor.control.claims import compute_place_index
from conflict_monitor.control.model import compute_control_as_of
from conflict_monitor.control.reference import compute_place_key, load_control_changes
from conflict_monitor.control.select import (
    EVENT_COLUMNS,
    compute_all_claims,
    compute_control_filter,
)
from conflict_monitor.export import neutralise_cell
from conflict_monitor.filters import EventFilter
from conflict_monitor.store import open_store

OUT_COLUMNS = ("place", "status", "side", "sides", "since", "changed_recently", "admin1", "country",
               "latitude", "longitude", "evidence")


def describe_claims(claims: list[dict]) -> str:
    """The claims behind a status on one line: date, what, side, who says so, id, link."""
    return " || ".join(
        f"{c['date']} {c['claim']} {c['side']} — {c.get('reported_by') or c.get('source') or '?'}"
        f" [{c.get('event_id')}] {str(c.get('source_url') or '').split(' | ')[0]}" for c in claims)


def make_control_table(control: pd.DataFrame) -> pd.DataFrame:
    """The control frame as flat rows for CSV/GeoJSON."""
    out = control.assign(evidence=control["claims"].map(describe_claims),
                         since=control["since"].map(lambda d: d.isoformat() if d else ""))
    return out[list(OUT_COLUMNS)]


def make_control_csv(table: pd.DataFrame) -> str:
    """CSV, formula-safe for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(OUT_COLUMNS)
    for row in table.itertuples(index=False):
        writer.writerow(["" if v is None or (isinstance(v, float) and pd.isna(v)) else neutralise_cell(v)
                         for v in row])
    return buffer.getvalue()


def make_control_geojson(table: pd.DataFrame) -> str:
    """GeoJSON of the places with coordinates (RFC 7946, WGS84)."""
    features = []
    for row in table.dropna(subset=["latitude", "longitude"]).to_dict("records"):
        props = {k: (None if isinstance(v, float) and pd.isna(v) else v)
                 for k, v in row.items() if k not in ("latitude", "longitude")}
        features.append({"type": "Feature", "properties": props, "geometry": {
            "type": "Point", "coordinates": [float(row["longitude"]), float(row["latitude"])]}})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, default=str)


def run_control(args: argparse.Namespace) -> int:
    flt = EventFilter().with_changes(date_from=args.date_from, date_to=args.date_to, countries=args.country,
                                     origins=args.origin, sources=args.source)
    events = open_store().query_events(compute_control_filter(flt), columns=list(EVENT_COLUMNS))
    places, reference = load_control_changes()
    control = compute_control_as_of(compute_all_claims(events, flt, places, reference), args.as_of)
    if args.place:
        key = compute_place_key(args.place)
        control = control[control["place_id"] == compute_place_index(places).get(key, key)]
        if control.empty:
            print(f"error: no place called {args.place!r} has control claims under these filters",
                  file=sys.stderr)
            return 1
    table = make_control_table(control)
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
