"""Where an event happened: place mentions in a sentence and the one an event's clause names.

Known places come from the place span ruler (places_aliases.csv and countries); other proper
nouns after a locative preposition are looked up in the GeoNames gazetteer.
"""

from __future__ import annotations

import calendar
import re

from conflict_monitor.extract.places import DIRECTIONS, SUFFIXES, geocode

LOC_PREPS = frozenset("in near at around outside across towards toward into on from of inside within".split())
DIRECTION_RE = re.compile(DIRECTIONS, re.IGNORECASE)
SUFFIX_RE = re.compile(SUFFIXES, re.IGNORECASE)
NOT_PLACES = frozenset([*(d.lower() for d in calendar.day_name), *(m.lower() for m in calendar.month_name if m),
                        "twitter", "facebook", "telegram", "christmas", "ramadan", "eid", "gmt", "utc"])


def place_spans(sent, ctx, offset: int) -> list[tuple[int, int, str, dict]]:
    """(first token, end token, text as spelled, geocode) of places in the sentence."""
    spans = [s for s in sent.doc.spans.get("places", []) if sent.start <= s.start < sent.end]
    spans.sort(key=lambda s: (s.start, -(s.end - s.start)))
    out, last_end = [], -1
    for span in spans:
        if span.start < last_end or ctx.dateline_start <= offset + span.start_char < ctx.dateline_end:
            continue
        start, end = span.start, span.end
        while start > sent.start and DIRECTION_RE.fullmatch(sent.doc[start - 1].text):
            start -= 1
        if end < sent.end and SUFFIX_RE.fullmatch(sent.doc[end].text):
            end += 1
        text = sent.doc[start:end].text
        key = text.lower()
        if key not in ctx.places_cache:
            ctx.places_cache[key] = geocode(text, use_gazetteer=False)
        if ctx.places_cache[key]:
            out.append((start, end, text, ctx.places_cache[key]))
            last_end = span.end
    # Unknown proper nouns after a locative preposition: ask the GeoNames gazetteer.
    for tok in sent:
        if tok.pos_ == "PROPN" and tok.dep_ == "pobj" and tok.head.lower_ in LOC_PREPS and tok.ent_type_ != "ACTOR" \
                and tok.lower_ not in NOT_PLACES \
                and not any(s <= tok.i < e for s, e, _, _ in out):
            words = [t for t in tok.subtree if t.pos_ == "PROPN" or t.text == "-" or t.lower_ in ("al", "el")]
            text = " ".join(t.text for t in words).replace(" - ", "-")
            if len(text) >= 4 and text[0].isupper():
                hit = ctx.places_cache.get(text.lower()) if text.lower() in ctx.places_cache else geocode(text)
                ctx.places_cache[text.lower()] = hit
                if hit:
                    out.append((words[0].i, words[-1].i + 1, text, hit))
    return sorted(out)


def pick_place(places, tokens, verbal: bool, venue_heads=()):
    """The first place in these tokens introduced by a locative preposition; towns before countries.
    Statements only take a place attached to the statement itself (the venue, "talks in Ankara")."""
    idx = {t.i for t in tokens}
    hits = [(text, geo) for start, end, text, geo in places if start in idx and sent_head_is_prep(tokens, start)
            and (not verbal or _prep_head(tokens, start) in venue_heads)]
    hits.sort(key=lambda h: h[1].get("admin1") is None)
    return hits[0] if hits else None


def _prep_head(tokens, start) -> int | None:
    tok = next((t for t in tokens if t.i == start), None)
    while tok is not None and tok.dep_ in ("compound", "amod", "poss"):
        tok = tok.head
    return tok.head.head.i if tok is not None and tok.dep_ == "pobj" else None


def sent_head_is_prep(tokens, start) -> bool:
    tok = next((t for t in tokens if t.i == start), None)
    while tok is not None and tok.dep_ in ("compound", "amod", "poss"):
        tok = tok.head
    return tok is not None and tok.dep_ == "pobj" and tok.head.lower_ in LOC_PREPS
