"""The store's table of control claims from events (`control_claims`), kept by the store on every
write, so that the Map page's first view of a data version reads a table of claims instead of
matching places and resolving sides over every event.

A claim depends on its own event only (its place by name or within MATCH_KM of a known place,
its sides from its actors and country: control.store_claims) and on the shipped reference
(places, sides, actor names). So the store keeps one row per claim, computed with
store_claims' own SQL for the events a write touched (store.claim_upkeep), and records in meta
the fingerprint of the reference and rules it was made with. A reader uses the table only when
that fingerprint is the one of the places and sides it was given; otherwise (a store made by an
older version, a test's own places) the claims are computed from the events as before, and
the store rebuilds the table when next opened.

The table keeps what the control's filter reads of the event (its day, countries, origin,
source: the events' own column names, so filters.compute_where applies as it is) and the
claim's columns (its place's country as place_country).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from conflict_monitor.control.store_claims import STORED_TABLE, ClaimSql, make_claim_sql
from conflict_monitor.model.filters import EventFilter, compute_where
from conflict_monitor.store.base import EventStore

TABLE = STORED_TABLE
META_KEY = "control_claims"  # meta row: the fingerprint the table was made with
# The claim rules' version: raise it when store_claims' SQL gives other claims, so that every
# store rebuilds its table when opened.
RULE = 1
COLUMNS: tuple[tuple[str, str], ...] = (
    ("event_id", "VARCHAR"), ("place_id", "VARCHAR"), ("place", "VARCHAR"), ("latitude", "DOUBLE"),
    ("longitude", "DOUBLE"), ("admin1", "VARCHAR"), ("place_country", "VARCHAR"), ("date_approx", "BOOLEAN"),
    ("side", "VARCHAR"), ("from_side", "VARCHAR"), ("event_date", "DATE"), ("country", "VARCHAR"),
    ("actor1_country", "VARCHAR"), ("actor2_country", "VARCHAR"), ("origin", "VARCHAR"), ("source", "VARCHAR"),
    ("reported_by", "VARCHAR"), ("source_url", "VARCHAR"), ("evidence", "VARCHAR"))
# A column's value among the claims of ClaimSql.with_filter_sql, where the names differ.
_FROM_CLAIMS = {"place_country": "country", "event_date": "date", "country": "event_country"}
_CLAIM = ("place_id", "place", "latitude", "longitude", "admin1", "place_country AS country",
          "event_date AS date", "date_approx", "'taken' AS claim", "side", "from_side", "event_id")
_FILTER = ("origin", "source", "actor1_country", "actor2_country", "country AS event_country")
_TEXT = ("origin", "source", "reported_by", "source_url", "evidence")  # store_claims.TEXT_COLUMNS


@dataclass(frozen=True)
class ClaimReference:
    """The known places and the side lookup claims are made with, and their fingerprint."""

    places: pd.DataFrame
    lookup: dict[tuple[str, str], str]
    fingerprint: int


def compute_claim_fingerprint(places: pd.DataFrame, lookup: dict[tuple[str, str], str]) -> int:
    """A number that changes when the places, the sides, the actor names, the table's columns or
    RULE do (a 63-bit slice of a SHA-256, so it fits meta's BIGINT)."""
    from conflict_monitor.model.actors import load_actors, load_state_actors  # noqa: PLC0415

    text = json.dumps([RULE, COLUMNS, places.astype(object).where(places.notna(), None).values.tolist(),
                       sorted([*k, v] for k, v in lookup.items()), repr(load_actors()),
                       repr(load_state_actors())], default=str)
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:15], 16)


def load_claim_reference(places: pd.DataFrame | None = None,
                         sides: pd.DataFrame | None = None) -> ClaimReference:
    """The shipped places and sides (or these), with their fingerprint."""
    from conflict_monitor.control.reference import load_control_changes  # noqa: PLC0415
    from conflict_monitor.control.sides import compute_side_lookup, load_sides  # noqa: PLC0415

    if places is None:
        places = load_control_changes()[0]
    lookup = compute_side_lookup(sides if sides is not None else load_sides())
    return ClaimReference(places, lookup, compute_claim_fingerprint(places, lookup))


def make_table_ddl(sql_type: Any) -> str:
    """CREATE TABLE of the claims; `sql_type` spells a schema type for the backend."""
    return f"CREATE TABLE IF NOT EXISTS {TABLE} (" + ", ".join(f"{n} {sql_type(t)}" for n, t in COLUMNS) + ")"


def make_insert_sql(reference: ClaimReference, inputs: tuple[list[str], list[tuple[str, str]]],
                    rows: tuple[str, Sequence[Any]]) -> tuple[str, list[Any]]:
    """INSERT of the claims of the events matching `rows` (a condition on events with its
    parameters); `inputs`: store_claims.query_claim_inputs of those events."""
    claim_sql = make_claim_sql(EventFilter(), reference.places, reference.lookup, *inputs, rows=rows)
    picked = ", ".join(f"c.{_FROM_CLAIMS.get(n, n)}" for n, _ in COLUMNS)
    return (f"INSERT INTO {TABLE} ({', '.join(n for n, _ in COLUMNS)}) SELECT {picked} "
            f"FROM ({claim_sql.with_filter_sql} SELECT * FROM claims) AS c", list(claim_sql.params))


def make_stored_claim_sql(flt: EventFilter) -> ClaimSql:
    """The claims under the filter's dates, countries, origins and sources from the table, as
    ClaimSql's WITH clauses."""
    where, params = compute_where(EventFilter(date_from=flt.date_from, date_to=flt.date_to,
                                              countries=flt.countries, origins=flt.origins, sources=flt.sources))
    def with_sql(extra: Sequence[str]) -> str:
        return f"WITH claims AS (SELECT {', '.join([*_CLAIM, *extra])} FROM {TABLE} WHERE {where})"
    return ClaimSql(with_sql(()), tuple(params), with_sql(_TEXT), with_sql(_FILTER), from_table=True)


def read_stored_fingerprint(store: EventStore) -> int | None:
    """The fingerprint the store's table of claims was made with; None when it has none."""
    frame = store.query_sql("SELECT value FROM meta WHERE key = ?", [META_KEY])
    return int(frame["value"].iloc[0]) if len(frame) and pd.notna(frame["value"].iloc[0]) else None


def is_table_current(store: EventStore, places: pd.DataFrame, lookup: dict[tuple[str, str], str]) -> bool:
    """Whether the store's table of claims was made with these places and sides."""
    return read_stored_fingerprint(store) == compute_claim_fingerprint(places, lookup)
