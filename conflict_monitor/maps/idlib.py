"""The map of Idlib as a folium Map: governorate boundaries, observation posts with their
status on a date (map_posts), events clustered client-side (map_events), legend and
attribution. No Streamlit here; assets come offline from map_assets. Every text that reaches a
popup or tooltip goes through map_html.escape_html.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Sequence
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element
from jinja2 import Template

from conflict_monitor.geo.admin import load_admin1
from conflict_monitor.maps import assets as map_assets
from conflict_monitor.maps.events_layer import DETAIL_LIMIT, build_events_layer, select_colour_table
from conflict_monitor.maps.html import escape_html
from conflict_monitor.maps.posts_layer import STATUS_STYLES, build_posts_layer

BOUNDARY_ATTRIBUTION = "Boundaries: UN OCHA / UNCS via geoBoundaries (CC BY 3.0 IGO)"
IDLIB_BOUNDS = [[35.3, 36.05], [36.38, 37.15]]  # south-west, north-east: the 12 posts and the front
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
_CSS = """<style>
.leaflet-container { background: #dde5ea; }
.leaflet-control-layers-expanded { font: 12px/1.3 sans-serif; padding: 4px 8px; }
.cm-legend { background: rgba(255,255,255,.92); padding: 4px 8px; border-radius: 4px;
  font: 11px/1.3 sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3); max-width: 340px; }
.cm-legend summary { cursor: pointer; font-weight: bold; }
.cm-legend i { display: inline-block; width: 10px; height: 10px; margin-right: 5px;
  border-radius: 50%; vertical-align: -1px; border: 1px solid #444; }
.cm-popup { font: 13px/1.4 sans-serif; max-width: 360px; }
.cm-cell-label { font: bold 11px/16px sans-serif; color: #111; text-align: center;
  pointer-events: none; text-shadow: 0 0 3px #fff, 0 0 3px #fff; }
.cm-popup blockquote { margin: 4px 0; padding-left: 6px; border-left: 3px solid #bbb; }
</style>"""


def build_boundaries_layer(admin1: gpd.GeoDataFrame | None = None, highlight: str = "Idlib"
                           ) -> folium.GeoJson:
    """Governorate outlines with `highlight` drawn strong."""
    frame = load_admin1() if admin1 is None else admin1
    data = json.loads(frame[["name_common", "geometry"]].assign(
        name_common=frame["name_common"].map(escape_html)).to_json())

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        if feature["properties"]["name_common"] == escape_html(highlight):
            return {"color": "#e65100", "weight": 3, "fillColor": "#ffcc80", "fillOpacity": 0.35}
        return {"color": "#607d8b", "weight": 1, "fillColor": "#ffffff", "fillOpacity": 0.7}

    return folium.GeoJson(data, name="Governorates (Idlib highlighted)", style_function=style,
                          tooltip=folium.GeoJsonTooltip(fields=["name_common"], aliases=["Governorate"]),
                          control=True, overlay=True)


class MapExtras(folium.MacroElement):
    """Legend control and the boundaries' attribution (fixed text of our own, as JSON)."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var legend = L.control({position: "bottomright"});
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "cm-legend"); div.innerHTML = {{ this.legend_html|tojson }};
    L.DomEvent.disableClickPropagation(div); L.DomEvent.disableScrollPropagation(div); return div;
  };
  legend.addTo({{ this._parent.get_name() }});
  {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.attribution|tojson }});
})();
{% endmacro %}
""")

    def __init__(self, legend_html: str, attribution: str = BOUNDARY_ATTRIBUTION):
        super().__init__()
        self._name = "MapExtras"
        self.legend_html = legend_html
        self.attribution = attribution


def make_legend_html(colour_by: str = "action", categories: list[str] | None = None) -> str:
    """Legend: post status badges, the approximate mark, event colours and sizes."""
    posts = "".join(
        f'<i style="background:{c}"></i>{escape_html(label)}<br>'
        for status, (c, _, label) in STATUS_STYLES.items() if status not in ("planned", "closed"))
    table = select_colour_table(colour_by)
    shown = [k for k in table if categories is None or k in categories]
    events = "".join(f'<i style="background:{table[k]}"></i>{escape_html(k)}<br>' for k in shown)
    return (f'<details open><summary>Legend</summary><div style="display:flex;gap:12px">'
            f"<div><b>Observation posts</b><br>{posts}≈, dashed circle:<br>approximate position</div>"
            f"<div><b>Events by {escape_html(colour_by.replace('_', ' '))}</b><br>{events}"
            "size: deaths<br>dashed: running total</div></div></details>")


def build_idlib_map(posts: pd.DataFrame, statuses: pd.DataFrame, events: pd.DataFrame | None,
                    as_of: dt.date, *, tiles: str = "none", colour_by: str = "action",
                    admin1: gpd.GeoDataFrame | None = None, detail_limit: int = DETAIL_LIMIT,
                    extra_layers: Sequence[folium.Element] = (),
                    categories: Sequence[str] | None = None) -> folium.Map:
    """The whole map. `posts` come from compute_site_status_as_of; `events` are those to show
    (None: no events layer; the app adds the layer for the view, maps/view.py, and
    `categories` lists the actions or types the legend shows).
    tiles="none" starts on a plain background (offline), "osm" on OpenStreetMap tiles.
    `extra_layers` (e.g. territorial control and its legend) go above the events and below
    the posts."""
    m = folium.Map(tiles=None, control_scale=True, prefer_canvas=True, zoom_start=9,
                   location=[35.8, 36.6])
    m.options.update(max_zoom=18, min_zoom=4)  # markercluster needs maxZoom; no tile layer sets it
    map_assets.apply_offline_assets(m)
    m.get_root().header.add_child(Element(_CSS), name="cm_css")
    folium.FeatureGroup(name="No tiles (works offline)", overlay=False,
                        show=tiles != "osm").add_to(m)
    folium.TileLayer(OSM_TILES, name="OpenStreetMap (needs internet)", overlay=False,
                     attr='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
                     show=tiles == "osm").add_to(m)
    build_boundaries_layer(admin1).add_to(m)
    layer = build_events_layer(events, colour_by, detail_limit) if events is not None else None
    if layer is not None:
        layer.add_to(m)
    else:  # the layer for the view comes later (st_folium loads scripts with the map only)
        js, css = map_assets.get_markercluster_assets()
        m.default_js, m.default_css = [*m.default_js, *js], [*m.default_css, *css]
    for extra in extra_layers:
        extra.add_to(m)
    build_posts_layer(posts, statuses, as_of).add_to(m)
    shown = [html.unescape(c) for c in layer.payload["cats"]] if layer is not None else list(categories or [])
    MapExtras(make_legend_html(colour_by, shown or None)).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)  # hover the layers icon to switch
    m.fit_bounds(IDLIB_BOUNDS, padding_top_left=(0, 5), padding_bottom_right=(0, 60))
    return m


def render_map_html(m: folium.Map) -> str:
    """The map as one standalone HTML page."""
    return m.get_root().render()
