"""The store's upkeep of incidents: linking reports into incidents and counting each one's reports.

A mixin of sql_store.SqlStore, kept apart because it is one responsibility: every write that
adds, moves or removes reports ends here, so incident_id and incident_reports stay true for the
pages that count incidents (incident_counts, incident_sql). It uses SqlStore's backend hooks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from conflict_monitor.store import incident_counts
from conflict_monitor.store.base import StoreBusyError

Columns = Sequence[tuple[str, str, str]]
# The linking rule the store's incident ids were made with (meta key 'link_rule'). 2: an
# incident is a group of reports that all match, rows of one curated dataset never link
# (issue 19); a store linked by rule 1 (chains of matches) is relinked once when opened.
LINK_RULE = 2
UPDATE_COLUMNS: Columns = (("event_id", "VARCHAR", ""), ("incident_id", "VARCHAR", ""))


class IncidentWriteMixin:
    """Incident linking and report counts for a SQL store (needs SqlStore's hooks)."""

    def _upgrade_schema(self) -> None:
        """Bring a store made by an older version up to date: add the incident_reports and
        incident_key columns, count the reports of every incident it has not counted yet and
        key every incident (meta 'incident_keys' records that all were keyed)."""
        with self._connect() as con:
            present = {row[0] for row in self._fetch(
                con, "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                     "current_schema() AND table_name = 'events'")}
            for name, sql_type, _ in (incident_counts.COLUMN, incident_counts.KEY_COLUMN,
                                      incident_counts.LEAD_COLUMN):
                if name not in present:
                    self._execute(con, f"ALTER TABLE events ADD COLUMN IF NOT EXISTS {name} "
                                       f"{self._sql_type(sql_type)}")
            self._execute(con, incident_counts.SEQUENCE_SQL)
            keyed = self._fetch(con, "SELECT count(*) FROM meta WHERE key = 'incident_keys'")[0][0]
            if not keyed:  # a store from before incident_key: every incident is keyed once
                self._execute(con, "UPDATE events SET incident_reports = NULL WHERE incident_id "
                                   f"IS NOT NULL AND {incident_counts.KEY} IS NULL")
            uncounted = self._fetch(con, "SELECT EXISTS (SELECT 1 FROM events "
                                         "WHERE incident_reports IS NULL)")[0][0]
        if uncounted:
            with self._transaction():
                pass  # every write transaction ends by counting the marked incidents
        with self._connect() as con:  # not a change of the data: the data version stays
            if not keyed:
                self._execute(con, "INSERT INTO meta VALUES ('incident_keys', 1) ON CONFLICT (key) "
                                   "DO NOTHING")
            leads = self._fetch(con, "SELECT count(*) FROM meta WHERE key = 'incident_leads'")[0][0]
        if not leads:
            self._upgrade_leads()
        self._upgrade_links()

    def _upgrade_leads(self) -> None:
        """Give a store from before incident_lead every shared incident's lead, once (2 s at ten
        million events), in one upkeep transaction with its meta row: no write runs beside it
        and the data version stays. Busy with a write: the next opening does it; meanwhile a
        NULL lead only means the incident is grouped, as before (write transactions keep the
        leads of the incidents they touch)."""
        try:
            with self._upkeep_transaction() as con:
                self._execute(con, incident_counts.LEAD_UPGRADE_SQL)
                self._execute(con, "INSERT INTO meta VALUES ('incident_leads', 1) ON CONFLICT (key) "
                                   "DO NOTHING")
        except StoreBusyError:
            return

    def _upgrade_links(self) -> None:
        """Relink a store whose incident ids an older rule made (LINK_RULE), a slice per
        transaction so memory stays bounded; the rule is recorded only once all are done, so
        an interrupted upgrade starts again on the next opening."""
        with self._connect() as con:
            rule = self._fetch(con, "SELECT max(value) FROM meta WHERE key = 'link_rule'")[0][0]
            linked = rule is None and self._fetch(
                con, "SELECT EXISTS (SELECT 1 FROM events WHERE incident_id IS NOT NULL)")[0][0]
        if rule is not None and rule >= LINK_RULE:
            return
        low, high = self.date_bounds() if linked else (None, None)
        if low is not None:
            from conflict_monitor.store.linking import plan_relink  # noqa: PLC0415 - light store import
            for window in plan_relink(low, high):
                with self._transaction() as con:
                    self._relink_slices(con, [window])
        with self._connect() as con:  # not a change of the data: the data version stays
            self._execute(con, "INSERT INTO meta VALUES ('link_rule', ?) ON CONFLICT (key) "
                               "DO UPDATE SET value = excluded.value", [LINK_RULE])

    def _refresh_incident_counts(self, con: Any) -> None:
        """Recount the reports of the incidents this transaction touched (incident_counts);
        backends call it at the end of every write transaction."""
        for statement in incident_counts.REFRESH_STATEMENTS:
            self._execute(con, statement)

    def _relink(self, con: Any, date_from: dt.date, date_to: dt.date) -> int:
        from conflict_monitor.store.linking import plan_relink  # noqa: PLC0415 - keeps the store import light
        return self._relink_slices(con, plan_relink(date_from, date_to))

    def _relink_slices(self, con: Any, slices: Sequence[tuple[dt.date, dt.date, dt.date, dt.date]]
                       ) -> int:
        """Recompute incident ids slice by slice (incidents.plan_relink); the number changed."""
        from conflict_monitor.store.linking import LINK_COLUMNS, compute_incident_ids
        changed = 0
        for load_from, load_to, start, stop in slices:
            frame = self._frame(con, f"SELECT {', '.join(LINK_COLUMNS)} FROM events "
                                     "WHERE event_date BETWEEN ? AND ? ORDER BY event_id",
                                [load_from, load_to])
            if frame.empty:
                continue
            ids = compute_incident_ids(frame)
            day = pd.to_datetime(frame["event_date"]).dt.date
            differs = ids.ne(frame["incident_id"].astype(object)) | frame["incident_id"].isna()
            mask = differs & (day >= start) & (day <= stop)
            # rows that had no incident (new reports) leave none: nothing to mark for recounting
            leave = bool(frame.loc[mask, "incident_id"].notna().any())
            changed += self._write_incident_ids(con, frame.loc[mask, "event_id"], ids[mask], leave)
        return changed

    def _write_incident_ids(self, con: Any, event_ids: Iterable[str],
                            incident_ids: Iterable[str], leave: bool = True) -> int:
        """Set these rows' incident ids; `leave`: some of them may have had one before."""
        update = pd.DataFrame({"event_id": list(event_ids), "incident_id": list(incident_ids)},
                              dtype=object).sort_values("event_id")
        if update.empty:
            return 0
        with self._stage(con, "incident_updates", update, UPDATE_COLUMNS):
            if leave:  # the incidents these rows leave lose a report: mark them for recounting
                self._execute(con, incident_counts.mark_incidents_sql(
                    "SELECT e.incident_id FROM events e JOIN incident_updates u ON e.event_id = u.event_id"))
            self._execute(con, "UPDATE events SET incident_id = u.incident_id, incident_reports = NULL "
                               "FROM incident_updates u WHERE events.event_id = u.event_id")
        return len(update)

    def update_incident_ids(self, mapping: Mapping[str, str]) -> int:
        with self._transaction() as con:
            return self._write_incident_ids(con, mapping.keys(), mapping.values())

    def relink_incidents(self, date_from: dt.date | None = None,
                         date_to: dt.date | None = None) -> int:
        low, high = self.date_bounds()
        if low is None:
            return 0
        with self._transaction() as con:
            return self._relink(con, date_from or low, date_to or high)
