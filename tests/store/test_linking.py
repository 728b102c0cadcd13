"""Incident linking: the rule pair by pair, the blocked linker, and ids kept in the store."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from pathlib import Path

import pandas as pd
import pytest

from conflict_monitor.importers import import_file
from conflict_monitor.model.filters import EventFilter
from conflict_monitor.model.schema import PRECISION_WINDOW_DAYS
from conflict_monitor.store.factory import open_store
from conflict_monitor.store.linking import (
    actor_key,
    compute_incident_ids,
    place_key,
    plan_relink,
    reports_match,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BALYUN = "ref-2020-02-27-balyun-jabal-al-zawiya"


def _row(**kw) -> pd.Series:
    base = dict(event_id="e", event_date="2020-02-27", date_precision="day", action="kill",
                actor1="Syrian government forces", actor2="Turkish forces", location="Balyun",
                latitude=35.70, longitude=36.50, is_running_total=False, incident_id=None)
    base.update(kw)
    return pd.Series(base)


def test_place_and_actor_keys():
    assert place_key("Balyun (Jabal al-Zawiya)") == place_key("Balyun, Idlib, Syria") == \
        place_key("Balyun village") == "balyun"
    assert place_key("Al-Nayrab") == place_key("Nayrab")
    assert actor_key("Military Forces of Turkey (2016-)") == actor_key("Turkish forces") == "TUR:state"
    assert actor_key("Syrian and/or Russian air force") == actor_key("Syrian government forces")
    assert actor_key("Unidentified Armed Group (Syria)") is None


@pytest.mark.parametrize("change, expected", [
    ({}, True),
    ({"event_date": "2020-02-28"}, True),                       # within a day
    ({"event_date": "2020-03-01"}, False),                      # outside the day window
    ({"event_date": "2020-03-01", "date_precision": "week"}, True),
    ({"action": "attack"}, True),                               # attack and kill: one class
    ({"action": "capture"}, False),
    ({"location": "Somewhere", "latitude": 35.75, "longitude": 36.55}, True),  # ~7 km
    ({"location": "Somewhere", "latitude": 35.90, "longitude": 36.50}, False),  # ~22 km
    ({"location": "Balyun", "latitude": None, "longitude": None}, True),  # same name
    ({"actor1": "Russian forces"}, False),
    ({"actor1": None}, True),                                   # unknown is compatible
    ({"actor1": "Turkish forces", "actor2": "Syrian government forces"}, True),  # sides swapped
    ({"is_running_total": True}, False),
])
def test_reports_match_rule(change, expected):
    assert reports_match(_row(), _row(**change)) is expected


@pytest.mark.parametrize("first, second, expected", [
    ("acled", "acled", False), ("ucdp", "ucdp", False),  # a dataset's rows are distinct events
    ("acled", "ucdp", True), ("gdelt", "gdelt", True), ("extracted", "extracted", True)])
def test_reports_of_one_curated_dataset_never_match(first, second, expected):
    assert reports_match(_row(origin=first), _row(origin=second)) is expected


def _groups(ids) -> list[list[int]]:
    got: dict[str, list[int]] = {}
    for position, incident in enumerate(ids):
        got.setdefault(incident, []).append(position)
    return sorted(got.values())


def assert_valid_incidents(frame: pd.DataFrame, ids: pd.Series) -> None:
    """Every two reports of an incident match (so it spans at most its widest window and holds
    at most one row of a curated dataset), and no two incidents could be one."""
    groups = _groups(ids)
    rows = [frame.iloc[k] for k in range(len(frame))]
    for group in groups:
        for i, j in itertools.combinations(group, 2):
            assert reports_match(rows[i], rows[j]), (rows[i].to_dict(), rows[j].to_dict())
        days = pd.to_datetime(frame["event_date"].iloc[group])
        widest = max(PRECISION_WINDOW_DAYS[p] for p in frame["date_precision"].iloc[group])
        assert (days.max() - days.min()).days <= widest
    for g, h in itertools.combinations(groups, 2):
        assert not all(reports_match(rows[i], rows[j]) for i in g for j in h), \
            f"incidents {g} and {h} could be one"


@pytest.mark.parametrize("days, jitter, n", [(40, 0.1, 150), (2, 0.0, 200)])
def test_blocked_linker_gives_valid_incidents(days, jitter, n):
    """Random reports around a few places: the blocked linker's incidents obey the pair rule
    whole (no chains: before issue 19 a chain of matches was one incident). Without jitter and
    over 3 days, many reports are identical twins of another (the linker's shortcut)."""
    rng = random.Random(7)
    places = [("Balyun", 35.70, 36.50), ("Sarmin", 35.90, 36.72), ("Saraqib", 35.86, 36.80)]
    rows = []
    for k in range(n):
        name, lat, lon = rng.choice(places)
        rows.append(dict(
            event_id=f"e{k:03d}", origin=rng.choice(["acled", "ucdp", "gdelt", "extracted"]),
            event_date=dt.date(2020, 2, 1) + dt.timedelta(days=rng.randint(0, days)),
            date_precision=rng.choice(["day", "day", "week", "month"]),
            action=rng.choice(["kill", "attack", "capture"]),
            actor1=rng.choice(["Syrian government forces", "Turkish forces", None]),
            actor2=rng.choice(["Turkish forces", "civilians", None]),
            location=rng.choice([name, None, f"{name}, Idlib, Syria"]),
            latitude=lat + rng.uniform(-jitter, jitter), longitude=lon + rng.uniform(-jitter, jitter),
            is_running_total=rng.random() < 0.05, incident_id=None))
    frame = pd.DataFrame(rows)
    ids = compute_incident_ids(frame)
    assert_valid_incidents(frame, ids)
    assert len(set(ids)) < len(frame)  # some reports were linked


def test_rows_of_one_dataset_on_following_days_stay_apart():
    """Issue 19, item 1, by the rule alone: ACLED rows a day apart never link; a GDELT report
    of each day joins its own day, not a chain of them."""
    acled = [_row(event_id=f"a{d}", origin="acled", event_date=f"2020-02-0{d}") for d in (1, 2, 3, 4)]
    gdelt = [_row(event_id=f"g{d}", origin="gdelt", event_date=f"2020-02-0{d}") for d in (1, 2, 3, 4)]
    assert _groups(compute_incident_ids(pd.DataFrame(acled))) == [[0], [1], [2], [3]]
    assert _groups(compute_incident_ids(pd.DataFrame(gdelt + acled))) == \
        [[0, 4], [1, 5], [2, 6], [3, 7]]


def test_a_report_without_actors_joins_one_incident_only():
    """Issue 19, item 3: it matches both incidents of the place and day, and may join either."""
    frame = pd.DataFrame([
        _row(event_id="a", actor1="Turkish forces", actor2="Syrian government forces"),
        _row(event_id="b", actor1="Russian forces", actor2="Hayat Tahrir al-Sham"),
        _row(event_id="c", actor1=None, actor2=None)])
    assert reports_match(frame.iloc[0], frame.iloc[2]) and reports_match(frame.iloc[1], frame.iloc[2])
    ids = compute_incident_ids(frame)
    assert ids[0] != ids[1] and ids[2] in (ids[0], ids[1])


def test_curated_ids_are_kept_and_lent():
    frame = pd.DataFrame([_row(event_id="a", incident_id="ref-x"), _row(event_id="b"),
                          _row(event_id="c", location="Elsewhere", latitude=10.0, longitude=10.0)])
    ids = compute_incident_ids(frame)
    assert list(ids[:2]) == ["ref-x", "ref-x"] and ids[2].startswith("inc-")


def test_existing_computed_id_is_stable_when_a_report_joins():
    first = compute_incident_ids(pd.DataFrame([_row(event_id="z")]))
    frame = pd.DataFrame([_row(event_id="z", incident_id=first[0]), _row(event_id="a")])
    assert list(compute_incident_ids(frame)) == [first[0], first[0]]


def test_plan_relink_covers_the_range_with_margins():
    both = plan_relink(dt.date(2020, 1, 1), dt.date(2021, 12, 31))
    slices = both[: len(both) // 2]
    assert both[len(both) // 2:] == slices  # a second sweep merges ids split at slice edges
    assert plan_relink(dt.date(2020, 1, 1), dt.date(2020, 1, 2)) == \
        [(dt.date(2019, 10, 31), dt.date(2020, 3, 4), dt.date(2019, 12, 1), dt.date(2020, 2, 2))]
    assert slices[0][2] == dt.date(2020, 1, 1) - dt.timedelta(days=31)
    assert slices[-1][3] == dt.date(2021, 12, 31) + dt.timedelta(days=31)
    for (_, _, _, stop), (_, _, start, _) in zip(slices, slices[1:], strict=False):
        assert start == stop + dt.timedelta(days=1)
    assert all(lf < s and lt > e for lf, lt, s, e in slices)


def test_balyun_links_across_origins(store_path):
    store = open_store(str(store_path))
    for name in ("acled_sample.csv", "ucdp_ged_sample.csv", "gdelt_sample.export.CSV"):
        import_file(store, FIXTURES / name)
    rows = store.query_events(EventFilter(date_from=dt.date(2020, 2, 27), date_to=dt.date(2020, 2, 27)))
    balyun = rows[rows["event_id"].isin(["acled-SYR99001", "ucdp-352001", "gdelt-905551001"])]
    assert set(balyun["incident_id"]) == {BALYUN}
    reference = rows[(rows["origin"] == "reference") & rows["location"].str.startswith("Balyun")]
    assert set(reference["incident_id"]) == {BALYUN}
    others = store.query_events(EventFilter(countries=("AFG", "UKR", "YEM")))
    assert others["incident_id"].notna().all() and others["incident_id"].nunique() == len(others)


def test_every_event_gets_an_id_and_relinking_is_idempotent(store_path):
    store = open_store(str(store_path))
    import_file(store, FIXTURES / "acled_old.csv")
    store.relink_incidents()
    assert store.query_sql("SELECT count(*) AS n FROM events WHERE incident_id IS NULL")["n"][0] == 0
    assert store.relink_incidents() == 0


def test_update_incident_ids(store_path):
    store = open_store(str(store_path))
    import_file(store, FIXTURES / "acled_sample.csv")
    assert store.update_incident_ids({"acled-UKR88001": "manual-1"}) == 1
    got = store.query_sql("SELECT incident_id FROM events WHERE event_id = 'acled-UKR88001'")
    assert got["incident_id"][0] == "manual-1"
