"""Entry point: `streamlit run dashboard.py`. Page config, the shared filters, navigation."""

from __future__ import annotations

import streamlit as st

from ui.access import may_administer, may_write
from ui.auth import is_authorised, render_login
from ui.navigation import make_pages, make_sign_in_pages, require_app_navigation


def main() -> None:
    # A cold server runs this script as the default page of the legacy pages/ mode.
    require_app_navigation()
    st.set_page_config(page_title="Conflict monitor", page_icon="🌍", layout="wide")
    if not is_authorised():
        # Nothing else renders, and no data is read, before sign-in.
        st.navigation(make_sign_in_pages(render_login), position="hidden").run()
        return
    # The page list goes out first: opening the store (seconds on a first start) and importing
    # the data stack (pandas, DuckDB) come after it, so the sidebar is right from the first paint.
    # Only the pages this visitor may use are listed (ui/navigation.py).
    navigation = st.navigation(make_pages(may_write(), may_administer()))
    from ui.loaders import complete_first_start, start_page_memory  # noqa: PLC0415
    from ui.shell import mark_shell_ran, render_shell, render_store_problem  # noqa: PLC0415

    if render_shell():
        first_start_slot = st.empty()
        mark_shell_ran()
        navigation.run()
        start_page_memory()
        complete_first_start(first_start_slot)
    else:
        # No data page can work now: show only the explanation and the way out.
        render_store_problem()


main()
