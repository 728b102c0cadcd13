"""The event store interface and its factory.

Pages, the CLI and importers talk to `EventStore` only, so a PostgreSQL backend can be added
beside the DuckDB one without touching them. `CONFLICT_MONITOR_DB` selects the store: a file
path (DuckDB, the default data/conflict.duckdb) or, later, a postgresql:// URL.
"""

from __future__ import annotations

import abc
import datetime as dt
import os
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from conflict_monitor.model.filters import EventFilter

ENV_VAR = "CONFLICT_MONITOR_DB"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB_PATH = REPO_ROOT / "data" / "conflict.duckdb"


class StoreError(RuntimeError):
    """The store cannot be opened or used; the message says why and what to do."""


class StoreBusyError(StoreError):
    """Another process has been writing to the store for longer than a reader waits; a moment
    later it works again (nothing is wrong with the store)."""


class StoreConfigError(StoreError):
    """CONFLICT_MONITOR_DB names something we cannot use."""


class ImportRejected(ValueError):
    """An import was refused as a whole; nothing was written.

    `problems` lists (row number counted from 1, message) pairs.
    """

    def __init__(self, message: str, problems: Sequence[tuple[int, str]] = ()):
        super().__init__(message)
        self.problems = list(problems)


@dataclass
class ImportResult:
    """What one import did."""

    added: int = 0
    already_present: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    article_added: bool | None = None
    updated: int = 0  # stored rows replaced by a newer revision (revised_at)

    def summary(self) -> str:
        text = f"{self.added} events added"
        if self.updated:
            text += f", {self.updated} updated to a newer revision"
        text += f", {self.already_present} already present"
        if self.skipped:
            text += f", {len(self.skipped)} bad rows skipped"
        return text


class EventStore(abc.ABC):
    """What every backend offers. All queries are parameterised."""

    location: str

    # --- writing: each call is one transaction, all or nothing ---------------------------
    @abc.abstractmethod
    def upsert_events(self, rows: Iterable[Mapping[str, Any]] | pd.DataFrame, *,
                      skip_invalid: bool = False) -> ImportResult:
        """Add events not yet present (by event_id). Invalid rows reject the whole batch
        unless skip_invalid, in which case they are listed in the result."""

    @abc.abstractmethod
    def import_batches(self, batches: Iterable[pd.DataFrame], *, relink: bool = True) -> ImportResult:
        """Add frames of rows already passed through schema.validate_event, all in ONE
        transaction: an exception raised by the iterator (a bad row, a broken file) rolls back
        every batch. A row already stored is replaced when it carries a newer revised_at (a
        dataset revised it). Then, in the same transaction, recompute the incident ids of the
        dates the new and revised rows touch (unless relink is False)."""

    def import_staged(self, fill: Callable[[Any, str], None], *, relink: bool = True,
                      stage: Callable[[str], None] | None = None) -> ImportResult:
        """Import rows a DuckDB query writes: fill(duckdb connection, table) fills the empty
        staging table `table` (the event columns) with validated rows; then, in ONE
        transaction, as import_batches. An exception from fill leaves the store unchanged.
        `stage` hears "storing" and "linking" as the import reaches them."""
        raise NotImplementedError(f"{type(self).__name__} cannot import from DuckDB")

    @abc.abstractmethod
    def update_incident_ids(self, mapping: Mapping[str, str]) -> int:
        """Set incident_id per event_id (one transaction); returns how many rows changed."""

    @abc.abstractmethod
    def relink_incidents(self, date_from: dt.date | None = None,
                         date_to: dt.date | None = None) -> int:
        """Recompute incident ids for events dated in the range (all when None); returns how
        many rows changed."""

    @abc.abstractmethod
    def ingest_article(self, article: Mapping[str, Any],
                       events: Sequence[Mapping[str, Any]]) -> ImportResult:
        """Store an article and its events together. An article is identified by its
        normalised text: the same text again (whatever its outlet or publication date) adds no
        events; it only fills in metadata the stored article lacks."""

    @abc.abstractmethod
    def upsert_sites(self, sites: Sequence[Mapping[str, Any]],
                     statuses: Sequence[Mapping[str, Any]]) -> int:
        """Add or replace fixed sites and their status history; returns sites written."""

    @abc.abstractmethod
    def delete_events(self, origin: str, article_id: str | None = None) -> int:
        """Remove events of one origin (and article); returns how many went."""

    # --- reading ---------------------------------------------------------------------------
    @abc.abstractmethod
    def query_events(self, flt: EventFilter | None = None, *, columns: Sequence[str] | None = None,
                     limit: int | None = None, order_by: str = "event_date DESC") -> pd.DataFrame:
        """Events matching the filter as a DataFrame."""

    @abc.abstractmethod
    def query_sql(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """Run a read-only parameterised query (for metrics that aggregate in the database).
        `{where}` in sql is not substituted here: callers use filters.compute_where."""

    def query_arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        """query_sql's rows as an Arrow table: its text takes a fraction of a DataFrame's
        memory, for results kept in memory (the Casualties page's cells: 1.8 GB peak at ten
        million events through a DataFrame; the DuckDB store answers in Arrow directly)."""
        return pa.Table.from_pandas(self.query_sql(sql, params), preserve_index=False)

    def query_sql_per_version(self, sql: str) -> pd.DataFrame:
        """query_sql(sql) (no parameters), remembered by this store object until the data version
        moves: for summaries of the whole store that every filter change would otherwise scan
        for again. The version is read first, so a write in between only makes the next call
        compute it anew."""
        return self.keep_per_version(("sql", sql), lambda: self.query_sql(sql)).copy()

    def keep_per_version(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """make(), remembered by this store object under `key` until the data version moves
        (read first, so a write in between only makes the next call compute it anew)."""
        version = self.data_version()
        kept = getattr(self, "_per_version", None)
        if kept is None or kept[0] != version:
            kept = (version, {})
            self._per_version = kept
        if key not in kept[1]:
            kept[1][key] = make()
        return kept[1][key]

    @abc.abstractmethod
    def count_events(self, flt: EventFilter | None = None) -> int:
        """Number of events matching the filter."""

    @abc.abstractmethod
    def list_distinct(self, column: str) -> list[str]:
        """Sorted distinct non-null values of an event column (for filter widgets)."""

    @abc.abstractmethod
    def save_actor_alias(self, alias: str, canonical: str) -> None:
        """Remember that the extracted name `alias` stands for the known actor `canonical`."""

    @abc.abstractmethod
    def load_actor_aliases(self) -> dict[str, str]:
        """Every remembered alias -> its canonical actor."""

    @abc.abstractmethod
    def list_actors(self) -> list[str]:
        """Sorted distinct actors over actor1 and actor2."""

    @abc.abstractmethod
    def list_countries(self) -> list[str]:
        """Sorted distinct country codes over country, actor1_country and actor2_country."""

    @abc.abstractmethod
    def date_bounds(self) -> tuple[dt.date | None, dt.date | None]:
        """Earliest and latest event_date."""

    @abc.abstractmethod
    def query_sites(self) -> pd.DataFrame:
        """All fixed sites."""

    @abc.abstractmethod
    def query_site_status(self) -> pd.DataFrame:
        """Every status change of every site, oldest first."""

    @abc.abstractmethod
    def query_articles(self, with_text: bool = False) -> pd.DataFrame:
        """Stored articles, newest first."""

    @abc.abstractmethod
    def get_article(self, article_id: str) -> dict[str, Any] | None:
        """One article with its text, or None."""

    @abc.abstractmethod
    def data_version(self) -> int:
        """A number that changes whenever the data changes (for cache keys)."""

    @abc.abstractmethod
    def is_empty(self) -> bool:
        """True when no event, site or article is stored."""

    def close(self) -> None:  # noqa: B027 - optional for backends
        """Release resources."""


def resolve_location(value: str | None = None) -> str:
    """Where the store lives: the argument, else CONFLICT_MONITOR_DB, else the default file."""
    raw = value if value is not None else os.environ.get(ENV_VAR, "")
    raw = raw.strip()
    return raw or str(DEFAULT_DB_PATH)


def redact_url(url: str) -> str:
    """Hide a password in a database URL before showing it."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url
