"""Articles fetched over HTTP: a local server (127.0.0.1, a thread of this test) serves a news page
with its chrome (menus, breadcrumb, cookie banner, newsletter box, "most read", footer); the page
goes through fetch.py and the `ingest URL` command into a store of the test's own."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

import pytest

from conflict_monitor.cli import main as cli
from conflict_monitor.extract import fetch
from conflict_monitor.extract.errors import ExtractionError
from conflict_monitor.extract.pipeline import extract_article
from conflict_monitor.store.factory import open_store
from tests.conftest import serve_http

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Turkish soldiers killed in Syrian shelling near Saraqib | Frontline Wire</title>
<meta name="author" content="AFP">
<meta property="article:published_time" content="2020-02-11T09:30:00Z">
<script>window.dataLayer = [{"page": "article"}];</script>
<style>nav a { margin: 0 4px; }</style>
</head>
<body>
<header>
  <nav><a href="/">Home</a> <a href="/world">World</a> <a href="/middle-east">Middle East</a> <a href="/sport">Sport</a></nav>
  <div class="breadcrumb">You are here: Home &gt; World &gt; Middle East</div>
</header>
<div class="cookie-banner">We use cookies to improve your experience. <button>Accept all</button></div>
<main>
<article>
<h1>Turkish soldiers killed in Syrian shelling near Saraqib</h1>
<p class="byline">By AFP — February 11, 2020</p>
<p>ISTANBUL — Syrian government forces killed five Turkish soldiers in shelling near Saraqib in Idlib province on Monday, the Turkish defence ministry said.</p>
<p>Turkey retaliated and struck Syrian government targets, the ministry said, adding that 101 Syrian soldiers had been “neutralised”.</p>
<p>Russian warplanes bombed the town of Taftanaz on Monday, killing 12 civilians, according to the Syrian Observatory for Human Rights.</p>
<p>President Recep Tayyip Erdogan warned Damascus that Ankara would hit Syrian forces anywhere if another Turkish soldier was hurt.</p>
<figure><img src="/img/convoy.jpg" alt=""><figcaption>A Turkish military convoy near Saraqib on Monday. (AFP)</figcaption></figure>
</article>
<aside class="newsletter">Sign up for our newsletter: the day's top stories in your inbox. <input type="email"> <button>Subscribe</button></aside>
<aside class="related"><h3>Most read</h3><ul><li><a href="/a">Markets rally as oil prices fall</a></li><li><a href="/b">Ten recipes for the weekend</a></li></ul></aside>
</main>
<footer>© 2020 Frontline Wire. All rights reserved. <a href="/privacy">Privacy policy</a> <a href="/terms">Terms of use</a></footer>
</body>
</html>
"""
CHROME = ("You are here", "cookies", "newsletter", "Most read", "Markets rally", "All rights reserved", "Sport")


class _Handler(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, str, bytes]] = {
        "/world/saraqib.html": (200, "text/html; charset=utf-8", PAGE.encode("utf-8")),
        "/latin1.html": (200, "text/html; charset=iso-8859-1", PAGE.replace("\u201c", '"').replace("\u201d", '"')
                         .replace("\u2014", "-").replace("\u00a9", "(c)").encode("iso-8859-1")),
        "/big.html": (200, "text/html", b"<p>" + b"x" * 4096 + b"</p>"),
    }

    def do_GET(self):  # noqa: N802 - http.server's name
        status, ctype, body = self.routes.get(self.path, (404, "text/plain", b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture(autouse=True)
def _allow_the_local_server(monkeypatch):
    """The page server runs on 127.0.0.1, which fetching refuses unless the operator allows it
    (test_fetch_safety.py checks the refusal)."""
    monkeypatch.setenv("CONFLICT_MONITOR_ALLOW_PRIVATE_FETCH", "1")


@pytest.fixture(scope="module")
def site():
    """Base URL of a page server on 127.0.0.1 (a free port), stopped after the module."""
    with serve_http(_Handler) as url:
        yield url


def test_fetch_url_reads_the_page_in_its_charset(site):
    assert fetch.fetch_url(f"{site}/world/saraqib.html", timeout=5) == PAGE
    latin = fetch.fetch_url(f"{site}/latin1.html", timeout=5)
    assert "Ankara would hit Syrian forces" in latin and "(c) 2020" in latin


def test_fetch_url_errors_are_extraction_errors(site, monkeypatch):
    with pytest.raises(ExtractionError, match="Could not fetch"):
        fetch.fetch_url(f"{site}/missing.html", timeout=5)
    with pytest.raises(ExtractionError, match="Not an http"):
        fetch.fetch_url("file:///etc/hosts")
    monkeypatch.setattr(fetch, "MAX_BYTES", 1024)
    with pytest.raises(ExtractionError, match="larger than"):
        fetch.fetch_url(f"{site}/big.html", timeout=5)


def test_fetched_page_is_cleaned_and_coded(site):
    url = f"{site}/world/saraqib.html"
    result = extract_article(fetch.fetch_url(url, timeout=5), url=url, is_html=True)
    article = result.article
    assert article["title"] == "Turkish soldiers killed in Syrian shelling near Saraqib"
    assert article["published"] == "2020-02-11" and article["source"] == "AFP" and article["url"] == url
    assert article["dateline"] == "ISTANBUL"
    assert not [c for c in CHROME if c in article["text"]]
    kills = {e["location"]: e for e in result.events if e["action"] == "kill"}
    assert kills["Saraqib"]["fatalities"] == 5 and kills["Saraqib"]["actor1"] == "Syrian government forces"
    assert kills["Saraqib"]["event_date"] == "2020-02-10"  # "on Monday" before Tuesday's publication
    assert kills["Taftanaz"]["fatalities"] == 12 and kills["Taftanaz"]["reported_by"] == "SOHR"
    for e in result.events:
        assert e["source_url"] == url and e["origin"] == "extracted"
        assert article["text"][e["evidence_start"]:e["evidence_end"]] == e["evidence"]


def test_ingest_url_stores_the_events_once(site, store_path, capsys):
    url = f"{site}/world/saraqib.html"
    expected = extract_article(fetch.fetch_url(url, timeout=5), url=url, is_html=True).events
    assert cli.main(["ingest", url, f"{site}/missing.html"]) == 0  # one failure does not stop the batch
    out, err = capsys.readouterr()
    assert "1 of 2 articles read (1 new)" in out and f"{len(expected)} events added" in out
    assert "missing.html" in err
    store = open_store(seed_if_new=False)
    try:
        events = store.query_events(columns=["origin", "source_url", "action", "location", "fatalities"])
        mine = events[events["source_url"] == url]
        assert len(mine) == len(expected) >= 4 and set(mine["origin"]) == {"extracted"}
        kills = mine[mine["action"] == "kill"].set_index("location")
        assert int(kills.loc["Saraqib", "fatalities"]) == 5 and int(kills.loc["Taftanaz", "fatalities"]) == 12
        articles = store.query_articles(with_text=True)
        stored = articles[articles["url"] == url]
        assert len(stored) == 1 and "You are here" not in stored.iloc[0]["text"]
    finally:
        store.close()
    assert store_path.exists()
    assert cli.main(["ingest", url]) == 0  # idempotent
    assert "0 events added" in capsys.readouterr().out
