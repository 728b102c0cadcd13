"""Where an event happened: place mentions in a sentence and the ones an event's clause names.

Known places come from the place span ruler (places_aliases.csv and countries). Other proper
nouns are looked up in the GeoNames gazetteer when the syntax says they are places: after a
locative preposition ("in X", "near X", "on A, B and C"), as the name of a place noun ("the
village of X", "X countryside") or as the object of a verb that takes places ("seized X",
"fled X"). A name the gazetteer lacks is still kept when the syntax is unambiguous ("the village
of X"), with the article's country and no coordinates.
"""

from __future__ import annotations

import calendar
import functools
import re

from conflict_monitor.extract.places import DIRECTIONS, SUFFIXES, geocode

LOC_PREPS = frozenset("in near at around outside across towards toward into on from of inside within".split())
DIRECTION_RE = re.compile(DIRECTIONS, re.IGNORECASE)
SUFFIX_RE = re.compile(SUFFIXES, re.IGNORECASE)
NOT_PLACES = frozenset([*(d.lower() for d in calendar.day_name), *(m.lower() for m in calendar.month_name if m),
                        "twitter", "facebook", "telegram", "christmas", "ramadan", "eid", "gmt", "utc",
                        "africa", "europe", "asia", "america", "americas", "oceania", "antarctica"])
# Words that make a capitalised name an organisation or an operation rather than a place.
NOT_PLACE_WORDS = frozenset("army forces force front movement group party council ministry court operation "
                            "brigade battalion division regiment command police militia alliance coalition union "
                            "committee crusade church mission agency office organization organisation fund "
                            "hospital university school company bank corporation news radio tv".split())
# Prepositions after which an unknown capitalised name is taken for a place of the article's country.
IN_PREPS = frozenset("in near at outside around inside".split())
# Nouns whose "of X" names a place ("the town of X", "the outskirts of X").
PLACE_NOUNS = frozenset("town village city district area locality camp settlement neighbourhood neighborhood "
                        "suburb suburbs outskirt outskirts countryside region province state county township commune "
                        "capital municipality hamlet island port".split())
# Verbs whose direct object can be a place (capture, attack, siege, flight).
PLACE_VERBS = frozenset("seize capture take retake recapture overrun storm attack raid shell bomb strike hit pound "
                        "besiege surround encircle enter flee leave abandon liberate control target reach".split())


def _is_name(tok) -> bool:
    """A proper noun, or a capitalised word inside the sentence the tagger took for a common noun
    (unfamiliar place names often are: "the outskirts of Tinzaouaten")."""
    if tok.pos_ == "PROPN":
        return True
    if tok.pos_ not in ("NOUN", "ADJ") or not tok.text[:1].isupper() or tok.i == tok.sent.start or tok.text.isupper():
        return False
    return tok.pos_ == "NOUN" or (tok.dep_ in ("amod", "compound") and tok.lower_ not in _demonyms())


@functools.lru_cache(maxsize=1)
def _demonyms() -> frozenset[str]:
    """Every state's demonyms ("Syrian town" names no town called Syrian)."""
    from conflict_monitor.model.states import load_states  # noqa: PLC0415

    return frozenset(d.lower() for state in load_states() for d in state.demonyms)


def _phrase_head(tok):
    while tok.dep_ in ("compound", "amod", "poss") and tok.head is not tok and tok.head.pos_ == "PROPN":
        tok = tok.head
    return tok


def place_role(tok) -> str | None:
    """How the syntax marks the noun phrase headed by `tok` as a place: "prep" (after a locative
    preposition), "named" (named by a place noun) or "object" (of a verb that takes places); else None.
    Coordinated names ("on A, B and C") take the role of the first."""
    t = tok
    while t.dep_ in ("conj", "appos") and t.head is not t:
        t = t.head
    if t.dep_ in ("compound", "amod") and t.head.lemma_.lower() in PLACE_NOUNS:
        return "named"  # "Maganu village", "the Idlib countryside"
    if t.dep_ == "pobj":
        prep = t.head
        if prep.lower_ == "of" and prep.head.lemma_.lower() in PLACE_NOUNS:
            return "named"
        if prep.lower_ in LOC_PREPS:
            return "prep"
    if t.dep_ in ("dobj", "nsubjpass") and t.head.lemma_.lower() in PLACE_VERBS:
        return "object"
    return None


# Small words inside place names ("Port-au-Prince", "Ras al-Ain", "Mocimboa da Praia").
PARTICLES = frozenset("al el au aux de da do du des la le di dos das del ad an ar as ash ibn bin ben wa".split())
NEAR_PREPS = frozenset("near outside around".split())
NEAR_NOUNS = frozenset("outskirt outskirts countryside suburb suburbs vicinity edge".split())


def _near(head) -> bool:
    """"near X", "outside X", "the outskirts of X", "X countryside": around the place, not in it."""
    t = head
    while t.dep_ in ("conj", "appos") and t.head is not t:
        t = t.head
    if t.dep_ == "compound" and t.head.lemma_.lower() in NEAR_NOUNS:
        return True
    return t.dep_ == "pobj" and (t.head.lower_ in NEAR_PREPS or (
        t.head.lower_ == "of" and t.head.head.lemma_.lower() in NEAR_NOUNS))


def _with_precision(geo: dict, head) -> dict:
    if geo.get("geo_precision") == 1 and _near(head):
        return {**geo, "geo_precision": 2}
    return geo


def _name_tokens(head, sent) -> list:
    """The run of name tokens ending at the phrase head ("El Fasher", "Kafr Nabl", "Ras al-Ain")."""
    inside = {t.i for t in head.subtree}
    i = head.i
    while i - 1 >= sent.start and i - 1 in inside and (_is_name(sent.doc[i - 1]) or sent.doc[i - 1].text == "-"
                                                       or sent.doc[i - 1].lower_ in PARTICLES
                                                       or re.fullmatch(r"\d+(?:st|nd|rd|th)", sent.doc[i - 1].lower_)):
        i -= 1
    while sent.doc[i].text == "-":
        i += 1
    return list(sent.doc[i:head.i + 1])


def _extends_name(sent, end: int) -> bool:
    """True when the ruler's match is only the start of a longer name ("Maarat" in "Maarat Misrin")."""
    if end >= sent.end:
        return False
    nxt = sent.doc[end]
    return _is_name(nxt) and nxt.text[:1].isupper() and not SUFFIX_RE.fullmatch(nxt.text) \
        and nxt.ent_type_ != "ACTOR" and nxt.lower_ not in NOT_PLACES


def _after_in(tok) -> bool:
    """"in Nasir", "near Komanda": the name itself follows a locative preposition."""
    return tok.dep_ == "pobj" and tok.head.lower_ in IN_PREPS


def _unresolved(text: str, country: str | None) -> dict:
    """A place the syntax names but the gazetteer lacks: its country, no coordinates."""
    return {"location": text, "latitude": None, "longitude": None, "admin1": None, "country": country,
            "geo_precision": None}


def place_spans(sent, ctx, offset: int) -> list[tuple[int, int, str, dict]]:
    """(first token, end token, text as spelled, geocode) of places in the sentence."""
    hint = getattr(ctx, "country_hint", ())
    spans = [s for s in sent.doc.spans.get("places", []) if sent.start <= s.start < sent.end]
    spans.sort(key=lambda s: (s.start, -(s.end - s.start)))
    out, last_end = [], -1
    for span in spans:
        if span.start < last_end or ctx.dateline_start <= offset + span.start_char < ctx.dateline_end:
            continue
        start, end = span.start, span.end
        if _extends_name(sent, end):
            continue
        while start > sent.start and DIRECTION_RE.fullmatch(sent.doc[start - 1].text):
            start -= 1
        if end < sent.end and SUFFIX_RE.fullmatch(sent.doc[end].text):
            end += 1
        text = sent.doc[start:end].text
        key = text.lower()
        if key not in ctx.places_cache:
            ctx.places_cache[key] = geocode(text, use_gazetteer=False)
        if ctx.places_cache[key]:
            out.append((start, end, text, _with_precision(ctx.places_cache[key], sent.doc[start:end].root)))
            last_end = span.end
    # Proper nouns the syntax marks as places: ask the GeoNames gazetteer.
    for tok in sent:
        if not _is_name(tok) or _phrase_head(tok) is not tok or tok.lower_ in NOT_PLACES \
                or any(s <= tok.i < e for s, e, _, _ in out):
            continue
        role = place_role(tok)
        actor = tok.ent_type_ == "ACTOR" and not (role == "named" or _after_in(tok))
        if role is None or (actor and role != "object"):
            continue  # "Mogadishu said" is the government; "in Mogadishu" is the city
        words = _name_tokens(tok, sent)
        if any(s <= w.i < e for w in words for s, e, _, _ in out):
            continue
        text = " ".join(t.text for t in words).replace(" - ", "-")
        if len(text) < 4 or not (text[0].isupper() or text[0].isdigit()):
            continue
        key = "\x00" + text.lower()
        if key not in ctx.places_cache:
            ctx.places_cache[key] = geocode(text, countries=hint)
        hit = ctx.places_cache[key]
        if hit and role == "object" and hint and hit["country"] not in hint:
            hit = None  # "attacked Wagner": an object is a place only in the article's countries
        if hit and actor and hit.get("geo_precision") != 1:
            hit = None  # "gangs attacked Port-au-Prince" is the city; "attacked Ukraine" stays the state
        if hit is None and hint and (role == "named" or (role == "prep" and _after_in(tok))) \
                and not any(w.lower_ in NOT_PLACE_WORDS for w in words):
            hit = _unresolved(text, hint[0])
        if hit is None and tok.dep_ == "conj":  # "on Kafr Nabl, Hazarin and Binnish": a list of places
            listed = next((geo for s, e, _, geo in out if s <= tok.head.i < e), None)
            hit = _unresolved(text, listed["country"]) if listed else None
        if hit:
            out.append((words[0].i, words[-1].i + 1, text, _with_precision(hit, tok)))
    return sorted(out)


def _specificity(geo: dict) -> tuple:
    """Towns before districts before provinces before countries ("strikes on Binnish in Idlib province")."""
    return (geo.get("admin1") is None and geo.get("latitude") is not None, geo.get("geo_precision") or 1)


def pick_places(places, tokens, verbal: bool, venue_heads=(), objects: bool = False) -> list:
    """The most specific place these tokens introduce with a locative preposition (or name, or take
    as object when `objects`), with the places coordinated with it ("strikes on A, B and C").
    Statements only take a place attached to the statement itself (the venue, "talks in Ankara")."""
    idx = {t.i for t in tokens}
    hits = []
    for start, end, text, geo in places:
        if start not in idx or not tokens:
            continue
        head = tokens[0].doc[start:end].root
        role = place_role(head)
        if role is None or (role == "object" and not objects):
            continue
        if verbal and _venue_head(head) not in venue_heads:
            continue
        hits.append((head, text, geo))
    if not hits:
        return []
    hits.sort(key=lambda h: _specificity(h[2]))
    first = hits[0][0]
    group = {first.i} | {t.i for t in first.conjuncts}
    root = first
    while root.dep_ in ("conj", "appos") and root.head is not root:
        root = root.head
    if root.dep_ == "pobj" and root.head.lower_ in REFERENCE_PREPS or \
            root.dep_ in ("compound", "amod") and root.head.dep_ == "pobj" and root.head.head.lower_ in REFERENCE_PREPS:
        group = {first.i}  # "the camp near A and B villages": one site placed by two landmarks
    return [(text, geo) for head, text, geo in hits if head.i in group]


# Prepositions that place one site by landmarks ("near A and B", "between A and B"), not several places
REFERENCE_PREPS = frozenset({"near", "between", "outside", "around"})


def pick_place(places, tokens, verbal: bool, venue_heads=(), objects: bool = False):
    """The first of pick_places(), or None."""
    found = pick_places(places, tokens, verbal, venue_heads, objects)
    return found[0] if found else None


def _venue_head(tok) -> int | None:
    t = tok
    while t.dep_ in ("conj", "appos") and t.head is not t:
        t = t.head
    return t.head.head.i if t.dep_ == "pobj" else None
