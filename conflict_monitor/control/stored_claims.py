"""The store's table of control claims from events (`control_claims`), kept up to date from the
store's log of touched events, so that the Map page's first view of a data version reads a table
of claims instead of matching places and resolving sides over every event (at ten million
events the summary query fell from about 1.8 s to 0.5 s, 30 Nov 2026, load 3-4).

A claim depends on its own event only (its place by name or within MATCH_KM of a known place,
its sides from its actors and country: control.store_claims) and on the shipped reference
(places, sides, actor names). So the table holds one row per claim, computed with
store_claims' own SQL, and meta the fingerprint of the reference and rules it was made with.
Every write transaction logs the events it touched (store.event_changes: the store need not
know the rules); a reader first brings the table up to date (update_claim_table: the logged
events' claims again, in a transaction of the store's that does not move the data version) and
rebuilds it whole when it was made with another reference (a store from an older version, the
app's reference changed). Readers given their own places or sides (tests) use the events.

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

from conflict_monitor.control.events import compute_claim_inputs_sql, read_claim_inputs
from conflict_monitor.control.store_claims import STORED_TABLE, ClaimSql, make_claim_sql
from conflict_monitor.model.filters import EventFilter, compute_where
from conflict_monitor.store.base import EventStore, StoreBusyError
from conflict_monitor.store.event_changes import FOLLOWED, Upkeep
from conflict_monitor.store.event_changes import TABLE as LOG

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
        # not materialised: each use scans the narrow table for its own columns (7 % less time
        # for the summary at 10M than one copy of every column, 30 Nov 2026)
        return f"WITH claims AS NOT MATERIALIZED (SELECT {', '.join([*_CLAIM, *extra])} FROM {TABLE} WHERE {where})"
    return ClaimSql(with_sql(()), tuple(params), with_sql(_TEXT), with_sql(_FILTER), from_table=True)


def update_claim_table(store: EventStore) -> bool:
    """Bring the store's table of claims up to date with its events and the shipped reference:
    nothing to do when it was made with that reference and no write has been logged since
    (store.event_changes); the claims of the logged events again otherwise; or the whole table
    when it was made with another reference or none (then the store logs for it). False when
    a write held the store too long to wait for (the caller reads the events this time)."""
    reference = load_claim_reference()
    meta = store.query_sql("SELECT key, value FROM meta WHERE key IN (?, ?)", [META_KEY, FOLLOWED])
    if _is_current(dict(zip(meta["key"], meta["value"], strict=True)), reference) and not store.query_sql(
            f"SELECT count(*) AS n FROM (SELECT 1 FROM {LOG} LIMIT 1) AS x")["n"].iloc[0]:
        return True
    try:
        store.run_upkeep(lambda upkeep: _update(upkeep, reference))
    except StoreBusyError:
        return False
    return True


def _insert_claims(upkeep: Upkeep, reference: ClaimReference, rows: str) -> None:
    """Add the claims of the events matching `rows` (a condition on events)."""
    inputs = read_claim_inputs(upkeep.frame(*compute_claim_inputs_sql(EventFilter(), (rows, ()))))
    if inputs[1]:  # no actor with a country: no claim
        upkeep.execute(*make_insert_sql(reference, inputs, (rows, ())))


def _is_current(meta: dict[str, int], reference: ClaimReference) -> bool:
    """Made with this reference, and the store logs for it (a store whose meta says otherwise,
    e.g. one that an older version wrote to after removing FOLLOWED, is made whole again)."""
    return meta.get(META_KEY) == reference.fingerprint and FOLLOWED in meta


def _update(upkeep: Upkeep, reference: ClaimReference) -> None:
    meta = dict(upkeep.fetch("SELECT key, value FROM meta WHERE key IN (?, ?)", [META_KEY, FOLLOWED]))
    if _is_current(meta, reference):  # what was logged since
        logged = f"event_id IN (SELECT event_id FROM {LOG})"
        upkeep.execute(f"DELETE FROM {TABLE} WHERE {logged}")
        _insert_claims(upkeep, reference, logged)
        upkeep.execute(f"DELETE FROM {LOG}")
        return
    upkeep.execute("DELETE FROM meta WHERE key IN (?, ?)", [META_KEY, FOLLOWED])
    upkeep.execute(f"DROP TABLE IF EXISTS {TABLE}")  # its columns may have changed
    upkeep.execute(make_table_ddl(upkeep.sql_type))
    _insert_claims(upkeep, reference, "TRUE")
    upkeep.execute(f"DELETE FROM {LOG}")
    upkeep.execute("INSERT INTO meta VALUES (?, ?), (?, 1)", [META_KEY, reference.fingerprint, FOLLOWED])
