"""Public entry point: `extract_article(raw, published=..., source=..., url=...)`."""

from __future__ import annotations

import collections
import datetime as dt
import re
from dataclasses import dataclass, field

from conflict_monitor.extract import blas, groups, roles
from conflict_monitor.extract.clean import CleanArticle, clean_article
from conflict_monitor.extract.context import Context
from conflict_monitor.extract.errors import ExtractionError
from conflict_monitor.extract.events import sentence_events
from conflict_monitor.extract.locate import place_spans
from conflict_monitor.extract.merge import carry_attacker, drop_sub_counts, inherit_attribution, merge_events
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
    # Actors of the events that no table knows: {"name", "country", "kind"} in order of appearance.
    new_actors: list[dict] = field(default_factory=list)


def check_english(text: str) -> None:
    """Raise ExtractionError when the text is clearly not English (the model is English only)."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < 12:
        return
    share = sum(map(ENGLISH.__contains__, words)) / len(words)
    if share < 0.06:
        raise ExtractionError("The text does not look like English (too few English function words); "
                              "only English articles can be extracted.")


DIRECTIONS = re.compile(r"^(?:(?:north|south)?(?:east|west)(?:ern)?|north(?:ern)?|south(?:ern)?|central|"
                        r"(?:north|south)-(?:east|west)(?:ern)?)$", re.IGNORECASE)


def _after_in(words: list[str], i: int) -> bool:
    """True when the headline word at `i` follows "in" (a direction between allowed): "... fight in
    northeast Colombia" says where the story is; a country named as an actor ("Turkey warns") does not."""
    j = i - 1
    if j >= 0 and DIRECTIONS.match(words[j]):
        j -= 1
    return j >= 0 and words[j].lower() == "in"


def _country_hint(docs, clean: CleanArticle) -> tuple[str, ...]:
    """The article's countries, most likely first: the dateline's and the headline's (counted twice,
    four times after "in"),
    those of the known places and countries it names and of the states it names as actors. Settles
    town names several countries share."""
    counts: collections.Counter = collections.Counter()
    if clean.dateline:
        geo = geocode(clean.dateline)
        if geo and geo.get("country"):
            counts[geo["country"]] += 2
    words = re.findall(r"[\w'’.-]+", clean.title or "")
    for n in (4, 3, 2, 1):  # the headline's countries and known places ("... in eastern DR Congo")
        for i in range(len(words) - n + 1):
            geo = geocode(" ".join(words[i:i + n]), use_gazetteer=False) if words[i][:1].isupper() else None
            if geo and geo.get("country"):
                counts[geo["country"]] += 4 if _after_in(words, i) else 2
    found: dict[str, dict | None] = {}
    for offset, doc in docs:
        for ent in doc.ents:  # states named as actors ("Mozambican soldiers", "the Somali army")
            if ent.label_ == "ACTOR" and roles.actor_kind(ent.ent_id_) in ("state", "military"):
                country = roles.actor_country_of(ent.ent_id_)
                if country:
                    counts[country] += 1
        for span in doc.spans.get("places", []):
            if clean.dateline_start <= offset + span.start_char < clean.dateline_end:
                continue
            if span.text not in found:
                found[span.text] = geocode(span.text, use_gazetteer=False)
            if found[span.text] and found[span.text].get("country"):
                counts[found[span.text]["country"]] += 1
    return tuple(country for country, _ in counts.most_common())


def _main_place(places_by_sent: dict, hint: tuple, title: str | None = None
                ) -> tuple[str | None, dict | None, str | None]:
    """The place below country level the article is about (what "the region" or "the town" refers
    to): mentions count one, a town half more, a place in the headline two more; ties go to the
    first mentioned. Returned as the article spells it most often, with its country."""
    counts: collections.Counter = collections.Counter()
    spelled: dict[str, collections.Counter] = {}
    records: dict[str, dict] = {}
    for places in places_by_sent.values():
        for _, _, text, geo in places:
            if geo.get("geo_precision") == 3 and geo.get("admin1") is None:
                continue  # a country is not "the region"
            if geo.get("latitude") is None and geo.get("country") not in hint[:1]:
                continue
            counts[geo["location"]] += 1 + 0.5 * (geo.get("geo_precision") != 3)
            spelled.setdefault(geo["location"], collections.Counter())[text] += 1
            records.setdefault(geo["location"], geo)
    for location, names in spelled.items():
        if title and any(re.search(r"\b" + re.escape(name) + r"\b", title) for name in names):
            counts[location] += 2
    if not counts:
        return None, None, hint[0] if hint else None
    best = counts.most_common(1)[0][0]
    return spelled[best].most_common(1)[0][0], records[best], records[best]["country"]


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
    with blas.one_thread():  # the networks' products through numpy's BLAS, one thread (blas.py)
        docs = list(zip((s for s, _ in clean.paragraphs), nlp.pipe(paragraphs), strict=False))
    shared = {"acronyms": groups.find_acronyms(clean.text), "names": {}, "last_group": None}
    for _, doc in docs:
        doc.user_data["article"] = shared
    article_id = compute_article_id(clean.text)
    src = source or clean.source
    ctx = Context(published=pub or dt.date.today(), dateline_start=clean.dateline_start,
                  dateline_end=clean.dateline_end, source=src, url=url, article_id=article_id,
                  country_hint=_country_hint(docs, clean))
    ctx.places_by_sent = {(offset, sent.start): place_spans(sent, ctx, offset) for offset, doc in docs
                          for sent in doc.sents}
    if not ctx.country_hint:  # no country named: the one most of the towns found lie in, then again
        found = collections.Counter(geo["country"] for places in ctx.places_by_sent.values()
                                    for _, _, _, geo in places if geo.get("latitude") is not None)
        if found:
            ctx.country_hint, ctx.places_cache = tuple(c for c, _ in found.most_common()), {}
            ctx.places_by_sent = {(offset, sent.start): place_spans(sent, ctx, offset) for offset, doc in docs
                                  for sent in doc.sents}
    ctx.main_text, ctx.main_place, ctx.main_country = _main_place(ctx.places_by_sent, ctx.country_hint, clean.title)
    ctx.main_country = main_country = ctx.main_country or _main_state(docs)
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
                              if speaker_ref else None,
                              "speaker_group": _armed_speaker(ctx.sent_speaker, doc),
                              "speaker_military": _military_speaker(ctx.sent_speaker)})
            for e in found:
                e["_actor1_state"] = roles.counterpart(e["actor1"], "other")
            raw_events.extend(found)
    new_actors = _new_actors(raw_events)
    carry_attacker(raw_events, sentences)
    merged = drop_sub_counts(merge_events(raw_events))
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
    return ExtractionResult(article, events, warnings, new_actors)


def _main_state(docs) -> str | None:
    """The state named most often (as an actor or a place), when no place told the country."""
    counts: collections.Counter = collections.Counter()
    for _, doc in docs:
        for ent in doc.ents:
            if ent.label_ == "ACTOR" and roles.actor_kind(ent.ent_id_) in ("state", "military"):
                counts[roles.actor_country_of(ent.ent_id_)] += 1
    counts.pop(None, None)
    return counts.most_common(1)[0][0] if counts else None


def _new_actors(raw_events: list[dict]) -> list[dict]:
    """Actors no table knows, with the country and kind the text gave them."""
    out: dict[str, dict] = {}
    for e in raw_events:
        for side in ("actor1", "actor2"):
            name = e.get(side)
            if name and roles.actor_kind(name) is None and name not in out:
                out[name] = {"name": name, "country": e.get(f"{side}_country"), "kind": e.get(f"_{side}_kind")}
    return list(out.values())


def _armed_speaker(speaker: str | None, doc) -> tuple[str, str | None] | None:
    """(name, country) of the sentence's speaker when it is an armed group: its death tolls are
    claims of its own acts."""
    if speaker is None:
        return None
    kind = roles.actor_kind(speaker) or groups.article_state(doc)["names"].get(speaker)
    return (speaker, roles.actor_country_of(speaker)) if kind in groups.ARMED_KINDS else None


def _military_speaker(speaker: str | None) -> tuple[str, str | None] | None:
    """(name, country) of the sentence's speaker when it is a state's forces: the enemy fighters it
    says were killed are its claim (ANNOTATION.md: one side's own statements are claims)."""
    return (speaker, roles.actor_country_of(speaker)) if speaker and roles.actor_kind(speaker) == "military" \
        else None
