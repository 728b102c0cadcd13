"""Optional access control: a shared password from secrets, and/or OpenID Connect via st.login.

Configure in .streamlit/secrets.toml (see secrets.toml.example):
- `password_sha256 = "<hex>"` (or `password = "…"`) turns on the password gate;
- an `[auth]` section (redirect_uri, cookie_secret, client_id, client_secret,
  server_metadata_url) turns on st.login. With both, either way in is accepted.
With neither, the app is open. When a gate is on, nothing else renders before login.
"""

from __future__ import annotations

import hashlib
import hmac

import streamlit as st

_SESSION_KEY = "auth_ok"


def _secret(name: str) -> object | None:
    try:
        return st.secrets.get(name)
    except FileNotFoundError:  # no secrets file at all: the app is open
        return None


def compute_password_ok(given: str, password: str | None, password_sha256: str | None) -> bool:
    """Constant-time check of a password against the configured one or its SHA-256."""
    if password_sha256:
        digest = hashlib.sha256(given.encode("utf-8")).hexdigest()
        return hmac.compare_digest(digest, password_sha256.strip().lower())
    if password:
        return hmac.compare_digest(given.encode("utf-8"), password.encode("utf-8"))
    return False


def _oidc_configured() -> bool:
    section = _secret("auth")
    return bool(section) and "redirect_uri" in section


def _oidc_logged_in() -> bool:
    return bool(getattr(st.user, "is_logged_in", False))


def is_authorised() -> bool:
    """True when no gate is configured, or the visitor has passed one."""
    oidc = _oidc_configured()
    if not (_secret("password") or _secret("password_sha256") or oidc):
        return True
    return bool(st.session_state.get(_SESSION_KEY)) or (oidc and _oidc_logged_in())


def render_login() -> None:
    """The sign-in page: an OIDC button and/or the password form."""
    password = _secret("password")
    password_sha256 = _secret("password_sha256")
    oidc = _oidc_configured()
    st.title("Conflict monitor")
    st.write("This dashboard is private. Sign in to continue.")
    if oidc:
        st.button("Sign in with your organisation", on_click=st.login, type="primary")
    if password or password_sha256:
        with st.form("password_gate"):
            given = st.text_input("Password", type="password")
            if st.form_submit_button("Enter"):
                if compute_password_ok(given, password and str(password),
                                       password_sha256 and str(password_sha256)):
                    st.session_state[_SESSION_KEY] = True
                    st.rerun()
                st.error("Wrong password.")


def require_login() -> bool:
    """True if the visitor may see the app; otherwise draws the sign-in page and returns False."""
    if is_authorised():
        return True
    render_login()
    return False


def render_logout() -> None:
    """A sign-out control in the sidebar when a gate is on."""
    if st.session_state.get(_SESSION_KEY):
        if st.sidebar.button("Sign out", icon=":material/logout:"):
            st.session_state.pop(_SESSION_KEY, None)
            st.rerun()
    elif _oidc_configured() and _oidc_logged_in():
        st.sidebar.button("Sign out", on_click=st.logout, icon=":material/logout:")
