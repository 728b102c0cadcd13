"""Opening the configured store: the DuckDB file or the PostgreSQL database, seeded when new."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conflict_monitor.store.base import (
    DEFAULT_DB_PATH,
    ENV_VAR,
    EventStore,
    StoreConfigError,
    redact_url,
    resolve_location,
)


def compute_store_is_new(location: str | None = None) -> bool:
    """True when opening `location` will build a new file store from the shipped data.

    Only says so for a file that does not exist yet; a database server is asked on opening.
    """
    loc = resolve_location(location)
    return "://" not in loc and not Path(loc).exists()


def open_store(location: str | None = None, *, seed_if_new: bool = True,
               keep_open: bool = False) -> EventStore:
    """Open the configured store, creating and seeding it from the shipped data if new.

    keep_open (DuckDB): hold one database instance for this process (the dashboard does).

    Raises StoreConfigError for an unusable setting and StoreError for a corrupt or locked file.
    """
    loc = resolve_location(location)
    if loc.startswith(("postgresql://", "postgres://")):
        try:
            from conflict_monitor.store.postgres import PostgresStore  # noqa: PLC0415 - optional backend
        except ImportError as exc:
            raise StoreConfigError(
                f"{ENV_VAR}={redact_url(loc)}: the PostgreSQL backend is not available ({exc}).") from exc
        store: EventStore = PostgresStore(loc)
    elif "://" in loc:
        scheme = loc.split("://", 1)[0]
        raise StoreConfigError(
            f"{ENV_VAR}: expected a file path or a postgresql:// URL, got a {scheme}:// URL. "
            f"Unset {ENV_VAR} to use {DEFAULT_DB_PATH.name}.")
    else:
        from conflict_monitor.store.duckdb import DuckDBStore  # noqa: PLC0415 - loads duckdb

        store = DuckDBStore(Path(loc), keep_open=keep_open)
    if seed_if_new and store.is_empty():
        from conflict_monitor.store.seed import seed_store  # noqa: PLC0415 - loads spaCy

        seed_store(store)
    return store


def rebuild_store(location: str | None = None) -> tuple[EventStore, Path | None]:
    """Move a broken store file aside and build a fresh one from the shipped data.

    Returns the new store and where the old file went (None if there was none).
    """
    loc = resolve_location(location)
    if "://" in loc:
        raise StoreConfigError(f"{ENV_VAR}: only a file store can be rebuilt, got {redact_url(loc)}")
    path = Path(loc)
    moved = None
    if path.exists():
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        moved = path.with_name(f"{path.name}.broken-{stamp}")
        path.rename(moved)
    wal = path.with_name(path.name + ".wal")
    if wal.exists():
        wal.rename(wal.with_name(wal.name + ".broken"))
    return open_store(str(path)), moved
