"""Read an article from a file or a URL, safely: http(s) only, size-capped, no scripts run, and
never from this server's own network (server-side request forgery).

Every address a host name resolves to is checked before connecting, and the connection goes to
the address that was checked (so a second DNS answer cannot swap in another one); redirects are
followed here, one by one, each checked the same way. Refused: loopback, private, link-local
(cloud metadata services live at 169.254.169.254), multicast, reserved and unspecified ranges,
and anything else Python's ipaddress module does not count as global (e.g. 100.64.0.0/10).
CONFLICT_MONITOR_ALLOW_PRIVATE_FETCH=1 lets an operator fetch from loopback, private and
reserved ranges (an intranet news server, the tests' local servers); link-local, multicast and
unspecified addresses stay refused. Proxy settings (http_proxy) are not used.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import os
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from conflict_monitor.extract.errors import ExtractionError
from conflict_monitor.model.safety import compute_safe_url

MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
ARTICLE_SUFFIXES = (".txt", ".html", ".htm")
ALLOW_PRIVATE_ENV = "CONFLICT_MONITOR_ALLOW_PRIVATE_FETCH"
USER_AGENT = "conflict-monitor/1.0 (+article extraction)"
_REDIRECTS = {301, 302, 303, 307, 308}
# Refused even when private fetching is allowed: never a web server an operator means.
_ALWAYS_REFUSED = ("link-local", "multicast", "unspecified")

Resolver = Callable[[str, int], list[str]]


class FetchRefused(ExtractionError):
    """A URL was not fetched because of where it points; the message names the reason."""


def compute_address_refusal(address: str) -> str | None:
    """Why `address` (a literal IPv4/IPv6 address) must not be fetched from, or None if public.

    Checked in this order because ranges overlap (127.0.0.1, 169.254.169.254 and 240.0.0.1
    also count as private): the most telling name wins.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone (fe80::1%eth0)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    for reason, hit in (("unspecified", ip.is_unspecified), ("loopback", ip.is_loopback),
                        ("link-local", ip.is_link_local), ("multicast", ip.is_multicast),
                        ("reserved", ip.is_reserved), ("private", ip.is_private)):
        if hit:
            return reason
    return None if ip.is_global else "reserved"


def compute_private_fetch_allowed() -> bool:
    """True when CONFLICT_MONITOR_ALLOW_PRIVATE_FETCH is set to 1/true/yes."""
    return os.environ.get(ALLOW_PRIVATE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def resolve_host(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (a literal address resolves to itself, without DNS)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ExtractionError(f"Could not resolve the host name {host!r}: {exc}") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def check_url_target(url: str, allow_private: bool | None = None,
                     resolver: Resolver = resolve_host) -> tuple[str, str, int, str]:
    """(scheme, host, port, address to connect to) for a URL that may be fetched; FetchRefused
    naming the reason otherwise. Every resolved address must pass, not just the first."""
    safe = compute_safe_url(url)
    parts = urlsplit(safe or "")
    if safe is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FetchRefused(f"Not an http(s) URL: {url!r}")
    scheme = parts.scheme.lower()
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise FetchRefused(f"Not a usable URL: {url!r} ({exc})") from exc
    allow = compute_private_fetch_allowed() if allow_private is None else allow_private
    addresses = resolver(parts.hostname, port)
    if not addresses:
        raise ExtractionError(f"Could not resolve the host name {parts.hostname!r}.")
    for address in addresses:
        reason = compute_address_refusal(address)
        if reason and (reason in _ALWAYS_REFUSED or not allow):
            hint = "" if reason in _ALWAYS_REFUSED else (
                f" An operator can allow loopback and private addresses (an intranet) with "
                f"{ALLOW_PRIVATE_ENV}=1.")
            raise FetchRefused(f"Refused to fetch {safe}: {parts.hostname} is a {reason} address "
                               f"({address}), not a public web server.{hint}")
    return scheme, parts.hostname, port, addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to the checked address, whatever a new DNS answer would say."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the checked address; the certificate is still checked against the host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _connect_checked(url: str, timeout: float, allow_private: bool | None,
                     resolver: Resolver) -> tuple[http.client.HTTPConnection, str]:
    """A connection to the address `url` was checked to resolve to, and the request path."""
    scheme, host, port, address = check_url_target(url, allow_private, resolver)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    cls = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    return cls(host, port, address, timeout), path


def _get_once(url: str, timeout: float, allow_private: bool | None,
              resolver: Resolver) -> tuple[int, str | None, bytes, str]:
    """(status, Location, body, charset) of one GET, after checking where it goes."""
    conn, path = _connect_checked(url, timeout, allow_private, resolver)
    try:
        conn.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "text/html, text/plain"})
        response = conn.getresponse()
        if response.status in _REDIRECTS:
            return response.status, response.getheader("Location"), b"", "utf-8"
        length = response.getheader("Content-Length")
        if length and length.isdigit() and int(length) > MAX_BYTES:
            return response.status, None, b"x" * (MAX_BYTES + 1), "utf-8"
        body = response.read(MAX_BYTES + 1)
        charset = response.headers.get_content_charset() or "utf-8"
        if response.status >= 400:
            raise ExtractionError(f"Could not fetch {url}: HTTP {response.status} {response.reason}")
        return response.status, None, body, charset
    except (OSError, http.client.HTTPException) as exc:
        raise ExtractionError(f"Could not fetch {url}: {exc}") from exc
    finally:
        conn.close()


def fetch_url(url: str, timeout: float = 20.0, *, allow_private: bool | None = None,
              resolver: Resolver = resolve_host) -> str:
    """The page at `url` as text. Raises FetchRefused (an ExtractionError) for an address on
    this server's own network, and ExtractionError for bad URLs, errors, loops and huge pages.

    allow_private: None reads CONFLICT_MONITOR_ALLOW_PRIVATE_FETCH; resolver: for tests.
    """
    current = compute_safe_url(url)
    if current is None:
        raise FetchRefused(f"Not an http(s) URL: {url!r}")
    for _ in range(MAX_REDIRECTS + 1):
        status, location, data, charset = _get_once(current, timeout, allow_private, resolver)
        if status not in _REDIRECTS:
            break
        if not location:
            raise ExtractionError(f"Could not fetch {current}: HTTP {status} without a Location.")
        target = compute_safe_url(urljoin(current, location.strip()))
        if target is None:
            raise FetchRefused(f"Refused to follow a redirect from {current} to {location!r}: "
                               "not an http(s) URL.")
        current = target
    else:
        raise ExtractionError(f"Could not fetch {url}: more than {MAX_REDIRECTS} redirects.")
    if len(data) > MAX_BYTES:
        raise ExtractionError(f"{current} is larger than {MAX_BYTES // 1024 // 1024} MB; not an article page.")
    try:
        return data.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know
        return data.decode("utf-8", errors="replace")


# Leading bytes of files that are not articles (file signatures: zip, gzip, PDF, 7z, RAR, PNG,
# JPEG, GIF; as listed in the formats' specifications and the `file` command's magic database).
_SIGNATURES = ((b"PK\x03\x04", "a zip archive"), (b"\x1f\x8b", "gzip-compressed"),
               (b"%PDF", "a PDF"), (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
               (b"Rar!", "a RAR archive"), (b"\x89PNG", "an image"), (b"\xff\xd8\xff", "an image"),
               (b"GIF8", "an image"))
_HTML_MARKS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<article", b"<p>", b"<div")


def check_article_bytes(name: str, data: bytes, max_bytes: int | None = None) -> None:
    """Refuse an uploaded article file that is too big or is not text or HTML, judged by its
    content, not its name; ExtractionError naming the problem."""
    cap = MAX_BYTES if max_bytes is None else max_bytes
    if len(data) > cap:
        raise ExtractionError(f"{name} is {len(data) / 1024 / 1024:.1f} MB, above the "
                              f"{cap / 1024 / 1024:.0f} MB allowed for one article.")
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            raise ExtractionError(f"{name} is {kind}, not an article: upload the text or the saved "
                                  "web page (.txt or .html).")
    if b"\x00" in data[:8192]:
        raise ExtractionError(f"{name} is a binary file (it holds NUL bytes), not an article.")


def compute_looks_like_html(data: bytes | str) -> bool:
    """True when the start of the content is HTML markup, whatever the file is called."""
    head = (data.encode("utf-8", "replace") if isinstance(data, str) else data)[:4096].lower()
    return any(mark in head for mark in _HTML_MARKS)


MONITOR_USER_AGENT = "conflict-monitor/1.0 (+feed monitor; polls feeds its analysts listed)"


@dataclass
class FetchedResource:
    """What a conditional GET brought: status 304 means unchanged (body empty)."""

    url: str
    status: int
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def _get_resource_once(url: str, timeout: float, headers: dict[str, str], max_bytes: int,
                       allow_private: bool | None, resolver: Resolver
                       ) -> tuple[int, str | None, bytes, dict[str, str]]:
    """(status, Location, body, headers) of one GET with `headers`, checked as _get_once is."""
    conn, path = _connect_checked(url, timeout, allow_private, resolver)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        got = {k.lower(): v for k, v in response.getheaders()}
        if response.status in _REDIRECTS or response.status == 304:
            return response.status, got.get("location"), b"", got
        if response.status >= 400:
            raise ExtractionError(f"Could not fetch {url}: HTTP {response.status} {response.reason}")
        body = response.read(max_bytes + 1)
        if len(body) > max_bytes:
            raise ExtractionError(f"{url} is larger than {max_bytes // 1024} KB; not fetched.")
        return response.status, None, body, got
    except (OSError, http.client.HTTPException) as exc:
        raise ExtractionError(f"Could not fetch {url}: {exc}") from exc
    finally:
        conn.close()


def fetch_resource(url: str, *, etag: str | None = None, last_modified: str | None = None,
                   timeout: float = 20.0, max_bytes: int = MAX_BYTES,
                   allow_private: bool | None = None, resolver: Resolver = resolve_host
                   ) -> FetchedResource:
    """A feed or page for the monitor, guarded as fetch_url is (never this server's network
    unless allowed, every redirect checked, size cap, timeout), as a conditional request
    (If-None-Match / If-Modified-Since, RFC 9110 section 13.1): an unchanged feed costs a 304
    and no body. Raises ExtractionError (FetchRefused for a refused address) on any failure."""
    current = compute_safe_url(url)
    if current is None:
        raise FetchRefused(f"Not an http(s) URL: {url!r}")
    headers = {"User-Agent": MONITOR_USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    for _ in range(MAX_REDIRECTS + 1):
        status, location, body, got = _get_resource_once(current, timeout, headers, max_bytes,
                                                         allow_private, resolver)
        if status not in _REDIRECTS:
            break
        target = compute_safe_url(urljoin(current, (location or "").strip())) if location else None
        if target is None:
            raise FetchRefused(f"Refused to follow a redirect from {current} to {location!r}.")
        current = target
    else:
        raise ExtractionError(f"Could not fetch {url}: more than {MAX_REDIRECTS} redirects.")
    if status == 304:
        return FetchedResource(current, 304, etag=etag, last_modified=last_modified, headers=got)
    return FetchedResource(current, status, body, got.get("etag"), got.get("last-modified"), got)


def read_meta(path: Path) -> dict:
    """`<name>.meta.json` beside an article file, or {}."""
    meta = path.with_name(path.name.rsplit(".", 1)[0] + ".meta.json")
    if meta.exists():
        try:
            return json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
    return {}


def expand_inputs(items: list[str]) -> list[str]:
    """Files, URLs and the article files of directories, in order."""
    out: list[str] = []
    for item in items:
        if item.startswith(("http://", "https://")):
            out.append(item)
            continue
        path = Path(item)
        if path.is_dir():
            out.extend(str(p) for p in sorted(path.iterdir()) if p.suffix.lower() in ARTICLE_SUFFIXES)
        else:
            out.append(item)
    return out
