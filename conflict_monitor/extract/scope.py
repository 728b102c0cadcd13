"""Which trigger words state events: scope rules over the dependency parse.

Not events (ANNOTATION.md, Scope): hypotheticals and conditions ("if ..."), modal or future
verbs, negations, the content of threats, accusations, plans and fears ("threatened to strike",
"accused Russia of committing massacres"), purpose clauses ("to establish a ceasefire"), and nouns
buried inside other noun phrases ("US support for Kurdish militants").
"""

from __future__ import annotations

import re

MODALS = frozenset({"will", "would", "could", "may", "might", "should", "must", "can", "shall", "'ll", "wo", "ca"})
CONDITIONS = frozenset({"if", "unless", "whether", "lest"})
# Verbs and nouns whose complement is intended, feared, claimed against or denied: not an event.
CONTENT_HEADS = frozenset((
    "threaten warn vow plan want seek aim intend try attempt prepare promise refuse fail ask urge call "
    "demand order need fear expect hope require deny threat allow risk avoid prevent stop able ready "
    "capable accuse blame condemn accusation obligation pledge propose offer consider decide agree "
    "insist prepared responsibility right warning deadline ultimatum intention intent plan willingness").split())
# Verbs whose infinitive complement is a fact ("continued to pound").
ASPECT_HEADS = frozenset("continue begin start keep manage appear seem resume go".split())
# "forced 40,000 people to flee": being made to leave is itself the displacement (a fact)
FORCED_HEADS = frozenset("force compel oblige".split())
LEAVE_VERBS = frozenset("flee leave abandon evacuate".split())
SAY_VERBS = frozenset("say report announce claim state add tell confirm write note quote publish declare".split())
CLAUSAL = frozenset({"xcomp", "ccomp", "advcl", "conj", "pcomp", "pobj", "prep", "dobj", "nsubj", "nsubjpass",
                     "attr", "agent", "dative", "oprd", "appos", "npadvmod"})


def _has_modal(tok) -> bool:
    return any(c.dep_ in ("aux", "auxpass") and c.lower_ in MODALS for c in tok.children) or (
        any(c.lower_ == "going" for c in tok.head.children if tok.dep_ == "xcomp") and tok.head.lower_ == "going")


# Adverbs of a habit ("frequently attacks officials"): a description of the actor, not an act.
HABITUAL = frozenset({"frequently", "often", "regularly", "routinely", "usually", "habitually"})


def _negated(tok) -> bool:
    return any(c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ in HABITUAL) for c in tok.children)


# "It was not immediately clear how many were recaptured", "it is unknown whether": not a stated fact
UNSURE = frozenset({"unclear", "unknown", "uncertain", "unconfirmed"})
SURE = frozenset({"clear", "known", "certain", "confirmed"})


def _unsure(head) -> bool:
    """`head` is "unclear", "not clear", or a copula whose complement says so ("it is unclear how")."""
    for word in (head, *(c for c in head.children if c.dep_ == "acomp")):
        lemma = word.lemma_.lower()
        if lemma in UNSURE or lemma in SURE and (_negated(word) or word.dep_ == "acomp" and _negated(word.head)):
            return True
    return False


def _infinitive(tok) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)


def is_blocked(tok, hedged_ok: bool = False) -> bool:
    """True when the word at `tok` (a verb, or the verb governing a noun) is not a stated fact.
    `hedged_ok`: a modal does not block ("may constitute a war crime" is still an accusation)."""
    if tok.dep_ in ("amod", "compound") and tok.pos_ in ("VERB", "AUX"):
        return True  # participles used as adjectives: "surrounding villages"
    t = tok
    for _ in range(12):
        if _negated(t) or (_has_modal(t) and not (hedged_ok and t is tok)):
            return True
        if any(c.dep_ == "mark" and c.lower_ in CONDITIONS for c in t.children):
            return True
        if _infinitive(t) and t.dep_ in ("advcl", "xcomp", "acl", "relcl", "ccomp", "conj") \
                and t.head.lemma_.lower() not in ASPECT_HEADS \
                and not (t.head.lemma_.lower() in FORCED_HEADS and t.lemma_.lower() in LEAVE_VERBS):
            return True
        head = t.head
        if t.dep_ in ("xcomp", "ccomp", "pcomp", "pobj", "prep", "acl", "dobj") \
                and head.lemma_.lower() in CONTENT_HEADS and head is not t:
            return True
        if t.dep_ in ("ccomp", "xcomp") and _unsure(head):
            return True
        if t.dep_ in ("ROOT", "relcl", "parataxis") or head is t:
            return False
        if t.dep_ == "acl" and not any(c.dep_ == "agent" for c in t.children):
            return True  # "refugees fleeing violence": a description, not a report
        if t.dep_ not in CLAUSAL and t.dep_ not in ("acl", "advmod", "mark", "compound", "amod"):
            return False
        t = head
    return False


QUANTITY_NOUNS = frozenset("dozens hundreds scores thousands number series wave barrage string spate round "
                           "couple lot handful hours days rounds round".split())


def governing_verb(noun):
    """The verb a noun trigger is an argument of ("launched an offensive"), or None when the noun
    hangs inside another noun phrase. A noun at the root (captions, headlines) governs itself."""
    n = noun
    while (n.dep_ == "conj" or (n.dep_ == "pobj" and n.head.lower_ == "of"
                                 and n.head.head.lower_ in QUANTITY_NOUNS)) and n.head is not n:
        n = n.head if n.dep_ == "conj" else n.head.head
    if n.dep_ == "ROOT":
        return n
    head = n.head
    if n.dep_ in ("nsubj", "nsubjpass", "dobj", "attr", "dative", "oprd", "npadvmod"):
        return head if head.pos_ in ("VERB", "AUX") else None
    if n.dep_ == "pobj" and head.dep_ in ("prep", "agent") and head.head.pos_ in ("VERB", "AUX"):
        return head.head
    if n.dep_ == "pobj" and head.dep_ == "prep" and head.head.dep_ == "ROOT":
        return head.head
    return None


def skip_children(tok, content: bool) -> set[int]:
    """Token indices of clauses under `tok` that have their own events or are content (not venue)."""
    out: set[int] = set()
    for child in tok.children:
        nested = child.dep_ in ("ccomp", "relcl", "parataxis") or (
            child.dep_ == "advcl" and any(c.dep_ == "mark" for c in child.children)) or (
            child.dep_ == "conj" and child.pos_ in ("VERB", "AUX"))
        if content and (child.dep_ == "xcomp" or (child.dep_ == "prep" and child.lower_ == "of"
                                                  and tok.lemma_.lower() in CONTENT_HEADS)):
            nested = True
        if nested:
            out.update(t.i for t in child.subtree)
    return out


def clause_tokens(tok, content: bool = False) -> list:
    """The tokens of the clause headed by `tok`, without nested clauses (and content, if asked)."""
    skip = skip_children(tok, content)
    return [t for t in tok.subtree if t.i not in skip]


# "has been fighting the government for 16 years", "had held for a year", "has been helping the police
# since June 2024": a perfect verb with a span of years (or a start in an earlier year) describes a
# standing state, the background of the story, not an act in it (ANNOTATION.md, Scope).
SPAN_UNITS = frozenset({"year", "decade"})
PERFECT = frozenset({"has", "have", "had", "'s", "'ve", "'d"})
# How far up a trigger's own clause reaches: its complements, adjuncts and the nouns they hang on
# (not conjuncts, which state acts of their own: "have fought since 2012 and on Monday killed 5").
_UP = frozenset({"xcomp", "ccomp", "acl", "prep", "pobj", "agent", "dobj", "nsubj", "nsubjpass", "advcl"})


def _older_since(prep, published_year: int) -> bool:
    years = [int(t.text) for t in prep.subtree if t.like_num and len(t.text) == 4 and t.text.isdigit()]
    return bool(years) and max(years) < published_year


def _spans_years(verb, published_year: int) -> bool:
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ == "for" and any(
                g.dep_ == "pobj" and g.lemma_.lower() in SPAN_UNITS for g in c.children):
            return True
        if c.lower_ == "since" and c.dep_ in ("prep", "mark") and _older_since(c, published_year):
            return True
    return False


def standing_state(tok, published_year: int) -> bool:
    """True when `tok` (a trigger or the verb governing it) sits in a perfect clause that spans years
    (the span may hang on the perfect verb or on a complement of it: "has been helping them fight since")."""
    t, perfect, spans = tok, False, False
    for _ in range(8):
        if t.pos_ in ("VERB", "AUX"):
            perfect = perfect or any(c.dep_ == "aux" and c.lower_ in PERFECT for c in t.children)
            spans = spans or _spans_years(t, published_year)
        if perfect and spans:
            return True
        if t.dep_ not in _UP or t.head is t:
            return False
        t = t.head
    return False


# "a civil war from 2013 to 2018 that killed 400,000 people": a period closed before the story's year
CLOSED_PERIOD_RE = re.compile(r"\b(?:from|between)\s+((?:19|20)\d\d)\s+(?:to|and|until)\s+((?:19|20)\d\d)\b")
RELATIVE_SUBJECTS = frozenset({"that", "which", "who"})


def describes_closed_period(tok, sent_text: str, published_year: int) -> bool:
    """True when `tok` is the verb of a relative description ("... that killed", "which displaced")
    and the sentence names a period of years that ended before the publication's year: the past
    war or campaign described, background, not an act of this story (ANNOTATION.md, Scope)."""
    m = CLOSED_PERIOD_RE.search(sent_text)
    if m is None or int(m.group(2)) >= published_year:
        return False
    return tok.dep_ in ("relcl", "acl") or any(
        c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in RELATIVE_SUBJECTS for c in tok.children)
