"""The Casualties summary from the store's cells equals the one read from the events.

casualty_cells adds up months wholly inside the filter from cells made once per data version,
the filter's edge days and the incidents whose reports disagree from the events. The reference
is the same page with the cells off (page_memory.USE_MEMORY), on both stores, on random filters
and on filters whose dates cut months, before and after writes.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading

import pytest

from conflict_monitor.metrics import casualties as cm
from conflict_monitor.metrics import casualty_cells, incident_deaths, key_figures, page_memory
from conflict_monitor.model.filters import EventFilter
from conflict_monitor.store.factory import open_store
from tests.metrics.test_fast_paths import make_events, random_filters
from tests.store.test_backends import store_location  # noqa: F401 - the backend fixture

D = dt.date


@pytest.fixture(autouse=True)
def _memory_for_small_stores(monkeypatch):
    """The tests' stores are small: keep the pages' tables in memory for them too."""
    monkeypatch.setattr(page_memory, "MIN_EVENTS", 0)


@pytest.mark.parametrize(("start", "end", "first", "last", "edges"), [
    (D(2020, 1, 1), D(2020, 3, 31), D(2020, 1, 1), D(2020, 3, 1), []),
    (D(2020, 1, 1), D(2020, 1, 31), D(2020, 1, 1), D(2020, 1, 1), []),
    (D(2019, 12, 10), D(2020, 2, 20), D(2020, 1, 1), D(2020, 1, 1),
     [(D(2019, 12, 10), D(2019, 12, 31)), (D(2020, 2, 1), D(2020, 2, 20))]),
    # no month wholly inside: the whole range is one edge (first month after the last)
    (D(2020, 2, 3), D(2020, 2, 20), D(2020, 3, 1), D(2020, 1, 1), [(D(2020, 2, 3), D(2020, 2, 20))]),
    (D(2020, 1, 31), D(2020, 2, 1), D(2020, 2, 1), D(2020, 1, 1), [(D(2020, 1, 31), D(2020, 2, 1))]),
    (None, D(2020, 2, 29), None, D(2020, 2, 1), []),  # leap day: February is whole
    (None, D(2020, 2, 28), None, D(2020, 1, 1), [(D(2020, 2, 1), D(2020, 2, 28))]),
    (D(2020, 2, 15), None, D(2020, 3, 1), None, [(D(2020, 2, 15), D(2020, 2, 29))]),
    (D(2020, 12, 31), D(2021, 1, 31), D(2021, 1, 1), D(2021, 1, 1), [(D(2020, 12, 31), D(2020, 12, 31))]),
    (D(2020, 3, 5), D(2020, 3, 1), D(2020, 4, 1), D(2020, 2, 1), []),  # from after to: nothing
    (None, None, None, None, []),
])
def test_month_span_splits_the_dates_into_whole_months_and_edges(start, end, first, last, edges):
    assert casualty_cells.compute_month_span(EventFilter(date_from=start, date_to=end)) == (first, last, edges)


def test_cells_answer_no_filter_on_origin_source_or_review():
    assert casualty_cells.applies(EventFilter(actors=("UN",), date_from=D(2020, 1, 1)))
    for flt in (EventFilter(origins=("acled",)), EventFilter(sources=("AFP",)), EventFilter(reviewed_only=True)):
        assert not casualty_cells.applies(flt)


def _summary(store, flt: EventFilter, cells: bool, monkeypatch) -> tuple:
    with monkeypatch.context() as patch:
        patch.setattr(page_memory, "USE_MEMORY", cells)
        out = cm.query_casualty_summary(store, flt, max_conflicts=15)
    totals = out.totals.sort_values(["dim", "label"]).astype(object).values.tolist()
    daily = out.daily.astype(object).values.tolist()
    conflicts = out.conflicts.astype(object).where(out.conflicts.notna(), None).values.tolist()
    return totals, daily, conflicts


def _edge_filters() -> list[EventFilter]:
    """Dates that cut months (edges), whole months, a range inside one month, one side open."""
    return [EventFilter(date_from=D(2019, 3, 10), date_to=D(2019, 9, 20)),
            EventFilter(date_from=D(2019, 4, 1), date_to=D(2019, 6, 30), actors=("Russia",)),
            EventFilter(date_from=D(2019, 5, 3), date_to=D(2019, 5, 27), actions=("attack",)),
            EventFilter(date_from=D(2019, 11, 16)), EventFilter(date_to=D(2019, 8, 14)),
            EventFilter(countries=("TUR",)), EventFilter()]


def _assert_same(store, filters, monkeypatch) -> None:
    for flt in filters:
        assert _summary(store, flt, True, monkeypatch) == _summary(store, flt, False, monkeypatch), flt


def test_cells_give_the_events_figures_on_random_filters_and_after_writes(store_location,  # noqa: F811
                                                                          monkeypatch):
    # Every report has an incident id (the store's victims map serves every filter, where the
    # cells apply); reports without a date or with a running total among an incident's reports
    # make it disagree, so it is read from the events beside the cells.
    monkeypatch.setattr(incident_deaths, "LINK_LIMIT", 0)
    store = open_store(seed_if_new=False)
    store.upsert_events(make_events(3000, 4, without_id=0.0))
    residual = casualty_cells.disagreeing_reports(store)
    agreeing = store.query_sql("SELECT count(*) AS n FROM events WHERE incident_lead")["n"].iloc[0]
    assert residual > 0 and agreeing > 0
    used = []
    real = casualty_cells.query_cells_summary
    monkeypatch.setattr(casualty_cells, "query_cells_summary",
                        lambda *args: used.append(args[1]) or real(*args))
    filters = random_filters(4, 8) + _edge_filters()
    _assert_same(store, filters, monkeypatch)
    assert len(used) == sum(casualty_cells.applies(f) for f in filters)  # the cells did answer
    # Writes: a death figure in an agreeing incident (its low and high move), a report moved
    # into another incident, an origin deleted, new reports naming new victims. The cells of
    # the version before must not serve the next.
    lead = store.query_sql("SELECT incident_id FROM events WHERE incident_lead AND fatalities IS NOT NULL "
                           "ORDER BY event_id LIMIT 1")["incident_id"].iloc[0]
    edited = store.query_sql("SELECT event_id FROM events WHERE incident_id = ? ORDER BY event_id DESC",
                             [lead])["event_id"].iloc[0]
    store.edit_event(edited, {"fatalities": 90, "fatalities_high": 120}, "tester")
    _assert_same(store, _edge_filters(), monkeypatch)
    ids = store.query_events(columns=["event_id"], order_by="event_id")["event_id"].tolist()
    rnd = random.Random(4)
    store.update_incident_ids({eid: f"inc-moved-{rnd.randrange(30)}" for eid in rnd.sample(ids, 200)})
    store.delete_events("gdelt")
    store.upsert_events(make_events(300, 14, without_id=0.0).assign(
        event_id=lambda f: "new-" + f["event_id"], victims="Iranian soldiers"))
    _assert_same(store, _edge_filters() + random_filters(5, 3), monkeypatch)


def test_cells_are_made_once_per_data_version(store_location, monkeypatch):  # noqa: F811
    monkeypatch.setattr(incident_deaths, "LINK_LIMIT", 0)
    store = open_store(seed_if_new=False)
    store.upsert_events(make_events(800, 6, without_id=0.0))
    built = []
    real = page_memory.build_cells_sql
    monkeypatch.setattr(page_memory, "build_cells_sql", lambda: built.append(1) or real())
    for flt in _edge_filters():
        cm.query_casualty_summary(store, flt)
    assert len(built) == 1
    store.delete_events("acled")
    cm.query_casualty_summary(store, EventFilter())
    assert len(built) == 2


def test_a_big_store_makes_its_tables_apart_and_reads_the_events_meanwhile(store_location,  # noqa: F811
                                                                          monkeypatch, caplog):
    monkeypatch.setattr(incident_deaths, "LINK_LIMIT", 0)
    monkeypatch.setattr(page_memory, "BACKGROUND_MIN_EVENTS", 100)  # "big" from 100 events
    store = open_store(seed_if_new=False)
    store.upsert_events(make_events(800, 7, without_id=0.0))
    flt = EventFilter(date_from=D(2019, 2, 11), date_to=D(2019, 10, 3))
    expected = _summary(store, flt, False, monkeypatch)
    release = threading.Event()
    real = page_memory._make_tables
    monkeypatch.setattr(page_memory, "_make_tables",
                        lambda *args: release.wait(timeout=60) and real(*args))
    used = []
    monkeypatch.setattr(casualty_cells, "query_cells_summary",
                        lambda *args, q=casualty_cells.query_cells_summary: used.append(1) or q(*args))
    assert _summary(store, flt, True, monkeypatch) == expected and not used  # the events, at once
    assert page_memory.load_page_memory(store) is None  # a page's figures do not start it
    assert not [t for t in threading.enumerate() if t.name == "page-memory"]
    assert page_memory.load_page_memory(store, start=True) is None  # the app does, after a page
    assert _summary(store, flt, True, monkeypatch) == expected and not used  # events meanwhile
    # A write while the making runs: the next version's waits for it (one making at a time).
    store.delete_events("gdelt")
    expected = _summary(store, flt, False, monkeypatch)
    assert page_memory.load_page_memory(store, start=True) is None
    makers = [t for t in threading.enumerate() if t.name == "page-memory"]
    assert len(makers) == 1
    release.set()
    makers[0].join(timeout=60)
    page_memory.load_page_memory(store, wait=True)
    assert _summary(store, flt, True, monkeypatch) == expected and used  # then the cells
    # A failed making is logged once; the page goes on reading the events.
    store.delete_events("manual")
    expected = _summary(store, flt, False, monkeypatch)

    def fail(*args):
        raise RuntimeError("disk full")
    monkeypatch.setattr(page_memory, "_make_tables", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        page_memory.load_page_memory(store, wait=True)
    with caplog.at_level(logging.WARNING, logger=page_memory.__name__):
        for _ in range(2):
            assert _summary(store, flt, True, monkeypatch) == expected
    assert sum("disk full" in r.getMessage() for r in caplog.records) == 1


def test_running_totals_and_newest_reports_from_memory_are_the_stores(store_location, monkeypatch):  # noqa: F811
    # The newest reports on or after the day of the 150th newest are held: the table comes from
    # memory when 40 or 400 of them match, else from the store; the running totals always.
    monkeypatch.setattr(page_memory, "NEWEST_HELD", 150)
    store = open_store(seed_if_new=False)
    store.upsert_events(make_events(2500, 9))
    served = []
    real = page_memory.query_newest_rows
    monkeypatch.setattr(cm, "query_newest_rows", lambda *args: served.append(real(*args) is not None)
                        or real(*args))
    for flt in random_filters(9, 8) + _edge_filters():
        for limit in (40, 400):
            rows = {}
            for memory in (True, False):
                with monkeypatch.context() as patch:
                    patch.setattr(page_memory, "USE_MEMORY", memory)
                    table = cm.query_casualty_reports(store, flt, limit)
                    running = cm.query_running_totals(store, flt, limit, cm.load_page_memory(store))
                rows[memory] = (_values(table), _values(running))
            assert rows[True] == rows[False], (flt, limit)
    assert True in served and False in served


def _values(frame) -> list:
    return frame.astype(object).where(frame.notna(), None).values.tolist()


def test_key_figures_from_memory_are_the_stores(store_location, monkeypatch):  # noqa: F811
    # The Overview's key figures: events, incidents (agreeing incidents by their lead, the
    # disagreeing ones read from the events), deaths, running totals, actors, dates.
    monkeypatch.setattr(incident_deaths, "LINK_LIMIT", 0)
    store = open_store(seed_if_new=False)
    store.upsert_events(make_events(3000, 11, without_id=0.05))
    assert casualty_cells.disagreeing_reports(store) > 0
    answered = []
    real = page_memory.query_key_figures_row
    monkeypatch.setattr(key_figures, "query_key_figures_row",
                        lambda *args: answered.append(1) or real(*args))
    filters = random_filters(11, 10) + _edge_filters()
    for flt in filters:
        fast = key_figures.compute_key_figures(store, flt)
        with monkeypatch.context() as patch:
            patch.setattr(page_memory, "USE_MEMORY", False)
            assert fast == key_figures.compute_key_figures(store, flt), flt
    assert len(answered) == len(filters)
    assert page_memory.query_key_figures_row(page_memory.load_page_memory(store), EventFilter(sources=("AFP",))) \
        is None


def test_a_small_store_keeps_no_tables_in_memory(store_location, monkeypatch):  # noqa: F811
    monkeypatch.setattr(page_memory, "MIN_EVENTS", 1000)
    store = open_store(seed_if_new=False)
    store.upsert_events(make_events(600, 12))
    assert page_memory.load_page_memory(store, start=True) is None
    store.upsert_events(make_events(600, 13).assign(event_id=lambda f: "more-" + f["event_id"]))
    assert page_memory.load_page_memory(store) is not None  # 1,200 events: made at once
