"""Delivering alerts: a JSON POST to a webhook, a plain-text email over SMTP (issue 14).

Every delivery that is due is tried; a failure is recorded with its reason and tried again
after the poller's back-off (15 minutes doubled up to a day). The alert stays in the store
whatever happens to its deliveries. The SMTP server comes from CONFLICT_MONITOR_SMTP
(host:port, plain SMTP as to a local relay) and the sender from CONFLICT_MONITOR_MAIL_FROM.
"""

from __future__ import annotations

import json
import os
import smtplib
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from conflict_monitor.extract.fetch import MONITOR_USER_AGENT
from conflict_monitor.model.safety import compute_safe_url
from conflict_monitor.monitor.poller import compute_backoff
from conflict_monitor.store.feeds import utc_now

SMTP_ENV = "CONFLICT_MONITOR_SMTP"
MAIL_FROM_ENV = "CONFLICT_MONITOR_MAIL_FROM"
DEFAULT_MAIL_FROM = "conflict-monitor@localhost"
DELIVERY_TIMEOUT_S = 10.0


class DeliveryError(RuntimeError):
    """A delivery did not go through; the message says why."""


@dataclass
class DeliverySummary:
    sent: int = 0
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (alert, channel, reason)


def make_payload(row: dict[str, Any]) -> dict[str, Any]:
    """The JSON a webhook receives for one alert."""
    raised = row.get("raised_at")
    return {"alert_id": row["alert_id"], "rule": row["rule"], "kind": row["kind"],
            "title": row.get("title"), "detail": row.get("detail"), "event_id": row.get("event_id"),
            "raised_at": raised.isoformat() if hasattr(raised, "isoformat") else raised}


def send_webhook(url: str, payload: dict[str, Any], timeout: float = DELIVERY_TIMEOUT_S) -> None:
    """POST the payload as JSON; any answer but 2xx is a failure."""
    safe = compute_safe_url(url)
    if safe is None:
        raise DeliveryError(f"not an http(s) URL: {url!r}")
    request = urllib.request.Request(safe, data=json.dumps(payload).encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/json",
                                              "User-Agent": MONITOR_USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked
            status = response.status
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"the webhook answered HTTP {exc.code}") from exc
    except (OSError, ValueError) as exc:
        raise DeliveryError(f"the webhook could not be reached: {exc}") from exc
    if not 200 <= status < 300:
        raise DeliveryError(f"the webhook answered HTTP {status}")


def send_email(to: str, subject: str, body: str, *, server: str | None = None,
               sender: str | None = None, timeout: float = DELIVERY_TIMEOUT_S) -> None:
    """Send a plain-text email through the configured SMTP server."""
    server = server or os.environ.get(SMTP_ENV, "").strip()
    if not server:
        raise DeliveryError(f"no SMTP server is configured: set {SMTP_ENV}=host:port")
    host, _, port = server.rpartition(":")
    if not host or not port.isdigit():
        raise DeliveryError(f"{SMTP_ENV}: expected host:port, got {server!r}")
    message = EmailMessage()
    message["From"] = sender or os.environ.get(MAIL_FROM_ENV, "").strip() or DEFAULT_MAIL_FROM
    message["To"] = to
    message["Subject"] = subject.replace("\n", " ")[:200]
    message.set_content(body)
    try:
        with smtplib.SMTP(host, int(port), timeout=timeout) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"the email could not be sent via {server}: {exc}") from exc


def deliver_due(store: Any) -> DeliverySummary:
    """Try every delivery that is due; record each outcome in the store."""
    summary = DeliverySummary()
    for row in store.query_due_deliveries().to_dict("records"):
        try:
            if row["channel"] == "webhook":
                send_webhook(row["target"], make_payload(row))
            else:
                body = (f"{row.get('title')}\n\n{row.get('detail') or ''}\n\nRule: {row['rule']} "
                        f"({row['kind']})\nAlert: {row['alert_id']}\n")
                send_email(row["target"], f"[conflict monitor] {row.get('title')}", body)
        except DeliveryError as exc:
            summary.failed.append((row["alert_id"], row["channel"], str(exc)))
            store.record_delivery(row["alert_id"], row["channel"], error=str(exc),
                                  next_try=utc_now() + compute_backoff(int(row["attempts"]) + 1))
            continue
        summary.sent += 1
        store.record_delivery(row["alert_id"], row["channel"], error=None)
    return summary
