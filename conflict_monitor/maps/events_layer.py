"""The events layer of the map: events as compact columns (JSON) that the browser turns into
clustered circle markers, coloured by action or event type and sized by deaths."""

from __future__ import annotations

import html
import json
from typing import Any

import folium
import numpy as np
import pandas as pd
from branca.element import Element
from jinja2 import Template

from conflict_monitor.maps import assets as map_assets
from conflict_monitor.maps.html import escape_html
from conflict_monitor.model.safety import compute_safe_url

DETAIL_LIMIT = 5000  # above this many events, evidence and links stay out of the map's HTML
ACTION_COLOURS: dict[str, str] = {
    "attack": "#d62728", "kill": "#7f0000", "capture": "#ff7f0e", "encircle": "#e377c2",
    "deploy": "#1f77b4", "threaten": "#9467bd", "ultimatum": "#5e35b1", "accuse": "#8c564b",
    "consult": "#17becf", "ceasefire": "#2ca02c", "displace": "#bcbd22", "other": "#7f7f7f"}
TYPE_COLOURS: dict[str, str] = {
    "Battles": "#d62728", "Explosions/Remote violence": "#7f0000",
    "Violence against civilians": "#ff7f0e", "Protests": "#17becf", "Riots": "#9467bd",
    "Strategic developments": "#1f77b4"}
UNKNOWN_COLOUR = "#9e9e9e"


def select_colour_table(colour_by: str) -> dict[str, str]:
    """Colour per action, or per ACLED event type."""
    return ACTION_COLOURS if colour_by == "action" else TYPE_COLOURS


def _encode(series: pd.Series, limit: int | None = None) -> tuple[list[int], list[str]]:
    """Dictionary-encode a text column: codes (-1 = none) and escaped unique values."""
    values = series.astype("object").where(series.notna(), None)
    if limit:
        values = values.map(lambda v: v if v is None or len(str(v)) <= limit else str(v)[:limit] + "…")
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes.tolist(), [escape_html(u) for u in uniques]


def compute_events_payload(events: pd.DataFrame, colour_by: str = "action",
                           detail_limit: int = DETAIL_LIMIT) -> dict[str, Any]:
    """Events as compact columns for the client-side layer: coordinates as 1e-4 degree steps from
    (lat0, lon0), days since d0, dictionary-encoded (already escaped) text, high death figures
    only where they differ. Rows without coordinates are left out."""
    frame = events.dropna(subset=["latitude", "longitude"])
    n = len(frame)
    days = pd.to_datetime(frame["event_date"]) if n else pd.Series(dtype="datetime64[ns]")
    d0 = days.min() if n else pd.Timestamp("1970-01-01")
    lat = np.round(frame["latitude"].to_numpy(float) * 1e4).astype("int64")
    lon = np.round(frame["longitude"].to_numpy(float) * 1e4).astype("int64")
    lat0, lon0 = (int(lat.min()), int(lon.min())) if n else (0, 0)
    actor_codes, actor_values = _encode(pd.concat([frame["actor1"], frame["actor2"]], ignore_index=True))
    low = pd.to_numeric(frame["fatalities"], errors="coerce").fillna(-1).astype("int64").to_numpy()
    high = pd.to_numeric(frame["fatalities_high"], errors="coerce").fillna(-1).astype("int64").to_numpy()
    wider = np.flatnonzero(high > low)
    payload: dict[str, Any] = {
        "n": n, "d0": d0.strftime("%Y-%m-%d") if n else None, "lat0": lat0, "lon0": lon0,
        "lat": (lat - lat0).tolist(), "lon": (lon - lon0).tolist(),
        "day": ((days - d0).dt.days.astype("int64").tolist() if n else []),
        "a1": actor_codes[:n], "a2": actor_codes[n:], "actors": actor_values, "fat": low.tolist(),
        "fath": dict(zip(map(str, wider.tolist()), high[wider].tolist(), strict=False)),
        "tot": np.flatnonzero(frame["is_running_total"].fillna(False).astype(bool).to_numpy()).tolist()
        if "is_running_total" in frame else [],
    }
    for key, column in (("typ", "event_type"), ("act", "action"), ("loc", "location"),
                        ("src", "source"), ("rep", "reported_by")):
        payload[key], payload[key + "s"] = _encode(frame[column]) if column in frame else ([-1] * n, [])
    payload["colour_key"] = "act" if colour_by == "action" else "typ"
    names = payload[payload["colour_key"] + "s"]
    payload["colours"] = [select_colour_table(colour_by).get(html.unescape(v), UNKNOWN_COLOUR) for v in names]
    payload["cats"] = names
    if n <= detail_limit:
        payload["ev"], payload["evs"] = _encode(frame["evidence"], limit=400)
        payload["url"], payload["urls"] = _encode(frame["source_url"].map(compute_safe_url))
    return payload


class EventsLayer(map_assets.MarkerClusterMixin, folium.map.Layer):
    """All events in one clustered layer built in the browser from a compact JSON payload."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function () {
  var D = {{ "null" if this.placeholder else this.payload_json }};
  var g = L.markerClusterGroup({chunkedLoading: true, showCoverageOnHover: false,
                                maxClusterRadius: 40, spiderfyOnMaxZoom: true});
  function t(list, i) { return i >= 0 ? list[i] : ""; }
  function day(i) { var d = new Date(Date.parse(D.d0) + D.day[i] * 864e5); return d.toISOString().slice(0, 10); }
  function popup(layer) {
    var i = layer.options.cmIndex, f = D.fat[i], fh = D.fath[i] === undefined ? f : D.fath[i];
    var h = '<div class="cm-popup"><b>' + day(i) + '</b> · ' +
      t(D.acts, D.act[i]) + ' <small>(' + t(D.typs, D.typ[i]) + ')</small><br>' +
      t(D.actors, D.a1[i]) + (D.a2[i] >= 0 ? ' → ' + t(D.actors, D.a2[i]) : '') + '<br>';
    if (D.loc[i] >= 0) h += 'Place: ' + D.locs[D.loc[i]] + '<br>';
    if (f >= 0) h += 'Deaths: ' + f + (fh > f ? '–' + fh : '')
      + (layer.options.cmTotal ? ' (running total)' : '') + '<br>';
    h += 'Source: ' + t(D.srcs, D.src[i]) + (D.rep[i] >= 0 ? ' (reported by ' + D.reps[D.rep[i]] + ')' : '');
    if (D.url && D.url[i] >= 0)
      h += ' <a href="' + D.urls[D.url[i]] + '" target="_blank" rel="noopener noreferrer">link</a>';
    if (D.ev && D.ev[i] >= 0) h += '<blockquote>' + D.evs[D.ev[i]] + '</blockquote>';
    else if (!D.ev) h += '<br><small>Evidence: click, then see the panel beside the map.</small>';
    return h + '</div>';
  }
  var tot = {}; D.tot.forEach(function (i) { tot[i] = true; });
  setTimeout(function () {  // build after the map and the posts painted
  var markers = new Array(D.n), col = D[D.colour_key];
  for (var i = 0; i < D.n; i++) {
    var f = D.fat[i], c = col[i] >= 0 ? D.colours[col[i]] : "{{ this.unknown }}";
    markers[i] = L.circleMarker([(D.lat0 + D.lat[i]) / 1e4, (D.lon0 + D.lon[i]) / 1e4], {
      radius: f > 0 ? Math.min(5 + 2.2 * Math.sqrt(f), 20) : 5, color: tot[i] ? "#333" : c, weight: tot[i] ? 2 : 1,
      dashArray: tot[i] ? "4 3" : null, fillColor: c, fillOpacity: tot[i] ? 0.15 : 0.75,
      cmIndex: i, cmTotal: !!tot[i]});
  }
  // one popup for the layer, filled on click (not 100k popup objects)
  g.on("click", function (e) {
    L.popup({maxWidth: 380}).setLatLng(e.layer.getLatLng()).setContent(popup(e.layer)).openOn(g._map);
  });
  g.addLayers(markers);
  }, 0);
  return g;
})();
{% endmacro %}
""")

    def __init__(self, payload: dict[str, Any], name: str = "Events", show: bool = True):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "EventsLayer"
        self.payload = payload
        self.unknown = UNKNOWN_COLOUR
        self.payload_json = json.dumps(payload, separators=(",", ":")).replace("</", "<\\/")
        self.placeholder = False

    def render(self, **kwargs):
        """As folium renders, but the script goes into the page as it is: branca would compile
        the rendered text (megabytes of data) as a Jinja template just to print it."""
        self.placeholder = True
        try:
            super().render(**kwargs)
        finally:
            self.placeholder = False
        script = self._template.module.__dict__["script"](self, kwargs)
        self.get_root().script._children[self.get_name()] = _RawText(script)


class _RawText(Element):
    """Text put in the page unchanged."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


def build_events_layer(events: pd.DataFrame, colour_by: str = "action",
                       detail_limit: int = DETAIL_LIMIT) -> EventsLayer:
    """Events coloured by action (or event_type), sized by fatalities, clustered."""
    return EventsLayer(compute_events_payload(events, colour_by, detail_limit))
