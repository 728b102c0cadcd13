"""CLI: `review list|show|accept|edit|reject|restore|log` — the Review page from a terminal.

An analyst who works over SSH, or a script that accepts a batch checked elsewhere, reviews the
machine's coding with the same store methods the page uses (store/review.py); every change is
logged in the review log under the operating-system user and in the audit trail, as on the page.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import pandas as pd

from conflict_monitor.cli.args import get_cli_actor
from conflict_monitor.model.schema import EVENT_FIELDS, SchemaError
from conflict_monitor.store.audit import record_audit
from conflict_monitor.store.factory import open_store
from conflict_monitor.store.review import EDITABLE, REVIEW_STATES

LIST_COLUMNS = ("event_id", "event_date", "action", "actor1", "actor2", "location", "fatalities",
                "review_status", "reviewer")


def _cell(value: object) -> str:
    """One table cell: blank for a missing value, days as days, no tabs or newlines (one row a line)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d" if value == value.normalize() else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def parse_changes(pairs: Sequence[str]) -> dict[str, str | None]:
    """FIELD=VALUE pairs (an empty VALUE clears the field) → changes; ValueError naming a bad pair."""
    changes: dict[str, str | None] = {}
    for pair in pairs:
        field, sep, value = pair.partition("=")
        field = field.strip()
        if not sep or not field:
            raise ValueError(f"expected FIELD=VALUE, got {pair!r}")
        if field not in EDITABLE:
            raise ValueError(f"cannot edit {field!r}: editable are {', '.join(EDITABLE)}")
        changes[field] = value.strip() or None
    return changes


def run_list(args: argparse.Namespace) -> int:
    queue = open_store().query_review_queue(args.status, limit=args.limit)
    if queue.empty:
        print(f"No {args.status} events.")
        return 0
    print("\t".join(LIST_COLUMNS))
    for row in queue.to_dict("records"):
        print("\t".join(_cell(row.get(c)) for c in LIST_COLUMNS))
    print(f"{len(queue):,} {args.status} events (at most {args.limit:,}, newest first).", file=sys.stderr)
    return 0


def run_show(args: argparse.Namespace) -> int:
    store = open_store()
    cols = ", ".join(EVENT_FIELDS)
    found = store.query_sql(f"SELECT {cols}, 'stored' AS kept_in FROM events WHERE event_id = ? UNION ALL "
                            f"SELECT {cols}, 'rejected' AS kept_in FROM rejected_events WHERE event_id = ?",
                            [args.event_id, args.event_id])
    if found.empty:
        print(f"error: no event {args.event_id!r}.", file=sys.stderr)
        return 1
    for field, value in found.iloc[0].items():
        print(f"{field}\t{_cell(value)}")
    for row in store.query_review_log(args.event_id).to_dict("records"):
        print("log\t" + "\t".join(_cell(row.get(c)) for c in
                                   ("changed_at", "who", "what", "field", "value_before", "value_after")))
    return 0


def _run_bulk(args: argparse.Namespace, verb: str) -> int:
    store, who = open_store(), get_cli_actor()
    method, done_word = {"accept": (store.accept_events, "Accepted"),
                         "reject": (store.reject_events, "Rejected"),
                         "restore": (store.restore_events, "Restored")}[verb]
    done = method(list(args.event_ids), who)
    record_audit(store, who, "review", "events" if len(args.event_ids) > 1 else args.event_ids[0],
                 done, verb)
    missing = len(set(args.event_ids)) - done
    print(f"{done_word} {done} event(s).")
    if missing:
        where = "rejected events" if verb == "restore" else "stored events"
        print(f"error: {missing} of the ids given are not among the {where}.", file=sys.stderr)
        return 1
    return 0


def run_edit(args: argparse.Namespace) -> int:
    try:
        changes = parse_changes(args.set)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    store, who = open_store(), get_cli_actor()
    try:
        store.edit_event(args.event_id, changes, who)
    except (KeyError, ValueError, SchemaError) as exc:
        # KeyError's str() is the repr of its message; print the message itself
        print(f"error: not saved: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 1
    record_audit(store, who, "review", args.event_id, 1, "edit " + ", ".join(sorted(changes)))
    print(f"Saved {', '.join(sorted(changes))} of {args.event_id}; the machine's values are kept.")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the review command and its subcommands."""
    review = subparsers.add_parser("review", help="check the machine's coding of extracted events",
                                   description="The Review page's actions: list, accept, correct, "
                                               "reject and restore extracted events.")
    sub = review.add_subparsers(dest="review_command", required=True, metavar="ACTION")
    listing = sub.add_parser("list", help="events in one review state, newest first (tab-separated)")
    listing.add_argument("--status", choices=REVIEW_STATES, default="unreviewed")
    listing.add_argument("--limit", type=int, default=200)
    listing.set_defaults(func=run_list)
    show = sub.add_parser("show", help="one event's fields and its review log")
    show.add_argument("event_id")
    show.set_defaults(func=run_show)
    for verb, text in (("accept", "mark events as checked and right"),
                       ("reject", "hide events (kept, restorable; the same report is not stored again)"),
                       ("restore", "bring rejected events back, unreviewed")):
        parser = sub.add_parser(verb, help=text)
        parser.add_argument("event_ids", nargs="+", metavar="EVENT_ID")
        parser.set_defaults(func=lambda args, verb=verb: _run_bulk(args, verb))
    edit = sub.add_parser("edit", help="correct fields; the machine's values are kept",
                          description=f"Editable fields: {', '.join(EDITABLE)}.")
    edit.add_argument("event_id")
    edit.add_argument("--set", action="append", required=True, metavar="FIELD=VALUE",
                      help="a corrected value (repeatable; FIELD= clears it)")
    edit.set_defaults(func=run_edit)
