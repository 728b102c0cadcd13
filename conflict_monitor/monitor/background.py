"""The poller as a background thread of the dashboard (issue 14), switched on by a setting.

The setting lives in the store (meta 'setting:background_poll_minutes'; 0 is off), so every
session and process sees the same one. The thread polls the feeds that are due, checks the
alert rules and delivers alerts, then sleeps; it never raises (a failure is printed and the
next round tries again), so one bad round cannot take the dashboard down.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
from typing import Any

from conflict_monitor.monitor.alerts import check_rules
from conflict_monitor.monitor.delivery import deliver_due
from conflict_monitor.monitor.poller import Poller

SETTING = "background_poll_minutes"
IDLE_CHECK_S = 30.0  # how often an idle (switched off) thread looks at the setting again


class BackgroundPoller:
    """One thread per store; start() is idempotent, stop() ends it."""

    def __init__(self, store: Any):
        self.store = store
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_round: str | None = None

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._thread = threading.Thread(target=self._run, name="feed poller", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def run_round(self, minutes: int) -> str:
        """One round: due feeds, alert rules, deliveries; returns its summary line."""
        summary = Poller(self.store, interval=dt.timedelta(minutes=minutes)).poll_all(only_due=True)
        raised = check_rules(self.store)
        delivered = deliver_due(self.store)
        return (f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC: {summary.describe()}; "
                f"{len(raised)} new alerts, {delivered.sent} delivered")

    def _run(self) -> None:
        while not self._stop.is_set():
            wait = IDLE_CHECK_S
            try:
                minutes = self.store.get_setting(SETTING)
                if minutes > 0:
                    self.last_round = self.run_round(minutes)
                    wait = min(IDLE_CHECK_S * 2, minutes * 60)
            except Exception as exc:  # noqa: BLE001 - the thread must outlive any one failure
                print(f"background poller: {type(exc).__name__}: {exc}", file=sys.stderr)
            self._stop.wait(wait)
