"""Property tests for incident linking (hypothesis): stores whose incidents are known by design.

Each designed incident happens at one of three towns 20-45 km apart, on one day, between one of
three pairs of actors that share no side, with one action class. Its ACLED row is dated that
day; its other reports (UCDP, GDELT, articles) too, each naming the town its own way or only
giving coordinates within ~2 km, and naming both sides, one, or the sides swapped. Incidents of
one town and pair on following days are the hard case: their reports match across the days
(a day's window) and used to chain into one incident. The linker must give back exactly the
designed incidents. Random stores without a design must still give valid incidents.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflict_monitor.store.linking import compute_incident_ids
from tests.store.test_linking import _groups, assert_valid_incidents

TOWNS = [("Saraqib", 35.86, 36.80), ("Balyun", 35.70, 36.50), ("Jisr al-Shughur", 35.81, 36.32)]
PAIRS = [("Turkish forces", "Syrian government forces"), ("Russian forces", "Hayat Tahrir al-Sham"),
         ("Syrian Democratic Forces", "Islamic State")]
CLASSES = ["kill", "capture"]
FIRST_DAY = dt.date(2020, 2, 1)

incident_keys = st.tuples(st.integers(0, 2), st.integers(0, 6), st.integers(0, 2), st.integers(0, 1))
report = st.fixed_dictionaries({
    "origin": st.sampled_from(["ucdp", "gdelt", "extracted", "manual"]),
    "naming": st.sampled_from(["name", "long", "village", "coordinates"]),
    "sides": st.sampled_from(["both", "swapped", "first", "second"]),
    "attack": st.booleans(),
    "dlat": st.floats(-0.015, 0.015), "dlon": st.floats(-0.015, 0.015),
})
designs = st.lists(st.tuples(incident_keys, st.lists(report, max_size=4)),
                   min_size=1, max_size=12, unique_by=lambda d: d[0])


def _store_rows(design) -> tuple[pd.DataFrame, list[int]]:
    rows, truth = [], []
    for number, ((town, day, pair, cls), reports) in enumerate(design):
        name, lat, lon = TOWNS[town]
        side1, side2 = PAIRS[pair]
        date = FIRST_DAY + dt.timedelta(days=day)
        acled = dict(origin="acled", naming="name", sides="both", attack=False, dlat=0.0, dlon=0.0)
        seen_ucdp = False
        for r in [acled, *reports]:
            if r["origin"] == "ucdp":
                if seen_ucdp:
                    continue  # one UCDP row per incident: two would be two events by UCDP's rules
                seen_ucdp = True
            actors = {"both": (side1, side2), "swapped": (side2, side1), "first": (side1, None),
                      "second": (None, side2)}[r["sides"]]
            location = {"name": name, "long": f"{name}, Idlib, Syria", "village": f"{name} village",
                        "coordinates": None}[r["naming"]]
            action = CLASSES[cls] if not (cls == 0 and r["attack"]) else "attack"
            rows.append(dict(event_id=f"e{len(rows):03d}", origin=r["origin"], event_date=date,
                             date_precision="day", action=action, actor1=actors[0], actor2=actors[1],
                             location=location, latitude=lat + r["dlat"], longitude=lon + r["dlon"],
                             is_running_total=False, incident_id=None))
            truth.append(number)
    return pd.DataFrame(rows), truth


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs)
def test_the_linker_recovers_designed_incidents(design):
    frame, truth = _store_rows(design)
    ids = compute_incident_ids(frame)
    assert _groups(ids) == _groups(truth)
    assert_valid_incidents(frame, ids)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs, st.randoms(use_true_random=False))
def test_the_order_of_rows_does_not_change_the_incidents(design, rng):
    frame, _ = _store_rows(design)
    shuffled = frame.sample(frac=1.0, random_state=rng.randint(0, 2**31))
    assert _groups(compute_incident_ids(frame)) == \
        _groups(compute_incident_ids(shuffled).reindex(frame.index))


random_rows = st.lists(st.fixed_dictionaries({
    "origin": st.sampled_from(["acled", "ucdp", "gdelt", "extracted"]),
    "day": st.integers(0, 40), "date_precision": st.sampled_from(["day", "day", "week", "month"]),
    "action": st.sampled_from(["kill", "attack", "capture"]),
    "actor1": st.sampled_from([*PAIRS[0], *PAIRS[1], None]),
    "actor2": st.sampled_from([*PAIRS[0], None]),
    "town": st.integers(0, 2), "named": st.booleans(), "dlat": st.floats(-0.06, 0.06),
    "is_running_total": st.booleans(),
}), max_size=40)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_rows)
def test_random_stores_give_valid_incidents(rows):
    """No design: every incident obeys the pair rule whole (spans at most its widest window, at
    most one row per curated dataset) and no two incidents could be one."""
    frame = pd.DataFrame([dict(
        event_id=f"e{k:03d}", origin=r["origin"], event_date=FIRST_DAY + dt.timedelta(days=r["day"]),
        date_precision=r["date_precision"], action=r["action"], actor1=r["actor1"],
        actor2=r["actor2"], location=TOWNS[r["town"]][0] if r["named"] else None,
        latitude=TOWNS[r["town"]][1] + r["dlat"], longitude=TOWNS[r["town"]][2],
        is_running_total=r["is_running_total"] and r["day"] % 3 == 0, incident_id=None)
        for k, r in enumerate(rows)], columns=["event_id", "origin", "event_date", "date_precision",
                                                "action", "actor1", "actor2", "location", "latitude",
                                                "longitude", "is_running_total", "incident_id"])
    if frame.empty:
        assert compute_incident_ids(frame).empty
        return
    assert_valid_incidents(frame, compute_incident_ids(frame))
