"""The shipped reference of control changes and the sides table give the right side on known days."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from conflict_monitor.control.claims import (
    compute_claims_from_events,
    select_territorial_events,
)
from conflict_monitor.control.model import compute_control_as_of
from conflict_monitor.control.reference import compute_place_key, load_control_changes
from conflict_monitor.control.sides import compute_side, compute_side_lookup, load_sides

D = dt.date
GOV, OPP = "Syrian government", "Syrian opposition"


@pytest.fixture(scope="module")
def shipped():
    return load_control_changes()


def _side(claims: pd.DataFrame, place: str, day: dt.date) -> tuple[str, str | None]:
    row = compute_control_as_of(claims, day).set_index("place").loc[place].to_dict()
    return row["status"], row["side"] if isinstance(row["side"], str) else None


@pytest.mark.parametrize("place, day, expected", [
    ("Khan Shaykhun", D(2019, 8, 20), ("held", OPP)),
    ("Khan Shaykhun", D(2019, 8, 21), ("contested", None)),  # SOHR on the 21st, the army on the 22nd
    ("Khan Shaykhun", D(2019, 8, 22), ("held", GOV)),
    ("Khan Shaykhun", D(2020, 3, 5), ("held", GOV)),
    ("Maarat al-Numan", D(2020, 1, 27), ("held", OPP)),
    ("Maarat al-Numan", D(2020, 1, 28), ("contested", None)),  # state media vs the monitor
    ("Maarat al-Numan", D(2020, 1, 29), ("held", GOV)),
    ("Saraqib", D(2020, 2, 4), ("held", OPP)),
    ("Saraqib", D(2020, 2, 5), ("contested", None)),  # monitor 5 Feb, army 6 Feb
    ("Saraqib", D(2020, 2, 6), ("held", GOV)),
    ("Saraqib", D(2020, 2, 26), ("held", GOV)),
    ("Saraqib", D(2020, 2, 27), ("contested", None)),  # rebels and SOHR vs a Russian denial
    ("Saraqib", D(2020, 2, 28), ("held", OPP)),
    ("Saraqib", D(2020, 3, 1), ("held", OPP)),
    ("Saraqib", D(2020, 3, 2), ("held", GOV)),
    ("Kafr Nabudah", D(2019, 5, 23), ("held", OPP)),
    ("Kafr Nabudah", D(2019, 5, 26), ("held", GOV)),
    ("Kafr Nabl", D(2020, 3, 2), ("contested", None)),  # an unconfirmed, denied claim
    ("Kafr Nabl", D(2020, 3, 3), ("held", GOV)),
    ("Nayrab", D(2020, 2, 11), ("contested", None)),  # Turkish MoD's unconfirmed claim
    ("Nayrab", D(2020, 2, 12), ("held", GOV)),
    ("Nayrab", D(2020, 2, 26), ("held", OPP)),
])
def test_shipped_data_gives_the_side_on_known_days(shipped, place, day, expected):
    assert _side(shipped[1], place, day) == expected


def test_the_reference_covers_enough_places_and_every_row_has_a_source(shipped):
    places, claims = shipped
    assert len(places) >= 25
    assert claims["source_url"].str.startswith("http").all()
    assert claims["reported_by"].str.len().gt(0).all()
    assert set(places["admin1"]) == {"Idlib", "Aleppo", "Hama"}
    assert claims["date"].between(D(2019, 4, 1), D(2020, 3, 31)).all()
    assert (claims.loc[claims["place"] == "Saraqib", "claim"] == "taken").sum() >= 4  # three changes


def test_reference_places_lie_in_their_governorate(shipped):
    from conflict_monitor.geo.admin import compute_admin1
    placed = shipped[0].dropna(subset=["latitude"])
    assert len(placed) >= 20
    for row in placed.itertuples():
        assert compute_admin1(row.latitude, row.longitude) == row.admin1, row.place


def test_a_bad_reference_row_names_its_line(tmp_path: Path):
    good = Path(load_control_changes.__defaults__[0]).read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "changes.csv"
    bad.write_text("\n".join([good[0], good[1].replace(",taken,", ",conquered,")]) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"changes.csv line 2: claim 'conquered'"):
        load_control_changes(bad)


def test_sides_group_allies_and_scope_by_country():
    lookup = compute_side_lookup(load_sides())
    assert compute_side("Russian forces", "SYR", lookup) == GOV
    assert compute_side("Russian forces", "UKR", lookup) == "Russia"
    assert compute_side("National Front for Liberation", "SYR", lookup) == OPP  # alias of Syrian rebels
    assert compute_side("Turkish forces", "SYR", lookup) == OPP
    assert compute_side("civilians", "SYR", lookup) is None
    assert compute_side("Syrian government forces", "UKR", lookup) is None


def test_an_actor_on_two_sides_is_refused(tmp_path: Path):
    path = tmp_path / "sides.csv"
    path.write_text("conflict,countries,side,actor\nc,SYR,A,Turkey\nc,SYR,B,Turkey\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'Turkey' is on two sides in SYR"):
        load_sides(path)


def _events(**overrides) -> pd.DataFrame:
    base = {"event_id": "x1", "event_date": D(2020, 2, 5), "action": "capture", "cameo_code": "192",
            "sub_event_type": "Government regains territory", "actor1": "Syrian army",
            "actor2": "HTS", "country": "SYR", "location": "Saraqeb", "latitude": 35.86,
            "longitude": 36.80, "geo_precision": 1, "is_running_total": False, "origin": "extracted",
            "source": "AFP", "reported_by": "SOHR", "source_url": "https://example.org/a",
            "evidence": "Regime forces took Saraqeb.", "date_precision": "day"}
    base.update(overrides)
    return pd.DataFrame([base])


def test_territorial_events_become_claims_about_known_places(shipped):
    places = shipped[0]
    lookup = compute_side_lookup(load_sides())
    claims = compute_claims_from_events(_events(), places, lookup)
    row = claims.iloc[0]
    assert (row["place"], row["side"], row["from_side"], row["event_id"]) == ("Saraqib", GOV, OPP, "x1")
    assert row["evidence"] == "Regime forces took Saraqeb."
    # by distance when the spelling is unknown; a new town when nowhere near a known place
    near = compute_claims_from_events(_events(location="Saraqib city centre", latitude=35.87), places, lookup)
    assert near.iloc[0]["place"] == "Saraqib"
    new = compute_claims_from_events(_events(location="Tall Faraj", latitude=35.0, longitude=37.5), places, lookup)
    assert new.iloc[0]["place_id"] == compute_place_key("Tall Faraj")
    # a province-level report or an actor with no side is not a claim
    assert compute_claims_from_events(_events(location="Idlib province", latitude=35.8, longitude=36.6,
                                              geo_precision=3), places, lookup).empty
    assert compute_claims_from_events(_events(actor1="civilians"), places, lookup).empty


@pytest.mark.parametrize("overrides, kept", [
    ({"action": "other", "cameo_code": "192", "sub_event_type": None}, True),  # GDELT occupy territory
    ({"action": "other", "cameo_code": "190", "sub_event_type": "Non-state actor overtakes territory"}, True),
    ({"action": "attack", "cameo_code": "190", "sub_event_type": "Armed clash"}, False),
    ({"action": "encircle", "cameo_code": "191", "sub_event_type": "Armed clash"}, False),
    ({"action": "encircle", "cameo_code": "191", "sub_event_type": "Government regains territory"}, False),
    ({"is_running_total": True}, False),
])
def test_which_events_count_as_territorial(overrides, kept):
    assert len(select_territorial_events(_events(**overrides))) == int(kept)
