"""What every page needs before it draws: a working store and the shared sidebar filters.

dashboard.py runs the shell before st.navigation runs a page. A page may also be run on its
own: Streamlit treats a folder named pages/ as a legacy multipage app on a fresh server (and
in AppTest), and then runs the page script without the entry point. `require_shell()` at the
top of each page covers that case, so a shared link to /events works on a cold server too.
"""

from __future__ import annotations

import streamlit as st

from conflict_monitor.model.safety import escape_markdown
from conflict_monitor.store.audit import record_audit
from conflict_monitor.store.base import StoreBusyError, StoreConfigError, StoreError
from conflict_monitor.store.factory import rebuild_store
from ui.access import may_write
from ui.auth import get_actor_name, load_access_config, render_logout, require_login
from ui.filters import render_sidebar_filters
from ui.live import render_live_updates
from ui.loaders import clear_data_caches, forget_store, get_data_version, get_store, load_filter_options

SHELL_FLAG = "_shell_ran_this_run"
PROBLEM_KEY = "store_problem"


def render_store_problem() -> None:
    """Explain why the store cannot be used, and offer the way out."""
    exc = st.session_state.get(PROBLEM_KEY)
    st.title("The event store needs attention")
    st.error(f"The event store cannot be used.\n\n{escape_markdown(exc)}")
    if isinstance(exc, StoreConfigError):
        st.info("Fix or unset the CONFLICT_MONITOR_DB setting, then reload the page.")
        return
    if not may_write():
        st.info("Ask an editor or admin to rebuild it, or the operator to fix it.")
        return
    if st.button("Rebuild the store from the shipped data", type="primary"):
        forget_store()
        try:
            store, moved = rebuild_store()
            record_audit(store, get_actor_name(), "rebuild", store.location, store.count_events(),
                         f"old file kept as {moved}" if moved else None)
        except StoreError as again:
            st.error(escape_markdown(again))
            return
        clear_data_caches()
        st.session_state.pop(PROBLEM_KEY, None)
        st.success(f"Rebuilt. The old file was kept as {escape_markdown(moved)}." if moved else "Rebuilt.")
        st.rerun()


def render_shell() -> bool:
    """Open the store and draw the sidebar filters; False (with the problem shown) if the store fails."""
    try:
        store = get_store()
        options = load_filter_options(get_data_version())
    except StoreBusyError as exc:
        st.warning(str(exc))  # transient: another process is writing; nothing to rebuild
        st.button("Try again")
        st.stop()
    except StoreError as exc:
        forget_store()
        st.session_state[PROBLEM_KEY] = exc
        return False
    render_logout()
    if load_access_config().read_only:
        st.sidebar.caption(":material/lock: Read-only: nothing can be added here.")
    st.sidebar.caption(f"Store: `{store.location.rsplit('/', 1)[-1]}`")
    render_sidebar_filters(options)
    render_live_updates()
    return True


def mark_shell_ran() -> None:
    """Called by dashboard.py after render_shell, just before the page runs."""
    st.session_state[SHELL_FLAG] = True


def require_shell() -> None:
    """First call of every page: run the shell unless the entry point just did; stop on failure."""
    if st.session_state.pop(SHELL_FLAG, False):
        return
    if not require_login():
        st.stop()
    if not render_shell():
        render_store_problem()
        st.stop()
