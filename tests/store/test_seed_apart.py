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
