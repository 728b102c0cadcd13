"""The sourced reference of control changes (data/reference/control_changes.csv) as claims."""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from pathlib import Path

import pandas as pd

CHANGES_CSV = Path(__file__).resolve().parents[2] / "data" / "reference" / "control_changes.csv"
CHANGE_COLUMNS = ("place", "alt_names", "admin1", "country", "latitude", "longitude", "coord_basis",
                  "date", "date_approx", "claim", "side", "from_side", "reported_by", "source_urls", "note")
# One row per report of a place changing hands (or not): 'taken' is a reported change,
# 'claimed' an unconfirmed one, 'disputed' a source saying `side` still holds or fights on.
CLAIM_KINDS = ("taken", "claimed", "disputed")
CLAIM_COLUMNS = ("place_id", "place", "latitude", "longitude", "admin1", "country", "date", "date_approx",
                 "claim", "side", "from_side", "origin", "event_id", "source", "reported_by",
                 "source_url", "evidence")
PLACE_COLUMNS = ("place_id", "place", "alt_names", "latitude", "longitude", "admin1", "country", "coord_basis")
REFERENCE_SOURCE = "Control changes reference"


def compute_place_key(name: object) -> str:
    """A spelling-insensitive key for a place name: no accents, case, articles or punctuation
    ('Ma'arrat al-Nu'man' and 'Maarat al Numan' give the same key)."""
    text = unicodedata.normalize("NFKD", str(name or "")).encode("ascii", "ignore").decode().lower()
    words = [w for w in re.split(r"[^a-z0-9]+", text.replace("'", "")) if w and w not in {"al", "el", "al-"}]
    return "".join(words)


def _float(text: str) -> float | None:
    text = (text or "").strip()
    return float(text) if text else None


def load_control_changes(path: Path = CHANGES_CSV) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(places, claims) from the reference file; a bad row stops with its line number."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if rows and any(c not in rows[0] for c in CHANGE_COLUMNS):
        missing = [c for c in CHANGE_COLUMNS if c not in rows[0]]
        raise ValueError(f"{path.name}: missing column(s) {', '.join(missing)}")
    places: dict[str, dict] = {}
    claims = []
    for number, row in enumerate(rows, start=2):
        where = f"{path.name} line {number}"
        if row["claim"] not in CLAIM_KINDS:
            raise ValueError(f"{where}: claim {row['claim']!r} is not one of {', '.join(CLAIM_KINDS)}")
        if not row["place"].strip() or not row["side"].strip():
            raise ValueError(f"{where}: place and side are required")
        try:
            day = dt.date.fromisoformat(row["date"])
            lat, lon = _float(row["latitude"]), _float(row["longitude"])
        except ValueError as err:
            raise ValueError(f"{where}: {err}") from None
        place_id = compute_place_key(row["place"])
        places.setdefault(place_id, {
            "place_id": place_id, "place": row["place"], "alt_names": row["alt_names"], "latitude": lat,
            "longitude": lon, "admin1": row["admin1"], "country": row["country"],
            "coord_basis": row["coord_basis"]})
        claims.append({
            "place_id": place_id, "place": row["place"], "latitude": lat, "longitude": lon,
            "admin1": row["admin1"], "country": row["country"], "date": day,
            "date_approx": row["date_approx"].strip().lower() == "true", "claim": row["claim"],
            "side": row["side"], "from_side": row["from_side"] or None, "origin": "reference",
            "event_id": f"ref-control-{place_id}-{day.isoformat()}-{row['claim']}-{number}",
            "source": REFERENCE_SOURCE, "reported_by": row["reported_by"],
            "source_url": row["source_urls"], "evidence": row["note"]})
    return (pd.DataFrame(list(places.values()), columns=list(PLACE_COLUMNS)),
            pd.DataFrame(claims, columns=list(CLAIM_COLUMNS)))
