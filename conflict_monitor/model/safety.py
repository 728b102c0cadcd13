"""Make text that came from articles or imported files safe to show."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlparse

_SAFE_SCHEMES = ("http", "https")
# Characters that open a Markdown construct inside a line (CommonMark lets any ASCII punctuation
# be escaped with a backslash): emphasis, code, links and images, HTML and autolinks, headings,
# strikethrough, tables, LaTeX ($, Streamlit), entities.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]<>#~|$&])")
# A line that starts a list, quote or heading block: "- x", "+ x", "1. x", "2) x", "= x".
_BLOCK_START = re.compile(r"^([-+=]|\d{1,9}(?=[.)]))")
# Streamlit turns text *after* Markdown parsing into links, icons and colours, so a backslash
# cannot stop them: a word joiner (U+2060, invisible) breaks the pattern instead. ":x" opens
# :red[...] colours, :smile: emoji, :material/icon: and https:// autolinks; "www." and "@" open
# GFM autolinks (www.example.org, name@example.org).
_WORD_JOINER = "\u2060"
_AUTO_PATTERNS = re.compile(r"(:)(?=\S)|(www)(?=\.)|(?=@)", re.IGNORECASE)


def escape_markdown(value: Any) -> str:
    """Text from an article or data file, to be shown literally inside Markdown (captions,
    headings, messages): one line, every Markdown and Streamlit construct disarmed.

    Backslashes escape what CommonMark parses; a word joiner breaks what Streamlit finds after
    parsing (autolinks, emoji, icons, coloured text). None becomes an empty string."""
    if value is None:
        return ""
    text = " ".join(str(value).split())  # no line breaks: they would start new blocks
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
    text = _BLOCK_START.sub(lambda m: "\\" + m.group(1) if not m.group(1).isdigit()
                            else m.group(1) + "\\", text)
    return _AUTO_PATTERNS.sub(lambda m: (m.group(1) or m.group(2) or "") + _WORD_JOINER, text)


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
