"""The control layers of the map: each place coloured by the side holding it on the day
(places that changed hands in the last seven days ringed), and an approximate area layer:
each place's Voronoi cell clipped to its governorate. Every text reaching a popup or tooltip
goes through map_html.escape_html; sources only as safe links."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
from jinja2 import Template
from shapely.geometry import MultiPoint, Point
from shapely.ops import voronoi_diagram

from conflict_monitor.geo.distance import compute_distances_km
from conflict_monitor.maps import raw_render as raw
from conflict_monitor.maps.html import escape_html, make_source_links

# Side colours in sides.csv order (first side red, second green, ...), colour-blind-safe enough
# with the letter on each badge; contested is amber, unknown grey.
SIDE_PALETTE = ("#c62828", "#2e7d32", "#1565c0", "#6a1b9a", "#ef6c00", "#00838f")
CONTESTED_COLOUR, UNKNOWN_COLOUR = "#f9a825", "#9e9e9e"
METRIC_CRS = "EPSG:32637"  # UTM zone 37N: metres over north-west Syria, for cell sizes
MAX_CELL_KM = 12.0  # a place speaks for no land further than this (half a typical gap between towns on the front)
# A popup lists a place's latest reports only: at a million events a front-line town has
# thousands, which made an 11 MB map; the panel beside the map shows the whole history on click.
POPUP_CLAIMS = 20
CLAIM_WORDS = {"taken": "taken by", "claimed": "claimed (unconfirmed) by", "disputed": "disputed: still held by"}


def compute_side_colours(sides: Sequence[str]) -> dict[str, str]:
    """Side -> colour, in table order."""
    return {side: SIDE_PALETTE[i % len(SIDE_PALETTE)] for i, side in enumerate(sides)}


def _colour(row: dict[str, Any], colours: dict[str, str]) -> str:
    if row["status"] == "contested":
        return CONTESTED_COLOUR
    return colours.get(row.get("side") or "", UNKNOWN_COLOUR)


def make_control_popup_html(row: dict[str, Any], history: pd.DataFrame, total: int | None = None) -> str:
    """A place's status on the day and its history (the latest POPUP_CLAIMS reports, with how
    many earlier ones there are): who took it, when, per which source, with the evidence.
    `total`: how many reports the place has, when `history` holds only its latest ones."""
    earlier = max(0, (len(history) if total is None else total) - POPUP_CLAIMS)
    history = history.tail(POPUP_CLAIMS)
    if row["status"] == "contested":
        state = f"<b>contested</b> ({escape_html(row['sides'])})"
    elif row["status"] == "held":
        state = f"held by <b>{escape_html(row['side'])}</b>" + (
            f" since {escape_html(row['since'])}" if row.get("since") else " (before the first recorded change)")
    else:
        state = "holder unknown"
    items = "".join(
        f"<li><b>{escape_html(h['date'])}</b>{' (approx.)' if h.get('date_approx') else ''}: "
        f"{escape_html(CLAIM_WORDS.get(h['claim'], h['claim']))} {escape_html(h['side'])}"
        f" — {escape_html(h.get('reported_by') or h.get('source') or '')}"
        f" {make_source_links(h.get('source_url'))}"
        + (f"<blockquote>{escape_html(h['evidence'])}</blockquote>" if h.get("evidence") else "") + "</li>"
        for h in history.to_dict("records"))
    if earlier:
        items = (f"<li><i>{earlier:,} earlier report{'s' if earlier > 1 else ''} not listed: click the "
                 "place for its whole history beside the map</i></li>") + items
    recent = "<br><b>Changed hands in the last 7 days</b>" if row.get("changed_recently") else ""
    return (f'<div class="cm-popup"><b>{escape_html(row["place"])}</b>: {state}{recent}'
            f"<br>History:<ul style='margin:2px 0 4px 16px;padding:0'>{items}</ul></div>")


def make_control_popups(control: pd.DataFrame, histories: Mapping[str, pd.DataFrame],
                        totals: Mapping[str, int] | None = None) -> dict[str, str]:
    """place_id -> popup HTML, for each place with coordinates; `histories` holds each place's
    claims (control.model.compute_place_histories), or its latest POPUP_CLAIMS or more with
    `totals` saying how many it has (control.groups)."""
    return {row["place_id"]: make_control_popup_html(row, histories[row["place_id"]],
                                                     None if totals is None else totals[row["place_id"]])
            for row in control.dropna(subset=["latitude", "longitude"]).to_dict("records")}


def build_control_layer(control: pd.DataFrame, popups: Mapping[str, str], colours: dict[str, str]
                        ) -> folium.FeatureGroup:
    """One marker per place with coordinates, coloured by its holder on the day, with its popup
    from make_control_popups (cheap: the popups are built once per filter and day)."""
    layer = folium.FeatureGroup(name="Control of places (side on the date)", overlay=True)
    for row in control.dropna(subset=["latitude", "longitude"]).to_dict("records"):
        colour = _colour(row, colours)
        recent = bool(row.get("changed_recently"))
        where = [float(row["latitude"]), float(row["longitude"])]
        if recent:  # a wide dark ring: changed hands in the seven days up to the date
            raw.CircleMarker(where, radius=13, color="#111", weight=3, fill=False,
                             interactive=False, class_name="cm-control-recent").add_to(layer)
        label = ("contested" if row["status"] == "contested" else row.get("side") or "holder unknown")
        raw.CircleMarker(
            where, radius=7, color="#222", weight=1.5, fill=True, fill_color=colour, fill_opacity=0.95,
            dash_array="3 2" if row["status"] == "contested" else None,
            tooltip=raw.Tooltip(f"{escape_html(row['place'])}: {escape_html(label)}"
                                + (" (changed hands in the last 7 days)" if recent else "")),
            popup=raw.Popup(folium.Html(popups[row["place_id"]], script=True), max_width=420),
            class_name=f"cm-control cm-control-{row['status']}").add_to(layer)
    return layer


def compute_control_areas(control: pd.DataFrame, admin1: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Approximate areas: each placed, held or contested place's Voronoi cell among all placed
    places, clipped to the governorate it lies in and to MAX_CELL_KM around it (WGS84 out)."""
    placed = control.dropna(subset=["latitude", "longitude"])
    placed = placed[placed["status"] != "unknown"]
    columns = ["place", "status", "side", "sides", "geometry"]
    if placed.empty:
        return gpd.GeoDataFrame(columns=columns, geometry="geometry", crs="EPSG:4326")
    points = gpd.GeoSeries([Point(lon, lat) for lat, lon in zip(placed["latitude"], placed["longitude"], strict=True)],
                           crs="EPSG:4326").to_crs(METRIC_CRS)
    regions = admin1.to_crs(METRIC_CRS)
    envelope = points.union_all().buffer(MAX_CELL_KM * 1000 * 2).envelope
    cells = list(voronoi_diagram(MultiPoint(list(points)), envelope=envelope).geoms) if len(points) > 1 else [envelope]
    rows = []
    for point, row in zip(points, placed.to_dict("records"), strict=True):
        cell = next((c for c in cells if c.contains(point)), None)
        home = regions[regions.contains(point)]
        if cell is None or home.empty:
            continue
        shape = cell.intersection(home.geometry.iloc[0]).intersection(point.buffer(MAX_CELL_KM * 1000))
        if not shape.is_empty:
            rows.append({"place": row["place"], "status": row["status"], "side": row.get("side"),
                         "sides": row.get("sides"), "geometry": shape})
    return gpd.GeoDataFrame(rows, columns=columns, geometry="geometry", crs=METRIC_CRS).to_crs("EPSG:4326")


def build_control_area_layer(areas: gpd.GeoDataFrame, colours: dict[str, str]) -> folium.GeoJson:
    """The approximate areas, drawn faint and dashed, labelled approximate."""
    frame = areas.assign(label=[
        escape_html(f"{p}: {'contested' if s == 'contested' else side} (approximate area)")
        for p, s, side in zip(areas["place"], areas["status"], areas["side"], strict=True)],
        colour=[CONTESTED_COLOUR if s == "contested" else colours.get(side or "", UNKNOWN_COLOUR)
                for s, side in zip(areas["status"], areas["side"], strict=True)])
    data = frame[["label", "colour", "geometry"]].__geo_interface__ if not frame.empty else {
        "type": "FeatureCollection", "features": []}

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        return {"color": feature["properties"]["colour"], "weight": 1, "dashArray": "4 4",
                "fillColor": feature["properties"]["colour"], "fillOpacity": 0.18}

    return folium.GeoJson(data, name="Approximate areas of control (Voronoi cells, ≤ 12 km)",
                          style_function=style, overlay=True, control=True,
                          tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False) if not frame.empty else None)


_SWATCH = ("display:inline-block;width:10px;height:10px;margin-right:5px;border-radius:50%;"
           "vertical-align:-1px;border:1px solid #444;background:")
_BOX = ("background:rgba(255,255,255,.92);padding:4px 8px;border-radius:4px;font:11px/1.3 sans-serif;"
        "box-shadow:0 1px 4px rgba(0,0,0,.3)")


def make_control_legend_html(colours: dict[str, str], shown: Sequence[str]) -> str:
    """Legend lines for the sides present on the map (folded: it sits top left, over land)."""
    lines = "".join(f'<i style="{_SWATCH}{c}"></i>{escape_html(s)}<br>' for s, c in colours.items() if s in shown)
    return (f'<details style="{_BOX}"><summary style="cursor:pointer;font-weight:bold">Control on the date'
            f'</summary>{lines}<i style="{_SWATCH}{CONTESTED_COLOUR}"></i>contested<br>'
            "dark ring: changed hands<br>in the last 7 days<br>shaded: approximate area</details>")


class ControlLegend(folium.MacroElement):
    """The control legend as its own Leaflet control, top left, so the main legend (bottom
    right) does not grow over the posts in the south-east."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var legend = L.control({position: "topleft"});
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "cm-control-legend"); div.innerHTML = {{ this.legend_html|tojson }};
    L.DomEvent.disableClickPropagation(div); L.DomEvent.disableScrollPropagation(div); return div;
  };
  legend.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
""")

    def __init__(self, legend_html: str):
        super().__init__()
        self._name = "ControlLegend"
        self.legend_html = legend_html


def find_control_place(lat: float, lon: float, control: pd.DataFrame, max_km: float = 0.5) -> dict[str, Any] | None:
    """The place whose marker was clicked (the nearest within max_km), or None."""
    placed = control.dropna(subset=["latitude", "longitude"])
    if placed.empty:
        return None
    d = compute_distances_km(lat, lon, placed["latitude"], placed["longitude"])
    i = int(d.argmin())
    return placed.iloc[i].to_dict() if d[i] <= max_km else None


def find_clicked_control_place(lat: float, lon: float, control: pd.DataFrame, posts: pd.DataFrame
                               ) -> dict[str, Any] | None:
    """The place clicked, unless an observation post (drawn on top) is under the click: al-Eis,
    Tal Tuqan and Jabal Shahshabu share their post's point."""
    if find_control_place(lat, lon, posts, max_km=0.3) is not None:
        return None
    return find_control_place(lat, lon, control)
