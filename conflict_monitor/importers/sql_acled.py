"""ACLED export → event rows in SQL, value for value as acled.map_chunk and validate_event."""

from __future__ import annotations

import re

import pandas as pd

from conflict_monitor.importers import acled
from conflict_monitor.importers.common import acled_actions, numbers
from conflict_monitor.importers.sql_fields import (
    Mapped,
    add_actor,
    add_checked,
    add_coordinate,
    add_date,
    checked_map,
    constant,
)
from conflict_monitor.importers.sql_reader import FastPathUnavailable
from conflict_monitor.importers.sql_values import ValueMaps, check_fields, join_on

WANTED = ("event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1",
          "actor2", "iso", "iso3", "country", "admin1", "location", "latitude", "longitude",
          "geo_precision", "source", "notes", "fatalities", "civilian_targeting", "timestamp")
# Unix seconds up to 1999999999 (May 2033): well inside the times pandas can hold.
PLAIN_SECONDS = "1[0-9]{9}|[0-9]{1,9}"
_SLASH_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/\d{4}\s*$")


def scan_date_order(maps: ValueMaps, name: str) -> acled.DateOrder:
    """acled.scan_date_order from the distinct dates and their counts. A file where the
    reference path would name lines (mixed orders, a date past 12 on both sides) is left to it."""
    counts = maps.con.execute(f"SELECT event_date, count(*) FROM {maps.source} "
                              "WHERE event_date LIKE '%/%' GROUP BY 1").fetchall()
    day = month = False
    ambiguous = 0
    for value, count in counts:
        match = _SLASH_DATE.match(value)
        if not match:
            continue
        first, second = int(match.group(1)), int(match.group(2))
        if first > 12 and second > 12:
            raise FastPathUnavailable("a d/m/y date with both parts over 12")
        day, month = day or first > 12, month or second > 12
        ambiguous += count if first <= 12 and second <= 12 else 0
    if day and month:
        raise FastPathUnavailable("mixed d/m/y and m/d/y dates")  # the reference names the lines
    return acled.decide_date_order((0, "") if day else None, (0, "") if month else None,
                                   ambiguous, name)


def _timestamps(maps: ValueMaps, mapped: Mapped) -> None:
    """revised_at from ACLED's `timestamp`: whole Unix seconds up to 2033 in SQL (exactly what
    pandas gives them), any other text through acled._timestamps and validate_event."""
    table = checked_map(maps, "timestamp", "revised_at", acled.ORIGIN, acled.ORIGIN_OF,
                        acled._timestamps, "datetime",
                        f"NOT coalesce(regexp_full_match(\"timestamp\", '{PLAIN_SECONDS}'), false)")
    mapped.joins.append(join_on("ts", table, [("r.timestamp", "k")]))
    plain = f"regexp_full_match(r.timestamp, '{PLAIN_SECONDS}')"
    mapped.values["revised_at"] = (f"CASE WHEN {plain} THEN make_timestamp(CAST(r.timestamp AS BIGINT) "
                                   "* 1000000) ELSE ts.v END")
    mapped.problems.append(f"CASE WHEN {plain} THEN NULL ELSE ts.e END")


def _pairs(maps: ValueMaps, mapped: Mapped) -> None:
    """event_type and sub_event_type → action, CAMEO code, Goldstein (acled_actions.csv)."""
    keys = maps.distinct(["event_type", "sub_event_type"])
    table, out = acled_actions(), {"act": [], "cam": [], "gold": [], "e": []}
    for etype, sub in zip(keys["event_type"], keys["sub_event_type"], strict=True):
        action, code, gold = table.get((etype, sub)) or (None, None, None)
        _, problem = check_fields({"event_type": etype, "sub_event_type": sub, "action": action,
                                   "goldstein": gold}, acled.ORIGIN, acled.ORIGIN_OF)
        for column, value in zip(out, (action, code, gold, problem), strict=True):
            out[column].append(value)
    name = maps.add(keys, out, {"act": "string", "cam": "string", "gold": "Float64", "e": "string"})
    mapped.joins.append(join_on("ty", name, [("r.event_type", "event_type"),
                                             ("r.sub_event_type", "sub_event_type")]))
    mapped.problems.append("ty.e")
    mapped.values.update(event_type="r.event_type", sub_event_type="r.sub_event_type",
                         cameo_code="ty.cam", goldstein="ty.gold")


def _fatalities(maps: ValueMaps, mapped: Mapped) -> None:
    def mapper(keys: pd.Series) -> dict[str, list]:
        values = numbers(keys, thousands=True)  # "1,234" in edited files
        killed = (pd.to_numeric(values, errors="coerce").fillna(0) > 0).tolist()
        checked = [check_fields({"fatalities": v, "fatalities_high": v}, acled.ORIGIN, acled.ORIGIN_OF)
                   for v in values]
        return {"v": [None if o is None else o["fatalities"] for o, _ in checked],
                "e": [e for _, e in checked], "kill": killed}

    table = maps.map_column("fatalities", mapper, {"v": "Int64", "e": "string", "kill": "boolean"})
    mapped.joins.append(join_on("fa", table, [("r.fatalities", "k")]))
    mapped.values.update(fatalities="fa.v", fatalities_high="fa.v",
                         action="CASE WHEN ty.act = 'attack' AND fa.kill THEN 'kill' ELSE ty.act END")


def _country(maps: ValueMaps, mapped: Mapped) -> None:
    keys = maps.distinct(["iso", "iso3", "country"])
    # An absent iso3 column reads as NULL here, which acled._country treats as absent.
    countries = acled._country(keys) if len(keys) else pd.Series([], dtype=object)
    table = maps.add(keys, {"v": countries}, {"v": "string"})
    mapped.joins.append(join_on("co", table, [("r.iso", "iso"), ("r.iso3", "iso3"),
                                              ("r.country", "country")]))
    mapped.values["country"] = "co.v"


def map_acled(maps: ValueMaps, name: str, order: acled.DateOrder) -> Mapped:
    """The SQL of every event field of an ACLED file, with its problems in validation order."""
    origin, where = acled.ORIGIN, acled.ORIGIN_OF
    mapped = Mapped(values={}, problems=[
        "CASE WHEN r.event_id_cnty IS NULL THEN 'event_id_cnty: empty; every ACLED row has one' END"],
        joins=[])
    mapped.values["event_id"] = "'acled-' || coalesce(r.event_id_cnty, '')"
    slash = acled.DAY_FIRST if order.day_first else acled.MONTH_FIRST
    add_date(mapped, maps, "event_date", (*acled.DATE_FORMATS, *slash), origin, where)
    _timestamps(maps, mapped)
    add_checked(mapped, maps, "time_precision", "date_precision", origin, where,
                lambda keys: keys.map(lambda v: acled.TIME_PRECISION.get(str(v).split(".")[0], v)
                                      if v is not None else None), "string", "pr")
    _pairs(maps, mapped)
    add_checked(mapped, maps, "geo_precision", "geo_precision", origin, where, numbers, "Int64", "gp")
    add_coordinate(mapped, maps, "latitude", "latitude", origin, where)
    add_coordinate(mapped, maps, "longitude", "longitude", origin, where)
    _fatalities(maps, mapped)
    mapped.problems.append("fa.e")
    add_actor(mapped, maps, "actor1", "1")
    add_actor(mapped, maps, "actor2", "2")
    _country(maps, mapped)
    victims = checked_map(maps, "civilian_targeting", "victims", origin, where,
                          lambda keys: keys.map(lambda v: "civilians" if v and "civilian" in v.lower()
                                                else None), "string")
    mapped.joins.append(join_on("vi", victims, [("r.civilian_targeting", "k")]))
    mapped.values.update(admin1="r.admin1", location="r.location", victims="vi.v",
                         reported_by="r.source", source=constant("ACLED"), evidence="r.notes",
                         origin=constant(origin))
    return mapped
