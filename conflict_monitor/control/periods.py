"""Who holds one place on any day, from its claims (see reference.CLAIM_COLUMNS): periods and
changes of hands. control.model applies this to every place of a claims table.

Per place, 'taken' claims for one side within CLAIM_WINDOW_DAYS of each other are one change of
hands, effective from the earliest report. The place is **contested** on the days where the
sources disagree: reports of one change on different days (contested until the last of them),
an unconfirmed 'claimed' change (contested on its days, the holder stays), a 'disputed' report
that the losing side still holds or fights on, and changes to different sides within the window.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Reports of one change of hands spread over up to three days: the monitor reports first and
# the army announces the next day (Khan Shaykhun 21/22 Aug 2019, Saraqib 5/6 Feb 2020), or
# an entry and the declared full control follow a day or two apart (Maarat al-Numan 28/29 Jan 2020).
CLAIM_WINDOW_DAYS = 3
RECENT_DAYS = 7  # "changed hands recently": within the seven days up to and including the day


@dataclass
class _Change:
    side: str
    first: dt.date
    last: dt.date
    claims: list[dict[str, Any]] = field(default_factory=list)
    confirmed: bool = False
    from_side: str | None = None


@dataclass
class Period:
    """One stretch of a place's history: [start, end) held by `side`, or contested."""

    start: dt.date | None
    end: dt.date | None
    status: str  # 'held' | 'contested' | 'unknown'
    side: str | None
    sides: tuple[str, ...]
    changed_on: dt.date | None
    claims: list[dict[str, Any]]


def _group_changes(claims: list[dict[str, Any]]) -> list[_Change]:
    changes: list[_Change] = []
    latest: dict[Any, _Change] = {}  # each side's last change
    for claim in claims:
        if claim["claim"] == "disputed":
            continue
        day, side = claim["date"], claim["side"]
        # a claim joins the latest change of its side begun within the window. Changes are in
        # order of their first day (claims come sorted by day), so when the side's last change
        # began before the window, every earlier one of that side did too
        change = latest.get(side)
        if change is None or change.side != side or (day - change.first).days > CLAIM_WINDOW_DAYS:
            change = _Change(side, day, day)
            changes.append(change)
            latest[side] = change
        elif day > change.last:
            change.last = day
        change.claims.append(claim)
        change.confirmed |= claim["claim"] == "taken"
        change.from_side = change.from_side or claim.get("from_side")
    return changes


def _holder_of(changes: list[_Change], initial: str | None
               ) -> Callable[[dt.date], tuple[str | None, _Change | None]]:
    """day -> (the side holding the place, the change that gave it): the last confirmed change
    on or before the day. Changes are in order of their first day, so a bisection finds it."""
    confirmed = [c for c in changes if c.confirmed]
    firsts = [c.first for c in confirmed]

    def holder(day: dt.date) -> tuple[str | None, _Change | None]:
        i = bisect.bisect_right(firsts, day)
        return (confirmed[i - 1].side, confirmed[i - 1]) if i else (initial, None)
    return holder


def _contested_spans(changes: list[_Change], disputes: list[dict[str, Any]], initial: str | None
                     ) -> list[tuple[dt.date, dt.date, set[str], list[dict[str, Any]]]]:
    """(start, end exclusive, sides, claims) for each stretch the sources disagree on."""
    spans = []
    confirmed = [c for c in changes if c.confirmed]
    holder = _holder_of(changes, initial)
    for change in changes:
        before, _ = holder(change.first - dt.timedelta(days=1))
        sides = {change.side} | ({before} if before else set())
        taken_days = [c["date"] for c in change.claims if c["claim"] == "taken"]
        if not change.confirmed:
            spans.append((change.first, change.last + dt.timedelta(days=1), sides, change.claims))
        elif max(taken_days) > change.first:
            spans.append((change.first, max(taken_days), sides, change.claims))
    for a, b in itertools.pairwise(confirmed):
        if a.side != b.side and (b.first - a.first).days <= CLAIM_WINDOW_DAYS:
            spans.append((a.first, b.first, {a.side, b.side}, a.claims + b.claims))
    for dispute in disputes:
        day = dispute["date"]
        near = [c for c in changes if c.side != dispute["side"] and c.first <= day
                and (day - c.first).days <= CLAIM_WINDOW_DAYS]
        if near:
            spans.append((near[-1].first, day + dt.timedelta(days=1), {near[-1].side, dispute["side"]},
                          near[-1].claims + [dispute]))
    return spans


def compute_place_periods(claims: list[dict[str, Any]]) -> list[Period]:
    """A place's history as consecutive periods, from the claims about it."""
    return compute_place_periods_and_changes(claims)[0]


def compute_place_periods_and_changes(claims: list[dict[str, Any]]) -> tuple[list[Period], list[dict[str, Any]]]:
    """compute_place_periods and compute_place_changes, the claims sorted and grouped once."""
    claims = sorted(claims, key=lambda c: (c["date"], c["claim"] == "disputed"))
    changes = _group_changes(claims)
    return _periods(claims, changes), _changes_of_hands(changes)


def _periods(claims: list[dict[str, Any]], changes: list[_Change]) -> list[Period]:
    disputes = [c for c in claims if c["claim"] == "disputed"]
    first_confirmed = next((c for c in changes if c.confirmed), None)
    initial = first_confirmed.from_side if first_confirmed else (changes[0].from_side if changes else None)
    spans = _contested_spans(changes, disputes, initial)
    cuts = sorted({c.first for c in changes if c.confirmed} | {s[0] for s in spans} | {s[1] for s in spans})
    periods: list[Period] = []
    bounds: list[dt.date | None] = [None, *cuts]
    holder = _holder_of(changes, initial)
    # the spans covering a day, in their own order: the probed days only grow, so a span joins
    # once its start is reached and leaves for good once its end is
    by_start = sorted(range(len(spans)), key=lambda i: spans[i][0])
    ends = [s[1].toordinal() for s in spans]
    active: list[int] = []
    joined = 0
    for start, end in zip(bounds, [*cuts, None], strict=True):
        probe = start or (cuts[0] - dt.timedelta(days=1) if cuts else dt.date.min)
        held, by = holder(probe)
        day = probe.toordinal()
        while joined < len(by_start) and spans[by_start[joined]][0].toordinal() <= day:
            active.append(by_start[joined])
            joined += 1
        active = [i for i in active if day < ends[i]]
        inside = [spans[i] for i in sorted(active)]
        if inside:
            key = ("contested", None, tuple(sorted(set().union(*(s[2] for s in inside)))), by.first if by else None)
        else:
            key = ("held" if held else "unknown", held, (held,) if held else (), by.first if by else None)
        last = periods[-1] if periods else None
        if last and (last.status, last.side, last.sides, last.changed_on) == key:
            last.end = end
            continue
        if inside:
            evidence = [c for s in inside for c in s[3]]
        else:
            # Before the first change the holder is the side that change took the place from,
            # so that change's reports are the evidence.
            evidence = by.claims if by else (first_confirmed.claims if first_confirmed and held else [])
        periods.append(Period(start, end, key[0], key[1], key[2], key[3], evidence))
    return periods


def compute_place_changes(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The confirmed changes of hands of one place: date, side gained, side lost, claims."""
    claims = sorted(claims, key=lambda c: (c["date"], c["claim"] == "disputed"))
    return _changes_of_hands(_group_changes(claims))


def _changes_of_hands(grouped: list[_Change]) -> list[dict[str, Any]]:
    changes = [c for c in grouped if c.confirmed]
    first = changes[0].from_side if changes else None
    out, held = [], first
    for change in changes:
        if change.side != held:
            out.append({"date": change.first, "gained": change.side, "lost": held, "claims": change.claims})
        held = change.side
    return out
