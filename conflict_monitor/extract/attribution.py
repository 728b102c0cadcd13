"""Who the text credits for a claim: "according to X", "quoted by X", "X said", "X reported".

Monitors and news agencies are given by their canonical names (SOHR, Anadolu); anyone else by
the phrase the article uses ("Turkish officials"). Self-statements introduced by "with X saying"
are details of the event, not attributions.
"""

from __future__ import annotations

import re

from conflict_monitor.extract.scope import SAY_VERBS
from conflict_monitor.model.actors import resolve_actor

_CUT = r"(?=,|;|\.(?:\s|$)|\s+(?:which|who|that|on|in|after|as|while|and said)\b|$)"
PATTERNS = (
    re.compile(r"\baccording to (?P<x>.+?)" + _CUT, re.IGNORECASE),
    re.compile(r"\bquoted (?:as saying )?by (?P<x>.+?)" + _CUT, re.IGNORECASE),
    re.compile(r"\b(?:reported|announced|claimed|said) by (?P<x>.+?)" + _CUT, re.IGNORECASE),
    re.compile(r"\b(?:citing|cited by) (?P<x>.+?)" + _CUT, re.IGNORECASE),
)
_LEAD = re.compile(r"^(?:the |a |an )?(?:(?:official|state|monitoring group|war monitor|monitor|"
                   r"britain-based|uk-based|news agency|state-run|semi-official)\s+(?:the\s+)?)*", re.IGNORECASE)
# "Information Minister Michael Makuei", "security official Mohamed Abdikadir": the person, by name.
_TITLED_NAME = re.compile(r"^.*?\b(?:minister|governor|president|spokes(?:wo)?man|spokesperson|official|officer|"
                          r"activist|commander|general|colonel|lieutenant|captain|major|admiral|mayor|director|"
                          r"chief|secretary|envoy|father|priest|leader|coordinator|administrator|commissioner|"
                          r"ambassador|senator|lawmaker|chairman|head|police officer|journalist|resident)s?\s+"
                          r"(?P<name>(?:[A-Z][\w'’-]+\s+){1,3}[A-Z][\w'’-]+)$", re.IGNORECASE)
_STATE_MEDIA = re.compile(r"^(?:the )?state(?:-run| run)? (?:media|television|tv|radio)$", re.IGNORECASE)
GENERIC_MONITOR = re.compile(r"^(?:the |a )?(?:war )?monitor(?:ing group)?$", re.IGNORECASE)


def canonical_reporter(phrase: str | None) -> str | None:
    """SOHR / Anadolu / ... for monitors and agencies; otherwise the tidied phrase."""
    if not phrase:
        return None
    phrase = phrase.strip(" \"'“”‘’()")
    if _STATE_MEDIA.match(phrase):
        return "state media"
    actor = resolve_actor(phrase)
    if actor is not None and actor.kind in ("monitor", "news agency") and not _longer_name(phrase, actor):
        return actor.canonical
    tidy = _LEAD.sub("", phrase).strip()
    if _DOCUMENT_TAIL.search(tidy) and tidy[:1].isupper() and len(tidy.split()) > 1:
        tidy = _DOCUMENT_TAIL.sub("", tidy)
    titled = _TITLED_NAME.match(tidy)
    if titled and all(w[:1].isupper() for w in titled.group("name").split()):
        tidy = titled.group("name")
    if not tidy or len(tidy) > 80 or tidy.lower() in ("him", "her", "them", "it", "he", "she", "they"):
        return None
    return tidy


def _longer_name(phrase: str, actor) -> bool:
    """True when the table's alias is only the start of a longer name ("the Observatory for Peace"
    is not "the Observatory")."""
    low = phrase.lower()
    for alias in sorted((actor.canonical, *actor.aliases), key=len, reverse=True):
        at = low.find(alias.lower())
        if at >= 0:
            rest = phrase[at + len(alias):].split()
            return bool(rest) and (rest[0][:1].isupper() or (rest[0] in ("for", "of", "on") and len(rest) > 1
                                                              and rest[1][:1].isupper()))
    return False


def regex_attribution(text: str) -> str | None:
    """Reporter from the explicit patterns, or None."""
    for pattern in PATTERNS:
        m = pattern.search(text)
        if m:
            return canonical_reporter(m.group("x"))
    return None


# Who puts or gives a toll is its source: "X put the toll at 10", "Y gives a provisional toll of 38"
TOLL_VERBS = frozenset({"put", "give", "place"})
TOLL_NOUNS = frozenset({"toll", "number", "figure", "count"})
# "An Islamic State statement said": the statement's author
_DOCUMENT_TAIL = re.compile(r"\s+(?:statement|communiqu[eé]|report|bulletin)$", re.IGNORECASE)


def speaker_verbs(sent) -> list:
    """Say-verbs of the sentence that frame it ("..., X said."), excluding "with X saying"."""
    out = []
    for tok in sent:
        if tok.lemma_.lower() in TOLL_VERBS and tok.pos_ == "VERB" and any(
                c.dep_ == "dobj" and c.lemma_.lower() in TOLL_NOUNS for c in tok.children):
            out.append(tok)  # "Military sources put the confirmed toll at around 10"
            continue
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
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if subjects:
        return subjects[-1]  # two subjects is a parse slip (a dateline); the later one is nearer the verb
    for c in verb.children:
        if c.dep_ == "agent":
            for g in c.children:
                return g
    return None


def _appositive_name(who) -> str | None:
    """"The parish priest of X, Father Aime Lokana Dhego, tells AFP": the person's name in apposition
    to a title, when the speaker is named by a common noun."""
    if who.pos_ != "NOUN":
        return None
    for c in who.subtree:  # the parse may hang the name on the title's last noun ("priest of a parish in X, Y")
        if c.dep_ == "appos" and c.pos_ == "PROPN":
            names = [t for t in c.subtree if t.dep_ != "punct"]
            if all(t.pos_ == "PROPN" for t in names) and len(names) >= 2:
                return " ".join(t.text for t in names)
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
        named = _appositive_name(who)
        return explicit or canonical_reporter(named or phrase), who
    return explicit, None


# "he says", "according to him", "it said": the reporter is whoever was credited last
_PRONOUN_SOURCE = re.compile(r"\baccording to (?:him|her|them|it)\b", re.IGNORECASE)
SOURCE_PRONOUNS = frozenset({"he", "she", "it", "they"})


def carry_pronoun_reporter(reporter: str | None, speaker_tok, text: str, ctx) -> str | None:
    """The sentence's reporter; a pronoun ("he says", "according to him") stands for the reporter
    last named in the article (`ctx.last_reporter`, which a named reporter updates)."""
    pronoun = speaker_tok is not None and speaker_tok.lower_ in SOURCE_PRONOUNS or bool(_PRONOUN_SOURCE.search(text))
    if reporter is None and pronoun:
        return ctx.last_reporter
    if reporter is not None and not pronoun:
        ctx.last_reporter = reporter
    return reporter
