"""The record of one event from a resolved trigger: its death figure, date (or a deadline,
or background), place, ACLED type and confidence, as the dict the pipeline validates."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from conflict_monitor.extract import roles
from conflict_monitor.extract.dates import DateRef
from conflict_monitor.extract.event_dates import WOUND, date_for
from conflict_monitor.extract.lexicon import VERBAL, VIOLENT, Trigger
from conflict_monitor.extract.locate import pick_places
from conflict_monitor.extract.numbers import Figure, find_bare_numbers, find_figures, victims_of
from conflict_monitor.extract.scope import describes_closed_period

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

    from conflict_monitor.extract.context import Context

REGION_RE = re.compile(r"\bthe (?:region|area|province|enclave|governorate)\b", re.IGNORECASE)
RUNNING_RE = re.compile(r"\b(?:so far|to date|in total|overall toll|cumulative|since the (?:fighting|war|conflict|"
                        r"offensive|clashes|violence|insurgency|crisis|siege) (?:began|started|erupted|broke out))\b",
                        re.IGNORECASE)
INSTRUMENTS = tuple((re.compile(pattern), etype, sub) for pattern, etype, sub in (
    (r"air ?strike|air-strike|warplane|jet|aircraft|bomb|drone|helicopter|aerial", "Explosions/Remote violence",
     "Air/drone strike"),
    (r"shell|artillery|rocket|missile|mortar", "Explosions/Remote violence", "Shelling/artillery/missile attack"),
    (r"\bied\b|roadside|landmine|\bmine\b|car bomb|explosive", "Explosions/Remote violence",
     "Remote explosive/landmine/IED"),
))
YEAR_RE = re.compile(r"\d{4}")
# Running totals (ANNOTATION.md, Scope) count deaths or displaced people over a period.
TALLY_ACTIONS = frozenset({"kill", "displace"})
TALLY_NOUNS = frozenset({"toll", "number", "tally", "count"})
# "bringing the toll to 74", "the toll stood at 60", "the toll rose to 33": a toll as it stands
TALLY_VERBS = frozenset({"bring", "raise", "push", "take", "lift", "stand", "rise", "climb", "reach", "increase"})
TALLY_FIGURE_RE = re.compile(r"^(?:[^.;]{0,120}?\b(?:to|at)|\s+(?:of|stood at|was|is|rose to))\s+(?=\S)")
# CAMEO 17x coerce (arrests, detentions) and 18x assault (abductions): acts coded `other` that happen
# whether or not the text names who did them, unlike statements.
COERCION = ("17", "18")
PEOPLE = frozenset("people person civilian resident villager man woman child boy girl youth student journalist "
                   "worker family farmer passenger teenager".split())
# "about 20 of the gang members were killed": a part of a group already counted
PARTITIVE_RE = re.compile(r"\bof (?:the|these|those)\b", re.IGNORECASE)
BACKGROUND_DAYS = 120  # acts dated this long before publication are background, not the story


def _wounded(fig: Figure, sent: Span, base: int, trigger: Token) -> bool:
    """True when the figure counts the wounded: "wounding 12 civilians", "12 people were wounded",
    "five wounded soldiers" (not "killed five soldiers and wounded five others")."""
    toks = [t for t in sent if fig.start <= t.idx - base < fig.end]
    if not toks:
        return False
    noun = toks[-1]
    if any(t.lemma_.lower() in WOUND for t in toks if t.i != trigger.i):
        return True
    if noun.head.i != trigger.i and noun.head.lemma_.lower() in WOUND:
        return True
    after = sent.doc[noun.i + 1] if noun.i + 1 < sent.end else None
    if after is not None and after.i != trigger.i and (after.lemma_.lower() in WOUND or after.lower_ in WOUND):
        return True
    before = [sent.doc[i] for i in range(max(sent.start, toks[0].i - 3), toks[0].i)]
    return any(t.lemma_.lower() in WOUND and t.i != trigger.i for t in before)


def _in_other_clause(fig: Figure, sent: Span, base: int, trigger: Token) -> bool:
    """True when the figure sits in a clause of its own under the trigger's arguments ("the attack,
    in which 300 fighters took part, killed 9"): troop numbers, populations and the like."""
    toks = [t for t in sent if fig.start <= t.idx - base < fig.end]
    tok = toks[-1] if toks else None
    for _ in range(12):
        if tok is None or tok.i == trigger.i or tok.head is tok:
            return False
        if tok.dep_ in ("relcl", "acl", "advcl", "ccomp") and tok.pos_ in ("VERB", "AUX"):
            return trigger.i not in {t.i for t in tok.subtree}
        tok = tok.head
    return False


def _sum_listed(first: Figure, figures: list[Figure], text: str) -> Figure:
    """"seven Turkish soldiers and a civilian contractor": one toll of eight."""
    total, end, nouns = first.value, first.end, first.noun
    for fig in figures:
        if fig.start >= end and re.fullmatch(r"\s*(?:,\s*(?:and\s+)?|and\s+)", text[end:fig.start]):
            total += fig.value
            end = fig.end
        elif fig.start >= end:
            break
    if total == first.value:
        return first
    return Figure(total, total + first.high - first.value, first.qualifier, nouns, first.start, end)


def _tally_figure(trigger: Token, sent: Span, text: str) -> Figure | None:
    """The number a toll is put at or brought to ("bringing the toll ... to at least 74")."""
    start = trigger.idx - sent.start_char + len(trigger.text)
    m = TALLY_FIGURE_RE.match(text[start:])
    if not m:
        return None
    rest = start + m.end()
    for fig in [*find_figures(text[rest:]), *find_bare_numbers(text[rest:])]:
        if fig.start == 0:
            return Figure(fig.value, fig.high, fig.qualifier, fig.noun, rest + fig.start, rest + fig.end)
    return None


def find_death_figure(sent: Span, tokens: list[Token], trigger: Token, text: str) -> Figure | None:
    """(value, high, qualifier, victims noun, char span) of the death toll in this clause."""
    if trigger.lemma_.lower() in TALLY_NOUNS:
        counted = [g for c in trigger.children if c.lower_ == "of" for g in c.children]
        if any(g.lemma_.lower() in WOUND or g.lower_ in WOUND for g in counted):
            return None  # "put the number of wounded at 16"
        return _tally_figure(trigger, sent, text)
    base = sent.start_char
    chars = {t.idx - base for t in tokens}
    figures = find_figures(text)
    for i, fig in enumerate(figures):
        if fig.start not in chars and fig.end - 1 - len(fig.noun or "") + 1 not in chars:
            continue
        if _wounded(fig, sent, base, trigger) or _in_other_clause(fig, sent, base, trigger):
            continue
        return _sum_listed(fig, [f for f in figures[i + 1:] if not _wounded(f, sent, base, trigger)], text)
    for fig in find_bare_numbers(text):
        last = fig.end - 1  # the number's own token, not its qualifier's ("more than 80 have been killed")
        tok = next((t for t in tokens if t.idx - base <= last < t.idx - base + len(t.text)), None)
        if tok is not None and tok.head.i == trigger.i and tok.dep_ in ("dobj", "nsubjpass", "nsubj", "nummod"):
            return fig
    return None


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


def _country(name: str | None, ref: roles.ActorRef | None) -> str | None:
    """ISO3 of an actor: the table's, else what the text gave an actor no table knows."""
    if name is None:
        return None
    return roles.actor_country_of(name) or (ref.country if ref is not None and ref.canonical == name else None)


def _older_year(tokens: list[Token], published: dt.date, fig: Figure | None) -> bool:
    """True when the act's clause names a year before the publication's (not "since 2009", not
    the death figure): an act of that year."""
    base = tokens[0].sent.start_char if tokens else 0
    for t in tokens:
        if len(t.text) == 4 and t.text.isdigit() and 1900 <= int(t.text) < published.year \
                and t.head.lower_ != "since" and not (fig and fig.start <= t.idx - base < fig.end):
            return True
    return False


def _kind(name: str | None, ref: roles.ActorRef | None) -> str | None:
    if name is None:
        return None
    return roles.actor_kind(name) or (ref.kind if ref is not None and ref.canonical == name else None)


def build_event_rows(sent: Span, tok: Token, row: Trigger, anchor: Token, nominal: bool, action: str,
                     actor1: roles.ActorRef | None, actor2: roles.ActorRef | None, tokens: list[Token],
                     fig: Figure | None, dates: list[DateRef], places: list, reporter: str | None,
                     evidence: str, start_char: int, ctx: Context) -> list[dict]:
    """One event dict (or none, for background acts)."""
    doc = sent.doc
    verbal = action in VERBAL
    if actor2 is None and action in ("attack", "capture", "encircle"):
        actor2 = roles.actor_in_tokens([t for t in tokens if t.dep_ != "nsubj"
                                        and (actor1 is None or not actor1.start <= t.i < actor1.end)],
                                       doc, ctx.main_country)
    if actor2 is None and action in ("capture", "encircle") and actor1 is not None and \
            actor1.kind in ("armed group", "militia") and roles.main_country_military(ctx.main_country):
        # A group that takes or surrounds a place in the country takes it from the state's forces
        military = roles.main_country_military(ctx.main_country)
        actor2 = roles.ActorRef(military, ctx.main_country, "military", tok.i, tok.i + 1, True)
    coercion = row.cameo_code.startswith(COERCION)  # "the military detained 50 people": its forces
    if coercion and actor2 is None:
        taken = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass") and c.lemma_.lower() in PEOPLE]
        if taken:  # people taken or held, not named as any side's members, are civilians
            actor2 = roles.ActorRef("civilians", None, "civilians", taken[0].i, taken[0].i + 1, True)
    a1 = roles.counterpart(actor1.canonical, "attack" if coercion else action) if actor1 else None
    a2 = actor2.canonical if actor2 else None
    if action == "displace" and a1 is not None and _kind(a1, actor1) == "civilians":
        a1, a2, actor1, actor2 = None, a2 or a1, None, actor2 or actor1  # "civilians fled": the displaced
    if a1 is not None and (a1 == a2 or roles.same_state(a1, a2)):
        a2 = None  # an actor is never on both sides of its own act
    if roles.is_reporter(a1):
        return []
    if roles.is_reporter(a2):
        a2 = None
    if a1 is None and action in VERBAL and action != "ceasefire" and not coercion:
        return []  # a statement needs someone who made it; a truce that took effect, a kidnapping are facts
    ref = date_for(anchor if nominal else tok, dates, sent.start_char)
    deadline = None
    if ref is not None and ref.kind == "deadline":
        deadline = ref.date if action in ("ultimatum", "threaten") else None
        ref = None
    tally = action in TALLY_ACTIONS and (fig is not None or action == "displace")
    if ref is not None and ref.kind != "since" and (
            ref.kind == "background" or ref.date < ctx.published - dt.timedelta(days=BACKGROUND_DAYS)):
        return []
    if ref is None and (_older_year(tokens, ctx.published, fig)
                        or describes_closed_period(tok, ctx.sent_text, ctx.published.year)):
        return []  # "drove them out during a 2022 offensive": background older than the story
    if ref is not None and ref.kind == "since" and not tally and ref.date < ctx.published - dt.timedelta(
            days=BACKGROUND_DAYS):
        if any(t.dep_ == "aux" and t.lower_ in ("has", "have") for t in tokens):
            return []  # "has been deployed since 2021": a standing state, not an act of this story
        ref = None  # "the worst fighting since 2011": no date of this act
    running = tally and (ref is not None and ref.kind == "since" or bool(RUNNING_RE.search(ctx.sent_text))
                         or (tok.lemma_.lower() in TALLY_NOUNS and anchor.lemma_.lower() in TALLY_VERBS))
    if ref is not None and ref.kind == "since":  # reported as of the article's date
        event_date, precision, period_start = ctx.published, "month", ref.date if running else None
    elif running:
        event_date, precision, period_start = ctx.published, "month", None
    elif ref is not None:
        event_date, precision, period_start = ref.date, ref.precision, None
    else:
        event_date, precision, period_start = ctx.published, "week", None
    violent = action in VIOLENT or coercion
    found = pick_places(places, tokens, verbal, {tok.i, anchor.i}, objects=violent)
    own_place = bool(found)
    if not found and violent:
        found = pick_places(places, list(sent), False)[:1]
        own_place = bool(found)
    if not found and ctx.main_place and (violent or REGION_RE.search(ctx.sent_text)):
        found = [(ctx.main_text, ctx.main_place)]
    if len(found) > 1 and action == "kill" and fig is not None:
        found = found[:1]  # one toll over several places is not split between them
    victims = victims_of(fig.noun) if fig else None
    etype, sub = _types(row, action, ctx.sent_text, actor1, actor2, victims)
    subordinate = anchor.dep_ == "advcl" and any(c.dep_ == "mark" for c in anchor.children)
    confidence = 0.45 + 0.2 * (a1 is not None) + 0.1 * (ref is not None) + 0.1 * (not nominal) \
        + 0.1 * (tok.dep_ == "ROOT") - 0.15 * subordinate
    base = {
        "event_date": event_date.isoformat(), "date_precision": precision, "action": action,
        "cameo_code": row.cameo_code, "goldstein": row.goldstein, "event_type": etype, "sub_event_type": sub,
        "actor1": a1, "actor1_country": _country(a1, actor1), "actor2": a2,
        "actor2_country": _country(a2, actor2), "_actor1_kind": _kind(a1, actor1), "_actor2_kind": _kind(a2, actor2),
        "fatalities": fig.value if fig and action == "kill" else None,
        "fatalities_high": fig.high if fig and action == "kill" else None,
        "fatalities_qualifier": fig.qualifier if fig and action == "kill" else None,
        "victims": victims if action == "kill" else None, "reported_by": reporter,
        "source": ctx.source, "source_url": ctx.url, "article_id": ctx.article_id,
        "evidence": evidence, "evidence_start": start_char, "evidence_end": start_char + len(evidence),
        "origin": "extracted", "confidence": round(min(max(confidence, 0.05), 0.95), 2),
        "deadline": deadline.isoformat() if deadline else None, "is_running_total": running,
        "period_start": period_start.isoformat() if period_start else None,
        "_explicit_date": ref is not None and (running or ref.kind != "since"), "_own_place": own_place,
        "_sentence": (ctx.offset, sent.start_char), "_trigger": tok.i,
        "_part": bool(fig and PARTITIVE_RE.search(ctx.sent_text[fig.start:fig.end])),
        "_speaker": ctx.speaker, "_absolute": bool(ref and YEAR_RE.search(ctx.sent_text[ref.start:ref.end])),
    }
    # One event per place ("strikes on A, B and C"); no place: one event without.
    return [{**base, "location": location, "country": geo.get("country"), "admin1": geo.get("admin1"),
             "latitude": geo.get("latitude"), "longitude": geo.get("longitude"),
             "geo_precision": geo.get("geo_precision")} for location, geo in (found or [(None, {})])]
