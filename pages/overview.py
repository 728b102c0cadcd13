"""Overview: key figures for the filtered events and the latest of them."""

import streamlit as st

from conflict_monitor.metrics import compute_key_figures
from ui.filters import get_active_filter
from ui.loaders import get_data_version, load_events
from ui.tables import render_event_table
from ui.shell import require_shell

require_shell()
flt = get_active_filter()
events = load_events(flt, get_data_version())
figures = compute_key_figures(events)

st.title("Overview")
st.caption(f"Filters: {flt.describe()}")
cols = st.columns(4)
cols[0].metric("Events", f"{figures.events:,}", help=f"{figures.incidents:,} distinct incidents")
cols[1].metric("Fatalities", f"{figures.fatalities_low:,}–{figures.fatalities_high:,}",
               help="Per incident: the lowest report (ACLED's rule) to the highest. "
                    "Running totals are not added.")
cols[2].metric("Actors", f"{figures.actors:,}")
span = (f"{figures.first_date} → {figures.last_date}" if figures.first_date else "—")
cols[3].metric("Date span", span)

st.subheader("Latest events")
if events.empty:
    st.info("No events match these filters. Widen the dates or clear a filter in the sidebar.")
else:
    render_event_table(events.head(15), key="overview_latest")
