"""What the map draws for the part of the world in view: grid cells counted in the store, or the
events themselves once few enough are in the drawn area (or the map is zoomed in close).

The layer goes to the browser as a folium FeatureGroup that streamlit-folium swaps in the
standing map (st_folium's feature_group_to_add), so a zoom or a pan redraws the events, never
the map, its posts or its control layers.
"""

from __future__ import annotations

import folium
import pandas as pd

from conflict_monitor.geo.grid import Bounds, DrawnArea, compute_drawn_area
from conflict_monitor.maps.cells_layer import build_cells_layer
from conflict_monitor.maps.events_layer import build_events_layer

BASE_LEVEL = 13  # the finest grid counted in the store (~1.2 km); coarser levels sum its cells
# Events are drawn one by one when at most this many are in the drawn area: 20,000 events make
# about 1 MB of map and draw in the browser in well under a second (the old map drew 100,000).
EVENTS_MAX = 20_000
EVENTS_ZOOM = BASE_LEVEL + 1  # from here on events are drawn whatever their number (the newest)
# The first view before the browser reports its own: zoom 9 over Idlib (the map's fit_bounds),
# as wide as a 1,000 x 640 px frame, so the browser's first report usually stays inside it.
FIRST_ZOOM = 9
FIRST_VIEW: Bounds = (35.1, 35.2, 36.6, 38.0)
# Columns the events layer, the click lookup and the table beside the map need.
MAP_EVENT_COLUMNS = ("event_id", "event_date", "date_precision", "action", "event_type", "actor1",
                     "actor2", "country", "location", "latitude", "longitude", "fatalities",
                     "fatalities_high", "is_running_total", "victims", "reported_by", "source",
                     "source_url", "evidence", "origin", "incident_id")


def choose_map_mode(zoom: int, events_in_area: int) -> str:
    """"events" when few enough are in the drawn area or the map is zoomed in close, else
    "cells"."""
    return "events" if events_in_area <= EVENTS_MAX or zoom >= EVENTS_ZOOM else "cells"


def compute_first_area() -> DrawnArea:
    """The area drawn before the browser has reported its view."""
    return compute_drawn_area(FIRST_VIEW, FIRST_ZOOM)


def compute_view_from_map_state(state: dict | None) -> tuple[int, Bounds] | None:
    """(zoom, (south, west, north, east)) from st_folium's returned value, or None when it has
    not reported a usable view yet."""
    if not state:
        return None
    try:
        zoom = int(state["zoom"])
        sw, ne = state["bounds"]["_southWest"], state["bounds"]["_northEast"]
        view = (float(sw["lat"]), float(sw["lng"]), float(ne["lat"]), float(ne["lng"]))
    except (KeyError, TypeError, ValueError):
        return None
    if view[0] >= view[2] or view[1] >= view[3]:
        return None
    return zoom, view


def build_view_group(mode: str, cells: pd.DataFrame, events: pd.DataFrame, size: float,
                     colour_by: str = "action") -> folium.FeatureGroup:
    """The events layer for the drawn area as a FeatureGroup named "Events": one circle per grid
    cell (mode "cells"), or the events clustered as before (mode "events")."""
    group = folium.FeatureGroup(name="Events", overlay=True, control=False)
    layer = (build_cells_layer(cells, size, colour_by) if mode == "cells"
             else build_events_layer(events, colour_by))
    layer.add_to(group)
    return group
