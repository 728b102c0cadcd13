"""Turn the shipped reference files into store rows: observation posts, the reference timeline
and per-source casualty claims."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path
from typing import Any

from conflict_monitor.geo.admin import compute_admin1, compute_country
from conflict_monitor.model.actors import resolve_actor
from conflict_monitor.model.schema import validate_event

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
REFERENCE_DIR = DATA_DIR / "reference"
POSTS_CSV = DATA_DIR / "idlib_observation_posts.csv"
TIMELINE_CSV = DATA_DIR / "idlib_reference_timeline.csv"
CLAIMS_CSV = REFERENCE_DIR / "claims.csv"
TIMELINE_TYPES_CSV = REFERENCE_DIR / "timeline_types.csv"

_DATE_RE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")
_CONFIDENCE_RE = re.compile(r"\((HIGH|MEDIUM|LOW)", re.IGNORECASE)


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    """All rows of a UTF-8 CSV file as dicts."""
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def parse_loose_date(text: str | None) -> tuple[dt.date | None, bool]:
    """Parse '2019-08-23', '~2020-02-16 (approx.)' or '2018-02 (early Feb)'.

    Returns (date, approximate). A month alone gives its first day, marked approximate.
    """
    if not text:
        return None, False
    match = _DATE_RE.search(text)
    if not match:
        return None, False
    year, month, day = match.groups()
    approx = "~" in text or "approx" in text.lower() or day is None or "unconfirmed" in text
    return dt.date(int(year), int(month), int(day or 1)), approx


def slugify(name: str) -> str:
    """Lower-case ASCII slug for ids."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def load_posts(path: Path = POSTS_CSV) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Observation posts as (sites, status history). Each status carries its sources."""
    sites, statuses = [], []
    for row in read_csv_rows(path):
        site_id = slugify(row["name"])
        established, est_approx = parse_loose_date(row["established"])
        confidence = _CONFIDENCE_RE.search(row.get("notes") or "")
        sites.append({
            "site_id": site_id, "name": row["name"], "alt_names": row["alt_names"],
            "kind": "observation_post", "operator": "Turkish forces", "country": "SYR",
            "admin1": row["governorate"], "latitude": float(row["lat"]), "longitude": float(row["lon"]),
            "coord_confidence": confidence.group(1).upper() if confidence else "LOW",
            "established": established, "notes": row["notes"], "source_url": row["source_url"],
        })
        for status, column in (("active", "established"), ("encircled", "encircled_on"),
                               ("evacuated", "evacuated_on")):
            day, approx = parse_loose_date(row.get(column))
            if day is None:
                continue
            statuses.append({
                "site_id": site_id, "status": status, "status_from": day,
                "date_approx": approx or (status == "active" and est_approx),
                "reported_by": "project compilation (see sources)", "source_url": row["source_url"],
            })
    return sites, statuses


def _to_int(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(float(text)) if text else None


def _timeline_base(row: dict[str, str], kinds: dict[str, dict[str, str]]) -> dict[str, Any]:
    kind = kinds.get(row["event_type"])
    if kind is None:
        raise ValueError(f"{TIMELINE_CSV.name}: unknown event_type {row['event_type']!r}; "
                         f"expected one of {sorted(kinds)}")
    actor1, actor2 = resolve_actor(row["actor1"]), resolve_actor(row["actor2"])
    running = kind["is_running_total"] == "true"
    action = kind["action"]
    low, high = _to_int(row["fatalities_low"]), _to_int(row["fatalities_high"])
    if action == "attack" and low:
        action = "kill"  # ANNOTATION.md: kill when deaths are reported
    day = dt.date.fromisoformat(row["date"])
    place = row["place"]
    approx_place = "approx" in place.lower() or "region" in place.lower() or "zone" in place.lower()
    return {
        "event_date": day, "date_precision": "month" if running else "day",
        "period_start": None, "event_type": kind["event_type"], "sub_event_type": kind["sub_event_type"],
        "action": action, "cameo_code": kind["cameo_code"], "goldstein": float(kind["goldstein"]),
        "actor1": actor1.canonical if actor1 else row["actor1"],
        "actor1_country": actor1.country if actor1 else None,
        "actor2": actor2.canonical if actor2 else row["actor2"],
        "actor2_country": actor2.country if actor2 else None,
        "country": compute_country(float(row["lat"]), float(row["lon"]), place),
        "admin1": compute_admin1(float(row["lat"]), float(row["lon"])),
        "location": place, "latitude": float(row["lat"]), "longitude": float(row["lon"]),
        "geo_precision": 3 if approx_place else 1,
        "fatalities": low, "fatalities_high": high if high is not None else low,
        "fatalities_qualifier": "exact" if low is not None and low == high else (
            "at_least" if low is not None else None),
        "victims": _victims(actor2.canonical if actor2 else row["actor2"]) if low else None,
        "reported_by": row["reported_by"], "source": "Reference timeline",
        "source_url": row["source_url"].split(" | ")[0], "evidence": row["summary_in_your_own_words"],
        "origin": "reference", "confidence": 0.9, "is_running_total": running,
    }


def _victims(actor2: str | None) -> str | None:
    if not actor2:
        return None
    lowered = actor2.lower()
    if "civilian" in lowered:
        return "civilians"
    if "turkish" in lowered:
        return "Turkish soldiers"
    return "fighters"


def load_timeline_events(path: Path = TIMELINE_CSV, claims_path: Path = CLAIMS_CSV) -> list[dict[str, Any]]:
    """Reference timeline rows as events (origin=reference).

    Where data/reference/claims.csv lists per-source figures for a row, the row becomes one
    event per claim, all sharing one incident_id, so conflicting claims stand side by side.
    """
    kinds = {r["timeline_type"]: r for r in read_csv_rows(TIMELINE_TYPES_CSV)}
    claims = read_csv_rows(claims_path)
    events: list[dict[str, Any]] = []
    for row in read_csv_rows(path):
        base = _timeline_base(row, kinds)
        base["incident_id"] = f"ref-{row['date']}-{slugify(row['place'])[:40]}"
        mine = [c for c in claims if c["date"] == row["date"] and row["place"].startswith(c["place_prefix"])]
        if not mine:
            events.append(validate_event(base))
            continue
        for claim in mine:
            figure = int(claim["fatalities"])
            event = dict(base, fatalities=figure, fatalities_high=figure,
                         fatalities_qualifier=claim["fatalities_qualifier"], victims=claim["victims"],
                         reported_by=claim["reported_by"], source_url=claim["source_url"])
            events.append(validate_event(event))
    return events

