"""The phrase-only entity ruler matches exactly as spaCy's EntityRuler does."""

from __future__ import annotations

from pathlib import Path

from spacy.pipeline import EntityRuler

from conflict_monitor.extract.clean import clean_article
from conflict_monitor.extract.nlp import load_nlp
from conflict_monitor.extract.phrase_ruler import PhraseEntityRuler

REPO = Path(__file__).resolve().parents[2]


def _paragraphs() -> list[str]:
    out = ["The US and the SDF said Syrian government forces and Hayat Tahrir al-Sham (HTS) fought.", "", " "]
    for folder in (REPO / "data" / "seeds", REPO / "tests" / "articles", REPO / "tests" / "articles" / "world"):
        for path in sorted(folder.glob("*.txt")):
            clean = clean_article(path.read_bytes())
            out.extend(clean.text[s:e] for s, e in clean.paragraphs)
    return out


def test_actor_rulers_are_phrase_rulers():
    nlp = load_nlp()
    for name in ("actor_ruler", "acronym_ruler"):
        ruler = nlp.get_pipe(name)
        assert isinstance(ruler, PhraseEntityRuler)
        assert ruler.phrase_patterns and not ruler.token_patterns


def test_phrase_ruler_matches_like_the_entity_ruler():
    nlp = load_nlp()
    rulers = [nlp.get_pipe("actor_ruler"), nlp.get_pipe("acronym_ruler")]
    with nlp.select_pipes(disable=["actor_ruler", "acronym_ruler", "state_ruler", "place_ruler"]):
        docs = list(nlp.pipe(_paragraphs()))
    found = 0
    for doc in docs:
        for ruler in rulers:
            expected = EntityRuler.match(ruler, doc)
            assert ruler.match(doc) == expected, doc.text[:80]
            found += len(expected)
            ruler.set_annotations(doc, expected)  # the second ruler sees the first one's entities
    assert found > 300


def test_phrase_ruler_with_token_patterns_is_the_entity_ruler():
    nlp = load_nlp()
    ruler = PhraseEntityRuler(nlp, "test_ruler")
    ruler.add_patterns([{"label": "ACTOR", "pattern": [{"LOWER": "rebels"}]}])
    doc = nlp.make_doc("The rebels advanced.")
    assert ruler.match(doc) == EntityRuler.match(ruler, doc) != []
