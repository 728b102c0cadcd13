"""Safe fetching (issue 18): addresses on this server's own network are refused before any
connection, after resolution and on every redirect, in fetch_url and on the command line.

No test here sends traffic anywhere but loopback: the address check is tested on literal
addresses and with a resolver that answers from a table; the end-to-end cases use local
servers on 127.0.0.1 and ::1, started by the tests.
"""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conflict_monitor.cli import main as cli
from conflict_monitor.extract import fetch
from conflict_monitor.extract.errors import ExtractionError

PAGE = b"<html><head><title>Local page</title></head><body><p>Hello from the test server.</p></body></html>"
REFUSED = {"10.0.0.1": "private", "172.16.0.1": "private", "192.168.1.1": "private",
           "169.254.169.254": "link-local", "127.0.0.1": "loopback", "::1": "loopback",
           "fd00::1": "private", "0.0.0.0": "unspecified", "224.0.0.1": "multicast",
           "ff02::1": "multicast", "::ffff:127.0.0.1": "loopback", "fe80::1": "link-local",
           "100.64.0.1": "reserved", "240.0.0.1": "reserved", "::": "unspecified"}
PUBLIC = ("93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "2001:4860:4860::8888")


@pytest.mark.parametrize(("address", "reason"), sorted(REFUSED.items()))
def test_non_public_addresses_are_refused(address, reason):
    assert fetch.compute_address_refusal(address) == reason


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address):
    assert fetch.compute_address_refusal(address) is None


def _table(answers: dict[str, list[str]]):
    def resolve(host: str, port: int) -> list[str]:
        return answers[host]
    return resolve


def test_every_resolved_address_is_checked_before_connecting(monkeypatch):
    def no_connection(*args, **kwargs):
        raise AssertionError("a refused URL must not be connected to")

    monkeypatch.setattr(socket, "create_connection", no_connection)
    resolver = _table({"news.example": ["93.184.216.34", "10.1.2.3"],
                       "metadata.example": ["169.254.169.254"]})
    with pytest.raises(fetch.FetchRefused, match=r"news.example is a private address \(10.1.2.3\)"):
        fetch.fetch_url("http://news.example/a", allow_private=False, resolver=resolver)
    # Link-local (cloud metadata) stays refused even where private addresses are allowed.
    with pytest.raises(fetch.FetchRefused, match="link-local"):
        fetch.fetch_url("http://metadata.example/latest/", allow_private=True, resolver=resolver)
    for url in ("file:///etc/passwd", "ftp://news.example/a", "gopher://x/", "javascript:alert(1)"):
        with pytest.raises(fetch.FetchRefused, match="Not an http"):
            fetch.fetch_url(url, resolver=resolver)
    assert fetch.check_url_target("https://news.example:8443/a", resolver=_table(
        {"news.example": ["93.184.216.34"]})) == ("https", "news.example", 8443, "93.184.216.34")


class _Handler(BaseHTTPRequestHandler):
    redirect_to = ""

    def do_GET(self):  # noqa: N802 - http.server's name
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", self.redirect_to)
            self.end_headers()
            return
        if self.path == "/loop":
            self.send_response(301)
            self.send_header("Location", "/loop")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args):
        pass


class _V6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


def _serve(server_cls, host):
    server = server_cls((host, 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server, thread


@pytest.fixture(scope="module")
def servers():
    """(port on 127.0.0.1, port on ::1), both serving PAGE."""
    v4, t4 = _serve(ThreadingHTTPServer, "127.0.0.1")
    v6, t6 = _serve(_V6Server, "::1")
    try:
        yield v4.server_address[1], v6.server_address[1]
    finally:
        for server, thread in ((v4, t4), (v6, t6)):
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


def _local_urls(servers):
    port4, port6 = servers
    return [f"http://127.0.0.1:{port4}/", f"http://[::1]:{port6}/", f"http://localhost:{port4}/"]


@pytest.fixture
def first_hop_allowed(servers, monkeypatch):
    """A URL on 127.0.0.1 that this test lets through (standing for a public server) and that
    redirects to the local address it is given."""
    port4, _ = servers
    first = f"http://127.0.0.1:{port4}/redirect"
    real = fetch.check_url_target

    def check(url, allow_private=None, resolver=fetch.resolve_host):
        if url.startswith(first):
            return "http", "127.0.0.1", port4, "127.0.0.1"
        return real(url, allow_private, resolver)

    monkeypatch.setattr(fetch, "check_url_target", check)

    def redirecting_to(target: str) -> str:
        _Handler.redirect_to = target
        return first
    return redirecting_to


def test_local_servers_are_refused_and_reached_with_the_setting(servers, monkeypatch):
    monkeypatch.delenv(fetch.ALLOW_PRIVATE_ENV, raising=False)
    for url in _local_urls(servers):
        with pytest.raises(fetch.FetchRefused, match="loopback address") as info:
            fetch.fetch_url(url, timeout=5)
        assert fetch.ALLOW_PRIVATE_ENV in str(info.value)
    monkeypatch.setenv(fetch.ALLOW_PRIVATE_ENV, "1")
    for url in _local_urls(servers):
        assert "Hello from the test server." in fetch.fetch_url(url, timeout=5)


def test_a_redirect_to_a_local_address_is_refused(servers, first_hop_allowed, monkeypatch):
    monkeypatch.delenv(fetch.ALLOW_PRIVATE_ENV, raising=False)
    port4, port6 = servers
    for target in (f"http://127.0.0.1:{port4}/", f"http://[::1]:{port6}/", f"http://localhost:{port4}/"):
        with pytest.raises(fetch.FetchRefused, match="loopback address"):
            fetch.fetch_url(first_hop_allowed(target), timeout=5)
    with pytest.raises(fetch.FetchRefused, match="redirect .* not an http"):
        fetch.fetch_url(first_hop_allowed("file:///etc/passwd"), timeout=5)
    monkeypatch.setenv(fetch.ALLOW_PRIVATE_ENV, "1")
    assert b"Hello" in fetch.fetch_url(first_hop_allowed(f"http://localhost:{port4}/page"),
                                       timeout=5).encode()


def test_redirect_loops_end(servers, monkeypatch):
    monkeypatch.setenv(fetch.ALLOW_PRIVATE_ENV, "1")
    with pytest.raises(ExtractionError, match="more than 5 redirects"):
        fetch.fetch_url(f"http://127.0.0.1:{servers[0]}/loop", timeout=5)


def test_ingest_url_says_why_it_refused(servers, first_hop_allowed, store_path, monkeypatch, capsys):
    monkeypatch.delenv(fetch.ALLOW_PRIVATE_ENV, raising=False)
    urls = [*_local_urls(servers), first_hop_allowed(f"http://127.0.0.1:{servers[0]}/")]
    assert cli.main(["ingest", *urls]) == 1  # every input failed
    out, err = capsys.readouterr()
    assert f"0 of {len(urls)} articles read" in out
    for url in urls:
        assert f"failed: {url}: FetchRefused: Refused to fetch" in err
    assert err.count("is a loopback address") == len(urls)
