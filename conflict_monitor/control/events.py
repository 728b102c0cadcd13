"""The territorial events behind the control claims, selected in the store (any EventStore's
query_sql; here, not in store/, because the rule is control's).

control.claims.select_territorial_events as SQL (DuckDB and PostgreSQL 15 both run it), beside
the shared filter's parameterised WHERE, so the store returns only the few rows that can be
claims (about 5 % of the synthetic store) instead of every capture for pandas to sift. Rows come
in the order query_events gives (newest first, then event_id), which the claims keep.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from conflict_monitor.control.claims import OCCUPY_CAMEO, TERRITORIAL_SUB_EVENTS
from conflict_monitor.control.select import EVENT_COLUMNS, compute_all_claims, compute_control_filter
from conflict_monitor.model.filters import EventFilter, compute_where
from conflict_monitor.store.base import EventStore


def compute_territorial_where(flt: EventFilter) -> tuple[str, list[object]]:
    """The WHERE (without 'WHERE') and its parameters: the filter's dates, countries, origins
    and sources (control.select.compute_control_filter), a capture, an ACLED territorial
    sub-event type or CAMEO 192, never an encirclement, never a running total."""
    where, params = compute_where(compute_control_filter(flt))
    subs = sorted(TERRITORIAL_SUB_EVENTS)
    marks = ", ".join("?" for _ in subs)
    territorial = (f"(action = 'capture' OR sub_event_type IN ({marks}) OR cameo_code LIKE ?)"
                   " AND action IS DISTINCT FROM 'encircle' AND NOT coalesce(is_running_total, false)")
    return f"{where} AND {territorial}", [*params, *subs, OCCUPY_CAMEO + "%"]


def compute_claim_inputs_sql(flt: EventFilter, rows: tuple[str, Sequence[Any]] = ("TRUE", ())
                            ) -> tuple[str, list[Any]]:
    """store_claims.query_claim_inputs' SQL and parameters; `rows`: a further condition on the events."""
    where, params = compute_territorial_where(flt)
    where, params = f"{where} AND ({rows[0]})", [*params, *rows[1]]
    return (
        f"SELECT 'l' AS kind, location AS a, NULL AS b FROM events WHERE {where} AND location IS NOT NULL "
        f"GROUP BY location UNION ALL SELECT 'a', actor, country FROM (SELECT actor1 AS actor, country FROM events "
        f"WHERE {where} UNION SELECT actor2, country FROM events WHERE {where}) pairs "
        "WHERE actor IS NOT NULL AND country IS NOT NULL", [*params, *params, *params])


def read_claim_inputs(frame: pd.DataFrame) -> tuple[list[str], list[tuple[str, str]]]:
    """The locations and pairs from the rows of compute_claim_inputs_sql."""
    kinds = frame["kind"].tolist() if len(frame) else []
    a, b = (frame["a"].tolist(), frame["b"].tolist()) if len(frame) else ([], [])
    locations = [x for k, x in zip(kinds, a, strict=True) if k == "l"]
    pairs = [(x, y) for k, x, y in zip(kinds, a, b, strict=True) if k == "a"]
    return locations, pairs


def query_territorial_events(store: EventStore, flt: EventFilter) -> pd.DataFrame:
    """The events under `flt` that report a place changing hands, EVENT_COLUMNS only."""
    where, params = compute_territorial_where(flt)
    return store.query_sql(f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE {where} "
                           "ORDER BY event_date DESC NULLS LAST, event_id", params)


def query_control_claims(store: EventStore, flt: EventFilter) -> pd.DataFrame:
    """Every control claim under the filter: the reference rows and the store's territorial
    events (control.select.compute_all_claims on the rows selected in SQL)."""
    return compute_all_claims(query_territorial_events(store, flt), flt)
