"""Events: the filtered events, sortable, with their evidence and source; CSV and GeoJSON export."""

from ui.navigation import require_app_navigation

require_app_navigation()  # before the imports below: see ui/navigation.py

import streamlit as st

from conflict_monitor.exporters.tables import make_csv_text, make_geojson_text
from conflict_monitor.model.safety import escape_markdown
from ui.filters import get_active_filter
from ui.loaders import get_data_version, get_store, load_event_count, load_events
from ui.shell import require_shell
from ui.tables import render_event_table

ROW_LIMIT = 5_000  # a browser table beyond this is slow to use; the downloads hold every row

require_shell()
flt = get_active_filter()
version = get_data_version()
total = load_event_count(flt, version)

st.title("Events")
shown = min(total, ROW_LIMIT)
st.caption(f"{total:,} events · filters: {escape_markdown(flt.describe())} · click a column header to sort"
           + (f" · the {shown:,} newest are listed; the downloads hold all" if total > shown else ""))
if total == 0:
    st.info("No events match these filters.")
else:
    render_event_table(load_events(flt, version, limit=ROW_LIMIT), key="events_table", height=560)
    left, right = st.columns(2)
    # The files are built only when asked for, from the store, with every matching row and its
    # review status.
    def export_frame():
        return get_store().attach_review_status(get_store().query_events(flt))

    left.download_button("Download CSV", lambda: make_csv_text(export_frame()),
                         file_name="events.csv", mime="text/csv", icon=":material/download:")
    right.download_button("Download GeoJSON",
                          lambda: make_geojson_text(export_frame()),
                          file_name="events.geojson", mime="application/geo+json",
                          icon=":material/map:")
