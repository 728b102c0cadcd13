"""Make text that came from articles or imported files safe to show."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlparse

_SAFE_SCHEMES = ("http", "https")


def compute_safe_url(url: Any) -> str | None:
    """The URL if it is a plain http(s) link, else None (drops javascript:, data:, …)."""
    if not isinstance(url, str):
        return None
    candidate = url.strip()
    if not candidate or any(ch in candidate for ch in "\n\r\t\"'<> "):
        return None
    parsed = urlparse(candidate)
    if parsed.scheme.lower() not in _SAFE_SCHEMES or not parsed.netloc:
        return None
    return candidate


def escape_text(value: Any) -> str:
    """HTML-escape any value for use inside markup (None becomes an empty string)."""
    if value is None:
        return ""
    return html.escape(str(value), quote=True)
