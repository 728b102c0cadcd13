"""Feeds and pages polled from a local server (issue 14): new items once, duplicates once,
failures listed and retried, one bad feed never stopping the others."""

from __future__ import annotations

import datetime as dt

import pytest

from conflict_monitor.monitor.poller import Poller, compute_backoff
from conflict_monitor.store.factory import open_store
from tests.local_site import LocalSite, make_article_html, make_atom, make_rss
from tests.store.test_backends import store_location  # noqa: F401 - the fixture

STORIES = {
    "/a/saraqib": ("Shelling near Saraqib", [
        "SARAQIB, Syria (Wire) - Syrian government forces shelled the town of Saraqib in Idlib "
        "province on Tuesday, killing five civilians, the Syrian Observatory for Human Rights said."]),
    "/a/taftanaz": ("Air strike on Taftanaz", [
        "Russian warplanes struck the town of Taftanaz in Idlib province on Monday, killing three "
        "civilians, the Syrian Observatory for Human Rights said."]),
    "/a/ariha": ("Clashes near Ariha", [
        "Turkish troops deployed to an observation post near Ariha in Idlib province on Wednesday, "
        "the Turkish defence ministry said in a statement."]),
}


def _serve_story(site: LocalSite, path: str, at: str | None = None) -> str:
    title, paragraphs = STORIES[path]
    return site.put(at or path, make_article_html(title, paragraphs))


@pytest.fixture
def store(store_location: str):  # noqa: F811 - the imported fixture: DuckDB and PostgreSQL
    return open_store(store_location, seed_if_new=False)


def test_a_feed_updated_between_two_polls_adds_only_its_new_items(local_site: LocalSite, store):
    links = [_serve_story(local_site, p) for p in ("/a/saraqib", "/a/taftanaz")]
    local_site.put("/rss", make_rss([("one", links[0]), ("two", links[1])]),
                   content_type="application/rss+xml", etag='"v1"')
    store.add_feed("wire", local_site.url("/rss"))
    poller = Poller(store)

    first = poller.poll_all()
    assert (first.items_seen, first.new_articles, first.failures) == (2, 2, [])
    assert first.new_events >= 2
    events_after_first = store.count_events()

    again = poller.poll_all()  # unchanged: the server answers 304 to our ETag
    assert (again.items_seen, again.new_articles, again.new_events) == (0, 0, 0)
    feed_requests = [h for path, h in local_site.requests if path == "/rss"]
    assert feed_requests[-1].get("if-none-match") == '"v1"'
    assert "conflict-monitor" in feed_requests[-1]["user-agent"]

    link3 = _serve_story(local_site, "/a/ariha")
    local_site.put("/rss", make_rss([("three", link3), ("one", links[0]), ("two", links[1])]),
                   content_type="application/rss+xml", etag='"v2"')
    third = poller.poll_all()
    assert (third.items_seen, third.new_articles) == (1, 1)
    assert store.count_events() == events_after_first + third.new_events
    assert len(store.query_articles()) == 3
    assert [p for p, _ in local_site.requests].count("/a/saraqib") == 1  # fetched once
    feed = store.get_feed("wire")
    assert feed["etag"] == '"v2"' and int(feed["items_found"]) == 3


def test_the_same_story_in_two_feeds_is_stored_once(local_site: LocalSite, store):
    own = _serve_story(local_site, "/a/saraqib")
    title, paragraphs = STORIES["/a/saraqib"]
    # the wire story again under another URL, with other spacing around its dash
    copy = local_site.put("/other/saraqib-copy", make_article_html(title, [paragraphs[0].replace(" - ", "  -  ")]))
    local_site.put("/rss", make_rss([("one", own)]), content_type="application/rss+xml")
    local_site.put("/atom", make_atom([("copy", copy), ("same link", own)]),
                   content_type="application/atom+xml")
    store.add_feed("rss", local_site.url("/rss"))
    store.add_feed("atom", local_site.url("/atom"))

    summary = Poller(store).poll_all()

    assert summary.new_articles == 1 and summary.duplicates == 1
    assert len(store.query_articles()) == 1
    events = store.query_events()
    assert not events.duplicated(["action", "actor1", "actor2", "location", "event_date"]).any()
    items = store.query_feed_items().set_index("url")
    assert set(items.index) == {own, copy}  # `own`, in both feeds, is one item
    assert sorted(items["status"]) == ["duplicate", "stored"]
    assert items["article_id"].nunique() == 1


def test_a_page_that_times_out_or_is_garbage_is_listed_failed_and_the_rest_stored(
        local_site: LocalSite, store):
    good = _serve_story(local_site, "/a/saraqib")
    slow = local_site.put("/slow", make_article_html(*STORIES["/a/taftanaz"]), delay_s=30)
    garbage = local_site.put("/garbage", bytes(range(256)) * 40, content_type="application/octet-stream")
    local_site.put("/rss", make_rss([("slow", slow), ("garbage", garbage), ("good", good)]),
                   content_type="application/rss+xml")
    store.add_feed("broken", local_site.url("/missing-feed"))  # 404: must not stop the others
    store.add_feed("wire", local_site.url("/rss"))

    summary = Poller(store, timeout=1.0).poll_all()

    assert summary.new_articles == 1
    failed = {url: reason for _, url, reason in summary.failures}
    assert set(failed) == {slow, garbage, local_site.url("/missing-feed")}
    assert "timed out" in failed[slow].lower()
    assert "404" in failed[local_site.url("/missing-feed")]
    items = store.query_feed_items(status="failed").set_index("url")
    assert set(items.index) == {slow, garbage}
    assert all(isinstance(r, str) and r for r in items["last_error"])
    assert "404" in store.get_feed("broken")["last_error"]

    # Not retried before its back-off is over ...
    local_site.put("/slow", make_article_html(*STORIES["/a/taftanaz"]))
    assert Poller(store).poll_all().items_seen == 0
    # ... and retried once it is (the wait moved into the past, as if 15 minutes had gone by).
    with store._transaction() as con:
        store._execute(con, "UPDATE feed_items SET next_try = ? WHERE url = ?",
                       [dt.datetime(2000, 1, 1), slow])
    retried = Poller(store).poll_all()
    assert retried.new_articles == 1
    row = store.get_feed_item(slow)
    assert row["status"] == "stored" and int(row["attempts"]) == 2


def test_backoff_doubles_up_to_a_day():
    assert compute_backoff(1) == dt.timedelta(minutes=15)
    assert compute_backoff(2) == dt.timedelta(minutes=30)
    assert compute_backoff(3) == dt.timedelta(hours=1)
    assert compute_backoff(30) == dt.timedelta(days=1)


def test_a_single_page_is_stored_once_and_again_when_it_changes(local_site: LocalSite, store):
    url = _serve_story(local_site, "/a/saraqib")
    store.add_feed("page", url, kind="page")
    assert Poller(store).poll_all().new_articles == 1
    assert Poller(store).poll_all().new_articles == 0
    _serve_story(local_site, "/a/taftanaz", at="/a/saraqib")
    assert Poller(store).poll_all().new_articles == 1
    assert len(store.query_articles()) == 2


def test_a_feed_on_a_private_address_is_refused_unless_allowed(local_site: LocalSite, store,
                                                                monkeypatch: pytest.MonkeyPatch):
    local_site.put("/rss", make_rss([]), content_type="application/rss+xml")
    store.add_feed("local", local_site.url("/rss"))
    monkeypatch.delenv("CONFLICT_MONITOR_ALLOW_PRIVATE_FETCH")
    summary = Poller(store).poll_all()
    assert "loopback" in summary.failures[0][2]
    assert local_site.requests == []  # refused before connecting
