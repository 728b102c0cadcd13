"""Entry point: `streamlit run dashboard.py`. Page config, the shared filters, navigation."""

from __future__ import annotations

import streamlit as st

from conflict_monitor.store import StoreConfigError, StoreError, rebuild_store
from ui.filters import render_sidebar_filters
from ui.loaders import clear_data_caches, get_data_version, get_store, load_filter_options

# One entry per real page; each page file only lays out what the package computes.
PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True,
            url_path="overview"),
    st.Page("pages/events.py", title="Events", icon=":material/table_rows:", url_path="events"),
]


def render_store_problem(exc: StoreError) -> None:
    """Explain why the store cannot be used, and offer the way out."""
    st.error(f"The event store cannot be used.\n\n{exc}")
    if isinstance(exc, StoreConfigError):
        st.info("Fix or unset the CONFLICT_MONITOR_DB setting, then reload the page.")
        return
    if st.button("Rebuild the store from the shipped data", type="primary"):
        get_store.clear()
        try:
            _, moved = rebuild_store()
        except StoreError as again:
            st.error(str(again))
            return
        clear_data_caches()
        st.success(f"Rebuilt. The old file was kept as {moved}." if moved else "Rebuilt.")
        st.rerun()


def main() -> None:
    st.set_page_config(page_title="Conflict monitor", page_icon=":material/public:", layout="wide")
    navigation = st.navigation(PAGES)
    try:
        store = get_store()
        version = get_data_version()
        options = load_filter_options(version)
    except StoreError as exc:
        get_store.clear()
        render_store_problem(exc)
        return
    st.sidebar.caption(f"Store: `{store.location.rsplit('/', 1)[-1]}`")
    render_sidebar_filters(options)
    navigation.run()


main()
