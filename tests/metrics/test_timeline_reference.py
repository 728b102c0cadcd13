"""The Timeline's queries give exactly the rows of their reference formulation (the plain SQL
they replaced, timeline_reference.py), on both stores: seeded random stores with shared
incidents, reports of no incident and ties in deaths, under random filters, every period."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from conflict_monitor.metrics import timeline as tm
from conflict_monitor.metrics import timeline_rank
from conflict_monitor.store.factory import open_store
from tests.metrics import timeline_reference as ref
from tests.metrics.test_fast_paths import make_events, random_filters
from tests.store.test_backends import store_location  # noqa: F401 - the backend fixture


def _store_events(seed: int) -> pd.DataFrame:
    """make_events, with deaths drawn from a few values (ties at every cut-off) and some
    incidents' reports on another day, of another action class, naming the actors the other
    way round or another actor."""
    frame = make_events(2500, seed)
    rng = np.random.default_rng(seed)
    deadly = frame["fatalities"].fillna(0) > 0
    frame.loc[deadly, "fatalities"] = rng.choice([1, 2, 5, 9, 30], deadly.sum())
    frame["fatalities_high"] = frame[["fatalities", "fatalities_high"]].max(axis=1).where(
        frame["fatalities_high"].notna())
    # incident ids in an order unrelated to the event ids' (ties are broken on either)
    names = frame["incident_id"].dropna().unique()
    frame["incident_id"] = frame["incident_id"].map(
        dict(zip(names, [f"inc-{i:05d}" for i in rng.permutation(len(names))], strict=True)))
    shared = frame["incident_id"].notna() & (rng.random(len(frame)) < 0.3)
    swapped = shared & (rng.random(len(frame)) < 0.5)  # the same pair, named the other way round
    frame.loc[swapped, ["actor1", "actor2"]] = frame.loc[swapped, ["actor2", "actor1"]].to_numpy()
    other = shared & ~swapped
    frame.loc[other, "actor2"] = rng.choice(["Russia", "UN", "Syrian rebels"], other.sum())
    frame.loc[shared, "action"] = rng.choice(["attack", "kill", "ultimatum"], shared.sum())
    frame.loc[shared, "event_date"] = (pd.to_datetime(frame.loc[shared, "event_date"])
                                          + pd.Timedelta(days=1)).dt.date
    return frame


def _same(ours: pd.DataFrame, theirs: pd.DataFrame, what: str) -> None:
    """Equal values, columns and dtypes, except that an integer or text column may be nullable
    in one and not the other: the reference's is when a row it ranked and then dropped had no
    deaths or no victims (PostgreSQL's text is `str` without nulls; the figures print both alike)."""
    ours, theirs = ours.copy(), theirs.copy()
    for col in set(ours.columns) & set(theirs.columns):
        if pd.api.types.is_integer_dtype(ours[col]) and pd.api.types.is_integer_dtype(theirs[col]):
            ours[col], theirs[col] = ours[col].astype("Int64"), theirs[col].astype("Int64")
        elif all(isinstance(f[col].dtype, pd.StringDtype) or f[col].dtype == object for f in (ours, theirs)):
            ours[col], theirs[col] = ours[col].astype(object), theirs[col].astype(object)
            # a text column of nulls only: None in one, NaN in the other (the old code's too)
            ours[col] = ours[col].where(ours[col].notna(), None)
            theirs[col] = theirs[col].where(theirs[col].notna(), None)
    pd.testing.assert_frame_equal(ours, theirs, check_exact=False, rtol=1e-12, obj=what)


def _tied_in_order(key_events: pd.DataFrame) -> pd.DataFrame:
    """Key events as ordered (kind, most deaths, date), ties by event_id: the reference leaves
    ties in the order of a hash join's output."""
    return key_events.sort_values(["kind", "fatalities", "event_date", "event_id"],
                                  ascending=[True, False, True, True], ignore_index=True)


@pytest.mark.parametrize("seed", [4, 5])
def test_timeline_queries_match_their_reference(store_location, monkeypatch, seed):  # noqa: F811
    # the key events' cut-off from the store's deadliest reports, at ranks this store has
    monkeypatch.setattr(timeline_rank, "_FLOOR_RANKS", (15, 60, 300))
    # and the ultimatums' and ceasefires' ceiling days (from the store's 2nd, 8th and 30th oldest
    # of each kind): some filters served on or before one of them, the others by the next
    monkeypatch.setattr(timeline_rank, "_CEILING_RANKS", (2, 8, 30))
    store = open_store(seed_if_new=False)
    store.upsert_events(_store_events(seed))
    for flt in random_filters(seed, 8):
        label = flt.describe()
        _same(tm.query_daily(store, flt), ref.query_daily(store, flt), f"daily {label}")
        _same(tm.query_pair_daily(store, flt, 4), ref.query_pair_daily(store, flt, 4), f"pairs {label}")
        for top_n, each in ((5, 12), (2, 3)):
            _same(_tied_in_order(tm.query_key_events(store, flt, top_n, each)),
                  _tied_in_order(ref.query_key_events(store, flt, top_n, each)), f"key events {top_n} {label}")
        for period in tm.PERIODS:
            for per_period in (1, 3):
                _same(tm.query_period_samples(store, flt, period, per_period),
                      ref.query_period_samples(store, flt, period, per_period), f"samples {period} {label}")


def test_period_samples_from_the_deadliest_match_their_reference(store_location, monkeypatch):  # noqa: F811
    # Dense periods (the store's reports within 40 days), so that many filters find every
    # period's cut-off among the reports with the floor's deaths or more (2 here, from the
    # store's 600th deadliest): those and the ones that fall back give the reference's rows.
    monkeypatch.setattr(timeline_rank, "_FLOOR_RANKS", (15, 60, 300, 600))
    taken = []
    above_floor = timeline_rank._picks_above_floor

    def spy(*args, **kwargs):
        out = above_floor(*args, **kwargs)
        taken.append(out is not None)
        return out

    monkeypatch.setattr(timeline_rank, "_picks_above_floor", spy)
    store = open_store(seed_if_new=False)
    frame = _store_events(6)
    days = pd.to_datetime(frame["event_date"])
    dense = pd.Timestamp("2020-01-01") + pd.to_timedelta((days - days.min()).dt.days % 40, unit="D")
    frame["event_date"] = dense.dt.date.where(days.notna(), None)
    store.upsert_events(frame)
    for flt in random_filters(6, 8):
        for period in tm.PERIODS:
            for per_period in (1, 3):
                _same(tm.query_period_samples(store, flt, period, per_period),
                      ref.query_period_samples(store, flt, period, per_period),
                      f"samples {period} {flt.describe()}")
    assert sum(taken) >= 5 and not all(taken), taken


def test_period_samples_keep_a_period_without_deaths_between_two_with(store_location, monkeypatch):  # noqa: F811
    # Weeks 1 and 3 have reports with 30 deaths (the floor), week 2 conflictual reports without
    # deaths only: its samples come from the reports under the floor, so the cut-offs are not
    # taken from those above it.
    monkeypatch.setattr(timeline_rank, "_FLOOR_RANKS", (5,))
    store = open_store(seed_if_new=False)
    frame = make_events(90, 7).assign(is_running_total=False, goldstein=-5.0, fatalities=30,
                                      fatalities_high=None, incident_id=None)
    week = np.arange(90) % 3
    frame["event_date"] = [dt.date(2020, 1, 6) + dt.timedelta(days=7 * int(w) + i % 5)
                           for i, w in enumerate(week)]
    frame.loc[week == 1, "fatalities"] = None
    frame.loc[week == 1, "goldstein"] = -3.0
    store.upsert_events(frame)
    for period in tm.PERIODS:
        ours = tm.query_period_samples(store, None, period)
        assert ours["period"].nunique() == {"day": 15, "week": 3, "month": 1}[period]
        _same(ours, ref.query_period_samples(store, None, period), f"samples {period}")
