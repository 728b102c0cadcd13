"""`feeds add|list|remove` and `watch --once` against a local server (issue 14)."""

from __future__ import annotations

from pathlib import Path

from conflict_monitor.cli.main import main
from conflict_monitor.store.factory import open_store
from tests.local_site import LocalSite, make_article_html, make_rss


def test_feeds_commands_and_watch_once(local_site: LocalSite, store_path: Path, capsys):
    open_store(str(store_path), seed_if_new=False)
    page = local_site.put("/a/1", make_article_html("Shelling", [
        "Syrian government forces shelled the town of Saraqib in Idlib province on Tuesday, "
        "killing five civilians, the Syrian Observatory for Human Rights said."]))
    local_site.put("/rss", make_rss([("one", page)]), content_type="application/rss+xml")

    assert main(["feeds", "add", local_site.url("/rss"), "--name", "wire"]) == 0
    assert main(["feeds", "add", local_site.url("/rss")]) == 2  # the same URL twice
    assert "Already watched as 'wire'" in capsys.readouterr().err
    assert main(["feeds", "add", "javascript:alert(1)"]) == 2

    assert main(["watch", "--once"]) == 0
    out = capsys.readouterr()
    assert "1 items seen, 1 new articles" in out.out
    assert "wire:" in out.err  # progress per feed

    assert main(["feeds", "list"]) == 0
    listed = capsys.readouterr().out
    assert "wire" in listed and "1 items" in listed and "never" not in listed

    assert main(["feeds", "remove", "wire"]) == 0
    assert main(["feeds", "remove", "wire"]) == 2
    articles = open_store(str(store_path), seed_if_new=False).query_articles()
    assert list(articles["url"]).count(page) == 1  # beside the seeded source article
