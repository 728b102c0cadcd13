"""Numbers in digits and words, qualifiers, and casualty figures.

Vague quantities follow ACLED's coding practice (ACLED Codebook, "Fatalities"): "dozens" = 12,
"hundreds" = 100, "several"/"a few" = 3 (ANNOTATION.md, Figures).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if i > 1}
SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
VAGUE = {"dozens": 12, "hundreds": 100, "several": 3, "a few": 3, "few": 3, "thousands": 1000, "multiple": 3,
         "a dozen": 12, "dozen": 12, "scores": 20}
QUALIFIERS = [
    (r"more than|over|at least|upwards of|no fewer than|no less than|in excess of|a minimum of", "at_least"),
    (r"nearly|almost|about|around|some|approximately|roughly|an estimated|close to|estimated", "about"),
    (r"up to|as many as|at most|no more than", "up_to"),
]
VICTIM_CLASSES = {
    "civilians": "civilians civilian people person persons children child women woman men residents "
                 "villagers worker workers family families patients refugees students worshippers farmers "
                 "herders passengers pupils miners traders boys girls teachers journalists doctors nurses "
                 "drivers boy girl teacher journalist doctor nurse",
    "soldiers": "soldiers soldier troops servicemen serviceman personnel officers officer policemen "
                "guards pilots pilot gendarmes peacekeepers conscripts",
    "fighters": "fighters fighter militants militant rebels rebel jihadists jihadist combatants insurgents "
                "members paramilitaries gunmen terrorists terrorist bandits bandit extremists extremist "
                "assailants assailant attackers attacker militiamen",
}
# Nouns that count the dead without saying who they were ("around 60 dead", "multiple fatalities").
DEATH_NOUNS = "dead fatalities deaths bodies"
NATIONALITY_NOUNS = ("Turks Syrians Russians Iranians Ukrainians Israelis Palestinians Sudanese Iraqis Kurds "
                     "Afghans Yemenis Lebanese Americans Saudis Congolese").split()

_WORD = r"(?:[a-z]+(?:-[a-z]+)?)"
_NUMBER_WORDS = "|".join(sorted([*UNITS, *TENS, *SCALES, "and", "a"], key=len, reverse=True))
_NUM = (r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s+(?:million|thousand|hundred))?"
        r"|(?:(?:" + "|".join(sorted([*UNITS, *TENS], key=len, reverse=True)) + r")(?:[- ](?:"
        + _NUMBER_WORDS + r"))*)\b"
        r"|" + "|".join(sorted(VAGUE, key=len, reverse=True)))
_QUAL = "|".join(q for q, _ in QUALIFIERS)
_VICTIMS = "|".join(sorted({w for v in VICTIM_CLASSES.values() for w in v.split()} | set(NATIONALITY_NOUNS)
                           | set(DEATH_NOUNS.split()),
                           key=len, reverse=True))
FIGURE_RE = re.compile(
    r"(?<![\w.,-])(?:(?P<qual>" + _QUAL + r")\s+)?(?P<num>" + _NUM + r")"
    r"(?:\s*(?:-|–|to|and|or)\s*(?P<high>" + _NUM + r"))?"
    r"(?:\s+of)?(?P<mods>(?:\s+(?:the\s+)?[A-Za-z'-]+){0,3}?)\s+(?P<noun>" + _VICTIMS + r")\b",
    re.IGNORECASE)
SINGLE_RE = re.compile(r"\b(?P<num>an?|one)\s+(?P<mods>(?:[A-Za-z-]+\s+){0,2}?)(?P<noun>civilian|soldier|child|woman|"
                       r"man|fighter|rebel|serviceman|officer|policeman|pilot|person|boy|girl|teacher|"
                       r"journalist|doctor|nurse|farmer|student|driver|villager|resident|trader|priest|imam|"
                       r"commander|terrorist|militant|guard|member)\b", re.IGNORECASE)
BARE_RE = re.compile(r"(?:(?P<qual>" + _QUAL + r")\s+)?(?P<num>\b\d{1,3}(?:,\d{3})*\b|\b(?:"
                     + "|".join(sorted([*UNITS, *TENS], key=len, reverse=True)) + r")(?:-(?:"
                     + "|".join(UNITS) + r"))?\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Figure:
    """A number of people in the text; start/end are offsets of the whole expression."""

    value: int
    high: int
    qualifier: str  # exact | at_least | about | up_to
    noun: str | None
    start: int
    end: int


def parse_number(text: str) -> int | None:
    """An integer from digits ("1,200", "3.7 million") or words ("twenty-two", "dozens"); else None."""
    if not isinstance(text, str):
        return None
    words = text.strip().lower().replace(",", "")
    if not words:
        return None
    if words in VAGUE:
        return VAGUE[words]
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(?:\s+(million|thousand|hundred))?", words)
    if m:
        try:
            value = float(m.group(1)) * (SCALES[m.group(2)] if m.group(2) else 1)
        except OverflowError:
            return None
        return int(value) if value < 1e15 else None
    total = current = 0
    seen = False
    for word in re.split(r"[\s-]+", words):
        if word in ("and",):
            continue
        if word in ("a", "an") and not seen:
            current, seen = 1, True
        elif word in UNITS:
            current += UNITS[word]
            seen = True
        elif word in TENS:
            current += TENS[word]
            seen = True
        elif word in SCALES and seen:
            if SCALES[word] == 100:
                current *= 100
            else:
                total += current * SCALES[word]
                current = 0
        else:
            return None
    return total + current if seen else None


def qualifier_of(text: str | None) -> str:
    """exact | at_least | about | up_to for a qualifier phrase ("more than", "nearly", ...)."""
    if not text:
        return "exact"
    for pattern, name in QUALIFIERS:
        if re.fullmatch(pattern, text.strip().lower()):
            return name
    return "exact"


def victims_of(noun: str | None, modifiers: str = "") -> str | None:
    """civilians | soldiers | fighters | a nationality plural ("Turks") for a victim noun."""
    if not noun:
        return None
    low = noun.lower()
    for name in NATIONALITY_NOUNS:
        if low == name.lower():
            return name
    for cls, words in VICTIM_CLASSES.items():
        if low in words.split():
            return cls
    return None


def find_figures(text: str) -> list[Figure]:
    """Numbers of people ("more than 380 civilians", "14 Turks", "a soldier") with qualifiers."""
    out: list[Figure] = []
    for m in FIGURE_RE.finditer(text):
        value = parse_number(m.group("num"))
        if value is None:
            continue
        high = parse_number(m.group("high")) if m.group("high") else None
        qual = qualifier_of(m.group("qual"))
        if m.group("num").strip().lower() in VAGUE and qual == "exact":
            qual = "at_least"
        if high is None or high < value:
            high = value
        out.append(Figure(value, high, qual, m.group("noun"), m.start(), m.end()))
    for m in SINGLE_RE.finditer(text):
        if not any(f.start <= m.start() < f.end for f in out):
            out.append(Figure(1, 1, "exact", m.group("noun"), m.start(), m.end()))
    return sorted(out, key=lambda f: f.start)


def find_bare_numbers(text: str) -> list[Figure]:
    """Numbers with no victim noun ("killing at least 19", "toll rose to 33")."""
    out = []
    for m in BARE_RE.finditer(text):
        value = parse_number(m.group("num"))
        if value is not None and not (1900 <= value <= 2100 and m.group("num").isdigit()):
            out.append(Figure(value, value, qualifier_of(m.group("qual")), None, m.start(), m.end()))
    return out
