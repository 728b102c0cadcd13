"""The control reduced in the store (control.store_claims, control.groups: places matched in SQL,
one row per place, day and side), and the same from the claims read once as codes
(control.claim_table), give what the per-claim path gives (control.events and
control.model on every claim, itself compared with the per-event oracle in test_claims_fast):
the claims, each place's status and the claims behind it on any day, the weekly changes, the
popups, a place's history; on random stores, under several filters, DuckDB and PostgreSQL."""

from __future__ import annotations

import pandas as pd

from conflict_monitor.control.claim_table import compute_summary_from_table, query_claim_table
from conflict_monitor.control.events import query_territorial_events
from conflict_monitor.control.groups import (
    compute_control_state,
    query_all_claims,
    query_control_claims_of,
    query_control_source,
    query_control_state,
    query_place_history,
)
from conflict_monitor.control.model import (
    compute_changes_per_week,
    compute_control_as_of,
    compute_control_on,
    compute_place_histories,
    compute_place_history,
    compute_weekly_changes_from_timeline,
)
from conflict_monitor.control.select import compute_all_claims
from conflict_monitor.control.sides import SIDE_COLUMNS, load_sides
from conflict_monitor.control.store_claims import query_claim_inputs, query_claim_summary
from conflict_monitor.maps.control_layer import POPUP_CLAIMS, make_control_popups
from conflict_monitor.model.filters import EventFilter
from conflict_monitor.store.factory import open_store
from tests.control.test_claims_fast import FILTERS, _random_events
from tests.store.test_backends import store_location  # noqa: F401 - the backend fixture


def _three_sides() -> pd.DataFrame:
    """The shipped sides with Turkey on a side of its own in Syria: a place can then be taken
    from two different sides on one day, so which is named first matters."""
    sides = load_sides()
    turkey = sides["actor"].isin(["Turkish forces", "Turkey"])
    return pd.concat([sides[~turkey], sides[turkey].assign(side="Turkey")], ignore_index=True)[list(SIDE_COLUMNS)]


def _assert_same_control(store, flt: EventFilter, source, sides: pd.DataFrame, state) -> None:
    old = compute_all_claims(query_territorial_events(store, flt), flt, sides=sides)
    pd.testing.assert_frame_equal(query_all_claims(store, source).astype(object), old.astype(object))
    assert state.counts == old["place_id"].value_counts().to_dict()
    pd.testing.assert_frame_equal(compute_weekly_changes_from_timeline(state.timeline), compute_changes_per_week(old))
    if old.empty:
        assert state.timeline == []
        return
    days = sorted(set(old["date"]))
    for day in [days[0], days[len(days) // 3], days[len(days) // 2], days[-1]]:
        expected = compute_control_as_of(old, day)
        control = compute_control_on(state.timeline, day)
        pd.testing.assert_frame_equal(query_control_claims_of(store, source, control), expected)
        assert make_control_popups(control, state.histories, state.counts) == make_control_popups(
            expected, compute_place_histories(old))
    busiest = old["place_id"].value_counts().index[0]
    pd.testing.assert_frame_equal(query_place_history(store, source, busiest), compute_place_history(old, busiest))


def test_the_store_reduced_control_is_the_per_claim_control(store_location):  # noqa: F811 - the fixture
    store = open_store(seed_if_new=False)
    events = _random_events(2500, seed=23)
    # many reports of one place, day and side (the groups), some naming the losing side, so a
    # group's first from_side, order within a day and latest reports are all exercised
    crowd = events.sample(600, random_state=3).index
    events.loc[crowd, ["event_date", "location", "latitude", "longitude", "geo_precision"]] = [
        "2020-02-06", "Saraqib", 35.8636, 36.8006, 1]
    events.loc[crowd[::3], "actor2"] = None
    # a new town whose first day has reports by several sides taking it from several others:
    # which side it was taken from first (by event_id) decides who held it before
    town = events.drop(crowd).sample(300, random_state=4).index
    events.loc[town, ["event_date", "location", "latitude", "longitude", "geo_precision", "action",
                      "is_running_total"]] = ["2019-03-02", "Testtown", 34.5, 38.5, 1, "capture", False]
    store.upsert_events(events)
    every = query_claim_inputs(store, EventFilter())
    for sides in (load_sides(), _three_sides()):
        # the shipped sides: the claims from the store's table of them (control.stored_claims)
        given = {} if sides.equals(load_sides()) else {"sides": sides}
        table = query_claim_table(store, query_control_source(store, EventFilter(), **given).claim_sql)
        for flt in (*FILTERS, EventFilter(date_from=pd.Timestamp("2030-01-01").date())):
            source = query_control_source(store, flt, **given)
            assert source.claim_sql.from_table == (not given)
            _assert_same_control(store, flt, source, sides, query_control_state(store, source, POPUP_CLAIMS))
            # from the events (the store's table of claims is made with the shipped sides), with
            # the inputs of the whole store (what the app reads once per data version)
            source = query_control_source(store, flt, sides=sides, inputs=lambda: every, from_table=False)
            assert not source.claim_sql.from_table
            _assert_same_control(store, flt, source, sides, query_control_state(store, source, POPUP_CLAIMS))
            # and the filter's claims from the table of every claim
            from_table = compute_summary_from_table(store, table, flt, POPUP_CLAIMS)
            _assert_same_control(store, flt, source, sides, compute_control_state(source, from_table))
            in_store = query_claim_summary(store, source.claim_sql, POPUP_CLAIMS)
            pd.testing.assert_frame_equal(from_table.groups.astype(object), in_store.groups.astype(object))
            pd.testing.assert_frame_equal(from_table.latest.astype(object), in_store.latest.astype(object))


def test_an_empty_store_has_no_control(store_location):  # noqa: F811 - the fixture
    store = open_store(seed_if_new=False)
    source = query_control_source(store, EventFilter(origins=("gdelt",)))
    state = query_control_state(store, source, POPUP_CLAIMS)
    assert state.counts == {} and state.timeline == [] and state.histories == {}
