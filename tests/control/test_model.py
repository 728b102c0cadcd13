"""The control model on hand-computed tables."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from conflict_monitor.control.model import (
    compute_changes_per_week,
    compute_contested_days,
    compute_control_as_of,
    compute_place_history,
)
from conflict_monitor.control.reference import CLAIM_COLUMNS

D = dt.date
GOV, OPP = "Government", "Opposition"


def claim(place: str, day: dt.date, kind: str, side: str, from_side: str | None = None,
          source: str = "S", evidence: str = "") -> dict:
    return {"place_id": place.lower(), "place": place, "latitude": 35.0, "longitude": 36.0, "admin1": "A",
            "country": "SYR", "date": day, "date_approx": False, "claim": kind, "side": side,
            "from_side": from_side, "origin": "test", "event_id": f"{place}-{day}-{kind}-{side}-{source}",
            "source": source, "reported_by": source, "source_url": "https://example.org/" + source,
            "evidence": evidence}


def table(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(CLAIM_COLUMNS))


def status(claims: pd.DataFrame, day: dt.date, place: str = "Town") -> dict:
    frame = compute_control_as_of(claims, day).set_index("place")
    return frame.loc[place].to_dict()


# Captured 1 May, retaken 10 May, captured again 20 May: three hand-set changes, no overlap.
SEESAW = table(claim("Town", D(2019, 5, 1), "taken", GOV, OPP, "A", "army entered the town"),
               claim("Town", D(2019, 5, 10), "taken", OPP, GOV, "B", "rebels retook it"),
               claim("Town", D(2019, 5, 20), "taken", GOV, OPP, "C", "army took it again"))


@pytest.mark.parametrize("day, side, since", [
    (D(2019, 4, 30), OPP, None),  # before any report: the side the first change took it from
    (D(2019, 5, 1), GOV, D(2019, 5, 1)),
    (D(2019, 5, 9), GOV, D(2019, 5, 1)),
    (D(2019, 5, 10), OPP, D(2019, 5, 10)),
    (D(2019, 5, 19), OPP, D(2019, 5, 10)),
    (D(2019, 5, 20), GOV, D(2019, 5, 20)),
    (D(2020, 1, 1), GOV, D(2019, 5, 20)),
])
def test_captured_retaken_captured_again(day, side, since):
    row = status(SEESAW, day)
    assert (row["status"], row["side"], row["since"]) == ("held", side, since)


def test_each_status_keeps_the_evidence_behind_it():
    row = status(SEESAW, D(2019, 5, 12))
    assert [c["evidence"] for c in row["claims"]] == ["rebels retook it"]
    assert status(SEESAW, D(2019, 4, 1))["claims"][0]["evidence"] == "army entered the town"


def test_changed_hands_in_the_seven_days_up_to_the_day():
    assert status(SEESAW, D(2019, 5, 16))["changed_recently"]  # 10 May is 6 days before
    assert not status(SEESAW, D(2019, 5, 17))["changed_recently"]  # 7 days: no longer
    assert not status(SEESAW, D(2019, 4, 30))["changed_recently"]


def test_changes_per_week_count_gains_and_losses():
    weeks = compute_changes_per_week(SEESAW).set_index(["week", "side"])
    # 1 May 2019 was a Wednesday: week of Monday 29 Apr
    assert weeks.loc[(D(2019, 4, 29), GOV), ["gained", "lost"]].tolist() == [1, 0]
    assert weeks.loc[(D(2019, 4, 29), OPP), ["gained", "lost"]].tolist() == [0, 1]
    assert weeks.loc[(D(2019, 5, 6), OPP), "gained"] == 1  # 10 May
    assert weeks.loc[(D(2019, 5, 20), GOV), "places_gained"] == "Town"
    assert int(weeks["gained"].sum()) == 3 and int(weeks["lost"].sum()) == 3


def test_state_media_says_taken_a_monitor_says_still_fighting_is_contested_that_day():
    claims = table(claim("Town", D(2020, 1, 28), "taken", GOV, OPP, "state TV"),
                   claim("Town", D(2020, 1, 28), "disputed", OPP, None, "monitor", "fighting inside"),
                   claim("Town", D(2020, 1, 29), "taken", GOV, OPP, "army"))
    day = status(claims, D(2020, 1, 28))
    assert day["status"] == "contested" and day["side"] is None
    assert day["sides"] == f"{GOV} / {OPP}"
    assert {c["source"] for c in day["claims"]} == {"state TV", "army", "monitor"}  # both claims shown
    assert status(claims, D(2020, 1, 29))["side"] == GOV
    assert status(claims, D(2020, 1, 27))["side"] == OPP
    contested = compute_contested_days(claims)
    assert contested["date"].tolist() == [D(2020, 1, 28)]


def test_an_unconfirmed_claim_is_contested_on_its_day_and_the_holder_stays():
    claims = table(claim("Town", D(2020, 2, 25), "taken", GOV, OPP, "monitor"),
                   claim("Town", D(2020, 3, 2), "claimed", OPP, GOV, "some reports"),
                   claim("Town", D(2020, 3, 2), "disputed", GOV, None, "army source"))
    assert status(claims, D(2020, 3, 2))["status"] == "contested"
    assert status(claims, D(2020, 3, 3))["side"] == GOV
    assert status(claims, D(2020, 3, 3))["since"] == D(2020, 2, 25)
    assert compute_changes_per_week(claims)["gained"].sum() == 1  # the claim changed nothing


def test_an_encirclement_only_is_no_change_of_control():
    from conflict_monitor.control.claims import compute_claims_from_events
    from conflict_monitor.control.sides import compute_side_lookup
    sides = pd.DataFrame([{"conflict": "c", "countries": "SYR", "side": GOV, "actor": "Syrian government forces"},
                          {"conflict": "c", "countries": "SYR", "side": OPP, "actor": "Turkish forces"}])
    events = pd.DataFrame([{
        "event_id": "e1", "event_date": D(2019, 8, 23), "action": "encircle", "cameo_code": "191",
        "sub_event_type": "Armed clash", "actor1": "Syrian government forces", "actor2": "Turkish forces",
        "country": "SYR", "location": "Morek", "latitude": 35.38, "longitude": 36.69, "geo_precision": 1,
        "is_running_total": False, "origin": "extracted", "source": "AFP", "evidence": "surrounded the post"}])
    places = pd.DataFrame(columns=["place_id", "place", "alt_names", "latitude", "longitude", "admin1", "country"])
    claims = compute_claims_from_events(events, places, compute_side_lookup(sides))
    assert claims.empty
    assert compute_control_as_of(claims, D(2019, 8, 24)).empty
    assert compute_changes_per_week(claims).empty


def test_two_sources_a_day_apart_are_contested_between_them():
    claims = table(claim("Town", D(2019, 8, 21), "taken", GOV, OPP, "monitor"),
                   claim("Town", D(2019, 8, 22), "taken", GOV, OPP, "army"))
    first = status(claims, D(2019, 8, 21))
    assert first["status"] == "contested"
    assert {c["source"] for c in first["claims"]} == {"monitor", "army"}
    second = status(claims, D(2019, 8, 22))
    assert (second["status"], second["side"], second["since"]) == ("held", GOV, D(2019, 8, 21))
    assert status(claims, D(2019, 8, 20))["side"] == OPP
    assert len(compute_changes_per_week(claims)) == 2  # one change: gained once, lost once


def test_opposite_claims_within_the_window_are_contested_until_the_later():
    claims = table(claim("Town", D(2020, 2, 1), "taken", OPP, GOV, "rebels"),
                   claim("Town", D(2020, 2, 3), "taken", GOV, OPP, "army"))
    assert [status(claims, D(2020, 2, d))["status"] for d in (1, 2, 3)] == ["contested", "contested", "held"]
    assert status(claims, D(2020, 2, 3))["side"] == GOV


def test_a_place_with_no_known_first_holder_is_unknown_before_its_first_report():
    claims = table(claim("Town", D(2020, 2, 1), "taken", GOV))
    assert status(claims, D(2020, 1, 31))["status"] == "unknown"
    assert status(claims, D(2020, 2, 1))["side"] == GOV


def test_history_lists_every_claim_in_order():
    history = compute_place_history(SEESAW, "town")
    assert history["date"].tolist() == [D(2019, 5, 1), D(2019, 5, 10), D(2019, 5, 20)]
    assert history["reported_by"].tolist() == ["A", "B", "C"]


def test_as_of_must_be_a_date():
    with pytest.raises(ValueError, match="as_of"):
        compute_control_as_of(SEESAW, "2020-01-01")


def test_a_missing_loser_read_as_nan_is_no_side():
    # claims from events (from_side None) concatenated with reference claims hold NaN there; the
    # map page failed on it with "'<' not supported between 'float' and 'str'" (synthetic store)
    claims = table(claim("Town", D(2020, 2, 1), "taken", GOV, float("nan"), "army"),
                   claim("Town", D(2020, 2, 2), "taken", OPP, float("nan"), "rebels"))
    assert status(claims, D(2020, 2, 1))["status"] == "contested"
    assert status(claims, D(2020, 1, 31))["status"] == "unknown"
