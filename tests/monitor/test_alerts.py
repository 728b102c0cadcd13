"""Alert rules (issue 14): a new matching event raises one alert, once, and an old one none;
surges, ultimatums and site changes; webhook and SMTP delivery against local servers."""

from __future__ import annotations

import datetime as dt
import json
import socketserver
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import duckdb
import pytest

from conflict_monitor.importers import import_file
from conflict_monitor.monitor.alerts import check_rules, compute_rule_params, create_rule
from conflict_monitor.monitor.delivery import SMTP_ENV, deliver_due
from conflict_monitor.store.factory import open_store
from tests.conftest import serve_http
from tests.store.test_backends import store_location  # noqa: F401 - the fixture

SARAQIB = (35.8625, 36.8042)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _article(n: int, events: list[dict]) -> tuple[dict, list[dict]]:
    text = f"Report number {n}: " + " ".join(e["location"] for e in events)
    return {"id": f"art{n}", "text": text}, events


def _event(location: str, lat: float, lon: float, **changes) -> dict:
    row = {"origin": "extracted", "event_date": "2020-02-04", "action": "kill",
           "actor1": "Syrian government forces", "actor2": "civilians", "location": location,
           "latitude": lat, "longitude": lon, "fatalities": 5, "country": "SYR"}
    row.update(changes)
    return row


@pytest.fixture
def store(store_location: str):  # noqa: F811 - the imported fixture: DuckDB and PostgreSQL
    return open_store(store_location, seed_if_new=False)


def test_an_event_rule_fires_once_for_a_new_match_and_never_for_an_old_one(store):
    store.ingest_article(*_article(1, [_event("Saraqib", *SARAQIB)]))  # before the rule: old
    rule = create_rule(store, "Saraqib deaths", "event",
                       {"place_lat": SARAQIB[0], "place_lon": SARAQIB[1], "radius_km": 25,
                        "min_deaths": 3}, who="analyst")
    assert check_rules(store) == []

    store.ingest_article(*_article(2, [
        _event("Sarmin", 35.9, 36.72, fatalities=4),            # ~9 km away, 4 dead: a match
        _event("Sarmin", 35.9, 36.72, fatalities=1, action="attack"),  # too few deaths
        _event("Aleppo", 36.2, 37.16, fatalities=9),             # ~50 km away
    ]))
    raised = check_rules(store)
    assert len(raised) == 1
    assert check_rules(store) == []  # once
    alerts = store.query_alerts()
    assert list(alerts["rule"]) == ["Saraqib deaths"] and "Sarmin" in alerts["title"].iloc[0]
    assert store.count_unread_alerts() == 1
    store.mark_alerts_read(list(alerts["alert_id"]))
    assert store.count_unread_alerts() == 0
    assert rule in set(store.query_alert_rules()["rule_id"])


def test_an_event_rule_fires_for_rows_of_an_imported_file(store):
    """Not only extracted reports: rows of an ACLED file imported after the rule match too."""
    create_rule(store, "Idlib deaths", "event", {"country": "SYR", "min_deaths": 1}, who="analyst")
    assert check_rules(store) == []
    import_file(store, FIXTURES / "acled_sample.csv")
    expected = store.query_sql("SELECT event_id FROM events WHERE origin = 'acled' AND fatalities >= 1 "
                               "AND (country = 'SYR' OR actor1_country = 'SYR' OR actor2_country = 'SYR')")
    assert len(expected) > 0
    raised = check_rules(store)
    assert sorted(store.query_alerts()["event_id"]) == sorted(expected["event_id"])
    assert len(raised) == len(expected) and check_rules(store) == []


def test_an_older_store_gets_added_at_without_stamping_its_archive(tmp_path):
    """A store made before events.added_at: its rows stay NULL (archive), new rows are stamped."""
    path = tmp_path / "old.duckdb"
    store = open_store(str(path), seed_if_new=False)
    store.ingest_article(*_article(1, [_event("Saraqib", *SARAQIB)]))
    store.close()
    with duckdb.connect(str(path)) as con:
        con.execute("ALTER TABLE events DROP COLUMN added_at")
    store = open_store(str(path), seed_if_new=False)
    create_rule(store, "all deaths", "event", {"min_deaths": 1}, who="analyst")
    assert store.query_sql("SELECT count(*) AS n FROM events WHERE added_at IS NULL")["n"].iloc[0] == 1
    store.ingest_article(*_article(2, [_event("Sarmin", 35.9, 36.72)]))
    check_rules(store)
    assert [t.split(" at ")[-1] for t in store.query_alerts()["title"]] == ["Sarmin"]


def test_rule_parameters_are_checked():
    with pytest.raises(ValueError, match="place_lat, place_lon and radius_km"):
        compute_rule_params("event", {"place_lat": 1})
    with pytest.raises(ValueError, match="action"):
        compute_rule_params("event", {"action": "bomb"})
    with pytest.raises(ValueError, match="days"):
        compute_rule_params("ultimatum", {})
    with pytest.raises(ValueError, match="at least one condition"):
        compute_rule_params("event", {"actor": ""})
    assert compute_rule_params("event", {"min_deaths": "3", "actor": "X"}) == {"min_deaths": 3, "actor": "X"}


def test_ultimatum_and_site_rules(store):
    today = dt.date(2020, 2, 1)
    store.upsert_events([{"origin": "manual", "event_date": "2020-01-30", "action": "ultimatum",
                          "actor1": "Turkey", "actor2": "Syrian government forces",
                          "deadline": "2020-02-29"}])
    create_rule(store, "ultimatums", "ultimatum", {"days": 30}, who="a", today=today)
    create_rule(store, "posts", "site", {}, who="a", today=today)
    store.upsert_events([{"origin": "manual", "event_date": "2020-01-31", "action": "ultimatum",
                          "actor1": "Russia", "deadline": "2020-02-10"},
                         {"origin": "manual", "event_date": "2020-01-31", "action": "ultimatum",
                          "actor1": "Iran", "deadline": "2020-06-10"}])  # too far ahead
    store.upsert_sites([{"site_id": "op-9", "name": "Post 9"}],
                       [{"site_id": "op-9", "status": "encircled", "status_from": "2020-02-02"}])
    raised = check_rules(store, today=today)
    titles = sorted(store.query_alerts()["title"])
    assert len(raised) == 2
    assert titles == ["Post 9: encircled from 2020-02-02", "Ultimatum by Russia runs out on 2020-02-10"]
    assert check_rules(store, today=today) == []


def test_a_weekly_surge_raises_one_alert(store):
    def week(start: dt.date, count: int) -> list[dict]:
        return [{"origin": "manual", "event_date": (start + dt.timedelta(days=i % 7)).isoformat(),
                 "action": "attack", "actor1": f"group {i}", "location": f"village {start} {i}",
                 "goldstein": -10} for i in range(count)]
    monday = dt.date(2020, 1, 6)
    for n in range(4):
        store.upsert_events(week(monday + dt.timedelta(weeks=n), 4))
    create_rule(store, "surge", "surge", {}, who="a")
    assert check_rules(store) == []
    store.upsert_events(week(monday + dt.timedelta(weeks=4), 12))
    raised = check_rules(store)
    assert len(raised) == 1
    assert store.query_alerts()["title"].iloc[0] == "Weekly surge: week of 2020-02-03"


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for smtplib: greeting, EHLO, MAIL, RCPT, DATA, QUIT."""

    def handle(self) -> None:
        self.wfile.write(b"220 localhost test SMTP\r\n")
        while line := self.rfile.readline():
            verb = line.split(b" ", 1)[0].strip().upper()
            if verb == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                data = []
                while (part := self.rfile.readline()) not in (b".\r\n", b""):
                    data.append(part)
                self.server.messages.append(b"".join(data).decode("utf-8"))
                self.wfile.write(b"250 stored\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server() -> Iterator[socketserver.ThreadingTCPServer]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.daemon_threads = True
    server.messages = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def webhook() -> Iterator[tuple[str, list, list]]:
    """A local webhook: answers with the next status of `statuses` (then 200), keeps bodies."""
    received: list = []
    statuses: list = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status = statuses.pop(0) if statuses else 200
            if status == 200:
                received.append((self.headers["Content-Type"], json.loads(body)))
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    with serve_http(Handler) as url:
        yield f"{url}/hook", received, statuses


def test_webhook_and_email_delivery_with_a_failure_retried(store, webhook, smtp_server, monkeypatch):
    url, received, statuses = webhook
    monkeypatch.setenv("CONFLICT_MONITOR_ALLOW_PRIVATE_FETCH", "1")
    monkeypatch.setenv(SMTP_ENV, f"127.0.0.1:{smtp_server.server_address[1]}")
    create_rule(store, "deaths", "event", {"min_deaths": 1}, who="a", webhook_url=url,
                email_to="analyst@example.org")
    store.ingest_article(*_article(3, [_event("Saraqib", *SARAQIB)]))
    [alert_id] = check_rules(store)
    statuses.append(500)  # the webhook fails once

    first = deliver_due(store)
    assert first.sent == 1 and [f[1] for f in first.failed] == ["webhook"]
    assert "HTTP 500" in first.failed[0][2]
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert "To: analyst@example.org" in message and "Saraqib" in message
    shown = store.query_alerts().set_index("alert_id").loc[alert_id, "delivery"]
    assert "webhook: failed (the webhook answered HTTP 500)" in shown and "email: sent" in shown

    assert deliver_due(store).sent == 0  # not before its back-off is over
    with store._transaction() as con:  # as if the 15 minutes had gone by
        store._execute(con, "UPDATE alert_deliveries SET next_try = ?", [dt.datetime(2000, 1, 1)])
    again = deliver_due(store)
    assert again.sent == 1 and not again.failed
    assert received[0][0] == "application/json" and received[0][1]["alert_id"] == alert_id
    assert len(smtp_server.messages) == 1  # the email went once
    assert store.count_unread_alerts() == 1  # the alert itself was never in question


def test_an_unconfigured_smtp_server_is_a_failure_with_its_reason(store, monkeypatch):
    monkeypatch.delenv(SMTP_ENV, raising=False)
    create_rule(store, "deaths", "event", {"min_deaths": 1}, who="a", email_to="a@example.org")
    store.ingest_article(*_article(4, [_event("Saraqib", *SARAQIB)]))
    check_rules(store)
    result = deliver_due(store)
    assert result.sent == 0 and SMTP_ENV in result.failed[0][2]
    assert len(store.query_alerts()) == 1
