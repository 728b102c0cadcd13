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


def test_bench_corpus_draws_on_the_world_set():
    world = Path(__file__).resolve().parents[1] / "articles" / "world"
    paragraphs = {p for path in world.glob("*.txt") for p in path.read_text(encoding="utf-8").split("\n\n")
                  if len(p.split()) > 12}
    texts = build_articles(100)
    assert paragraphs and sum(any(p in t for p in paragraphs) for t in texts) >= 10


def _stored_extracted(store) -> int:
    return int((store.query_events(columns=["origin"])["origin"] == "extracted").sum())


def test_the_same_text_under_another_outlet_or_date_adds_no_events(tmp_store):
    """Issue 19.5: the event id hashed the outlet name and the date resolved from the
    publication date, so the same text stored as "AFP" then "Agence France-Presse", or with
    --published a day later, added its events again."""
    from conflict_monitor.extract.pipeline import extract_article

    text = (REPO / "tests" / "articles" / "broadcast_ultimatum_2020-02-06.txt").read_text()
    store = open_store(seed_if_new=False)
    first = extract_article(text, published=dt.date(2020, 2, 6), source="AFP")
    assert store.ingest_article(first.article, first.events).added == len(first.events) > 0
    count = _stored_extracted(store)
    for source, day in (("Agence France-Presse", dt.date(2020, 2, 6)), ("AFP", dt.date(2020, 2, 7)),
                        (None, None)):
        again = extract_article(text + "\n\n", published=day, source=source)
        outcome = store.ingest_article(again.article, again.events)
        assert (outcome.added, outcome.article_added) == (0, False), (source, day)
        assert outcome.already_present == len(again.events)
    assert _stored_extracted(store) == count
    assert len(store.query_articles()) == 1
    store.close()


def test_a_later_store_fills_in_missing_metadata(tmp_store):
    from conflict_monitor.extract.pipeline import extract_article

    text = (REPO / "tests" / "articles" / "broadcast_ultimatum_2020-02-06.txt").read_text()
    store = open_store(seed_if_new=False)
    first = extract_article(text)
    store.ingest_article(dict(first.article, source=None), first.events)
    again = extract_article(text, source="AFP", published=dt.date(2020, 2, 6))
    assert store.ingest_article(again.article, again.events).added == 0
    article = store.get_article(first.article["id"])
    assert article["source"] == "AFP"
    store.close()


def test_ingest_twice_with_another_published_date_adds_nothing(tmp_store, capsys):
    path = tmp_store / "ultimatum.txt"
    shutil.copy(REPO / "tests" / "articles" / "broadcast_ultimatum_2020-02-06.txt", path)
    args = argparse.Namespace(inputs=[str(path)], published=dt.date(2020, 2, 6))
    assert cli_extract.run_ingest(args) == 0
    capsys.readouterr()
    store = open_store(seed_if_new=False)
    count = _stored_extracted(store)
    store.close()
    args.published = dt.date(2020, 2, 7)
    assert cli_extract.run_ingest(args) == 0
    assert "0 events added" in capsys.readouterr().out
    store = open_store(seed_if_new=False)
    assert _stored_extracted(store) == count
    store.close()
