"""Events: every filtered event, sortable, with its evidence and source; CSV and GeoJSON export."""

import streamlit as st

from conflict_monitor.export import make_csv_text, make_geojson_text
from ui.filters import get_active_filter
from ui.loaders import get_data_version, load_events
from ui.tables import render_event_table
from ui.shell import require_shell

require_shell()
flt = get_active_filter()
events = load_events(flt, get_data_version())

st.title("Events")
st.caption(f"{len(events):,} events · filters: {flt.describe()} · click a column header to sort")
if events.empty:
    st.info("No events match these filters.")
else:
    render_event_table(events, key="events_table", height=560)
    left, right = st.columns(2)
    left.download_button("Download CSV", make_csv_text(events),
                         file_name="events.csv", mime="text/csv", icon=":material/download:")
    right.download_button("Download GeoJSON", make_geojson_text(events),
                          file_name="events.geojson", mime="application/geo+json",
                          icon=":material/map:")
