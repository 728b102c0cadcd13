"""Sentence-level coding: several events in one sentence, ceasefires and ultimatums as nouns,
numbers that are not deaths of the incident, running totals with their start."""

from __future__ import annotations

import datetime as dt

import pytest

from conflict_monitor.extract.pipeline import extract_article

DAY = dt.date(2024, 5, 16)  # a Thursday: "on Monday" is 13 May


def _events(text: str, action: str | None = None) -> list[dict]:
    events = extract_article(text, published=DAY).events
    return [e for e in events if action is None or e["action"] == action]


@pytest.mark.parametrize("text,deaths", [
    ("A Russian missile strike on Monday killed three civilians and wounded at least 12.", 3),
    ("Syrian shelling killed five Turkish soldiers and wounded five others on Monday.", 5),
    ("Syrian shelling killed seven Turkish soldiers and a civilian contractor on Monday.", 8),
    ("Troops killed nine terrorists in Borno on Monday.", 9),
    ("The attack on Monday, in which 300 fighters took part, killed 9 soldiers.", 9),
    ("Gunmen killed 12 people in the town of 20,000 residents on Monday.", 12),
    ("A drone strike killed five people 20 km from Goma on Monday.", 5),
])
def test_the_death_figure_of_the_incident_not_other_numbers(text, deaths):
    assert [e["fatalities"] for e in _events(text, "kill")] == [deaths]


def test_kill_plus_displace_are_two_events_on_the_shared_date():
    kill = _events("The strike killed 12 people and displaced 3,000 residents on Monday.", "kill")
    displace = _events("The strike killed 12 people and displaced 3,000 residents on Monday.", "displace")
    assert [(e["fatalities"], e["event_date"]) for e in kill] == [(12, "2024-05-13")]
    assert [e["event_date"] for e in displace] == ["2024-05-13"] and displace[0]["fatalities"] is None


def test_attack_plus_capture_are_two_events():
    events = _events("Russian forces captured the town of Avdiivka on Monday and killed 20 Ukrainian soldiers.")
    assert {e["action"] for e in events} == {"capture", "kill"}


def test_seizing_equipment_is_not_capturing_a_place():
    assert _events("Syrian rebels seized 12 vehicles and four tanks on Monday.", "capture") == []


def test_toll_brought_to_a_number_is_a_running_total_beside_the_incident():
    text = ("The Syrian Observatory for Human Rights says Turkish drone strikes killed 19 Syrian soldiers on Monday, "
            "bringing the number of government troops killed by Turkish fire since Thursday to at least 74.")
    kills = sorted(_events(text, "kill"), key=lambda e: e["fatalities"])
    assert [(e["fatalities"], e["is_running_total"]) for e in kills] == [(19, False), (74, True)]
    assert kills[1]["period_start"] == "2024-05-09" and kills[1]["fatalities_qualifier"] == "at_least"


@pytest.mark.parametrize("text,deaths", [
    ("Radio Okapi reports a death toll of 43 in Komanda.", 43),
    ("Security sources had put the toll from the assault at around 60 dead.", 60),
])
def test_a_toll_put_at_a_number_is_a_kill(text, deaths):
    assert [e["fatalities"] for e in _events(text, "kill")] == [deaths]


def test_a_toll_without_a_number_is_no_event():
    assert _events("The police said a full toll would be released later. Sudan's RSF presses on as the toll mounts.",
                   "kill") == []


@pytest.mark.parametrize("text,start", [
    ("The insurgency has killed more than 40,000 people in northeastern Nigeria since 2009.", "2009-01-01"),
    ("Troops of the Armed Forces of Nigeria killed 36 terrorists across the country in the last two weeks.",
     "2024-05-02"),
])
def test_period_tallies_are_running_totals_with_their_start(text, start):
    kill = _events(text, "kill")[0]
    assert kill["is_running_total"] and kill["period_start"] == start
    assert (kill["event_date"], kill["date_precision"]) == ("2024-05-16", "month")


def test_an_earlier_years_offensive_is_background():
    kills = _events("About 1,000 troops were killed in the 2019 offensive, and on Monday rebels killed 4 soldiers.",
                    "kill")
    assert [e["fatalities"] for e in kills] == [4]


@pytest.mark.parametrize("text", [
    "Russia and Turkey agreed on Monday to a ceasefire in Idlib.",
    "A truce brokered by Qatar came into force in Gaza on Monday.",
    "Hamas and Israel agreed a ceasefire on Monday.",
])
def test_ceasefires_as_nouns(text):
    events = _events(text, "ceasefire")
    assert len(events) == 1 and events[0]["event_date"] == "2024-05-13"


def test_a_call_for_a_ceasefire_or_its_collapse_is_not_one():
    assert _events("The UN called for a ceasefire on Monday. The ceasefire collapsed on Tuesday.", "ceasefire") == []


def test_giving_hours_to_comply_is_an_ultimatum():
    events = _events("Turkey gave Syrian forces 48 hours to withdraw from the town on Monday.", "ultimatum")
    assert [e["actor1"] for e in events] == ["Turkey"]


@pytest.mark.parametrize("text,deaths", [
    ("At least six people were beheaded on Monday.", 6),
    ("A boy was beaten to death by a crowd on Monday.", 1),
    ("Seven soldiers fell with honour during the fighting on Monday, the statement added.", 7),
    ("An air strike on Monday killed a teacher and wounded five people.", 1),
    ("An Islamic State statement on Monday put the number killed in Nguida at three.", 3),
])
def test_other_ways_of_telling_deaths(text, deaths):
    assert [e["fatalities"] for e in _events(text, "kill")] == [deaths]


def test_the_number_of_wounded_is_no_toll():
    assert _events("Early reports had put the number of wounded at 16.", "kill") == []


def test_who_reports_a_toll_did_not_kill():
    events = _events("Radio Okapi, the UN-backed broadcaster, reports a death toll of 43 on Monday.", "kill")
    assert [(e["fatalities"], e["actor1"]) for e in events] == [(43, None)]


def test_a_toll_as_it_stands_is_a_running_total():
    kill = _events("Saturday's toll stood at 60.", "kill")[0]
    assert (kill["fatalities"], kill["is_running_total"]) == (60, True)


def test_a_toll_after_an_attack_is_that_attackers_act_on_its_day():
    text = ("Military jets bombed a hospital in Sittwe on Monday, the Arakan Army said. "
            "It said 17 people were killed and 10 others were wounded.")
    kills = _events(text, "kill")
    assert [(e["actor1"], e["fatalities"], e["event_date"]) for e in kills] == [(kills[0]["actor1"], 17, "2024-05-13")]
    assert kills[0]["actor1"] is not None and kills[0]["actor1"] == _events(text, "attack")[0]["actor1"]


def test_an_armed_group_telling_a_toll_claims_the_act():
    kills = _events("Islamic State said in a statement that four soldiers were killed in Macomia on Monday.", "kill")
    assert [(e["actor1"], e["fatalities"]) for e in kills] == [("Islamic State", 4)]


def test_deaths_without_a_killer_take_no_attacker_from_before():
    text = "Rebels shelled the town of Saraqib on Monday. Five members of one family died when their house collapsed."
    assert [e["actor1"] for e in _events(text, "kill")] == [None]


@pytest.mark.parametrize("text", [
    "At least 12 people were killed in a night raid on Oicha on Monday that officials blamed on the Allied "
    "Democratic Forces.",
    "A local NGO gave a toll of 12 dead in Oicha on Monday and blamed the Allied Democratic Forces.",
])
def test_deaths_blamed_on_a_side_are_its_act(text):
    assert [e["actor1"] for e in _events(text, "kill")] == ["Allied Democratic Forces"]


@pytest.mark.parametrize("text,action", [
    ("The army drove the rebels out of the town of Bulo Burde during a 2019 offensive.", "attack"),
    ("Rwandan troops have been deployed in Cabo Delgado since July 2021.", "deploy"),
])
def test_background_of_earlier_years_is_no_event(text, action):
    assert _events(text, action) == []


def test_a_year_in_a_sentence_with_its_own_day_keeps_the_act():
    events = _events("Rebels attacked the town of Bulo Burde on Monday, breaking a 2019 truce.", "attack")
    assert [e["event_date"] for e in events] == ["2024-05-13"]


def test_people_who_fled_are_the_displaced_not_the_displacer():
    events = _events("Most residents of Sittwe had already fled on Monday when the fighting began.", "displace")
    assert [(e["actor1"], e["actor2"]) for e in events] == [(None, events[0]["actor2"])]
    assert events[0]["actor2"] is not None


def test_a_leader_named_by_title_speaks_for_the_state():
    text = ("Two soldiers were killed in a bombing at a base in Puerto Jordan, Colombia, on Tuesday. "
            "President Gustavo Petro condemned the bombing.")
    assert [e["actor1"] for e in _events(text, "accuse")] == ["Colombia"]


def test_a_title_with_another_country_is_not_the_main_state():
    text = ("Two soldiers were killed in a bombing at a base in Puerto Jordan, Colombia, on Tuesday. "
            "French President Emmanuel Macron condemned the bombing.")
    assert "Colombia" not in [e["actor1"] for e in _events(text, "accuse")]


def test_deaths_in_a_sides_attack_are_its_act():
    text = "We lost six soldiers in the ISWAP fighters' attack on the base in Damboa on Monday, an officer said."
    assert [e["actor1"] for e in _events(text, "kill")] == ["ISWAP"]


def test_the_headlines_in_country_is_the_story_country_over_a_neighbour_named_more():
    text = ("Clashes between rival militias spread in eastern Chad\n\n"
            "Sudan says it has opened its border to people fleeing the fighting. "
            "Officials in Sudan say thousands of families have crossed into Sudanese territory since Monday.\n\n"
            "The army has deployed about 2,000 troops to the area to protect civilians.")
    assert [e["actor1"] for e in _events(text, "deploy")] == ["Chadian forces"]


@pytest.mark.parametrize("text,actor1,actor2", [
    ("At least 15 people, most of them children, have reportedly been abducted near the village.", None,
     "civilians"),
    ("Chad's military has detained around 40 people in the town of Adre, residents said.", "Chadian forces",
     "civilians"),
])
def test_kidnappings_and_detentions_are_other_acts_even_without_a_named_perpetrator(text, actor1, actor2):
    assert [(e["actor1"], e["actor2"], e["cameo_code"][:2]) for e in _events(text, "other")] == [
        (actor1, actor2, "18" if actor1 is None else "17")]


@pytest.mark.parametrize("text", [
    "Soldiers detained three suspected rebels on Monday.",
    "Troops rescued 20 hostages who had been kidnapped by the gang.",
])
def test_arresting_fighters_or_freeing_hostages_is_no_detention_event(text):
    assert _events(text, "other") == []


@pytest.mark.parametrize("text", [
    "The clashes have forced 12,000 people to flee their homes since March, the UN said.",
    "More than 200,000 people have been forced from their homes in the province.",
    "The rebels drove thousands of villagers from their homes on Monday.",
    "Hundreds of families have taken refuge in a school in Goma.",
])
def test_other_ways_of_telling_displacement(text):
    assert len(_events(text, "displace")) == 1


def test_a_displacement_by_fighting_between_two_sides_is_neither_sides_act():
    text = ("The government sent troops to the valley to stop fighting between local militias and former rebels "
            "that has driven 20,000 villagers from their homes.")
    assert [e["actor1"] for e in _events(text, "displace")] == [None]


@pytest.mark.parametrize("text", [
    "The UN said the shelling of the market on Monday was a war crime.",
    "\"The shelling of the hospital is abhorrent and may constitute a war crime,\" said the head of the UN mission.",
])
def test_calling_an_act_a_war_crime_is_an_accusation_by_the_speaker(text):
    events = _events(text)
    assert [(e["action"], e["actor1"]) for e in events if e["action"] == "accuse"] == [("accuse", "UN")]
    assert not [e for e in events if e["action"] in ("attack", "kill") and e["actor1"] == "UN"]


def test_a_judged_or_suspended_act_is_not_the_judges():
    events = _events("Gabon's president suspended talks with the rebels on Monday, calling the massacres in the "
                     "north war crimes.")
    assert [(e["action"], e["actor1"]) for e in events] == [("accuse", "Gabon")]


def test_an_acronym_of_a_un_body_is_the_un():
    from conflict_monitor.extract.groups import find_acronyms  # noqa: PLC0415

    text = "The U.N. Mission in the Central African Republic (MINUSCA) said a patrol was attacked near Bria."
    assert find_acronyms(text) == {"MINUSCA": "UN"}


@pytest.mark.parametrize("text,actor1", [
    ("Mali's government paid tribute to the soldiers who died and warned that \"the response will be merciless\".",
     "Mali"),
    ("The Northern Front said on Monday that the army had shelled its positions. \"We will retaliate against the "
     "soldiers,\" its spokesman said.", "Northern Front"),
    ("The Northern Front said that dozens of villagers had been killed by Malian soldiers after troops entered the "
     "town, and vowed to retaliate.", "Northern Front"),
])
def test_warnings_of_a_response_and_vows_of_force_are_the_speakers_threats(text, actor1):
    assert [e["actor1"] for e in _events(text, "threaten")] == [actor1]


def test_a_promise_not_to_use_force_is_no_threat():
    assert _events("\"We will not attack civilians,\" the Northern Front said.", "threaten") == []


def test_a_body_of_the_state_named_in_full_is_the_state():
    text = ("Gunmen killed six police officers in N'Djamena, Chad, on Sunday. The Presidential Transition Council "
            "(PTC) warned on Monday that \"the response will be swift\".")
    assert [e["actor1"] for e in _events(text, "threaten")] == ["Chad"]


@pytest.mark.parametrize("text,actor1", [
    ("Gunmen set fire to a bus near Kaduna on Monday.", None),
    ("Later that day the Northern Front went to the village of Kalamu and set houses on fire.", "Northern Front"),
    ("The fighters of the Northern Front torched the market of Kalamu on Monday.", "Northern Front"),
])
def test_arson_is_an_attack(text, actor1):
    assert [e["actor1"] for e in _events(text, "attack")] == [actor1]


def test_an_attack_led_by_a_group_is_that_groups():
    assert [e["actor1"] for e in _events("The raid on the village was carried out by the Northern Front on Monday.",
                                         "attack")] == ["Northern Front"]


def test_storming_and_burning_a_camp_in_one_sentence_is_one_attack():
    text = "Fighters of the Northern Front stormed the army camp at Kalamu on Monday and set fire to the base."
    assert len(_events(text, "attack")) == 1


def test_it_opening_a_sentence_speaks_for_the_previous_sentences_subject():
    text = ("The Northern Front said its fighters ambushed an army convoy near Gao on Monday. "
            "Mali's army gave a different account. It said three of its soldiers had been killed and that about "
            "15 rebels had been killed in the fighting.")
    kills = {e["fatalities"]: (e["actor1"], e["actor2"], e["reported_by"]) for e in _events(text, "kill")}
    assert kills[3] == ("Northern Front", "Malian forces", "Malian forces")
    assert kills[15][0] == "Malian forces" and kills[15][2] == "Malian forces"


def test_an_officer_telling_a_toll_of_people_does_not_claim_it():
    text = "Police officer Amadou Diallo said more than 10 people had been killed in the market of Gao on Monday."
    assert [e["actor1"] for e in _events(text, "kill")] == [None]


def test_an_act_told_on_a_day_is_dated_by_that_day_with_week_precision():
    text = ("On May 2 the Northern Front overran an army post near Kalamu. "
            "The Northern Front said on Monday that it had captured the town of Kalamu.")
    captures = sorted((e["event_date"], e["date_precision"]) for e in _events(text, "capture"))
    assert captures == [("2024-05-02", "day"), ("2024-05-13", "week")]


def test_an_act_told_some_weeks_ago_is_dated_that_many_weeks_back():
    text = "The regional force said three weeks ago that it had killed at least 20 militants near Kalamu."
    kills = [(e["event_date"], e["date_precision"], e["fatalities"]) for e in _events(text, "kill")]
    assert kills == [("2024-04-25", "week", 20)]


@pytest.mark.parametrize("text,action", [
    ("The militia has been fighting the army in the hills for more than ten years.", "attack"),
    ("A regional force has been helping the police fight the gangs since March 2022.", "attack"),
    ("The truce had held in the province for a year until this week.", "ceasefire"),
    ("The army launched an offensive against the rebels about two years ago.", "attack"),
    ("Soldiers began an assault on the rebel stronghold a year and a half ago.", "attack"),
])
def test_standing_states_and_acts_years_ago_are_background(text, action):
    assert _events(text, action) == []


def test_a_running_total_since_an_earlier_year_is_kept():
    kills = _events("Rebels have killed more than 3,000 people since 2019.", "kill")
    assert [e["fatalities"] for e in kills] == [3000]


def test_an_act_a_few_weeks_ago_is_not_background():
    assert len(_events("The army launched an offensive against the rebels two months ago.", "attack")) == 1


def test_the_attack_referred_back_to_is_not_a_new_attack():
    assert _events("The attack extends the reach of the gangs beyond the capital.", "attack") == []
    events = _events("Gunmen attacked a market in the town on Monday. The attack extends the reach of the gangs.",
                     "attack")
    assert [e["event_date"] for e in events] == ["2024-05-13"]


@pytest.mark.parametrize("text", [
    "A teenager captured by vigilantes was beaten to death.",
    "Police found a truck that the bandits had seized during the raid.",
    "Twelve fighters were killed and hundreds of rounds of ammunition seized, the army said.",
    "Troops seized dozens of rifles in the village.",
])
def test_people_and_goods_taken_are_not_a_place_captured(text):
    assert _events(text, "capture") == []


def test_dozens_of_villages_seized_are_captured():
    assert len(_events("Rebels seized dozens of villages in the province on Monday.", "capture")) == 1


@pytest.mark.parametrize("text", [
    "It was not immediately clear how many of the inmates had been recaptured, or whether any guards were killed.",
    "It is unclear how many homes the gunmen attacked.",
])
def test_what_is_not_known_is_no_event(text):
    assert _events(text) == []


def test_what_is_clear_is_an_event():
    assert len(_events("It is clear that the militia attacked the market on Monday.", "attack")) == 1


def test_killed_and_wounded_share_the_day_and_the_operation_that_did_it():
    kills = _events("Twelve villagers were killed and 30 injured on Monday in an operation by Kenyan troops, "
                    "officials said.", "kill")
    assert [(e["actor1"], e["event_date"], e["fatalities"]) for e in kills] == [("Kenyan forces", "2024-05-13", 12)]


def test_a_states_national_police_is_its_forces():
    kills = _events("The Kenyan National Police (KNP) killed four bandits in Turkana on Monday.", "kill")
    assert [e["actor1"] for e in kills] == ["Kenyan forces"]


@pytest.mark.parametrize("text,deaths", [
    ("Gunfire hit a convoy near Bor on Monday, killing a crew member and several soldiers.", 4),
    ("The fighting in Bor on Monday killed several soldiers, among them the base commander, as well as a nurse.", 4),
    ("Shelling killed five soldiers, including a colonel, and two nurses in Bor on Monday.", 7),
])
def test_a_toll_adds_what_is_listed_beside_it_but_not_what_it_includes(text, deaths):
    assert [e["fatalities"] for e in _events(text, "kill")] == [deaths]


def test_a_toll_told_again_without_its_target_is_one_kill():
    text = ("Fighters of the Mai-Mai Yakutumba militia raided an army post in Fizi on Monday. In a statement, "
            "the group said the raid killed 12 Congolese soldiers.\n\nThe militia claims 12 soldiers died in the raid.")
    assert [e["fatalities"] for e in _events(text, "kill")] == [12]


@pytest.mark.parametrize("text", [
    "The Northern Front has stepped up its raids in the north. It also claimed an ambush near Kalamu on May 10 "
    "that it said killed 12 soldiers.",
    "The Northern Front claimed an ambush near Kalamu on May 10 which it said killed 12 soldiers.",
])
def test_the_group_claiming_an_attack_did_the_killing_told_within_the_claim(text):
    kills = [(e["actor1"], e["event_date"][:10], e["fatalities"]) for e in _events(text, "kill")]
    assert kills == [("Northern Front", "2024-05-10", 12)]


def test_it_opening_a_claim_after_the_group_is_the_group_named_before():
    text = ("The Northern Front overran an army post near Kalamu on Monday. The group has stepped up its raids in "
            "the north. It also claimed an ambush near Lubero on May 10 that it said killed 12 soldiers.")
    kills = [(e["actor1"], e["reported_by"]) for e in _events(text, "kill") if e["fatalities"] == 12]
    assert kills == [("Northern Front", "Northern Front")]
