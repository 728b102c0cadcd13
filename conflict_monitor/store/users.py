"""Local accounts (name, role, scrypt hash) for sign-in without an organisation login.

Managed with `python -m conflict_monitor users add|list|remove`; the dashboard reads them when
the secrets say `[access] accounts = true`. The table is made on first use. Passwords are never
stored, only their salted scrypt hashes (conflict_monitor.access.passwords).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd

from conflict_monitor.access.roles import check_role
from conflict_monitor.store.base import EventStore
from conflict_monitor.store.side_tables import ensure_side_table

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_DDL = ("CREATE TABLE IF NOT EXISTS users (name VARCHAR PRIMARY KEY, role VARCHAR NOT NULL, "
        "password_hash VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL)")


class UserError(ValueError):
    """A bad account name or role, or an account that exists (or does not)."""


def _ensure_table(store: Any) -> None:
    ensure_side_table(store, "users", _DDL)


def check_user_name(name: str) -> str:
    """`name` if it is a usable account name; UserError saying what is allowed otherwise."""
    if not NAME_PATTERN.match(name or ""):
        raise UserError(f"Bad account name {name!r}: 1 to 64 letters, digits, '.', '_', '@' or '-', "
                        "starting with a letter or digit.")
    return name


def add_user(store: EventStore, name: str, role: str, password_hash: str, *, replace: bool = False) -> None:
    """Create an account (or, with replace, set its role and password)."""
    check_user_name(name)
    try:
        check_role(role)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    _ensure_table(store)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with store._connect() as con:
        exists = store._fetch(con, "SELECT count(*) FROM users WHERE name = ?", [name])[0][0]
        if exists and not replace:
            raise UserError(f"The account {name!r} exists; use --replace to set a new password or role.")
        store._execute(con, "INSERT INTO users (name, role, password_hash, created_at) VALUES "
                            "(?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET role = excluded.role, "
                            "password_hash = excluded.password_hash", [name, role, password_hash, now])


def remove_user(store: EventStore, name: str) -> bool:
    """Delete an account; False if there was none."""
    _ensure_table(store)
    with store._connect() as con:
        exists = store._fetch(con, "SELECT count(*) FROM users WHERE name = ?", [name])[0][0]
        if exists:
            store._execute(con, "DELETE FROM users WHERE name = ?", [name])
    return bool(exists)


def list_users(store: EventStore) -> pd.DataFrame:
    """Every account: name, role, created_at (never the hash)."""
    _ensure_table(store)
    return store.query_sql("SELECT name, role, created_at FROM users ORDER BY name")


def get_user(store: EventStore, name: str) -> tuple[str, str] | None:
    """(role, password hash) of an account, or None."""
    _ensure_table(store)
    with store._connect() as con:
        rows = store._fetch(con, "SELECT role, password_hash FROM users WHERE name = ?", [name])
    return (str(rows[0][0]), str(rows[0][1])) if rows else None


def count_users(store: EventStore) -> int:
    """How many accounts exist."""
    _ensure_table(store)
    with store._connect() as con:
        return int(store._fetch(con, "SELECT count(*) FROM users")[0][0])
