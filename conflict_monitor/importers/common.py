"""Shared parts of the importers: safe streaming of a CSV/TSV file, row validation with file line
numbers, and the lookup tables (country codes, CAMEO, ACLED types, dataset actor names)."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd

from conflict_monitor.model.actors import all_actors, resolve_actor
from conflict_monitor.model.schema import EVENT_FIELDS, SchemaError, validate_event
from conflict_monitor.store.base import ImportRejected

REFERENCE_DIR = Path(__file__).resolve().parent.parent.parent / "data" / "reference"
Progress = Callable[[str, float], None]  # (what the import is doing, share done 0..1)
ByteProgress = Callable[[int, int], None]  # (bytes read, total bytes; 0 when unknown)
FIELD_LIMIT = 1 << 20  # 1 MB: no field of a real export is longer
HEAD_BYTES = 64 * 1024


# --- safe reading ----------------------------------------------------------------------------
def check_head(head: bytes, name: str) -> None:
    """Refuse empty, compressed, HTML, binary or non-UTF-8 input with a message that says which
    (judged by the content, whatever the file is called)."""
    if not head.strip():
        raise ImportRejected(f"{name} is empty: there is nothing to import.")
    if head.startswith(b"PK\x03\x04"):
        raise ImportRejected(f"{name} is a zip archive. Unzip it and import the CSV inside.")
    if head.startswith(b"\x1f\x8b"):
        raise ImportRejected(f"{name} is gzip-compressed. Decompress it and import the CSV.")
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].lower().startswith((b"<!doctype html", b"<html")):
        raise ImportRejected(f"{name} is an HTML page, not a CSV or tab-separated export (a "
                             "download link saved instead of the file?). Articles go on Add articles.")
    if b"\x00" in head:
        line = head[: head.index(b"\x00")].count(b"\n") + 1
        raise ImportRejected(f"{name} is a binary file (a NUL byte on line {line}), "
                             "not a CSV or tab-separated export.")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            line = head[: exc.start].count(b"\n") + 1
            raise ImportRejected(
                f"{name} is not UTF-8 text (byte 0x{head[exc.start]:02x} on line {line}). "
                "Save it as UTF-8 and import it again.") from None


class _CountingReader(io.RawIOBase):
    """A binary stream that reports how many bytes were read so far."""

    def __init__(self, raw: BinaryIO, total: int, progress: ByteProgress | None):
        self.raw, self.total, self.progress, self.done, self._last = raw, total, progress, 0, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.done += len(data)
        if self.progress and (self.done - self._last >= 1 << 20 or not data):
            self._last = self.done
            self.progress(self.done, self.total)
        return len(data)


def iter_records(raw: BinaryIO, total: int, delimiter: str, name: str,
                 progress: ByteProgress | None = None) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) for every record of a delimited UTF-8 file, streaming."""
    csv.field_size_limit(FIELD_LIMIT)
    text = io.TextIOWrapper(io.BufferedReader(_CountingReader(raw, total, progress), 1 << 20),
                            encoding="utf-8-sig", newline="")
    quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL  # GDELT never quotes
    reader = csv.reader(text, delimiter=delimiter, quoting=quoting, strict=delimiter != "\t")
    line = 1
    try:
        for fields in reader:
            if fields:
                yield line, fields
            line = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise ImportRejected(f"{name}, line {line}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x}). "
                             "Save the file as UTF-8 and import it again; nothing was imported.") from None
    except csv.Error as exc:
        raise ImportRejected(f"{name}, line {line}: malformed CSV ({exc}); nothing was imported.") from None


def iter_chunks(records: Iterator[tuple[int, list[str]]], columns: Sequence[str], rows: int,
                bad: list[tuple[int, str]], skip: bool) -> Iterator[tuple[pd.DataFrame, list[int]]]:
    """Group records into DataFrames of strings; records of the wrong width are bad rows."""
    width, batch, lines = len(columns), [], []
    for line, fields in records:
        if len(fields) != width:
            problem = f"expected {width} fields, got {len(fields)}"
            reject_or_skip(line, problem, bad, skip)
            continue
        batch.append(fields)
        lines.append(line)
        if len(batch) >= rows:
            yield pd.DataFrame(batch, columns=list(columns), dtype=object), lines
            batch, lines = [], []
    if batch:
        yield pd.DataFrame(batch, columns=list(columns), dtype=object), lines


def reject_or_skip(line: int, problem: str, bad: list[tuple[int, str]], skip: bool) -> None:
    """Record a bad row; without skip, refuse the whole file naming the line."""
    bad.append((line, problem))
    if not skip:
        raise ImportRejected(f"line {line}: {problem}; nothing was imported (choose 'skip bad "
                             "rows' to import the other rows).", bad)


def validate_frame(mapped: pd.DataFrame, lines: Sequence[int], bad: list[tuple[int, str]],
                   skip: bool, origin_of: dict[str, str]) -> pd.DataFrame:
    """validate_event on every mapped row, naming the file line and source column of a problem."""
    good = []
    errors = mapped.pop("_error") if "_error" in mapped else pd.Series(None, index=mapped.index)
    for line, error, row in zip(lines, errors, mapped.to_dict("records"), strict=False):
        if isinstance(error, str):
            reject_or_skip(line, error, bad, skip)
            continue
        try:
            good.append(validate_event(row))
        except SchemaError as exc:
            field = str(exc).split(":", 1)[0]
            where = f" (column {origin_of[field]})" if origin_of.get(field, field) != field else ""
            reject_or_skip(line, f"{exc}{where}", bad, skip)
    return pd.DataFrame.from_records(good, columns=list(EVENT_FIELDS))


# --- value helpers ---------------------------------------------------------------------------
def clean(series: pd.Series) -> pd.Series:
    """Strip strings; empty becomes None."""
    out = series.astype(object).where(series.notna(), None)
    out = out.map(lambda v: v.strip() or None if isinstance(v, str) else v)
    return out.astype(object).where(out.notna(), None)


def parse_dates(series: pd.Series, formats: Sequence[str]) -> pd.Series:
    """Dates in any of the formats; an unparseable value stays as text so validation names it."""
    raw = clean(series)
    result = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    for fmt in formats:
        todo = result.isna() & raw.notna()
        if not todo.any():
            break
        result[todo] = pd.to_datetime(raw[todo], format=fmt, errors="coerce")
    out = result.dt.date.astype(object).where(result.notna(), raw)
    return out


_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+$")


def numbers(series: pd.Series, thousands: bool = False) -> pd.Series:
    """Numbers where the text is a number; other text stays, so validation names it.
    thousands: also read counts with comma separators ("1,234"); never for coordinates, where a
    comma may be a decimal one."""
    raw = clean(series)
    if thousands:
        raw = raw.map(lambda v: v.replace(",", "") if isinstance(v, str) and _THOUSANDS.match(v) else v)
    parsed = pd.to_numeric(raw, errors="coerce")
    return parsed.astype(object).where(parsed.notna(), raw)


# --- lookup tables ---------------------------------------------------------------------------
def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / name, dtype=str, keep_default_na=False)


@functools.lru_cache(maxsize=1)
def country_tables() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(ISO numeric → ISO3, FIPS 10-4 → ISO3, lower-case name → ISO3) from country_codes.csv."""
    table = _read("country_codes.csv")
    numeric = {str(int(n)): iso for n, iso in zip(table["iso_numeric"], table["iso3"], strict=False) if n}
    fips = {f: iso for f, iso in zip(table["fips"], table["iso3"], strict=False) if f}
    names: dict[str, str] = {}
    for iso, name, aliases in zip(table["iso3"], table["name"], table["aliases"], strict=False):
        for text in [name, iso, *aliases.split(";")]:
            if text.strip():
                names[text.strip().lower()] = iso
    return numeric, fips, names


def iso3_from_name(name: Any) -> str | None:
    """ISO3 of a country name ('Syria', 'Turkey', 'Russia (Soviet Union)')."""
    return country_tables()[2].get(str(name).strip().lower()) if isinstance(name, str) else None


@functools.lru_cache(maxsize=1)
def cameo_table() -> dict[str, tuple[str, str, float]]:
    """CAMEO code → (label, action, Goldstein weight) from data/reference/cameo.csv."""
    table = _read("cameo.csv")
    return {c: (lab, act, float(g)) for c, lab, act, g in
            zip(table["code"], table["label"], table["action"], table["goldstein"], strict=False)}


def lookup_cameo(code: Any) -> tuple[str, str, float] | None:
    """The entry of the most specific known prefix: 4-digit code, base (3) or root (2)."""
    if not isinstance(code, str) or not code.strip():
        return None
    code, table = code.strip(), cameo_table()
    for length in (len(code), 3, 2):
        if code[:length] in table:
            return table[code[:length]]
    return None


@functools.lru_cache(maxsize=1)
def acled_actions() -> dict[tuple[str, str], tuple[str, str, float]]:
    """(event_type, sub_event_type) → (action, CAMEO code, Goldstein) from acled_actions.csv."""
    table = _read("acled_actions.csv")
    return {(t, s): (a, c, float(g)) for t, s, a, c, g in zip(
        table["event_type"], table["sub_event_type"], table["action"], table["cameo_code"],
        table["goldstein"], strict=False)}


_STATE_FORCES = re.compile(r"^(?:Military|Police) Forces of (?P<c>[^()]+?)\s*(?:\(|$)|"
                           r"^Government of (?P<g>[^()]+?)\s*(?:\(|$)", re.IGNORECASE)
_CIVILIANS = re.compile(r"^Civilians\b", re.IGNORECASE)
_UNKNOWN = re.compile(r"^(Unidentified|Unknown)\b", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def forces_of(iso3: str | None, kind: str = "military") -> tuple[str, str | None] | None:
    """The canonical actor of a country and kind (actors.csv, else states.csv), e.g. TUR → Turkish
    forces, (TUR, state) → Turkey, MLI → Malian forces."""
    if not iso3:
        return None
    for actor in all_actors():  # curated first, then every state and its forces
        if actor.country == iso3 and actor.kind == kind:
            return actor.canonical, actor.country
    return None


@functools.lru_cache(maxsize=65536)
def canonical_actor(name: str | None) -> tuple[str | None, str | None]:
    """(canonical name, ISO3) of a dataset actor name; unknown names are kept as written.

    ACLED writes state forces as 'Military Forces of Syria (2000-)' and UCDP as 'Government of
    Syria' (ACLED codebook, actor names; UCDP GED codebook, side_a): both become that
    country's forces from actors.csv before the free-text aliases are tried.
    """
    if not name or not name.strip():
        return None, None
    name = name.strip()
    match = _STATE_FORCES.match(name)
    if match:
        iso = iso3_from_name(match.group("c") or match.group("g"))
        found = forces_of(iso)
        if found:
            return found
        return name, iso
    if _CIVILIANS.match(name):
        return "civilians", None
    if _UNKNOWN.match(name):
        return name, None
    actor = resolve_actor(name)
    return (actor.canonical, actor.country) if actor else (name, None)


def map_actors(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Canonical names and ISO3 countries for a column of actor names."""
    pairs = clean(series).map(canonical_actor)
    return pairs.map(lambda p: p[0]), pairs.map(lambda p: p[1])


def today() -> dt.date:
    """Today's date (UTC), for refusing events dated in the future."""
    return dt.datetime.now(dt.UTC).date()
