"""Poll the watched feeds and pages: each new item fetched, cleaned, extracted and stored once.

One poll of one feed never stops the others: a feed that cannot be read gets its error noted
and the loop goes on; an item that fails is noted with its reason and tried again after a
back-off that doubles (15 minutes, 30, 1 hour, ... at most a day), so a site that is down
for a while is not hammered and a page that is broken for good costs one request a day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from conflict_monitor.extract.fetch import FetchedResource, fetch_resource
from conflict_monitor.store.feeds import compute_text_key, utc_now

BACKOFF_FIRST = dt.timedelta(minutes=15)
BACKOFF_MAX = dt.timedelta(days=1)
FEED_MAX_BYTES = 2 * 1024 * 1024  # a feed of a few hundred items is well under this
FETCH_TIMEOUT_S = 20.0
DEFAULT_INTERVAL_MIN = 15  # GDELT updates every 15 minutes; news feeds rarely faster


@dataclass
class PollSummary:
    """What one round of polling did."""

    feeds: int = 0
    items_seen: int = 0
    new_articles: int = 0
    new_events: int = 0
    duplicates: int = 0
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (feed, url, reason)

    def add(self, other: PollSummary) -> None:
        self.feeds += other.feeds
        self.items_seen += other.items_seen
        self.new_articles += other.new_articles
        self.new_events += other.new_events
        self.duplicates += other.duplicates
        self.failures.extend(other.failures)

    def describe(self) -> str:
        return (f"{self.feeds} feeds polled: {self.items_seen} items seen, {self.new_articles} new "
                f"articles, {self.new_events} new events, {self.duplicates} duplicates, "
                f"{len(self.failures)} failures")


def compute_backoff(attempts: int) -> dt.timedelta:
    """Wait before try number attempts + 1: 15 minutes doubled per failed try, at most a day."""
    return min(BACKOFF_FIRST * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def _entry_date(entry: Any) -> dt.date | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return dt.date(*parsed[:3]) if parsed else None


def _default_extract(raw: bytes, *, published: dt.date | None, url: str) -> Any:
    from conflict_monitor.extract.pipeline import extract_article  # noqa: PLC0415 - loads spaCy

    return extract_article(raw, published=published, url=url, is_html=True)


@dataclass
class Poller:
    """Polls with a store; `extract` and `fetch` are the real ones unless a caller swaps them."""

    store: Any
    interval: dt.timedelta = dt.timedelta(minutes=DEFAULT_INTERVAL_MIN)
    timeout: float = FETCH_TIMEOUT_S
    extract: Callable[..., Any] = _default_extract
    fetch: Callable[..., FetchedResource] = fetch_resource

    def poll_all(self, *, only_due: bool = False,
                 progress: Callable[[str, PollSummary], None] | None = None) -> PollSummary:
        """Poll every feed (only those whose next poll is due, when only_due)."""
        total = PollSummary()
        now = utc_now()
        for feed in self.store.query_feeds().to_dict("records"):
            next_poll = feed.get("next_poll")
            if only_due and next_poll is not None and next_poll == next_poll and next_poll > now:
                continue  # (next_poll == next_poll is False for NaT: never polled)
            one = self.poll_feed(feed)
            total.add(one)
            if progress is not None:
                progress(feed["name"], one)
        return total

    def poll_feed(self, feed: dict[str, Any]) -> PollSummary:
        """Poll one feed or page; its failure is recorded on the feed, never raised."""
        summary = PollSummary(feeds=1)
        name = feed["name"]
        next_poll = utc_now() + self.interval
        try:
            fetched = self.fetch(feed["url"], etag=_text(feed.get("etag")),
                                 last_modified=_text(feed.get("last_modified")),
                                 timeout=self.timeout, max_bytes=FEED_MAX_BYTES)
        except Exception as exc:  # noqa: BLE001 - one failing feed must not stop the others
            reason = f"{type(exc).__name__}: {exc}"
            summary.failures.append((name, feed["url"], reason))
            self.store.record_poll(name, error=reason, items=0, next_poll=next_poll,
                                   keep_validators=True)
            return summary
        if fetched.not_modified:
            self._retry_failed(name, summary)
            self.store.record_poll(name, error=None, items=0, next_poll=next_poll,
                                   keep_validators=True)
            return summary
        error = None
        if feed["kind"] == "page":
            self._page_item(name, fetched, summary)
        else:
            entries, error = _parse_feed(fetched.body)
            for entry in entries:
                link = entry.get("link")
                if link:
                    self._item(name, str(link), summary, title=entry.get("title"),
                               published=_entry_date(entry))
        self._retry_failed(name, summary)
        self.store.record_poll(name, error=error, items=summary.new_articles, next_poll=next_poll,
                               etag=fetched.etag, last_modified=fetched.last_modified)
        return summary

    def _retry_failed(self, feed: str, summary: PollSummary) -> None:
        """Failed items of this feed whose back-off is over, also those the feed dropped."""
        items = self.store.query_feed_items(feed=feed, status="failed")
        now = utc_now()
        for row in items.to_dict("records"):
            if not isinstance(row["next_try"], dt.datetime) or row["next_try"] <= now:
                self._item(feed, row["url"], summary, title=row.get("title"), retry=True)

    def _item(self, feed: str, url: str, summary: PollSummary, *, title: Any = None,
              published: dt.date | None = None, retry: bool = False) -> None:
        seen = self.store.get_feed_item(url)
        if seen is not None and (seen["status"] != "failed" or not retry):
            return  # stored or a duplicate; a failed one is _retry_failed's once its wait is over
        summary.items_seen += 1
        try:
            fetched = self.fetch(url, timeout=self.timeout)
            result = self.extract(fetched.body, published=published, url=url)
            self._store_result(feed, url, result, summary, title=title)
        except Exception as exc:  # noqa: BLE001 - one bad item must not stop the feed
            reason = f"{type(exc).__name__}: {exc}"
            attempts = int(seen["attempts"]) if seen is not None else 0
            summary.failures.append((feed, url, reason))
            self.store.record_item(url, feed, "failed", title=_text(title), error=reason,
                                   next_try=utc_now() + compute_backoff(attempts + 1))

    def _page_item(self, feed: str, fetched: FetchedResource, summary: PollSummary) -> None:
        """A single page: its text is the item; a changed page is a new article."""
        summary.items_seen += 1
        try:
            result = self.extract(fetched.body, published=None, url=fetched.url)
            self._store_result(feed, fetched.url, result, summary, title=None, page=True)
        except Exception as exc:  # noqa: BLE001 - recorded on the item and the summary
            reason = f"{type(exc).__name__}: {exc}"
            summary.failures.append((feed, fetched.url, reason))
            self.store.record_item(fetched.url, feed, "failed", error=reason,
                                   next_try=utc_now() + self.interval)

    def _store_result(self, feed: str, url: str, result: Any, summary: PollSummary, *,
                      title: Any, page: bool = False) -> None:
        article = dict(result.article)
        key = compute_text_key(article["text"])
        same = self.store.find_item_by_text(key)
        if (same is not None and same["url"] != url) or \
                (self.store.get_article(article["id"]) is not None and not page):
            summary.duplicates += 1
            self.store.record_item(url, feed, "duplicate", title=_text(title or article.get("title")),
                                   article_id=same["article_id"] if same else article["id"],
                                   text_key=key)
            return
        outcome = self.store.ingest_article(article, result.events)
        summary.new_articles += bool(outcome.article_added)
        summary.new_events += outcome.added
        self.store.record_item(url, feed, "stored", title=_text(title or article.get("title")),
                               article_id=article["id"], text_key=key, events_added=outcome.added)


def _parse_feed(body: bytes) -> tuple[list[Any], str | None]:
    """The entries of an RSS or Atom document, and an error when it is not a feed at all."""
    import feedparser  # noqa: PLC0415 - only the monitor needs it

    parsed = feedparser.parse(body)
    if parsed.entries:
        return list(parsed.entries), None
    if parsed.get("bozo"):
        return [], f"not an RSS or Atom feed ({parsed.get('bozo_exception')})"
    return [], None


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return str(value)
