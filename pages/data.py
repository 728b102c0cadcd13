"""Data: import an ACLED, UCDP GED or GDELT 2.0 export (whole file or nothing); what is stored."""

from ui.navigation import require_app_navigation

require_app_navigation()  # before the imports below: see ui/navigation.py

import pandas as pd
import streamlit as st

from conflict_monitor.importers import FORMATS, LABELS, ImportRejected, detect_file, import_upload, origin_counts
from conflict_monitor.model.safety import compute_safe_url, escape_markdown
from conflict_monitor.store.audit import record_audit
from ui.access import require_write_access
from ui.auth import get_actor_name
from ui.loaders import clear_data_caches, get_store
from ui.shell import require_shell
from ui.tables import render_table

require_shell()
require_write_access()  # viewers and read-only mode get a notice, whatever the URL
store = get_store()
max_bytes = int(st.get_option("server.maxUploadSize")) * 1024 * 1024

st.title("Data")
st.caption("Bring ACLED, UCDP GED or GDELT 2.0 exports in beside the extracted events. A file is "
           "imported whole or not at all, importing it again adds nothing (rows ACLED has revised "
           "since, by a newer timestamp, are updated), and reports of one incident are linked "
           "across origins. The sidebar filters do not apply here.")

last = st.session_state.pop("data_last_import", None)
if last:
    st.success(escape_markdown(last["summary"]), icon=":material/check_circle:")
    if last["skipped"]:
        st.warning(f"{len(last['skipped'])} bad rows were left out:")
        render_table(pd.DataFrame(last["skipped"], columns=["line", "problem"]),
                     height=min(400, 40 + 35 * len(last["skipped"])))

upload = st.file_uploader("Export file (CSV, or tab-separated for GDELT)", type=["csv", "tsv", "txt"],
                          key="data_upload",
                          help="ACLED export (current 31 columns or older), UCDP GED CSV, or a GDELT "
                               "2.0 *.export.CSV file (unzipped).")
if upload is not None:
    try:
        st.caption(f"Recognised as **{escape_markdown(detect_file(upload).layout)}**.")
    except ImportRejected as exc:
        st.warning(f"Not recognised: {escape_markdown(exc)}")
    left, right = st.columns(2)
    choice = left.selectbox("Format", ["auto", *FORMATS], key="data_format",
                            format_func=lambda f: "Recognise from the file" if f == "auto" else LABELS[f])
    skip = right.checkbox("Skip bad rows", key="data_skip",
                          help="Import the valid rows and list the bad ones. Without it, one bad "
                               "row refuses the whole file.")
    if st.button("Import", type="primary", icon=":material/upload_file:", key="data_import"):
        bar = st.progress(0.0, text="Reading the file…")

        def progress(stage: str, share: float) -> None:
            bar.progress(min(1.0, share), text=stage)

        result, error = import_upload(store, upload, None if choice == "auto" else choice, skip,
                                      progress, max_bytes)
        bar.empty()
        if error:
            note = "" if "nothing was imported" in error.lower() else " Nothing was imported."
            st.error(escape_markdown(f"{error}{note}"), icon=":material/error:")
        else:
            record_audit(store, get_actor_name(), "import", upload.name, result.added,
                         result.summary())
            clear_data_caches()
            st.session_state["data_last_import"] = {"summary": result.summary(),
                                                    "skipped": result.skipped}
            st.rerun()

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
