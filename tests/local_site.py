"""A local web server the monitor tests write feeds and pages to (127.0.0.1 only).

The `local_site` fixture (tests/conftest.py) serves one per test."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Resource:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    etag: str | None = None
    status: int = 200
    delay_s: float = 0.0  # answer this late (a page that times out)


@dataclass
class LocalSite:
    """What the server serves (path -> Resource) and the requests it has seen."""

    base: str = ""
    resources: dict[str, Resource] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return self.base + path

    def put(self, path: str, body: str | bytes, **kwargs) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.resources[path] = Resource(data, **kwargs)
        return self.url(path)


def make_article_html(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}"
            "</article></body></html>")


def make_rss(items: list[tuple[str, str]], title: str = "Wire") -> str:
    """An RSS 2.0 document of (title, link) items."""
    day = dt.datetime(2020, 2, 4, 9, 0).strftime("%a, %d %b %Y %H:%M:%S +0000")
    entries = "".join(f"<item><title>{t}</title><link>{link}</link><pubDate>{day}</pubDate></item>"
                      for t, link in items)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>http://127.0.0.1/</link><description>test</description>{entries}</channel></rss>")


def make_atom(items: list[tuple[str, str]]) -> str:
    entries = "".join(f'<entry><title>{t}</title><link href="{link}"/><id>{link}</id>'
                      "<updated>2020-02-04T09:00:00Z</updated></entry>" for t, link in items)
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Atom wire</title><id>urn:test</id><updated>2020-02-04T09:00:00Z</updated>{entries}</feed>")


@contextlib.contextmanager
def serve_local_site() -> Iterator[LocalSite]:
    """A threaded HTTP server on 127.0.0.1 with ETag support."""
    site = LocalSite()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            site.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            res = site.resources.get(self.path)
            if res is None:
                self.send_error(404)
                return
            if res.delay_s:
                site.release.wait(res.delay_s)  # the test ends the wait when it is done
            if res.etag and self.headers.get("If-None-Match") == res.etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(res.status)
            self.send_header("Content-Type", res.content_type)
            self.send_header("Content-Length", str(len(res.body)))
            if res.etag:
                self.send_header("ETag", res.etag)
            self.end_headers()
            self.wfile.write(res.body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.release.set()
        server.shutdown()
        server.server_close()
