"""Plotly builders: pure figures from small tables; escaping, deadline marker, captions, selection."""

import datetime as dt

import pandas as pd

from conflict_monitor.figures.casualties import make_claims_figure, make_cumulative_figure, make_totals_figure
from conflict_monitor.figures.common import EMPTY_TEXT, chart_config, format_sources, make_caption
from conflict_monitor.figures.timeline import (
    make_escalation_figure,
    make_events_figure,
    make_pairs_figure,
    parse_selection,
)
from conflict_monitor.metrics import casualties as cm
from conflict_monitor.metrics import timeline as tm

CAPTION = "Filters: no filters. Sources: AFP (manual, 3)."
EVENTS = pd.DataFrame([
    {"event_id": "k1", "event_date": dt.date(2020, 2, 27), "action": "kill", "goldstein": -10.0,
     "actor1": "Syrian government forces", "actor2": "Turkish forces", "fatalities": 34,
     "fatalities_high": 34, "incident_id": "b", "location": "Balyun", "event_type": "Battles",
     "evidence": "<script>alert(1)</script> 34 soldiers killed", "reported_by": "SOHR"},
    {"event_id": "k2", "event_date": dt.date(2020, 2, 27), "action": "kill", "goldstein": -10.0,
     "actor1": "Syrian government forces", "actor2": "Turkish forces", "fatalities": 33,
     "fatalities_high": 33, "incident_id": "b", "location": "Balyun", "event_type": "Battles",
     "evidence": "33 soldiers", "reported_by": "Hatay governor"},
    {"event_id": "u1", "event_date": dt.date(2020, 2, 13), "action": "ultimatum", "goldstein": -7.0,
     "actor1": "Turkey", "actor2": "Syrian government forces", "deadline": dt.date(2020, 2, 29),
     "event_type": "Strategic developments",
     "evidence": "Erdogan has now given Damascus until the end of the month"},
    {"event_id": "c1", "event_date": dt.date(2020, 3, 5), "action": "ceasefire", "goldstein": 9.0,
     "actor1": "Russia", "actor2": "Turkey", "event_type": "Strategic developments"},
])


def _escalation_figure():
    daily = tm.query_daily(EVENTS)
    return make_escalation_figure(
        tm.compute_escalation_index(daily, "week"), tm.compute_daily_index(daily),
        tm.compute_weekly_change(daily), tm.query_key_events(EVENTS),
        tm.query_period_samples(EVENTS, None, "week"), "week", CAPTION)


def test_escalation_figure_draws_the_deadline_marker_and_key_events():
    fig = _escalation_figure()
    names = [t.name for t in fig.data]
    assert {"Deadliest incidents", "Ultimatums", "Ultimatum deadlines", "Ceasefires"} <= set(names)
    deadline = fig.data[names.index("Ultimatum deadlines")]
    assert pd.Timestamp(deadline.x[0]) == pd.Timestamp("2020-02-29")
    assert any(s.type == "line" and str(s.x0).startswith("2020-02-29") for s in fig.layout.shapes)
    texts = [a.text for a in fig.layout.annotations]
    assert "deadline 2020-02-29" in texts
    assert any("33–34 killed" in t for t in texts)  # the incident's range, lowest to highest
    assert any("Sources: AFP" in t for t in texts)  # the caption travels inside the PNG


def test_hover_text_is_escaped_and_lists_evidence():
    fig = _escalation_figure()
    bars = fig.data[0]
    hover = " ".join(h for h in bars.hovertext if h)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hover and "<script>" not in hover
    assert "34 soldiers killed" in hover
    assert "%{hovertext}" in bars.hovertemplate


def test_events_figure_stacks_one_trace_per_category():
    counts = tm.compute_period_counts(tm.query_daily(EVENTS), "month", "action")
    fig = make_events_figure(counts, "month", "action", CAPTION)
    assert fig.layout.barmode == "stack"
    assert sorted(t.name for t in fig.data) == ["ceasefire", "kill", "ultimatum"]
    kill = next(t for t in fig.data if t.name == "kill")
    # two reports (SOHR 34, the governor 33) of one incident: one incident, two reports
    assert list(kill.y) == [1] and list(kill.customdata[0]) == ["cell", "2020-02-01", "kill", 2]
    assert "incidents" in kill.hovertemplate and "reports" in kill.hovertemplate


def test_selected_points_map_back_to_periods_and_events():
    points = [{"customdata": ["period", "2020-02-24"]}, {"customdata": ["event", "u1"]},
              {"customdata": ["cell", "2020-02-01", "kill"]}, {"x": 1}, {"customdata": ["event", "u1"]}]
    picks, ids = parse_selection({"points": points})
    assert picks == [("2020-02-24", None), ("2020-02-01", "kill")]
    assert ids == ["u1"]
    weeks = pd.to_datetime(["2020-02-03", "2020-02-10", "2020-02-17"])
    box = {"points": [], "box": [{"xref": "x", "yref": "y", "x": ["2020-02-05 00:05", "2020-02-14 03:58"],
                                  "y": [84.7, 6.2]}]}
    assert parse_selection(box, weeks) == ([("2020-02-10", None)], [])


def test_claims_figure_puts_each_source_side_by_side():
    summary = cm.query_casualty_summary(EVENTS)
    fig = make_claims_figure(summary.conflicts, CAPTION)
    dots = fig.data[-1]
    assert list(dots.text) == ["33", "34"]
    assert "Hatay governor: 33" in dots.hovertext[0] and "SOHR: 34" in dots.hovertext[1]


def test_cumulative_figure_keeps_running_totals_as_a_separate_series():
    cumulative = pd.DataFrame({"day": pd.to_datetime(["2020-02-03", "2020-02-27"]),
                               "low": [4, 37], "high": [8, 42]})
    running = pd.DataFrame({"event_date": pd.to_datetime(["2020-02-13"]), "low": [380], "high": [380],
                            "claimant": ["SOHR"], "fatalities_qualifier": ["at_least"],
                            "victims": ["civilians"], "evidence": ["more than 380 civilians since December"]})
    fig = make_cumulative_figure(cumulative, running, CAPTION)
    low, high, tally = fig.data
    assert list(low.y) == [4, 37] and list(high.y) == [8, 42]
    assert tally.name == "running totals as reported (not added)" and list(tally.y) == [380]


def test_totals_pairs_and_empty_figures():
    totals = pd.DataFrame({"dim": ["victim_group"], "label": ["soldiers"], "low": [33], "high": [34],
                           "incidents": [1], "reports": [2]})
    bar = make_totals_figure(totals, "victim_group", "victim group", CAPTION).data[0]
    assert list(bar.x) == [33] and list(bar.error_x.array) == [1]
    pairs = tm.compute_pair_index(tm.query_pair_daily(EVENTS), "week")
    fig = make_pairs_figure(pairs, "week", CAPTION)
    assert "Syrian government forces ↔ Turkish forces" in [a.text for a in fig.layout.annotations]
    empty = make_events_figure(pd.DataFrame(columns=["period", "category", "incidents"]),
                                      "week", "action", CAPTION)
    assert EMPTY_TEXT in [a.text for a in empty.layout.annotations]


def test_png_config_caption_and_sources():
    assert chart_config("escalation-index")["toImageButtonOptions"] == {
        "format": "png", "filename": "escalation-index", "scale": 2}
    sources = pd.DataFrame({"source": ["AFP", "Reference timeline"], "origin": ["manual", "reference"],
                            "n": [12, 47]})
    text = make_caption("actors: Turkey", format_sources(sources))
    assert text == "Filters: actors: Turkey. Sources: AFP (manual, 12), Reference timeline (reference, 47)."
