"""Access control: with a gate on, nothing renders before sign-in; with it off, the app is open."""

import hashlib
from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui.auth import compute_password_ok

DASHBOARD = str(Path(__file__).resolve().parents[2] / "dashboard.py")


def _app(secrets=None, page=None):
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    at.run()
    return at


def test_open_without_a_gate(store_path):
    at = _app()
    assert at.title[0].value == "Overview"
    assert not at.text_input


def test_password_gate_hides_everything_until_the_right_password(store_path):
    digest = hashlib.sha256(b"s3cret idlib").hexdigest()
    at = _app({"password_sha256": digest})
    assert [t.value for t in at.title] == ["Conflict monitor"]
    assert not at.metric and not at.dataframe and not at.sidebar.multiselect
    assert not store_path.exists()  # not even the store was opened
    at.text_input[0].input("wrong")
    at.button[0].click().run()
    assert "Wrong password." in [e.value for e in at.error]
    assert not at.metric
    at.text_input[0].input("s3cret idlib")
    at.button[0].click().run()
    assert not at.exception
    assert at.title[0].value == "Overview" and at.metric


def test_oidc_gate_offers_sign_in_and_shows_no_data(store_path):
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback",
                          "cookie_secret": "x" * 32, "client_id": "id", "client_secret": "s",
                          "server_metadata_url": "https://id.example.org/.well-known/openid-configuration"}
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert "Sign in with your organisation" in [b.label for b in at.button]
    assert not at.metric and not at.dataframe


def test_password_check():
    digest = hashlib.sha256(b"pw").hexdigest()
    assert compute_password_ok("pw", None, digest)
    assert not compute_password_ok("pW", None, digest)
    assert compute_password_ok("pw", "pw", None)
    assert not compute_password_ok("", None, None)


def test_shared_password_as_a_scrypt_hash_and_the_old_sha256_warns(store_path, caplog):
    from conflict_monitor.access.passwords import hash_password
    from ui.auth import get_login_throttle

    get_login_throttle.clear()
    at = _app({"password_hash": hash_password("s3cret idlib", n=2**10)})
    at.text_input[0].input("s3cret idlib")
    at.button[0].click().run()
    assert not at.exception and at.title[0].value == "Overview"
    assert compute_password_ok("pw", None, None, hash_password("pw", n=2**10))
    caplog.set_level("WARNING", logger="conflict_monitor.auth")
    old = _app({"password_sha256": hashlib.sha256(b"pw").hexdigest()})
    old.text_input[0].input("pw")
    old.button[0].click().run()
    assert old.title[0].value == "Overview"
    assert any("unsalted SHA-256" in r.getMessage() for r in caplog.records)
