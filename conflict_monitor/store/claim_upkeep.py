"""The store's upkeep of its table of control claims (control.stored_claims): every write
transaction recomputes the claims of the events it touched, deletions take their claims with
them, and a store whose table was made with other reference data (or none) rebuilds it when
opened.

Which events a write touched: those it marked for the incident recount (incident_counts: new
rows of an incident, edited, revised, restored or relinked rows have incident_reports NULL
until the transaction ends), and the new rows of a bulk import that have no incident (the
import passes them here itself). A mixin of sql.SqlStore, before IncidentWriteMixin, so its
end-of-transaction step runs while the marks are still there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

TOUCHED = "incident_reports IS NULL"


class ClaimUpkeepMixin:
    """The control_claims table of a SQL store (needs SqlStore's hooks)."""

    _CLAIM_INDEX = False  # PostgreSQL finds a deleted event's claims by an index; DuckDB scans

    def _claim_reference(self) -> Any:
        """The shipped places and sides (control.stored_claims.ClaimReference), read once per
        store object."""
        reference = getattr(self, "_claim_reference_read", None)
        if reference is None:
            from conflict_monitor.control.stored_claims import load_claim_reference  # noqa: PLC0415

            reference = self._claim_reference_read = load_claim_reference()
        return reference

    def _claims_current(self, con: Any) -> bool:
        from conflict_monitor.control.stored_claims import META_KEY  # noqa: PLC0415

        rows = self._fetch(con, "SELECT value FROM meta WHERE key = ?", [META_KEY])
        return bool(rows) and rows[0][0] == self._claim_reference().fingerprint

    def _insert_claims(self, con: Any, rows: str, params: Sequence[Any] = ()) -> None:
        """Add the claims of the events matching `rows` (a condition on events)."""
        from conflict_monitor.control.store_claims import compute_claim_inputs_sql, read_claim_inputs  # noqa: PLC0415
        from conflict_monitor.control.stored_claims import make_insert_sql  # noqa: PLC0415
        from conflict_monitor.model.filters import EventFilter  # noqa: PLC0415

        inputs = read_claim_inputs(self._frame(con, *compute_claim_inputs_sql(EventFilter(), (rows, params))))
        if inputs[1]:  # no actor with a country: no claim
            self._execute(con, *make_insert_sql(self._claim_reference(), inputs, (rows, params)))

    def _refresh_claims(self, con: Any, rows: str, params: Sequence[Any] = ()) -> None:
        """Recompute the stored claims of the events matching `rows`, inside a write."""
        if not self._claims_current(con):
            return  # rebuilt whole when the store is next opened
        if not self._fetch(con, f"SELECT EXISTS (SELECT 1 FROM events WHERE {rows})", list(params))[0][0]:
            return
        self._forget_claims(con, rows, params)
        self._insert_claims(con, rows, params)

    def _forget_claims(self, con: Any, rows: str, params: Sequence[Any] = ()) -> None:
        """Drop the stored claims of the events matching `rows` (before they change or go)."""
        from conflict_monitor.control.stored_claims import TABLE  # noqa: PLC0415

        self._execute(con, f"DELETE FROM {TABLE} WHERE event_id IN (SELECT event_id FROM events "
                           f"WHERE {rows})", list(params))

    def _refresh_incident_counts(self, con: Any) -> None:
        """The touched events' claims, then the incident recount (which clears the marks)."""
        self._refresh_claims(con, TOUCHED)
        super()._refresh_incident_counts(con)  # type: ignore[misc]

    def _upgrade_schema(self) -> None:
        """The older upgrades, then the table of claims: made, or made again when the reference
        or the rules changed (meta records the fingerprint once it is whole)."""
        from conflict_monitor.control.stored_claims import META_KEY, TABLE, make_table_ddl  # noqa: PLC0415

        with self._connect() as con:
            self._execute(con, make_table_ddl(self._sql_type))
        super()._upgrade_schema()  # type: ignore[misc]
        with self._connect() as con:
            if self._claims_current(con):
                return
            # not a change of the data: the data version stays
            self._execute(con, "BEGIN TRANSACTION")
            try:
                self._execute(con, "DELETE FROM meta WHERE key = ?", [META_KEY])
                self._execute(con, f"DROP TABLE IF EXISTS {TABLE}")  # its columns may have changed
                self._execute(con, make_table_ddl(self._sql_type))
                self._insert_claims(con, "TRUE")
                if self._CLAIM_INDEX:
                    self._execute(con, f"CREATE INDEX IF NOT EXISTS {TABLE}_event_id ON {TABLE} (event_id)")
                self._execute(con, "INSERT INTO meta VALUES (?, ?)", [META_KEY, self._claim_reference().fingerprint])
                self._execute(con, "COMMIT")
            except BaseException:
                self._execute(con, "ROLLBACK")
                raise
