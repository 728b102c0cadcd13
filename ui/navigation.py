"""The app's page list, and leaving Streamlit's legacy pages/ mode.

Imports nothing but Streamlit: every page calls require_app_navigation() before its own
imports, so on a cold server the right page list replaces the legacy one at once.
"""

from __future__ import annotations

import streamlit as st
from streamlit import config as streamlit_config
from streamlit.runtime.pages_manager import PagesManager


def make_pages() -> list:
    """One st.Page per real page; each page file only lays out what the package computes.

    url_path is the file's stem, so a cold server's first deep link (which Streamlit resolves
    by file name before dashboard.py runs) lands on the same page.
    """
    return [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True,
                url_path="overview"),
        st.Page("pages/events.py", title="Events", icon=":material/table_rows:", url_path="events"),
        st.Page("pages/timeline.py", title="Timeline", icon=":material/timeline:",
                url_path="timeline"),
        st.Page("pages/casualties.py", title="Casualties", icon=":material/personal_injury:",
                url_path="casualties"),
        st.Page("pages/map.py", title="Map", icon=":material/map:", url_path="map"),
        st.Page("pages/add_articles.py", title="Add articles", icon=":material/post_add:",
                url_path="add_articles"),
        st.Page("pages/data.py", title="Data", icon=":material/upload_file:", url_path="data"),
        st.Page("pages/sources.py", title="Sources", icon=":material/rss_feed:", url_path="sources"),
        st.Page("pages/review.py", title="Review", icon=":material/fact_check:", url_path="review"),
        st.Page("pages/alerts.py", title="Alerts", icon=":material/notifications:", url_path="alerts"),
    ]


def leave_legacy_pages_mode() -> bool:
    """Switch a cold server from the legacy pages/ mode to st.navigation; True if it was on.

    A server whose entry script has a folder named pages/ beside it starts in the legacy mode:
    it sends a page list of file names, then runs the requested file alone (dashboard.py
    itself for "/"). Every later run of every session then goes through dashboard.py.

    .streamlit/config.toml sets client.showSidebarNavigation = false, so that legacy list is
    sent hidden and never drawn, however late our own list follows on a busy server; from here
    on the option is on, and the app's own list is shown in the sidebar.
    """
    if not PagesManager.uses_pages_directory:
        return False
    PagesManager.uses_pages_directory = False
    streamlit_config.set_option("client.showSidebarNavigation", True)
    return True


def require_app_navigation() -> None:
    """First call of every page and of dashboard.py: leave a cold server's legacy mode.

    The app's page list goes out at once, before any import of the data stack (pandas, DuckDB,
    plotly: about a second), then the run starts again through dashboard.py, so that widgets
    get the ids they will keep (a legacy run gives them others, and the first click is lost).
    """
    if leave_legacy_pages_mode():
        st.navigation(make_pages())
        st.rerun()
