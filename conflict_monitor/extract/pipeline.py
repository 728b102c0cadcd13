"""Public entry point: `extract_article(raw, published=..., source=..., url=...)`."""

from __future__ import annotations

import collections
import datetime as dt
import re
from dataclasses import dataclass, field

from conflict_monitor.extract import roles
from conflict_monitor.extract.clean import CleanArticle, clean_article
from conflict_monitor.extract.errors import ExtractionError
from conflict_monitor.extract.events import Context, sentence_events
from conflict_monitor.extract.merge import inherit_attribution, merge_events
from conflict_monitor.extract.nlp import load_nlp
from conflict_monitor.extract.places import geocode
from conflict_monitor.model.schema import SchemaError, compute_article_id, validate_event

ENGLISH = frozenset("the of and to in a is that for on was with by as at from has have are were said after "
                    "it its their which this an be not been".split())


@dataclass
class ExtractionResult:
    """The cleaned article (articles-table shape) and its events (schema dicts)."""

    article: dict
    events: list[dict]
    warnings: list[str] = field(default_factory=list)


def check_english(text: str) -> None:
    """Raise ExtractionError when the text is clearly not English (the model is English only)."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < 12:
        return
    share = sum(map(ENGLISH.__contains__, words)) / len(words)
    if share < 0.06:
        raise ExtractionError("The text does not look like English (too few English function words); "
                              "only English articles can be extracted.")


def _main_place(docs, clean: CleanArticle) -> tuple[str | None, dict | None, str | None]:
    """The most mentioned place below country level (what "the region" refers to), and its country."""
    counts: collections.Counter = collections.Counter()
    spelled: dict[str, collections.Counter] = {}
    countries: collections.Counter = collections.Counter()
    found: dict[str, dict | None] = {}  # this article's place names, geocoded once each
    for offset, doc in docs:
        for span in doc.spans.get("places", []):
            if clean.dateline_start <= offset + span.start_char < clean.dateline_end:
                continue
            name = span.text
            if name not in found:
                found[name] = geocode(name, use_gazetteer=False)
            geo = found[name]
            if not geo:
                continue
            countries[geo["country"]] += 1
            if geo["admin1"] is None:
                continue
            counts[geo["location"]] += 1
            spelled.setdefault(geo["location"], collections.Counter())[span.text] += 1
    if not counts:
        return None, None, countries.most_common(1)[0][0] if countries else None
    best = counts.most_common(1)[0][0]
    text = spelled[best].most_common(1)[0][0]
    geo = geocode(text, use_gazetteer=False)
    return text, geo, geo["country"] if geo else None


def extract_article(raw: str | bytes, *, published: dt.date | None = None, source: str | None = None,
                    url: str | None = None, is_html: bool | None = None) -> ExtractionResult:
    """Clean, parse and code one article. Raises ExtractionError for input that is not an article."""
    clean = clean_article(raw, is_html=is_html)
    check_english(clean.text)
    warnings: list[str] = []
    pub = published or clean.published
    if pub is None:
        warnings.append("No publication date given or found: only dates with a year are kept.")
    nlp = load_nlp()
    paragraphs = [clean.text[s:e] for s, e in clean.paragraphs]
    docs = list(zip((s for s, _ in clean.paragraphs), nlp.pipe(paragraphs)))
    main_text, main_geo, main_country = _main_place(docs, clean)
    article_id = compute_article_id(clean.text)
    src = source or clean.source
    ctx = Context(published=pub or dt.date.today(), main_place=main_geo, main_text=main_text,
                  main_country=main_country, dateline_start=clean.dateline_start, dateline_end=clean.dateline_end, source=src, url=url,
                  article_id=article_id)
    raw_events: list[dict] = []
    sentences: list[dict] = []
    for offset, doc in docs:
        for sent in doc.sents:
            found = sentence_events(sent, offset, ctx)
            reporter, speaker = ctx.sent_reporter  # find_reporter(sent), as sentence_events found it
            speaker_ref = roles.actor_in_tokens(list(speaker.subtree), doc, main_country) if speaker is not None \
                else None
            sentences.append({"key": (offset, sent.start_char), "reporter": reporter, "has_events": bool(found),
                              "speaker_state": roles.counterpart(speaker_ref.canonical, "other")
                              if speaker_ref else None})
            for e in found:
                e["_actor1_state"] = roles.counterpart(e["actor1"], "other")
            raw_events.extend(found)
    merged = merge_events(raw_events)
    inherit_attribution(merged, sentences)
    events = []
    for e in merged:
        if pub is None and not e.get("_absolute"):
            e["event_date"] = None
        row = {k: v for k, v in e.items() if not k.startswith("_")}
        try:
            events.append(validate_event(row))
        except SchemaError as exc:  # a bug in our own output: report it, keep the others
            warnings.append(f"dropped an event that did not fit the schema: {exc}")
    for e in events:
        for key in ("event_date", "period_start", "deadline"):
            if isinstance(e.get(key), dt.date):
                e[key] = e[key].isoformat()
    article = {"id": article_id, "title": clean.title, "source": src, "url": url,
               "published": pub.isoformat() if pub else None, "dateline": clean.dateline, "text": clean.text}
    return ExtractionResult(article, events, warnings)
