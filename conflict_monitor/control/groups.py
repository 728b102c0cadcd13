"""Territorial control from the store's claim groups (control.store_claims): the same timeline,
day's status, popups and histories as the per-claim path (control.model on every claim), with
one claim per place, day and side standing for the claims it groups.

Why a group is enough: the model joins a claim to the latest change of its side begun within
CLAIM_WINDOW_DAYS, so every claim of one place, day and side joins the same change; what the
change keeps of them is its days, whether one was 'taken' (every event's claim is), the first
from_side in order, and the order of the day's first claims of each side (which change is made
first on a day). A group carries exactly these; its claims come back from the store only where
they are listed (the download, a clicked place, the latest reports in a popup).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from conflict_monitor.control.model import (
    PlaceTimeline,
    _by_place,
    compute_place_histories,
    compute_place_history,
    compute_place_periods_and_changes,
)
from conflict_monitor.control.reference import CLAIM_COLUMNS, load_control_changes
from conflict_monitor.control.select import select_reference_claims
from conflict_monitor.control.sides import compute_side_lookup, load_sides
from conflict_monitor.control.store_claims import (
    ClaimSql,
    ClaimSummary,
    make_claim_sql,
    query_claim_inputs,
    query_claim_rows,
    query_claim_summary,
)
from conflict_monitor.control.stored_claims import make_stored_claim_sql, update_claim_table
from conflict_monitor.model.filters import EventFilter
from conflict_monitor.store.base import EventStore


@dataclass(frozen=True)
class ControlSource:
    """Where a filter's claims come from: the store's claims as SQL and the reference's rows."""

    claim_sql: ClaimSql
    reference: pd.DataFrame  # the reference claims under the filter (CLAIM_COLUMNS)


def query_control_source(store: EventStore, flt: EventFilter, places: pd.DataFrame | None = None,
                         reference: pd.DataFrame | None = None, sides: pd.DataFrame | None = None,
                         inputs: Callable[[], tuple[list[str], list[tuple[str, str]]]] | None = None,
                         from_table: bool = True) -> ControlSource:
    """The claims under the filter's dates, countries, origins and sources (see control.select):
    from the store's table of claims (brought up to date first: control.stored_claims) when
    `from_table` and the shipped places, reference and sides are used, else from its events.
    `inputs`: gives store_claims.query_claim_inputs under this filter or under none (a superset
    gives the same claims, so the app reads them once per data version), called only when the
    claims come from the events."""
    from_table = from_table and places is None and reference is None and sides is None
    if places is None or reference is None:
        places, reference = load_control_changes()
    lookup = compute_side_lookup(sides if sides is not None else load_sides())
    # the shipped places and sides, which the store's table is made with (unless a long write
    # keeps it from being brought up to date now)
    if from_table and update_claim_table(store):
        claim_sql = make_stored_claim_sql(flt)
    else:
        locations, pairs = inputs() if inputs is not None else query_claim_inputs(store, flt)
        claim_sql = make_claim_sql(flt, places, lookup, locations, pairs)
    return ControlSource(claim_sql, select_reference_claims(reference, flt).reset_index(drop=True))


def query_all_claims(store: EventStore, source: ControlSource) -> pd.DataFrame:
    """Every claim, one row each, as control.select.compute_all_claims gives them."""
    parts = [p for p in (source.reference, query_claim_rows(store, source.claim_sql)) if not p.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(CLAIM_COLUMNS))


def _group_claims(groups: pd.DataFrame) -> list[dict[str, Any]]:
    # each column as Python values at once (iterating pandas' Arrow strings is slow); missing
    # text comes back from pandas as NaN: the model wants None
    columns = [groups[c].tolist() for c in ("place_id", "date", "side", "from_side", "n")]
    return [{"place_id": p, "date": d, "claim": "taken", "side": s, "from_side": f if isinstance(f, str) else None,
             "group": True, "n": n} for p, d, s, f, n in zip(*columns, strict=True)]


@dataclass(frozen=True)
class ControlState:
    """A filter's control for every day: each place's history, its number of claims and its
    history cut to the reference rows and the latest claims from events (the popups')."""

    timeline: list[PlaceTimeline]
    counts: dict[str, int]
    histories: dict[str, pd.DataFrame]


def query_control_state(store: EventStore, source: ControlSource, limit: int) -> ControlState:
    """ControlState from one query of the store (store_claims.query_claim_summary)."""
    return compute_control_state(source, query_claim_summary(store, source.claim_sql, limit))


def compute_control_state(source: ControlSource, summary: ClaimSummary) -> ControlState:
    """ControlState from the summary of the store's claims (a query, or control.claim_table)."""
    timeline, counts = compute_timeline_from_summary(source, summary)
    return ControlState(timeline, counts, compute_histories_from_summary(source, summary))


def compute_timeline_from_summary(source: ControlSource, summary: ClaimSummary
                                  ) -> tuple[list[PlaceTimeline], dict[str, int]]:
    """Every place's history (as control.model.compute_control_timeline on every claim) and
    how many claims each place has."""
    by_place = _by_place(source.reference)
    counts = {pid: len(claims) for pid, claims in by_place.items()}
    for claim in _group_claims(summary.groups):
        by_place.setdefault(claim["place_id"], []).append(claim)
        counts[claim["place_id"]] = counts.get(claim["place_id"], 0) + claim["n"]
    ends = summary.ends
    first = {r["place_id"]: r for r in ends[ends["end"] == "first"].to_dict("records")}
    last = {r["place_id"]: r for r in ends[ends["end"] == "last"].to_dict("records")}
    timeline = []
    for pid, claims in by_place.items():
        head = last[pid] if claims[-1].get("group") else claims[-1]
        name = first[pid]["place"] if claims[0].get("group") else claims[0]["place"]
        periods, changes = compute_place_periods_and_changes(claims)
        timeline.append(PlaceTimeline(head, periods, changes, name))
    return timeline, counts


def compute_histories_from_summary(source: ControlSource, summary: ClaimSummary) -> dict[str, pd.DataFrame]:
    """Each place's history (control.model.compute_place_histories) cut to its reference rows and
    its latest claims from events: enough for as many last rows of each as the summary's limit."""
    parts = [p for p in (source.reference, summary.latest) if not p.empty]
    return compute_place_histories(pd.concat(parts, ignore_index=True)) if parts else {}


def query_place_history(store: EventStore, source: ControlSource, place_id: str) -> pd.DataFrame:
    """Every claim about one place, oldest first (control.model.compute_place_history)."""
    mine = query_claim_rows(store, source.claim_sql, place_id=place_id)
    ref = source.reference[source.reference["place_id"] == place_id]
    parts = [p for p in (ref, mine) if not p.empty]
    claims = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(CLAIM_COLUMNS))
    return compute_place_history(claims, place_id)


def query_control_claims_of(store: EventStore, source: ControlSource, control: pd.DataFrame) -> pd.DataFrame:
    """`control` (control.model.compute_control_on on a query_control_timeline) with each group
    in its claims replaced by the claims it stands for, as on the per-claim path."""
    keys = sorted({(c["place_id"], c["date"], c["side"]) for claims in control["claims"] for c in claims
                   if c.get("group")})
    members: dict[tuple[Any, Any, Any], list[dict[str, Any]]] = {}
    if keys:
        for pid, claims in _by_place(query_claim_rows(store, source.claim_sql, groups=keys)).items():
            for claim in claims:
                members.setdefault((pid, claim["date"], claim["side"]), []).append(claim)
    expanded = [[m for c in claims for m in (members[(c["place_id"], c["date"], c["side"])] if c.get("group")
                                             else [c])] for claims in control["claims"]]
    return control.assign(claims=expanded)
