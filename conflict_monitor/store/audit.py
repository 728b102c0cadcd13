"""The audit trail: one row per write (who, when, what, how many rows), in the store itself.

Every writer calls record_audit after its write: the Add articles and Data pages, the review
and feed pages, the command line (with the operating-system user), user management. The table
is made on first use, so stores of older versions gain it without a migration. A record does
not move the data version: the audit trail is not event data, and caches stay valid.

Stable API (other modules call it): record_audit(store, who, action, target, rows, detail=None)
and query_audit(store, who=None, action=None, since=None, limit=500).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pandas as pd

from conflict_monitor.store.base import EventStore
from conflict_monitor.store.side_tables import ensure_side_table

# What writes are called in the trail (free text is allowed; these keep the page's filter tidy).
ACTIONS = ("ingest", "import", "review", "feed", "alert", "rebuild", "link", "user")
AUDIT_COLUMNS = ("recorded_at", "who", "action", "target", "row_count", "detail")
_DDL = ("CREATE TABLE IF NOT EXISTS audit (id VARCHAR PRIMARY KEY, recorded_at TIMESTAMP NOT NULL, "
        "who VARCHAR NOT NULL, action VARCHAR NOT NULL, target VARCHAR, row_count BIGINT, "
        "detail VARCHAR)")


def _ensure_table(store: Any) -> None:
    ensure_side_table(store, "audit", _DDL)


def record_audit(store: EventStore, who: str, action: str, target: str | None, rows: int | None,
                 detail: str | None = None) -> None:
    """Record one write: `who` did `action` to `target`, touching `rows` rows (None: unknown)."""
    _ensure_table(store)
    values = [uuid.uuid4().hex, dt.datetime.now(dt.UTC).replace(tzinfo=None), str(who or "unknown"),
              str(action), None if target is None else str(target)[:2000],
              None if rows is None else int(rows), None if detail is None else str(detail)[:4000]]
    with store._connect() as con:
        store._execute(con, "INSERT INTO audit (id, recorded_at, who, action, target, row_count, detail) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)", values)


def query_audit(store: EventStore, who: str | None = None, action: str | None = None,
                since: dt.datetime | dt.date | None = None, limit: int = 500) -> pd.DataFrame:
    """The newest records first (recorded_at, who, action, target, row_count, detail), filtered."""
    _ensure_table(store)
    clauses, params = ["1 = 1"], []
    if who:
        clauses.append("who = ?")
        params.append(who)
    if action:
        clauses.append("action = ?")
        params.append(action)
    if since is not None:
        if not isinstance(since, dt.datetime):
            since = dt.datetime.combine(since, dt.time())
        clauses.append("recorded_at >= ?")
        params.append(since)
    params.append(int(limit))
    return store.query_sql(f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit WHERE "
                           f"{' AND '.join(clauses)} ORDER BY recorded_at DESC, id LIMIT ?", params)
