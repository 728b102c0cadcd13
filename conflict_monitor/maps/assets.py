"""Offline map assets: Leaflet, Leaflet.markercluster and jQuery from the installed XStatic
packages, inlined into the map as data: URLs, so the map draws on a closed network.

Folium's Map and plugins list their scripts and stylesheets in `default_js` / `default_css`
(CDN URLs). Both the standalone HTML (`Figure.render`) and streamlit-folium read those lists:
folium writes `<script src=...>` tags, st_folium loads each URL in its iframe in order. A
base64 data: URL works in both, needs no extra route on the server and copies no file: the
bytes are read from the package at run time. Bootstrap, Font Awesome and awesome-markers are
dropped (this map does not use them). Only the optional tile layer needs the internet.
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Iterable
from pathlib import Path

import folium
import xstatic.pkg.jquery as xs_jquery
import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_markercluster
from folium.elements import JSCSSMixin

LEAFLET_DIR = Path(xs_leaflet.BASE_DIR)
MARKERCLUSTER_DIR = Path(xs_markercluster.BASE_DIR)
JQUERY_DIR = Path(xs_jquery.BASE_DIR)

_SOURCE_MAP_RE = re.compile(r"^\s*//# sourceMappingURL=.*$", re.MULTILINE)
_CSS_URL_RE = re.compile(r"url\((['\"]?)(images/[^'\")]+)\1\)")
# Tags and CSS references that make a browser fetch a script, stylesheet, font or image.
_ASSET_REF_RES = (
    re.compile(r"<script\b[^>]*\bsrc\s*=\s*['\"]?([^'\"\s>]+)", re.IGNORECASE),
    re.compile(r"<link\b[^>]*\bhref\s*=\s*['\"]?([^'\"\s>]+)", re.IGNORECASE),
    re.compile(r"@import\s+(?:url\()?['\"]?([^'\")\s;]+)", re.IGNORECASE),
    re.compile(r"url\(\s*['\"]?(https?:[^'\")\s]+)", re.IGNORECASE),
)


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: install the XStatic packages from requirements.txt "
            "(xstatic-leaflet, xstatic-leaflet-markercluster, xstatic-jquery).")
    return _SOURCE_MAP_RE.sub("", path.read_text(encoding="utf-8"))


def make_data_url(content: str | bytes, mime: str) -> str:
    """A base64 data: URL (no quotes or spaces, so it survives any HTML attribute)."""
    raw = content.encode("utf-8") if isinstance(content, str) else content
    return f"data:{mime};base64,{base64.b64encode(raw).decode('ascii')}"


def _image_url(name: str) -> str:
    return make_data_url((LEAFLET_DIR / "images" / name).read_bytes(), "image/png")


@functools.lru_cache(maxsize=1)
def get_leaflet_js_url() -> str:
    """Leaflet, plus default marker icons taken from the package (no image requests)."""
    icons = {"iconUrl": "marker-icon.png", "iconRetinaUrl": "marker-icon-2x.png",
             "shadowUrl": "marker-shadow.png"}
    options = ",".join(f"{key}:'{_image_url(name)}'" for key, name in icons.items())
    source = (_read_text(LEAFLET_DIR / "leaflet.js")
              + f"\nL.Icon.Default.imagePath='';L.Icon.Default.mergeOptions({{{options}}});\n")
    return make_data_url(source, "text/javascript")


@functools.lru_cache(maxsize=1)
def get_leaflet_css_url() -> str:
    """Leaflet's stylesheet with its images (layer-control icon, markers) inlined."""
    css = _CSS_URL_RE.sub(lambda m: f"url({_image_url(Path(m.group(2)).name)})",
                          _read_text(LEAFLET_DIR / "leaflet.css"))
    return make_data_url(css, "text/css")


@functools.lru_cache(maxsize=1)
def get_jquery_js_url() -> str:
    """jQuery: folium's popup script builds the popup element with $(...)."""
    return make_data_url(_read_text(JQUERY_DIR / "jquery.min.js"), "text/javascript")


@functools.lru_cache(maxsize=1)
def get_markercluster_js_url() -> str:
    return make_data_url(_read_text(MARKERCLUSTER_DIR / "leaflet.markercluster.js"),
                         "text/javascript")


@functools.lru_cache(maxsize=1)
def get_markercluster_css_urls() -> tuple[str, str]:
    return (make_data_url(_read_text(MARKERCLUSTER_DIR / "MarkerCluster.css"), "text/css"),
            make_data_url(_read_text(MARKERCLUSTER_DIR / "MarkerCluster.Default.css"), "text/css"))


def get_map_assets() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(default_js, default_css) for a folium.Map: Leaflet and jQuery, nothing from a CDN."""
    return ([("leaflet", get_leaflet_js_url()), ("jquery", get_jquery_js_url())],
            [("leaflet_css", get_leaflet_css_url())])


def get_markercluster_assets() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(default_js, default_css) for a layer that clusters with Leaflet.markercluster."""
    css, default_css = get_markercluster_css_urls()
    return ([("markercluster", get_markercluster_js_url())],
            [("markercluster_css", css), ("markercluster_default_css", default_css)])


class MarkerClusterMixin(JSCSSMixin):
    """Mix into a folium Layer that builds an L.markerClusterGroup: assets read lazily."""

    @property
    def default_js(self) -> list[tuple[str, str]]:  # type: ignore[override]
        return get_markercluster_assets()[0]

    @property
    def default_css(self) -> list[tuple[str, str]]:  # type: ignore[override]
        return get_markercluster_assets()[1]


def apply_offline_assets(m: folium.Map) -> folium.Map:
    """Replace the map's CDN scripts and stylesheets by the inlined XStatic ones."""
    m.default_js, m.default_css = get_map_assets()
    return m


def find_external_asset_urls(html: str, allowed_prefixes: Iterable[str] = ()) -> list[str]:
    """http(s) or protocol-relative URLs the page would fetch as script, stylesheet or CSS
    resource (tiles and plain <a href> links are not assets). For tests and checks."""
    allowed = tuple(allowed_prefixes)
    found = []
    for pattern in _ASSET_REF_RES:
        for url in pattern.findall(html):
            if url.lower().startswith(("http:", "https:", "//")) and not url.startswith(allowed):
                found.append(url)
    return found
