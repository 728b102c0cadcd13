"""Turn a raw page or text into a clean article: text, title, byline agency, date, dateline.

Page chrome (breadcrumbs, vote counters, newsletter boxes, share buttons, cookie banners) is
dropped line by line; HTML goes through trafilatura first. Photo captions stay as paragraphs.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from conflict_monitor.extract.dates import parse_header_date
from conflict_monitor.extract.errors import ExtractionError
from conflict_monitor.schema import normalise_text

MAX_CHARS = 200_000  # ~35,000 words: far above any news article, small enough to parse in seconds
_CHROME = re.compile(
    r"^(?:you are here|home|menu|search|skip to (?:main )?content|share|share this( article| story)?|"
    r"print|e-?mail|pdf|up|down|top|back to top|newsletter|advertisement|related( articles| stories| news)?|"
    r"read more|more stories|subscribe|sign (?:up|in)|log ?in|register|comments?|tweet|whatsapp|facebook|"
    r"twitter|linkedin|reddit|telegram|copy link|next|previous|most read|trending|accept( all)?|"
    r"follow us.*|\d+ users? (?:have|has) voted\.?|\d+ comments?|\d+ shares?|[|•·>/\\-]+|"
    r"(?:home|news|world|middle east)(?:\s*[|>/»›]\s*[\w ]+)+)$", re.IGNORECASE)
_PROMO = re.compile(r"emailed to you|sign up for|subscribe to|our newsletter|we use cookies|cookie policy|"
                    r"accept (?:all )?cookies|privacy policy|all rights reserved|©|copyright \d{4}", re.IGNORECASE)
_BYLINE = re.compile(r"^(?:by|from)\s+(?P<who>[^-–—|,]+?)(?:\s*[-–—|,]\s*(?P<rest>.*))?$", re.IGNORECASE)
_DATE_LINE = re.compile(r"^(?:published|posted|updated|last updated)?\s*:?\s*(?:on\s+)?(?:\w+day,?\s+)?"
                        r"[\w ,.:-]{0,12}\d{4}[\w ,.:+()-]{0,25}$", re.IGNORECASE)
_DATELINE = re.compile(r"^(?P<city>[A-Z][A-Z'’.-]+(?:[ -][A-Z][A-Z'’.-]+){0,3})(?:,\s*[A-Z][\w. ]{0,25}?)?"
                       r"(?:\s*\([A-Za-z ]{2,20}\))?\s*[—–-]{1,2}\s+")
AGENCIES = ("AFP", "Reuters", "AP", "Associated Press", "Anadolu", "SANA", "TASS", "RIA Novosti", "Interfax",
            "Xinhua", "DPA", "EFE", "ANSA", "TRT", "Al Jazeera", "BBC", "Ukrinform", "Agence France-Presse")


@dataclass
class CleanArticle:
    """A cleaned article. `text` is what is stored; evidence offsets point into it."""

    text: str
    title: str | None = None
    source: str | None = None
    published: dt.date | None = None
    dateline: str | None = None
    dateline_start: int = 0
    dateline_end: int = 0  # offset in text just after the dateline ("ISTANBUL — ")
    paragraphs: list[tuple[int, int]] = field(default_factory=list)


_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")  # control characters but \t \n \f \r; U+FFFD


def decode(raw: str | bytes) -> str:
    """Text from str or bytes; binary data raises ExtractionError."""
    if isinstance(raw, bytes):
        if b"\x00" in raw[:65536]:
            raise ExtractionError("The input looks like a binary file (it contains NUL bytes), not an article.")
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raw = raw.decode("cp1252", errors="replace")
    if not isinstance(raw, str):
        raise ExtractionError(f"Expected text or bytes, got {type(raw).__name__}.")
    sample = raw[:20000]
    if sample:
        control = len(_CONTROL.findall(sample))
        if control / len(sample) > 0.05:
            raise ExtractionError("The input looks like binary data, not article text.")
    return raw


def looks_like_html(text: str) -> bool:
    """True when the text is a web page rather than plain prose."""
    head = text[:5000].lower()
    return bool(re.search(r"<(?:!doctype|html|head|body|article|div|p|script|meta)\b", head))


def html_to_text(html: str) -> tuple[str, dict]:
    """Main text and metadata of a page via trafilatura (scripts, nav and footers dropped)."""
    import trafilatura  # noqa: PLC0415 - heavy import, only for HTML

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                      include_tables=False, favor_precision=True)
    if doc is None:
        raise ExtractionError("No article text could be found in the HTML page.")
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = data.get("text") or ""
    title = data.get("title")
    if title and text.startswith(title):
        text = text[len(title):].lstrip("\n")
    return text, {"title": title, "author": data.get("author"), "date": data.get("date")}


def _agency(text: str) -> str | None:
    for name in AGENCIES:
        if re.search(r"(?<![\w])" + re.escape(name) + r"(?![\w])", text):
            return "AFP" if name == "Agence France-Presse" else "AP" if name == "Associated Press" else name
    return None


def _join_hard_wraps(block: list[str]) -> list[str]:
    out: list[str] = []
    for line in block:
        if out and not re.search(r"[.!?:\"”’)\]]$", out[-1]) and line[:1].islower():
            out[-1] = out[-1] + " " + line
        else:
            out.append(line)
    return out


def clean_article(raw: str | bytes, *, is_html: bool | None = None) -> CleanArticle:
    """Clean raw input into a CleanArticle; raise ExtractionError when there is no usable text."""
    text = decode(raw)
    if len(text) > MAX_CHARS * (5 if looks_like_html(text) else 1):
        raise ExtractionError(f"The input has {len(text):,} characters; articles are limited to {MAX_CHARS:,}. "
                              "Split it into separate articles.")
    meta: dict = {}
    if is_html or (is_html is None and looks_like_html(text)):
        text, meta = html_to_text(text)
    text = normalise_text(text)
    lines = [line.strip() for line in text.split("\n")]
    kept = [("" if (_CHROME.match(line) or (len(line) < 200 and _PROMO.search(line))) else line) for line in lines]
    title, source, published = meta.get("title"), None, None
    if meta.get("author"):
        source = _agency(meta["author"]) or meta["author"]
    if meta.get("date"):
        published = parse_header_date(str(meta["date"]))
    body: list[str] = []
    for i, line in enumerate(kept):
        if not line:
            if body and body[-1]:
                body.append("")
            continue
        head_zone = sum(1 for b in body if b) < 3
        by = _BYLINE.match(line) if head_zone and len(line) < 160 else None
        if by:
            source = source or _agency(line) or by.group("who").strip()
            published = published or parse_header_date(line)
            continue
        if head_zone and len(line) < 80 and _DATE_LINE.match(line) and parse_header_date(line):
            published = published or parse_header_date(line)
            continue
        if (title is None and not body and len(line) < 160 and not re.search(r"[.!?]$", line)
                and not _DATELINE.match(line)):
            title = line
            continue
        body.append(line)
    blocks, current = [], []
    for line in body + [""]:
        if line:
            current.append(line)
        elif current:
            blocks.extend(_join_hard_wraps(current))
            current = []
    if not blocks:
        raise ExtractionError("The input has no article text (it is empty or only page furniture).")
    out = "\n\n".join(blocks)
    dateline, dateline_start, dateline_end = None, 0, 0
    for start in _paragraph_starts(out)[:3]:
        m = _DATELINE.match(out[start:])
        if m and len(out) - start > 40:
            dateline, dateline_start, dateline_end = m.group("city").strip(" ."), start, start + m.end()
            source = source or _agency(m.group(0))
            published = published or parse_header_date(m.group(0) + f" {published.year if published else ''}")
            break
    paragraphs, pos = [], 0
    for block in blocks:
        paragraphs.append((pos, pos + len(block)))
        pos += len(block) + 2
    return CleanArticle(out, title, source, published, dateline, dateline_start, dateline_end, paragraphs)


def _paragraph_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(r"\n\n", text)]
