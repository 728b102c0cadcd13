"""Casualties: death tolls as ranges, conflicting claims side by side, running totals apart."""

from ui.navigation import require_app_navigation

require_app_navigation()  # before the imports below: see ui/navigation.py

import streamlit as st

from conflict_monitor.exporters.tables import make_csv_text
from conflict_monitor.figures.casualties import make_claims_figure, make_cumulative_figure, make_totals_figure
from conflict_monitor.figures.common import chart_config, format_sources, make_caption
from conflict_monitor.metrics import casualties as cm
from conflict_monitor.model.safety import escape_markdown
from ui.filters import get_active_filter
from ui.loaders import get_data_version, get_store
from ui.metrics_loaders import load_casualty_reports, load_casualty_summary, load_sources
from ui.shell import require_shell
from ui.tables import render_event_table, render_table

require_shell()
flt = get_active_filter()
version = get_data_version()

st.title("Casualties")
summary = load_casualty_summary(flt, version)
overall = summary.totals[summary.totals["dim"] == "all"]
sources = format_sources(load_sources(flt, version, "fatalities IS NOT NULL"))
caption = make_caption(flt.describe(), sources)
st.caption(escape_markdown(caption))
if overall.empty and summary.running.empty:
    st.info("No reports of deaths match these filters. Widen the dates or clear a filter in the sidebar.")
    st.stop()

RULE = ("Reports of one incident (same incident, same victims) are grouped; each incident counts "
        "with its **lowest** reported figure, as ACLED does, and the **highest** report gives the top "
        "of the range. Running totals are never added.")
low, high = (int(overall["low"].iloc[0]), int(overall["high"].iloc[0])) if len(overall) else (0, 0)
cols = st.columns(3)
cols[0].metric("Deaths in incidents", f"{low:,}–{high:,}" if high != low else f"{low:,}", help=RULE)
cols[1].metric("Incidents with deaths", f"{int(overall['incidents'].sum()):,}",
               help=f"from {int(overall['reports'].sum()):,} reports")
cols[2].metric("Running totals (not added)", f"{len(summary.running):,}")
st.markdown(RULE)
for note in summary.notes:
    st.caption(escape_markdown(note))

st.subheader("Totals")
dims = {"victim_group": "victim group", "actor1": "actor responsible", "nationality": "nationality",
        "claimant": "reporting source"}
tabs = st.tabs([label.capitalize() for label in dims.values()])
for tab, (dim, label) in zip(tabs, dims.items(), strict=False):
    with tab:
        st.plotly_chart(make_totals_figure(summary.totals, dim, label, caption),
                        key=f"cas_totals_{dim}", config=chart_config(f"deaths-by-{dim}"))
        render_table(cm.compute_totals_table(summary.totals, dim), width="stretch")
        if dim == "victim_group":
            st.caption("Mixed: a dataset row whose dead were of several groups (UCDP GED splits its "
                       "best estimate by side and civilians, not its low and high figures).")
        if dim == "claimant":
            st.caption("Per source: the figures that source itself gave, summed over the incidents "
                       "it reported (its lowest to its highest when it reported one incident twice).")
        if dim == "nationality":
            st.caption("Nationality from the victims text (\"Turkish soldiers\" → TUR); else the "
                       "target's country for soldiers and fighters, the event's country for civilians.")

st.subheader("Conflicting claims")
if summary.conflicts.empty:
    st.caption("No incident in this view has reports that disagree.")
else:
    st.caption("Each source's figure for the same incident, side by side. The incident counts with "
               "the lowest; the highest is the top of the range.")
    st.table(cm.compute_claims_table(summary.conflicts.head(30)).set_index("Date"))
    st.plotly_chart(make_claims_figure(summary.conflicts, caption), key="cas_claims",
                    config=chart_config("conflicting-claims"))
    if len(summary.conflicts) > 30:
        st.caption(f"Showing 30 of {len(summary.conflicts):,} incidents with conflicting claims "
                   "(largest first); the CSV below has every report.")

st.subheader("Cumulative deaths")
st.plotly_chart(make_cumulative_figure(cm.compute_cumulative(summary.daily), summary.running, caption),
                key="cas_cumulative", config=chart_config("cumulative-deaths"))
st.caption(escape_markdown(caption) + " Incidents count on their first reported day. Squares are running totals as "
           "the sources gave them (e.g. \"more than 380 civilians since December\"): a separate "
           "series, never added to the curve.")

st.subheader("Running totals")
if summary.running.empty:
    st.caption("No running totals in this view.")
else:
    render_table(summary.running, width="stretch", column_config={
        "event_date": st.column_config.DateColumn("Reported", format="YYYY-MM-DD"),
        "period_start": st.column_config.DateColumn("Since", format="YYYY-MM-DD"),
        "victims": "Victims (as reported)", "victim_group": "Victim group",
        "low": st.column_config.NumberColumn("Deaths (low)", format="%d"),
        "high": st.column_config.NumberColumn("Deaths (high)", format="%d"),
        "fatalities_qualifier": "Qualifier", "claimant": "Reported by", "location": "Place",
        "source_url": st.column_config.LinkColumn("Link", display_text="source ↗"),
        "evidence": st.column_config.TextColumn("Evidence", width="large")})

st.subheader("Reports with deaths")
reports = load_casualty_reports(flt, version)
st.caption(f"Newest first{' (the latest 1,000)' if len(reports) >= 1000 else ''}; running totals "
           "are included here and flagged in the CSV (is_running_total).")
render_event_table(reports, key="cas_reports", height=420)
st.download_button("Download CSV of all reports with deaths",
                   lambda: make_csv_text(cm.query_casualty_reports(get_store(), flt, None)),
                   file_name="casualty_reports.csv", mime="text/csv", icon=":material/download:",
                   on_click="ignore")
