"""Bad inputs give a clear error or no events; property tests never crash."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflict_monitor.extract.dates import find_dates, resolve_date
from conflict_monitor.extract.errors import ExtractionError
from conflict_monitor.extract.numbers import find_figures, parse_number
from conflict_monitor.extract.pipeline import extract_article

WORDS = st.sampled_from("Turkey Russia killed attacked on Wednesday since December more than 14 civilians in Idlib "
                        "according to SOHR said the army and threatened if will not , . \" — Saraqib dozens "
                        "twenty-two yesterday until the end of the month".split())


def _ok(raw, **kw) -> None:
    try:
        result = extract_article(raw, **kw)
    except ExtractionError as exc:
        assert str(exc)
        return
    for e in result.events:
        assert result.article["text"][e["evidence_start"]:e["evidence_end"]] == e["evidence"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_extractor_never_crashes_on_arbitrary_text(text):
    _ok(text, published=dt.date(2020, 2, 13))


@settings(max_examples=40, deadline=None)
@given(st.lists(WORDS, max_size=60))
def test_extractor_never_crashes_on_newsy_word_salad(words):
    _ok(" ".join(words), published=dt.date(2020, 2, 13))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2090, 12, 31)))
def test_date_resolver_never_crashes(text, published):
    for ref in find_dates(text, published):
        assert ref.precision in ("day", "week", "month")
    resolve_date(text, published)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_number_parser_never_crashes(text):
    value = parse_number(text)
    assert value is None or value >= 0
    find_figures(text)


def test_empty_input_is_a_clear_error():
    for raw in ("", b"", "\n\n   \n"):
        with pytest.raises(ExtractionError, match="no article text|empty"):
            extract_article(raw)


def test_binary_input_is_a_clear_error():
    with pytest.raises(ExtractionError, match="binary"):
        extract_article(bytes(range(256)) * 20)


def test_non_english_text_is_a_clear_error():
    text = ("Les forces turques ont bombardé des positions du régime syrien dans la province d'Idleb "
            "mercredi, selon l'Observatoire syrien des droits de l'homme, qui fait état de plusieurs morts "
            "parmi les soldats et de nombreux blessés dans les villages voisins.")
    with pytest.raises(ExtractionError, match="English"):
        extract_article(text)


def test_five_megabyte_text_is_a_clear_error():
    with pytest.raises(ExtractionError, match="limited"):
        extract_article("Turkish forces shelled Saraqib. " * 170_000)


def test_html_with_script_does_not_run_or_leak_the_script():
    html = ("<html><body><script>alert('x'); var t = 'Russian jets killed 100 civilians in Aleppo';</script>"
            "<article><p>Turkish troops shelled Syrian army positions near Saraqib on Wednesday, "
            "the Turkish defence ministry said.</p></article></body></html>")
    result = extract_article(html, published=dt.date(2020, 2, 13))
    assert "alert" not in result.article["text"] and "Aleppo" not in result.article["text"]
    assert all(e["fatalities"] != 100 for e in result.events)


def test_no_publication_date_keeps_only_dated_events():
    result = extract_article("Turkish troops shelled Syrian army positions near Saraqib on Wednesday.")
    assert result.warnings and all(e["event_date"] is None for e in result.events)


DATE_WORDS = st.sampled_from(
    "on in since until by before the end of this last next early mid late month week weeks days day ago earlier "
    "a one three 3 13th February Feb. Sept. 2019 2020-02-13 , . Monday Fridays night morning yesterday today "
    "tonight overnight recent past few start beginning year during throughout May may shelling killed".split())


# One phrase per date rule (and odd spellings next to them).
DATE_PHRASES = ["until the end of the month", "by the end of March", "before the end of Mayhem", "by next Friday",
                "until Fridays", "since early February 3, 2020", "since last Monday", "since the start of the year",
                "since the beginning of this month", "Feb. 13, 2020", "13th of Sept. 2019", "on 2020-02-13",
                "late Tuesday night", "the day before yesterday", "yesterday", "last night", "this morning",
                "earlier today", "overnight", "three days ago", "a week earlier", "last week", "this week",
                "over the past few days", "recent days", "earlier this month", "in recent weeks", "this month",
                "last month", "during mid-January", "throughout December 2019", "in 2018", "since 2011"]


def _all_rules(text: str) -> list:
    from conflict_monitor.extract import dates

    words, compiled = dates._WORDS, dates._COMPILED
    try:  # every text has the word "all", which every rule accepts: all rules run
        dates._WORDS = re.compile("(?P<all>)")
        dates._COMPILED = [(frozenset({"all"}), regex, handler) for _, regex, handler in compiled]
        return dates.find_dates(text, dt.date(2020, 2, 13))
    finally:
        dates._WORDS, dates._COMPILED = words, compiled


@pytest.mark.parametrize("phrase", DATE_PHRASES)
def test_date_prefilter_passes_every_rule(phrase):
    from conflict_monitor.extract.dates import find_dates

    for text in (phrase, f"Troops said {phrase}, officials added.", phrase.upper()):
        found = find_dates(text, dt.date(2020, 2, 13))
        assert found, text
        assert found == _all_rules(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(DATE_WORDS, min_size=1, max_size=6), st.sampled_from([" ", "  ", "\n", "-"]))
def test_date_prefilter_never_hides_a_date(words, sep):
    """find_dates runs only the rules whose words a sentence has: the result must be what all rules give."""
    from conflict_monitor.extract import dates

    text = sep.join(words)
    published = dt.date(2020, 2, 13)
    assert dates.find_dates(text, published) == _all_rules(text)
