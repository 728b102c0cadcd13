"""One event table used by every page: same columns, safe links, evidence shown as text."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from conflict_monitor.safety import compute_safe_url

TABLE_COLUMNS = ["event_date", "action", "actor1", "actor2", "location", "fatalities",
                 "fatalities_high", "victims", "reported_by", "source", "source_url", "evidence",
                 "origin", "event_type", "country", "date_precision", "incident_id", "event_id"]


def compute_table_frame(events: pd.DataFrame) -> pd.DataFrame:
    """Columns for display; links that are not plain http(s) are dropped."""
    frame = events[[c for c in TABLE_COLUMNS if c in events.columns]].copy()
    if "source_url" in frame:
        frame["source_url"] = frame["source_url"].map(compute_safe_url)
    return frame


def render_event_table(events: pd.DataFrame, *, key: str, height: int | str = "auto",
                       selectable: bool = False):
    """Draw a sortable event table. Text is shown as text (st.dataframe does not render HTML)."""
    config = {
        "event_date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
        "source_url": st.column_config.LinkColumn("Link", display_text="source ↗"),
        "evidence": st.column_config.TextColumn("Evidence (sentence in the source)", width="large"),
        "fatalities": st.column_config.NumberColumn("Deaths (low)", format="%d"),
        "fatalities_high": st.column_config.NumberColumn("Deaths (high)", format="%d"),
        "reported_by": "Reported by", "actor1": "Actor 1", "actor2": "Actor 2",
    }
    kwargs = {"on_select": "rerun", "selection_mode": "multi-row"} if selectable else {}
    return st.dataframe(compute_table_frame(events), key=key, hide_index=True, height=height,
                        column_config=config, width="stretch", **kwargs)
