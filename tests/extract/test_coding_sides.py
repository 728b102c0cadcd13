"""Sentence kinds seen on articles about other wars (issue 12): targets that "came under fire",
tolls of one side of a fight, past wars described in passing, sub-counts beside a total.
Every sentence here is invented for the test (no real conflict's groups)."""

from __future__ import annotations

import datetime as dt

import pytest

from conflict_monitor.extract.pipeline import extract_article

DAY = dt.date(2024, 5, 16)  # a Thursday: "on Monday" is 13 May


def _events(text: str, action: str | None = None) -> list[dict]:
    events = extract_article(text, published=DAY).events
    return [e for e in events if action is None or e["action"] == action]


def test_a_war_of_earlier_years_described_in_passing_is_background():
    text = ("Both men were on opposing sides of an insurgency from 2009 to 2015 that killed about 30,000 "
            "people. Gunmen killed 12 villagers near Gao on Monday.")
    assert [e["fatalities"] for e in _events(text, "kill")] == [12]


def test_what_came_under_fire_is_the_target_not_the_attacker():
    text = "A United Nations helicopter came under fire near Goma on Monday, killing two crew members."
    kills = _events(text, "kill")
    assert [(e["actor1"], e["actor2"], e["fatalities"]) for e in kills] == [(None, "UN", 2)]


def test_a_base_under_attack_is_not_the_attacker():
    attacks = _events("The Kenyan army base came under attack in Garissa on Monday.", "attack")
    assert [(e["actor1"], e["actor2"]) for e in attacks] == [(None, "Kenyan forces")]


def test_tolls_of_both_sides_of_a_fight_are_each_the_other_sides_act():
    text = ("The Northern Valley Liberation Front (NVLF) said it had seized the town of Gao from Malian "
            "troops on Monday. An NVLF commander said that many Malian soldiers had been killed and that "
            "more than 15 NVLF fighters had died.")
    kills = {e["actor2"]: e["actor1"] for e in _events(text, "kill")}
    assert kills == {"Malian forces": "Northern Valley Liberation Front",
                     "Northern Valley Liberation Front": "Malian forces"}


def test_a_side_admitting_its_losses_was_hit_by_the_other_side():
    text = ("The Northern Valley Liberation Front (NVLF) said its fighters clashed with Malian troops near "
            "Gao on Monday. The army said the rebels had fled. Aid workers reached the town on Tuesday. "
            "It admitted losing nine of its own fighters, the NVLF said.")
    kills = _events(text, "kill")
    assert [(e["actor1"], e["actor2"], e["fatalities"]) for e in kills] == [
        ("Malian forces", "Northern Valley Liberation Front", 9)]


def test_a_toll_of_an_air_strike_of_its_own_keeps_no_attacker():
    text = ("The Northern Valley Liberation Front (NVLF) said its fighters clashed with Malian troops near "
            "Gao on Monday. The army said the rebels had fled. Aid workers reached the town on Tuesday. "
            "The defence minister said two Malian soldiers had been killed in an air strike near Ansongo.")
    assert [(e["actor1"], e["actor2"]) for e in _events(text, "kill")] == [(None, "Malian forces")]


def test_dissidents_of_a_named_body_are_a_group_of_their_own():
    text = "Fighting between rival factions of NVLF dissidents left 14 people dead in the Gao region on Monday."
    assert [(e["actor1"], e["fatalities"]) for e in _events(text, "kill")] == [("NVLF dissidents", 14)]


def test_a_toll_since_clashes_between_two_sides_is_neither_sides_act():
    text = ("Thousands have fled since the clashes between the Northern Valley Liberation Front and the Malian "
            "army began on Monday, and more than 80 have been killed, officials said.")
    assert [(e["actor1"], e["fatalities"]) for e in _events(text, "kill")] == [(None, 80)]


def test_a_bare_number_with_a_qualifier_is_the_toll():
    assert [e["fatalities"] for e in _events("More than 80 have been killed near Gao since Monday.", "kill")] == [80]


@pytest.mark.parametrize("text", [
    "The Northern Valley Liberation Front has stepped up attacks across the Gao region in recent weeks.",
    "The army says the NVLF has intensified its raids against villages near Gao.",
])
def test_a_side_stepping_up_its_attacks_is_a_trend_not_an_attack(text):
    assert _events(text, "attack") == []


def test_a_single_offensive_stepped_up_is_still_an_attack():
    assert len(_events("The NVLF stepped up its offensive on Gao on Monday.", "attack")) == 1


def test_a_breakdown_of_a_toll_told_before_is_not_counted_again():
    text = ("At least 35 gang members were killed in Gao on Monday during a police operation. About 20 of the "
            "gang members were killed by police in street fighting, while some 15 others were killed in drone "
            "strikes, a rights group said.")
    assert [e["fatalities"] for e in _events(text, "kill")] == [35]


def test_a_part_of_the_other_side_is_not_a_breakdown():
    text = ("Gunmen killed 23 villagers in Gao on Monday, the governor said. Soldiers intervened and killed two "
            "of the attackers.")
    assert sorted(e["fatalities"] for e in _events(text, "kill")) == [2, 23]


def test_a_site_placed_near_two_villages_is_one_attack():
    text = ("Fighting in Mali\n\nFighters of the Northern Valley Liberation Front (NVLF) attacked an army camp "
            "near Ansongo and Bourem in northern Mali on Monday.")
    assert len(_events(text, "attack")) == 1


def test_strikes_on_two_villages_are_two_attacks():
    text = "Fighting in Mali\n\nNVLF fighters shelled Ansongo and Bourem in northern Mali on Monday."
    assert sorted(e["location"] for e in _events(text, "attack")) == ["Ansongo", "Bourem"]


def test_a_state_and_its_forces_hit_in_one_sentence_are_one_attack():
    text = ("Fighting in Mali\n\nGunmen of the Northern Valley Liberation Front attacked the Malian government "
            "offices in Gao on Monday after setting fire to a police station.")
    assert len(_events(text, "attack")) == 1


@pytest.mark.parametrize("text,action", [
    ("Fighting in Mali\n\nTwo jet fighters bombed a market in Ansongo on Monday, killing 12 people, residents said.",
     "kill"),
    ("Fighting in Mali\n\nA helicopter fired on the village of Bourem on Monday, residents said.", "attack"),
])
def test_warplanes_named_without_an_owner_are_the_main_countrys_forces(text, action):
    assert [e["actor1"] for e in _events(text, action)] == ["Malian forces"]


def test_a_warplane_of_a_named_state_stays_that_states():
    text = "Fighting in Mali\n\nA Russian helicopter fired on the village of Bourem on Monday, residents said."
    assert [e["actor1"] for e in _events(text, "attack")] == ["Russian forces"]


def test_attacks_foiled_did_not_take_place():
    assert _events("Troops also foiled attacks on farmers in Gao on Monday, the army said.", "attack") == []


def test_a_fight_survived_is_referred_to_not_reported():
    text = "Six soldiers who survived last week's fighting with the NVLF near Gao were flown to Bamako on Monday."
    assert _events(text, "attack") == []


def test_killing_them_repeats_deaths_already_told():
    text = ("Five people were killed when gunmen raided the village of Bourem on Monday night, residents said. "
            "The gunmen went to two houses, called out their victims by name and killed them.")
    assert [e["fatalities"] for e in _events(text, "kill")] == [5]


@pytest.mark.parametrize("text", [
    "Fighting in Mali\n\nThe town of Bourem was attacked and overrun by the Northern Valley Liberation Front "
    "on Monday.",
    "Fighting in Mali\n\nThe Northern Valley Liberation Front attacked and overran the town of Bourem on Monday.",
])
def test_attacked_and_overrun_is_one_capture_by_the_shared_agent(text):
    events = _events(text)
    assert [(e["action"], e["actor1"]) for e in events] == [("capture", "Northern Valley Liberation Front")]


def test_an_attack_and_a_capture_with_subjects_of_their_own_are_two_acts():
    text = ("Fighting in Mali\n\nSoldiers of the Malian army pounded Bourem with artillery on Monday, and the army "
            "took back control of the town on Tuesday.")
    assert {e["action"] for e in _events(text)} == {"attack", "capture"}


def test_a_side_said_to_step_up_attacks_is_accused_by_the_speaker():
    text = ("Fighting in Mali\n\nThe Malian government said on Monday that the Northern Valley Liberation Front "
            "has intensified its attacks on civilians.")
    assert [(e["action"], e["actor1"], e["actor2"]) for e in _events(text)] == [
        ("accuse", "Mali", "Northern Valley Liberation Front")]


@pytest.mark.parametrize("text", [
    "Mali\n\nThe defence minister said Mali would respond in the strongest way to the attack.",
    "Mali\n\nThe Malian government reserved the right to respond to any attack by the NVLF.",
    "Mali\n\nHe said Mali would not hesitate to use force if its troops came under attack again.",
])
def test_reported_promises_of_a_response_are_threats(text):
    assert [(e["action"], e["actor1"]) for e in _events(text)] == [("threaten", "Mali")]


def test_a_response_ruled_out_is_no_threat():
    assert _events("Mali\n\nThe minister said Mali would not respond to the provocation.") == []


def test_a_speaker_named_in_apposition_to_a_title_is_credited_by_name():
    text = ("Mali\n\nThe mayor of the town of Bourem, Moussa Ag Ibrahim, told reporters that gunmen killed five "
            "villagers on Monday.")
    assert [e["reported_by"] for e in _events(text, "kill")] == ["Moussa Ag Ibrahim"]


def test_he_says_is_credited_to_the_reporter_named_before():
    text = ("Mali\n\nThe mayor of the town of Bourem, Moussa Ag Ibrahim, told reporters that gunmen killed five "
            "villagers on Monday. Some young people were kidnapped, he says.")
    assert [e["reported_by"] for e in _events(text)] == ["Moussa Ag Ibrahim", "Moussa Ag Ibrahim"]


@pytest.mark.parametrize("text,source", [
    ("Mali\n\nHospital sources put the toll from Monday's attack on Bourem at 14.", "Hospital sources"),
    ("Mali\n\nAn NVLF statement on Monday put the number killed in Bourem at three.", "NVLF"),
])
def test_who_puts_a_toll_at_a_number_is_its_source(text, source):
    assert [e["reported_by"] for e in _events(text, "kill")] == [source]


def test_the_group_said_is_credited_to_the_group_named_last():
    text = ("Mali\n\nThe Northern Valley Liberation Front (NVLF) attacked Malian troops near Gao on Monday. "
            "The group said 12 soldiers were killed.")
    assert [e["reported_by"] for e in _events(text, "kill")] == ["Northern Valley Liberation Front"]


def test_a_toll_of_separate_attacks_is_not_the_last_attackers():
    text = ("The Northern Front raided the village of Kalamu on Monday, killing 12 people. "
            "At least nine people were killed in separate attacks on Tuesday.")
    kills = {e["fatalities"]: e["actor1"] for e in _events(text, "kill")}
    assert kills == {12: "Northern Front", 9: None}


@pytest.mark.parametrize("told", [
    "Northern Front spokesman Ag Ali later told reporters that 15 people had died.",
    "The Northern Front reports some 15 people killed.",
])
def test_a_toll_the_victims_side_tells_is_the_attackers_act(told):
    text = f"Malian warplanes bombed a clinic run by the Northern Front near Gao on Monday. {told}"
    kills = [e["actor1"] for e in _events(text, "kill") if e["fatalities"] == 15]
    assert kills == ["Malian forces"]
