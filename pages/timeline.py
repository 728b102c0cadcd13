"""Timeline: the escalation index with key events, incidents over time, actor pairs, surges."""

from ui.navigation import require_app_navigation

require_app_navigation()  # before the imports below: see ui/navigation.py

import pandas as pd
import streamlit as st

from conflict_monitor.figures.common import chart_config, format_sources, make_caption
from conflict_monitor.figures.timeline import (
    make_escalation_figure,
    make_events_figure,
    make_pairs_figure,
    parse_selection,
)
from conflict_monitor.metrics import timeline as tm
from conflict_monitor.metrics.event_sql import NOT_RUNNING
from conflict_monitor.model.safety import escape_markdown
from ui.control import render_control_strip
from ui.filters import get_active_filter
from ui.loaders import get_data_version
from ui.metrics_loaders import (
    load_daily,
    load_key_events,
    load_pair_daily,
    load_period_samples,
    load_selected_events,
    load_sources,
)
from ui.shell import require_shell
from ui.tables import render_event_table, render_table

require_shell()
flt = get_active_filter()
version = get_data_version()

st.title("Timeline")
daily = load_daily(flt, version)
if daily.empty:
    st.info("No events match these filters. Widen the dates or clear a filter in the sidebar.")
    st.stop()
start = pd.Timestamp(flt.date_from) if flt.date_from else daily["day"].min()
end = pd.Timestamp(flt.date_to) if flt.date_to else daily["day"].max()
default_period = tm.choose_default_period(start, end)

left, middle, right = st.columns([2, 2, 1])
period = left.segmented_control("Period", tm.PERIODS, default=default_period, key="tl_period",
                                help=f"Default for this span: {default_period}") or default_period
stack_label = middle.segmented_control("Stack incidents by", list(tm.STACK_COLUMNS), default="action",
                                       key="tl_stack") or "action"
top_pairs = right.number_input("Actor pairs shown", min_value=2, max_value=12, value=6, key="tl_pairs")

sources = format_sources(load_sources(flt, version, NOT_RUNNING))
caption = make_caption(flt.describe(), sources)
index = tm.compute_escalation_index(daily, period, start, end)
per_day = tm.compute_daily_index(daily, start, end)
weekly = tm.compute_weekly_change(daily, start, end)
key_events = load_key_events(flt, version)
select = {"on_select": "rerun", "selection_mode": ("points", "box")}

st.subheader("Escalation index")
escalation = st.plotly_chart(
    make_escalation_figure(index, per_day, weekly, key_events,
                                  load_period_samples(flt, version, period), period, caption),
    key="tl_escalation", config=chart_config("escalation-index"), **select)
st.caption(escape_markdown(caption) + " Hover a bar for its gravest events and their evidence; drag a box over bars "
           "or markers to list their events below. The camera button saves a PNG.")
ultimatums = key_events[key_events["kind"] == "ultimatum"]
missing = ultimatums["deadline"].isna().sum()
if missing:
    st.caption(f"{missing} ultimatum(s) in view carry no recorded deadline, so no deadline marker "
               "is drawn for them.")

with st.expander("How the escalation index and the surge flags are computed", icon=":material/functions:"):
    st.markdown(
        "**Escalation index** (conflict intensity) of a period *P*, over the filtered incidents:")
    st.latex(r"I(P) \;=\; \sum_{i \,\in\, P,\; g_i < 0} \lvert g_i \rvert")
    st.markdown(
        "where *g<sub>i</sub>* is the Goldstein weight of incident *i*'s CAMEO code: Goldstein's "
        "conflict–cooperation scale (J. S. Goldstein, *A Conflict-Cooperation Scale for WEIS Events "
        "Data*, Journal of Conflict Resolution 36(2), 1992, pp. 369–385), from −10 (most conflictual) "
        "to +10 (most cooperative), as attached to CAMEO codes in GDELT's `GoldsteinScale` field. "
        "Only conflictual incidents (*g* < 0) count; cooperative ones (ceasefires, consultations) do "
        "not lower it. **Incidents, not reports:** reports of one incident (linked across articles "
        "and origins, see the Data page) count once, on the day of the earliest report in view and "
        "with the gravest weight any of them gives; an incident counts if any of its reports passes "
        "the filters. Running totals are left out (they are tallies over many days). The line is the "
        "trailing 7-day mean of the daily index "
        "(right axis, per day).\n\n"
        "**Large increases** follow ACLED's Conflict Change Map: a week (Monday–Sunday) is flagged when "
        "its index is more than 25 % above the mean of the four weeks before it. As ACLED does, a low "
        "baseline (at most 2 conflictual incidents a week on average before, and at most 5 this week) "
        "counts as limited change and is not flagged.", unsafe_allow_html=True)
    flagged = weekly[weekly["flagged"]]
    if len(flagged):
        render_table(flagged.assign(change=(flagged["change"] * 100).round()).rename(columns={
            "period": "Week of", "intensity": "Index", "baseline": "4-week mean before",
            "change": "Change %"}), column_config={
            "Week of": st.column_config.DateColumn(format="YYYY-MM-DD")})

st.subheader("Incidents over time")
counts = tm.compute_period_counts(daily, period, tm.STACK_COLUMNS[stack_label])
events_chart = st.plotly_chart(make_events_figure(counts, period, stack_label, caption),
                               key="tl_events", config=chart_config("events-over-time"), **select)
st.caption(escape_markdown(caption) + " Each incident counts once however many reports it has (hover a bar for "
           "the reports behind it). Running totals are not events of one day and are left out.")

picks, event_ids = parse_selection(escalation.selection, index["period"])
cells, _ = parse_selection(events_chart.selection, counts["period"].unique())
if picks or event_ids or cells:
    st.subheader("Selected events")
    parts = [load_selected_events(flt, version, period, tuple(picks), None, tuple(event_ids))]
    if cells:
        parts.append(load_selected_events(flt, version, period, tuple(cells),
                                          tm.STACK_COLUMNS[stack_label], ()))
    chosen = pd.concat(parts).drop_duplicates("event_id").sort_values("event_date")
    incidents = chosen["incident_id"].fillna(chosen["event_id"]).nunique()
    st.caption(f"{len(chosen):,} reports of {incidents:,} incidents (at most 500 reports per selection).")
    render_event_table(chosen, key="tl_selected")
else:
    st.caption("Drag a box over bars or markers on either chart to list their events here.")

st.subheader("Actor pairs")
pairs = tm.compute_pair_index(load_pair_daily(flt, version, int(top_pairs)), period, start, end)
st.plotly_chart(make_pairs_figure(pairs, period, caption), key="tl_pairs_chart",
                config=chart_config("escalation-by-actor-pair"))
st.caption(escape_markdown(caption) + " Pairs are unordered (A ↔ B: either acted on the other), ranked by their "
           "total index over the view; each panel has its own scale.")

render_control_strip(flt, version, caption)
