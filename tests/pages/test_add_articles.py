"""The Add articles page: paste an article, see its events and highlighted evidence, store them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from streamlit.testing.v1 import AppTest

from conflict_monitor.extract.preview import highlight_evidence
from conflict_monitor.store.factory import open_store

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
