"""The app's page list, and leaving Streamlit's legacy pages/ mode.

Imports nothing but Streamlit and the light sign-in helpers: every page calls
require_app_navigation() before its own imports, so on a cold server a page list replaces the
legacy one at once (the same list dashboard.py sends: the pages this visitor may use).
"""

from __future__ import annotations

import streamlit as st
from streamlit import config as streamlit_config
from streamlit.runtime.pages_manager import PagesManager

# Every page's address (its file's stem), signed in or not.
# Every page once: (file, title, icon, who may use it: "all", "write" or "admin").
PAGE_SPECS: tuple[tuple[str, str, str, str], ...] = (
    ("pages/overview.py", "Overview", ":material/dashboard:", "all"),
    ("pages/events.py", "Events", ":material/table_rows:", "all"),
    ("pages/timeline.py", "Timeline", ":material/timeline:", "all"),
    ("pages/casualties.py", "Casualties", ":material/personal_injury:", "all"),
    ("pages/map.py", "Map", ":material/map:", "all"),
    ("pages/add_articles.py", "Add articles", ":material/post_add:", "write"),
    ("pages/data.py", "Data", ":material/upload_file:", "all"),  # the import form inside is for writers
    ("pages/audit.py", "Audit", ":material/history:", "admin"),
    ("pages/sources.py", "Sources", ":material/rss_feed:", "write"),
    ("pages/review.py", "Review", ":material/fact_check:", "write"),
    ("pages/alerts.py", "Alerts", ":material/notifications:", "all"),
)
URL_PATHS = tuple(path.rsplit("/", 1)[-1].removesuffix(".py") for path, *_ in PAGE_SPECS)


def make_pages(may_write: bool = False, may_administer: bool = False) -> list:
    """One st.Page per real page; each page file only lays out what the package computes.

    url_path is the file's stem, so a cold server's first deep link (which Streamlit resolves
    by file name before dashboard.py runs) lands on the same page. Pages the visitor may not use
    (Add articles and Data without write access, Audit for all but admins) are left out of the
    list: their URLs lead to a hidden page that says why, and the page file never runs.
    """
    from ui.access import render_admin_notice, render_read_only_notice  # noqa: PLC0415 - light

    def page(path: str, title: str, icon: str, allowed: bool = True, notice=None, **kw) -> st.Page:
        stem = path.rsplit("/", 1)[-1].removesuffix(".py")
        if allowed:
            return st.Page(path, title=title, icon=icon, url_path=stem, **kw)
        return st.Page(notice, title=title, icon=icon, url_path=stem, visibility="hidden")

    rules = {"all": (True, None), "write": (may_write, render_read_only_notice),
             "admin": (may_administer, render_admin_notice)}
    return [page(path, title, icon, *rules[access], **({"default": True} if i == 0 else {}))
            for i, (path, title, icon, access) in enumerate(PAGE_SPECS)]


def make_sign_in_pages(render_login) -> list:
    """The sign-in page at every page's address, so a shared link to /events signs in right
    there (and then shows that page) instead of Streamlit's "page not found"."""
    pages = [st.Page(render_login, title="Sign in", url_path="signin", default=True)]
    return pages + [st.Page(render_login, title="Sign in", url_path=path, visibility="hidden")
                    for path in URL_PATHS]


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
        from ui.access import may_administer, may_write  # noqa: PLC0415 - light: secrets, session

        st.navigation(make_pages(may_write(), may_administer()))  # the list dashboard.py will send
        st.rerun()
