"""Unit tables: date resolver, number parser, figures, attribution, cleaning, geocoding."""

from __future__ import annotations

import datetime as dt

import pytest

from conflict_monitor.extract.attribution import canonical_reporter, regex_attribution
from conflict_monitor.extract.clean import clean_article
from conflict_monitor.extract.dates import parse_header_date, resolve_date
from conflict_monitor.extract.errors import ExtractionError
from conflict_monitor.extract.numbers import find_figures, parse_number
from conflict_monitor.extract.places import geocode

THURSDAY = dt.date(2020, 2, 13)


@pytest.mark.parametrize("text,date,precision,kind", [
    ("on Thursday", "2020-02-13", "day", "event"),
    ("on Wednesday", "2020-02-12", "day", "event"),
    ("on Friday", "2020-02-07", "day", "event"),
    ("yesterday", "2020-02-12", "day", "event"),
    ("last week", "2020-02-06", "week", "event"),
    ("earlier this month", "2020-02-13", "week", "event"),
    ("in recent days", "2020-02-13", "week", "event"),
    ("since December", "2019-12-01", "month", "since"),
    ("since last Thursday", "2020-02-06", "month", "since"),
    ("in February", "2020-02-01", "month", "event"),
    ("in early January", "2020-01-01", "month", "event"),
    ("until the end of the month", "2020-02-29", "day", "deadline"),
    ("by Friday", "2020-02-14", "day", "deadline"),
    ("on February 3", "2020-02-03", "day", "event"),
    ("on 3 February", "2020-02-03", "day", "event"),
    ("Feb 13,2020", "2020-02-13", "day", "event"),
    ("three days ago", "2020-02-10", "day", "event"),
    ("two weeks ago", "2020-01-30", "week", "event"),
    ("3 weeks earlier", "2020-01-23", "week", "event"),
    ("in 2018", "2018-01-01", "month", "background"),
])
def test_resolve_date(text, date, precision, kind):
    ref = resolve_date(text, THURSDAY)
    assert ref is not None
    assert (ref.date.isoformat(), ref.precision, ref.kind) == (date, precision, kind)


def test_no_date_and_header_dates():
    assert resolve_date("the talks went on", THURSDAY) is None
    assert parse_header_date("By AFP - Feb 13,2020 - Last updated") == THURSDAY
    assert parse_header_date("Sunday 1 March 2020") == dt.date(2020, 3, 1)


@pytest.mark.parametrize("text,value", [
    ("14", 14), ("1,200", 1200), ("3.7 million", 3_700_000), ("three", 3), ("twenty-two", 22),
    ("one hundred and twenty", 120), ("dozens", 12), ("hundreds", 100), ("several", 3),
    ("a dozen", 12), ("banana", None), ("", None),
])
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text,value,qualifier,noun", [
    ("killing more than 380 civilians", 380, "at_least", "civilians"),
    ("the killing of 14 Turks", 14, "exact", "Turks"),
    ("nearly 40 soldiers died", 40, "about", "soldiers"),
    ("up to 12 fighters", 12, "up_to", "fighters"),
    ("dozens of civilians", 12, "at_least", "civilians"),
    ("Thirty-three Turkish soldiers", 33, "exact", "soldiers"),
    ("a Turkish soldier", 1, "exact", "soldier"),
])
def test_find_figures(text, value, qualifier, noun):
    fig = find_figures(text)[0]
    assert (fig.value, fig.qualifier, fig.noun) == (value, qualifier, noun)


def test_figure_range():
    fig = find_figures("between 5 and 7 people were killed")[0]
    assert (fig.value, fig.high) == (5, 7)


@pytest.mark.parametrize("sentence,reporter", [
    ("killing 380 civilians, according to the monitoring group the Syrian Observatory for Human Rights.", "SOHR"),
    ("Akar was quoted as saying by the official Anadolu news agency.", "Anadolu"),
    ("three of which were encircled by Assad's forces, according to Turkish officials.", "Turkish officials"),
    ("the strike was reported by SANA.", "SANA"),
    ("Turkey sent troops.", None),
])
def test_regex_attribution(sentence, reporter):
    assert regex_attribution(sentence) == reporter


def test_canonical_reporter():
    assert canonical_reporter("the Britain-based Syrian Observatory for Human Rights") == "SOHR"
    assert canonical_reporter("he") is None


SEED_HEAD = """You are here

Turkey threatens force against 'radicals' in Syria's Idlib

By AFP - Feb 13,2020 - Last updated at Feb 13,2020

Syrian army troops advance towards the rebel-held areas of the northern Aleppo province on Wednesday (AFP photo)

ISTANBUL — Turkey on Thursday threatened to use force against "radicals" in Syria's Idlib province.

up
13 users have voted.


Newsletter

Get top stories and blog posts emailed to you each day.

PDF"""


def test_clean_plain_text_chrome_byline_dateline_caption():
    art = clean_article(SEED_HEAD)
    assert art.title == "Turkey threatens force against 'radicals' in Syria's Idlib"
    assert (art.source, art.published, art.dateline) == ("AFP", THURSDAY, "ISTANBUL")
    for chrome in ("You are here", "users have voted", "Newsletter", "emailed to you", "PDF", "\nup\n"):
        assert chrome not in art.text
    assert art.text.startswith("Syrian army troops advance")  # the caption is kept as its own paragraph
    assert art.text[art.dateline_end:].startswith("Turkey on Thursday")


def test_clean_html_drops_script_nav_and_cookies():
    html = ("<html><head><script>var x = 'Russian jets killed 100 people';</script></head><body>"
            "<nav>Home | World</nav><div>We use cookies. Accept all cookies</div><article><h1>Headline here</h1>"
            "<p>Turkish drones struck Syrian army positions near Saraqib on Sunday, a war monitor said, "
            "in the latest escalation in the region.</p></article><footer>Share on Twitter</footer></body></html>")
    art = clean_article(html)
    assert "Russian jets" not in art.text and "cookies" not in art.text and "Twitter" not in art.text
    assert "Turkish drones struck" in art.text


@pytest.mark.parametrize("raw", ["", "   \n\n  ", b"\x00\x01\x02binary\x00", "You are here\n\nPDF\n"])
def test_clean_rejects_empty_and_binary(raw):
    with pytest.raises(ExtractionError):
        clean_article(raw)


@pytest.mark.parametrize("name,location,country,precision", [
    ("Saraqeb", "Saraqib", "SYR", 1),
    ("Maaret al-Numan", "Maarat al-Numan", "SYR", 1),
    ("Ma'arrat an Nu'man", "Maarat al-Numan", "SYR", 1),
    ("Idleb province", "Idlib province", "SYR", 3),
    ("northern Aleppo province", "Aleppo province", "SYR", 3),
    ("Jisr al-Shughur", "Jisr al-Shughur", "SYR", 1),
    ("Ankara", "Ankara", "TUR", 1),
])
def test_geocode_aliases(name, location, country, precision):
    geo = geocode(name)
    assert (geo["location"], geo["country"], geo["geo_precision"]) == (location, country, precision)
    assert set(geo) == {"location", "latitude", "longitude", "admin1", "country", "geo_precision"}


def test_geocode_gazetteer_and_unknown():
    kharkiv = geocode("Kharkiv")
    assert kharkiv["country"] == "UKR" and abs(kharkiv["latitude"] - 49.98) < 0.2
    assert geocode("Qwertyuiopville") is None
    assert geocode("") is None
