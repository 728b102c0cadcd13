"""The store's handling of revised dataset rows: a newer revision replaces the stored row.

ACLED revises its data and stamps each row with the time of its last revision (`timestamp`,
stored as revised_at). Re-importing an export must then update the rows revised since, not call
them "already present", and must not undo a revision with an older export. A mixin of
sql.SqlStore (it uses the backend hooks _fetch and _execute), called by both backends' imports
inside their one transaction; the caller relinks the dates it returns.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from conflict_monitor.model.schema import EVENT_FIELDS
from conflict_monitor.store import incident_counts

# Kept when a dataset's newer revision replaces a stored row: the key only. Its incident id is
# the new row's (none, for a dataset row), so relinking after the update links it afresh: an id
# borrowed from a curated incident it matched before would otherwise stay with it.
_KEPT_ON_REVISION = ("event_id",)


def as_date(value: Any) -> dt.date | None:
    """A DATE result as a date (drivers give date, datetime or pandas Timestamp)."""
    if value is None:
        return None
    return value.date() if isinstance(value, dt.datetime) else value


class RevisionMixin:
    """Replacing stored events by newer revisions (needs SqlStore's hooks)."""

    def _apply_revisions(self, con: Any, source: str) -> tuple[int, dt.date | None, dt.date | None]:
        """Replace stored events by the rows of table `source` that revise them (a later
        revised_at than the stored row's, or the stored row has none). Returns how many were
        replaced and the span of their old and new dates (to relink); the incidents they leave
        are marked for recounting."""
        # Only rows already stored are sorted (a first import of millions of rows finds none).
        newest = (f"(SELECT DISTINCT ON (s.event_id) {', '.join(f's.{n}' for n in EVENT_FIELDS)} "
                  f"FROM {source} AS s JOIN events AS e ON e.event_id = s.event_id "
                  "WHERE s.revised_at IS NOT NULL AND (e.revised_at IS NULL OR s.revised_at > "
                  "e.revised_at) ORDER BY s.event_id, s.revised_at DESC) AS r")
        match = "events.event_id = r.event_id"
        count, low, high = self._fetch(
            con, f"SELECT count(*), min(least(events.event_date, r.event_date)), "
                 f"max(greatest(events.event_date, r.event_date)) FROM events, {newest} "
                 f"WHERE {match}")[0]
        if not count:
            return 0, None, None
        self._execute(con, incident_counts.mark_incidents_sql(
            f"SELECT events.incident_id FROM events, {newest} WHERE {match}"))
        # the rows as they are, for the Timeline's rollup (incident_rollup): the update moves them
        self._note_rollup_rows(con, f"event_id IN (SELECT r.event_id FROM {newest})")
        updates = ", ".join([f"{n} = r.{n}" for n in EVENT_FIELDS if n not in _KEPT_ON_REVISION]
                            + [f"{incident_counts.COLUMN[0]} = NULL"])  # recounted at commit
        self._execute(con, f"UPDATE events SET {updates} FROM {newest} WHERE {match}")
        return int(count), as_date(low), as_date(high)
