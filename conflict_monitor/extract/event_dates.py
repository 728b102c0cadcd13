"""Which date expression of a sentence dates one trigger: its own clause's, else one it inherits
(a conjunct's, a say-verb's day for what was told)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from conflict_monitor.extract.dates import DateRef
from conflict_monitor.extract.scope import SAY_VERBS, clause_tokens

if TYPE_CHECKING:
    from spacy.tokens import Token

WOUND = frozenset({"wound", "injure", "hurt", "injury", "wounded", "injured", "maim"})


def date_for(anchor: Token, dates: list[DateRef], sent_offset: int) -> DateRef | None:
    """The date expression inside the anchor's own clause; conjuncts and participles inherit, and
    the first of two coordinated verbs takes the date the second ends on ("killed 12 and displaced
    3,000 on Monday"), and a killing the wounding beside it ("12 were killed and 40 wounded on Monday")."""
    found = _own_or_inherited_date(anchor, dates, sent_offset)
    if found is None:
        for conj in (c for c in anchor.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") and (
                c.lemma_.lower() in WOUND or not any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children))):
            chars = {t.idx - sent_offset for t in clause_tokens(conj)}
            found = next((ref for ref in dates if ref.start in chars and ref.kind == "event"), None)
            if found:
                break
    return found


def _own_or_inherited_date(anchor: Token, dates: list[DateRef], sent_offset: int) -> DateRef | None:
    tok = anchor
    for _ in range(4):
        chars = {t.idx - sent_offset for t in clause_tokens(tok)}
        for ref in dates:
            if ref.start in chars or any(ref.start <= c < ref.end for c in chars):
                return ref
        marked = any(c.dep_ == "mark" for c in tok.children)
        if tok.dep_ in ("conj", "xcomp", "relcl") or (tok.dep_ == "advcl" and not marked) or tok.dep_ == "pobj":
            tok = tok.head
            continue
        if tok.dep_ == "ccomp" and tok.head.lemma_.lower() in SAY_VERBS and tok.head is not tok:
            # "said on Saturday that it had captured the town": the act happened by the day it was
            # told, which is all the text says of its date (ANNOTATION.md: `week`)
            chars = {t.idx - sent_offset for c in tok.head.children if c.dep_ in ("prep", "npadvmod", "advmod")
                     for t in c.subtree}  # "on Saturday", "Saturday", "two weeks ago": not a dateline subject
            told = next((ref for ref in dates if ref.start in chars and ref.kind == "event"), None)
            if told is not None and told.precision in ("day", "week"):
                return dataclasses.replace(told, precision="week")
            if told is None and tok.head.dep_ == "relcl":
                # "an ambush on May 10 which it said killed 12": the told act is the noun, dated by its own day
                chars = {t.idx - sent_offset for c in tok.head.head.children if c.dep_ in ("prep", "npadvmod")
                         for t in c.subtree}
                own = next((ref for ref in dates if ref.start in chars and ref.kind == "event"), None)
                if own is not None:
                    return own
            if told is None and tok.head.dep_ == "ccomp" and tok.head.head.lemma_.lower() in SAY_VERBS:
                tok = tok.head  # "claimed an assault on April 24 that it said killed 54": told within a telling
                continue
        break
    return None
