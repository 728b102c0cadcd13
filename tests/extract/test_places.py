"""Places anywhere: the worldwide gazetteer, the article's country for shared names, the specific
place of the sentence over the region, places around a town, lists of places, unknown villages."""

from __future__ import annotations

import datetime as dt

import pytest

from conflict_monitor.extract.pipeline import extract_article
from conflict_monitor.extract.places import geocode

DAY = dt.date(2024, 5, 16)


def _events(text: str) -> list[dict]:
    return extract_article(text, published=DAY).events


@pytest.mark.parametrize("name,location,admin1,country", [
    ("El Fasher", "El Fasher", "Northern Darfur", "SDN"),
    ("Goma", "Goma", "Nord Kivu", "COD"),
    ("Maiduguri", "Maiduguri", "Borno", "NGA"),
    ("Gao", "Gao", "Gao", "MLI"),  # its own name, not Guantanamo's alternate name
    ("Mocimboa da Praia", "Mocímboa da Praia", "Cabo Delgado", "MOZ"),
])
def test_towns_worldwide_have_coordinates_admin1_and_country(name, location, admin1, country):
    geo = geocode(name)
    assert (geo["location"], geo["admin1"], geo["country"]) == (location, admin1, country)
    assert geo["latitude"] is not None and geo["geo_precision"] == 1


def test_a_shared_name_goes_to_the_country_the_caller_names():
    assert geocode("Tripoli")["country"] == "LBY"  # the most populous
    assert geocode("Tripoli", countries=("LBN",))["country"] == "LBN"
    assert geocode("Tripoli", countries=("FRA", "LBN"))["country"] == "LBN"  # no Tripoli in France: the next


def test_an_article_settles_a_shared_name_by_its_country():
    text = ("BEIRUT, May 16 (AFP) - Gunmen attacked an army checkpoint in Tripoli on Wednesday, Lebanon's army "
            "said. Lebanon has seen sporadic clashes in the north since the start of the year.")
    attacks = [e for e in _events(text) if e["action"] == "attack"]
    assert attacks and attacks[0]["location"] == "Tripoli" and attacks[0]["country"] == "LBN"


@pytest.mark.parametrize("text", [
    "Russian warplanes struck Binnish in Idlib province on Wednesday.",
    "In Idlib province, Russian warplanes struck Binnish on Wednesday.",
])
def test_the_specific_place_wins_over_the_region(text):
    attacks = [e for e in _events(text) if e["action"] == "attack"]
    assert [e["location"] for e in attacks] == ["Binnish"]
    assert attacks[0]["admin1"] == "Idlib" and attacks[0]["geo_precision"] == 1


@pytest.mark.parametrize("text,place", [
    ("Sudanese army artillery shelled positions near El Fasher on Wednesday.", "El Fasher"),
    ("Russian forces attacked villages on the outskirts of Kharkiv on Wednesday.", "Kharkiv"),
])
def test_around_a_town_is_that_town_at_precision_two(text, place):
    event = next(e for e in _events(text) if e["action"] == "attack")
    assert event["location"] == place and event["geo_precision"] == 2 and event["latitude"] is not None


def test_strikes_on_a_list_of_places_are_one_event_per_place():
    events = _events("Russian warplanes struck Kafr Nabl, Hazarin and Binnish in Idlib province on Wednesday.")
    assert [e["location"] for e in events if e["action"] == "attack"] == ["Kafr Nabl", "Hazarin", "Binnish"]
    hazarin = next(e for e in events if e["location"] == "Hazarin")
    assert hazarin["country"] == "SYR"  # not in the gazetteer: the country of the list it is in


def test_an_unknown_village_keeps_its_name_and_the_articles_country():
    text = ("Suspected jihadists attacked the village of Qwertabougou in central Mali on Wednesday, "
            "local officials in Mali said.")
    event = next(e for e in _events(text) if e["action"] == "attack")
    assert (event["location"], event["country"], event["latitude"]) == ("Qwertabougou", "MLI", None)


def test_a_known_name_inside_a_longer_name_is_not_that_place():
    text = "Air strikes on the village of Maarat Misrin in Syria killed 15 civilians on Wednesday."
    event = next(e for e in _events(text) if e["action"] == "kill")
    assert event["location"] == "Maarat Misrin" and event["country"] == "SYR"


@pytest.mark.parametrize("name,countries,location,country,precision", [
    ("Borno State", ("NGA",), "Borno", "NGA", 3),  # the state, not Borno in Italy
    ("North Kivu province", (), "Nord Kivu", "COD", 3),  # the direction is part of the name
    ("Cabo Delgado", (), "Cabo Delgado", "MOZ", 3),
    ("South Sudan", (), "South Sudan", "SSD", 3),  # a country, not the south of Sudan
    ("Marte Local Government Area", ("NGA",), "Marte", "NGA", 1),
])
def test_first_level_divisions_and_compound_names(name, countries, location, country, precision):
    geo = geocode(name, countries=countries)
    assert (geo["location"], geo["country"], geo["geo_precision"]) == (location, country, precision)
    assert geo["latitude"] is not None


@pytest.mark.parametrize("name,countries", [("Africa", ("SOM",)), ("Africa", ())])
def test_an_ordinary_word_that_is_some_towns_alternate_name_is_no_place(name, countries):
    assert geocode(name, countries=countries) is None  # "Africa" is also a name of Mahdia, Tunisia


@pytest.mark.parametrize("text,place", [
    ("The ADF has killed more than 1,200 civilians in the Beni area of North Kivu province since 2017.", "Beni"),
    ("Gangs attacked Port-au-Prince on Monday, killing 12 residents of the Haitian capital.", "Port-au-Prince"),
    ("Jets dropped bombs on a base in 4th-Mile village in Myanmar's Rakhine State on Monday.", "4th-Mile"),
])
def test_names_the_tagger_splits_or_mislabels(text, place):
    events = [e for e in _events(text) if e["action"] in ("kill", "attack")]
    assert events and events[0]["location"] == place


def test_the_towns_of_an_article_that_names_no_country_settle_its_country():
    text = ("Insurgents raided Quifuque island in Palma district on Monday, and Maganu village near Macomia. "
            "They then moved to Nguida village, where they killed several people, local sources in Macomia said.")
    events = [e for e in _events(text) if e["action"] in ("kill", "attack")]
    assert {e["country"] for e in events} == {"MOZ"}  # Palma alone would be Palma de Mallorca
