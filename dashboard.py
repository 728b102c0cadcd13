"""Entry point: `streamlit run dashboard.py`. Page config, the shared filters, navigation."""

from __future__ import annotations

import streamlit as st

from ui.auth import is_authorised, render_login
from ui.shell import mark_shell_ran, render_shell, render_store_problem

# One entry per real page; each page file only lays out what the package computes.
# url_path is the file's stem, so a cold server's first deep link (which Streamlit resolves by
# file name before dashboard.py runs) lands on the same page.
PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True,
            url_path="overview"),
    st.Page("pages/events.py", title="Events", icon=":material/table_rows:", url_path="events"),
    st.Page("pages/timeline.py", title="Timeline", icon=":material/timeline:", url_path="timeline"),
    st.Page("pages/casualties.py", title="Casualties", icon=":material/personal_injury:",
            url_path="casualties"),
    st.Page("pages/map.py", title="Map", icon=":material/map:", url_path="map"),
    st.Page("pages/add_articles.py", title="Add articles", icon=":material/post_add:",
            url_path="add_articles"),
    st.Page("pages/data.py", title="Data", icon=":material/upload_file:", url_path="data"),
]


def main() -> None:
    st.set_page_config(page_title="Conflict monitor", page_icon=":material/public:", layout="wide")
    if not is_authorised():
        # Nothing else renders, and no data is read, before sign-in.
        st.navigation([st.Page(render_login, title="Sign in", url_path="signin")],
                      position="hidden").run()
        return
    if render_shell():
        navigation = st.navigation(PAGES)
        mark_shell_ran()
        navigation.run()
    else:
        # No data page can work now: show only the explanation and the way out.
        st.navigation([st.Page(render_store_problem, title="Store problem", url_path="problem")]).run()


main()
