"""Data: what is stored (every role), and for editors the import of an ACLED, UCDP GED or GDELT 2.0
export (whole file or nothing)."""

from ui.navigation import require_app_navigation

require_app_navigation()  # before the imports below: see ui/navigation.py

import streamlit as st

from conflict_monitor.importers import origin_counts
from conflict_monitor.model.safety import compute_safe_url
from ui.access import may_write, render_write_limit_note
from ui.imports import render_import_form
from ui.loaders import get_store
from ui.shell import require_shell
from ui.tables import render_table

require_shell()
store = get_store()
max_bytes = int(st.get_option("server.maxUploadSize")) * 1024 * 1024

st.title("Data")
st.caption("Bring ACLED, UCDP GED or GDELT 2.0 exports in beside the extracted events. A file is "
           "imported whole or not at all, importing it again adds nothing (rows ACLED has revised "
           "since, by a newer timestamp, are updated), and reports of one incident are linked "
           "across origins. The sidebar filters do not apply here.")

if may_write():
    render_import_form(store, max_bytes)
else:  # viewers and read-only mode see what is stored, not the form
    render_write_limit_note("importing files")

st.subheader("Stored events by origin")
counts = origin_counts(store)
render_table(counts, column_config={
    "origin": "Origin", "events": st.column_config.NumberColumn("Reports", format="%d"),
    "incidents": st.column_config.NumberColumn("Incidents", format="%d",
                                               help="distinct incident ids: reports of one incident count once"),
    "first": st.column_config.DateColumn("First"), "last": st.column_config.DateColumn("Last")})

st.subheader("Stored articles")
articles = store.query_articles()
if articles.empty:
    st.info("No articles are stored yet.")
else:
    per_article = store.query_sql("SELECT article_id AS id, count(*) AS events FROM events "
                                  "WHERE article_id IS NOT NULL GROUP BY article_id")
    articles = articles.merge(per_article, on="id", how="left").fillna({"events": 0})
    articles["url"] = articles["url"].map(compute_safe_url)  # no javascript: links
    render_table(articles[["published", "title", "source", "dateline", "events", "url", "id"]],
                 column_config={
                     "published": st.column_config.DateColumn("Published"), "title": "Title",
                     "source": "Source", "dateline": "Dateline", "id": "Article id",
                     "url": st.column_config.LinkColumn("Link"),
                     "events": st.column_config.NumberColumn("Events", format="%d")})
