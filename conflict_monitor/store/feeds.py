"""The store's feed tables (issue 14): the feeds and pages the monitor watches, and every item
it has seen, so that each item is fetched, extracted and stored once.

A mixin of sql.SqlStore (it uses SqlStore's backend hooks), like incident_upkeep. Times are
naive UTC, as articles.ingested_at. An item is keyed by its URL: the same link in two feeds is
one item. `text_key` is a hash of the article's words (case and punctuation ignored), so the
same wire story published under two URLs is stored once, even when the two pages differ in
spacing or quotes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any
from urllib.parse import urlparse

import pandas as pd

FEED_KINDS = ("feed", "page")
# Item states: stored (its article is in the store), duplicate (its text already was), failed
# (retried at next_try, with back-off).
ITEM_STATES = ("stored", "duplicate", "failed")

FEED_SCHEMA: tuple[str, ...] = (
    "CREATE TABLE IF NOT EXISTS feeds (\n  name VARCHAR PRIMARY KEY,\n  url VARCHAR NOT NULL,\n"
    "  kind VARCHAR NOT NULL,\n  added_at TIMESTAMP,\n  etag VARCHAR,\n  last_modified VARCHAR,\n"
    "  last_poll TIMESTAMP,\n  next_poll TIMESTAMP,\n  items_found INTEGER,\n  last_error VARCHAR\n)",
    "CREATE TABLE IF NOT EXISTS feed_items (\n  url VARCHAR PRIMARY KEY,\n  feed VARCHAR,\n"
    "  title VARCHAR,\n  status VARCHAR,\n  article_id VARCHAR,\n  text_key VARCHAR,\n"
    "  events_added INTEGER,\n  attempts INTEGER,\n  last_error VARCHAR,\n  first_seen TIMESTAMP,\n"
    "  last_try TIMESTAMP,\n  next_try TIMESTAMP\n)",
)
FEED_TABLES = ("feeds", "feed_items")


def utc_now() -> dt.datetime:
    """Now in UTC, without a time zone (the store's TIMESTAMP columns hold naive UTC)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def compute_text_key(text: str) -> str:
    """A hash of the text's words, lower-cased, punctuation and spacing ignored."""
    words = re.findall(r"\w+", text.lower())
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()[:32]


def compute_feed_name(url: str) -> str:
    """A default name: the host and path as one slug (news.example.org/world/rss ->
    news-example-org-world-rss)."""
    parsed = urlparse(url)
    return re.sub(r"[^a-z0-9]+", "-", f"{parsed.netloc}{parsed.path}".lower()).strip("-")[:60] or "feed"


class FeedTablesMixin:
    """Feeds and feed items for a SQL store (needs SqlStore's hooks)."""

    def add_feed(self, name: str, url: str, kind: str = "feed") -> None:
        """Add a feed or page; raises ValueError if the name or URL is already watched."""
        if kind not in FEED_KINDS:
            raise ValueError(f"kind: expected one of {', '.join(FEED_KINDS)}, got {kind!r}")
        with self._transaction() as con:
            taken = self._fetch(con, "SELECT name FROM feeds WHERE name = ? OR url = ?", [name, url])
            if taken:
                raise ValueError(f"Already watched as {taken[0][0]!r}: choose another name or URL.")
            self._execute(con, "INSERT INTO feeds (name, url, kind, added_at, items_found) "
                               "VALUES (?, ?, ?, ?, 0)", [name, url, kind, utc_now()])

    def remove_feed(self, name: str) -> bool:
        """Stop watching a feed (its stored articles stay); False if there is no such feed."""
        with self._transaction() as con:
            return self._execute(con, "DELETE FROM feeds WHERE name = ?", [name]) > 0

    def query_feeds(self) -> pd.DataFrame:
        """Every feed with its polling state, by name."""
        return self.query_sql("SELECT * FROM feeds ORDER BY name")

    def get_feed(self, name: str) -> dict[str, Any] | None:
        """One feed's row, or None."""
        frame = self.query_sql("SELECT * FROM feeds WHERE name = ?", [name])
        return None if frame.empty else frame.iloc[0].to_dict()

    def record_poll(self, name: str, *, error: str | None, items: int, next_poll: dt.datetime,
                    etag: str | None = None, last_modified: str | None = None,
                    keep_validators: bool = False) -> None:
        """Note one poll of a feed: when, what it found, the error if any, the next poll.
        keep_validators: a 304 or a failure keeps the ETag and Last-Modified already stored."""
        validators = "" if keep_validators else ", etag = ?, last_modified = ?"
        params: list[Any] = [utc_now(), next_poll, items, error]
        if not keep_validators:
            params += [etag, last_modified]
        with self._transaction() as con:
            self._execute(con, "UPDATE feeds SET last_poll = ?, next_poll = ?, items_found = "
                               f"coalesce(items_found, 0) + ?, last_error = ?{validators} "
                               "WHERE name = ?", [*params, name])

    def get_feed_item(self, url: str) -> dict[str, Any] | None:
        """The item seen at `url`, or None."""
        frame = self.query_sql("SELECT * FROM feed_items WHERE url = ?", [url])
        return None if frame.empty else frame.iloc[0].to_dict()

    def find_item_by_text(self, text_key: str) -> dict[str, Any] | None:
        """An item already stored with this text key (the same story under another URL)."""
        frame = self.query_sql("SELECT * FROM feed_items WHERE text_key = ? AND status = 'stored' "
                               "ORDER BY first_seen LIMIT 1", [text_key])
        return None if frame.empty else frame.iloc[0].to_dict()

    def record_item(self, url: str, feed: str, status: str, *, title: str | None = None,
                    article_id: str | None = None, text_key: str | None = None,
                    events_added: int = 0, error: str | None = None,
                    next_try: dt.datetime | None = None) -> None:
        """Insert or update one item's outcome; attempts counts the tries."""
        if status not in ITEM_STATES:
            raise ValueError(f"status: expected one of {', '.join(ITEM_STATES)}, got {status!r}")
        now = utc_now()
        with self._transaction() as con:
            self._execute(
                con, "INSERT INTO feed_items (url, feed, title, status, article_id, text_key, "
                     "events_added, attempts, last_error, first_seen, last_try, next_try) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET "
                     "status = excluded.status, article_id = excluded.article_id, "
                     "text_key = excluded.text_key, events_added = excluded.events_added, "
                     "attempts = feed_items.attempts + 1, last_error = excluded.last_error, "
                     "last_try = excluded.last_try, next_try = excluded.next_try",
                [url, feed, title, status, article_id, text_key, events_added, error, now, now,
                 next_try])

    def get_setting(self, key: str, default: int = 0) -> int:
        """A whole-number setting kept in the store's meta table (shared by every process)."""
        rows = self.query_sql("SELECT value FROM meta WHERE key = ?", [f"setting:{key}"])
        return default if rows.empty else int(rows["value"].iloc[0])

    def set_setting(self, key: str, value: int) -> None:
        """Set a whole-number setting (see get_setting)."""
        with self._transaction() as con:
            self._execute(con, "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
                               "value = excluded.value", [f"setting:{key}", int(value)])

    def query_feed_items(self, feed: str | None = None, status: str | None = None) -> pd.DataFrame:
        """Items seen, newest first, optionally of one feed and one state."""
        where, params = ["TRUE"], []
        if feed is not None:
            where.append("feed = ?")
            params.append(feed)
        if status is not None:
            where.append("status = ?")
            params.append(status)
        return self.query_sql(f"SELECT * FROM feed_items WHERE {' AND '.join(where)} "
                              "ORDER BY last_try DESC, url", params)
