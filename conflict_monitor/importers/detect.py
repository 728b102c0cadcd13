"""Recognise an export from its first line: ACLED and UCDP GED by their header columns, GDELT 2.0
by its shape (61 tab-separated fields, no header)."""

from __future__ import annotations

import csv
from dataclasses import dataclass

from conflict_monitor.store.base import ImportRejected

FORMATS: tuple[str, ...] = ("acled", "ucdp", "gdelt")
LABELS: dict[str, str] = {"acled": "ACLED", "ucdp": "UCDP GED", "gdelt": "GDELT 2.0 events"}

# Columns an import cannot do without (ACLED codebook; UCDP GED codebook).
ACLED_REQUIRED: tuple[str, ...] = (
    "event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1",
    "actor2", "country", "location", "latitude", "longitude", "geo_precision", "source", "notes",
    "fatalities",
)
UCDP_REQUIRED: tuple[str, ...] = (
    "id", "type_of_violence", "side_a", "side_b", "where_prec", "latitude", "longitude",
    "country", "date_prec", "date_start", "date_end", "best", "high", "low",
)
GDELT_FIELDS = 61


@dataclass(frozen=True)
class Detected:
    """What a file is: its format, delimiter, header (None for GDELT) and layout in words."""

    fmt: str
    delimiter: str
    header: tuple[str, ...] | None
    layout: str


def _header(first_line: str, name: str) -> tuple[str, str, list[str]]:
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        fields = next(csv.reader([first_line], delimiter=delimiter))
    except csv.Error as exc:  # e.g. a lone carriage return inside the first line
        raise ImportRejected(f"{name}: line 1 cannot be read as a CSV header ({exc}).") from exc
    return delimiter, first_line, [f.strip().lower() for f in fields]


def _check_columns(fmt: str, columns: list[str], name: str) -> None:
    required = ACLED_REQUIRED if fmt == "acled" else UCDP_REQUIRED
    missing = [c for c in required if c not in columns]
    if missing:
        raise ImportRejected(
            f"{name}: line 1 is not an {LABELS[fmt]} header: missing column(s) "
            f"{', '.join(missing)}. It has: {', '.join(columns[:40])}"
            f"{' …' if len(columns) > 40 else ''}.")
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    if duplicated:
        raise ImportRejected(f"{name}: line 1 repeats column(s) {', '.join(duplicated)}.")


def _is_gdelt_row(first_line: str) -> bool:
    fields = first_line.rstrip("\r\n").split("\t")
    return len(fields) == GDELT_FIELDS and fields[0].strip().isdigit()


def detect_format(head: str, name: str = "the file", forced: str | None = None) -> Detected:
    """The format of a file from its first characters; raises ImportRejected when unknown.

    `forced` (acled | ucdp | gdelt) skips the guessing but still checks the shape.
    """
    first_line = head.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    if forced is not None and forced not in FORMATS:
        raise ImportRejected(f"format: expected one of {', '.join(FORMATS)}, got {forced!r}")
    if forced == "gdelt" or (forced is None and _is_gdelt_row(first_line)):
        width = len(first_line.split("\t"))
        if width != GDELT_FIELDS:
            raise ImportRejected(
                f"{name}: line 1 has {width} tab-separated fields; a GDELT 2.0 events file has "
                f"{GDELT_FIELDS} and no header (GDELT 1.0 files have 57 or 58).")
        return Detected("gdelt", "\t", None, f"GDELT 2.0 events ({GDELT_FIELDS} columns)")
    delimiter, _, columns = _header(first_line, name)
    fmt = forced
    if fmt is None:
        if "event_id_cnty" in columns:
            fmt = "acled"
        elif "relid" in columns or "type_of_violence" in columns:
            fmt = "ucdp"
    if fmt is None:
        shown = ", ".join(columns[:12]) + (" …" if len(columns) > 12 else "")
        raise ImportRejected(
            f"{name}: not a recognised export. Line 1 has {len(columns)} field(s): {shown}. "
            "Expected an ACLED export (header with event_id_cnty, event_date, …), a UCDP GED CSV "
            f"(header with id, relid, type_of_violence, …) or a GDELT 2.0 events file "
            f"({GDELT_FIELDS} tab-separated fields, no header).")
    _check_columns(fmt, columns, name)
    if fmt == "acled":
        old = "event_id_no_cnty" in columns or "disorder_type" not in columns
        layout = (f"ACLED, older layout ({len(columns)} columns)" if old
                  else f"ACLED, current layout ({len(columns)} columns)")
    else:
        layout = f"UCDP GED ({len(columns)} columns)"
    return Detected(fmt, delimiter, tuple(columns), layout)
