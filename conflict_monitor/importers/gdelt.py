"""GDELT 2.0 events export (*.export.CSV: tab-separated, no header, 61 columns) → events.

Column order from the GDELT 2.0 Event Codebook (V2.0, 2015): actor fields 5-24, event fields
25-34, three geography blocks of 8 fields (Actor1Geo_, Actor2Geo_, ActionGeo_), DATEADDED and
SOURCEURL. Event codes follow the CAMEO manual (1.1b3); Goldstein weights come with each row.
"""

from __future__ import annotations

import pandas as pd

from conflict_monitor.importers.common import (
    acled_actions,
    canonical_actor,
    clean,
    country_tables,
    forces_of,
    lookup_cameo,
    numbers,
    parse_dates,
)

ORIGIN = "gdelt"
_ACTOR = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
          "Religion2Code", "Type1Code", "Type2Code", "Type3Code")
_GEO = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
COLUMNS: tuple[str, ...] = (
    "GlobalEventID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *(f"Actor1{f}" for f in _ACTOR), *(f"Actor2{f}" for f in _ACTOR),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"Actor1Geo_{f}" for f in _GEO), *(f"Actor2Geo_{f}" for f in _GEO),
    *(f"ActionGeo_{f}" for f in _GEO),
    "DATEADDED", "SOURCEURL",
)
assert len(COLUMNS) == 61
# ActionGeo_Type: 1 country, 2 US state, 3 US city, 4 world city, 5 world state (ADM1).
GEO_TYPE = {"1": 3, "2": 3, "3": 1, "4": 1, "5": 3}
# CAMEO agent codes that stand for a state's armed or security forces.
FORCES = {"MIL", "COP", "SPY"}
ORIGIN_OF = {"event_date": "SQLDATE", "latitude": "ActionGeo_Lat", "longitude": "ActionGeo_Long",
             "goldstein": "GoldsteinScale"}


def _acled_type_by_cameo() -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {"19": ("Battles", "Armed clash"),
                                         "18": ("Violence against civilians", "Attack"),
                                         "20": ("Violence against civilians", "Attack")}
    for (etype, sub), (_, code, _) in acled_actions().items():
        table.setdefault(code, (etype, sub))
    return table


def _actor(code: str | None, name: str | None, country: str | None,
           agent: str | None) -> tuple[str | None, str | None]:
    """Canonical actor from CAMEO actor fields: a country's forces (MIL/COP/SPY), its state
    (GOV, or the bare country code), else the name."""
    if agent in FORCES and forces_of(country):
        return forces_of(country)
    if (agent == "GOV" or (code and code == country)) and forces_of(country, "state"):
        return forces_of(country, "state")
    if not name:
        return None, country
    canonical, iso = canonical_actor(name.title() if name.isupper() else name)
    return canonical, iso or country


def map_chunk(frame: pd.DataFrame) -> pd.DataFrame:
    """Event rows (plus an _error column) for a chunk of GDELT rows held as text."""
    out = pd.DataFrame(index=frame.index)
    ids = clean(frame["GlobalEventID"])
    out["event_id"] = "gdelt-" + ids.fillna("")
    out["_error"] = ids.map(lambda v: None if v and v.isdigit()
                            else f"GlobalEventID: expected a number, got {v!r}")
    out["event_date"] = parse_dates(frame["SQLDATE"], ("%Y%m%d",))
    out["date_precision"] = "day"
    codes = clean(frame["EventCode"])
    entries = codes.map(lookup_cameo)
    out["cameo_code"] = codes
    out["action"] = entries.map(lambda e: e[1] if e else None)
    gold = numbers(frame["GoldsteinScale"])
    fallback = entries.map(lambda e: e[2] if e else None)
    out["goldstein"] = gold.where(gold.notna(), fallback)
    types = _acled_type_by_cameo()
    acled = [types.get(c[:4] if c else "") or types.get(c[:3] if c else "")
             or types.get(c[:2] if c else "") for c in codes]
    out["event_type"] = [t[0] if t else None for t in acled]
    out["sub_event_type"] = [t[1] if t else None for t in acled]
    for n in ("1", "2"):
        pairs = [_actor(c, nm, cc, ag) for c, nm, cc, ag in zip(
            clean(frame[f"Actor{n}Code"]), clean(frame[f"Actor{n}Name"]),
            clean(frame[f"Actor{n}CountryCode"]), clean(frame[f"Actor{n}Type1Code"]), strict=False)]
        out[f"actor{n}"] = [p[0] for p in pairs]
        out[f"actor{n}_country"] = [p[1] for p in pairs]
    fips = country_tables()[1]
    out["country"] = clean(frame["ActionGeo_CountryCode"]).map(lambda v: fips.get(v) if v else None)
    out["location"] = clean(frame["ActionGeo_FullName"])
    out["latitude"] = numbers(frame["ActionGeo_Lat"])
    out["longitude"] = numbers(frame["ActionGeo_Long"])
    out["geo_precision"] = clean(frame["ActionGeo_Type"]).map(lambda v: GEO_TYPE.get(v) if v else None)
    url = clean(frame["SOURCEURL"])
    out["source"] = "GDELT"
    out["source_url"] = url
    out["evidence"] = url
    out["origin"] = ORIGIN
    return out
