"""model.actors.norm_name: the key of an exact name lookup."""

from __future__ import annotations

import re
import sys

import pytest

from conflict_monitor.model.actors import load_actors, load_state_actors, norm_name


def _by_regex(text: str) -> str:
    """The rule as two regular expressions (norm_name's first form)."""
    return re.sub(r"^the ", "", re.sub(r"\s+", " ", text.replace("\u2019", "'").strip().lower()))


SPACES = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]


@pytest.mark.parametrize("text", [
    "The  Syrian\tArab Army", "  the Turkish Armed Forces ", "Theatre Command", "THE\u00a0army", "the",
    "the ", "Hay\u2019at Tahrir al-Sham", "\u2009the\u3000 Free Syrian Army\n", "Atheist", "İdlib Governorate",
    "", "the the army", *(f"the{s}army{s}{s}of X" for s in SPACES)])
def test_norm_name_keeps_the_rule(text):
    assert norm_name(text) == _by_regex(text)


def test_every_shipped_name_is_normalised_as_before():
    names = [n for actor in (*load_actors(), *load_state_actors()) for n in (actor.canonical, *actor.aliases)]
    assert len(names) > 1000
    assert [norm_name(n) for n in names] == [_by_regex(n) for n in names]
