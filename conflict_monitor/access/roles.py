"""Roles and what each may do, and the access settings read from the secrets and environment.

viewer reads, filters and exports; editor also adds articles, imports files and reviews; admin
also manages settings, feeds, users and reads the audit trail. Read-only mode (a public link)
takes every write away from everyone, whatever their role.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ROLES = ("viewer", "editor", "admin")
READ_ONLY_ENV = "CONFLICT_MONITOR_READ_ONLY"
_TRUE = {"1", "true", "yes", "on"}


class AccessConfigError(ValueError):
    """An access setting names something unknown; the message says which."""


def check_role(role: str) -> str:
    """`role` if it is one of ROLES; AccessConfigError naming the choices otherwise."""
    if role not in ROLES:
        raise AccessConfigError(f"Unknown role {role!r}: expected one of {', '.join(ROLES)}.")
    return role


def compute_role_rank(role: str | None) -> int:
    """0 for viewer, 1 editor, 2 admin; -1 for no role (not signed in)."""
    return ROLES.index(role) if role in ROLES else -1


def _flag(value: Any) -> bool:
    return value is True or str(value).strip().lower() in _TRUE


def _names(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else list(value)
    return tuple(str(v).strip().lower() for v in items if str(v).strip())


@dataclass(frozen=True)
class AccessConfig:
    """The `[access]` section of the secrets (see .streamlit/secrets.toml.example)."""

    read_only: bool = False
    accounts: bool = False  # sign-in with local accounts (python -m conflict_monitor users add)
    open_role: str = "editor"  # everyone, when no sign-in is configured at all (today's behaviour)
    password_role: str = "editor"  # whoever passes the shared password gate
    sign_in_role: str = "viewer"  # an organisation sign-in matching none of the lists below
    admins: tuple[str, ...] = ()  # e-mail addresses or domains (example.org)
    editors: tuple[str, ...] = ()
    viewers: tuple[str, ...] = ()

    def role_for_email(self, email: str | None) -> str:
        """The role of an organisation sign-in: the highest list naming its address or domain."""
        address = (email or "").strip().lower()
        domain = address.rsplit("@", 1)[-1] if "@" in address else ""
        for role, names in (("admin", self.admins), ("editor", self.editors), ("viewer", self.viewers)):
            if address and (address in names or domain in names):
                return role
        return self.sign_in_role


def compute_access_config(section: Mapping[str, Any] | None,
                          environ: Mapping[str, str] | None = None) -> AccessConfig:
    """AccessConfig from the secrets' [access] section; CONFLICT_MONITOR_READ_ONLY=1 also turns
    read-only mode on (it can only add the restriction, never lift it)."""
    section = dict(section or {})
    env = os.environ if environ is None else environ
    read_only = _flag(section.get("read_only", False)) or _flag(env.get(READ_ONLY_ENV, ""))
    roles = {key: check_role(str(section.get(key, default))) for key, default in
             (("open_role", "editor"), ("password_role", "editor"), ("sign_in_role", "viewer"))}
    return AccessConfig(read_only=read_only, accounts=_flag(section.get("accounts", False)),
                        admins=_names(section.get("admins")), editors=_names(section.get("editors")),
                        viewers=_names(section.get("viewers")), **roles)


def compute_may_write(role: str | None, config: AccessConfig) -> bool:
    """Adding articles, importing, reviewing: editors and admins, never in read-only mode."""
    return not config.read_only and compute_role_rank(role) >= compute_role_rank("editor")


def compute_may_administer(role: str | None) -> bool:
    """The audit trail, settings, feeds and users: admins (reading them stays possible in
    read-only mode; the writes among them follow compute_may_write as well)."""
    return role == "admin"
