"""The newest (or oldest) rows under a filter: query_events' cut-off day gives exactly the rows
of the one plain ORDER BY ... LIMIT, on both stores, with ties on the day and undated rows."""

from __future__ import annotations

import random

from conflict_monitor.bench.synthetic import make_synthetic_events
from conflict_monitor.model.filters import compute_where
from conflict_monitor.store.factory import open_store
from tests.metrics.test_fast_paths import random_filters
from tests.store.test_backends import store_location  # noqa: F401 - the backend fixture


def _plain(store, flt, direction: str, limit: int) -> list[str]:
    where, params = compute_where(flt)
    sql = (f"SELECT event_id FROM events WHERE {where} ORDER BY event_date {direction} NULLS LAST, "
           "event_id LIMIT ?")
    return store.query_sql(sql, [*params, limit])["event_id"].tolist()


def test_newest_rows_match_the_plain_order_by(store_location):  # noqa: F811
    store = open_store(seed_if_new=False)
    events = make_synthetic_events(1500, 5)
    events.loc[events.index % 7 == 0, "event_date"] = None  # undated reports sort last
    store.upsert_events(events)
    rnd = random.Random(5)
    for flt in random_filters(5, 8):
        for direction in ("DESC", "ASC"):
            for limit in (1, 15, rnd.randrange(2, 400), 5000):
                got = store.query_events(flt, limit=limit, order_by=f"event_date {direction}")
                assert got["event_id"].tolist() == _plain(store, flt, direction, limit), (flt, limit)
