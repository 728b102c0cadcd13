"""Lookup tables for the SQL import, made from the DISTINCT values of a column.

An export repeats few distinct values in most columns (dates, actors, countries, event types,
precision codes): the import asks DuckDB for them, maps each once with the Python importers'
own code (common.parse_dates, canonical_actor, validate_event …), so the meaning of every value
is exactly the reference path's, and joins the small table back in SQL. Columns with a value per
row (ids, coordinates) are read in SQL where the text has the plain form, and only the other
values pass through Python.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import duckdb
import pandas as pd

from conflict_monitor.model.schema import SchemaError, validate_event

# Characters str.strip() removes (Python's whitespace), so SQL's trim cleans a cell as
# common.clean does. Computed on call: no work at import time.
_WHITESPACE_RANGE = 0x3001


def python_whitespace() -> str:
    """Every character for which str.isspace() is true (all are below U+3001)."""
    return "".join(c for c in map(chr, range(_WHITESPACE_RANGE)) if c.isspace())


def quote_literal(text: str) -> str:
    """A SQL string literal of fixed text (our own constants, never user input)."""
    return "'" + text.replace("'", "''") + "'"


def cleaned(column: str, whitespace: str) -> str:
    """SQL for a raw cell as common.clean leaves it: stripped, empty is NULL. A cell that
    starts and ends with a printable ASCII character is left as it is (trim with a set of
    characters costs several times the reading of the file)."""
    edges = f"ord({column}) BETWEEN 33 AND 126 AND ord(right({column}, 1)) BETWEEN 33 AND 126"
    return f"CASE WHEN {edges} THEN {column} ELSE NULLIF(trim({column}, {quote_literal(whitespace)}), '') END"


def check_fields(row: Mapping[str, Any], origin: str, origin_of: Mapping[str, str]
                 ) -> tuple[dict[str, Any] | None, str | None]:
    """validate_event on a partial row: (clean values, None) or (None, the problem as
    validate_frame words it, naming the source column)."""
    try:
        return validate_event({**row, "origin": origin, "event_id": "x"}), None
    except SchemaError as exc:
        field = str(exc).split(":", 1)[0]
        where = f" (column {origin_of[field]})" if origin_of.get(field, field) != field else ""
        return None, f"{exc}{where}"
    except (OverflowError, ValueError, TypeError) as exc:  # e.g. 'inf' deaths: a bad value too
        return None, f"{type(exc).__name__}: {exc}"


class ValueMaps:
    """Registers the per-value tables of one import on a DuckDB connection and drops them."""

    def __init__(self, con: duckdb.DuckDBPyConnection, source: str, prefix: str):
        self.con, self.source, self.prefix = con, source, prefix
        self.names: list[str] = []
        self._count = itertools.count()

    def distinct(self, columns: Sequence[str], where: str = "") -> pd.DataFrame:
        """The distinct combinations of `columns` in the source table (NULL kept)."""
        cols = ", ".join(columns)
        sql = f"SELECT DISTINCT {cols} FROM {self.source}" + (f" WHERE {where}" if where else "")
        return self.con.execute(sql).df().astype(object).where(lambda f: f.notna(), None)

    def add(self, keys: pd.DataFrame, values: dict[str, pd.Series | list], types: dict[str, str]
            ) -> str:
        """Register keys and their mapped values as a table; return its name. `types` gives
        each value column's pandas dtype (nullable ones: NULL stays NULL in SQL)."""
        name = f"{self.prefix}_map{next(self._count)}"
        frame = keys.reset_index(drop=True).copy()
        for column, data in values.items():
            series = pd.Series(list(data), dtype=object)
            if types[column] == "datetime":
                frame[column] = pd.to_datetime(series)
            else:
                frame[column] = series.astype(types[column])
        self.con.register(name, frame)
        self.names.append(name)
        return name

    def map_column(self, column: str, mapper: Callable[[pd.Series], dict[str, list]],
                   types: dict[str, str], where: str = "") -> str:
        """Map the distinct values of one column with `mapper` (a Series of values → value
        columns); return the table's name (key column `k`)."""
        keys = self.distinct([f'"{column}"'], where)
        keys.columns = ["k"]
        return self.add(keys, mapper(keys["k"]) if len(keys) else {c: [] for c in types}, types)

    def close(self) -> None:
        for name in self.names:
            self.con.unregister(name)
        self.names = []


def join_on(alias: str, table: str, pairs: Sequence[tuple[str, str]]) -> str:
    """LEFT JOIN of a value table on its key columns (NULL matches NULL)."""
    cond = " AND ".join(f"{left} IS NOT DISTINCT FROM {alias}.{right}" for left, right in pairs)
    return f"LEFT JOIN {table} AS {alias} ON {cond}"
