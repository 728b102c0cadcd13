"""Read an article from a file or a URL (http/https only, size-capped, no scripts run)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from conflict_monitor.extract.errors import ExtractionError
from conflict_monitor.model.safety import compute_safe_url

MAX_BYTES = 5 * 1024 * 1024
ARTICLE_SUFFIXES = (".txt", ".html", ".htm")


def fetch_url(url: str, timeout: float = 20.0) -> str:
    """The page at `url` as text; raises ExtractionError for bad URLs, errors and huge pages."""
    safe = compute_safe_url(url)
    if safe is None:
        raise ExtractionError(f"Not an http(s) URL: {url!r}")
    request = urllib.request.Request(safe, headers={"User-Agent": "conflict-monitor/1.0 (+article extraction)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked
            data = response.read(MAX_BYTES + 1)
            charset = response.headers.get_content_charset() or "utf-8"
    except (OSError, ValueError) as exc:
        raise ExtractionError(f"Could not fetch {safe}: {exc}") from exc
    if len(data) > MAX_BYTES:
        raise ExtractionError(f"{safe} is larger than {MAX_BYTES // 1024 // 1024} MB; not an article page.")
    return data.decode(charset, errors="replace")


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

    def text(self) -> str:
        """The body decoded by its declared charset (UTF-8 when none is given)."""
        charset = "utf-8"
        for part in self.headers.get("content-type", "").split(";"):
            if part.strip().lower().startswith("charset="):
                charset = part.split("=", 1)[1].strip().strip('"') or charset
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


def fetch_resource(url: str, *, etag: str | None = None, last_modified: str | None = None,
                   timeout: float = 20.0, max_bytes: int = MAX_BYTES) -> FetchedResource:
    """A feed or page for the monitor: fetch_url's checks (http(s) only, size cap, timeout)
    plus a conditional request (If-None-Match / If-Modified-Since, RFC 9110 13.1) so an
    unchanged feed costs a 304 and no body. Raises ExtractionError on any failure."""
    safe = compute_safe_url(url)
    if safe is None:
        raise ExtractionError(f"Not an http(s) URL: {url!r}")
    headers = {"User-Agent": MONITOR_USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(safe, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked
            data = response.read(max_bytes + 1)
            status = response.status
            got = {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return FetchedResource(safe, 304, etag=etag, last_modified=last_modified)
        raise ExtractionError(f"Could not fetch {safe}: HTTP {exc.code} {exc.reason}") from exc
    except (OSError, ValueError) as exc:
        raise ExtractionError(f"Could not fetch {safe}: {exc}") from exc
    if len(data) > max_bytes:
        raise ExtractionError(f"{safe} is larger than {max_bytes // 1024} KB; not fetched.")
    return FetchedResource(safe, status, data, got.get("etag"), got.get("last-modified"), got)


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
