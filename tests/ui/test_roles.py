"""Roles in the app (issue 18): a viewer sees no write control on any page and cannot reach one
by URL; an editor can, and what an editor stores is in the audit trail under their name;
read-only mode hides the writes from everyone; the sixth wrong password waits."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from conflict_monitor.access.passwords import hash_password
from conflict_monitor.store.audit import query_audit
from conflict_monitor.store.factory import open_store
from conflict_monitor.store.users import add_user
from ui import auth

DASHBOARD = str(Path(__file__).resolve().parents[2] / "dashboard.py")
ARTICLE = Path(__file__).resolve().parents[1] / "articles" / "wire_afp_taftanaz_2020-02-11.txt"
PAGES = ["overview", "events", "timeline", "casualties", "map", "add_articles", "data", "audit"]
WRITE_LABELS = ("Store", "Import", "Fetch", "Rebuild")
PASSWORDS = {"vera": "viewer pass 1", "eddie": "editor pass 1", "ada": "admin pass 1"}


@pytest.fixture
def accounts(seeded_store_file, tmp_path, monkeypatch):
    """A copy of the seeded store with a viewer, an editor and an admin account."""
    path = tmp_path / "store.duckdb"
    shutil.copy(seeded_store_file, path)
    monkeypatch.setenv("CONFLICT_MONITOR_DB", str(path))
    store = open_store(str(path), seed_if_new=False)
    for name, role in (("vera", "viewer"), ("eddie", "editor"), ("ada", "admin")):
        add_user(store, name, role, hash_password(PASSWORDS[name], n=2**10))
    store.close()
    auth.get_login_throttle.clear()  # no failures left over from another test
    return path


def _signed_in(name: str | None, secrets: dict | None = None) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.secrets["access"] = {"accounts": True, **(secrets or {})}
    at.run()
    if name:
        at.text_input[0].input(name)
        at.text_input[1].input(PASSWORDS[name])
        at.button[0].click().run()
        assert not at.exception, at.exception
    return at


def _write_controls(at: AppTest) -> list[str]:
    found = [b.label for b in at.button if b.label.startswith(WRITE_LABELS)]
    found += [f"text_area {t.key}" for t in at.text_area if t.key == "add_text"]
    found += [f"radio {r.key}" for r in at.radio if r.key == "add_kind"]
    found += [e.type for e in at.get("file_uploader")]
    return found


def _visit(at: AppTest, page: str) -> AppTest:
    """Open the page's URL path: the page file, or the notice standing at its address."""
    try:
        at.switch_page(f"pages/{page}.py")
    except ValueError:  # not in this visitor's list: only its url_path is registered
        at._page_hash = calc_hash(page)  # what a browser opening /<page> asks for (st.Page hashes url_path)
    at.run()
    assert not at.exception, at.exception
    return at


def test_sign_in_page_shows_nothing_else(accounts):
    at = _signed_in(None)
    assert [t.value for t in at.title] == ["Conflict monitor"]
    assert [t.label for t in at.text_input] == ["Name", "Password"]
    assert not at.metric and not at.dataframe


def test_a_viewer_sees_no_write_control_and_cannot_reach_one_by_url(accounts):
    at = _signed_in("vera")
    assert at.title[0].value == "Overview"
    for page in PAGES:
        _visit(at, page)
        assert _write_controls(at) == [], page
        if page == "add_articles":
            assert at.title[0].value == "Not available"
            assert "Your role (viewer)" in at.info[0].value
        if page == "data":  # what is stored, without the import form
            assert at.title[0].value == "Data" and "Your role (viewer)" in at.info[0].value
            assert len(at.dataframe) >= 1
        if page == "audit":
            assert "for admins" in at.info[0].value


def test_an_editor_can_write_and_the_audit_trail_names_them(accounts):
    at = _visit(_signed_in("eddie"), "add_articles")
    assert at.title[0].value == "Add articles" and "radio add_kind" in _write_controls(at)
    at.text_area(key="add_text").input(ARTICLE.read_text(encoding="utf-8")).run()
    at.button(key="add_store").click().run()
    assert not at.exception and "events added" in at.success[0].value
    added = int(at.success[0].value.split("Stored: ", 1)[1].split(" ", 1)[0])
    _visit(at, "data")
    assert at.title[0].value == "Data"
    _visit(at, "audit")
    assert at.title[0].value == "Not available"  # the trail is for admins
    store = open_store(str(accounts), seed_if_new=False)
    trail = query_audit(store)
    store.close()
    assert list(trail["who"]) == ["eddie"] and list(trail["action"]) == ["ingest"]
    assert trail["row_count"].iloc[0] == added > 0


def test_an_admin_reads_the_audit_trail(accounts):
    store = open_store(str(accounts), seed_if_new=False)
    from conflict_monitor.store.audit import record_audit

    record_audit(store, "eddie", "import", "acled.csv", 7)
    store.close()
    at = _visit(_signed_in("ada"), "audit")
    assert at.title[0].value == "Audit"
    table = at.dataframe[0].value
    assert list(table["who"]) == ["eddie"] and list(table["row_count"]) == [7]


def test_read_only_mode_hides_the_writes_from_everyone(accounts, monkeypatch):
    monkeypatch.setenv("CONFLICT_MONITOR_READ_ONLY", "1")
    at = _signed_in("ada")
    for page in PAGES:
        _visit(at, page)
        assert _write_controls(at) == [], page
        if page in ("add_articles", "data"):
            assert "This app is read-only" in at.info[0].value
    assert at.title[0].value == "Audit"  # reading the trail is still an admin's
    open_app = AppTest.from_file(DASHBOARD, default_timeout=120)
    open_app.secrets["access"] = {"read_only": True}  # the secrets' switch, with no sign-in
    open_app.run()
    _visit(open_app, "add_articles")
    assert "This app is read-only" in open_app.info[0].value and not _write_controls(open_app)


class FakeClock:
    def __init__(self) -> None:
        self.now = 50_000.0

    def __call__(self) -> float:
        return self.now


def test_the_sixth_wrong_password_waits_and_the_right_one_works_after(accounts, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="conflict_monitor.auth")
    clock = FakeClock()
    monkeypatch.setattr(auth.get_login_throttle(), "_clock", clock)  # the server's one throttle
    at = _signed_in(None)
    for _ in range(5):
        at.text_input[0].input("eddie")
        at.text_input[1].input("guess")
        at.button[0].click().run()
        assert at.error[0].value == "Wrong name or password."
    at.text_input[1].input(PASSWORDS["eddie"])  # right, but too soon
    at.button[0].click().run()
    assert at.error[0].value == "Too many failed attempts. Wait 2 s, then try again."
    assert [t.value for t in at.title] == ["Conflict monitor"]
    fresh = _signed_in(None)  # a new session does not reset the account's count
    fresh.text_input[0].input("eddie")
    fresh.text_input[1].input(PASSWORDS["eddie"])
    fresh.button[0].click().run()
    assert "Wait 2 s" in fresh.error[0].value
    clock.now += 2
    at.text_input[1].input(PASSWORDS["eddie"])
    at.button[0].click().run()
    assert not at.exception and at.title[0].value == "Overview"
    logged = [r.getMessage() for r in caplog.records if r.name == "conflict_monitor.auth"]
    assert sum("failed sign-in: account='eddie'" in m for m in logged) == 5
    assert any("signed in: account='eddie' role=editor" in m for m in logged)
    assert not any(PASSWORDS["eddie"] in m or "guess" in m for m in logged)


def test_an_organisation_sign_in_gets_its_role_from_the_e_mail_lists(accounts):
    def oidc_app(email: str) -> AppTest:
        at = AppTest.from_file(DASHBOARD, default_timeout=120)
        at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback",
                              "cookie_secret": "x" * 32, "client_id": "id", "client_secret": "s",
                              "server_metadata_url": "https://id.example.org/.well-known/openid-configuration"}
        at.secrets["access"] = {"admins": ["boss@example.org"], "editors": ["example.org"]}
        at.user = {"is_logged_in": True, "email": email}
        at.run()
        assert not at.exception, at.exception
        return at

    assert _visit(oidc_app("boss@example.org"), "audit").title[0].value == "Audit"
    editor = _visit(oidc_app("desk@example.org"), "add_articles")
    assert editor.title[0].value == "Add articles"
    assert _visit(editor, "audit").title[0].value == "Not available"
    outsider = _visit(oidc_app("someone@elsewhere.net"), "add_articles")
    assert "Your role (viewer)" in outsider.info[0].value and not _write_controls(outsider)
