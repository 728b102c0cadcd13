"""Analyst review in the store (issue 14): edits keep the machine's coding and survive a
restart, every change is logged, rejected events are hidden, kept and restorable."""

from __future__ import annotations

import json

import pytest

from conflict_monitor.exporters.tables import make_csv_text
from conflict_monitor.model.filters import EventFilter, compute_query_params, parse_filter_params
from conflict_monitor.model.schema import SchemaError
from conflict_monitor.store.factory import open_store
from tests.store.test_backends import store_location  # noqa: F401 - the fixture: DuckDB and PostgreSQL

ARTICLE = {"id": "art1", "title": "t", "url": "http://127.0.0.1/a",
           "text": "Government forces shelled Saraqib, killing five civilians, monitors said."}
EVENTS = [
    {"origin": "extracted", "event_date": "2020-02-04", "action": "kill", "actor1": "Syrian government forces",
     "actor2": "civilians", "location": "Saraqib", "fatalities": 5, "victims": "civilians",
     "country": "SYR", "evidence": ARTICLE["text"], "evidence_start": 0, "evidence_end": 72},
    {"origin": "extracted", "event_date": "2020-02-05", "action": "attack", "actor1": "Russia",
     "location": "Taftanaz", "country": "SYR"},
    {"origin": "extracted", "event_date": "2020-02-06", "action": "deploy", "actor1": "Turkey",
     "location": "Ariha", "country": "SYR"},
]


@pytest.fixture
def store(store_location: str):  # noqa: F811 - the imported fixture
    store = open_store(store_location, seed_if_new=False)
    store.ingest_article(ARTICLE, EVENTS)
    store.upsert_events([{"origin": "acled", "event_date": "2020-02-04", "action": "attack",
                          "actor1": "Russia", "location": "Idlib", "source": "ACLED"}])
    return store


def _ids(store) -> dict[str, str]:
    frame = store.query_events(EventFilter(origins=("extracted",)))
    return dict(zip(frame["location"], frame["event_id"], strict=True))


def test_an_edit_keeps_the_original_is_logged_and_survives_a_restart(store, store_location: str):  # noqa: F811
    ids = _ids(store)
    event_id = ids["Saraqib"]
    store.edit_event(event_id, {"fatalities": 7, "actor1": "Syrian Arab Army"}, who="analyst1")
    store.edit_event(event_id, {"fatalities": 8}, who="analyst2")
    store.close()

    again = open_store(store_location, seed_if_new=False)  # a restart
    row = again.query_events(EventFilter(origins=("extracted",))).set_index("event_id").loc[event_id]
    assert (row["fatalities"], row["actor1"]) == (8, "Syrian Arab Army")
    review = again.query_review_queue("edited").set_index("event_id").loc[event_id]
    assert json.loads(review["original"]) == {"fatalities": 5, "fatalities_high": 5,
                                              "actor1": "Syrian government forces"}
    assert review["reviewer"] == "analyst2"
    log = again.query_review_log(event_id)
    changes = [(r.field, r.value_before, r.value_after, r.who) for r in log.itertuples()]
    assert sorted(changes[:3]) == [("actor1", "Syrian government forces", "Syrian Arab Army", "analyst1"),
                                   ("fatalities", "5", "7", "analyst1"),
                                   ("fatalities_high", "5", "7", "analyst1")]
    assert sorted(changes[3:]) == [("fatalities", "7", "8", "analyst2"),
                                   ("fatalities_high", "7", "8", "analyst2")]
    assert log["changed_at"].notna().all() and set(log["what"]) == {"edit"}


def test_a_bad_edit_is_refused_and_changes_nothing(store):
    event_id = _ids(store)["Saraqib"]
    with pytest.raises(SchemaError):
        store.edit_event(event_id, {"action": "bombard"}, who="a")
    with pytest.raises(ValueError, match="cannot edit"):
        store.edit_event(event_id, {"origin": "manual"}, who="a")
    assert store.query_review_log().empty
    assert store.query_events(EventFilter(actions=("kill",)))["event_id"].tolist() == [event_id]


def test_rejected_events_are_hidden_kept_not_reimported_and_restorable(store):
    ids = _ids(store)
    total = store.count_events()
    assert store.reject_events([ids["Ariha"], ids["Taftanaz"]], who="a") == 2
    assert store.count_events() == total - 2
    assert set(store.query_review_queue("rejected")["event_id"]) == {ids["Ariha"], ids["Taftanaz"]}

    store.ingest_article(ARTICLE, EVENTS)  # the same article again (a feed, a re-ingest)
    assert store.count_events() == total - 2

    assert store.restore_events([ids["Ariha"]], who="b") == 1
    assert store.count_events() == total - 1
    assert ids["Ariha"] in set(store.query_review_queue("unreviewed")["event_id"])
    assert [r.what for r in store.query_review_log(ids["Ariha"]).itertuples()] == ["reject", "restore"]


def test_reviewed_only_filter_and_exports_carry_the_status(store):
    ids = _ids(store)
    store.accept_events([ids["Saraqib"], ids["Ariha"]], who="a")
    store.edit_event(ids["Taftanaz"], {"fatalities": 2}, who="a")
    store.reject_events([ids["Ariha"]], who="a")
    shown = store.query_events(EventFilter(reviewed_only=True))
    assert set(shown["location"]) == {"Saraqib", "Taftanaz", "Idlib"}  # Idlib: the ACLED row
    assert store.count_events(EventFilter(reviewed_only=True, origins=("extracted",))) == 2

    frame = store.attach_review_status(store.query_events())
    status = dict(zip(frame["location"], frame["review_status"], strict=True))
    assert status == {"Saraqib": "accepted", "Taftanaz": "edited", "Idlib": ""}
    assert "review_status" in make_csv_text(frame).splitlines()[0]

    flt, notices = parse_filter_params(compute_query_params(EventFilter(reviewed_only=True)))
    assert flt.reviewed_only and not notices


def test_an_edit_relinks_only_when_the_linking_rule_reads_what_changed(store, monkeypatch):
    # figures and victims are not what reports are linked on (linking.LINK_COLUMNS): editing
    # them must not relink the days around the event (minutes at ten million events)
    ids = _ids(store)
    relinked = []
    original = store._relink
    monkeypatch.setattr(store, "_relink", lambda con, low, high: relinked.append((low, high))
                        or original(con, low, high))
    store.edit_event(ids["Taftanaz"], {"fatalities": 2, "victims": "fighters"}, who="a")
    assert relinked == []
    store.edit_event(ids["Taftanaz"], {"location": "Saraqib"}, who="a")
    assert len(relinked) == 1
