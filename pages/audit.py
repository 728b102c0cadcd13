"""Audit: who wrote what to the store, when, and how many rows (admins only)."""

from ui.navigation import require_app_navigation

require_app_navigation()  # before the imports below: see ui/navigation.py

import streamlit as st

from conflict_monitor.store.audit import ACTIONS, query_audit
from ui.access import require_admin
from ui.loaders import get_store
from ui.shell import require_shell
from ui.tables import render_table

require_shell()
require_admin()  # everyone else gets a notice, whatever the URL

st.title("Audit")
st.caption("Every write to the store: articles added, files imported, reviews, feed and alert "
           "changes, rebuilds and account changes, with who made it (the account, the "
           "organisation e-mail, or the operating-system user for the command line). The sidebar "
           "filters do not apply here.")
left, middle, right = st.columns(3)
who = left.text_input("Who (exact)", key="audit_who").strip() or None
action = middle.selectbox("Action", ["all", *ACTIONS], key="audit_action")
since = right.date_input("Since", value=None, key="audit_since")
trail = query_audit(get_store(), who=who, action=None if action == "all" else action, since=since,
                    limit=1000)
if trail.empty:
    st.info("Nothing recorded for this choice.")
else:
    st.caption(f"The newest {len(trail)} records.")
    render_table(trail, column_config={
        "recorded_at": st.column_config.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm:ss"),
        "who": "Who", "action": "Action", "target": "What",
        "row_count": st.column_config.NumberColumn("Rows", format="%d"), "detail": "Detail"})
