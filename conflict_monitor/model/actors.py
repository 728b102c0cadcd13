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
    generated: bool = False  # from the all-states table (states.py), not curated


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


@functools.lru_cache(maxsize=2)
def load_state_actors() -> tuple[Actor, ...]:
    """Every state and its forces from states.csv, as actors; a country that actors.csv already
    pairs keeps its curated canonical names, and aliases the curated table has are left out."""
    from conflict_monitor.model.states import load_states, military_name, state_aliases  # noqa: PLC0415

    curated = load_actors()
    taken = {a.lower() for actor in curated for a in (actor.canonical, *actor.aliases)}
    by_country: dict[tuple[str, str], str] = {}
    for actor in curated:
        if actor.country and actor.kind in ("state", "military"):
            by_country.setdefault((actor.country, actor.kind), actor.canonical)
    out = []
    for state in load_states():
        state_side, forces = state_aliases(state)
        for kind, canonical, names in (("state", state.name, state_side),
                                       ("military", military_name(state), [military_name(state), *forces])):
            canonical = by_country.get((state.iso3, kind), canonical)
            aliases = tuple(dict.fromkeys(n for n in names if norm_name(n) not in taken))
            out.append(Actor(canonical, aliases, state.iso3, kind, generated=True))
    return tuple(out)


def all_actors() -> tuple[Actor, ...]:
    """The curated actors, then every state and its forces."""
    return (*load_actors(), *load_state_actors())


def norm_name(text: str) -> str:
    """Lower case, straight apostrophes, no leading article: the key of an exact name lookup."""
    # str.split() splits on the whitespace re's \s matches (str.isspace): one space between
    # words, none around them, without two regular expressions per name (load_state_actors
    # normalises 34,000 names: half its time, on the Map page's first view after a start)
    text = " ".join(text.replace("\u2019", "'").lower().split())
    return text[4:] if text.startswith("the ") else text


@functools.lru_cache(maxsize=1)
def _state_names() -> dict[str, Actor]:
    out: dict[str, Actor] = {}
    for actor in load_state_actors():
        for alias in (actor.canonical, *actor.aliases):
            out.setdefault(norm_name(alias), actor)
    return out


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
    """The canonical actor named first in `text` (longest alias at the earliest place), or None.

    The names of the all-states table count only as the whole text ("Ethiopian troops", "Mali"):
    inside a longer name they are part of another actor's name ("Myanmar National Democratic
    Alliance Army", "Democratic Forces for the Liberation of Rwanda")."""
    if not text:
        return None
    if path == ACTORS_CSV:
        state = _state_names().get(norm_name(text))
        if state is not None:
            return state
    pattern, by_alias = _alias_pattern(path)
    match = pattern.search(text)
    return by_alias[match.group(1).lower()] if match else None

