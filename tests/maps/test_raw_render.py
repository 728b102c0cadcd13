"""maps.raw_render: the elements put their rendered script in the page as folium's own do,
without compiling it as a template."""

from __future__ import annotations

import re

import folium
import jinja2
import pytest

from conflict_monitor.maps import raw_render as raw
from conflict_monitor.maps.html import escape_html


def _page(module, text: str) -> str:
    """A map with a marker, a circle marker and a circle, each with a tooltip and a popup
    holding `text`, rendered with ids numbered in order of appearance."""
    m = folium.Map(location=[35.8, 36.6], zoom_start=9, tiles=None)
    icon = module.DivIcon(html=f"<b>{text}</b>", icon_size=(22, 22), icon_anchor=(11, 11), class_name="cm-post")
    module.Marker([35.8, 36.6], icon=icon, tooltip=module.Tooltip(text),
                  popup=module.Popup(folium.Html(text, script=True), max_width=380)).add_to(m)
    module.CircleMarker([35.9, 36.7], radius=7, fill=True, tooltip=module.Tooltip(text),
                        popup=module.Popup(folium.Html(text, script=True))).add_to(m)
    module.Circle([35.7, 36.5], radius=500, fill=False, interactive=False).add_to(m)
    ids: dict[str, str] = {}
    return re.sub(r"[0-9a-f]{32}", lambda x: ids.setdefault(x.group(0), f"ID{len(ids)}"), m.get_root().render())


@pytest.mark.parametrize("text", ["Saraqib: held", "two\r\nlines\rand a trailing newline\n",
                                  escape_html("<b>{{ 6 * 7 }}</b> {% if x %}")])
def test_the_page_is_the_one_folium_renders(text):
    assert _page(raw, text) == _page(folium, text)


def test_no_rendered_script_is_compiled(monkeypatch):
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def compile_(self, source, *args, **kwargs):
        compiled.append(source)
        return original(self, source, *args, **kwargs)
    monkeypatch.setattr(jinja2.Environment, "compile", compile_)
    _page(raw, "Saraqib")
    assert not [s for s in compiled if "Saraqib" in s]  # folium's own compile the tooltips and popups
    compiled.clear()
    _page(folium, "Saraqib")
    assert [s for s in compiled if "Saraqib" in s]
