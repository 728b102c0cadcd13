"""The map of Idlib as a folium Map: governorate boundaries, observation posts with their
status on a date, events clustered client-side. No Streamlit here; assets come offline from
map_assets. Every text that reaches a popup or tooltip goes through escape_html.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from typing import Any
from urllib.parse import urlparse

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Element
from jinja2 import Template

from conflict_monitor import map_assets
from conflict_monitor.geo import load_admin1
from conflict_monitor.safety import compute_safe_url, escape_text
from conflict_monitor.sites import NOT_ESTABLISHED, compute_site_history

BOUNDARY_ATTRIBUTION = "Boundaries: UN OCHA / UNCS via geoBoundaries (CC BY 3.0 IGO)"
IDLIB_BOUNDS = [[35.3, 36.05], [36.38, 37.15]]  # south-west, north-east: the 12 posts and the front
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
APPROX_RADIUS_M = {"LOW": 4000}  # uncertainty circle drawn around LOW-confidence posts
DETAIL_LIMIT = 5000  # above this many events, evidence and links stay out of the map's HTML
STATUS_STYLES: dict[str, tuple[str, str, str]] = {  # status: (colour, letter, label)
    "planned": ("#1565c0", "P", "planned"), "active": ("#2e7d32", "A", "active"),
    "encircled": ("#c62828", "E", "encircled"), "evacuated": ("#757575", "V", "evacuated"),
    "closed": ("#212121", "C", "closed"), NOT_ESTABLISHED: ("#ffffff", "–", "not yet established"),
}
ACTION_COLOURS: dict[str, str] = {
    "attack": "#d62728", "kill": "#7f0000", "capture": "#ff7f0e", "encircle": "#e377c2",
    "deploy": "#1f77b4", "threaten": "#9467bd", "ultimatum": "#5e35b1", "accuse": "#8c564b",
    "consult": "#17becf", "ceasefire": "#2ca02c", "displace": "#bcbd22", "other": "#7f7f7f"}
TYPE_COLOURS: dict[str, str] = {
    "Battles": "#d62728", "Explosions/Remote violence": "#7f0000",
    "Violence against civilians": "#ff7f0e", "Protests": "#17becf", "Riots": "#9467bd",
    "Strategic developments": "#1f77b4"}
UNKNOWN_COLOUR = "#9e9e9e"
CONFIDENCE_TEXT = {"HIGH": "surveyed or published coordinate", "MEDIUM": "placed at a named town "
                   "or village, probably within 1-3 km", "LOW": "derived from descriptions; "
                   "could be several km off (dashed circle)"}
_CSS = """<style>
.leaflet-container { background: #dde5ea; }
.leaflet-control-layers-expanded { font: 12px/1.3 sans-serif; padding: 4px 8px; }
.cm-legend { background: rgba(255,255,255,.92); padding: 4px 8px; border-radius: 4px;
  font: 11px/1.3 sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3); max-width: 340px; }
.cm-legend summary { cursor: pointer; font-weight: bold; }
.cm-legend i { display: inline-block; width: 10px; height: 10px; margin-right: 5px;
  border-radius: 50%; vertical-align: -1px; border: 1px solid #444; }
.cm-popup { font: 13px/1.4 sans-serif; max-width: 360px; }
.cm-popup blockquote { margin: 4px 0; padding-left: 6px; border-left: 3px solid #bbb; }
</style>"""


def escape_html(value: Any) -> str:
    """escape_text, plus the characters that would end or splice the JS template literal
    folium wraps popup and tooltip HTML in (backtick, ${ and backslash)."""
    return (escape_text(value).replace("\\", "&#92;").replace("`", "&#96;")
            .replace("$", "&#36;"))


def _fmt_date(value: Any) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return "unknown"
    return str(value)[:10]


def make_source_links(text: Any) -> str:
    """' | '-separated sources as escaped links (only plain http(s)); other text as text."""
    parts = []
    for part in str(text or "").split(" | "):
        part = part.strip()
        url = compute_safe_url(part) or compute_safe_url(part.split(" ")[0])
        if url:
            host = urlparse(url).netloc.removeprefix("www.")
            parts.append(f'<a href="{escape_html(url)}" target="_blank" rel="noopener noreferrer">'
                         f"{escape_html(host)}</a>")
        elif part:
            parts.append(escape_html(part))
    return ", ".join(parts)


def make_post_popup_html(post: dict[str, Any], history: list[dict[str, Any]], as_of: dt.date) -> str:
    """Popup of one post: names, established, status on the day, history with sources,
    how sure the position is."""
    colour, _, label = STATUS_STYLES.get(post["status"], STATUS_STYLES[NOT_ESTABLISHED])
    conf = str(post.get("coord_confidence") or "LOW")
    sources = {str(h.get("source_url") or "") for h in history}
    per_status = len(sources) > 1
    rows = "".join(
        f"<li{' style=color:#888' if _fmt_date(h['status_from']) > as_of.isoformat() else ''}>"
        f"{escape_html(_fmt_date(h['status_from']))}{' (approx.)' if h.get('date_approx') else ''}"
        f": {escape_html(h['status'])}{' (later)' if _fmt_date(h['status_from']) > as_of.isoformat() else ''}"
        + (f" — {make_source_links(h.get('source_url'))}" if per_status else "") + "</li>" for h in history)
    approx = " ≈ approximate position" if conf == "LOW" else ""
    return (
        f'<div class="cm-popup"><b>{escape_html(post["name"])}</b> — '
        f'<span style="color:{colour if colour != "#ffffff" else "#555"}"><b>{escape_html(label)}</b></span>'
        f" on {escape_html(as_of.isoformat())}<br>"
        f"<small>Also: {escape_html(post.get('alt_names') or '—')}</small><br>"
        f"Established: {escape_html(_fmt_date(post.get('established')))}<br>"
        f"Position: <b>{escape_html(conf)}</b> confidence ({escape_html(CONFIDENCE_TEXT.get(conf, ''))})"
        f"{approx}<br>Status history:<ul style='margin:2px 0 4px 16px;padding:0'>{rows}</ul>"
        + ("" if per_status else f"<small>Sources: {make_source_links(next(iter(sources), ''))}</small>")
        + "</div>")


def make_post_icon(status: str, confidence: str, site_id: str = "") -> folium.DivIcon:
    """A round badge coloured by status; encircled gets a ring, approximate a '≈'."""
    colour, letter, _ = STATUS_STYLES.get(status, STATUS_STYLES[NOT_ESTABLISHED])
    text = "#444" if colour == "#ffffff" else "#fff"
    ring = "box-shadow:0 0 0 3px #fff,0 0 0 5px #c62828;" if status == "encircled" else ""
    approx = ('<span style="position:absolute;left:24px;top:1px;font:bold 15px sans-serif;'
              'color:#222;text-shadow:0 0 3px #fff">≈</span>') if confidence == "LOW" else ""
    html = (f'<div style="position:relative;width:22px;height:22px;border-radius:50%;'
            f"background:{colour};border:2px solid #222;box-sizing:border-box;{ring}"
            f'color:{text};font:bold 12px/18px sans-serif;text-align:center">{letter}{approx}</div>')
    slug = status.replace(" ", "-")
    return folium.DivIcon(html=html, icon_size=(22, 22), icon_anchor=(11, 11),
                          class_name=f"cm-post cm-status-{slug} cm-site-{site_id}")


def build_posts_layer(posts: pd.DataFrame, statuses: pd.DataFrame, as_of: dt.date) -> folium.FeatureGroup:
    """The observation posts with their status on as_of (rows from compute_site_status_as_of)."""
    layer = folium.FeatureGroup(name="Observation posts (status on the date)", overlay=True)
    for post in posts.to_dict("records"):
        conf = str(post.get("coord_confidence") or "LOW")
        where = [float(post["latitude"]), float(post["longitude"])]
        if conf in APPROX_RADIUS_M:
            folium.Circle(where, radius=APPROX_RADIUS_M[conf], color="#444", weight=1.5,
                          dash_array="5 5", fill=False, interactive=False).add_to(layer)
        label = STATUS_STYLES.get(post["status"], STATUS_STYLES[NOT_ESTABLISHED])[2]
        popup = make_post_popup_html(post, compute_site_history(statuses, post["site_id"]), as_of)
        folium.Marker(where, icon=make_post_icon(post["status"], conf, re.sub(r"[^a-z0-9-]", "", str(post["site_id"]))),
                      tooltip=folium.Tooltip(f"{escape_html(post['name'])}: {escape_html(label)}"
                                             + (" (≈ position)" if conf == "LOW" else "")),
                      popup=folium.Popup(folium.Html(popup, script=True), max_width=380)
                      ).add_to(layer)
    return layer


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


def _colour_table(colour_by: str) -> dict[str, str]:
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
        "fath": dict(zip(map(str, wider.tolist()), high[wider].tolist())),
        "tot": np.flatnonzero(frame["is_running_total"].fillna(False).astype(bool).to_numpy()).tolist()
        if "is_running_total" in frame else [],
    }
    for key, column in (("typ", "event_type"), ("act", "action"), ("loc", "location"),
                        ("src", "source"), ("rep", "reported_by")):
        payload[key], payload[key + "s"] = _encode(frame[column]) if column in frame else ([-1] * n, [])
    payload["colour_key"] = "act" if colour_by == "action" else "typ"
    names = payload[payload["colour_key"] + "s"]
    payload["colours"] = [_colour_table(colour_by).get(html.unescape(v), UNKNOWN_COLOUR) for v in names]
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
    var i = layer.options.cmIndex, f = D.fat[i], fh = D.fath[i] === undefined ? f : D.fath[i], h = '<div class="cm-popup"><b>' + day(i) + '</b> · ' +
      t(D.acts, D.act[i]) + ' <small>(' + t(D.typs, D.typ[i]) + ')</small><br>' +
      t(D.actors, D.a1[i]) + (D.a2[i] >= 0 ? ' → ' + t(D.actors, D.a2[i]) : '') + '<br>';
    if (D.loc[i] >= 0) h += 'Place: ' + D.locs[D.loc[i]] + '<br>';
    if (f >= 0) h += 'Deaths: ' + f + (fh > f ? '–' + fh : '') + (layer.options.cmTotal ? ' (running total)' : '') + '<br>';
    h += 'Source: ' + t(D.srcs, D.src[i]) + (D.rep[i] >= 0 ? ' (reported by ' + D.reps[D.rep[i]] + ')' : '');
    if (D.url && D.url[i] >= 0) h += ' <a href="' + D.urls[D.url[i]] + '" target="_blank" rel="noopener noreferrer">link</a>';
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
    table = _colour_table(colour_by)
    shown = [k for k in table if categories is None or k in categories]
    events = "".join(f'<i style="background:{table[k]}"></i>{escape_html(k)}<br>' for k in shown)
    return (f'<details open><summary>Legend</summary><div style="display:flex;gap:12px">'
            f"<div><b>Observation posts</b><br>{posts}≈, dashed circle:<br>approximate position</div>"
            f"<div><b>Events by {escape_html(colour_by.replace('_', ' '))}</b><br>{events}"
            "size: deaths<br>dashed: running total</div></div></details>")


def build_idlib_map(posts: pd.DataFrame, statuses: pd.DataFrame, events: pd.DataFrame,
                    as_of: dt.date, *, tiles: str = "none", colour_by: str = "action",
                    admin1: gpd.GeoDataFrame | None = None, detail_limit: int = DETAIL_LIMIT
                    ) -> folium.Map:
    """The whole map. `posts` come from compute_site_status_as_of; `events` are those to show.
    tiles="none" starts on a plain background (offline), "osm" on OpenStreetMap tiles."""
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
    layer = build_events_layer(events, colour_by, detail_limit)
    layer.add_to(m)
    build_posts_layer(posts, statuses, as_of).add_to(m)
    MapExtras(make_legend_html(colour_by, [html.unescape(c) for c in layer.payload["cats"]] or None)).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)  # hover the layers icon to switch
    m.fit_bounds(IDLIB_BOUNDS, padding_top_left=(0, 5), padding_bottom_right=(0, 60))
    return m


def render_map_html(m: folium.Map) -> str:
    """The map as one standalone HTML page."""
    return m.get_root().render()
