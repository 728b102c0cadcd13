"""Claims from many events at once equal the claims event by event (match_place per event),
on synthetic capture events: places matched by name, by distance, new towns and provinces."""

from __future__ import annotations

import numpy as np

from conflict_monitor.bench.synthetic import make_synthetic_events
from conflict_monitor.control.claims import compute_claims_from_events, compute_place_index
from conflict_monitor.control.select import load_control_changes
from conflict_monitor.control.sides import compute_side, compute_side_lookup, load_sides
from tests.control.legacy_claims import match_place  # the per-event oracle


def test_claims_of_many_events_equal_matching_each_event_alone():
    events = make_synthetic_events(3000, seed=7)
    events["action"] = "capture"
    rng = np.random.default_rng(7)
    far = rng.random(len(events)) < 0.3  # off the known places: new towns or nothing
    events.loc[far, "latitude"] += 0.5
    events.loc[rng.random(len(events)) < 0.2, "location"] = "Somewhere else"
    events.loc[rng.random(len(events)) < 0.05, ["latitude", "longitude"]] = np.nan
    places, _ = load_control_changes()
    lookup = compute_side_lookup(load_sides())
    claims = compute_claims_from_events(events, places, lookup)

    index = compute_place_index(places)
    expected = []
    for event in events.to_dict("records"):
        if compute_side(event["actor1"], event["country"], lookup) is None:
            continue
        place = match_place(event, places, index)
        if place is not None:
            expected.append((event["event_id"], place["place_id"]))
    assert list(zip(claims["event_id"], claims["place_id"], strict=True)) == expected
    assert len(set(claims["place_id"])) > 5  # known places and new towns both occur
