"""The dashboard's background poller (issue 14): off until the setting asks, then polls the due
feeds, checks the rules and delivers, in a thread that survives a failing round."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from conflict_monitor.monitor.alerts import create_rule
from conflict_monitor.monitor.background import SETTING, BackgroundPoller
from conflict_monitor.store.factory import open_store
from tests.local_site import LocalSite, make_article_html, make_rss


def _wait_until(condition, seconds: float = 120) -> bool:
    """Poll the store until `condition()` holds (the thread works at its own pace)."""
    deadline, pause = time.monotonic() + seconds, threading.Event()
    while time.monotonic() < deadline:
        if condition():
            return True
        pause.wait(0.1)
    return False


def test_the_background_poller_follows_the_setting(local_site: LocalSite, store_path: Path):
    store = open_store(str(store_path), seed_if_new=False, keep_open=True)  # as the dashboard
    page = local_site.put("/a/1", make_article_html("Shelling", [
        "Syrian government forces shelled the town of Saraqib in Idlib province on Tuesday, "
        "killing five civilians, the Syrian Observatory for Human Rights said."]))
    local_site.put("/rss", make_rss([("one", page)]), content_type="application/rss+xml")
    store.add_feed("wire", local_site.url("/rss"))
    create_rule(store, "deaths", "event", {"min_deaths": 1}, who="t")
    assert store.get_setting(SETTING) == 0

    poller = BackgroundPoller(store)
    try:
        poller.start()
        poller.start()  # idempotent: still one thread
        assert [t.name for t in threading.enumerate()].count("feed poller") == 1
        store.set_setting(SETTING, 5)
        assert _wait_until(lambda: store.count_unread_alerts() == 1)
        feed = store.get_feed("wire")
        assert int(feed["items_found"]) == 1 and feed["next_poll"] > feed["last_poll"]
        assert "1 new alerts" in poller.last_round
    finally:
        poller.stop()
        store.close()
