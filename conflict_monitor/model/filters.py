"""The shared event filter: one value object used by the sidebar, the URL, the CLI and SQL.

As in datasette, filters become parameterised SQL (never formatted user input), and the
whole filter round-trips through a query string so a link reproduces a view.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from conflict_monitor.model.schema import ACLED_EVENT_TYPES, ACTIONS, ORIGINS

# Query-string key for each multi-valued filter field.
MULTI_KEYS: dict[str, str] = {
    "actors": "actor",
    "countries": "country",
    "actions": "action",
    "event_types": "type",
    "origins": "origin",
    "sources": "source",
}
DATE_KEYS: dict[str, str] = {"date_from": "from", "date_to": "to"}
# On/off filters: the key is present with value "1" when on.
FLAG_KEYS: dict[str, str] = {"reviewed_only": "reviewed"}
QUERY_KEYS: frozenset[str] = (frozenset(MULTI_KEYS.values()) | frozenset(DATE_KEYS.values())
                              | frozenset(FLAG_KEYS.values()))
# Extracted events an analyst accepted or corrected (store/review.py); rows of curated datasets
# (ACLED, UCDP, GDELT, reference) count as reviewed by their curators.
REVIEWED_SQL = ("({p}origin <> 'extracted' OR {p}event_id IN "
                "(SELECT event_id FROM event_reviews WHERE status IN ('accepted', 'edited')))")


@dataclass(frozen=True)
class EventFilter:
    """What the user asked to see. Empty tuples mean 'no restriction'."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    actors: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    reviewed_only: bool = False

    def with_changes(self, **changes: Any) -> EventFilter:
        """Return a copy with some fields replaced (lists become sorted tuples)."""
        clean = {k: tuple(sorted(set(v))) if isinstance(v, (list, set, tuple)) else v
                 for k, v in changes.items()}
        return replace(self, **clean)

    @property
    def key(self) -> tuple:
        """Hashable key for caches."""
        return tuple(getattr(self, f.name) for f in fields(self))

    def is_empty(self) -> bool:
        return all(not getattr(self, f.name) for f in fields(self))

    def describe(self) -> str:
        """One human line of the active filters, for chart captions."""
        parts = []
        if self.date_from or self.date_to:
            parts.append(f"{self.date_from or '…'} to {self.date_to or '…'}")
        for name, label in (("actors", "actors"), ("countries", "countries"), ("actions", "actions"),
                            ("event_types", "types"), ("origins", "origins"), ("sources", "sources")):
            values = getattr(self, name)
            if values:
                parts.append(f"{label}: {', '.join(values)}")
        if self.reviewed_only:
            parts.append("reviewed events only")
        return "; ".join(parts) if parts else "no filters"


def compute_where(flt: EventFilter, table_alias: str = "") -> tuple[str, list[Any]]:
    """Turn a filter into a parameterised SQL WHERE clause (without 'WHERE') and its parameters.

    actor matches either actor1 or actor2; country matches where it happened or either actor's
    country. Returns ("TRUE", []) for an empty filter.
    """
    p = f"{table_alias}." if table_alias else ""
    clauses: list[str] = []
    params: list[Any] = []
    if flt.date_from:
        clauses.append(f"{p}event_date >= ?")
        params.append(flt.date_from)
    if flt.date_to:
        clauses.append(f"{p}event_date <= ?")
        params.append(flt.date_to)

    def in_list(columns: Iterable[str], values: tuple[str, ...]) -> None:
        if not values:
            return
        marks = ", ".join("?" for _ in values)
        ors = [f"{p}{col} IN ({marks})" for col in columns]
        clauses.append("(" + " OR ".join(ors) + ")")
        for _ in ors:
            params.extend(values)

    in_list(("actor1", "actor2"), flt.actors)
    in_list(("country", "actor1_country", "actor2_country"), flt.countries)
    in_list(("action",), flt.actions)
    in_list(("event_type",), flt.event_types)
    in_list(("origin",), flt.origins)
    in_list(("source",), flt.sources)
    if flt.reviewed_only:
        clauses.append(REVIEWED_SQL.format(p=p))
    return (" AND ".join(clauses) if clauses else "TRUE"), params


def compute_where_branches(flt: EventFilter, table_alias: str = "") -> list[tuple[str, list[Any]]]:
    """compute_where(flt) as disjoint WHERE clauses that together match its rows: the actor (else
    country) condition, an OR over columns, becomes one branch per column, each leaving out the
    rows of the branches before it. One branch (compute_where's) when the filter has neither.

    A query that adds up per branch (UNION ALL) then filters each scan on one column, which
    DuckDB applies in the scan, where it evaluates an OR after reading every row's columns."""
    p = f"{table_alias}." if table_alias else ""
    groups = [(name, columns) for name, columns in (
        ("actors", ("actor1", "actor2")), ("countries", ("country", "actor1_country", "actor2_country")))
        if getattr(flt, name)]
    if not groups:
        return [compute_where(flt, table_alias)]
    name, columns = groups[0]
    values = list(getattr(flt, name))
    rest, rest_params = compute_where(replace(flt, **{name: ()}), table_alias)
    marks = ", ".join("?" for _ in values)
    out = []
    for i, col in enumerate(columns):
        earlier = [f"NOT coalesce({p}{c} IN ({marks}), false)" for c in columns[:i]]
        out.append((" AND ".join([f"{p}{col} IN ({marks})", *earlier, rest]), values * (i + 1) + rest_params))
    return out


def _parse_date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        return None


def parse_filter_params(
    params: Mapping[str, list[str]],
    known_values: Mapping[str, Iterable[str]] | None = None,
) -> tuple[EventFilter, list[str]]:
    """Build a filter from query parameters (key -> list of values).

    Unknown keys, malformed dates and values not among `known_values` (per field name, e.g.
    {"actors": [...]}) are dropped; each drop yields one notice string for the user.
    actions, origins and event types are always checked against the schema vocabularies.
    """
    known = {"actions": ACTIONS, "origins": ORIGINS, "event_types": tuple(ACLED_EVENT_TYPES)}
    if known_values:
        known.update({k: tuple(v) for k, v in known_values.items()})
    notices: list[str] = []
    values: dict[str, Any] = {}
    for key in params:
        if key not in QUERY_KEYS:
            notices.append(f"Ignored unknown link parameter '{key}'.")
    for name, key in DATE_KEYS.items():
        raw = list(params.get(key, []))
        if not raw:
            continue
        parsed = _parse_date(raw[-1])
        if parsed is None:
            notices.append(f"Ignored '{key}={raw[-1]}': expected a date as YYYY-MM-DD.")
        else:
            values[name] = parsed
    if values.get("date_from") and values.get("date_to") and values["date_from"] > values["date_to"]:
        notices.append("Ignored the date range: 'from' is after 'to'.")
        values.pop("date_from"), values.pop("date_to")
    for name, key in FLAG_KEYS.items():
        raw = list(params.get(key, []))
        if raw and raw[-1] in ("1", "true"):
            values[name] = True
        elif raw:
            notices.append(f"Ignored '{key}={raw[-1]}': expected {key}=1.")
    for name, key in MULTI_KEYS.items():
        raw = [v for v in params.get(key, []) if v is not None and str(v).strip()]
        if not raw:
            continue
        allowed = known.get(name)
        kept = []
        for value in raw:
            if allowed is not None and value not in allowed:
                notices.append(f"Ignored unknown {key} '{value}'.")
            else:
                kept.append(value)
        if kept:
            values[name] = kept
    return EventFilter().with_changes(**values), notices


def compute_query_params(flt: EventFilter) -> dict[str, list[str]]:
    """The inverse of parse_filter_params: only non-empty fields, dates as ISO strings."""
    out: dict[str, list[str]] = {}
    for name, key in DATE_KEYS.items():
        value = getattr(flt, name)
        if value:
            out[key] = [value.isoformat()]
    for name, key in MULTI_KEYS.items():
        value = getattr(flt, name)
        if value:
            out[key] = list(value)
    for name, key in FLAG_KEYS.items():
        if getattr(flt, name):
            out[key] = ["1"]
    return out


FILTER_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(EventFilter))
