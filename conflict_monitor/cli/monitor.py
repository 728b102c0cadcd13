"""CLI: `feeds add|list|remove`, `watch` and `alerts list|add` (registered by cli.main)."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
import time

from conflict_monitor.model.safety import compute_safe_url
from conflict_monitor.store.audit import record_audit
from conflict_monitor.store.feeds import compute_feed_name


def run_feeds_add(args: argparse.Namespace) -> int:
    from conflict_monitor.store.factory import open_store  # noqa: PLC0415

    if compute_safe_url(args.url) is None:
        print(f"error: {args.url!r} is not an http(s) URL", file=sys.stderr)
        return 2
    name = args.name or compute_feed_name(args.url)
    store = open_store()
    try:
        store.add_feed(name, args.url, "page" if args.page else "feed")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    record_audit(store, getpass.getuser(), "feed", name, 1, f"add {args.url}")
    print(f"Watching {args.url} as {name!r}")
    return 0


def run_feeds_list(args: argparse.Namespace) -> int:
    from conflict_monitor.store.factory import open_store  # noqa: PLC0415

    feeds = open_store().query_feeds()
    if feeds.empty:
        print("No feeds. Add one with `python -m conflict_monitor feeds add URL`.")
        return 0
    for row in feeds.to_dict("records"):
        last = row["last_poll"] if row["last_poll"] == row["last_poll"] else "never"
        error = f"; last error: {row['last_error']}" if isinstance(row["last_error"], str) else ""
        print(f"{row['name']}\t{row['kind']}\t{row['url']}\tlast poll {last}, "
              f"{int(row['items_found'] or 0)} items{error}")
    return 0


def run_feeds_remove(args: argparse.Namespace) -> int:
    from conflict_monitor.store.factory import open_store  # noqa: PLC0415

    store = open_store()
    if not store.remove_feed(args.name):
        print(f"error: no feed named {args.name!r} (see `feeds list`)", file=sys.stderr)
        return 2
    record_audit(store, getpass.getuser(), "feed", args.name, 1, "remove")
    print(f"Stopped watching {args.name!r}; its stored articles stay.")
    return 0


def run_watch(args: argparse.Namespace) -> int:
    """Poll every feed, now and then every --interval minutes (once with --once)."""
    from conflict_monitor.monitor.poller import Poller, PollSummary  # noqa: PLC0415
    from conflict_monitor.store.factory import open_store  # noqa: PLC0415

    if args.interval <= 0:
        print("error: --interval must be a positive number of minutes", file=sys.stderr)
        return 2
    poller = Poller(open_store(), interval=dt.timedelta(minutes=args.interval))

    def progress(name: str, one: PollSummary) -> None:
        print(f"  {name}: {one.items_seen} items seen, {one.new_articles} new articles, "
              f"{one.new_events} new events, {len(one.failures)} failures", file=sys.stderr)

    from conflict_monitor.monitor.alerts import check_rules  # noqa: PLC0415
    from conflict_monitor.monitor.delivery import deliver_due  # noqa: PLC0415

    while True:
        summary = poller.poll_all(progress=progress)
        raised = check_rules(poller.store)
        delivered = deliver_due(poller.store)
        print(f"{summary.describe()}; {len(raised)} new alerts, {delivered.sent} delivered, "
              f"{len(delivered.failed)} deliveries failed")
        for feed, url, reason in summary.failures:
            print(f"  failed: {feed}: {url}: {reason}", file=sys.stderr)
        for alert, channel, reason in delivered.failed:
            print(f"  delivery failed: alert {alert} by {channel}: {reason} (retried later)",
                  file=sys.stderr)
        if args.once:
            return 1 if summary.failures and not summary.new_articles and not summary.items_seen else 0
        time.sleep(args.interval * 60)  # a long-running CLI loop waits for its next round


def _plain(value):
    """A table cell as JSON: missing values (None, NaN, NaT) as null, times as ISO text."""
    import pandas as pd  # noqa: PLC0415

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.isoformat() if hasattr(value, "isoformat") else value


def run_alerts_list(args: argparse.Namespace) -> int:
    from conflict_monitor.store.factory import open_store  # noqa: PLC0415

    alerts = open_store().query_alerts(unread_only=args.unread)
    if args.json:
        rows = [{k: _plain(v) for k, v in row.items()} for row in alerts.to_dict("records")]
        print(json.dumps(rows, indent=2, default=str))
        return 0
    if alerts.empty:
        print("No alerts.")
    for row in alerts.to_dict("records"):
        state = "unread" if _plain(row["read_at"]) is None else "read"
        print(f"{row['raised_at']:%Y-%m-%d %H:%M}  [{row['rule']}] {row['title']} ({state}"
              f"{'; ' + row['delivery'] if row['delivery'] else ''})")
    return 0


def run_alerts_add(args: argparse.Namespace) -> int:
    from conflict_monitor.monitor.alerts import create_rule  # noqa: PLC0415
    from conflict_monitor.store.factory import open_store  # noqa: PLC0415

    params = {"actor": args.actor, "country": args.country, "action": args.action,
              "min_deaths": args.min_deaths, "days": args.days, "site_id": args.site}
    if args.near:
        try:
            lat, lon, radius = (float(x) for x in args.near.split(","))
        except ValueError:
            print("error: --near expects LAT,LON,KM", file=sys.stderr)
            return 2
        params.update(place_lat=lat, place_lon=lon, radius_km=radius)
    if args.webhook and compute_safe_url(args.webhook) is None:
        print(f"error: --webhook {args.webhook!r} is not an http(s) URL", file=sys.stderr)
        return 2
    store = open_store()
    try:
        rule_id = create_rule(store, args.name, args.kind, params, who=getpass.getuser(),
                              webhook_url=args.webhook, email_to=args.email)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    record_audit(store, getpass.getuser(), "alert", rule_id, 1, f"add {args.kind} rule {args.name}")
    print(f"Saved rule {args.name!r} ({rule_id}); what it matches already is its baseline.")
    return 0


def register(subparsers) -> None:
    """Add the feeds and watch subcommands."""
    feeds = subparsers.add_parser("feeds", help="the RSS/Atom feeds and pages the monitor watches")
    sub = feeds.add_subparsers(dest="feeds_command", required=True, metavar="ACTION")
    p = sub.add_parser("add", help="watch a feed (or, with --page, one page)")
    p.add_argument("url", metavar="URL")
    p.add_argument("--name", help="short name (default: made from the URL)")
    p.add_argument("--page", action="store_true", help="a single page, not an RSS/Atom feed")
    p.set_defaults(func=run_feeds_add)
    p = sub.add_parser("list", help="the watched feeds with their last poll and error")
    p.set_defaults(func=run_feeds_list)
    p = sub.add_parser("remove", help="stop watching a feed")
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=run_feeds_remove)

    p = subparsers.add_parser("watch", help="poll every feed, fetch and extract new items, store them")
    p.add_argument("--once", action="store_true", help="poll once and exit")
    p.add_argument("--interval", type=float, default=15.0, metavar="MINUTES",
                   help="minutes between polls (default 15)")
    p.set_defaults(func=run_watch)

    alerts = subparsers.add_parser("alerts", help="alert rules and the alerts they raised")
    sub = alerts.add_subparsers(dest="alerts_command", required=True, metavar="ACTION")
    p = sub.add_parser("list", help="alerts raised, newest first")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--unread", action="store_true", help="only unread alerts")
    p.set_defaults(func=run_alerts_list)
    p = sub.add_parser("add", help="save an alert rule")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--kind", choices=("event", "surge", "ultimatum", "site"), default="event")
    p.add_argument("--actor")
    p.add_argument("--country", help="ISO3")
    p.add_argument("--action")
    p.add_argument("--min-deaths", type=int)
    p.add_argument("--near", metavar="LAT,LON,KM", help="a place and a radius in km")
    p.add_argument("--days", type=int, help="ultimatum: deadline within this many days")
    p.add_argument("--site", help="site: the site_id to watch (default: every site)")
    p.add_argument("--webhook", metavar="URL", help="POST each alert as JSON here")
    p.add_argument("--email", metavar="ADDRESS", help="email each alert (SMTP: CONFLICT_MONITOR_SMTP)")
    p.set_defaults(func=run_alerts_add)
