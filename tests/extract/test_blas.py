"""The networks parse the same through numpy's BLAS as through thinc's BLIS."""

from __future__ import annotations

from pathlib import Path

import pytest

from conflict_monitor.extract import blas
from conflict_monitor.extract.clean import clean_article
from conflict_monitor.extract.nlp import load_nlp

REPO = Path(__file__).resolve().parents[2]


def _paragraphs() -> list[str]:
    out = ["Turkey's army said it had killed 51 Syrian soldiers; Ankara's forces were shelled on Thursday.", ""]
    for folder in (REPO / "data" / "seeds", REPO / "tests" / "articles", REPO / "tests" / "articles" / "world"):
        for path in sorted(folder.glob("*.txt")):
            clean = clean_article(path.read_bytes())
            out.extend(clean.text[s:e] for s, e in clean.paragraphs)
    return out


def _signature(doc) -> list[tuple]:
    return [(t.text, t.tag_, t.dep_, t.head.i, t.pos_, str(t.morph), t.lemma_, t.is_sent_start) for t in doc]


def _ops_of(nlp) -> set[tuple[str, bool]]:
    return {(type(node.ops).__name__, getattr(node.ops, "use_blis", None))
            for _, component in nlp.components if hasattr(getattr(component, "model", None), "walk")
            for node in component.model.walk()}


def test_networks_use_numpy_blas_when_threads_can_be_limited():
    nlp = load_nlp()
    if blas._controller() is None:
        pytest.skip("threadpoolctl is not installed: the pipeline keeps BLIS")
    assert _ops_of(nlp) == {("NumpyOps", False)}
    assert blas.describe(nlp).endswith(", one thread")


def test_numpy_blas_parses_like_blis():
    from thinc.api import NumpyOps  # noqa: PLC0415

    nlp = load_nlp()
    paragraphs = _paragraphs()
    ops = {node.ops for _, c in nlp.components if hasattr(getattr(c, "model", None), "walk") for node in c.model.walk()}
    try:
        blas.set_ops(nlp, NumpyOps(use_blis=False))
        with blas.one_thread():
            numpy_docs = [_signature(d) for d in nlp.pipe(paragraphs)]
        blas.set_ops(nlp, NumpyOps(use_blis=True))
        assert _ops_of(nlp) == {("NumpyOps", True)}
        assert blas.describe(nlp) == "BLIS"
        blis_docs = [_signature(d) for d in nlp.pipe(paragraphs)]
    finally:
        blas.set_ops(nlp, ops.pop() if len(ops) == 1 else NumpyOps())
    assert sum(len(d) for d in blis_docs) > 5000
    for got, expected, text in zip(numpy_docs, blis_docs, paragraphs, strict=True):
        assert got == expected, text[:80]


def test_one_thread_limits_numpy_blas_and_restores_it():
    controller = blas._controller()
    if controller is None:
        pytest.skip("threadpoolctl is not installed")
    before = [lib.num_threads for lib in controller.select(user_api="blas").lib_controllers]
    with blas.one_thread():
        inside = [lib.num_threads for lib in blas._controller().select(user_api="blas").lib_controllers]
    after = [lib.num_threads for lib in controller.select(user_api="blas").lib_controllers]
    assert inside and set(inside) == {1}
    assert after == before
