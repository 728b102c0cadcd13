"""ACLED export CSV → events (ACLED Codebook 2023/2024: the 31-column export; older exports with
numeric inter1/inter2 codes, event_id_no_cnty and dates written '27 February 2020' also load)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

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
from conflict_monitor.store.base import ImportRejected

ORIGIN = "acled"
# Codebook: time_precision 1 = the day is known, 2 = within a week, 3 = within a month.
TIME_PRECISION = {"1": "day", "2": "week", "3": "month"}
# Written forms seen in ACLED exports and in the spreadsheets they pass through: ISO, the old
# export's '27 February 2020', Excel's '27-Feb-2020', '2020/02/27'. A d/m/y or m/d/y date is
# read in the order the whole column shows (scan_date_order).
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d-%B-%Y", "%d-%b-%Y", "%Y/%m/%d")
DAY_FIRST, MONTH_FIRST = ("%d/%m/%Y", "%m/%d/%Y"), ("%m/%d/%Y", "%d/%m/%Y")
_SLASH_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/\d{4}\s*$")
# Schema field → the ACLED column it comes from (to name it in error messages).
ORIGIN_OF = {"event_date": "event_date", "date_precision": "time_precision",
             "event_type": "event_type", "sub_event_type": "sub_event_type",
             "latitude": "latitude", "longitude": "longitude", "geo_precision": "geo_precision",
             "fatalities": "fatalities", "fatalities_high": "fatalities",
             "revised_at": "timestamp"}


@dataclass(frozen=True)
class DateOrder:
    """How this file's d/m/y dates are read, and a note for the user when the file cannot say."""

    day_first: bool = True
    note: str | None = None


def scan_date_order(dates: Iterable[tuple[int, str]], name: str) -> DateOrder:
    """Day-first or month-first, from every (line, event_date) of the file: a first number over
    12 means day-first (13/02/2020), a second one over 12 month-first (2/27/2020). A file showing
    both is refused; one where every such date reads either way (3/4/2020) is read day-first,
    as before, with a note saying so."""
    day_line = month_line = None
    ambiguous = 0
    for line, value in dates:
        match = _SLASH_DATE.match(value or "")
        if not match:
            continue
        first, second = int(match.group(1)), int(match.group(2))
        if first > 12 and day_line is None:
            day_line = (line, value.strip())
        elif second > 12 and month_line is None:
            month_line = (line, value.strip())
        elif first <= 12 and second <= 12:
            ambiguous += 1
    return decide_date_order(day_line, month_line, ambiguous, name)


def decide_date_order(day_line: tuple[int, str] | None, month_line: tuple[int, str] | None,
                      ambiguous: int, name: str) -> DateOrder:
    """The order from what a scan found: the first (line, date) only day-first and only
    month-first, and how many dates read either way."""
    if day_line and month_line:
        raise ImportRejected(
            f"{name}: event_date mixes day-first ({day_line[1]}, line {day_line[0]}) and "
            f"month-first ({month_line[1]}, line {month_line[0]}) dates; nothing was imported. "
            "Write the dates in one order (ISO, 2020-02-27, is safest).")
    if month_line:
        return DateOrder(day_first=False)
    if ambiguous and not day_line:
        return DateOrder(note=f"{name}: every one of its {ambiguous:,} dates written d/m/y could be "
                              "read either way (e.g. 3/4/2020); they were read day-first "
                              "(3 April), as ACLED writes them. Re-import it with ISO dates if "
                              "they were month-first.")
    return DateOrder()


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
    """True for a finite number or numeric text (a missing column reads as NaN, not a code)."""
    try:
        return math.isfinite(float(str(value)))
    except ValueError:
        return False


def _timestamps(series: pd.Series) -> pd.Series:
    """ACLED's `timestamp` (Unix seconds of the row's last revision) as a UTC time; other text
    stays, so validation names it."""
    raw = clean(series)
    seconds = pd.to_numeric(raw, errors="coerce")
    times = pd.to_datetime(seconds, unit="s", errors="coerce")
    return times.astype(object).where(times.notna(), raw)


def map_chunk(frame: pd.DataFrame, order: DateOrder | None = None) -> pd.DataFrame:
    """Event rows (plus an _error column) for a chunk of ACLED rows held as text; d/m/y dates
    are read in the file's `order` (scan_date_order)."""
    out = pd.DataFrame(index=frame.index)
    ids = _col(frame, "event_id_cnty")
    out["event_id"] = "acled-" + ids.fillna("")
    out["_error"] = ids.map(lambda v: None if v else "event_id_cnty: empty; every ACLED row has one")
    slash = DAY_FIRST if (order or DateOrder()).day_first else MONTH_FIRST
    out["event_date"] = parse_dates(frame["event_date"], (*DATE_FORMATS, *slash))
    precision = _col(frame, "time_precision")
    out["date_precision"] = precision.map(lambda v: TIME_PRECISION.get(str(v).split(".")[0], v)
                                          if v is not None else None)
    out["event_type"] = _col(frame, "event_type")
    out["sub_event_type"] = _col(frame, "sub_event_type")
    fatalities = numbers(frame["fatalities"], thousands=True)  # "1,234" in edited files
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
    out["revised_at"] = _timestamps(_col(frame, "timestamp"))
    return out
