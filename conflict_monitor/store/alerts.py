"""Alert rules, the alerts they raised and their deliveries (issue 14), kept in the store.

A mixin of sql.SqlStore. An alert is keyed by (rule_id, match_key): the event id, the surging
week, the ultimatum, the site's status change. The key is unique, so a match raises one alert,
once, however often the rules are checked and by however many processes. Each alert gets one
delivery row per channel of its rule (webhook, email); a failed delivery stays with its error
and its next try, and the alert itself is never removed by a delivery problem.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from conflict_monitor.store.feeds import utc_now

RULE_KINDS = ("event", "surge", "ultimatum", "site")
CHANNELS = ("webhook", "email")

ALERT_SCHEMA: tuple[str, ...] = (
    "CREATE TABLE IF NOT EXISTS alert_rules (\n  rule_id VARCHAR PRIMARY KEY,\n  name VARCHAR NOT NULL,\n"
    "  kind VARCHAR NOT NULL,\n  params VARCHAR,\n  webhook_url VARCHAR,\n  email_to VARCHAR,\n"
    "  created_at TIMESTAMP,\n  created_by VARCHAR,\n  active BOOLEAN\n)",
    "CREATE TABLE IF NOT EXISTS alerts (\n  alert_id VARCHAR PRIMARY KEY,\n  rule_id VARCHAR,\n"
    "  match_key VARCHAR,\n  event_id VARCHAR,\n  title VARCHAR,\n  detail VARCHAR,\n"
    "  raised_at TIMESTAMP,\n  read_at TIMESTAMP,\n  baseline BOOLEAN,\n  UNIQUE (rule_id, match_key)\n)",
    "CREATE TABLE IF NOT EXISTS alert_deliveries (\n  alert_id VARCHAR,\n  channel VARCHAR,\n"
    "  target VARCHAR,\n  status VARCHAR,\n  attempts INTEGER,\n  last_error VARCHAR,\n"
    "  next_try TIMESTAMP,\n  sent_at TIMESTAMP,\n  PRIMARY KEY (alert_id, channel)\n)",
)
ALERT_TABLES = ("alert_rules", "alerts", "alert_deliveries")
# When each event row entered the store (naive UTC, like every TIMESTAMP here), whatever wrote it:
# an event rule matches rows added after it was saved, from articles and imported files alike.
# A column default, so every insert path sets it without knowing of alerts; rows of a store made
# before the column existed keep NULL (the archive, which no rule reports).
ADDED_AT_DEFAULT = "(now() AT TIME ZONE 'UTC')"
ADDED_AT = ("added_at", f"TIMESTAMP DEFAULT {ADDED_AT_DEFAULT}",
            "kept by the store: when the row was stored (UTC)")


class AlertTablesMixin:
    """Alert rules, alerts and deliveries for a SQL store (needs SqlStore's hooks)."""

    def _upgrade_added_at(self, con: Any, present: set[str]) -> None:
        """Give an older store's events the added_at column: existing rows NULL, new rows now
        (added without a default first, which would otherwise stamp the archive as new)."""
        if ADDED_AT[0] in present:
            return
        self._execute(con, f"ALTER TABLE events ADD COLUMN IF NOT EXISTS {ADDED_AT[0]} TIMESTAMP")
        self._execute(con, f"ALTER TABLE events ALTER COLUMN {ADDED_AT[0]} SET DEFAULT {ADDED_AT_DEFAULT}")

    def add_alert_rule(self, name: str, kind: str, params: Mapping[str, Any], *, who: str,
                       webhook_url: str | None = None, email_to: str | None = None) -> str:
        """Save a rule; returns its id. Matches that exist already are recorded as its baseline
        by the caller (monitor.alerts.create_rule), so only new ones raise alerts."""
        if kind not in RULE_KINDS:
            raise ValueError(f"kind: expected one of {', '.join(RULE_KINDS)}, got {kind!r}")
        if not name.strip():
            raise ValueError("name: a rule needs a name")
        rule_id = uuid.uuid4().hex[:12]
        with self._transaction() as con:
            self._execute(con, "INSERT INTO alert_rules VALUES (?, ?, ?, ?, ?, ?, ?, ?, TRUE)",
                          [rule_id, name.strip(), kind, json.dumps(dict(params), default=str),
                           webhook_url or None, email_to or None, utc_now(), who])
        return rule_id

    def remove_alert_rule(self, rule_id: str) -> bool:
        """Switch a rule off (its alerts stay); False if there is no such rule."""
        with self._transaction() as con:
            return self._execute(con, "UPDATE alert_rules SET active = FALSE WHERE rule_id = ? "
                                      "AND active", [rule_id]) > 0

    def query_alert_rules(self, active_only: bool = True) -> pd.DataFrame:
        """Saved rules, oldest first."""
        where = "active" if active_only else "TRUE"
        return self.query_sql(f"SELECT * FROM alert_rules WHERE {where} ORDER BY created_at, rule_id")

    def raise_alerts(self, rule: Mapping[str, Any], matches: Sequence[Mapping[str, Any]], *,
                     baseline: bool = False) -> list[str]:
        """Record matches (dicts with match_key, title, detail, event_id) of a rule; those seen
        before are skipped. Returns the ids of the alerts new here (none for a baseline, which
        only marks what already matched when the rule was saved)."""
        if not matches:
            return []
        new: list[str] = []
        channels = [(c, rule.get(f"{c}_url" if c == "webhook" else "email_to")) for c in CHANNELS]
        with self._transaction() as con:
            for match in matches:
                alert_id = uuid.uuid4().hex[:16]
                added = self._execute(
                    con, "INSERT INTO alerts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                         "ON CONFLICT (rule_id, match_key) DO NOTHING",
                    [alert_id, rule["rule_id"], str(match["match_key"]), match.get("event_id"),
                     match.get("title"), match.get("detail"), utc_now(),
                     utc_now() if baseline else None, baseline])
                if not added or baseline:
                    continue
                new.append(alert_id)
                for channel, target in channels:
                    if isinstance(target, str) and target:
                        self._execute(con, "INSERT INTO alert_deliveries VALUES (?, ?, ?, 'pending', "
                                           "0, NULL, NULL, NULL)", [alert_id, channel, target])
        return new

    def query_alerts(self, unread_only: bool = False, limit: int = 500) -> pd.DataFrame:
        """Alerts raised (baselines left out), newest first, with their rule's name and the
        state of their deliveries ('webhook: sent; email: failed (...)')."""
        where = "NOT a.baseline" + (" AND a.read_at IS NULL" if unread_only else "")
        alerts = self.query_sql(
            "SELECT a.alert_id, a.raised_at, r.name AS rule, r.kind, a.title, a.detail, a.event_id, "
            f"a.read_at, a.match_key FROM alerts a JOIN alert_rules r ON r.rule_id = a.rule_id WHERE {where} "
            "ORDER BY a.raised_at DESC, a.alert_id LIMIT ?", [int(limit)])
        deliveries = self.query_sql("SELECT alert_id, channel, status, last_error FROM alert_deliveries "
                                    "ORDER BY alert_id, channel")
        states: dict[str, list[str]] = {}
        for row in deliveries.itertuples():
            error = f" ({row.last_error})" if isinstance(row.last_error, str) and row.status != "sent" else ""
            states.setdefault(row.alert_id, []).append(f"{row.channel}: {row.status}{error}")
        alerts["delivery"] = ["; ".join(states.get(a, [])) for a in alerts["alert_id"]]
        return alerts

    def count_unread_alerts(self) -> int:
        """Alerts nobody has marked read (the sidebar's badge)."""
        return int(self.query_sql("SELECT count(*) AS n FROM alerts WHERE NOT baseline AND "
                                  "read_at IS NULL")["n"].iloc[0])

    def mark_alerts_read(self, alert_ids: Sequence[str] | None = None) -> int:
        """Mark these alerts (all when None) read; returns how many changed."""
        with self._transaction() as con:
            if alert_ids is None:
                return self._execute(con, "UPDATE alerts SET read_at = ? WHERE read_at IS NULL",
                                     [utc_now()])
            if not alert_ids:
                return 0
            marks = ", ".join("?" for _ in alert_ids)
            return self._execute(con, f"UPDATE alerts SET read_at = ? WHERE read_at IS NULL AND "
                                      f"alert_id IN ({marks})", [utc_now(), *alert_ids])

    def query_due_deliveries(self) -> pd.DataFrame:
        """Deliveries not sent yet whose next try has come, with their alert's text."""
        return self.query_sql(
            "SELECT d.alert_id, d.channel, d.target, d.attempts, a.title, a.detail, a.event_id, "
            "a.raised_at, r.name AS rule, r.kind FROM alert_deliveries d JOIN alerts a ON "
            "a.alert_id = d.alert_id JOIN alert_rules r ON r.rule_id = a.rule_id "
            "WHERE d.status <> 'sent' AND (d.next_try IS NULL OR d.next_try <= ?) "
            "ORDER BY a.raised_at, d.alert_id, d.channel", [utc_now()])

    def record_delivery(self, alert_id: str, channel: str, *, error: str | None,
                        next_try: Any = None) -> None:
        """Note one delivery attempt: sent (error None) or failed with its reason and next try."""
        with self._transaction() as con:
            if error is None:
                self._execute(con, "UPDATE alert_deliveries SET status = 'sent', attempts = attempts + 1, "
                                   "last_error = NULL, sent_at = ? WHERE alert_id = ? AND channel = ?",
                              [utc_now(), alert_id, channel])
            else:
                self._execute(con, "UPDATE alert_deliveries SET status = 'failed', attempts = attempts + 1, "
                                   "last_error = ?, next_try = ? WHERE alert_id = ? AND channel = ?",
                              [error, next_try, alert_id, channel])
