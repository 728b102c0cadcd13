"""The Data page's import form: upload, recognise, import whole or with bad rows skipped, and
the last import's outcome (editors and admins only; pages/data.py decides who sees it)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from conflict_monitor.importers import FORMATS, LABELS, ImportRejected, detect_file, import_upload
from conflict_monitor.model.safety import escape_markdown
from conflict_monitor.store.audit import record_audit
from conflict_monitor.store.base import EventStore
from ui.auth import get_actor_name
from ui.loaders import clear_data_caches
from ui.tables import render_table


def render_import_form(store: EventStore, max_bytes: int) -> None:
    """The upload, its format, the Import button, and what the previous import did."""
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
