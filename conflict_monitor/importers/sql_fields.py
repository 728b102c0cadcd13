"""Field mappings shared by the SQL importers: each returns the SQL of a value (and of its
problem, NULL when the value is good) over the raw table `r`, adding the value tables it needs."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from conflict_monitor.importers.common import canonical_actor, numbers, parse_dates
from conflict_monitor.importers.sql_values import ValueMaps, check_fields, join_on, quote_literal

# The plain form of a coordinate (what ACLED, UCDP and GDELT write): DuckDB's cast gives the same
# double as Python's float(); any other text goes through common.numbers and validate_event.
PLAIN_NUMBER = r"-?[0-9]{1,3}(\.[0-9]{1,15})?"


@dataclass
class Mapped:
    """SQL expressions of one import: value per event field, problems in validation order, joins."""

    values: dict[str, str]
    problems: list[str]
    joins: list[str]


def checked_map(maps: ValueMaps, column: str, field: str, origin: str, origin_of: Mapping[str, str],
                prepare: Callable[[pd.Series], pd.Series], kind: str, where: str = "") -> str:
    """A value table for one column (the values `where` selects): key `k`, `v` the field's
    value after prepare() and validate_event, `e` the problem. Returns its name."""
    def mapper(keys: pd.Series) -> dict[str, list]:
        values, errors = [], []
        for value in prepare(keys):
            out, problem = check_fields({field: value}, origin, origin_of)
            values.append(None if out is None else out[field])
            errors.append(problem)
        return {"v": values, "e": errors}

    return maps.map_column(column, mapper, {"v": kind, "e": "string"}, where)


def add_checked(mapped: Mapped, maps: ValueMaps, column: str, field: str, origin: str,
                origin_of: Mapping[str, str], prepare: Callable[[pd.Series], pd.Series],
                kind: str, alias: str) -> None:
    """Map `column` into `field` through a checked value table joined as `alias`."""
    table = checked_map(maps, column, field, origin, origin_of, prepare, kind)
    mapped.joins.append(join_on(alias, table, [(f'r."{column}"', "k")]))
    mapped.values[field] = f"{alias}.v"
    mapped.problems.append(f"{alias}.e")


def add_date(mapped: Mapped, maps: ValueMaps, column: str, formats: Sequence[str], origin: str,
             origin_of: Mapping[str, str]) -> None:
    """event_date from a column read with common.parse_dates."""
    add_checked(mapped, maps, column, "event_date", origin, origin_of,
                lambda keys: parse_dates(keys, formats), "datetime", "dt")
    mapped.values["event_date"] = "CAST(dt.v AS DATE)"


def add_actor(mapped: Mapped, maps: ValueMaps, column: str, number: str) -> None:
    """actorN and actorN_country from a dataset actor name (common.canonical_actor)."""
    def mapper(keys: pd.Series) -> dict[str, list]:
        pairs = [canonical_actor(k) for k in keys]
        return {"a": [p[0] for p in pairs], "c": [p[1] for p in pairs]}

    table = maps.map_column(column, mapper, {"a": "string", "c": "string"})
    alias = f"a{number}"
    mapped.joins.append(join_on(alias, table, [(f'r."{column}"', "k")]))
    mapped.values[f"actor{number}"] = f"{alias}.a"
    mapped.values[f"actor{number}_country"] = f"{alias}.c"


def add_coordinate(mapped: Mapped, maps: ValueMaps, column: str, field: str, origin: str,
                   origin_of: Mapping[str, str]) -> None:
    """latitude or longitude: plain numbers cast in SQL, other text through Python."""
    low, high = (-90, 90) if field == "latitude" else (-180, 180)
    plain = f"regexp_full_match(r.\"{column}\", '{PLAIN_NUMBER}')"
    table = checked_map(maps, column, field, origin, origin_of, numbers, "Float64",
                        f"NOT coalesce(regexp_full_match(\"{column}\", '{PLAIN_NUMBER}'), false)")
    alias = f"g_{field[:3]}"
    mapped.joins.append(join_on(alias, table, [(f'r."{column}"', "k")]))
    cast = f'TRY_CAST(r."{column}" AS DOUBLE)'
    mapped.values[field] = f"CASE WHEN {plain} THEN {cast} ELSE {alias}.v END"
    where = f" (column {origin_of[field]})" if origin_of.get(field, field) != field else ""
    mapped.problems.append(
        f"CASE WHEN {plain} THEN CASE WHEN {cast} < {low} OR {cast} > {high} THEN "
        f"{quote_literal(f'{field}: expected a number from {low} to {high}, got ')} || "
        f"r.\"{column}\" || {quote_literal(where)} END ELSE {alias}.e END")


def constant(value: Any) -> str:
    """SQL literal of a fixed value of the mapping (our own constants)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return quote_literal(str(value))
