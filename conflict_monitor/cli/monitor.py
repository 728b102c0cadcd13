"""CLI: `feeds add|list|remove` and `watch` (registered by conflict_monitor.cli.main)."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import time
from urllib.parse import urlparse

from conflict_monitor.model.safety import compute_safe_url


def compute_feed_name(url: str) -> str:
    """A default name: the host and path as one slug (news.example.org/world/rss ->
    news-example-org-world-rss)."""
    parsed = urlparse(url)
    return re.sub(r"[^a-z0-9]+", "-", f"{parsed.netloc}{parsed.path}".lower()).strip("-")[:60] or "feed"


def run_feeds_add(args: argparse.Namespace) -> int:
    from conflict_monitor.store.factory import open_store  # noqa: PLC0415

    if compute_safe_url(args.url) is None:
        print(f"error: {args.url!r} is not an http(s) URL", file=sys.stderr)
        return 2
    name = args.name or compute_feed_name(args.url)
    try:
        open_store().add_feed(name, args.url, "page" if args.page else "feed")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
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

    if not open_store().remove_feed(args.name):
        print(f"error: no feed named {args.name!r} (see `feeds list`)", file=sys.stderr)
        return 2
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

    while True:
        summary = poller.poll_all(progress=progress)
        print(summary.describe())
        for feed, url, reason in summary.failures:
            print(f"  failed: {feed}: {url}: {reason}", file=sys.stderr)
        if args.once:
            return 1 if summary.failures and not summary.new_articles and not summary.items_seen else 0
        time.sleep(args.interval * 60)  # a long-running CLI loop waits for its next round


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
