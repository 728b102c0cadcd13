"""Build event dicts from parsed sentences: trigger -> roles, date, place, figures, attribution."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from conflict_monitor.extract import roles
from conflict_monitor.extract.attribution import find_reporter
from conflict_monitor.extract.dates import DateRef, find_dates
from conflict_monitor.extract.lexicon import VERBAL, VIOLENT, Trigger, lookup
from conflict_monitor.extract.numbers import find_bare_numbers, find_figures, victims_of
from conflict_monitor.extract.locate import pick_place, place_spans
from conflict_monitor.extract.scope import clause_tokens, governing_verb, is_blocked

REGION_RE = re.compile(r"\bthe (?:region|area|province|enclave|governorate)\b", re.IGNORECASE)
RUNNING_RE = re.compile(r"\b(?:so far|to date|in total|overall toll|cumulative)\b", re.IGNORECASE)
INSTRUMENTS = tuple((re.compile(pattern), etype, sub) for pattern, etype, sub in (
    (r"air ?strike|air-strike|warplane|jet|aircraft|bomb|drone|helicopter|aerial", "Explosions/Remote violence",
     "Air/drone strike"),
    (r"shell|artillery|rocket|missile|mortar", "Explosions/Remote violence", "Shelling/artillery/missile attack"),
    (r"\bied\b|roadside|landmine|\bmine\b|car bomb|explosive", "Explosions/Remote violence",
     "Remote explosive/landmine/IED"),
))
YEAR_RE = re.compile(r"\d{4}")
BACKGROUND_DAYS = 120  # acts dated this long before publication are background, not the story


@dataclass
class Context:
    """What one article's sentences share while they are read in order."""

    published: dt.date
    main_place: dict | None = None
    main_text: str | None = None
    main_country: str | None = None
    dateline_start: int = 0
    dateline_end: int = 0
    speaker: str | None = None
    sent_reporter: tuple = (None, None)  # find_reporter() of the current sentence
    sent_text: str = ""  # its text (Span.text joins the tokens again on every call)
    sent_speaker: str | None = None  # the actor whose words frame the current sentence
    source: str | None = None
    url: str | None = None
    article_id: str | None = None
    places_cache: dict = field(default_factory=dict)
    offset: int = 0  # offset of the paragraph being read


def _date_for(anchor, dates: list[DateRef], sent_offset: int, ctx: Context):
    """The date expression inside the anchor's own clause; conjuncts and participles inherit."""
    tok = anchor
    for _ in range(4):
        chars = {t.idx - sent_offset for t in clause_tokens(tok)}
        for ref in dates:
            if ref.start in chars or any(ref.start <= c < ref.end for c in chars):
                return ref
        marked = any(c.dep_ == "mark" for c in tok.children)
        if tok.dep_ in ("conj", "xcomp") or (tok.dep_ == "advcl" and not marked) or tok.dep_ == "pobj":
            tok = tok.head
            continue
        break
    return None


def _figure(sent, tokens, trigger, text: str) -> tuple | None:
    """(value, high, qualifier, victims noun, char span) of the death toll in this clause."""
    base = sent.start_char
    chars = {t.idx - base for t in tokens}
    wounded = {t.idx - base for t in sent if t.lemma_.lower() in ("wound", "injure", "hurt", "injury")
               and t.i != trigger.i}
    for fig in find_figures(text):
        if fig.start not in chars and fig.end - 1 - len(fig.noun or "") + 1 not in chars:
            continue
        if any(fig.start < w < fig.end + 25 or (fig.start - 12 < w < fig.start) for w in wounded):
            continue
        return fig
    for fig in find_bare_numbers(text):
        tok = next((t for t in tokens if t.idx - base == fig.start or (t.idx - base <= fig.start < t.idx - base
                                                                         + len(t.text))), None)
        if tok is not None and tok.head.i == trigger.i and tok.dep_ in ("dobj", "nsubjpass", "nsubj", "nummod"):
            return fig
    return None


def _actor1(trigger, anchor, nominal: bool, doc, ctx: Context, sent, absorbed) -> list:
    if nominal:
        pair = _between(trigger, doc, ctx)
        if pair:
            return [pair[0]]
        ref = roles.actor_in_tokens(roles.modifier_tokens(trigger), doc, ctx.main_country)
        if ref is None and lookup(trigger).action in ("deploy", "displace"):
            of = [g for c in trigger.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children]
            ref = roles.actor_in_tokens([t for g in of for t in roles.modifier_tokens(g)], doc, ctx.main_country)
        if ref or anchor is trigger or trigger.dep_ in ("nsubj", "nsubjpass"):
            return [ref]
        anchor_verb = anchor
    else:
        anchor_verb = trigger
    subj, passive, reached = roles.subject_and_verb(anchor_verb)
    if subj is not None:
        if subj.lower_ in roles.PRONOUNS:
            return [_pronoun(subj, ctx)]
        poss = [c for c in subj.children if c.dep_ == "poss" and c.lower_ in roles.PRONOUNS]
        if poss and not roles.actor_in_tokens(roles.noun_phrase(subj), doc, ctx.main_country):
            return [_pronoun(poss[0], ctx)]
        refs = [roles.actor_in_tokens(roles.noun_phrase(s) if s is subj else [s, *[t for t in s.subtree
                if t.dep_ != "conj" and t.i < s.i]], doc, ctx.main_country, head=s) for s in roles.subjects(subj)]
        refs = [r for r in refs if r is not None]
        if refs:
            return refs
    for noun in absorbed:
        ref = roles.actor_in_tokens(roles.modifier_tokens(noun) or list(noun.subtree), doc, ctx.main_country)
        if ref:
            return [ref]
    if passive:  # "killed in the Turkish response", "killed in an air strike by X"
        ref = roles.actor_in_tokens(roles.modifier_tokens(anchor_verb), doc, ctx.main_country)
        return [ref]
    if subj is None:
        return [roles.nearest_actor_before(reached, doc, ctx.main_country)]
    return [None]


def _pronoun(tok, ctx: Context) -> roles.ActorRef | None:
    """"it said it had ...", "its forces": the speaker of this sentence, else the last speaker."""
    who = ctx.sent_speaker or (ctx.speaker if tok.lower_ in ("he", "she", "we", "i", "his", "her", "our") else None)
    if who is None:
        return None
    return roles.ActorRef(who, roles.actor_country_of(who), roles.actor_kind(who) or "?", tok.i, tok.i + 1)


VICTIM_SUBJECT = frozenset({"lose", "die", "dead", "suffer"})
SYMMETRIC = frozenset({"consult", "ceasefire"})


def _between(noun, doc, ctx) -> list:
    """"clashes between X and Y" -> [X, Y]."""
    for c in noun.children:
        if c.dep_ == "prep" and c.lower_ == "between":
            refs = []
            for g in c.children:
                if g.dep_ == "pobj":
                    for s in roles.subjects(g):
                        ref = roles.actor_in_tokens([t for t in s.subtree if t.dep_ not in ("conj", "cc")
                                                     or t is s], doc, ctx.main_country)
                        if ref and all(r.canonical != ref.canonical for r in refs):
                            refs.append(ref)
            return refs
    return []


def _actor2(trigger, nominal: bool, row: Trigger, doc, ctx: Context, fig_tokens) -> roles.ActorRef | None:
    if nominal:
        pair = _between(trigger, doc, ctx)
        if len(pair) > 1:
            return pair[1]
        tokens = [t for c in trigger.children if c.dep_ == "prep" and c.lower_ in ("of", "on", "against", "with",
                                                                                  "for", "towards")
                  for t in c.subtree]
    else:
        tokens = roles.object_tokens(trigger)
    ref = roles.actor_in_tokens(tokens, doc, ctx.main_country)
    if ref is None and row.action in ("threaten", "accuse", "ultimatum"):
        for c in trigger.children:
            if c.dep_ in ("xcomp", "prep"):
                ref = roles.actor_in_tokens(roles.object_tokens(c) if c.dep_ == "xcomp" else list(c.subtree), doc,
                                            ctx.main_country)
                if ref:
                    break
    if ref is None and fig_tokens:
        ref = roles.actor_in_tokens(fig_tokens, doc, ctx.main_country)
    return ref


def _warns_of_own_act(verb) -> bool:
    """A warning is a threat when the speaker warns of its own action or warns someone directly."""
    if any(c.dep_ in ("dobj", "dative") for c in verb.children):
        return True
    for c in verb.children:
        if c.dep_ in ("ccomp", "xcomp"):
            subj = [g for g in c.children if g.dep_ in ("nsubj", "nsubjpass")]
            return not subj or subj[0].lower_ in roles.PRONOUNS
        if c.dep_ == "prep" and c.lower_ == "of":
            return True
    return False


def _types(row: Trigger, action: str, sent_text: str, actor1, actor2, victims) -> tuple[str | None, str | None]:
    if action in ("attack", "kill"):
        low = sent_text.lower()
        for pattern, etype, sub in INSTRUMENTS:
            if pattern.search(low):
                return etype, sub
        if victims == "civilians" or (actor2 and actor2.canonical == "civilians"):
            return "Violence against civilians", "Attack"
    if action == "capture" and actor1 is not None:
        return ("Battles", "Government regains territory") if actor1.kind in ("military", "state") else \
            ("Battles", "Non-state actor overtakes territory")
    return row.event_type, row.sub_event_type


def sentence_events(sent, offset: int, ctx: Context) -> list[dict]:
    """Events stated in one parsed sentence; `offset` maps sentence chars into the article text."""
    doc = sent.doc
    ctx.offset = offset
    start_char, end_char = offset + sent.start_char, offset + sent.end_char
    evidence = ctx.sent_text = text = sent.text
    if start_char < ctx.dateline_end < end_char:
        cut = ctx.dateline_end - start_char
        evidence, start_char = evidence[cut:], ctx.dateline_end
    stripped = evidence.strip()
    start_char += len(evidence) - len(evidence.lstrip())
    evidence = stripped
    reporter, speaker_tok = ctx.sent_reporter = find_reporter(sent, text=text)
    ctx.sent_speaker = None
    if speaker_tok is not None and speaker_tok.lower_ not in roles.PRONOUNS:
        ref = roles.actor_in_tokens(list(speaker_tok.subtree), doc, ctx.main_country)
        if ref and not roles.is_reporter(ref.canonical):
            ctx.speaker = ctx.sent_speaker = ref.canonical
    elif speaker_tok is not None and ctx.speaker and speaker_tok.lower_ in ("he", "she"):
        ctx.sent_speaker = ctx.speaker
    dates = find_dates(text, ctx.published)
    places = place_spans(sent, ctx, offset)
    found = [(tok, row) for tok in sent if (row := lookup(tok)) is not None]
    verb_idx = {tok.i for tok, _ in found if tok.pos_ in ("VERB", "AUX") and not is_blocked(tok)}
    absorbed: dict[int, list] = {}
    events = []
    for tok, row in found:
        nominal = tok.pos_ not in ("VERB", "AUX") or (tok.tag_ == "VBG" and tok.dep_ in ("pobj", "nsubj", "dobj"))
        anchor = governing_verb(tok) if nominal else tok
        if anchor is None or is_blocked(anchor) or (nominal and anchor is not tok and any(
                c.dep_ == "neg" for c in tok.children)):
            continue
        if row.action in VERBAL and tok.dep_ in ("acl", "amod", "relcl") and not nominal:
            continue  # "troops, backed by Russian air power": a description
        if tok.lemma_.lower() == "warn" and not _warns_of_own_act(tok):
            continue  # "warned that the offensive could trigger a crisis": not a threat
        if nominal and anchor.i in verb_idx and anchor is not tok:
            absorbed.setdefault(anchor.i, []).append(tok)
            if not any(c.dep_ == "prep" and c.lower_ == "by" for c in tok.children):
                continue  # "repelled an attack by HTS fighters": that attack is an act of its own
        events.append((tok, row, anchor, nominal))
    out = []
    for tok, row, anchor, nominal in events:
        action = row.action
        nominal = nominal or tok.pos_ not in ("VERB", "AUX")
        verbal = action in VERBAL
        tokens = clause_tokens(anchor if nominal else tok, content=verbal)
        if nominal:
            tokens = sorted({*tokens, *tok.subtree}, key=lambda t: t.i)
        own_absorbed = absorbed.get(tok.i, [])
        fig = _figure(sent, tokens, tok, text) if action in ("kill", "attack") and (
            action == "kill" or any(load.lemma_ == "killing" for load in own_absorbed)) else None
        if action == "attack" and fig is not None and fig.noun is not None and tok.lemma_.lower() in ("kill",):
            action = "kill"
        fig_tokens = [t for t in sent if fig.start <= t.idx - sent.start_char < fig.end] if fig else []
        actors1 = _actor1(tok, anchor, nominal, doc, ctx, sent, own_absorbed)
        actor2 = _actor2(tok, nominal, row, doc, ctx, fig_tokens)
        if tok.lemma_.lower() in VICTIM_SUBJECT and not nominal:
            actor2, actors1 = actors1[0] or actor2, [None]  # "Turkey lost 59 soldiers": Turkey is the victim
        if action in SYMMETRIC and len(actors1) > 1:
            actors1, actor2 = [actors1[0]], actors1[1]  # "Erdogan and Putin discussed": one meeting
        if action in SYMMETRIC and actor2 is None and actors1[0] is not None:
            subj, _ = roles.subject_token(anchor)
            others = [t for t in (subj.subtree if subj is not None else []) if t.lower_ in roles.DEMONYMS]
            for t in others:
                ref = roles.actor_in_tokens([t], doc, ctx.main_country)
                if ref and ref.canonical != actors1[0].canonical:
                    actor2 = ref
                    break
        if tok.lemma_.lower() == "visit" and actor2 is None:
            continue  # visiting one's own province is not a consultation
        reciprocal = anchor.lemma_.lower() in ("trade", "exchange") and len(actors1) > 1
        for actor1 in actors1:
            if reciprocal:
                actor2 = next(a for a in actors1 if a is not actor1)
            out.extend(_build(sent, tok, row, anchor, nominal, action, actor1, actor2, tokens, fig, dates,
                              places, reporter, evidence, start_char, ctx))
    return out


def _build(sent, tok, row, anchor, nominal, action, actor1, actor2, tokens, fig, dates, places, reporter,
           evidence, start_char, ctx) -> list[dict]:
    """One event dict (or none, for background acts)."""
    doc = sent.doc
    verbal = action in VERBAL
    if actor2 is None and action in ("attack", "capture", "encircle"):
        actor2 = roles.actor_in_tokens([t for t in tokens if t.dep_ != "nsubj"
                                        and (actor1 is None or not actor1.start <= t.i < actor1.end)],
                                       doc, ctx.main_country)
    a1 = roles.counterpart(actor1.canonical, action) if actor1 else None
    a2 = actor2.canonical if actor2 else None
    if a1 is not None and a1 == a2:
        a2 = None
    if roles.is_reporter(a1):
        return []
    if roles.is_reporter(a2):
        a2 = None
    if a1 is None and action in VERBAL:
        return []  # a statement needs someone who made it
    ref = _date_for(anchor if nominal else tok, dates, sent.start_char, ctx)
    deadline = None
    if ref is not None and ref.kind == "deadline":
        deadline = ref.date if action in ("ultimatum", "threaten") else None
        ref = None
    if ref is not None and (ref.kind == "background" or ref.date < ctx.published - dt.timedelta(days=BACKGROUND_DAYS)):
        return []
    running = ref is not None and ref.kind == "since" or bool(RUNNING_RE.search(ctx.sent_text) and fig)
    if running:
        event_date, precision, period_start = ctx.published, "month", ref.date if ref else None
    elif ref is not None:
        event_date, precision, period_start = ref.date, ref.precision, None
    else:
        event_date, precision, period_start = ctx.published, "week", None
    place = pick_place(places, tokens, verbal, {tok.i, anchor.i})
    own_place = place is not None
    if place is None and action in VIOLENT:
        place = pick_place(places, list(sent), False)
        own_place = place is not None
        if place is None and ctx.main_place and (REGION_RE.search(ctx.sent_text) or action in VIOLENT):
            place = (ctx.main_text, ctx.main_place)
    location, geo = place if place else (None, {})
    victims = victims_of(fig.noun) if fig else None
    etype, sub = _types(row, action, ctx.sent_text, actor1, actor2, victims)
    confidence = 0.45 + 0.2 * (a1 is not None) + 0.1 * (ref is not None) + 0.1 * (not nominal) \
        + 0.1 * (tok.dep_ == "ROOT") - 0.15 * (anchor.dep_ == "advcl" and any(c.dep_ == "mark" for c in anchor.children))
    return [{
        "event_date": event_date.isoformat(), "date_precision": precision, "action": action,
        "cameo_code": row.cameo_code, "goldstein": row.goldstein, "event_type": etype, "sub_event_type": sub,
        "actor1": a1, "actor1_country": roles.actor_country_of(a1), "actor2": a2,
        "actor2_country": roles.actor_country_of(a2), "country": geo.get("country"), "admin1": geo.get("admin1"),
        "location": location, "latitude": geo.get("latitude"), "longitude": geo.get("longitude"),
        "geo_precision": geo.get("geo_precision"),
        "fatalities": fig.value if fig and action == "kill" else None,
        "fatalities_high": fig.high if fig and action == "kill" else None,
        "fatalities_qualifier": fig.qualifier if fig and action == "kill" else None,
        "victims": victims if action == "kill" else None, "reported_by": reporter,
        "source": ctx.source, "source_url": ctx.url, "article_id": ctx.article_id,
        "evidence": evidence, "evidence_start": start_char, "evidence_end": start_char + len(evidence),
        "origin": "extracted", "confidence": round(min(max(confidence, 0.05), 0.95), 2),
        "deadline": deadline.isoformat() if deadline else None, "is_running_total": running,
        "period_start": period_start.isoformat() if period_start else None,
        "_explicit_date": ref is not None, "_own_place": own_place, "_sentence": (ctx.offset, sent.start_char), "_trigger": tok.i,
        "_speaker": ctx.speaker, "_absolute": bool(ref and YEAR_RE.search(ctx.sent_text[ref.start:ref.end])),
    }]
