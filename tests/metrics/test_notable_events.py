"""The store's notable_events (store/notable_events.py): the Timeline's key events and hover
samples and the Casualties page's running totals read from it give exactly what they give from
the events, on both stores, whatever its floor; it is made when a store grows big enough, and
kept equal to its rule after every kind of write."""

from __future__ import annotations

import pandas as pd
import pytest

from conflict_monitor.metrics import casualties as cm
from conflict_monitor.metrics import event_sql, timeline_rank
from conflict_monitor.metrics import timeline as tm
from conflict_monitor.store import notable_events, source_counts
from conflict_monitor.store.factory import open_store
from tests.metrics.test_fast_paths import random_filters
from tests.metrics.test_timeline_reference import _same, _store_events, _tied_in_order
from tests.store.test_backends import store_location  # noqa: F401 - the backend fixture


def _figures(store, filters) -> list[tuple[str, pd.DataFrame]]:
    out = []
    for flt in filters:
        label = flt.describe()
        for top_n, each in ((5, 12), (2, 3)):
            out.append((f"key events {top_n} {label}", _tied_in_order(tm.query_key_events(store, flt, top_n, each))))
        for period in tm.PERIODS:
            out.append((f"samples {period} {label}", tm.query_period_samples(store, flt, period, 3)))
        out.append((f"running {label}", cm.query_running_totals(store, flt)))
    return out


@pytest.mark.parametrize("seed", [4, 8])
def test_figures_from_the_table_equal_those_from_the_events(store_location, monkeypatch, seed):  # noqa: F811
    monkeypatch.setattr(timeline_rank, "_FLOOR_RANKS", (15, 60, 300))
    monkeypatch.setattr(timeline_rank, "_CEILING_RANKS", (2, 8, 30))
    store = open_store(seed_if_new=False)
    frame = _store_events(seed)
    running = frame.sample(frac=0.03, random_state=seed).index  # some running totals, with deaths
    frame.loc[running, "is_running_total"] = True
    frame.loc[running, "fatalities"] = frame.loc[running, "fatalities"].fillna(40)
    store.upsert_events(frame)
    filters = random_filters(seed, 6)
    plain = _figures(store, filters)
    assert event_sql.notable_table(store) == "events"  # a small store has no table
    read: list[str] = []
    run = event_sql.run_event_sql

    def spy(source, sql, params=()):
        read.append(sql)
        return run(source, sql, params)

    for floor in (2, 9, 30):  # under the store's floors, between them, over them
        store._make_notable_events(floor)
        assert event_sql.notable_table(store, floor) == notable_events.TABLE
        assert event_sql.notable_table(store, floor - 1) == "events"
        read.clear()
        with monkeypatch.context() as patch:
            for module in (timeline_rank, cm):
                patch.setattr(module, "run_event_sql", spy)
            ours = _figures(store, filters)
        assert any(notable_events.TABLE in sql for sql in read)
        for (label, mine), (_, theirs) in zip(ours, plain, strict=True):
            _same(mine, theirs, f"floor {floor}: {label}")


def test_the_table_is_made_once_the_store_is_big(store_location, monkeypatch):  # noqa: F811
    monkeypatch.setattr(notable_events, "MIN_EVENTS", 2000)
    monkeypatch.setattr(notable_events, "FLOOR_RANK", 50)
    store = open_store(seed_if_new=False)
    frame = _store_events(3)
    store.upsert_events(frame.iloc[:1500])
    assert event_sql.notable_table(store) == "events"
    store.upsert_events(frame.iloc[1500:])  # the import that passes MIN_EVENTS makes it
    deaths = store.query_sql("SELECT fatalities FROM events WHERE fatalities > 0 AND event_date IS NOT NULL "
                             "ORDER BY fatalities DESC")["fatalities"]
    floor = int(deaths.iloc[notable_events.FLOOR_RANK - 1])
    assert event_sql.notable_table(store, floor) == notable_events.TABLE
    assert event_sql.notable_table(store, floor - 1) == "events"
    _assert_table_follows_rule(store)


def _assert_source_counts(store) -> None:
    """The store's source_counts equal the events' counts per source and filter columns."""
    assert store.has_source_counts()
    keys = ", ".join(source_counts.KEYS)
    measures = [f"CAST(sum({column}) AS BIGINT) AS {column}" for column in source_counts.MEASURES.values()]
    counts = [f"count(*) FILTER (WHERE {condition}) AS {column}"
              for condition, column in source_counts.MEASURES.items()]
    # rows of one group (no row kept for a group without reports), in one order
    kept = store.query_sql(f"SELECT {keys}, {', '.join(measures)} FROM {source_counts.TABLE} GROUP BY {keys} "
                           f"ORDER BY {keys}")
    fresh = store.query_sql(f"SELECT {keys}, {', '.join(counts)} FROM events GROUP BY {keys} ORDER BY {keys}")
    assert len(fresh) > 0
    pd.testing.assert_frame_equal(kept, fresh, check_dtype=False)


def _assert_table_follows_rule(store) -> None:
    """The table's rows are the events' rows its rule selects, column for column; and the
    store's counts per source equal the events' (both kept by the rollup's notes)."""
    _assert_source_counts(store)
    floor = int(store.query_sql(f"SELECT value FROM meta WHERE key = '{notable_events.DEATHS_FLOOR}'")["value"].iloc[0])
    cols = ", ".join(notable_events.COLUMNS)
    kept = store.query_sql(f"SELECT {cols} FROM {notable_events.TABLE} ORDER BY event_id")
    fresh = store.query_sql(f"SELECT {cols} FROM events WHERE {notable_events.row_condition(floor)} "
                            "ORDER BY event_id")
    assert len(fresh) > 0
    pd.testing.assert_frame_equal(kept, fresh, check_dtype=False)


def test_the_table_follows_every_write(store_location, monkeypatch):  # noqa: F811
    store = open_store(seed_if_new=False)
    frame = _store_events(5)
    store.upsert_events(frame.iloc[:2000])
    store._make_notable_events(9)
    _assert_table_follows_rule(store)
    rows = store.query_sql("SELECT event_id, fatalities, action, event_date FROM events ORDER BY event_id")
    deadly = rows.loc[rows["fatalities"].fillna(0) >= 9, "event_id"].tolist()
    calm = rows.loc[rows["fatalities"].fillna(0) < 9, "event_id"].tolist()
    # edits into and out of the table, a date moved, a ceasefire made
    store.edit_event(deadly[0], {"fatalities": 1}, "tester")
    store.edit_event(calm[0], {"fatalities": 50}, "tester")
    store.edit_event(deadly[1], {"event_date": "2021-06-01"}, "tester")
    store.edit_event(calm[1], {"action": "ceasefire"}, "tester")
    running = store.query_sql("SELECT event_id FROM events WHERE is_running_total ORDER BY event_id")["event_id"]
    store.edit_event(running.iloc[0], {"event_date": "2021-07-01", "fatalities": 2}, "tester")
    _assert_table_follows_rule(store)
    # reports moved into other incidents (their keys change), rejected, restored, deleted
    store.update_incident_ids({eid: "inc-moved" for eid in deadly[2:6]})
    _assert_table_follows_rule(store)
    store.reject_events(deadly[6:9], "tester")
    _assert_table_follows_rule(store)
    store.restore_events(deadly[6:8], "tester")
    _assert_table_follows_rule(store)
    store.delete_events("gdelt")
    _assert_table_follows_rule(store)
    # new reports one at a time and in bulk, some joining stored incidents; a relink
    store.upsert_events(frame.iloc[2000:2100])
    store.import_batches([frame.iloc[2100:]])
    _assert_table_follows_rule(store)
    store.relink_incidents()
    _assert_table_follows_rule(store)
    # a write that fails leaves table and events as they were
    before = store.query_sql(f"SELECT count(*) AS n FROM {notable_events.TABLE}")["n"].iloc[0]
    with pytest.raises(RuntimeError), store._transaction() as con:
        store._execute(con, "DELETE FROM events WHERE fatalities >= 9")
        raise RuntimeError("stop")
    assert store.query_sql(f"SELECT count(*) AS n FROM {notable_events.TABLE}")["n"].iloc[0] == before
    _assert_table_follows_rule(store)


def test_source_counts_of_a_store_from_before_them_are_made_on_opening(store_location):  # noqa: F811
    store = open_store(seed_if_new=False)
    store.upsert_events(_store_events(6))
    with store._connect() as con:  # as an older version left it: no table, no record of it
        store._execute(con, f"DROP TABLE {source_counts.TABLE}")
        store._execute(con, "DELETE FROM meta WHERE key = ?", [source_counts.META_KEY])
    store.close()
    store = open_store(seed_if_new=False)
    _assert_source_counts(store)
