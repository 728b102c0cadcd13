"""Every UN member and observer state as a pair of actors: the state ("Ethiopia": Addis Ababa,
the Ethiopian government, ministries) and its forces ("Ethiopian forces": Ethiopian troops, the
Ethiopian army, Ethiopia's military, Armed Forces of Ethiopia).

Names, demonyms and capitals come from data/reference/states.csv (built by build_states.py from
GeoNames, countryinfo and PETRARCH2, see data/README.md). Where the curated actors.csv already has
a state or military actor for a country, the generated names point to that actor instead.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

STATES_CSV = Path(__file__).resolve().parents[2] / "data" / "reference" / "states.csv"
# Nouns that make a demonym or a country name the state's armed forces ("Malian troops").
MILITARY_NOUNS = ("forces", "troops", "army", "military", "soldiers", "armed forces", "air force", "navy",
                  "warplanes", "jets", "drones", "artillery", "security forces", "defence forces",
                  "defense forces", "army troops", "government forces", "government troops", "junta",
                  "military junta", "national army", "special forces", "police", "soldier", "troop")
# Nouns that make them the state itself ("the Malian government", "Mali's foreign ministry").
STATE_NOUNS = ("government", "officials", "authorities", "president", "presidency", "foreign ministry",
               "defence ministry", "defense ministry", "ministry of defence", "ministry of defense",
               "foreign minister", "defence minister", "defense minister", "prime minister", "leader",
               "military ruler", "military government", "transitional government", "side", "state media",
               "interim government", "government spokesman", "army spokesman")


@dataclass(frozen=True)
class State:
    """One row of states.csv."""

    iso3: str
    name: str
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]
    capital: str | None


def _split(text: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in (text or "").split(";") if t.strip())


@functools.lru_cache(maxsize=2)
def load_states(path: Path = STATES_CSV) -> tuple[State, ...]:
    """The rows of states.csv (cached)."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if rows and not {"iso3", "name", "aliases", "demonyms", "capital"} <= set(rows[0]):
        raise ValueError(f"{path}: expected columns iso3, name, aliases, demonyms, capital")
    return tuple(State(r["iso3"].strip(), r["name"].strip(), _split(r["aliases"]), _split(r["demonyms"]),
                       r["capital"].strip() or None) for r in rows)


def military_name(state: State) -> str:
    """"<Demonym> forces", or "<Name> forces" for a state without a demonym of its own."""
    return f"{(state.demonyms or (state.name,))[0]} forces"


def state_aliases(state: State) -> tuple[list[str], list[str]]:
    """(names of the state, names of its forces) in every form the extractor should know."""
    names = (state.name, *state.aliases)
    adjectives = (*state.demonyms, *names)
    capitals = [state.capital, state.capital.replace("'", "")] if state.capital else []
    state_side = [*names, *(c for c in dict.fromkeys(capitals) if c not in names)]
    forces = []
    for adj in adjectives:
        state_side += [f"{adj} {noun}" for noun in STATE_NOUNS]
        forces += [f"{adj} {noun}" for noun in MILITARY_NOUNS]
    for name in names:
        state_side += [f"{name}'s {noun}" for noun in STATE_NOUNS] + [f"Government of {name}",
                                                                      f"President of {name}"]
        forces += [f"{name}'s {noun}" for noun in MILITARY_NOUNS] + [
            f"Armed Forces of {name}", f"Military Forces of {name}", f"Police Forces of {name}",
            f"army of {name}", f"forces of {name}"]
    return state_side, forces
