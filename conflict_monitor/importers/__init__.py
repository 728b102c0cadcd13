"""Import ACLED, UCDP GED and GDELT 2.0 exports into the event store.

`import_file` first tries the SQL import (sql_import: DuckDB reads, maps, validates and
deduplicates the whole file in bulk). A file it cannot vouch for (a bad row, a ragged line, an id
twice) goes the reference way, which stores exactly the same events: it streams the file in
chunks (memory stays bounded whatever its size), maps each chunk to the event model, validates
every row naming its line, and hands the chunks to the store's `import_batches`. Either way the
store writes the file in ONE transaction: a bad row (unless skip_bad_rows) or any failure
mid-file rolls back everything from that file. Incident ids of the affected dates are
recomputed in the same transaction.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from conflict_monitor.importers import acled, gdelt, ucdp
from conflict_monitor.importers.common import (
    HEAD_BYTES,
    Progress,
    check_head,
    iter_chunks,
    iter_records,
    validate_frame,
)
from conflict_monitor.importers.detect import FORMATS, LABELS, Detected, detect_format
from conflict_monitor.importers.sql_import import import_with_sql
from conflict_monitor.importers.sql_reader import FastPathUnavailable
from conflict_monitor.store.base import EventStore, ImportRejected, ImportResult, StoreError

__all__ = ["FORMATS", "LABELS", "FileImportResult", "ImportRejected", "detect_file", "import_file",
           "import_upload", "origin_counts"]
MAPPERS = {"acled": acled, "ucdp": ucdp, "gdelt": gdelt}
CHUNK_ROWS = 20_000
ENGINES = ("auto", "python")  # auto: the SQL import, else the reference path; python: reference only
# Share of the progress bar at the start of each stage of the SQL import.
STAGES = {"reading": ("Reading the file", 0.02), "validating": ("Checking and mapping the rows", 0.35),
          "storing": ("Storing the events", 0.6), "linking": ("Linking reports of one incident", 0.8)}


@dataclass
class FileImportResult(ImportResult):
    """What importing one file did."""

    fmt: str = ""
    layout: str = ""
    rows_read: int = 0
    notes: list[str] = field(default_factory=list)
    engine: str = ""  # "sql" or "python": which path imported the file
    seconds: dict[str, float] = field(default_factory=dict)  # per stage (reading … linking)
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # the process's, all threads

    def summary(self) -> str:
        text = f"{self.layout}: {self.rows_read} rows read; {super().summary()}"
        return " ".join([text + ".", *self.notes]) if self.notes else text


def _open(source: str | Path | BinaryIO) -> tuple[BinaryIO, int, str, bool]:
    """(binary handle, size in bytes or 0, display name, whether we opened it)."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise ImportRejected(f"{path}: no such file.")
        return open(path, "rb"), path.stat().st_size, path.name, True
    name = getattr(source, "name", None) or "the upload"
    size = getattr(source, "size", None)
    if size is None:
        try:
            size = os.fstat(source.fileno()).st_size
        except (AttributeError, OSError, io.UnsupportedOperation):
            size = 0
    return source, int(size), str(name), False


def detect_file(source: str | Path | BinaryIO, fmt: str | None = None) -> Detected:
    """Recognise a file's format without importing it (rewinds an open handle)."""
    handle, _, name, owned = _open(source)
    try:
        head = handle.read(HEAD_BYTES)
        check_head(head, name)
        return detect_format(head.decode("utf-8", errors="ignore"), name, fmt)
    finally:
        handle.close() if owned else handle.seek(0)


def import_file(store: EventStore, source: str | Path | BinaryIO, *, fmt: str | None = None,
                skip_bad_rows: bool = False, progress: Progress | None = None,
                max_bytes: int | None = None, chunk_rows: int = CHUNK_ROWS,
                engine: str = "auto") -> FileImportResult:
    """Import one export file (path or binary file object) as a whole, or not at all.

    Raises ImportRejected with a message naming the problem (and, for a bad row, its line);
    then the store is unchanged. With skip_bad_rows, bad rows are left out and listed in
    `result.skipped` as (line, problem). progress(stage, share) hears each stage (share 0..1).
    engine "python" skips the SQL import (the reference path, for tests and benchmarks).
    """
    if engine not in ENGINES:
        raise ValueError(f"engine: expected one of {', '.join(ENGINES)}, got {engine!r}")
    handle, size, name, owned = _open(source)
    try:
        if max_bytes is not None and size > max_bytes:
            raise ImportRejected(f"{name} is {size / 1e6:,.0f} MB, over the {max_bytes / 1e6:,.0f} MB "
                                 "limit here; import it with `python -m conflict_monitor import`.")
        head = handle.read(HEAD_BYTES)
        check_head(head, name)
        detected = detect_format(head.decode("utf-8", errors="ignore"), name, fmt)
        handle.seek(0)
        result = FileImportResult(fmt=detected.fmt, layout=detected.layout)
        clock = _StageClock(result, progress)
        if engine == "auto" and _import_sql(store, source, handle, name, detected, result, clock):
            return result
        handle.seek(0)
        result.engine, result.notes = "python", []
        bad: list[tuple[int, str]] = []
        start = clock.share if engine == "auto" else 0.0  # the bar never moves back
        batches = _batches(handle, size, name, detected, skip_bad_rows, bad, result,
                           _bytes_progress(progress, start), chunk_rows)
        began, cpu = time.perf_counter(), time.process_time()
        stored = store.import_batches(batches)
        result.seconds["python"] = time.perf_counter() - began
        result.cpu_seconds["python"] = time.process_time() - cpu
    finally:
        if owned:
            handle.close()
    if result.rows_read == 0 and not bad:
        raise ImportRejected(f"{name} has a header but no rows: there is nothing to import.")
    result.added, result.already_present, result.skipped = stored.added, stored.already_present, bad
    result.updated = stored.updated
    if progress:
        progress("Done", 1.0)
    return result


class _StageClock:
    """Times the stages of one import and reports them to the progress callback."""

    def __init__(self, result: FileImportResult, progress: Progress | None):
        self.result, self.progress = result, progress
        self.stage, self.began, self.cpu, self.share = "", time.perf_counter(), time.process_time(), 0.0

    def __call__(self, stage: str) -> None:
        self.stop()
        self.stage, self.began, self.cpu = stage, time.perf_counter(), time.process_time()
        text, self.share = STAGES[stage]
        if self.progress:
            self.progress(text, self.share)

    def stop(self) -> None:
        if self.stage:
            self.result.seconds[self.stage] = time.perf_counter() - self.began
            self.result.cpu_seconds[self.stage] = time.process_time() - self.cpu
            self.stage = ""


def _import_sql(store: EventStore, source: str | Path | BinaryIO, handle: BinaryIO, name: str,
                detected: Detected, result: FileImportResult, clock: _StageClock) -> bool:
    """Import through SQL; False (nothing written) when the reference path must do it."""
    with _as_path(source, handle) as path:
        try:
            stored, rows = import_with_sql(store, path, name, detected, result.notes, clock)
        except (FastPathUnavailable, NotImplementedError):
            clock.stage = ""
            return False
    clock.stop()
    result.engine, result.rows_read = "sql", rows
    result.added, result.updated = stored.added, stored.updated
    result.already_present = stored.already_present
    if clock.progress:
        clock.progress("Done", 1.0)
    return True


@contextlib.contextmanager
def _as_path(source: str | Path | BinaryIO, handle: BinaryIO) -> Iterator[Path]:
    """A path DuckDB can read: the file itself, or an upload spooled to a temporary file."""
    if isinstance(source, (str, Path)):
        yield Path(source)
        return
    with tempfile.TemporaryDirectory(prefix="cm-upload-") as work:
        path = Path(work) / "upload.csv"
        handle.seek(0)
        with path.open("wb") as out:
            shutil.copyfileobj(handle, out, 1 << 20)
        handle.seek(0)
        yield path


def _batches(handle: BinaryIO, size: int, name: str, detected: Detected, skip: bool,
             bad: list[tuple[int, str]], result: FileImportResult,
             progress: Callable[[int, int], None] | None, chunk_rows: int) -> Iterator[pd.DataFrame]:
    """Validated event frames, one per chunk of the file."""
    module = MAPPERS[detected.fmt]
    options = {}
    if detected.fmt == "acled":  # the order of d/m/y dates is the whole column's
        order = acled.scan_date_order(_column_values(handle, size, name, detected, "event_date"), name)
        options["order"] = order
        if order.note:
            result.notes.append(order.note)
    records = iter_records(handle, size, detected.delimiter, name, progress)
    columns = list(gdelt.COLUMNS) if detected.header is None else list(detected.header)
    if detected.header is not None:
        next(records)  # the header line, already checked by detect_format
    good = 0
    for chunk, lines in iter_chunks(records, columns, chunk_rows, bad, skip):
        frame = validate_frame(module.map_chunk(chunk, **options), lines, bad, skip, module.ORIGIN_OF)
        good += len(frame)
        result.rows_read = good + len(bad)
        yield frame
    result.rows_read = good + len(bad)
    if bad and not good:
        raise ImportRejected(f"{name}: every row is bad (line {bad[0][0]}: {bad[0][1]}); "
                             "nothing was imported. Is the format right?", bad)


def _bytes_progress(progress: Progress | None, start: float) -> Callable[[int, int], None] | None:
    """The reference path's byte counts as stage progress from `start` (where the SQL import
    left the bar) to 0.9 (reading is most of its time)."""
    if progress is None:
        return None

    def report(done: int, total: int) -> None:
        share = start + (0.9 - start) * min(1.0, done / total) if total else start
        progress(f"Read {done / 1e6:,.1f} of {total / 1e6:,.1f} MB", share)

    return report


def _column_values(handle: BinaryIO, size: int, name: str, detected: Detected, column: str
                   ) -> Iterator[tuple[int, str]]:
    """(line, value) of one column over the whole file, then back to its start (a first pass
    costs about a second per 100 MB)."""
    header = list(detected.header or ())
    if column not in header:
        return
    index = header.index(column)
    handle.seek(0)
    try:
        records = iter_records(handle, size, detected.delimiter, name)
        next(records, None)  # the header
        for line, fields in records:
            if len(fields) > index:
                yield line, fields[index]
    finally:
        handle.seek(0)


def import_upload(store: EventStore, upload: BinaryIO, fmt: str | None = None,
                  skip_bad_rows: bool = False, progress: Progress | None = None,
                  max_bytes: int | None = None) -> tuple[FileImportResult | None, str | None]:
    """The Data page's import: (result, None) on success, (None, message) when refused or when
    the store could not take it (locked, out of memory: it is then left as it was)."""
    try:
        return import_file(store, upload, fmt=fmt, skip_bad_rows=skip_bad_rows,
                           progress=progress, max_bytes=max_bytes), None
    except (ImportRejected, StoreError) as exc:
        return None, str(exc)
    finally:
        upload.seek(0)


def origin_counts(store: EventStore) -> pd.DataFrame:
    """Events, incidents and date span per origin, for the Data page."""
    return store.query_sql(
        "SELECT origin, count(*) AS events, count(DISTINCT incident_id) AS incidents, "
        "min(event_date) AS first, max(event_date) AS last FROM events GROUP BY origin "
        "ORDER BY events DESC")
