"""Sides, not single actors: which side of a conflict each canonical actor fights on
(data/reference/sides.csv). A new conflict only needs its own rows."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from conflict_monitor.model.actors import resolve_actor

SIDES_CSV = Path(__file__).resolve().parents[2] / "data" / "reference" / "sides.csv"
SIDE_COLUMNS = ("conflict", "countries", "side", "actor")


def load_sides(path: Path = SIDES_CSV) -> pd.DataFrame:
    """The sides table: one row per (conflict, side, actor); `countries` is ';'-separated ISO3."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    missing = [c for c in SIDE_COLUMNS if rows and c not in rows[0]]
    if missing:
        raise ValueError(f"{path.name}: missing column(s) {', '.join(missing)}; expected {', '.join(SIDE_COLUMNS)}")
    for number, row in enumerate(rows, start=2):
        empty = [c for c in SIDE_COLUMNS if not (row.get(c) or "").strip()]
        if empty:
            raise ValueError(f"{path.name} line {number}: empty {', '.join(empty)}")
    frame = pd.DataFrame(rows, columns=list(SIDE_COLUMNS))
    clash = frame.assign(country=frame["countries"].str.split(";")).explode("country")
    twice = clash.groupby(["country", "actor"])["side"].nunique()
    if (twice > 1).any():
        country, actor = twice[twice > 1].index[0]
        raise ValueError(f"{path.name}: {actor!r} is on two sides in {country}")
    return frame


def compute_side_lookup(sides: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(ISO3 country, canonical actor) -> side."""
    lookup: dict[tuple[str, str], str] = {}
    for row in sides.itertuples(index=False):
        for country in str(row.countries).split(";"):
            lookup[(country.strip().upper(), str(row.actor).strip())] = str(row.side)
    return lookup


def compute_side(actor: object, country: object, lookup: dict[tuple[str, str], str]) -> str | None:
    """The side `actor` fights on in `country`, or None when the table does not say.

    Names are resolved to canonical actors first, so 'SAA' or 'Turkish-backed rebels' work."""
    if not isinstance(actor, str) or not actor.strip() or not isinstance(country, str):
        return None
    known = resolve_actor(actor)
    name = known.canonical if known else actor.strip()
    return lookup.get((country.strip().upper(), name))


def list_conflict_sides(sides: pd.DataFrame) -> list[str]:
    """Every side, in table order (the map's colours follow this order)."""
    return list(dict.fromkeys(sides["side"]))
