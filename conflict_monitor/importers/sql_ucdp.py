"""UCDP GED CSV → event rows in SQL, value for value as ucdp.map_chunk and validate_event."""

from __future__ import annotations

import pandas as pd

from conflict_monitor.importers import ucdp
from conflict_monitor.importers.common import iso3_from_name, numbers
from conflict_monitor.importers.sql_fields import (
    Mapped,
    add_actor,
    add_checked,
    add_coordinate,
    add_date,
    constant,
)
from conflict_monitor.importers.sql_values import ValueMaps, check_fields, join_on, quote_literal

WANTED = ("id", "type_of_violence", "date_start", "date_prec", "low", "high", "best", "side_a",
          "side_b", "country", "adm_1", "where_coordinates", "where_description", "latitude",
          "longitude", "where_prec", "source_office", "source_headline", "deaths_a", "deaths_b",
          "deaths_civilians", "deaths_unknown")
_DEATHS = ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "side_a", "side_b")


def _equality_key(value: object) -> str | None:
    """What `low == high` compares in ucdp.map_chunk: numbers by value, text as text."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return f"n:{float(value) + 0.0!r}"  # + 0.0: -0.0 equals 0.0
    return f"s:{value}"


def _deaths(maps: ValueMaps, mapped: Mapped, column: str, field: str, alias: str) -> None:
    def mapper(keys: pd.Series) -> dict[str, list]:
        values = numbers(keys)
        checked = [check_fields({field: v}, ucdp.ORIGIN, ucdp.ORIGIN_OF) for v in values]
        return {"v": [None if o is None else o[field] for o, _ in checked],
                "e": [e for _, e in checked], "key": [_equality_key(v) for v in values]}

    table = maps.map_column(column, mapper, {"v": "Int64", "e": "string", "key": "string"})
    mapped.joins.append(join_on(alias, table, [(f"r.{column}", "k")]))
    mapped.problems.append(f"{alias}.e")


def _best(maps: ValueMaps, mapped: Mapped) -> None:
    def mapper(keys: pd.Series) -> dict[str, list]:
        values = numbers(keys)
        killed = (pd.to_numeric(values, errors="coerce").fillna(0) > 0).tolist()
        return {"fig": [ucdp._figure(v) for v in values], "kill": killed}

    table = maps.map_column("best", mapper, {"fig": "string", "kill": "boolean"})
    mapped.joins.append(join_on("be", table, [("r.best", "k")]))
    text = "coalesce(r.source_headline, r.where_description)"
    label = quote_literal("[UCDP best estimate: ")
    mapped.values.update(
        action="CASE WHEN be.kill THEN 'kill' ELSE 'attack' END",
        evidence=f"CASE WHEN {text} IS NULL THEN {label} || be.fig || ']' "
                 f"ELSE {text} || ' ' || {label} || be.fig || ']' END")


def _violence(maps: ValueMaps, mapped: Mapped) -> None:
    def mapper(keys: pd.Series) -> dict[str, list]:
        codes = [ucdp._code(v) for v in keys]
        kinds = [ucdp.VIOLENCE.get(c) if c is not None else None for c in codes]
        out: dict[str, list] = {"t": [], "s": [], "c": [], "g": [], "e": []}
        for code, kind in zip(codes, kinds, strict=True):
            etype, sub, cameo, gold = kind or (None, None, None, None)
            problem = None if kind else f"type_of_violence: expected 1, 2 or 3, got {code!r}"
            for column, value in zip(out, (etype, sub, cameo, gold, problem), strict=True):
                out[column].append(value)
        return out

    table = maps.map_column("type_of_violence", mapper, {"t": "string", "s": "string",
                                                         "c": "string", "g": "Float64", "e": "string"})
    mapped.joins.append(join_on("vl", table, [("r.type_of_violence", "k")]))
    mapped.values.update(event_type="vl.t", sub_event_type="vl.s", cameo_code="vl.c", goldstein="vl.g")


def _victims(maps: ValueMaps, mapped: Mapped) -> None:
    keys = maps.distinct(list(_DEATHS))
    victims = ucdp.compute_victims(keys) if len(keys) else pd.Series([], dtype=object)
    table = maps.add(keys, {"v": victims}, {"v": "string"})
    mapped.joins.append(join_on("vc", table, [(f"r.{c}", c) for c in _DEATHS]))
    mapped.values["victims"] = "vc.v"


def map_ucdp(maps: ValueMaps) -> Mapped:
    """The SQL of every event field of a UCDP GED file, with its problems in validation order."""
    origin, where = ucdp.ORIGIN, ucdp.ORIGIN_OF
    code = "coalesce(split_part(r.id, '.', 1), '')"
    mapped = Mapped(values={"event_id": f"'ucdp-' || {code}"}, problems=[
        f"CASE WHEN {code} = '' THEN 'id: empty; every UCDP GED row has one' ELSE vl.e END"], joins=[])
    _violence(maps, mapped)
    add_date(mapped, maps, "date_start", ucdp.DATE_FORMATS, origin, where)
    add_checked(mapped, maps, "date_prec", "date_precision", origin, where,
                lambda keys: keys.map(lambda v: ucdp.DATE_PREC.get(ucdp._code(v), v)
                                      if v is not None else None), "string", "pr")
    add_checked(mapped, maps, "where_prec", "geo_precision", origin, where,
                lambda keys: keys.map(lambda v: ucdp.WHERE_PREC.get(ucdp._code(v), v)
                                      if v is not None else None), "Int64", "gp")
    add_coordinate(mapped, maps, "latitude", "latitude", origin, where)
    add_coordinate(mapped, maps, "longitude", "longitude", origin, where)
    _deaths(maps, mapped, "low", "fatalities", "lo")
    _deaths(maps, mapped, "high", "fatalities_high", "hi")
    mapped.problems.append(
        "CASE WHEN hi.v < lo.v THEN 'fatalities_high: expected >= fatalities (' || lo.v || "
        "'), got ' || hi.v || ' (column high)' END")
    mapped.values.update(fatalities="lo.v", fatalities_high="coalesce(hi.v, lo.v)",
                         fatalities_qualifier="CASE WHEN lo.key IS NOT DISTINCT FROM hi.key "
                                              "THEN 'exact' ELSE 'about' END")
    _best(maps, mapped)
    add_actor(mapped, maps, "side_a", "1")
    add_actor(mapped, maps, "side_b", "2")
    country = maps.map_column("country", lambda keys: {"v": keys.map(iso3_from_name)}, {"v": "string"})
    mapped.joins.append(join_on("co", country, [("r.country", "k")]))
    admin = maps.map_column("adm_1", lambda keys: {"v": keys.map(
        lambda v: v.removesuffix(" governorate").removesuffix(" province") if v else None)},
        {"v": "string"})
    mapped.joins.append(join_on("ad", admin, [("r.adm_1", "k")]))
    _victims(maps, mapped)
    mapped.values.update(country="co.v", admin1="ad.v", reported_by="r.source_office",
                         location="coalesce(r.where_coordinates, r.where_description)",
                         source=constant("UCDP GED"), origin=constant(origin))
    return mapped
