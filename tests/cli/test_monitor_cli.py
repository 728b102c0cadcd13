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
    from conflict_monitor.store.audit import query_audit

    audit = query_audit(open_store(str(store_path), seed_if_new=False), action="feed")
    assert sorted(audit["detail"]) == [f"add {local_site.url('/rss')}", "remove"]
    articles = open_store(str(store_path), seed_if_new=False).query_articles()
    assert list(articles["url"]).count(page) == 1  # beside the seeded source article


def test_alerts_add_and_list(store_path: Path, capsys):
    import json

    store = open_store(str(store_path), seed_if_new=False)
    store.upsert_events([{"origin": "manual", "event_date": "2020-01-01", "action": "other",
                          "actor1": "Someone"}])  # not empty: no seeding
    assert main(["alerts", "add", "bad", "--kind", "ultimatum"]) == 2
    assert "days" in capsys.readouterr().err
    assert main(["alerts", "add", "Saraqib", "--near", "35.86,36.80,20", "--min-deaths", "1"]) == 0
    capsys.readouterr()
    store.ingest_article({"text": "Five civilians were killed in Saraqib."}, [
        {"origin": "extracted", "event_date": "2020-02-04", "action": "kill", "actor1": "Syrian government forces",
         "location": "Saraqib", "latitude": 35.8625, "longitude": 36.8042, "fatalities": 5}])
    from conflict_monitor.monitor.alerts import check_rules

    assert len(check_rules(store)) == 1
    assert main(["alerts", "list", "--json"]) == 0
    [alert] = json.loads(capsys.readouterr().out)
    assert alert["rule"] == "Saraqib" and "Saraqib" in alert["title"] and alert["read_at"] is None
    assert main(["alerts", "list"]) == 0
    assert "[Saraqib]" in capsys.readouterr().out
