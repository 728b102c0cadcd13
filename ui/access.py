"""What the visitor may do here: read, write (add articles, import, review), administer.

Pages that write call require_write_access() first: a viewer, or anyone in read-only mode,
gets a notice instead of the page, whatever URL they typed. The navigation (ui/navigation.py)
also leaves those pages out of the list.
"""

from __future__ import annotations

import streamlit as st

from conflict_monitor.access.roles import compute_may_administer, compute_may_write
from ui.auth import get_current_user, load_access_config


def get_role() -> str | None:
    """The visitor's role, or None before sign-in."""
    user = get_current_user()
    return user["role"] if user else None


def may_write() -> bool:
    """Adding articles, importing, reviewing, rebuilding: editors and admins, not read-only."""
    return compute_may_write(get_role(), load_access_config())


def may_administer() -> bool:
    """The Audit page and other admin views."""
    return compute_may_administer(get_role())


def render_read_only_notice() -> None:
    """What a page that writes shows to someone who may not write, and why."""
    st.title("Not available")
    if load_access_config().read_only:
        st.info("This app is read-only: adding articles and importing data are turned off. "
                "Everything stored can still be browsed, filtered and exported.",
                icon=":material/lock:")
    else:
        st.info(f"Your role ({get_role() or 'none'}) may browse, filter and export, but not add "
                "articles or import data. Ask an admin for editor access.", icon=":material/lock:")


def render_write_limit_note(what: str) -> None:
    """A page that all may read says why its writing part (`what`) is not shown here."""
    if load_access_config().read_only:
        st.info(f"This app is read-only: {what} is turned off. What is stored is listed below.",
                icon=":material/lock:")
    else:
        st.info(f"Your role ({get_role() or 'none'}) may browse and export what is stored, listed "
                f"below; {what} is for editors.", icon=":material/lock:")


def render_admin_notice() -> None:
    """What an admin-only page shows to everyone else."""
    st.title("Not available")
    st.info("This page is for admins.", icon=":material/lock:")


def require_write_access() -> None:
    """First call after require_shell() in a page that writes: stop with a notice unless allowed."""
    if not may_write():
        render_read_only_notice()
        st.stop()


def require_admin() -> None:
    """First call after require_shell() in an admin page: stop with a notice unless an admin."""
    if not may_administer():
        render_admin_notice()
        st.stop()
