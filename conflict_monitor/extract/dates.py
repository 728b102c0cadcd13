"""Date expressions resolved against the publication date.

Generic date parsers resolve "on Wednesday" to the *next* Wednesday and know nothing of
deadlines or running totals, so this is our own small resolver (rules: ANNOTATION.md, Dates).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from conflict_monitor.extract.numbers import parse_number

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}

_MON = r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WD = r"(?P<wd>" + "|".join(WEEKDAYS) + r")"
_PART = r"(?:\s+(?:night|morning|evening|afternoon))?"
_NUMW = r"(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|a)"


@dataclass(frozen=True)
class DateRef:
    """A resolved date expression; start/end are character offsets in the searched text."""

    date: dt.date
    precision: str  # day | week | month
    kind: str = "event"  # event | since | deadline | background
    start: int = 0
    end: int = 0


def _past(year: int, month: int, day: int, published: dt.date) -> dt.date | None:
    """The date with this month/day on or before publication when the year is not given."""
    for y in (year, year - 1):
        try:
            candidate = dt.date(y, month, day)
        except ValueError:
            return None
        if candidate <= published + dt.timedelta(days=1):
            return candidate
    return None


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _explicit(m: re.Match[str], published: dt.date) -> dt.date | None:
    month = MONTHS[m.group("mon").lower().rstrip(".")]
    day = int(m.group("day"))
    if m.group("year"):
        try:
            return dt.date(int(m.group("year")), month, day)
        except ValueError:
            return None
    return _past(published.year, month, day, published)


def _on_or_before(weekday: int, published: dt.date) -> dt.date:
    return published - dt.timedelta(days=(published.weekday() - weekday) % 7)


def _since(m: re.Match[str], published: dt.date) -> dt.date | None:
    month = MONTHS[m.group("mon").lower().rstrip(".")]
    day = int(m.group("day")) if m.groupdict().get("day") else 1
    if m.groupdict().get("year"):
        try:
            return dt.date(int(m.group("year")), month, day)
        except ValueError:
            return None
    return _past(published.year, month, day, published)


WEEK = dt.timedelta(days=7)
# (words, pattern, handler) in priority order. The handler gets the match and the publication date
# and returns (date, precision, kind) or None; `words` names the _WORDS groups of which the pattern
# needs at least one (a sentence with none of them cannot match it).
RULES = [
    ("end", r"\b(?:until|by|before)\s+the\s+end\s+of\s+(?:the|this)\s+month\b",
     lambda m, p: (_month_end(p), "day", "deadline")),
    ("end", r"\b(?:until|by|before)\s+the\s+end\s+of\s+" + _MON,
     lambda m, p: (_month_end(_past(p.year, MONTHS[m.group("mon").lower().rstrip('.')], 1, p + dt.timedelta(days=400))
                           or p), "day", "deadline")),
    ("wd", r"\b(?:until|by)\s+(?:next\s+)?" + _WD,
     lambda m, p: (p + dt.timedelta(days=(WEEKDAYS[m.group("wd").lower()] - p.weekday()) % 7 or 7), "day", "deadline")),
    ("mon", r"\bsince\s+(?:(?:early|mid|late)[- ])?" + _MON + r"(?:\s+" + _DAY + r")?(?:,?\s+" + _YEAR + r")?\b",
     lambda m, p: (_since(m, p), "month", "since")),
    ("wd", r"\bsince\s+(?:last\s+)?" + _WD + r"\b",
     lambda m, p: (_on_or_before(WEEKDAYS[m.group("wd").lower()], p - dt.timedelta(days=1)), "month", "since")),
    ("mon", r"\bsince\s+the\s+(?:start|beginning)\s+of\s+" + _MON + r"(?:,?\s+" + _YEAR + r")?\b",
     lambda m, p: (_since(m, p), "month", "since")),
    ("year", r"\bsince\s+the\s+(?:start|beginning)\s+of\s+(?:the|this)\s+year\b",
     lambda m, p: (dt.date(p.year, 1, 1), "month", "since")),
    ("month", r"\bsince\s+the\s+(?:start|beginning)\s+of\s+(?:the|this)\s+month\b",
     lambda m, p: (p.replace(day=1), "month", "since")),
    ("mon", r"\b" + _MON + r"\s+" + _DAY + r"\b(?:,\s*" + _YEAR + r")?",
     lambda m, p: (_explicit(m, p), "day", "event")),
    ("mon", r"\b" + _DAY + r"\s+(?:of\s+)?" + _MON + r"(?:,?\s+" + _YEAR + r")?\b",
     lambda m, p: (_explicit(m, p), "day", "event")),
    ("yyyy", r"\b(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)\b",
     lambda m, p: (dt.date.fromisoformat(m.group("iso")), "day", "event")),
    ("wd", r"\b(?:on\s+|last\s+|this\s+|early\s+|late\s+|overnight\s+)?" + _WD + _PART + r"\b",
     lambda m, p: (_on_or_before(WEEKDAYS[m.group("wd").lower()], p), "day", "event")),
    # "killed 36 in the last two weeks": a period's tally starts that long before the report
    ("day week", r"\b(?:in|over|during|within)\s+the\s+(?:past|last)\s+(?:" + _NUMW + r"\s+)?"
     r"(?P<unit>days?|weeks?)\b",
     lambda m, p: (p - dt.timedelta(days=(parse_number(m.group("n")) or 1 if m.group("n") else 1)
                                    * (7 if m.group("unit").startswith("week") else 1)), "month", "since")),
    ("yesterday", r"\bthe\s+day\s+before\s+yesterday\b", lambda m, p: (p - dt.timedelta(days=2), "day", "event")),
    ("yesterday", r"\byesterday\b", lambda m, p: (p - dt.timedelta(days=1), "day", "event")),
    ("night", r"\blast\s+night\b", lambda m, p: (p - dt.timedelta(days=1), "day", "event")),
    ("today", r"\b(?:today|tonight|this\s+(?:morning|afternoon|evening)|earlier\s+today|overnight)\b",
     lambda m, p: (p, "day", "event")),
    ("day", r"\b" + _NUMW + r"\s+days?\s+(?:ago|earlier)\b",
     lambda m, p: (p - dt.timedelta(days=parse_number(m.group("n")) or 1), "day", "event")),
    ("week", r"\b(?:a|one)\s+week\s+(?:ago|earlier)\b|\blast\s+week\b", lambda m, p: (p - WEEK, "week", "event")),
    # "said two weeks ago": that many weeks before the report, known to the week
    ("week", r"\b" + _NUMW + r"\s+weeks\s+(?:ago|earlier)\b",
     lambda m, p: (p - WEEK * (parse_number(m.group("n")) or 1), "week", "event")),
    # "a year and a half ago", "two years ago", "six months ago": months and years back (30 and 365 days a unit)
    ("ago", r"\b" + _NUMW + r"\s+(?P<unit>months?|years?)(?P<half>\s+and\s+a\s+half)?\s+ago\b",
     lambda m, p: (p - dt.timedelta(days=round(((parse_number(m.group("n")) or 1) + 0.5 * bool(m.group("half")))
                                               * (365 if m.group("unit").startswith("year") else 30))),
                   "month", "event")),
    ("week day month", r"\b(?:earlier\s+)?this\s+week\b"
     r"|\b(?:in|over)\s+(?:the\s+)?(?:recent|past|last)\s+(?:few\s+)?days\b"
     r"|\brecent\s+days\b|\bearlier\s+this\s+month\b",
     lambda m, p: (p, "week", "event")),
    ("week month", r"\b(?:in|over)\s+(?:the\s+)?(?:recent|past|last)\s+(?:few\s+)?weeks\b|\bthis\s+month\b",
     lambda m, p: (p, "month", "event")),
    ("month", r"\blast\s+month\b",
     lambda m, p: ((p.replace(day=1) - dt.timedelta(days=1)).replace(day=1), "month", "event")),
    ("mon", r"\b(?:in|during|throughout)\s+(?:(?:early|mid|late)[- ])?" + _MON + r"(?:\s+" + _YEAR + r")?\b",
     lambda m, p: (_since(m, p), "month", "event")),
    ("yyyy", r"\b(?:from|between)\s+(?:19|20)\d\d\s+(?:to|and|until)\s+" + _YEAR + r"\b",  # "a war from 2013 to 2018"
     lambda m, p: (dt.date(int(m.group("year")), 1, 1), "month",
                "background" if int(m.group("year")) < p.year else "event")),
    ("yyyy", r"\bsince\s+" + _YEAR + r"\b",  # "has killed 40,000 since 2009": a running total's start
     lambda m, p: (dt.date(int(m.group("year")), 1, 1), "month", "since")),
    ("yyyy", r"\b(?:in|during|since|after|before)\s+the\s+" + _YEAR + r"\s+(?!to\b)[a-z]",  # "in the 2019 offensive"
     lambda m, p: (dt.date(int(m.group("year")), 1, 1), "month",
                "background" if int(m.group("year")) < p.year else "event")),
    ("yyyy", r"\bin\s+" + _YEAR + r"\b",
     lambda m, p: (dt.date(int(m.group("year")), 1, 1), "month",
                "background" if int(m.group("year")) < p.year else "event")),
]


_COMPILED = [(frozenset(words.split()), re.compile(pattern, re.IGNORECASE), handler)
             for words, pattern, handler in RULES]
# The words the rules are built on, each bounded as it is in every rule that uses it. A sentence
# runs only the rules whose words it has; over half have none. Keep it in step with RULES.
_WORDS = re.compile(
    r"\b(?:(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b|(?P<wd>" + "|".join(WEEKDAYS) + r")"
    r"|(?P<end>end)\b|(?P<day>days?)\b|(?P<week>weeks?)\b|(?P<month>month)\b|(?P<year>year)\b"
    r"|(?P<ago>ago)\b|(?P<night>night)\b|(?P<yesterday>yesterday)\b|(?P<today>today|tonight|morning|afternoon|evening|overnight)\b"
    r"|(?P<yyyy>(?:19|20)\d\d)\b)", re.IGNORECASE)


def find_dates(text: str, published: dt.date) -> list[DateRef]:
    """Every date expression in `text`, resolved; overlapping matches go to the earlier rule."""
    found: list[DateRef] = []
    words = {m.lastgroup for m in _WORDS.finditer(text)}
    if not words:
        return found
    taken: list[tuple[int, int]] = []
    for needs, regex, handler in _COMPILED:
        if needs.isdisjoint(words):
            continue
        for m in regex.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            try:
                resolved = handler(m, published)
            except (ValueError, OverflowError, KeyError):
                continue
            if resolved is None or resolved[0] is None:
                continue
            date, precision, kind = resolved
            found.append(DateRef(date, precision, kind, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda d: d.start)


def resolve_date(expression: str, published: dt.date) -> DateRef | None:
    """The first date expression in `expression`, resolved against `published`, or None."""
    found = find_dates(expression, published)
    return found[0] if found else None


_HEADER_DATE = re.compile(
    r"\b(?:" + _MON + r"\s+" + _DAY + r",?\s*" + _YEAR + r"|" + _DAY.replace("day>", "day2>") + r"\s+"
    + _MON.replace("mon>", "mon2>") + r",?\s+" + _YEAR.replace("year>", "year2>")
    + r"|(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d))\b", re.IGNORECASE)


def parse_header_date(text: str) -> dt.date | None:
    """A full date with its year ("Feb 13,2020", "13 February 2020", "2020-02-13") or None."""
    m = _HEADER_DATE.search(text)
    if not m:
        return None
    try:
        if m.group("iso"):
            return dt.date.fromisoformat(m.group("iso"))
        if m.group("mon"):
            return dt.date(int(m.group("year")), MONTHS[m.group("mon").lower().rstrip(".")], int(m.group("day")))
        return dt.date(int(m.group("year2")), MONTHS[m.group("mon2").lower().rstrip(".")], int(m.group("day2")))
    except ValueError:
        return None
