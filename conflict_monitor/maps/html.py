"""Text that goes into the map's popups and tooltips: escaped for folium's JS template
literals, sources as safe links."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from conflict_monitor.model.safety import compute_safe_url, escape_text


def escape_html(value: Any) -> str:
    """escape_text, plus the characters that would end or splice the JS template literal
    folium wraps popup and tooltip HTML in (backtick, ${ and backslash), and `{`: branca
    compiles the rendered script of a popup, tooltip or layer as a Jinja template again, so
    text with {{ or {% in it would run on the server (or stop the map with a syntax error)."""
    return (escape_text(value).replace("\\", "&#92;").replace("`", "&#96;")
            .replace("$", "&#36;").replace("{", "&#123;"))


def make_source_links(text: Any) -> str:
    """' | '-separated sources as escaped links (only plain http(s)); other text as text."""
    parts = []
    for part in str(text or "").split(" | "):
        part = part.strip()
        url = compute_safe_url(part) or compute_safe_url(part.split(" ")[0])
        if url:
            host = urlparse(url).netloc.removeprefix("www.")
            parts.append(f'<a href="{escape_html(url)}" target="_blank" rel="noopener noreferrer">'
                         f"{escape_html(host)}</a>")
        elif part:
            parts.append(escape_html(part))
    return ", ".join(parts)
