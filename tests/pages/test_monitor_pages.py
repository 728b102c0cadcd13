"""The Sources, Review and Alerts pages (issue 14) in AppTest, on a store of the test's own."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conflict_monitor.model.filters import EventFilter
from conflict_monitor.monitor.alerts import check_rules, create_rule
from conflict_monitor.store.audit import query_audit
from conflict_monitor.store.factory import open_store

PAGES = Path(__file__).resolve().parents[2] / "pages"
TIMEOUT = 90
TEXT = "Government forces shelled <script>alert(1)</script> Saraqib, killing five civilians, monitors said."


def _page(name: str) -> AppTest:
    at = AppTest.from_file(str(PAGES / name), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


@pytest.fixture
def store(store_path: Path):
    store = open_store(str(store_path), seed_if_new=False)
    store.ingest_article({"id": "art1", "text": TEXT}, [
        {"origin": "extracted", "event_date": "2020-02-04", "action": "kill",
         "actor1": "Syrian government forces", "actor2": "civilians", "location": "Saraqib",
         "fatalities": 5, "evidence": TEXT, "evidence_start": 0, "evidence_end": len(TEXT)},
        {"origin": "extracted", "event_date": "2020-02-05", "action": "attack", "actor1": "Russia",
         "location": "Taftanaz"}])
    yield store
    store.close()


def test_sources_page_adds_and_lists_a_feed(store):
    at = _page("sources.py")
    assert at.title[0].value == "Sources"
    at.text_input[0].input("http://127.0.0.1:9/rss")
    at.text_input[1].input("local wire")
    _button(at, "Add").click().run()
    assert not at.exception, at.exception
    assert list(store.query_feeds()["name"]) == ["local wire"]
    assert query_audit(store, action="feed")["target"].tolist() == ["local wire"]
    assert "local wire" in set(at.dataframe[0].value["name"])


def test_review_page_edits_rejects_and_restores(store):
    at = _page("review.py")
    assert at.title[0].value == "Review"
    assert len(at.dataframe[0].value) == 2
    queue = store.query_review_queue().set_index("location")["event_id"]
    event_id = queue["Saraqib"]
    at.selectbox(key="review_event").set_value(event_id).run()
    evidence = [m.value for m in at.markdown if "<mark>" in m.value]
    assert evidence and "&lt;script&gt;" in evidence[0] and "<script>" not in evidence[0]
    at.text_input[0].input("Syrian Arab Army")  # Actor 1
    _button(at, "Save my corrections").click().run()
    assert not at.exception, at.exception
    edited = store.query_events(EventFilter(origins=("extracted",))).set_index("event_id").loc[event_id]
    assert edited["actor1"] == "Syrian Arab Army"
    log = store.query_review_log(event_id)
    assert list(zip(log["field"], log["value_before"], log["who"], strict=True)) == [
        ("actor1", "Syrian government forces", "anonymous")]  # no sign-in configured
    audit = query_audit(store, action="review")
    assert list(zip(audit["target"], audit["detail"], strict=True)) == [(event_id, "edit actor1")]

    other = at.selectbox(key="review_event").value
    _button(at, "Reject").click().run()
    assert not at.exception, at.exception
    assert other not in set(store.query_events()["event_id"])
    at.segmented_control(key="review_status").set_value("rejected").run()
    assert list(at.dataframe[0].value["event_id"]) == [other]
    _button(at, "Restore this event").click().run()
    assert other in set(store.query_events()["event_id"])


def test_alerts_page_lists_alerts_and_marks_them_read(store):
    create_rule(store, "deaths", "event", {"min_deaths": 1}, who="t")
    store.ingest_article({"id": "art2", "text": "Nine people were killed in Ariha."}, [
        {"origin": "extracted", "event_date": "2020-02-06", "action": "kill", "actor1": "Russia",
         "location": "Ariha", "fatalities": 9}])
    assert len(check_rules(store)) == 1
    at = _page("alerts.py")
    assert at.metric[0].value == "1"
    assert "Ariha" in at.dataframe[0].value["title"].iloc[0]
    _button(at, "Mark all read").click().run()
    assert not at.exception, at.exception
    assert store.count_unread_alerts() == 0


def test_new_data_from_another_writer_widens_an_unchosen_date_range(store_path: Path):
    """The sidebar's dates at the data's edges mean all dates; once another process stores
    later events they must show, not be cut off at the old last day (fails before the fix)."""
    from tests.conftest import metric_value, run_dashboard

    store = open_store(str(store_path), seed_if_new=False)
    store.upsert_events([{"origin": "manual", "event_date": "2020-02-01", "action": "attack",
                          "actor1": "A", "location": "Idlib"}])
    store.ingest_article({"id": "seeded", "text": "stands in for the source article"}, [])
    at = run_dashboard()
    assert not at.exception, at.exception
    assert metric_value(at, "Events") == "1"
    store.upsert_events([{"origin": "manual", "event_date": "2020-03-01", "action": "attack",
                          "actor1": "B", "location": "Ariha"}])
    at.run()
    assert not at.exception, at.exception
    assert metric_value(at, "Events") == "2"
