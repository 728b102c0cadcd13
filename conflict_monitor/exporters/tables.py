"""Exports of event tables: CSV (safe to open in a spreadsheet) and GeoJSON."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import pandas as pd

# OWASP "CSV injection": a cell starting with one of these is run as a formula by spreadsheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """Prefix a text cell that a spreadsheet would run as a formula with a quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def make_csv_text(frame: pd.DataFrame) -> str:
    """CSV of the frame with formula-like text cells neutralised."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise_cell)
    return safe.to_csv(index=False)


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.isoformat()[:10] if not isinstance(value, dt.datetime) else value.isoformat()
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def _dates_as_days(frame: pd.DataFrame) -> pd.DataFrame:
    """Date columns (datetime64 holding only midnights, as the store returns DATE columns) as
    datetime.date, so they are written as ISO days (2020-02-01), the way the CSV writes them."""
    out = frame
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values) and values.dt.tz is None \
                and values.dropna().eq(values.dropna().dt.normalize()).all():
            if out is frame:
                out = frame.copy()
            out[column] = values.dt.date.astype(object).where(values.notna(), None)
    return out


def make_geojson(frame: pd.DataFrame, lat: str = "latitude", lon: str = "longitude") -> dict[str, Any]:
    """A GeoJSON FeatureCollection (RFC 7946, WGS84) of the rows that have coordinates; date
    columns are written as ISO days, as in the CSV."""
    features = []
    for record in _dates_as_days(frame).to_dict("records"):
        y, x = _json_value(record.get(lat)), _json_value(record.get(lon))
        if y is None or x is None:
            continue
        properties = {k: _json_value(v) for k, v in record.items() if k not in (lat, lon)}
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [x, y]},
                         "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def make_geojson_text(frame: pd.DataFrame) -> str:
    """GeoJSON as text."""
    return json.dumps(make_geojson(frame), ensure_ascii=False)
