"""GDELT 2.0 events → event rows in SQL, value for value as gdelt.map_chunk and validate_event."""

from __future__ import annotations

import pandas as pd

from conflict_monitor.importers import gdelt
from conflict_monitor.importers.common import country_tables, lookup_cameo, numbers
from conflict_monitor.importers.sql_fields import (
    Mapped,
    add_checked,
    add_coordinate,
    add_date,
    constant,
)
from conflict_monitor.importers.sql_values import ValueMaps, check_fields, join_on

# The columns the mapping reads (of the 61): the others are not loaded.
WANTED = ("GlobalEventID", "SQLDATE", "EventCode", "GoldsteinScale",
          *(f"Actor{n}{f}" for n in "12" for f in ("Code", "Name", "CountryCode", "Type1Code")),
          "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_Lat",
          "ActionGeo_Long", "SOURCEURL")
_ID = "r.\"GlobalEventID\""
_DIGITS = f"coalesce(regexp_full_match({_ID}, '[0-9]+'), false)"


def _ids(maps: ValueMaps, mapped: Mapped) -> None:
    """GlobalEventID must be digits (str.isdigit: other scripts' digits too, checked in Python)."""
    def mapper(keys: pd.Series) -> dict[str, list]:
        return {"e": [None if v and v.isdigit() else f"GlobalEventID: expected a number, got {v!r}"
                      for v in keys]}

    table = maps.map_column("GlobalEventID", mapper, {"e": "string"},
                            "NOT coalesce(regexp_full_match(\"GlobalEventID\", '[0-9]+'), false)")
    mapped.joins.append(join_on("gid", table, [(_ID, "k")]))
    mapped.problems.append(f"CASE WHEN {_DIGITS} THEN NULL ELSE gid.e END")
    mapped.values["event_id"] = f"'gdelt-' || coalesce({_ID}, '')"


def _codes(maps: ValueMaps, mapped: Mapped) -> None:
    """EventCode and GoldsteinScale → action, Goldstein (the row's, else CAMEO's), ACLED type."""
    keys = maps.distinct(['"EventCode"', '"GoldsteinScale"'])
    types = gdelt._acled_type_by_cameo()
    out: dict[str, list] = {"act": [], "gold": [], "t": [], "s": [], "e": []}
    golds = numbers(keys["GoldsteinScale"]) if len(keys) else []
    for code, gold in zip(keys["EventCode"], golds, strict=True):
        entry = lookup_cameo(code)
        if gold is None:
            gold = entry[2] if entry else None
        kind = (types.get(code[:4] if code else "") or types.get(code[:3] if code else "")
                or types.get(code[:2] if code else "")) or (None, None)
        row = {"action": entry[1] if entry else None, "goldstein": gold,
               "event_type": kind[0], "sub_event_type": kind[1]}
        out_row, problem = check_fields(row, gdelt.ORIGIN, gdelt.ORIGIN_OF)
        for column, value in zip(out, (row["action"], None if out_row is None else out_row["goldstein"],
                                       kind[0], kind[1], problem), strict=True):
            out[column].append(value)
    table = maps.add(keys, out, {"act": "string", "gold": "Float64", "t": "string", "s": "string",
                                 "e": "string"})
    mapped.joins.append(join_on("ev", table, [('r."EventCode"', "EventCode"),
                                              ('r."GoldsteinScale"', "GoldsteinScale")]))
    mapped.problems.append("ev.e")
    mapped.values.update(action="ev.act", goldstein="ev.gold", event_type="ev.t",
                         sub_event_type="ev.s", cameo_code='r."EventCode"')


def _actor(maps: ValueMaps, mapped: Mapped, n: str) -> None:
    columns = [f'"Actor{n}{f}"' for f in ("Code", "Name", "CountryCode", "Type1Code")]
    keys = maps.distinct(columns)
    pairs = [gdelt._actor(*row) for row in keys.itertuples(index=False, name=None)]
    table = maps.add(keys, {"a": [p[0] for p in pairs], "c": [p[1] for p in pairs]},
                     {"a": "string", "c": "string"})
    mapped.joins.append(join_on(f"a{n}", table, [(f"r.{c}", c) for c in columns]))
    mapped.values.update({f"actor{n}": f"a{n}.a", f"actor{n}_country": f"a{n}.c"})


def map_gdelt(maps: ValueMaps) -> Mapped:
    """The SQL of every event field of a GDELT 2.0 events file, with its problems."""
    origin, where = gdelt.ORIGIN, gdelt.ORIGIN_OF
    mapped = Mapped(values={}, problems=[], joins=[])
    _ids(maps, mapped)
    add_date(mapped, maps, "SQLDATE", ("%Y%m%d",), origin, where)
    _codes(maps, mapped)
    add_checked(mapped, maps, "ActionGeo_Type", "geo_precision", origin, where,
                lambda keys: keys.map(lambda v: gdelt.GEO_TYPE.get(v) if v else None), "Int64", "gp")
    add_coordinate(mapped, maps, "ActionGeo_Lat", "latitude", origin, where)
    add_coordinate(mapped, maps, "ActionGeo_Long", "longitude", origin, where)
    _actor(maps, mapped, "1")
    _actor(maps, mapped, "2")
    fips = country_tables()[1]
    country = maps.map_column("ActionGeo_CountryCode",
                              lambda keys: {"v": keys.map(lambda v: fips.get(v) if v else None)},
                              {"v": "string"})
    mapped.joins.append(join_on("co", country, [('r."ActionGeo_CountryCode"', "k")]))
    url = 'r."SOURCEURL"'
    mapped.values.update(country="co.v", location='r."ActionGeo_FullName"', source=constant("GDELT"),
                         source_url=url, evidence=url, origin=constant(origin),
                         date_precision=constant("day"))
    return mapped
