"""A pipeline component that marks every state and its forces as ACTOR entities.

One PhraseMatcher on the token norm over the names states.py generates (about 30,000 phrases:
patterns are made with the tokenizer alone, so loading stays quick). It runs after the curated
rulers and keeps their entities, except where a longer state phrase covers one ("South Sudanese
troops" over "Sudanese troops"). A single proper name (a country or a capital) counts only when
capitalised ("Chad", not "chad") and not inside a longer proper name ("Myanmar National
Democratic Alliance Army", "Democratic Forces for the Liberation of Rwanda").
"""

from __future__ import annotations

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from conflict_monitor.model.actors import load_state_actors
from conflict_monitor.model.states import load_states

STATE_TITLES = frozenset({"Federal", "Transitional", "Interim", "Provisional", "Royal", "Islamic"})
NAME_LINKS = frozenset({"of", "for", "the", "and", "da", "do", "dos", "das", "de", "del", "la"})


class StateRuler:
    """Marks state and state-forces names (see the module docstring)."""

    def __init__(self, nlp) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.ids: dict[int, str] = {}
        self.state_names = frozenset(n.lower() for st in load_states()
                                     for n in (st.name, *st.aliases, *([st.capital] if st.capital else [])))
        for actor in load_state_actors():
            key = nlp.vocab.strings.add(actor.canonical)
            self.ids[key] = actor.canonical
            self.matcher.add(actor.canonical, list(nlp.tokenizer.pipe(actor.aliases)))

    def __call__(self, doc: Doc) -> Doc:
        found = []
        for key, start, end in self.matcher(doc):
            word = doc[start].text
            if end - start == 1 and (not word[:1].isupper() or (word.isupper() and len(word) > 3)):
                continue  # "chad", a dateline's "DAKAR"
            if _inside_name(doc, start, end):
                continue
            found.append(Span(doc, start, end, label="ACTOR", span_id=self.ids[key]))
        old = list(doc.ents)
        # A curated state name inside a longer proper name is part of that name too ("Sudan" in
        # "South Sudan People's Defence Forces").
        inside = [e for e in old if e.text.lower() in self.state_names and _inside_name(doc, e.start, e.end)]
        if not found and not inside:
            return doc
        keep = [e for e in old if e not in inside and
                not any(s.start <= e.start and e.end <= s.end and len(s) > len(e) for s in found)]
        free = [s for s in found if not any(e.start < s.end and s.start < e.end for e in keep)]
        doc.ents = filter_spans([*keep, *free])
        return doc


def _proper(tok) -> bool:
    return tok.pos_ == "PROPN" and tok.text[:1].isupper() and tok.is_alpha


def _inside_name(doc: Doc, start: int, end: int) -> bool:
    """True when a match that ends in a proper noun is one part of a longer proper name."""
    if not _proper(doc[end - 1]):
        return False
    if end < len(doc) and _proper(doc[end]) and doc[end].lower_ not in ("'s",):
        return True
    if start >= 1 and _proper(doc[start - 1]) and not doc[start - 1].is_sent_start and \
            doc[start - 1].text not in STATE_TITLES:
        return True
    return start >= 2 and doc[start - 1].lower_ in NAME_LINKS and _proper(doc[start - 2]) and \
        doc[start - 2].text[:1].isupper() and not doc[start - 2].is_sent_start and \
        not (doc[start - 2].lower_ in ("government", "republic", "state", "kingdom") and doc[start - 1].lower_ == "of")
