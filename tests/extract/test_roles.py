"""Roles from the parse: passives, coordination, hypotheticals, attribution, figures, dates."""

from __future__ import annotations

import datetime as dt

from conflict_monitor.extract.pipeline import extract_article
from conflict_monitor.model.schema import validate_event

THURSDAY = dt.date(2020, 2, 13)


def _events(text: str, published: dt.date = THURSDAY) -> list[dict]:
    return extract_article(text, published=published).events


def test_passive_agent_is_actor1():
    (e,) = _events("Three Turkish observation posts in Idlib were encircled by Assad's forces on Tuesday.")
    assert (e["action"], e["actor1"], e["event_date"]) == ("encircle", "Syrian government forces", "2020-02-11")


def test_coordinated_verbs_are_two_events_with_one_subject():
    events = _events("President Recep Tayyip Erdogan on Wednesday accused Russia of committing massacres in Idlib "
                     "and threatened to strike government forces anywhere in Syria.")
    assert sorted((e["action"], e["actor1"], e["actor2"]) for e in events) == [
        ("accuse", "Turkey", "Russia"), ("threaten", "Turkey", "Syrian government forces")]
    assert {e["event_date"] for e in events} == {"2020-02-12"}


def test_hypotheticals_negations_and_plans_are_not_events():
    assert _events("Turkey will strike Syrian forces if its troops are attacked again.") == []
    assert _events("Russian jets did not bomb Saraqib on Wednesday, the ministry said.") == []
    assert _events("Ankara plans to send more troops to Idlib next week.") == []


def test_content_of_accusation_is_not_an_event():
    events = _events("Moscow on Wednesday accused Ankara of shelling Syrian army positions near Saraqib.")
    assert [e["action"] for e in events] == ["accuse"]


def test_attribution_and_running_total():
    (e,) = _events("The Syrian army has pressed ahead with an offensive in Idlib since December, killing more than "
                   "380 civilians, according to the Syrian Observatory for Human Rights.")
    assert (e["action"], e["actor1"], e["fatalities"], e["fatalities_qualifier"]) == (
        "kill", "Syrian government forces", 380, "at_least")
    assert (e["reported_by"], e["is_running_total"], e["period_start"], e["date_precision"]) == (
        "SOHR", True, "2019-12-01", "month")


def test_ultimatum_deadline_is_not_the_event_date():
    (e,) = _events("Erdogan has now given Damascus until the end of the month to push back its forces.")
    assert (e["action"], e["deadline"], e["event_date"]) == ("ultimatum", "2020-02-29", "2020-02-13")


def test_pronoun_subject_takes_the_speaker():
    events = _events("Turkey's defence ministry said on Thursday it had destroyed three Syrian tanks near Saraqib.")
    assert [(e["action"], e["actor1"]) for e in events] == [("attack", "Turkish forces")]


def test_generic_army_goes_to_the_articles_country():
    events = _events("Sudan's army said its warplanes struck positions of the Rapid Support Forces in El Fasher "
                     "on Sunday, killing dozens of fighters.", published=dt.date(2024, 5, 13))
    kills = [e for e in events if e["action"] == "kill"]
    assert kills and kills[0]["actor1"] == "Sudanese Armed Forces" and kills[0]["country"] == "SDN"


def test_events_fit_the_schema_and_offsets_point_at_evidence():
    text = open("data/seeds/afp_2020-02-13_idlib.txt", encoding="utf-8").read()
    result = extract_article(text)
    assert result.article["published"] == "2020-02-13" and result.article["dateline"] == "ISTANBUL"
    for e in result.events:
        assert validate_event(e)["event_id"] == e["event_id"]
        assert result.article["text"][e["evidence_start"]:e["evidence_end"]] == e["evidence"]
        assert e["origin"] == "extracted" and 0 < e["confidence"] <= 1
        assert e["article_id"] == result.article["id"]
    assert not any(e["actor1"] == "Istanbul" for e in result.events)
