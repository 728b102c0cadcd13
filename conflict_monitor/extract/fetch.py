"""Read an article from a file or a URL (http/https only, size-capped, no scripts run)."""

from __future__ import annotations

import json
import urllib.request
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
