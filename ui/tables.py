"""Tables on every page: same headers, blanks for missing values, safe links, text shown as text."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from conflict_monitor.model.safety import compute_safe_url

TABLE_COLUMNS = ["event_date", "action", "actor1", "actor2", "location", "fatalities",
                 "fatalities_high", "victims", "reported_by", "source", "source_url", "evidence",
                 "origin", "event_type", "country", "date_precision", "incident_id", "event_id"]

# One header per store column wherever it is shown, capitalised the same way on every page.
COLUMN_LABELS = {
    "event_date": "Date", "date_precision": "Date precision", "action": "Action",
    "actor1": "Actor 1", "actor2": "Actor 2", "location": "Location", "country": "Country",
    "fatalities": "Deaths (low)", "fatalities_high": "Deaths (high)",
    "fatalities_qualifier": "Qualifier", "victims": "Victims", "reported_by": "Reported by",
    "source": "Source", "source_url": "Link", "evidence": "Evidence (sentence in the source)",
    "origin": "Origin", "event_type": "Event type", "incident_id": "Incident",
    "event_id": "Event ID", "confidence": "Confidence", "published": "Published", "title": "Title",
    "dateline": "Dateline", "url": "Link", "id": "Article ID", "events": "Events", "line": "Line",
    "problem": "Problem", "status_from": "From", "status": "Status", "date_approx": "Approx. day",
}


def compute_label(column: str) -> str:
    """The header for a column: the shared label, else the name in sentence case."""
    if column in COLUMN_LABELS:
        return COLUMN_LABELS[column]
    text = str(column).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def compute_is_day_column(values: pd.Series) -> bool:
    """True for timestamps that are all at midnight: days, shown without a time of day."""
    if not pd.api.types.is_datetime64_any_dtype(values):
        return False
    present = values.dropna()
    return not present.empty and bool((present == present.dt.normalize()).all())


def compute_display_frame(frame: pd.DataFrame, keep: frozenset[str] = frozenset()) -> pd.DataFrame:
    """A copy for display: missing text is blank (not "None"/"nan"); numbers and dates keep
    their missing marker, which the grid draws as an empty cell. Columns in `keep` (links,
    whose blank would still draw the link text) are left as they are."""
    shown = frame.copy()
    for column in shown.columns:
        if column in keep:
            continue
        if shown[column].dtype == object or pd.api.types.is_string_dtype(shown[column]):
            shown[column] = shown[column].astype(object).where(shown[column].notna(), "")
    return shown


def render_table(frame: pd.DataFrame, *, column_config: dict[str, Any] | None = None,
                 **kwargs: Any):
    """st.dataframe with blanks for missing text and the shared, capitalised headers.

    Columns named in column_config keep their own settings; a config without a label gets the
    shared one.
    """
    config: dict[str, Any] = {c: compute_label(c) for c in frame.columns}
    for column in frame.columns:
        if compute_is_day_column(frame[column]):
            config[column] = st.column_config.DateColumn(compute_label(column), format="YYYY-MM-DD")
    for column, setting in (column_config or {}).items():
        if isinstance(setting, dict) and not setting.get("label"):
            setting = {**setting, "label": compute_label(column)}
        config[column] = setting
    links = frozenset(c for c, setting in config.items() if isinstance(setting, dict)
                      and (setting.get("type_config") or {}).get("type") == "link")
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("placeholder", "")  # a missing number or date is a blank cell, not "None"
    return st.dataframe(compute_display_frame(frame, links), column_config=config, **kwargs)


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
        "evidence": st.column_config.TextColumn(COLUMN_LABELS["evidence"], width="large"),
        "fatalities": st.column_config.NumberColumn("Deaths (low)", format="%d"),
        "fatalities_high": st.column_config.NumberColumn("Deaths (high)", format="%d"),
    }
    kwargs = {"on_select": "rerun", "selection_mode": "multi-row"} if selectable else {}
    return render_table(compute_table_frame(events), key=key, height=height, column_config=config,
                        width="stretch", **kwargs)
