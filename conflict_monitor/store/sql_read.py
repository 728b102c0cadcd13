"""The event store's reading half, written once for both backends (SqlStore's hooks run it).

Every statement takes its values as parameters; identifiers come from the schema's fixed column
lists (EVENT_FIELDS, SORTABLE), checked before they reach the SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

import pandas as pd

from conflict_monitor.model.filters import EventFilter, compute_where
from conflict_monitor.model.schema import ARTICLE_COLUMNS, EVENT_FIELDS

SORTABLE = frozenset({"event_date", "fatalities", "fatalities_high", "goldstein", "confidence",
                      "event_id"})


class SqlReadMixin:
    """Queries of events, sites and articles; SqlStore supplies _connect, _fetch and _frame."""

    def _connect(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def _fetch(self, con: Any, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        raise NotImplementedError

    def _frame(self, con: Any, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        raise NotImplementedError

    def query_sql(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        with self._connect() as con:
            return self._frame(con, sql, list(params))

    def _fetch_one(self, sql: str, params: Sequence[Any] = ()) -> tuple:
        with self._connect() as con:
            return self._fetch(con, sql, list(params))[0]

    def query_events(self, flt: EventFilter | None = None, *, columns: Sequence[str] | None = None,
                     limit: int | None = None, order_by: str = "event_date DESC") -> pd.DataFrame:
        cols = list(columns) if columns else list(EVENT_FIELDS)
        unknown = [c for c in cols if c not in EVENT_FIELDS]
        if unknown:
            raise ValueError(f"columns: expected event columns, got unknown {unknown}")
        order_col, _, direction = order_by.partition(" ")
        if order_col not in SORTABLE or direction.upper() not in ("", "ASC", "DESC"):
            raise ValueError(f"order_by: expected one of {sorted(SORTABLE)} [ASC|DESC], got {order_by!r}")
        where, params = compute_where(flt or EventFilter())
        sql = (f"SELECT {', '.join(cols)} FROM {{rows}} "
               f"ORDER BY {order_col} {direction or 'ASC'} NULLS LAST, event_id")
        if limit is None:
            return self.query_sql(sql.format(rows=f"events WHERE {where}"), params)
        sql += " LIMIT ?"
        if order_col != "event_date" or int(limit) < 1:
            return self.query_sql(sql.format(rows=f"events WHERE {where}"), [*params, int(limit)])
        # The newest (oldest) rows: first the day of the limit-th one, from the date column
        # alone (DuckDB prunes that top-N as it goes), then the rows on or after it (at ten
        # million events 0.1 s instead of 0.2-0.6 s: the whole top-N read event_id for every
        # row). With fewer dated rows than the limit, undated rows come last: no cut.
        descending = direction.upper() == "DESC"
        with self._connect() as con:
            cut = self._fetch(con, f"SELECT event_date FROM events WHERE {where} AND event_date "
                                   f"IS NOT NULL ORDER BY event_date {'DESC' if descending else 'ASC'} "
                                   "LIMIT 1 OFFSET ?", [*params, int(limit) - 1])
            if cut:
                rows = f"events WHERE {where} AND event_date {'>=' if descending else '<='} ?"
                frame = self._frame(con, sql.format(rows=rows), [*params, cut[0][0], int(limit)])
                if len(frame) == int(limit):
                    return frame
            # no cut, or rows went in between (a write): the plain query
            return self._frame(con, sql.format(rows=f"events WHERE {where}"), [*params, int(limit)])

    def count_events(self, flt: EventFilter | None = None) -> int:
        where, params = compute_where(flt or EventFilter())
        return int(self._fetch_one(f"SELECT count(*) FROM events WHERE {where}", params)[0])

    def list_distinct(self, column: str) -> list[str]:
        if column not in EVENT_FIELDS:
            raise ValueError(f"column: expected an event column, got {column!r}")
        frame = self.query_sql(f"SELECT DISTINCT {column} AS v FROM events WHERE {column} IS NOT NULL "
                               "ORDER BY 1")
        return [str(v) for v in frame["v"]]

    def _distinct_over(self, columns: Sequence[str]) -> list[str]:
        union = " UNION ".join(f"SELECT {c} AS v FROM events WHERE {c} IS NOT NULL" for c in columns)
        return [str(v) for v in self.query_sql(f"SELECT v FROM ({union}) AS u ORDER BY v")["v"]]

    def list_actors(self) -> list[str]:
        return self._distinct_over(("actor1", "actor2"))

    def list_countries(self) -> list[str]:
        return self._distinct_over(("country", "actor1_country", "actor2_country"))

    def date_bounds(self) -> tuple[dt.date | None, dt.date | None]:
        low, high = self._fetch_one("SELECT min(event_date), max(event_date) FROM events")
        return low, high

    def query_sites(self) -> pd.DataFrame:
        return self.query_sql("SELECT * FROM sites ORDER BY name")

    def query_site_status(self) -> pd.DataFrame:
        return self.query_sql("SELECT * FROM site_status ORDER BY site_id, status_from")

    def query_articles(self, with_text: bool = False) -> pd.DataFrame:
        cols = [c[0] for c in ARTICLE_COLUMNS if with_text or c[0] != "text"]
        return self.query_sql(f"SELECT {', '.join(cols)} FROM articles "
                              "ORDER BY published DESC NULLS LAST, ingested_at DESC")

    def get_article(self, article_id: str) -> dict[str, Any] | None:
        frame = self.query_sql("SELECT * FROM articles WHERE id = ?", [article_id])
        return None if frame.empty else frame.iloc[0].to_dict()

    def _meta_present(self, key: str) -> bool:
        """Whether the meta table has a row for `key` (the tables kept beside the events mark
        themselves ready there)."""
        return bool(self._fetch_one("SELECT count(*) FROM meta WHERE key = ?", [key])[0])

    def data_version(self) -> int:
        return int(self._fetch_one("SELECT value FROM meta WHERE key = 'data_version'")[0])

    def is_empty(self) -> bool:
        total = self._fetch_one("SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM sites) "
                                "+ (SELECT count(*) FROM articles)")[0]
        return total == 0

