"""Parse-structure helpers: the subject, agent, objects and modifiers of a verb or an event noun.

Split from roles.py (which resolves these tokens to canonical actors); nothing here knows actors.
"""

from __future__ import annotations

GENERIC_MILITARY = frozenset("government army troops military regime forces soldiers junta police".split())


def modifier_tokens(noun) -> list:
    """Tokens that name who owns a noun event: left modifiers ("government shelling", "Turkey's
    offensive"), "by X", and the modifiers of an instrument noun ("in Russian air strikes")."""
    out = []
    for c in noun.children:
        if c.i < noun.i and c.dep_ in ("amod", "compound", "poss", "nmod", "npadvmod"):
            out.extend(c.subtree)
        elif c.dep_ in ("prep", "agent") and c.lower_ == "by":
            out.extend(c.subtree)
        elif c.dep_ == "prep" and c.lower_ in ("in", "from", "during"):
            for g in c.children:
                if g.dep_ == "pobj":
                    out.extend(t for m in g.children if m.i < g.i and m.dep_ in ("amod", "compound", "poss", "nmod")
                               for t in m.subtree)
                    if g.lemma_.lower() in GENERIC_MILITARY:
                        out.append(g)  # "in government shelling" parsed as two objects
    return out


def subjects(tok) -> list:
    """A subject and its conjuncts ("Turkey and Russia")."""
    out = [tok]
    for c in tok.children:
        if c.dep_ == "conj":
            out.extend(subjects(c))
    return out


def noun_phrase(tok) -> list:
    """The noun phrase headed by `tok` without relative clauses or long prepositional tails."""
    subtree = list(tok.subtree)
    clauses = {t.i for a in subtree if a.dep_ in ("relcl", "acl") and a is not tok for t in a.subtree}
    return [t for t in subtree if t.i not in clauses]


def subject_token(verb):
    """(subject token, passive?) for a verb, following coordination and participles upward."""
    return subject_and_verb(verb)[:2]


def subject_and_verb(verb):
    """(subject token, passive?, the verb whose clause was reached)."""
    v = verb
    for _ in range(6):
        passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in v.children)
        for c in v.children:
            if c.dep_ == "agent":
                objs = [g for g in c.children if g.dep_ == "pobj"]
                if objs:
                    return objs[0], True, v
        subjects_ = [c for c in v.children if c.dep_ in ("nsubj", "csubj")]
        if subjects_:
            c = subjects_[-1]  # two subjects is a parse slip; the later one is nearer the verb
            if c.lower_ in ("which", "who", "that") and v.dep_ == "relcl":
                return v.head, False, v
            return c, False, v
        if passive:  # "was attacked and overrun by X": the last conjunct's agent is the shared one
            shared = [g for c in v.children if c.dep_ == "conj" and c.pos_ == "VERB"
                      for a in c.children if a.dep_ == "agent" for g in a.children if g.dep_ == "pobj"]
            return (shared[0] if shared else None), True, v
        if v.dep_ in ("conj", "advcl", "xcomp") and v.head is not v:
            v = v.head
            continue
        if v.dep_ == "pcomp" and v.head.dep_ == "prep" and v.head.head is not v.head:
            v = v.head.head  # "responded by striking", "after killing"
            continue
        if v.dep_ == "relcl":
            return v.head, False, v
        return None, False, v
    return None, False, v


def object_tokens(verb) -> list:
    """Target tokens: direct object, passive subject, or against/on/at/with objects."""
    out = []
    direct = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass", "dative", "attr")]
    for c in direct:
        out.extend(noun_phrase(c))
    for c in verb.children:
        if direct and c.dep_ == "prep" and c.lower_ not in ("against",):
            continue  # the direct object is the target; "at the request of X" is not
        if c.dep_ == "prep" and c.lower_ in ("against", "on", "at", "with", "towards", "toward", "into", "for"):
            for g in c.children:
                if g.dep_ == "pobj":
                    out.extend(noun_phrase(g))
    return out
