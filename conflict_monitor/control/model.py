"""Who holds each place on any day, from claims (see reference.CLAIM_COLUMNS).

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

import pandas as pd

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
    for claim in claims:
        if claim["claim"] == "disputed":
            continue
        # changes are in order of their first day (claims come sorted by day), so the latest
        # change of this side within the window is found walking back from the end
        change = None
        for earlier in reversed(changes):
            if (claim["date"] - earlier.first).days > CLAIM_WINDOW_DAYS:
                break
            if earlier.side == claim["side"]:
                change = earlier
                break
        if change is None:
            change = _Change(claim["side"], claim["date"], claim["date"])
            changes.append(change)
        change.last = max(change.last, claim["date"])
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


def _by_place(claims: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    if claims.empty:
        return groups
    # the day and the missing sides converted per column, not per claim: pd.concat of claims
    # turns a None into NaN
    frame = claims.assign(date=list(pd.to_datetime(claims["date"]).dt.date),
                          **{key: claims[key].astype(object).where(claims[key].notna(), None)
                             for key in ("side", "from_side") if key in claims})
    # the records built from each column's Python values: the same dicts as to_dict("records"),
    # without its per-value boxing (16 of 25 s at ten million events)
    columns = list(frame.columns)
    for values in zip(*(frame[c].tolist() for c in columns), strict=True):
        claim = dict(zip(columns, values, strict=True))
        groups.setdefault(claim["place_id"], []).append(claim)
    return groups


CONTROL_COLUMNS = ("place_id", "place", "latitude", "longitude", "admin1", "country", "status", "side",
                   "sides", "since", "changed_recently", "claims")


@dataclass
class PlaceTimeline:
    """A place's whole history, which does not depend on the day asked about."""

    head: dict[str, Any]  # its last claim: name, coordinates, region
    periods: list[Period]
    changes: list[dict[str, Any]]
    name: str  # the place as its first claim names it (the Timeline's strip uses this one)


def compute_control_timeline(claims: pd.DataFrame) -> list[PlaceTimeline]:
    """Every place's periods and changes of hands, computed once for any number of days."""
    return [PlaceTimeline(place_claims[-1], *compute_place_periods_and_changes(place_claims), place_claims[0]["place"])
            for place_claims in _by_place(claims).values()]


def compute_control_on(timeline: list[PlaceTimeline], as_of: dt.date) -> pd.DataFrame:
    """compute_control_as_of from a compute_control_timeline."""
    if not isinstance(as_of, dt.date):
        raise ValueError(f"as_of must be a date, not {as_of!r}")
    rows = []
    for place in timeline:
        period = next(p for p in place.periods
                      if (p.start is None or p.start <= as_of) and (p.end is None or as_of < p.end))
        recent = [c for c in place.changes if 0 <= (as_of - c["date"]).days < RECENT_DAYS]
        head = place.head
        rows.append({
            "place_id": head["place_id"], "place": head["place"], "latitude": head["latitude"],
            "longitude": head["longitude"], "admin1": head["admin1"], "country": head["country"],
            "status": period.status, "side": period.side, "sides": " / ".join(period.sides),
            "since": period.changed_on, "changed_recently": bool(recent), "claims": period.claims})
    frame = pd.DataFrame(rows, columns=list(CONTROL_COLUMNS))
    return frame.sort_values("place", key=lambda s: s.str.lower()).reset_index(drop=True)


def compute_control_as_of(claims: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Each place on `as_of`: status ('held', 'contested', 'unknown'), the side holding it, since
    when (the day it changed hands; None when it is held by the side a later change took it
    from), whether it changed hands in the RECENT_DAYS up to as_of, and the claims behind it.

    All the claims given count, later ones too: a report on the 22nd that the town fell 'this
    morning' makes an earlier report of the 21st a disagreement (narrow the claims to see only
    what was known on a day)."""
    if not isinstance(as_of, dt.date):
        raise ValueError(f"as_of must be a date, not {as_of!r}")
    return compute_control_on(compute_control_timeline(claims), as_of)


def compute_contested_days(claims: pd.DataFrame) -> pd.DataFrame:
    """One row per place and contested day: the sides in dispute and the claims on each side."""
    rows = []
    for place_claims in _by_place(claims).values():
        for period in compute_place_periods(place_claims):
            if period.status != "contested":
                continue
            day = period.start
            while period.end is None or day < period.end:
                rows.append({"place": place_claims[0]["place"], "date": day, "sides": " / ".join(period.sides),
                             "claims": period.claims})
                day += dt.timedelta(days=1)
                if period.end is None:
                    break
    return pd.DataFrame(rows, columns=["place", "date", "sides", "claims"])


def compute_changes_per_week(claims: pd.DataFrame) -> pd.DataFrame:
    """Places gained and lost per week (weeks start on Monday) by each side, with the places."""
    return compute_weekly_changes([(place_claims[0]["place"], compute_place_changes(place_claims))
                                   for place_claims in _by_place(claims).values()])


def compute_weekly_changes_from_timeline(timeline: list[PlaceTimeline]) -> pd.DataFrame:
    """compute_changes_per_week from a compute_control_timeline (no second pass over the claims)."""
    return compute_weekly_changes([(place.name, place.changes) for place in timeline])


def compute_weekly_changes(places: list[tuple[str, list[dict[str, Any]]]]) -> pd.DataFrame:
    """compute_changes_per_week from each place's name and changes of hands."""
    rows = []
    for place, changes in places:
        for change in changes:
            week = change["date"] - dt.timedelta(days=change["date"].weekday())
            rows.append({"week": week, "side": change["gained"], "gained": 1, "lost": 0, "place": place})
            if change["lost"]:
                rows.append({"week": week, "side": change["lost"], "gained": 0, "lost": 1, "place": place})
    if not rows:
        return pd.DataFrame(columns=["week", "side", "gained", "lost", "places_gained", "places_lost"])
    frame = pd.DataFrame(rows)
    return (frame.groupby(["week", "side"])
            .apply(lambda g: pd.Series({
                "gained": int(g["gained"].sum()), "lost": int(g["lost"].sum()),
                "places_gained": ", ".join(sorted(g.loc[g["gained"] == 1, "place"])),
                "places_lost": ", ".join(sorted(g.loc[g["lost"] == 1, "place"]))}), include_groups=False)
            .reset_index())


HISTORY_COLUMNS = ("date", "claim", "side", "from_side", "reported_by", "source", "source_url", "evidence",
                   "origin", "event_id", "date_approx")


def compute_place_history(claims: pd.DataFrame, place_id: str) -> pd.DataFrame:
    """Every claim about one place, oldest first: who took it, when, per which source, evidence."""
    mine = claims[claims["place_id"] == place_id]
    return mine.sort_values(["date", "claim"])[list(HISTORY_COLUMNS)].reset_index(drop=True)


def compute_place_histories(claims: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """compute_place_history for every place, in one pass over the claims."""
    return {place_id: mine.sort_values(["date", "claim"])[list(HISTORY_COLUMNS)].reset_index(drop=True)
            for place_id, mine in claims.groupby("place_id", sort=False)}
