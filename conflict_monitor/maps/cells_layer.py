"""The aggregated events layer: one circle per grid cell (store/map_grid.py counted them), sized
by its events, coloured by its most frequent action or event type, with the count written in
the larger ones. Hover shows the cell's figures; a click zooms the map onto the cell (as
Leaflet.markercluster does with a cluster), where the events themselves are drawn once few
enough are in view."""

from __future__ import annotations

import html
import json
from typing import Any

import folium
import numpy as np
import pandas as pd
from jinja2 import Template

from conflict_monitor.maps.events_layer import UNKNOWN_COLOUR, select_colour_table
from conflict_monitor.maps.html import escape_html

MIN_RADIUS, MAX_RADIUS = 6, 28  # px: the largest stays inside a 64 px cell (geo.grid.CELL_PX)
LABEL_RADIUS = 12  # circles at least this big carry their count


def compute_cells_payload(cells: pd.DataFrame, size: float, colour_by: str = "action"
                          ) -> dict[str, Any]:
    """Cells as compact columns for the browser: grid row and column, mean position in 1e-4
    degree steps, events, deaths, the dominant category (escaped, dictionary-encoded), the
    cell's latest day, the radius in pixels (square root of the events, as area reads count)."""
    n = len(cells)
    events = cells["events"].to_numpy("int64") if n else np.zeros(0, "int64")
    top = events.max() if n else 1
    radius = MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * np.sqrt(events / top) if n else events
    codes, names = pd.factorize(cells["category"].astype("object").where(cells["category"].notna(), None)
                                if n else pd.Series([], dtype="object"), use_na_sentinel=True)
    table = select_colour_table(colour_by)
    share = (cells["category_events"].to_numpy("int64") / np.maximum(events, 1)) if n else events
    return {
        "n": n, "size": size,
        "row": cells["cell_row"].astype("int64").tolist(), "col": cells["cell_col"].astype("int64").tolist(),
        "lat": np.round(cells["latitude"].to_numpy(float) * 1e4).astype("int64").tolist(),
        "lon": np.round(cells["longitude"].to_numpy(float) * 1e4).astype("int64").tolist(),
        "ev": events.tolist(), "dead": cells["deaths"].astype("int64").tolist(),
        "cat": codes.tolist(), "cats": [escape_html(c) for c in names],
        "colours": [table.get(str(c), UNKNOWN_COLOUR) for c in names],
        "share": np.round(share * 100).astype("int64").tolist(),
        "last": [d.strftime("%Y-%m-%d") if pd.notna(d) else "" for d in pd.to_datetime(cells["last_date"])]
        if n else [],
        "r": np.round(radius, 1).tolist(), "label_r": LABEL_RADIUS,
        "what": escape_html(colour_by.replace("_", " ")),
    }


class CellsLayer(folium.map.Layer):
    """Grid cells drawn in the browser from a compact JSON payload."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function () {
  var D = {{ this.payload_json }};
  var g = L.layerGroup();  // not a featureGroup: a cell's click stays in the map (it zooms)
  function fmt(v) { return v >= 1e6 ? (v / 1e6).toFixed(1) + "M" : v >= 1e4 ? Math.round(v / 1e3) + "k"
                           : v >= 1e3 ? (v / 1e3).toFixed(1) + "k" : String(v); }
  function tip(i) {
    var h = '<div class="cm-popup"><b>' + D.ev[i].toLocaleString("en") + ' events</b>';
    if (D.dead[i] > 0) h += ' · ' + D.dead[i].toLocaleString("en") + ' deaths';
    if (D.cat[i] >= 0) h += '<br>most by ' + D.what + ': ' + D.cats[D.cat[i]] + ' (' + D.share[i] + ' %)';
    if (D.last[i]) h += '<br>latest ' + D.last[i];
    return h + '<br><small>Click to zoom in</small></div>';
  }
  g.on("add", function () {  // built when shown, after the map and the posts painted
    if (g.getLayers().length) return;
    // cells above the boundaries and control areas (which would take their clicks), below the
    // posts (marker pane, 600)
    var m = g._map;
    if (!m.getPane("cm-cells")) { m.createPane("cm-cells").style.zIndex = 450; }
    setTimeout(function () {
      for (var i = 0; i < D.n; i++) {
        var c = D.cat[i] >= 0 ? D.colours[D.cat[i]] : "{{ this.unknown }}", at = [D.lat[i] / 1e4, D.lon[i] / 1e4];
        var dot = L.circleMarker(at, {radius: D.r[i], color: "#333", weight: 1, fillColor: c,
                                      fillOpacity: 0.6, className: "cm-cell",
                                      pane: "cm-cells"});
        dot.bindTooltip(tip(i), {sticky: true});
        (function (row, col) {
          dot.on("click", function () {
            var m = g._map; if (!m) return;
            m.fitBounds([[row * D.size, col * D.size], [(row + 1) * D.size, (col + 1) * D.size]]);
          });
        })(D.row[i], D.col[i]);
        g.addLayer(dot);
        if (D.r[i] >= D.label_r) {
          g.addLayer(L.marker(at, {interactive: false, keyboard: false, pane: "cm-cells", icon: L.divIcon({
            className: "cm-cell-label", html: fmt(D.ev[i]), iconSize: [40, 16], iconAnchor: [20, 8]})}));
        }
      }
    }, 0);
  });
  return g;
})();
{% endmacro %}
""")

    def __init__(self, payload: dict[str, Any], name: str = "Events", show: bool = True):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "CellsLayer"
        self.payload = payload
        self.unknown = UNKNOWN_COLOUR
        self.payload_json = json.dumps(payload, separators=(",", ":")).replace("</", "<\\/")


def build_cells_layer(cells: pd.DataFrame, size: float, colour_by: str = "action") -> CellsLayer:
    """The aggregated events layer for cells from store.map_grid.query_map_cells."""
    return CellsLayer(compute_cells_payload(cells, size, colour_by))


def list_cell_categories(layer: CellsLayer) -> list[str]:
    """The categories the layer colours (unescaped), for the legend."""
    return [html.unescape(c) for c in layer.payload["cats"]]
