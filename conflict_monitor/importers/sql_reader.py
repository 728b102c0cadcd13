"""Read an export with DuckDB's CSV reader into a table of cleaned text cells.

The reader is strict: a file it cannot read exactly as Python's csv module would (a ragged row,
a stray quote, bytes that are not UTF-8, mixed line ends) raises FastPathUnavailable, and the
import falls back to the reference path, which names the line and the problem. Two
malformations DuckDB reads where the reference path refuses the row (found by comparing the
two paths): one EMPTY field past the header's width (a trailing delimiter), and spaces between
a delimiter and a quoted field (`a, "b"` reads as a and b, not as a and ` "b"`). Neither loses
data; telling them apart would need a second, parsing pass over the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from conflict_monitor.importers.detect import Detected
from conflict_monitor.importers.sql_values import cleaned, python_whitespace

# A field of a real export is never longer than this (common.FIELD_LIMIT is 1 MB a field); a
# line may hold several such fields.
MAX_LINE_BYTES = 8 << 20


class FastPathUnavailable(Exception):  # noqa: N818 - a signal, not an error for the user
    """The SQL import cannot vouch for this file; use the reference (Python) path."""


def column_names(detected: Detected, gdelt_columns: Sequence[str]) -> list[str]:
    """The file's columns as the reference path names them (lower-case header, or GDELT's)."""
    return list(gdelt_columns) if detected.header is None else list(detected.header)


def _csv_reader(detected: Detected, names: Sequence[str]) -> str:
    """read_csv(?, …) of the file: every column text, nothing guessed, strict."""
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(names))) + "}"
    quote = "''" if detected.delimiter == "\t" else "'\"'"  # GDELT is never quoted
    delim = "'\\t'" if detected.delimiter == "\t" else "','"
    header = "false" if detected.header is None else "true"
    sql = (f"read_csv(?, header={header}, auto_detect=false, columns={columns}, delim=E{delim}, "
           f"quote={quote}, escape={quote}, strict_mode=true, null_padding=false, "
           f"ignore_errors=false, max_line_size={MAX_LINE_BYTES}, encoding='utf-8')")
    return sql


def read_file(con: duckdb.DuckDBPyConnection, path: Path, detected: Detected,
              names: Sequence[str], wanted: Sequence[str], table: str) -> int:
    """Create temp table `table` holding the `wanted` columns of the file, cleaned (stripped,
    empty is NULL; absent columns NULL), in file order; return its row count."""
    reader = _csv_reader(detected, names)
    whitespace = python_whitespace()
    index = {n: i for i, n in enumerate(names)}
    cols = ", ".join(
        (cleaned(f"c{index[w]}", whitespace) if w in index else "CAST(NULL AS VARCHAR)") + f' AS "{w}"'
        for w in wanted)
    try:
        con.execute(f"CREATE TEMP TABLE {table} AS SELECT {cols} FROM {reader}",
                    [str(path)])
    except (duckdb.InvalidInputException, duckdb.ConversionException, duckdb.IOException) as exc:
        raise FastPathUnavailable(str(exc).splitlines()[0]) from exc
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
