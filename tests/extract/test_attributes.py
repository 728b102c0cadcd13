"""The fast attribute component gives exactly what the model's attribute_ruler + lemmatizer give."""

from __future__ import annotations

from pathlib import Path

import pytest

from conflict_monitor.extract.clean import clean_article
from conflict_monitor.extract.nlp import load_nlp

REPO = Path(__file__).resolve().parents[2]
# The model's multi-token and whitespace rules ("ain't", "gonna", "let's", "y'all", "there are",
# double spaces, newlines) next to ordinary news prose; the first has the same words outside those
# rules, so the warm pass meets them remembered from a context where no multi-token rule applied.
TRICKY = ["Ships are here. We all got to go on. He let us in. Gon Ta Na.",
          "I ain't gonna do it, y'all. Let's go! C'mon.  There are  many. He gets it, she got it.\n\nOK  \n x",
          "Turkey's army said it had killed 51 Syrian soldiers; Ankara's forces were shelled on Thursday.",
          "", " ", "\n"]


def _paragraphs() -> list[str]:
    out = list(TRICKY)
    for folder in (REPO / "data" / "seeds", REPO / "tests" / "articles"):
        for path in sorted(folder.glob("*.txt")) + sorted(folder.glob("*.html")):
            clean = clean_article(path.read_bytes())
            out.extend(clean.text[s:e] for s, e in clean.paragraphs)
    return out


def _signature(doc) -> list[tuple]:
    return [(t.text, t.tag_, t.dep_, t.head.i, t.pos_, str(t.morph), t.lemma_, t.ent_type_, t.ent_id_)
            for t in doc]


def test_fast_attributes_replace_the_stock_components():
    nlp = load_nlp()
    if "fast_attributes" not in nlp.pipe_names:
        pytest.skip("the model's rules are not ones the fast component reproduces; stock components in use")
    assert {"attribute_ruler", "lemmatizer"} <= set(nlp.disabled)


def test_fast_attributes_match_the_stock_components():
    nlp = load_nlp()
    if "fast_attributes" not in nlp.pipe_names:
        pytest.skip("stock components in use")
    paragraphs = _paragraphs()
    fast_cold = [_signature(d) for d in nlp.pipe(paragraphs)]
    fast_warm = [_signature(d) for d in nlp.pipe(paragraphs)]  # now from the memo tables
    try:
        nlp.disable_pipe("fast_attributes")
        nlp.enable_pipe("attribute_ruler")
        nlp.enable_pipe("lemmatizer")
        assert nlp.pipe_names.index("lemmatizer") < nlp.pipe_names.index("actor_ruler")
        stock = [_signature(d) for d in nlp.pipe(paragraphs)]
    finally:
        nlp.disable_pipe("attribute_ruler")
        nlp.disable_pipe("lemmatizer")
        nlp.enable_pipe("fast_attributes")
    assert sum(len(s) for s in stock) > 2000
    for cold, warm, expected, text in zip(fast_cold, fast_warm, stock, paragraphs, strict=False):
        assert cold == expected, text[:80]
        assert warm == expected, text[:80]
