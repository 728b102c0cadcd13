"""Overview: key figures for the filtered events and the latest of them."""

from ui.navigation import require_app_navigation

require_app_navigation()  # before the imports below: see ui/navigation.py

import streamlit as st

from conflict_monitor.model.safety import escape_markdown
from ui.filters import get_active_filter
from ui.loaders import get_data_version, load_events, load_key_figures
from ui.shell import require_shell
from ui.tables import render_event_table

require_shell()
flt = get_active_filter()
version = get_data_version()
figures = load_key_figures(flt, version)

st.title("Overview")
st.caption(f"Filters: {escape_markdown(flt.describe())}")
cols = st.columns(4)
cols[0].metric("Events", f"{figures.events:,}", help=f"{figures.incidents:,} distinct incidents")
cols[1].metric("Fatalities", f"{figures.fatalities_low:,}–{figures.fatalities_high:,}",
               help="Per incident and victim group: the lowest report (ACLED's rule) to the highest. "
                    f"{figures.running_total_reports:,} running totals are shown apart, never added.")
cols[2].metric("Actors", f"{figures.actors:,}")
span = (f"{figures.first_date} → {figures.last_date}" if figures.first_date else "—")
cols[3].metric("Date span", span)

st.subheader("Latest events")
if figures.events == 0:
    st.info("No events match these filters. Widen the dates or clear a filter in the sidebar.")
else:
    render_event_table(load_events(flt, version, limit=15), key="overview_latest")
