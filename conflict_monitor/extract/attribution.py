"""Who the text credits for a claim: "according to X", "quoted by X", "X said", "X reported".

Monitors and news agencies are given by their canonical names (SOHR, Anadolu); anyone else by
the phrase the article uses ("Turkish officials"). Self-statements introduced by "with X saying"
are details of the event, not attributions.
"""

from __future__ import annotations

import re

from conflict_monitor.model.actors import resolve_actor
from conflict_monitor.extract.scope import SAY_VERBS

_CUT = r"(?=,|;|\.(?:\s|$)|\s+(?:which|who|that|on|in|after|as|while|and said)\b|$)"
PATTERNS = (
    re.compile(r"\baccording to (?P<x>.+?)" + _CUT, re.IGNORECASE),
    re.compile(r"\bquoted (?:as saying )?by (?P<x>.+?)" + _CUT, re.IGNORECASE),
    re.compile(r"\b(?:reported|announced|claimed|said) by (?P<x>.+?)" + _CUT, re.IGNORECASE),
    re.compile(r"\b(?:citing|cited by) (?P<x>.+?)" + _CUT, re.IGNORECASE),
)
_LEAD = re.compile(r"^(?:the |a |an )?(?:(?:official|state|monitoring group|war monitor|monitor|"
                   r"britain-based|uk-based|news agency|state-run|semi-official)\s+(?:the\s+)?)*", re.IGNORECASE)
GENERIC_MONITOR = re.compile(r"^(?:the |a )?(?:war )?monitor(?:ing group)?$", re.IGNORECASE)


def canonical_reporter(phrase: str | None) -> str | None:
    """SOHR / Anadolu / ... for monitors and agencies; otherwise the tidied phrase."""
    if not phrase:
        return None
    phrase = phrase.strip(" \"'“”‘’()")
    actor = resolve_actor(phrase)
    if actor is not None and actor.kind in ("monitor", "news agency"):
        return actor.canonical
    tidy = _LEAD.sub("", phrase).strip()
    if not tidy or len(tidy) > 80 or tidy.lower() in ("him", "her", "them", "it", "he", "she", "they"):
        return None
    return tidy


def regex_attribution(text: str) -> str | None:
    """Reporter from the explicit patterns, or None."""
    for pattern in PATTERNS:
        m = pattern.search(text)
        if m:
            return canonical_reporter(m.group("x"))
    return None


def speaker_verbs(sent) -> list:
    """Say-verbs of the sentence that frame it ("..., X said."), excluding "with X saying"."""
    out = []
    for tok in sent:
        if tok.lemma_.lower() not in SAY_VERBS or tok.pos_ not in ("VERB", "AUX"):
            continue
        if tok.dep_ in ("pcomp", "acl", "amod") or (tok.dep_ == "advcl" and tok.tag_ == "VBG"):
            continue  # "with Peskov saying ...", "comments published on Thursday"
        if any(c.dep_ in ("dobj",) and c.lemma_.lower() not in ("that",) for c in tok.children) and \
                tok.lemma_.lower() not in ("tell", "report"):
            continue  # "announced a truce": the announcement is the event
        out.append(tok)
    # The verb that frames the whole sentence ("..., X said.") first.
    return sorted(out, key=lambda t: (t.dep_ not in ("ROOT", "parataxis"), t.i))


def speaker_of(verb):
    """The subject (or agent) token of a say-verb, or None ("accused ... and said" shares it)."""
    while verb.dep_ == "conj" and not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
        verb = verb.head
    for c in verb.children:
        if c.dep_ in ("nsubj", "nsubjpass"):
            return c
    for c in verb.children:
        if c.dep_ == "agent":
            for g in c.children:
                return g
    return None


def find_reporter(sent, trigger=None, text: str | None = None) -> tuple[str | None, object]:
    """(reported_by, speaker token) for a sentence (`text`: sent.text, if the caller has it already);
    the speaker token may be a pronoun."""
    explicit = regex_attribution(sent.text if text is None else text)
    for verb in speaker_verbs(sent):
        if trigger is not None and verb is trigger:
            continue
        who = speaker_of(verb)
        if who is None:
            continue
        phrase = sent.doc[who.left_edge.i: who.i + 1].text
        return explicit or canonical_reporter(phrase), who
    return explicit, None
