"""Map elements whose rendered script goes into the page as it is.

branca renders a MacroElement's macros and puts each result in the page as a new Element, which
compiles that text as a Jinja template only to print it again (MacroElement.render, and
folium's Popup.render): once per marker, tooltip and popup, half the time of building the Map
page's HTML (236 templates for the first view of a 10M store, 42 with these; 0.16 -> 0.08 s of
render_map_html, 30 Nov 2026, load 2.5).
The elements here render the same macros and keep the text as it is, as Jinja would print it:
newlines as \\n, without one trailing newline (escape_html already keeps template syntax in the
data from meaning anything).
"""

from __future__ import annotations

from typing import Any

import folium
from branca.element import Element, Figure, MacroElement


class RawText(Element):
    """Text put in the page as Jinja would print it (see the module's docstring)."""

    def __init__(self, text: str):
        super().__init__()
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.text = text[:-1] if text.endswith("\n") else text

    def render(self, **kwargs: Any) -> str:
        return self.text


def _put(parent: Element, name: str, text: str) -> None:
    """As parent.add_child(Element(text), name=name), without compiling the text."""
    parent.add_child(RawText(text), name=name)


class RawMacroRender(MacroElement):
    """MacroElement.render with the rendered macros kept as text; put it after the folium class
    among the bases (class X(folium.Marker, RawMacroRender)), so that the folium class's own
    render runs first and reaches this one through super()."""

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("You cannot render this Element if it is not in a Figure.")
        macros = self._template.module.__dict__
        for part in ("header", "html", "script"):
            if macros.get(part) is not None:
                _put(getattr(figure, part), self.get_name(), macros[part](self, kwargs))
        for element in self._children.values():
            element.render(**kwargs)


class Marker(folium.Marker, RawMacroRender):
    """folium.Marker, rendered without compiling its script."""


class CircleMarker(folium.CircleMarker, RawMacroRender):
    """folium.CircleMarker, rendered without compiling its script."""


class Circle(folium.Circle, RawMacroRender):
    """folium.Circle, rendered without compiling its script."""


class Tooltip(folium.Tooltip, RawMacroRender):
    """folium.Tooltip, rendered without compiling its script."""


class DivIcon(folium.DivIcon, RawMacroRender):
    """folium.DivIcon, rendered without compiling its script."""


class Popup(folium.Popup):
    """folium.Popup, rendered without compiling its script (folium.Popup.render otherwise)."""

    def render(self, **kwargs: Any) -> None:
        for child in self._children.values():
            child.render(**kwargs)
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("You cannot render this Element if it is not in a Figure.")
        _put(figure.script, self.get_name(), self._template.render(this=self, kwargs=kwargs))
