"""ACLED export CSV → events (ACLED Codebook 2023/2024: the 31-column export; older exports with
numeric inter1/inter2 codes, event_id_no_cnty and dates written '27 February 2020' also load)."""

from __future__ import annotations

import pandas as pd

from conflict_monitor.importers.common import (
    acled_actions,
    clean,
    country_tables,
    iso3_from_name,
    map_actors,
    numbers,
    parse_dates,
)

ORIGIN = "acled"
# Codebook: time_precision 1 = the day is known, 2 = within a week, 3 = within a month.
TIME_PRECISION = {"1": "day", "2": "week", "3": "month"}
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d/%m/%Y")
# Schema field → the ACLED column it comes from (to name it in error messages).
ORIGIN_OF = {"event_date": "event_date", "date_precision": "time_precision",
             "event_type": "event_type", "sub_event_type": "sub_event_type",
             "latitude": "latitude", "longitude": "longitude", "geo_precision": "geo_precision",
             "fatalities": "fatalities", "fatalities_high": "fatalities"}


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    return clean(frame[name]) if name in frame else pd.Series(None, index=frame.index, dtype=object)


def _country(frame: pd.DataFrame) -> pd.Series:
    """ISO3 from the numeric ISO 3166 code (ACLED 'iso'), else from an iso3 column or the name."""
    numeric = country_tables()[0]
    iso = _col(frame, "iso").map(lambda v: numeric.get(str(int(float(v)))) if _is_number(v) else None)
    if "iso3" in frame:
        iso = iso.where(iso.notna(), _col(frame, "iso3"))
    return iso.where(iso.notna(), _col(frame, "country").map(iso3_from_name))


def _is_number(value: object) -> bool:
    try:
        float(str(value))
        return True
    except ValueError:
        return False


def map_chunk(frame: pd.DataFrame) -> pd.DataFrame:
    """Event rows (plus an _error column) for a chunk of ACLED rows held as text."""
    out = pd.DataFrame(index=frame.index)
    ids = _col(frame, "event_id_cnty")
    out["event_id"] = "acled-" + ids.fillna("")
    out["_error"] = ids.map(lambda v: None if v else "event_id_cnty: empty; every ACLED row has one")
    out["event_date"] = parse_dates(frame["event_date"], DATE_FORMATS)
    precision = _col(frame, "time_precision")
    out["date_precision"] = precision.map(lambda v: TIME_PRECISION.get(str(v).split(".")[0], v)
                                          if v is not None else None)
    out["event_type"] = _col(frame, "event_type")
    out["sub_event_type"] = _col(frame, "sub_event_type")
    fatalities = numbers(frame["fatalities"])
    table = acled_actions()
    mapped = [table.get((t, s)) for t, s in zip(out["event_type"], out["sub_event_type"], strict=False)]
    killed = pd.to_numeric(fatalities, errors="coerce").fillna(0) > 0
    action = pd.Series([m[0] if m else None for m in mapped], index=frame.index, dtype=object)
    out["action"] = action.where(~((action == "attack") & killed), "kill")  # ANNOTATION.md rule
    out["cameo_code"] = [m[1] if m else None for m in mapped]
    out["goldstein"] = [m[2] if m else None for m in mapped]
    out["actor1"], out["actor1_country"] = map_actors(frame["actor1"])
    out["actor2"], out["actor2_country"] = map_actors(_col(frame, "actor2"))
    out["country"] = _country(frame)
    out["admin1"] = _col(frame, "admin1")
    out["location"] = _col(frame, "location")
    out["latitude"] = numbers(frame["latitude"])
    out["longitude"] = numbers(frame["longitude"])
    out["geo_precision"] = numbers(frame["geo_precision"])
    out["fatalities"] = fatalities
    out["fatalities_high"] = fatalities
    targeting = _col(frame, "civilian_targeting").fillna("")
    out["victims"] = targeting.map(lambda v: "civilians" if "civilian" in v.lower() else None)
    out["reported_by"] = _col(frame, "source")  # ACLED's 'source' names the outlets
    out["source"] = "ACLED"
    out["evidence"] = _col(frame, "notes")
    out["origin"] = ORIGIN
    return out
