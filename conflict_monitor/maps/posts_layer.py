"""The observation-post layer of the map: a badge per post coloured by its status on a date,
an uncertainty circle around approximate positions, a popup with the status history."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import folium
import numpy as np
import pandas as pd

from conflict_monitor.maps import raw_render as raw
from conflict_monitor.maps.html import escape_html, make_source_links
from conflict_monitor.maps.sites import NOT_ESTABLISHED, compute_site_history

APPROX_RADIUS_M = {"LOW": 4000}  # uncertainty circle drawn around LOW-confidence posts
STATUS_STYLES: dict[str, tuple[str, str, str]] = {  # status: (colour, letter, label)
    "planned": ("#1565c0", "P", "planned"), "active": ("#2e7d32", "A", "active"),
    "encircled": ("#c62828", "E", "encircled"), "evacuated": ("#757575", "V", "evacuated"),
    "closed": ("#212121", "C", "closed"), NOT_ESTABLISHED: ("#ffffff", "–", "not yet established"),
}
CONFIDENCE_TEXT = {"HIGH": "surveyed or published coordinate", "MEDIUM": "placed at a named town "
                   "or village, probably within 1-3 km", "LOW": "derived from descriptions; "
                   "could be several km off (dashed circle)"}


_BASIS_RE = re.compile(r"Coordinate basis:\s*(.+?\))", re.IGNORECASE)


def compute_coord_basis(notes: str | None) -> str:
    """The basis of a post's position as its notes state it ('named village (MEDIUM)',
    'published satellite-derived point (MEDIUM-HIGH, ~0.5 km)'); empty when the notes say none."""
    match = _BASIS_RE.search(notes or "")
    return match.group(1).strip() if match else ""


def _fmt_date(value: Any) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return "unknown"
    return str(value)[:10]


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
        f"{approx}<br>Coordinate basis: {escape_html(compute_coord_basis(post.get('notes')) or 'not stated')}"
        f"<br>Status history:<ul style='margin:2px 0 4px 16px;padding:0'>{rows}</ul>"
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
    return raw.DivIcon(html=html, icon_size=(22, 22), icon_anchor=(11, 11),
                       class_name=f"cm-post cm-status-{slug} cm-site-{site_id}")


def build_posts_layer(posts: pd.DataFrame, statuses: pd.DataFrame, as_of: dt.date) -> folium.FeatureGroup:
    """The observation posts with their status on as_of (rows from compute_site_status_as_of)."""
    layer = folium.FeatureGroup(name="Observation posts (status on the date)", overlay=True)
    for post in posts.to_dict("records"):
        conf = str(post.get("coord_confidence") or "LOW")
        where = [float(post["latitude"]), float(post["longitude"])]
        if conf in APPROX_RADIUS_M:
            raw.Circle(where, radius=APPROX_RADIUS_M[conf], color="#444", weight=1.5,
                       dash_array="5 5", fill=False, interactive=False).add_to(layer)
        label = STATUS_STYLES.get(post["status"], STATUS_STYLES[NOT_ESTABLISHED])[2]
        popup = make_post_popup_html(post, compute_site_history(statuses, post["site_id"]), as_of)
        raw.Marker(where, icon=make_post_icon(post["status"], conf, re.sub(r"[^a-z0-9-]", "", str(post["site_id"]))),
                   tooltip=raw.Tooltip(f"{escape_html(post['name'])}: {escape_html(label)}"
                                       + (" (≈ position)" if conf == "LOW" else "")),
                   popup=raw.Popup(folium.Html(popup, script=True), max_width=380)
                   ).add_to(layer)
    return layer
