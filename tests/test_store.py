"""The DuckDB store: seeding, idempotent upserts, all-or-nothing imports, filters in SQL."""

import datetime as dt

import duckdb
import pytest

from conflict_monitor.filters import EventFilter
from conflict_monitor.store import (
    ImportRejected, StoreConfigError, StoreError, open_store, rebuild_store,
)


def _event(**changes):
    row = {"event_date": "2020-02-27", "action": "kill", "actor1": "Syrian government forces",
           "actor1_country": "SYR", "actor2": "Turkish forces", "actor2_country": "TUR",
           "country": "SYR", "location": "Balyun", "fatalities": 33, "origin": "manual",
           "evidence": "Test sentence.", "source": "Test"}
    row.update(changes)
    return row


@pytest.fixture
def empty_store(store_path):
    return open_store(seed_if_new=False)


def test_seed_loads_posts_reference_and_source_article(store_path):
    store = open_store()
    assert len(store.query_sites()) == 12
    origins = set(store.list_distinct("origin"))
    assert {"reference", "manual"} <= origins
    assert len(store.query_articles()) == 1
    balyun = store.query_events(EventFilter(date_from=dt.date(2020, 2, 27), date_to=dt.date(2020, 2, 27)))
    assert sorted(balyun["fatalities"].dropna().astype(int)) == [33, 34]
    assert balyun["incident_id"].nunique() == 1


def test_reopening_a_seeded_store_adds_nothing(store_path):
    first = open_store().count_events()
    assert open_store().count_events() == first


def test_upsert_is_idempotent(empty_store):
    rows = [_event(), _event(location="Saraqib", fatalities=4)]
    assert empty_store.upsert_events(rows).added == 2
    again = empty_store.upsert_events(rows)
    assert (again.added, again.already_present) == (0, 2)
    assert empty_store.count_events() == 2


def test_bad_row_rolls_back_the_whole_batch(empty_store):
    empty_store.upsert_events([_event(location="Sarmin")])
    with pytest.raises(ImportRejected) as info:
        empty_store.upsert_events([_event(location="Taftanaz"), _event(fatalities="many")])
    assert "row 2" in str(info.value) and "fatalities" in str(info.value)
    assert empty_store.count_events() == 1


def test_skip_invalid_lists_the_bad_rows(empty_store):
    result = empty_store.upsert_events([_event(), _event(action="bombard", location="X")],
                                       skip_invalid=True)
    assert result.added == 1
    assert result.skipped[0][0] == 2 and "action" in result.skipped[0][1]


def test_same_article_twice_is_stored_once(empty_store):
    article = {"text": "Turkey  said something.\r\n", "title": "t", "published": "2020-02-13"}
    first = empty_store.ingest_article(article, [_event(origin="extracted")])
    second = empty_store.ingest_article({**article, "text": "Turkey  said something."},
                                        [_event(origin="extracted")])
    assert first.article_added and not second.article_added
    assert (first.added, second.added) == (1, 0)
    assert len(empty_store.query_articles()) == 1


def test_filters_select_in_sql(empty_store):
    empty_store.upsert_events([
        _event(),
        _event(event_date="2020-02-03", location="Saraqib", fatalities=4, origin="acled", source="ACLED"),
        _event(event_date="2020-03-05", action="ceasefire", actor1="Russia", actor1_country="RUS",
               actor2="Turkey", actor2_country="TUR", country="RUS", location="Moscow", fatalities=None),
    ])
    count = empty_store.count_events
    assert count(EventFilter(actors=("Russia",))) == 1
    assert count(EventFilter(countries=("TUR",))) == 3  # actor2's country counts
    assert count(EventFilter(countries=("RUS",))) == 1
    assert count(EventFilter(date_from=dt.date(2020, 2, 4))) == 2
    assert count(EventFilter(actions=("kill",), origins=("acled",))) == 1
    assert count(EventFilter(sources=("ACLED",))) == 1
    assert count(EventFilter(actors=("x' OR '1'='1",))) == 0


def test_data_version_moves_on_write(empty_store):
    before = empty_store.data_version()
    empty_store.upsert_events([_event()])
    assert empty_store.data_version() > before


def test_corrupt_file_gives_a_clear_message_and_can_be_rebuilt(store_path):
    store_path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError) as info:
        open_store()
    assert "not a valid DuckDB file" in str(info.value) and "--rebuild" in str(info.value)
    store, moved = rebuild_store()
    assert moved is not None and moved.exists()
    assert store.count_events() > 0


def test_unknown_url_scheme_is_a_config_error(monkeypatch):
    monkeypatch.setenv("CONFLICT_MONITOR_DB", "mysql://user:pw@host/db")
    with pytest.raises(StoreConfigError) as info:
        open_store()
    assert "mysql://" in str(info.value)


def test_store_refuses_a_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLICT_MONITOR_DB", str(tmp_path))
    with pytest.raises(StoreError, match="is a folder"):
        open_store()


def test_tables_have_the_acled_names(empty_store):
    with duckdb.connect(empty_store.location) as con:
        cols = {r[0] for r in con.execute("DESCRIBE events").fetchall()}
    assert {"event_date", "event_type", "sub_event_type", "actor1", "actor2", "admin1",
            "geo_precision", "fatalities", "source"} <= cols
