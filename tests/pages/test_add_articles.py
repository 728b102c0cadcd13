"""The Add articles page: paste an article, see its events and highlighted evidence, store them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conflict_monitor.extract.errors import ExtractionError
from conflict_monitor.extract.fetch import check_article_bytes, compute_looks_like_html
from conflict_monitor.extract.preview import highlight_evidence
from conflict_monitor.store.factory import open_store
from tests.extract.test_fetch_safety import first_hop_allowed, servers  # noqa: F401 - fixtures

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "add_articles.py")
SEED = Path(__file__).resolve().parents[2] / "data" / "seeds" / "afp_2020-02-13_idlib.txt"
TIMEOUT = 90


def _page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def test_paste_preview_and_store(store_path):
    at = _page()
    assert at.title[0].value == "Add articles"
    at.text_area(key="add_text").input(SEED.read_text(encoding="utf-8")).run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert len(table) >= 10 and "kill" in set(table["action"])
    assert any("<mark>" in m.value for m in at.markdown)
    at.button(key="add_store").click().run()
    assert not at.exception, at.exception
    assert "events added" in at.success[0].value
    store = open_store(str(store_path))
    assert int((store.query_events(columns=["origin"])["origin"] == "extracted").sum()) == len(table)
    store.close()


def test_pasted_markup_is_escaped_and_bad_input_is_a_message(store_path):
    at = _page()
    at.date_input(key="add_published").set_value(dt.date(2020, 2, 13)).run()
    at.text_area(key="add_text").input(
        "<script>alert(1)</script> Turkish troops shelled Syrian army positions near Saraqib on Wednesday, "
        "the Turkish defence ministry said.").run()
    assert not at.exception, at.exception
    html_blocks = [m.value for m in at.markdown if "article-preview" in m.value]
    assert html_blocks and "alert" not in html_blocks[0]  # read as a page: the script is dropped
    at.text_area(key="add_text").input(
        "Turkish troops shelled <b onmouseover=x>Syrian army</b> positions near Saraqib on Wednesday, "
        "the Turkish defence ministry said.").run()
    html_blocks = [m.value for m in at.markdown if "article-preview" in m.value]
    assert html_blocks and "<b " not in html_blocks[0] and "&lt;b onmouseover=x&gt;" in html_blocks[0]
    at.text_area(key="add_text").input("Les forces turques ont bombardé des positions du régime syrien "
                                       "dans la province d'Idleb mercredi selon l'Observatoire syrien.").run()
    assert not at.exception and "English" in at.error[0].value


def test_highlight_merges_overlaps_and_escapes():
    text = "A <b>x</b> B. C D."
    out = highlight_evidence(text, [{"evidence_start": 0, "evidence_end": 13},
                                    {"evidence_start": 5, "evidence_end": 13}])
    assert out.count("<mark>") == 1 and "&lt;b&gt;" in out and "<b>" not in out


def _fetch(at: AppTest, url: str) -> AppTest:
    at.radio(key="add_kind").set_value("Web address").run()
    at.text_input(key="add_url").input(url).run()
    at.button(key="add_fetch").click().run()
    assert not at.exception, at.exception
    return at


def test_web_addresses_on_this_network_are_refused_with_a_message(
        store_path, servers, first_hop_allowed, monkeypatch):  # noqa: F811 - fixtures
    monkeypatch.delenv("CONFLICT_MONITOR_ALLOW_PRIVATE_FETCH", raising=False)
    port4, port6 = servers
    at = _page()
    for url in (f"http://127.0.0.1:{port4}/", f"http://[::1]:{port6}/", f"http://localhost:{port4}/",
                "http://169.254.169.254/latest/meta-data/",
                first_hop_allowed(f"http://127.0.0.1:{port4}/")):
        _fetch(at, url)
        assert "Refused to fetch" in at.error[0].value, url
        assert "address" in at.error[0].value and not at.dataframe
    monkeypatch.setenv("CONFLICT_MONITOR_ALLOW_PRIVATE_FETCH", "1")  # an intranet: allowed
    _fetch(at, f"http://localhost:{port4}/")
    assert not at.error and any("Local page" in h.value for h in at.subheader)


def test_uploaded_bytes_are_judged_by_content():
    check_article_bytes("a.txt", b"Turkish troops shelled Syrian positions.")
    for data, problem in ((b"PK\x03\x04rest", "zip archive"), (b"%PDF-1.7", "PDF"),
                          (b"text\x00\x00binary", "binary file"), (b"x" * 2048, "allowed")):
        with pytest.raises(ExtractionError, match=problem):
            check_article_bytes("renamed.txt", data, max_bytes=1024)
    assert compute_looks_like_html(b"<!DOCTYPE html><html><body><p>Hi</p>")
    assert not compute_looks_like_html(b"Plain text about 3 < 4 and a > b.")
