"""Tables show blanks for missing values and the same capitalised headers on every page."""

from __future__ import annotations

import pandas as pd

from tests.conftest import run_dashboard
from ui.tables import COLUMN_LABELS, compute_display_frame, compute_label


def test_missing_text_is_blank_and_numbers_stay_missing():
    frame = pd.DataFrame({"actor2": ["Turkey", None], "fatalities": [3.0, None],
                          "source_url": [None, "https://example.org/a"]})
    shown = compute_display_frame(frame, frozenset({"source_url"}))
    assert shown["actor2"].tolist() == ["Turkey", ""]
    assert pd.isna(shown["fatalities"].iloc[1])       # the grid draws it empty, sorting still works
    assert pd.isna(shown["source_url"].iloc[0])       # a blank link would still draw its text
    assert pd.isna(frame["actor2"].iloc[1])           # the caller's frame is untouched


def test_headers_are_capitalised_the_same_everywhere():
    assert compute_label("actor1") == "Actor 1" and compute_label("event_date") == "Date"
    assert compute_label("victim_group") == "Victim group"
    assert all(label[:1].isupper() for label in COLUMN_LABELS.values())


def test_events_page_table_has_no_none_text():
    at = run_dashboard(page="pages/events.py")
    assert not at.exception
    frame = at.dataframe[0].value
    text_columns = [c for c in frame.columns
                    if pd.api.types.is_string_dtype(frame[c]) and c != "source_url"]
    assert text_columns and "actor2" in text_columns
    assert (frame["actor2"] == "").any()              # the shipped data has events with no target
    for column in text_columns:
        assert not frame[column].map(lambda v: v is None or str(v) in ("None", "nan")).any(), column


def test_days_are_told_from_times():
    from ui.tables import compute_is_day_column

    assert compute_is_day_column(pd.Series(pd.to_datetime(["2020-02-13", None])))
    assert not compute_is_day_column(pd.Series(pd.to_datetime(["2020-02-13 10:30"])))
    assert not compute_is_day_column(pd.Series(["2020-02-13"]))


def test_review_table_shows_days_and_blank_numbers(store_path):
    at = run_dashboard(page="pages/review.py")
    assert not at.exception
    table = at.dataframe[0]
    assert table.proto.HasField("placeholder") and table.proto.placeholder == ""  # blank, not "None"
    assert '"format": "YYYY-MM-DD"' in table.proto.columns or "YYYY-MM-DD" in table.proto.columns
