"""Canonical actors from data/reference/actors.csv, and matching free text to them."""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"
ACTORS_CSV = REFERENCE_DIR / "actors.csv"


@dataclass(frozen=True)
class Actor:
    """One canonical actor with its aliases."""

    canonical: str
    aliases: tuple[str, ...]
    country: str | None
    kind: str
    valid_from: str | None = None
    valid_to: str | None = None


@functools.lru_cache(maxsize=4)
def load_actors(path: Path = ACTORS_CSV) -> tuple[Actor, ...]:
    """Read the actor table (cached: it is small and read-only)."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    expected = {"canonical", "aliases", "country", "kind", "valid_from", "valid_to"}
    if rows and not expected <= set(rows[0]):
        raise ValueError(f"{path}: expected columns {sorted(expected)}, got {sorted(rows[0])}")
    actors = []
    for row in rows:
        aliases = tuple(a.strip() for a in row["aliases"].split(";") if a.strip())
        actors.append(Actor(row["canonical"].strip(), aliases or (row["canonical"].strip(),),
                            row["country"].strip() or None, row["kind"].strip(),
                            row["valid_from"].strip() or None, row["valid_to"].strip() or None))
    return tuple(actors)


@functools.lru_cache(maxsize=4)
def _alias_pattern(path: Path = ACTORS_CSV) -> tuple[re.Pattern[str], dict[str, Actor]]:
    by_alias: dict[str, Actor] = {}
    for actor in load_actors(path):
        for alias in (actor.canonical, *actor.aliases):
            by_alias.setdefault(alias.lower(), actor)
    # Longest alias first so "Syrian Arab Army" wins over "Syrian army".
    ordered = sorted(by_alias, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w])(" + "|".join(re.escape(a) for a in ordered) + r")(?![\w])",
                         re.IGNORECASE)
    return pattern, by_alias


def resolve_actor(text: str | None, path: Path = ACTORS_CSV) -> Actor | None:
    """The canonical actor named first in `text` (longest alias at the earliest place), or None."""
    if not text:
        return None
    pattern, by_alias = _alias_pattern(path)
    match = pattern.search(text)
    return by_alias[match.group(1).lower()] if match else None

