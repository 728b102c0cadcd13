"""Analyst review of extracted events (issue 14): accept, edit, reject, restore, each recorded.

A mixin of sql.SqlStore. Tables:
- event_reviews: one row per reviewed event: status (accepted, edited, rejected, unreviewed
  after a restore), who and when, and `original`: the machine's coding of every field an
  analyst changed (JSON), written at the first edit and never overwritten, so the extractor's
  output can always be compared with the analyst's.
- review_log: every change: what (accept, edit, reject, restore), the field, before, after,
  who, when. Never updated or deleted.
- rejected_events: rejected rows, moved out of `events` so that no count, chart, map or
  incident sees them (every query reads `events`), kept whole so a restore puts them back as
  they were. An insert never brings a rejected event back (_insert_frame skips their ids).
Events without a review row are unreviewed.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from conflict_monitor.model.schema import EVENT_FIELDS, validate_event
from conflict_monitor.store import incident_counts
from conflict_monitor.store.feeds import utc_now

EDITABLE = ("actor1", "actor2", "action", "location", "latitude", "longitude", "event_date",
            "fatalities", "fatalities_high", "victims")
REVIEW_STATES = ("accepted", "edited", "rejected", "unreviewed")
REVIEWED = ("accepted", "edited")
_COLS = ", ".join(EVENT_FIELDS)

REVIEW_SCHEMA: tuple[str, ...] = (
    "CREATE TABLE IF NOT EXISTS event_reviews (\n  event_id VARCHAR PRIMARY KEY,\n"
    "  status VARCHAR NOT NULL,\n  reviewer VARCHAR,\n  reviewed_at TIMESTAMP,\n  original VARCHAR\n)",
    "CREATE TABLE IF NOT EXISTS review_log (\n  change_id VARCHAR PRIMARY KEY,\n  event_id VARCHAR,\n"
    "  what VARCHAR,\n  field VARCHAR,\n  value_before VARCHAR,\n  value_after VARCHAR,\n  who VARCHAR,\n"
    "  changed_at TIMESTAMP\n)",
)
# rejected_events has the columns of events; sql.SqlStore._schema_sql makes it (backend types).
REVIEW_TABLES = ("event_reviews", "review_log", "rejected_events")


def _json_value(value: Any) -> Any:
    """A stored value as plain JSON: dates as YYYY-MM-DD, numpy numbers as Python ones."""
    if value is None or value is pd.NaT or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _text(value: Any) -> str | None:
    value = _json_value(value)
    return None if value is None else str(value)


class ReviewMixin:
    """Review operations for a SQL store (needs SqlStore's hooks)."""

    def _log(self, con: Any, event_id: str, what: str, who: str, field: str | None = None,
             before: Any = None, after: Any = None) -> None:
        self._execute(con, "INSERT INTO review_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      [uuid.uuid4().hex, event_id, what, field, _text(before), _text(after), who,
                       utc_now()])

    def _set_status(self, con: Any, event_id: str, status: str, who: str,
                    original: str | None = None) -> None:
        self._execute(con, "INSERT INTO event_reviews VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_id) "
                           "DO UPDATE SET status = excluded.status, reviewer = excluded.reviewer, "
                           "reviewed_at = excluded.reviewed_at, "
                           "original = coalesce(event_reviews.original, excluded.original)",
                      [event_id, status, who, utc_now(), original])

    def _current(self, con: Any, event_ids: Sequence[str], table: str = "events") -> list[dict]:
        marks = ", ".join("?" for _ in event_ids)
        frame = self._frame(con, f"SELECT {_COLS} FROM {table} WHERE event_id IN ({marks}) "
                                 "ORDER BY event_id", list(event_ids))
        return frame.to_dict("records")

    def accept_events(self, event_ids: Sequence[str], who: str) -> int:
        """Mark events as checked and right; returns how many were accepted."""
        if not event_ids:
            return 0
        with self._transaction() as con:
            rows = self._current(con, event_ids)
            for row in rows:
                self._set_status(con, row["event_id"], "accepted", who)
                self._log(con, row["event_id"], "accept", who)
        return len(rows)

    def edit_event(self, event_id: str, changes: Mapping[str, Any], who: str) -> dict[str, Any]:
        """Change some of EDITABLE; the machine's values are kept in event_reviews.original and
        each changed field is logged. Raises SchemaError for a bad value, KeyError for an
        unknown event, ValueError for a field that cannot be edited. Returns the new row."""
        unknown = sorted(set(changes) - set(EDITABLE))
        if unknown:
            raise ValueError(f"cannot edit {', '.join(unknown)}: editable are {', '.join(EDITABLE)}")
        with self._transaction() as con:
            rows = self._current(con, [event_id])
            if not rows:
                raise KeyError(f"no event {event_id!r} (rejected events are restored first)")
            before = validate_event(rows[0])  # the stored row in the schema's own types
            changes = dict(changes)
            if "fatalities" in changes and "fatalities_high" not in changes \
                    and before["fatalities_high"] == before["fatalities"]:
                changes["fatalities_high"] = changes["fatalities"]  # a single figure stays single
            merged = validate_event({**before, **changes, "event_id": event_id})
            changed = [f for f in changes if _text(merged[f]) != _text(before[f])]
            if not changed:
                return before
            original = json.dumps({f: _json_value(before[f]) for f in changed})
            sets = ", ".join(f"{f} = ?" for f in changed)
            self._execute(con, incident_counts.mark_incidents_sql(
                "SELECT incident_id FROM events WHERE event_id = ?"), [event_id])
            self._note_rollup_rows(con, "event_id = ?", [event_id])
            self._execute(con, f"UPDATE events SET {sets}, incident_reports = NULL WHERE event_id = ?",
                          [merged[f] for f in changed] + [event_id])
            for field in changed:
                self._log(con, event_id, "edit", who, field, before[field], merged[field])
            self._merge_original(con, event_id, before, changed, original)
            self._set_status(con, event_id, "edited", who, original)
            dates = [d for d in (_json_value(before["event_date"]), _json_value(merged["event_date"])) if d]
            from conflict_monitor.store.linking import LINK_COLUMNS  # noqa: PLC0415 - light store import
            # only a change of what the linking rule reads can move the event between incidents: a
            # relink at ten million events loads the two months around the day (1.7M rows, minutes)
            if dates and set(changed) & set(LINK_COLUMNS):
                self._relink(con, min(pd.to_datetime(dates)).date(), max(pd.to_datetime(dates)).date())
        return merged

    def _merge_original(self, con: Any, event_id: str, before: Mapping[str, Any],
                        changed: Sequence[str], original: str) -> None:
        """A later edit of another field adds that field's machine value; values already kept stay."""
        rows = self._fetch(con, "SELECT original FROM event_reviews WHERE event_id = ?", [event_id])
        if not rows or rows[0][0] is None:
            return
        kept = json.loads(rows[0][0])
        for field in changed:
            kept.setdefault(field, _json_value(before[field]))
        self._execute(con, "UPDATE event_reviews SET original = ? WHERE event_id = ?",
                      [json.dumps(kept), event_id])

    def reject_events(self, event_ids: Sequence[str], who: str) -> int:
        """Hide events (moved to rejected_events, never deleted); returns how many."""
        if not event_ids:
            return 0
        with self._transaction() as con:
            rows = self._current(con, event_ids)
            ids = [r["event_id"] for r in rows]
            if not ids:
                return 0
            marks = ", ".join("?" for _ in ids)
            self._execute(con, incident_counts.mark_incidents_sql(
                f"SELECT incident_id FROM events WHERE event_id IN ({marks})"), ids)
            self._execute(con, f"INSERT INTO rejected_events ({_COLS}) SELECT {_COLS} FROM events "
                               f"WHERE event_id IN ({marks}) ON CONFLICT (event_id) DO NOTHING", ids)
            self._log_changes(con, f"event_id IN ({marks})", ids)
            self._note_rollup_rows(con, f"event_id IN ({marks})", ids)
            self._execute(con, f"DELETE FROM events WHERE event_id IN ({marks})", ids)
            for event_id in ids:
                self._set_status(con, event_id, "rejected", who)
                self._log(con, event_id, "reject", who)
        return len(ids)

    def restore_events(self, event_ids: Sequence[str], who: str) -> int:
        """Bring rejected events back, unreviewed; returns how many."""
        if not event_ids:
            return 0
        with self._transaction() as con:
            rows = self._current(con, event_ids, table="rejected_events")
            ids = [r["event_id"] for r in rows]
            if not ids:
                return 0
            marks = ", ".join("?" for _ in ids)
            self._execute(con, f"INSERT INTO events ({_COLS}) SELECT {_COLS} FROM rejected_events "
                               f"WHERE event_id IN ({marks}) ON CONFLICT (event_id) DO NOTHING", ids)
            self._execute(con, f"UPDATE events SET incident_reports = NULL WHERE event_id IN ({marks})", ids)
            self._execute(con, f"DELETE FROM rejected_events WHERE event_id IN ({marks})", ids)
            for event_id in ids:
                self._set_status(con, event_id, "unreviewed", who)
                self._log(con, event_id, "restore", who)
            dates = [r["event_date"] for r in rows if r["event_date"] is not None
                     and r["event_date"] == r["event_date"]]
            if dates:
                self._relink(con, pd.Timestamp(min(dates)).date(), pd.Timestamp(max(dates)).date())
        return len(ids)

    # --- reading -------------------------------------------------------------------------------
    def query_review_queue(self, status: str = "unreviewed", limit: int = 200) -> pd.DataFrame:
        """Extracted events in one review state, newest first, with the review columns;
        'rejected' lists the hidden ones."""
        if status not in REVIEW_STATES:
            raise ValueError(f"status: expected one of {', '.join(REVIEW_STATES)}, got {status!r}")
        table = "rejected_events" if status == "rejected" else "events"
        where = ("(r.status IS NULL OR r.status = 'unreviewed')" if status == "unreviewed"
                 else "r.status = ?")
        params: list[Any] = [] if status == "unreviewed" else [status]
        cols = ", ".join(f"e.{c}" for c in EVENT_FIELDS)
        return self.query_sql(
            f"SELECT {cols}, coalesce(r.status, 'unreviewed') AS review_status, r.reviewer, "
            f"r.reviewed_at, r.original FROM {table} e LEFT JOIN event_reviews r "
            f"ON r.event_id = e.event_id WHERE e.origin = 'extracted' AND {where} "
            "ORDER BY e.event_date DESC NULLS LAST, e.event_id LIMIT ?", [*params, int(limit)])

    def query_review_log(self, event_id: str | None = None) -> pd.DataFrame:
        """Every recorded review change, oldest first (of one event when given)."""
        if event_id is None:
            return self.query_sql("SELECT * FROM review_log ORDER BY changed_at, change_id")
        return self.query_sql("SELECT * FROM review_log WHERE event_id = ? ORDER BY changed_at, change_id",
                              [event_id])

    def attach_review_status(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The frame with a review_status column: accepted, edited or unreviewed for extracted
        events, empty for curated datasets' rows (reviewed by their curators)."""
        out = frame.copy()
        if out.empty or "event_id" not in out:
            out["review_status"] = pd.Series(dtype=object)
            return out
        reviews = self.query_sql("SELECT event_id, status FROM event_reviews")
        status = dict(zip(reviews["event_id"], reviews["status"], strict=False))
        extracted = out["origin"].eq("extracted") if "origin" in out else pd.Series(True, index=out.index)
        out["review_status"] = [
            (status.get(eid) or "unreviewed") if is_ext else ""
            for eid, is_ext in zip(out["event_id"], extracted, strict=False)]
        return out
