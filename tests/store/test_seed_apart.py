"""The source article extracted in a child process (the dashboard's first start) gives what the
extraction in this process gives, and a failure there is reported with its reason."""

from __future__ import annotations

import pytest

from conflict_monitor.store.seed import SOURCE_ARTICLE, SOURCE_PUBLISHED
from conflict_monitor.store.seed_apart import extract_apart, extract_source_article


def test_the_child_extracts_what_this_process_extracts():
    steps: list[tuple[str, float]] = []
    article, events = extract_apart(SOURCE_ARTICLE, SOURCE_PUBLISHED, "AFP",
                                    lambda step, share: steps.append((step, share)))
    here = extract_source_article(SOURCE_ARTICLE, SOURCE_PUBLISHED, "AFP", lambda step, share: None)
    assert (article, events) == here
    assert len(events) > 5 and article["source"] == "AFP"
    assert steps == [("Loading the language model", 0.0),
                     ("Extracting the events of the source article", 0.8)]


def test_a_failing_child_is_reported_with_its_reason(tmp_path):
    with pytest.raises(RuntimeError, match=r"missing\.txt failed \(exit code 1\): FileNotFoundError"):
        extract_apart(tmp_path / "missing.txt", SOURCE_PUBLISHED, "AFP", lambda step, share: None)


def test_a_process_with_the_model_loaded_extracts_here(tmp_path, monkeypatch):
    from conflict_monitor.extract.nlp import load_nlp
    from conflict_monitor.store import seed_apart
    from conflict_monitor.store.factory import open_store
    from conflict_monitor.store.seed import seed_source_article

    load_nlp()
    assert seed_apart.compute_model_loaded()

    def no_child(*args, **kwargs):
        raise AssertionError("a child process was started")

    monkeypatch.setattr(seed_apart.subprocess, "Popen", no_child)
    store = open_store(str(tmp_path / "store.duckdb"), seed_if_new=False)
    assert seed_source_article(store, apart=True) > 5


def test_a_process_without_the_model_extracts_apart():
    import subprocess
    import sys

    from conflict_monitor.store.seed_apart import REPO

    code = ("from conflict_monitor.store.seed_apart import compute_model_loaded; "
            "import conflict_monitor.extract.nlp; print(compute_model_loaded())")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False"]


def test_the_child_ends_when_its_parent_has_ended():
    # This test stands for the parent: closing the child's stdin is what the parent's end does.
    import subprocess
    import sys

    from conflict_monitor.store import seed_apart

    command = [sys.executable, "-m", seed_apart.__name__, str(SOURCE_ARTICLE),
               SOURCE_PUBLISHED.isoformat(), "AFP"]
    with subprocess.Popen(command, cwd=seed_apart.REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True) as child:
        assert child.stdout.readline().startswith("progress 0.0 Loading the language model")
        child.stdin.close()
        rest = child.stdout.read()
        assert child.wait(timeout=60) == 1
    assert "result" not in rest  # it stopped before extracting
