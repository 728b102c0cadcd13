"""The claims from the store's territorial events (selected in SQL, places matched for all events
at once) are the claims of the per-event builder they replaced (tests/control/legacy_claims.py),
on the shipped fixtures and on a random synthetic store, on DuckDB and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from conflict_monitor.bench.synthetic import make_synthetic_events
from conflict_monitor.control.claims import compute_claims_from_events
from conflict_monitor.control.events import query_control_claims, query_territorial_events
from conflict_monitor.control.model import (
    compute_control_as_of,
    compute_place_histories,
    compute_place_history,
)
from conflict_monitor.control.reference import load_control_changes
from conflict_monitor.control.select import EVENT_COLUMNS, compute_all_claims, compute_control_filter
from conflict_monitor.control.sides import compute_side_lookup, load_sides
from conflict_monitor.geo.distance import compute_distance_matrix_km, compute_distances_km
from conflict_monitor.model.filters import EventFilter
from conflict_monitor.store.factory import open_store
from tests.control.legacy_claims import compute_claims_from_events_legacy
from tests.store.test_backends import store_location  # noqa: F401 - the backend fixture

FILTERS = (EventFilter(), EventFilter(date_from=dt.date(2020, 1, 1), date_to=dt.date(2020, 3, 31)),
           EventFilter(origins=("acled", "extracted")), EventFilter(countries=("TUR",)),
           EventFilter(sources=("AFP", "SANA")))


def _random_events(n: int, seed: int) -> pd.DataFrame:
    """Synthetic events with captures everywhere: near the shipped places under other spellings,
    far from them, province-level, unlocated, by actors with no side, running totals, CAMEO 192
    coded as another action, encirclements with a territorial sub-event type."""
    rng = np.random.default_rng(seed)
    frame = make_synthetic_events(n, seed)
    places, _ = load_control_changes()
    captures = rng.random(n) < 0.5
    frame.loc[captures, ["action", "cameo_code", "event_type", "sub_event_type"]] = [
        "capture", "192", "Battles", "Armed clash"]
    pick = rng.integers(0, len(places), n)
    near = rng.random(n) < 0.4
    frame.loc[near, "latitude"] = places["latitude"].to_numpy()[pick[near]] + rng.normal(0, 0.01, near.sum())
    frame.loc[near, "longitude"] = places["longitude"].to_numpy()[pick[near]] + rng.normal(0, 0.01, near.sum())
    frame.loc[near, "location"] = [f"{p} outskirts" for p in places["place"].to_numpy()[pick[near]]]
    frame.loc[rng.random(n) < 0.1, ["latitude", "longitude"]] = np.nan
    frame["geo_precision"] = rng.choice([1, 2, 3], n, p=[0.7, 0.2, 0.1])
    frame.loc[rng.random(n) < 0.05, "is_running_total"] = True
    frame.loc[rng.random(n) < 0.05, "date_precision"] = "month"
    other = rng.random(n) < 0.05
    frame.loc[other, ["action", "cameo_code"]] = ["other", "192"]
    ring = rng.random(n) < 0.05
    frame.loc[ring, ["action", "event_type", "sub_event_type"]] = [
        "encircle", "Battles", "Government regains territory"]
    return frame


def test_the_distance_matrix_is_the_one_distance():
    lats, lons = np.array([35.9, 36.1, 35.0]), np.array([36.6, 37.0, 36.2])
    matrix = compute_distance_matrix_km(lats, lons, [35.86, 35.44], [36.80, 36.65])
    for i in range(3):
        np.testing.assert_array_equal(matrix[i], compute_distances_km(lats[i], lons[i], [35.86, 35.44], [36.80, 36.65]))


def test_claims_equal_the_per_event_builder_on_random_events():
    places, _ = load_control_changes()
    lookup = compute_side_lookup(load_sides())
    events = _random_events(4000, seed=7)
    old = compute_claims_from_events_legacy(events, places, lookup)
    assert len(old) > 500  # the comparison covers known, near and new places
    assert old["place_id"].isin(places["place_id"]).any() and not old["place_id"].isin(places["place_id"]).all()
    pd.testing.assert_frame_equal(compute_claims_from_events(events, places, lookup), old)


def test_claims_from_the_store_equal_the_old_path(store_location):  # noqa: F811 - the fixture
    store = open_store(seed_if_new=False)
    events = _random_events(1500, seed=11)
    store.upsert_events(events)
    places, reference = load_control_changes()
    lookup = compute_side_lookup(load_sides())
    for flt in FILTERS:
        before = store.query_events(compute_control_filter(flt), columns=list(EVENT_COLUMNS))
        old = compute_claims_from_events_legacy(before, places, lookup)
        new = compute_claims_from_events(query_territorial_events(store, flt), places, lookup)
        pd.testing.assert_frame_equal(new, old)
        all_old = pd.concat([compute_all_claims(before.iloc[0:0], flt), old], ignore_index=True)
        all_new = query_control_claims(store, flt)
        pd.testing.assert_frame_equal(all_new.astype(object), all_old.astype(object))
        if len(all_new):
            day = max(all_new["date"])
            pd.testing.assert_frame_equal(compute_control_as_of(all_new, day), compute_control_as_of(all_old, day))
    assert len(compute_claims_from_events(query_territorial_events(store, EventFilter()), places, lookup)) > 100


def test_histories_in_one_pass_are_each_place_history():
    _, claims = load_control_changes()
    histories = compute_place_histories(claims)
    assert set(histories) == set(claims["place_id"])
    for place_id, history in histories.items():
        pd.testing.assert_frame_equal(history, compute_place_history(claims, place_id))


@pytest.mark.parametrize("seed", [1, 2])
def test_the_control_on_each_day_is_unchanged_by_the_timeline(seed):
    places, reference = load_control_changes()
    events = _random_events(3000, seed)
    claims = pd.concat([reference, compute_claims_from_events(events, places, compute_side_lookup(load_sides()))],
                       ignore_index=True)
    from conflict_monitor.control.model import compute_control_on, compute_control_timeline
    timeline = compute_control_timeline(claims)
    for day in pd.date_range("2019-01-01", "2021-01-01", freq="37D").date:
        pd.testing.assert_frame_equal(compute_control_on(timeline, day), compute_control_as_of(claims, day))
    from conflict_monitor.control.model import compute_changes_per_week, compute_weekly_changes_from_timeline
    weekly = compute_weekly_changes_from_timeline(timeline)
    assert weekly["gained"].sum() > 10
    pd.testing.assert_frame_equal(weekly, compute_changes_per_week(claims))
