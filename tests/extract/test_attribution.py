"""Who says so (reported_by): sentences written for these tests, one kind of phrasing each."""

from __future__ import annotations

import datetime as dt

from conflict_monitor.extract.pipeline import extract_article

DAY = dt.date(2024, 5, 16)  # a Thursday


def _events(text: str, action: str | None = None) -> list[dict]:
    events = extract_article(text, published=DAY).events
    return [e for e in events if action is None or e["action"] == action]


def test_a_named_speaker_who_accuses_is_the_actor_not_a_source():
    events = _events("Kenya's foreign minister said on Monday that Uganda had armed the rebels and accused "
                     "Kampala of plotting a coup.", "accuse")
    assert events and all(e["reported_by"] is None for e in events)


def test_a_threat_quoted_in_the_first_person_is_the_speakers_own_act():
    text = ("Fighters of the Arakan Army stormed a police post in Rakhine on Monday. "
            "\"We will strike back at the junta with everything we have,\" the group's spokesman said on Tuesday.")
    threats = _events(text, "threaten")
    assert threats and all(e["reported_by"] is None for e in threats)


def test_a_spoken_act_does_not_take_the_same_actors_next_sentence_as_its_source():
    text = ("Kenya gave Somali forces until Friday to leave the border town of Mandera. "
            "Nairobi said on Tuesday that the deadline still stood.")
    ultimatums = _events(text, "ultimatum")
    assert ultimatums and all(e["reported_by"] is None for e in ultimatums)


def test_according_to_official_figures_keeps_the_adjective():
    kills = _events("Gunmen on Monday killed 14 villagers in Ituri, according to official figures.", "kill")
    assert [e["reported_by"] for e in kills] == ["official figures"]


def test_how_many_witnesses_spoke_is_not_part_of_the_source():
    kills = _events("Gunmen killed nine farmers near Mopti on Monday, three witnesses told Reuters.", "kill")
    assert [e["reported_by"] for e in kills] == ["witnesses"]


def test_a_groups_reports_are_credited_to_the_group():
    kills = _events("Militants killed four fishermen off Pemba on Monday, according to aid workers' reports.", "kill")
    assert [e["reported_by"] for e in kills] == ["aid workers"]


def _reporters(text: str, action: str = "kill") -> list[str | None]:
    return [e["reported_by"] for e in sorted(_events(text, action), key=lambda e: e["evidence_start"])]


def test_the_source_added_is_the_source_named_before():
    text = ("Gunmen killed six traders in Goma on Monday, a police source said. "
            "Gunmen also killed two guards in Rutshuru on Tuesday, the source added.")
    assert _reporters(text) == ["police source", "police source"]


def test_a_surname_stands_for_the_full_name_given_before():
    text = ("Army spokesman Amadou Traore said soldiers killed 12 militants near Gao on Monday. "
            "Traore said troops killed four more militants near Menaka on Tuesday.")
    assert _reporters(text) == ["Amadou Traore", "Amadou Traore"]


def test_the_statement_added_is_the_statements_author():
    text = ("Troops killed 20 militants near Tillaberi on Monday, the Niger Ministry of Defence said in a statement. "
            "Militants killed three soldiers in the fighting, the statement added.")
    first, second = _reporters(text)
    assert first is not None and second == first


def test_a_proper_name_runs_on_through_for():
    text = "The Institute for Security Studies said gunmen killed 11 villagers near Djibo on Monday."
    assert _reporters(text) == ["Institute for Security Studies"]
