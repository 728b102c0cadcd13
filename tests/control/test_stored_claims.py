"""The store's table of control claims (control.stored_claims, kept from the store's log of
touched events, store.event_changes): the same claims as store_claims' SQL over the events after
every kind of write once a reader has brought it up to date, on both backends; the summary and
the claim table read from it are the ones computed from the events; a store without it (an
older one) or with one made with another reference gets it whole from its first reader, and
none of this moves the data version."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pandas as pd

from conflict_monitor.control.claim_table import query_claim_table
from conflict_monitor.control.groups import query_control_source
from conflict_monitor.control.sides import load_sides
from conflict_monitor.control.store_claims import query_claim_summary
from conflict_monitor.control.stored_claims import COLUMNS, META_KEY, TABLE, load_claim_reference, update_claim_table
from conflict_monitor.maps.control_layer import POPUP_CLAIMS
from conflict_monitor.model.filters import EventFilter
from conflict_monitor.store.event_changes import FOLLOWED
from conflict_monitor.store.event_changes import TABLE as LOG
from conflict_monitor.store.factory import open_store
from tests.control.test_claims_fast import FILTERS, _random_events
from tests.control.test_claims_store import _three_sides
from tests.store.test_backends import store_location  # noqa: F401 - the backend fixture

_NAMES = ", ".join(n for n, _ in COLUMNS)


def _stored(store) -> pd.DataFrame:
    frame = store.query_sql(f"SELECT {_NAMES} FROM {TABLE} ORDER BY event_id")
    return frame.astype(object).where(frame.notna(), None).reset_index(drop=True)


def _computed(store) -> pd.DataFrame:
    """What the table should hold: store_claims' SQL over the events as they are now."""
    live = query_control_source(store, EventFilter(), from_table=False).claim_sql
    frame = store.query_sql(
        f"{live.with_filter_sql} SELECT event_id, place_id, place, latitude, longitude, admin1, "
        "country AS place_country, date_approx, side, from_side, date AS event_date, event_country AS country, "
        "actor1_country, actor2_country, origin, source, reported_by, source_url, evidence FROM claims "
        "ORDER BY event_id", list(live.params))
    return frame.astype(object).where(frame.notna(), None).reset_index(drop=True)


def _logged(store) -> int:
    return int(store.query_sql(f"SELECT count(*) AS n FROM {LOG}")["n"].iloc[0])


def _assert_in_step(store, logged: bool = True) -> None:
    """After a write: it was logged (when `logged`), and a reader brings the table in step."""
    assert (_logged(store) > 0) == logged
    version = store.data_version()
    update_claim_table(store)
    assert _logged(store) == 0 and store.data_version() == version
    stored, computed = _stored(store), _computed(store)
    assert len(computed) > 0
    pd.testing.assert_frame_equal(stored, computed, check_dtype=False)


def _events(n: int, seed: int) -> pd.DataFrame:
    return _random_events(n, seed).assign(incident_id=None)


def test_the_table_follows_every_write(store_location):  # noqa: F811 - the fixture
    store = open_store(seed_if_new=False)
    events = _events(1500, seed=5)
    store.upsert_events(events.iloc[:1000])
    _assert_in_step(store, logged=False)  # nobody followed the log yet: the table is made whole
    store.import_batches([events.iloc[1000:]])  # the bulk path: rows of no incident are not marked
    _assert_in_step(store)
    stored = _stored(store)
    claim = stored["event_id"].iloc[0]
    # an edit that moves a claim's place and side, another that makes an event a claim
    store.edit_event(claim, {"location": "Saraqib", "latitude": 35.8636, "longitude": 36.8006,
                             "actor1": "Hay'at Tahrir al-Sham"}, "tester")
    _assert_in_step(store)
    other = events.loc[~events["event_id"].isin(stored["event_id"]) & (events["country"] == "SYR")
                       & ~events["is_running_total"].fillna(False).astype(bool), "event_id"].iloc[0]
    store.edit_event(other, {"action": "capture", "location": "Kafr Nabl", "latitude": 35.6136,
                             "longitude": 36.5614, "actor1": "Syrian Arab Army"}, "tester")
    _assert_in_step(store)
    assert other in set(_stored(store)["event_id"])
    store.reject_events(list(stored["event_id"].iloc[1:4]), "tester")
    _assert_in_step(store)
    store.restore_events(list(stored["event_id"].iloc[1:3]), "tester")
    _assert_in_step(store)
    # a revision replaces stored rows (a later revised_at): their claims change with them
    revised = events[events["event_id"].isin(stored["event_id"].iloc[5:15])].assign(
        actor1="Turkish forces", revised_at=pd.Timestamp("2030-01-01"))
    store.import_batches([revised])
    _assert_in_step(store)
    origin = str(events["origin"].iloc[0])
    assert store.delete_events(origin) > 0
    assert _logged(store) > 0
    update_claim_table(store)
    stored, computed = _stored(store), _computed(store)
    pd.testing.assert_frame_equal(stored, computed, check_dtype=False)
    assert origin not in set(stored["origin"])


def test_readers_use_the_table_only_when_it_is_current(store_location):  # noqa: F811 - the fixture
    store = open_store(seed_if_new=False)
    store.upsert_events(_events(1200, seed=9))
    for flt in (*FILTERS, EventFilter(date_from=pd.Timestamp("2030-01-01").date())):
        source = query_control_source(store, flt)
        assert source.claim_sql.from_table
        live = query_control_source(store, flt, from_table=False).claim_sql
        from_table, from_events = (query_claim_summary(store, s, POPUP_CLAIMS) for s in (source.claim_sql, live))
        for part in ("groups", "latest"):
            pd.testing.assert_frame_equal(getattr(from_table, part), getattr(from_events, part))
        # the ends come in no set order (the map reads them per place)
        pd.testing.assert_frame_equal(*(s.ends.sort_values(["end", "place_id"], ignore_index=True)
                                        for s in (from_table, from_events)))
    pd.testing.assert_frame_equal(
        *(query_claim_table(store, query_control_source(store, EventFilter(), from_table=t).claim_sql).frame
          for t in (True, False)))
    # other sides than the store's table was made with: claims from the events
    assert not query_control_source(store, EventFilter(), sides=_three_sides()).claim_sql.from_table
    assert not query_control_source(store, EventFilter(), sides=load_sides()).claim_sql.from_table


def test_an_older_store_gets_its_table_from_its_first_reader(store_location):  # noqa: F811 - the fixture
    store = open_store(seed_if_new=False)
    store.upsert_events(_events(800, seed=11))
    update_claim_table(store)
    expected = _stored(store)
    # a store of the version before: no table, nothing in meta, nobody following the log
    with store._connect() as con:
        store._execute(con, f"DROP TABLE {TABLE}")
        store._execute(con, "DELETE FROM meta WHERE key IN (?, ?)", [META_KEY, FOLLOWED])
    store.close()
    store = open_store(seed_if_new=False)
    store.edit_event(expected["event_id"].iloc[0], {"actor1": "Turkish forces"}, "tester")
    assert _logged(store) == 0  # not followed: not logged
    version = store.data_version()
    assert query_control_source(store, EventFilter()).claim_sql.from_table
    assert store.data_version() == version  # not a change of the data
    pd.testing.assert_frame_equal(_stored(store), _computed(store), check_dtype=False)
    # a table made with another reference (or rules): made whole again by the next reader
    with store._connect() as con:
        store._execute(con, "UPDATE meta SET value = value + 1 WHERE key = ?", [META_KEY])
        store._execute(con, f"DELETE FROM {TABLE} WHERE event_id IN (SELECT event_id FROM {TABLE} LIMIT 5)")
    update_claim_table(store)
    pd.testing.assert_frame_equal(_stored(store), _computed(store), check_dtype=False)
    assert store.query_sql("SELECT value FROM meta WHERE key = ?", [META_KEY])["value"].tolist() == [
        load_claim_reference().fingerprint]


def test_a_reader_does_not_wait_for_a_long_write(store_location):  # noqa: F811 - the fixture
    store = open_store(seed_if_new=False)
    store.upsert_events(_events(600, seed=13))
    update_claim_table(store)
    store.edit_event(_stored(store)["event_id"].iloc[0], {"actor1": "Turkish forces"}, "tester")
    assert _logged(store) > 0
    # a write under way holds the store (an import can for minutes): the reader reads the
    # events instead of waiting, and the same claims come out
    with store._transaction() as con:
        store._execute(con, "UPDATE meta SET value = value WHERE key = 'data_version'")
        with ThreadPoolExecutor(1) as pool:  # another thread, as another session of the app
            source = pool.submit(query_control_source, store, EventFilter()).result()
    assert not source.claim_sql.from_table
    assert _logged(store) > 0  # left for the next reader
    from_events = query_claim_summary(store, source.claim_sql, POPUP_CLAIMS)
    from_table = query_claim_summary(store, query_control_source(store, EventFilter()).claim_sql, POPUP_CLAIMS)
    assert _logged(store) == 0
    pd.testing.assert_frame_equal(from_table.groups, from_events.groups)
