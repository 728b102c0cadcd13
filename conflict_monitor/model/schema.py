"""The event model: columns, controlled vocabularies and row validation.

Column names follow ACLED's export wherever ACLED has the field (event_id, event_date,
event_type, sub_event_type, actor1, actor2, country, admin1, location, latitude,
longitude, geo_precision, fatalities, source), so an ACLED export maps one to one.
Every column is documented in data/README.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

# The 12 action classes of ../shared/ANNOTATION.md.
ACTIONS: tuple[str, ...] = (
    "threaten", "accuse", "attack", "kill", "consult", "deploy",
    "ultimatum", "encircle", "capture", "displace", "ceasefire", "other",
)

# ACLED's 6 event types and 25 sub-event types (ACLED Codebook, 2023/2024 edition).
ACLED_EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash", "Government regains territory", "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon", "Air/drone strike", "Suicide bomb",
        "Shelling/artillery/missile attack", "Remote explosive/landmine/IED", "Grenade",
    ),
    "Violence against civilians": ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    "Protests": ("Peaceful protest", "Protest with intervention", "Excessive force against protesters"),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
        "Headquarters or base established", "Looting/property destruction",
        "Non-violent transfer of territory", "Other",
    ),
}

ORIGINS: tuple[str, ...] = ("extracted", "acled", "ucdp", "gdelt", "reference", "manual")
DATE_PRECISIONS: tuple[str, ...] = ("day", "week", "month")
# Days either side of event_date that a report of this precision may stand for.
PRECISION_WINDOW_DAYS: dict[str, int] = {"day": 1, "week": 7, "month": 31}
GEO_PRECISIONS: tuple[int, ...] = (1, 2, 3)  # 1 town, 2 near/district, 3 province (ACLED)
FATALITY_QUALIFIERS: tuple[str, ...] = ("exact", "at_least", "about", "up_to")
SITE_STATUSES: tuple[str, ...] = ("planned", "active", "encircled", "evacuated", "closed")

# (name, DuckDB/SQL type, description). Order is the table's column order.
EVENT_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("event_id", "VARCHAR", "stable id: hash of origin and the event's identifying fields"),
    ("event_date", "DATE", "day the act happened (ISO)"),
    ("date_precision", "VARCHAR", "day | week | month"),
    ("period_start", "DATE", "start of the period a running total covers; else null"),
    ("event_type", "VARCHAR", "ACLED event type"),
    ("sub_event_type", "VARCHAR", "ACLED sub-event type"),
    ("action", "VARCHAR", "one of the 12 action classes of ANNOTATION.md"),
    ("cameo_code", "VARCHAR", "CAMEO event code"),
    ("goldstein", "DOUBLE", "Goldstein weight of the CAMEO code (-10..+10)"),
    ("actor1", "VARCHAR", "canonical actor who acted"),
    ("actor1_country", "VARCHAR", "ISO3 of actor1"),
    ("actor2", "VARCHAR", "canonical target or counterpart"),
    ("actor2_country", "VARCHAR", "ISO3 of actor2"),
    ("country", "VARCHAR", "ISO3 of the country where it happened"),
    ("admin1", "VARCHAR", "governorate / province"),
    ("location", "VARCHAR", "place as the source spells it"),
    ("latitude", "DOUBLE", "WGS84 latitude"),
    ("longitude", "DOUBLE", "WGS84 longitude"),
    ("geo_precision", "INTEGER", "1 town, 2 near or district, 3 province"),
    ("fatalities", "INTEGER", "deaths stated (the low figure)"),
    ("fatalities_high", "INTEGER", "high figure where a range is given; else = fatalities"),
    ("fatalities_qualifier", "VARCHAR", "exact | at_least | about | up_to"),
    ("victims", "VARCHAR", "who died: civilians, soldiers, fighters, a nationality"),
    ("reported_by", "VARCHAR", "who the text credits for the claim"),
    ("source", "VARCHAR", "outlet or dataset the row came from"),
    ("source_url", "VARCHAR", "link to the source"),
    ("article_id", "VARCHAR", "articles.id for extracted events"),
    ("evidence", "VARCHAR", "the sentence the event comes from"),
    ("evidence_start", "INTEGER", "character offset of evidence in the article text"),
    ("evidence_end", "INTEGER", "end offset (exclusive)"),
    ("origin", "VARCHAR", "extracted | acled | ucdp | gdelt | reference | manual"),
    ("incident_id", "VARCHAR", "one real-world incident across several reports"),
    ("confidence", "DOUBLE", "0..1, extractor or curator confidence"),
    ("deadline", "DATE", "for ultimatums: the deadline given"),
    ("is_running_total", "BOOLEAN", "true for cumulative tallies (never added to incidents)"),
    ("revised_at", "TIMESTAMP", "when the dataset last revised the row (ACLED timestamp, UTC); "
                                "a newer revision replaces the stored row"),
)
EVENT_FIELDS: tuple[str, ...] = tuple(c[0] for c in EVENT_COLUMNS)

ARTICLE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("id", "VARCHAR", "sha256 of the normalised text (first 32 hex digits)"),
    ("title", "VARCHAR", "headline"),
    ("source", "VARCHAR", "outlet or agency"),
    ("url", "VARCHAR", "where it was read"),
    ("published", "DATE", "publication date"),
    ("dateline", "VARCHAR", "dateline city (never an actor)"),
    ("text", "VARCHAR", "cleaned article text; evidence offsets point into it"),
    ("ingested_at", "TIMESTAMP", "when it entered the store (UTC)"),
)

ACTOR_ALIAS_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("alias", "VARCHAR", "an actor name as the extractor gave it"),
    ("canonical", "VARCHAR", "the known actor the user mapped it to"),
    ("created_at", "TIMESTAMP", "when the user chose it (UTC)"),
)

SITE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("site_id", "VARCHAR", "slug of the name"),
    ("name", "VARCHAR", "name"),
    ("alt_names", "VARCHAR", "other spellings, separated by '; '"),
    ("kind", "VARCHAR", "e.g. observation_post"),
    ("operator", "VARCHAR", "who runs the site"),
    ("country", "VARCHAR", "ISO3"),
    ("admin1", "VARCHAR", "governorate"),
    ("latitude", "DOUBLE", "WGS84 latitude"),
    ("longitude", "DOUBLE", "WGS84 longitude"),
    ("coord_confidence", "VARCHAR", "HIGH | MEDIUM | LOW: how sure the position is"),
    ("established", "DATE", "date established"),
    ("notes", "VARCHAR", "basis of the coordinate and dates"),
    ("source_url", "VARCHAR", "sources, separated by ' | '"),
)

SITE_STATUS_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("site_id", "VARCHAR", "sites.site_id"),
    ("status", "VARCHAR", "planned | active | encircled | evacuated | closed"),
    ("status_from", "DATE", "first day of this status"),
    ("date_approx", "BOOLEAN", "true when the day is approximate"),
    ("reported_by", "VARCHAR", "who reported the status"),
    ("source_url", "VARCHAR", "sources, separated by ' | '"),
)


class SchemaError(ValueError):
    """A row does not fit the event model; the message says what was expected."""


def normalise_text(text: str) -> str:
    """NFC-normalise, unify line ends and strip trailing space: the form an article id hashes."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def compute_article_id(text: str) -> str:
    """Id of an article: hash of its normalised text, so the same text is stored once."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()[:32]


def compute_event_id(row: Mapping[str, Any]) -> str:
    """Deterministic id from the fields that identify one report of one event."""
    key_fields = ("origin", "article_id", "source", "event_date", "action", "actor1", "actor2",
                  "location", "fatalities", "reported_by", "evidence")
    key = "\x1f".join("" if row.get(f) is None else str(row.get(f)) for f in key_fields)
    return str(row.get("origin") or "x")[:3] + "-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and value.strip() == "":
        return True
    if value is pd.NaT or value is pd.NA:
        return True
    return False


def coerce_date(value: Any, field: str) -> dt.date | None:
    """Return a date from a date, datetime or ISO string; raise SchemaError otherwise."""
    if _is_missing(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "date") and callable(value.date):  # pandas Timestamp
        return value.date()
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise SchemaError(f"{field}: expected an ISO date (YYYY-MM-DD), got {value!r}") from None


def coerce_timestamp(value: Any, field: str) -> dt.datetime | None:
    """A naive UTC datetime from a datetime, pandas Timestamp or ISO text; SchemaError otherwise."""
    if _is_missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.tz_convert("UTC").tz_localize(None) if value.tzinfo else value
        return value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
    try:
        return coerce_timestamp(pd.Timestamp(dt.datetime.fromisoformat(str(value).strip())), field)
    except ValueError:
        raise SchemaError(f"{field}: expected a time (Unix seconds or ISO), got {value!r}") from None


def _coerce_int(value: Any, field: str) -> int | None:
    if _is_missing(value):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SchemaError(f"{field}: expected a whole number, got {value!r}") from None
    if not math.isfinite(number) or number < 0 or number != int(number):  # int(nan) raises
        raise SchemaError(f"{field}: expected a whole number >= 0, got {value!r}")
    return int(number)


def _coerce_float(value: Any, field: str, low: float, high: float) -> float | None:
    if _is_missing(value):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SchemaError(f"{field}: expected a number, got {value!r}") from None
    if not low <= number <= high:
        raise SchemaError(f"{field}: expected a number from {low} to {high}, got {value!r}")
    return number


def _check_choice(value: Any, field: str, choices: Iterable[Any]) -> Any:
    if _is_missing(value):
        return None
    choices = tuple(choices)
    if value not in choices:
        raise SchemaError(f"{field}: expected one of {', '.join(map(str, choices))}, got {value!r}")
    return value


def validate_event(row: Mapping[str, Any]) -> dict[str, Any]:
    """Return a clean copy of an event row with every schema field; raise SchemaError if it is bad.

    Unknown keys are dropped; missing ones become None. event_id is computed when absent.
    """
    out: dict[str, Any] = {}
    for name, sql_type, _ in EVENT_COLUMNS:
        value = row.get(name)
        if sql_type == "VARCHAR":
            out[name] = None if _is_missing(value) else str(value)
        else:
            out[name] = value
    out["event_date"] = coerce_date(out["event_date"], "event_date")
    out["period_start"] = coerce_date(out["period_start"], "period_start")
    out["deadline"] = coerce_date(out["deadline"], "deadline")
    out["revised_at"] = coerce_timestamp(out["revised_at"], "revised_at")
    out["date_precision"] = _check_choice(out["date_precision"] or "day", "date_precision", DATE_PRECISIONS)
    out["action"] = _check_choice(out["action"], "action", ACTIONS)
    out["origin"] = _check_choice(out["origin"], "origin", ORIGINS)
    if out["origin"] is None:
        raise SchemaError(f"origin: expected one of {', '.join(ORIGINS)}, got None")
    if out["event_type"] is not None:
        _check_choice(out["event_type"], "event_type", ACLED_EVENT_TYPES)
        if out["sub_event_type"] is not None:
            _check_choice(out["sub_event_type"], "sub_event_type", ACLED_EVENT_TYPES[out["event_type"]])
    out["geo_precision"] = _coerce_int(out["geo_precision"], "geo_precision")
    if out["geo_precision"] is not None:
        _check_choice(out["geo_precision"], "geo_precision", GEO_PRECISIONS)
    out["latitude"] = _coerce_float(out["latitude"], "latitude", -90, 90)
    out["longitude"] = _coerce_float(out["longitude"], "longitude", -180, 180)
    out["goldstein"] = _coerce_float(out["goldstein"], "goldstein", -10, 10)
    out["confidence"] = _coerce_float(out["confidence"], "confidence", 0, 1)
    out["fatalities"] = _coerce_int(out["fatalities"], "fatalities")
    out["fatalities_high"] = _coerce_int(out["fatalities_high"], "fatalities_high")
    if out["fatalities_high"] is None:
        out["fatalities_high"] = out["fatalities"]
    elif out["fatalities"] is not None and out["fatalities_high"] < out["fatalities"]:
        raise SchemaError(
            f"fatalities_high: expected >= fatalities ({out['fatalities']}), got {out['fatalities_high']}")
    out["fatalities_qualifier"] = _check_choice(
        out["fatalities_qualifier"], "fatalities_qualifier", FATALITY_QUALIFIERS)
    out["evidence_start"] = _coerce_int(out["evidence_start"], "evidence_start")
    out["evidence_end"] = _coerce_int(out["evidence_end"], "evidence_end")
    out["is_running_total"] = bool(out["is_running_total"]) if not _is_missing(out["is_running_total"]) else False
    if not out["event_id"]:
        out["event_id"] = compute_event_id(out)
    return out
