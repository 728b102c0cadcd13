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
from conflict_monitor.model.schema import normalise_text

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


_CAPTION_CLASS = re.compile(r"^(?:(?:wp|photo|image|img|media|figure|picture|article|story|gallery)[-_])?"
                            r"caption(?:[-_]text)?$", re.IGNORECASE)
_CHROME_BOX = re.compile(  # class or id tokens of page furniture: captions inside them stay dropped
    r"cookie|consent|gdpr|newsletter|breadcrumb|outbrain|taboola|"  # anywhere in a token; the rest lead it
    r"^(?:site|page|global|top|bottom)?[-_]?(?:nav|navbar|navigation|menu|footer|sidebar|related|most-?read|"
    r"popular|trending|promo|ads?|advert|advertisement|sponsored|share|sharing|social|comments?|teasers?|"
    r"recommended)(?:$|[-_\d])", re.IGNORECASE)
_CHROME_TAGS = frozenset({"nav", "footer", "aside", "menu", "noscript", "template", "header"})  # no form: ASP.NET
_CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "dialog"})
_INLINE = frozenset({"p", "span", "a", "em", "strong", "b", "i", "small", "cite", "label"})


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _in_chrome(elem) -> bool:
    """True when the element sits in page furniture (nav, footer, cookie box, related stories, ...)."""
    for anc in elem.iterancestors():
        tag = anc.tag if isinstance(anc.tag, str) else ""
        if tag in ("html", "body", "main", "article"):
            continue  # their classes describe the whole page ("has-sidebar", "comments-open")
        if tag == "header" and any(a.tag in ("article", "main") for a in anc.iterancestors()):
            continue  # an article's own header (title, lead photo) is content
        if tag in _CHROME_TAGS or (anc.get("role") or "").lower() in _CHROME_ROLES:
            return True
        if any(_CHROME_BOX.search(tok) for tok in f"{anc.get('class', '')} {anc.get('id', '')}".split()):
            return True
    return False


def _caption_text(elem) -> str:
    return _squash(re.sub(r"©\s*", "Photo: ", " ".join(elem.itertext())))


def _is_caption(elem) -> bool:
    return elem.tag == "figcaption" or any(_CAPTION_CLASS.match(tok) for tok in (elem.get("class") or "").split())


def _lift_captions(tree) -> list[str]:
    """Turn photo captions outside page furniture into plain <p> paragraphs in their place.

    trafilatura drops <figure> and anything with "caption" in its class; the caption text is moved
    out of its figure (or image box) so it is extracted like a paragraph, in document order.
    Returns the captions' texts (whitespace squashed).
    """
    from lxml.html import Element  # lxml comes with trafilatura; only needed for HTML

    found = [elem for elem in tree.iter() if isinstance(elem.tag, str) and _is_caption(elem)
             and not any(_is_caption(a) for a in elem.iterancestors())]  # outermost captions only
    texts, anchors = [], {}  # anchor element -> caption texts replacing it
    for elem in found:
        text = _caption_text(elem)
        if not text or len(text) > 600 or len(text.split()) < 3 or _in_chrome(elem):
            continue
        figure = [a for a in elem.iterancestors("figure", "picture")]
        anchor = figure[-1] if figure else elem
        while not figure and anchor.getparent() is not None and anchor.getparent().tag not in (
                "body", "article", "main", "section", "html") and _caption_text(anchor.getparent()) == text:
            anchor = anchor.getparent()  # an image box holding only the picture and this caption
        anchors.setdefault(anchor, []).append(text)
        texts.append(text)
    for anchor, caps in anchors.items():
        parent = anchor.getparent()
        if parent is None:
            continue
        target, after = anchor, False
        while parent is not None and parent.tag in _INLINE and parent.getparent() is not None:
            target, after, parent = parent, True, parent.getparent()  # no <p> inside a <p>: go after it
        paras = []
        for cap in caps:
            para = Element("p")
            para.text = cap
            paras.append(para)
        if after:
            anchor.drop_tree()
            for para in reversed(paras):
                target.addnext(para)
            paras[-1].tail, target.tail = target.tail, None
        else:
            paras[-1].tail = anchor.tail
            index = parent.index(anchor)
            parent.remove(anchor)
            for para in reversed(paras):
                parent.insert(index, para)
    return texts


def _caption_blocks(text: str, captions: list[str]) -> str:
    """Set each caption line apart with blank lines so it stays a paragraph of its own."""
    wanted = set(captions)
    return "\n".join(f"\n{line}\n" if _squash(line) in wanted else line for line in text.split("\n"))


def html_to_text(html: str) -> tuple[str, dict]:
    """Main text and metadata of a page via trafilatura (scripts, nav and footers dropped).

    Photo captions (figcaption, class "caption", "wp-caption-text", "photo-caption", ...) outside page
    furniture are kept, each as a paragraph of its own where it stood in the page.
    """
    import trafilatura  # noqa: PLC0415 - heavy import, only for HTML

    tree = trafilatura.load_html(html)
    captions = _lift_captions(tree) if tree is not None else []
    doc = trafilatura.bare_extraction(tree if tree is not None else html, with_metadata=True,
                                      include_comments=False, include_tables=False, favor_precision=True)
    if doc is None:
        raise ExtractionError("No article text could be found in the HTML page.")
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = data.get("text") or ""
    title = data.get("title")
    if title and text.startswith(title):
        text = text[len(title):].lstrip("\n")
    if captions:
        text = _caption_blocks(text, captions)
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
    for _i, line in enumerate(kept):
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
