"""control.periods groups a place's claims into changes of hands by each side's last change
(one look-up per claim): the same periods and changes as walking back over every change begun
within the window, on random claims."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from conflict_monitor.control import periods
from conflict_monitor.control.periods import CLAIM_WINDOW_DAYS, compute_place_periods_and_changes


def _walk_back(claims):
    """The grouping as first written: the latest change of the claim's side found by walking
    back over the changes begun within the window."""
    changes = []
    for claim in claims:
        if claim["claim"] == "disputed":
            continue
        change = None
        for earlier in reversed(changes):
            if (claim["date"] - earlier.first).days > CLAIM_WINDOW_DAYS:
                break
            if earlier.side == claim["side"]:
                change = earlier
                break
        if change is None:
            change = periods._Change(claim["side"], claim["date"], claim["date"])
            changes.append(change)
        change.last = max(change.last, claim["date"])
        change.claims.append(claim)
        change.confirmed |= claim["claim"] == "taken"
        change.from_side = change.from_side or claim.get("from_side")
    return changes


def _random_claims(rnd: random.Random) -> list[dict]:
    return [{"date": dt.date(2020, 1, 1) + dt.timedelta(days=rnd.randint(0, 25)),
             "side": rnd.choice(["army", "rebels", "turkey"]),
             "claim": rnd.choice(["taken", "taken", "claimed", "disputed"]),
             "from_side": rnd.choice([None, "", "army", "rebels"]), "n": i} for i in range(rnd.randint(0, 40))]


@pytest.mark.parametrize("seed", range(5))
def test_grouping_by_each_sides_last_change_is_walking_back(seed, monkeypatch):
    rnd = random.Random(seed)
    places = [_random_claims(rnd) for _ in range(300)]
    fast = [compute_place_periods_and_changes(claims) for claims in places]
    monkeypatch.setattr(periods, "_group_changes", _walk_back)
    slow = [compute_place_periods_and_changes(claims) for claims in places]
    assert fast == slow
    assert sum(len(changes) for _, changes in fast) > 1000  # the claims make many changes
