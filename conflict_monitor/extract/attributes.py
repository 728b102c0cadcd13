"""Part of speech, morphology and lemmas: the model's own attribute_ruler rules and lemmatizer
tables, applied once per distinct token instead of once per token.

spaCy's attribute_ruler runs a Matcher with ~180 patterns over every token, and the rule
lemmatizer sets `lemma_` token by token; together they cost about as much as the dependency
parser. Their results only depend on a token's (tag, lower-case form, dependency, is-space) and
(form, POS, morphology), so this component memoises both and writes whole columns with
Doc.from_array. The output is the same as the stock components' (tests/test_extract_attributes.py
compares them token by token); patterns it does not understand make `build` refuse, and nlp.py then
keeps the stock components.
"""

from __future__ import annotations

import re

import numpy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language

FACTORY = "cm_fast_attributes"
READ = [TAG, LOWER, DEP, IS_SPACE]  # what the model's rules look at
WRITE = [TAG, DEP, POS, MORPH, LEMMA]  # what they set
MAX_MEMO = 200_000  # distinct signatures kept before the memo tables are emptied


def _predicate(spec):
    """A test on one string (or bool) token value for a Matcher pattern value; ValueError if unknown."""
    if not isinstance(spec, dict):
        return lambda value: value == spec
    tests = []
    for op, arg in spec.items():
        if op == "IN":
            tests.append(lambda value, s=frozenset(arg): value in s)
        elif op == "NOT_IN":
            tests.append(lambda value, s=frozenset(arg): value not in s)
        elif op == "REGEX":
            tests.append(lambda value, rx=re.compile(arg): rx.search(value) is not None)
        else:
            raise ValueError(f"unsupported attribute_ruler operator {op}")
    return lambda value: all(t(value) for t in tests)


def _token_test(pattern: dict):
    """A test on a token signature (tag, lower, dep, is_space), as strings and bool."""
    positions = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}
    checks = []
    for key, spec in pattern.items():
        if key not in positions:
            raise ValueError(f"unsupported attribute_ruler key {key}")
        checks.append((positions[key], _predicate(spec)))
    return lambda sig: all(test(sig[pos]) for pos, test in checks)


class FastAttributes:
    """Drop-in replacement for the model's attribute_ruler followed by its rule lemmatizer."""

    def __init__(self, ruler, lemmatizer):
        self.vocab = ruler.vocab
        self.lemmatizer = lemmatizer
        self.single: list[tuple[int, object]] = []  # (rule id, test)
        self.multi: list[tuple[int, list, int]] = []  # (rule id, tests per token, target offset)
        for rule_id, (attrs, index) in enumerate(zip(ruler.attrs, ruler.indices)):
            for alternative in ruler.matcher.get(str(rule_id))[1]:
                tests = [_token_test(p) for p in alternative]
                target = index if index >= 0 else len(tests) + index
                if len(tests) == 1:
                    self.single.append((rule_id, tests[0]))
                else:
                    self.multi.append((rule_id, tests, target))
        self.attrs = [{attr: value for attr, value in a.items()} for a in ruler.attrs]
        if any(set(a) - set(WRITE) for a in self.attrs):
            raise ValueError("attribute_ruler sets attributes this component does not write")
        self.columns = {attr: WRITE.index(attr) for attr in WRITE}
        self._signatures: dict = {}  # (tag, lower, dep, space) hashes -> (single rule ids, multi hits)
        self._merged: dict = {}  # rule ids -> ((column, value), ...)
        self._lemmas: dict = {}  # (orth, pos, morph) -> lemma hash

    def _signature(self, key):
        strings = self.vocab.strings
        sig = (strings[key[0]], strings[key[1]], strings[key[2]], bool(key[3]))
        single = tuple(rule_id for rule_id, test in self.single if test(sig))
        multi = frozenset((n, pos) for n, (_, tests, _) in enumerate(self.multi)
                          for pos, test in enumerate(tests) if test(sig))
        return single, multi

    def _updates(self, rule_ids: tuple):
        out = {}
        for rule_id in sorted(rule_ids):  # later rules take precedence, as in AttributeRuler.match
            for attr, value in self.attrs[rule_id].items():
                out[self.columns[attr]] = value
        return tuple(out.items())

    def __call__(self, doc):
        if len(self._signatures) > MAX_MEMO or len(self._lemmas) > MAX_MEMO:
            self._signatures.clear()
            self._merged.clear()
            self._lemmas.clear()
        n = len(doc)
        if n == 0:
            return doc
        keys = [tuple(row) for row in doc.to_array(READ).tolist()]
        infos = []
        for key in keys:
            info = self._signatures.get(key)
            if info is None:
                info = self._signatures[key] = self._signature(key)
            infos.append(info)
        hits: list[tuple] = [info[0] for info in infos]
        for i, (_, multi) in enumerate(infos):
            if not multi:
                continue
            for n_rule, (rule_id, tests, target) in enumerate(self.multi):
                if (n_rule, 0) in multi and i + len(tests) <= n and all(
                        (n_rule, pos) in infos[i + pos][1] for pos in range(1, len(tests))):
                    hits[i + target] = hits[i + target] + (rule_id,)
        values = doc.to_array(WRITE)
        for i, rule_ids in enumerate(hits):
            if not rule_ids:
                continue
            updates = self._merged.get(rule_ids)
            if updates is None:
                updates = self._merged[rule_ids] = self._updates(rule_ids)
            for column, value in updates:
                values[i, column] = value
        orths = doc.to_array(ORTH).tolist()
        pos_col, morph_col, lemma_col = self.columns[POS], self.columns[MORPH], self.columns[LEMMA]
        missing = []
        for i, (tag, dep, pos, morph, lemma) in enumerate(values.tolist()):
            if lemma == 0:
                found = self._lemmas.get((orths[i], pos, morph))
                if found is None:
                    missing.append(i)
                else:
                    values[i, lemma_col] = found
        doc.from_array(WRITE, values)
        for i in missing:  # first sighting of this (form, POS, morphology): the model's lemmatizer
            token = doc[i]
            token.lemma_ = self.lemmatizer.lemmatize(token)[0]
            self._lemmas[(orths[i], values[i, pos_col].item(), values[i, morph_col].item())] = token.lemma
        return doc


@Language.factory(FACTORY)
def make_fast_attributes(nlp: Language, name: str) -> FastAttributes:
    """Built from the pipeline's own attribute_ruler and lemmatizer (which nlp.py then disables)."""
    return FastAttributes(nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer"))


def install(nlp: Language) -> bool:
    """Put the fast component in place of attribute_ruler + lemmatizer; False (pipeline unchanged)
    when the model's rules use something the fast component does not reproduce."""
    if "attribute_ruler" not in nlp.pipe_names or "lemmatizer" not in nlp.pipe_names \
            or getattr(nlp.get_pipe("lemmatizer"), "mode", None) != "rule":
        return False
    try:
        nlp.add_pipe(FACTORY, name="fast_attributes", after="lemmatizer")
    except ValueError:
        return False
    nlp.disable_pipe("attribute_ruler")
    nlp.disable_pipe("lemmatizer")
    return True
