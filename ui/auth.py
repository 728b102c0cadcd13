"""Sign-in and who is signed in: local accounts, a shared password, OpenID Connect (st.login).

Configure in .streamlit/secrets.toml (see secrets.toml.example):
- `[access] accounts = true` turns on sign-in with local accounts, each with its role, made with
  `python -m conflict_monitor users add NAME --role ROLE` and kept (as scrypt hashes) in the store;
- `password_hash = "scrypt$…"` (from `python -m conflict_monitor users hash-password`) turns on
  one shared password; the older `password_sha256` and `password` still work, with a warning in
  the log: an unsalted SHA-256 is fast to crack if the secrets file leaks;
- an `[auth]` section (redirect_uri, cookie_secret, client_id, client_secret, server_metadata_url)
  turns on st.login; roles then come from the e-mail lists in `[access]`.
Any mix is accepted. With none, the app is open and everyone has `[access] open_role` (editor
unless set). When a gate is on, nothing else renders before sign-in.
Failed attempts are throttled per account and per session (conflict_monitor.access.throttle)
and every sign-in, good or bad, is logged (logger "conflict_monitor.auth"), never the password.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import uuid
from collections.abc import Mapping
from typing import Any

import streamlit as st

from conflict_monitor.access.passwords import hash_password, verify_password
from conflict_monitor.access.roles import AccessConfig, AccessConfigError, compute_access_config
from conflict_monitor.access.throttle import LoginThrottle
from conflict_monitor.model.safety import escape_markdown

USER_KEY = "auth_user"  # {"name", "role", "via"} once signed in
_SESSION_ID_KEY = "auth_session_id"
SHARED_NAME = "shared password"
LOG = logging.getLogger("conflict_monitor.auth")


def _secret(name: str) -> Any:
    try:
        return st.secrets.get(name)
    except FileNotFoundError:  # no secrets file at all: the app is open
        return None


def load_access_config() -> AccessConfig:
    """The [access] settings (read-only mode, roles) from the secrets and environment."""
    section = _secret("access")
    try:
        return compute_access_config(section if isinstance(section, Mapping) else None)
    except AccessConfigError as exc:  # a typo in the secrets must not open the app
        st.error(f"The \\[access\\] section of the secrets is wrong: {escape_markdown(exc)}")
        st.stop()
        raise  # st.stop() raises; this line only tells type checkers so


def compute_password_ok(given: str, password: str | None, password_sha256: str | None,
                        password_hash: str | None = None) -> bool:
    """Constant-time check of a password against the configured scrypt hash, SHA-256 or text."""
    if password_hash:
        return verify_password(given, password_hash)
    if password_sha256:
        digest = hashlib.sha256(given.encode("utf-8")).hexdigest()
        return hmac.compare_digest(digest, password_sha256.strip().lower())
    if password:
        return hmac.compare_digest(given.encode("utf-8"), password.encode("utf-8"))
    return False


def _shared_password() -> tuple[str | None, str | None, str | None]:
    values = (_secret("password"), _secret("password_sha256"), _secret("password_hash"))
    return tuple(str(v) if v else None for v in values)  # type: ignore[return-value]


def _oidc_configured() -> bool:
    section = _secret("auth")
    return bool(section) and "redirect_uri" in section


def _oidc_logged_in() -> bool:
    return bool(getattr(st.user, "is_logged_in", False))


def compute_gates(config: AccessConfig) -> tuple[bool, bool, bool]:
    """(shared password, OpenID Connect, local accounts): which ways in are configured."""
    return any(_shared_password()), _oidc_configured(), config.accounts


@st.cache_resource(show_spinner=False)
def get_login_throttle() -> LoginThrottle:
    """One throttle per server: failures count across every session."""
    return LoginThrottle()


@st.cache_resource(show_spinner=False)
def _decoy_hash() -> str:
    """A hash checked for unknown account names, so they take as long as known ones."""
    return hash_password(uuid.uuid4().hex)


def get_current_user() -> dict[str, str] | None:
    """{"name", "role", "via"} of the visitor, or None when a gate is on and not passed."""
    config = load_access_config()
    if not any(compute_gates(config)):
        return {"name": "anonymous", "role": config.open_role, "via": "open"}
    user = st.session_state.get(USER_KEY)
    if user:
        return user
    if _oidc_configured() and _oidc_logged_in():
        email = str(getattr(st.user, "email", "") or "")
        return {"name": email or "organisation sign-in", "role": config.role_for_email(email),
                "via": "oidc"}
    return None


def get_actor_name() -> str:
    """Who to write in the audit trail for this session."""
    user = get_current_user()
    return user["name"] if user else "anonymous"


def is_authorised() -> bool:
    """True when no gate is configured, or the visitor has passed one."""
    return get_current_user() is not None


def _session_id() -> str:
    if _SESSION_ID_KEY not in st.session_state:
        st.session_state[_SESSION_ID_KEY] = uuid.uuid4().hex[:12]
    return st.session_state[_SESSION_ID_KEY]


def _check_account(name: str, given: str) -> str | None:
    """The account's role if the password is right, else None."""
    from conflict_monitor.store.users import get_user  # noqa: PLC0415 - loads the store
    from ui.loaders import get_store  # noqa: PLC0415 - pandas and DuckDB only when needed

    found = get_user(get_store(), name)
    if found is None:
        verify_password(given, _decoy_hash())
        return None
    role, stored = found
    return role if verify_password(given, stored) else None


def attempt_sign_in(name: str, given: str, config: AccessConfig) -> str | None:
    """Check one attempt; on success store the user in the session and return None, otherwise
    return the message to show (wrong, or wait N s). Throttled per account and per session."""
    name = name.strip()
    use_account = bool(name) and config.accounts
    account = name if use_account else SHARED_NAME
    keys = (f"account:{account}", f"session:{_session_id()}")
    throttle = get_login_throttle()
    wait = throttle.wait_seconds(*keys)
    if wait > 0:
        LOG.warning("sign-in refused while throttled: account=%r session=%s wait=%.0fs",
                    account, keys[1], wait)
        return f"Too many failed attempts. Wait {math.ceil(wait)} s, then try again."
    role = None
    if use_account:
        from conflict_monitor.store.base import StoreError  # noqa: PLC0415 - light

        try:
            role = _check_account(name, given)
        except StoreError as exc:  # not counted as a failure: the visitor did nothing wrong
            LOG.error("sign-in impossible: the account store cannot be opened (%s)", exc)
            return f"Accounts cannot be checked now: the store cannot be opened ({escape_markdown(exc)})."
    elif any(_shared_password()):
        password, sha256, scrypt_hash = _shared_password()
        if compute_password_ok(given, password, sha256, scrypt_hash):
            role = config.password_role
            if not scrypt_hash:
                LOG.warning("the shared password is configured as plain text or an unsalted "
                            "SHA-256; replace it with password_hash (python -m conflict_monitor "
                            "users hash-password)")
    if role is None:
        throttle.record_failure(*keys)
        LOG.warning("failed sign-in: account=%r session=%s", account, keys[1])
        return "Wrong name or password." if config.accounts else "Wrong password."
    throttle.record_success(*keys)
    LOG.info("signed in: account=%r role=%s session=%s", account, role, keys[1])
    st.session_state[USER_KEY] = {"name": account, "role": role,
                                  "via": "account" if use_account else "password"}
    return None


def render_login() -> None:
    """The sign-in page: an OIDC button and/or the name-and-password form."""
    config = load_access_config()
    shared, oidc, accounts = compute_gates(config)
    st.title("Conflict monitor")
    st.write("This dashboard is private. Sign in to continue.")
    if oidc:
        st.button("Sign in with your organisation", on_click=st.login, type="primary")
    if shared or accounts:
        with st.form("password_gate"):
            help_text = "Leave empty to use the shared password." if shared else None
            name = st.text_input("Name", help=help_text) if accounts else ""
            given = st.text_input("Password", type="password")
            if st.form_submit_button("Enter"):
                problem = attempt_sign_in(name, given, config)
                if problem is None:
                    st.rerun()
                st.error(problem)


def require_login() -> bool:
    """True if the visitor may see the app; otherwise draws the sign-in page and returns False."""
    if is_authorised():
        return True
    render_login()
    return False


def render_logout() -> None:
    """Who is signed in, and a sign-out control, in the sidebar when a gate is on."""
    user = st.session_state.get(USER_KEY)
    if user:
        # st.text: an e-mail address or name is shown as typed, never read as Markdown.
        st.sidebar.text(f"Signed in as {user['name']} ({user['role']})")
        if st.sidebar.button("Sign out", icon=":material/logout:"):
            LOG.info("signed out: account=%r", user["name"])
            st.session_state.pop(USER_KEY, None)
            st.rerun()
    elif _oidc_configured() and _oidc_logged_in():
        current = get_current_user() or {}
        st.sidebar.text(f"Signed in as {current.get('name')} ({current.get('role')})")
        st.sidebar.button("Sign out", on_click=st.logout, icon=":material/logout:")
