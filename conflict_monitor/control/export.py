"""Control tables for download: one flat row per place (status, side, since, the claims behind
it on one line), as formula-safe CSV or GeoJSON."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd

from conflict_monitor.exporters.tables import neutralise_cell

OUT_COLUMNS = ("place", "status", "side", "sides", "since", "changed_recently", "admin1", "country",
               "latitude", "longitude", "evidence")


def describe_claims(claims: list[dict]) -> str:
    """The claims behind a status on one line: date, what, side, who says so, id, link."""
    return " || ".join(
        f"{c['date']} {c['claim']} {c['side']} — {c.get('reported_by') or c.get('source') or '?'}"
        f" [{c.get('event_id')}] {str(c.get('source_url') or '').split(' | ')[0]}" for c in claims)


def make_control_table(control: pd.DataFrame) -> pd.DataFrame:
    """The control frame as flat rows for CSV/GeoJSON."""
    out = control.assign(evidence=control["claims"].map(describe_claims),
                         since=control["since"].map(lambda d: d.isoformat() if d else ""))
    return out[list(OUT_COLUMNS)]


def make_control_csv(table: pd.DataFrame) -> str:
    """CSV, formula-safe for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(OUT_COLUMNS)
    for row in table.itertuples(index=False):
        writer.writerow(["" if v is None or (isinstance(v, float) and pd.isna(v)) else neutralise_cell(v)
                         for v in row])
    return buffer.getvalue()


def make_control_geojson(table: pd.DataFrame) -> str:
    """GeoJSON of the places with coordinates (RFC 7946, WGS84)."""
    features = []
    for row in table.dropna(subset=["latitude", "longitude"]).to_dict("records"):
        props = {k: (None if isinstance(v, float) and pd.isna(v) else v)
                 for k, v in row.items() if k not in ("latitude", "longitude")}
        features.append({"type": "Feature", "properties": props, "geometry": {
            "type": "Point", "coordinates": [float(row["longitude"]), float(row["latitude"])]}})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, default=str)
