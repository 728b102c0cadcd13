"""Entry point: `streamlit run dashboard.py`. Page config, the shared filters, navigation."""

from __future__ import annotations

import streamlit as st

from ui.shell import mark_shell_ran, render_shell, render_store_problem

# One entry per real page; each page file only lays out what the package computes.
PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True,
            url_path="overview"),
    st.Page("pages/events.py", title="Events", icon=":material/table_rows:", url_path="events"),
]


def main() -> None:
    st.set_page_config(page_title="Conflict monitor", page_icon=":material/public:", layout="wide")
    if render_shell():
        navigation = st.navigation(PAGES)
        mark_shell_ran()
        navigation.run()
    else:
        # No data page can work now: show only the explanation and the way out.
        st.navigation([st.Page(render_store_problem, title="Store problem", url_path="problem")]).run()


main()
