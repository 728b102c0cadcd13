"""`ingest` stores articles and their events idempotently; one failure does not stop the batch."""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
from pathlib import Path

import pytest

from conflict_monitor.bench.extract import build_articles
from conflict_monitor.cli import extract as cli_extract
from conflict_monitor.store.factory import open_store

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def tmp_store(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLICT_MONITOR_DB", str(tmp_path / "store.duckdb"))
    return tmp_path


def test_ingest_dir_is_idempotent_and_survives_a_bad_file(tmp_store, capsys):
    folder = tmp_store / "in"
    folder.mkdir()
    for name in ("wire_afp_taftanaz_2020-02-11.txt", "html_moscow_ceasefire_2020-03-06.html"):
        shutil.copy(REPO / "tests" / "articles" / name, folder / name)
    (folder / "broken.txt").write_bytes(b"\x00\x00\x00 not text")
    args = argparse.Namespace(inputs=[str(folder)], published=None)
    assert cli_extract.run_ingest(args) == 0
    first = capsys.readouterr()
    assert "2 of 3 articles read" in first.out and "broken.txt" in first.err
    store = open_store(seed_if_new=False)
    extracted = store.query_events(columns=["origin", "article_id"])
    count = int((extracted["origin"] == "extracted").sum())
    assert count >= 8
    store.close()
    assert cli_extract.run_ingest(args) == 0
    assert "0 events added" in capsys.readouterr().out
    store = open_store(seed_if_new=False)
    assert int((store.query_events(columns=["origin"])["origin"] == "extracted").sum()) == count
    store.close()


def test_bench_corpus_has_600_word_articles():
    texts = build_articles(3)
    assert len(set(texts)) == 3 and all(550 <= len(t.split()) <= 800 for t in texts)
    from conflict_monitor.extract.pipeline import extract_article

    assert extract_article(texts[0], published=dt.date(2020, 2, 13)).events
