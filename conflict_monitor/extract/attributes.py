"""Part of speech, morphology and lemmas: the model's own attribute_ruler rules and lemmatizer
tables, applied once per distinct token instead of once per token.

spaCy's attribute_ruler runs a Matcher with ~180 patterns over every token, and the rule
lemmatizer sets `lemma_` token by token; together they cost about as much as the dependency
parser. Their results only depend on a token's (tag, lower-case form, dependency, is-space) and
(form, POS, morphology), so this component memoises both and writes whole columns with
Doc.from_array; a paragraph whose tokens were all seen before takes each token's remembered row
(unless a multi-token rule matches around one). The output is the same as the stock components'
(tests/extract/test_attributes.py compares them token by token); patterns it does not understand
make `build` refuse, and nlp.py then keeps the stock components.
"""

from __future__ import annotations

import re

import numpy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language

FACTORY = "cm_fast_attributes"
READ = [TAG, LOWER, DEP, IS_SPACE]  # what the model's rules look at
WRITE = [TAG, DEP, POS, MORPH, LEMMA]  # what they set
KEY = [*READ, ORTH, POS, MORPH, LEMMA]  # all a token's output depends on, besides its neighbours
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
        self.single: dict[str | None, list] = {}  # exact TAG in the pattern (None: any) -> [(rule id, test)]
        self.multi: list[tuple[int, list, int]] = []  # (rule id, tests per token, target offset)
        for rule_id, index in enumerate(ruler.indices):
            for alternative in ruler.matcher.get(str(rule_id))[1]:
                tests = [_token_test(p) for p in alternative]
                target = index if index >= 0 else len(tests) + index
                if len(tests) == 1:
                    tag = alternative[0].get("TAG")
                    self.single.setdefault(tag if isinstance(tag, str) else None, []).append((rule_id, tests[0]))
                else:
                    self.multi.append((rule_id, tests, target))
        self.attrs = [dict(a) for a in ruler.attrs]
        if any(set(a) - set(WRITE) for a in self.attrs):
            raise ValueError("attribute_ruler sets attributes this component does not write")
        self._signatures: dict = {}  # (tag, lower, dep, space) hashes -> (single rule ids, multi hits)
        self._merged: dict = {}  # rule ids -> ((column, value), ...)
        self._lemmas: dict = {}  # (orth, pos, morph) -> lemma hash
        self._rows: dict = {}  # KEY values -> output row (WRITE), or _InContext if a neighbour may change it

    def _signature(self, key: tuple) -> tuple:
        strings = self.vocab.strings
        sig = (strings[key[0]], strings[key[1]], strings[key[2]], bool(key[3]))
        candidates = self.single.get(sig[0], []) + self.single.get(None, [])
        single = tuple(sorted(rule_id for rule_id, test in candidates if test(sig)))
        multi = frozenset((n, pos) for n, (_, tests, _) in enumerate(self.multi)
                          for pos, test in enumerate(tests) if test(sig))
        self._signatures[key] = single, multi
        return single, multi

    def _updates(self, rule_ids: tuple) -> tuple:
        out = {}
        for rule_id in sorted(rule_ids):  # later rules take precedence, as in AttributeRuler.match
            for attr, value in self.attrs[rule_id].items():
                out[WRITE.index(attr)] = value
        self._merged[rule_ids] = tuple(out.items())
        return self._merged[rule_ids]

    def _multi_hits(self, infos: list) -> dict[int, tuple]:
        """Token index -> ids of the multi-token rules that set something on it."""
        hits: dict[int, tuple] = {}
        for i, (_, multi) in enumerate(infos):
            for n_rule, (rule_id, tests, target) in enumerate(self.multi) if multi else ():
                if (n_rule, 0) in multi and i + len(tests) <= len(infos) and all(
                        (n_rule, pos) in infos[i + pos][1] for pos in range(1, len(tests))):
                    hits[i + target] = hits.get(i + target, ()) + (rule_id,)
        return hits

    def _context_match(self, i: int, rules: tuple, keys: list) -> bool:
        """True when a multi-token rule that could change token `i` matches around it."""
        signatures = self._signatures
        for n_rule, length, target in rules:
            start = i - target
            if start >= 0 and start + length <= len(keys) and all(
                    (n_rule, pos) in (signatures.get(keys[start + pos][:4])
                                      or self._signature(keys[start + pos][:4]))[1] for pos in range(length)):
                return True
        return False

    def __call__(self, doc):
        if len(self._signatures) > MAX_MEMO or len(self._lemmas) > MAX_MEMO or len(self._rows) > MAX_MEMO:
            self._signatures.clear()
            self._merged.clear()
            self._lemmas.clear()
            self._rows.clear()
        if len(doc) == 0:
            return doc
        # Every token's output seen before, and no multi-token rule matching around a token that
        # one could change: write the remembered rows.
        keys = list(map(tuple, doc.to_array(KEY).tolist()))
        out = [self._rows.get(key) for key in keys]
        if None not in out:
            for i, row in enumerate(out):
                if row.__class__ is _InContext:
                    if self._context_match(i, row.rules, keys):
                        break
                    out[i] = row.row
            else:
                doc.from_array(WRITE, numpy.array(out, dtype=numpy.uint64))
                return doc
        return self._annotate(doc, keys)

    def _annotate(self, doc, keys: list):
        """Apply the rules token by token, and remember each token's output for the fast path."""
        signatures, merged, lemmas = self._signatures, self._merged, self._lemmas
        infos = [signatures.get(key[:4]) or self._signature(key[:4]) for key in keys]
        extra = self._multi_hits(infos) if any(info[1] for info in infos) else {}
        rows = [[key[0], key[2], key[5], key[6], key[7]] for key in keys]  # [tag, dep, pos, morph, lemma]
        missing = []
        for i, row in enumerate(rows):
            rule_ids = infos[i][0] + extra[i] if i in extra else infos[i][0]
            if rule_ids:
                for column, value in merged.get(rule_ids) or self._updates(rule_ids):
                    row[column] = value
            if row[4] == 0:
                lemma = lemmas.get((keys[i][4], row[2], row[3]))
                if lemma is None:
                    missing.append(i)
                else:
                    row[4] = lemma
        doc.from_array(WRITE, numpy.array(rows, dtype=numpy.uint64))
        for i in missing:  # first sighting of this (form, POS, morphology): the model's lemmatizer
            token = doc[i]
            token.lemma_ = self.lemmatizer.lemmatize(token)[0]
            rows[i][4] = lemmas[(keys[i][4], rows[i][2], rows[i][3])] = token.lemma
        for i, key in enumerate(keys):
            if i in extra or key in self._rows:
                continue  # changed by a multi-token rule: that output holds in this context only
            rules = tuple((n_rule, len(self.multi[n_rule][1]), self.multi[n_rule][2])
                          for n_rule, pos in infos[i][1] if pos == self.multi[n_rule][2])
            self._rows[key] = _InContext(tuple(rows[i]), rules) if rules else tuple(rows[i])
        return doc


class _InContext:
    """A token's output when no multi-token rule matches around it, and the rules that could."""

    __slots__ = ("row", "rules")

    def __init__(self, row: tuple, rules: tuple) -> None:
        self.row, self.rules = row, rules


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
