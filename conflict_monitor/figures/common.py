"""What every plotly chart shares: html-escaping of article text, the caption line (active
filters and data sources) drawn inside the image so a downloaded PNG keeps it, the common
layout, the empty-state figure and the st.plotly_chart config.
"""

from __future__ import annotations

import html
import textwrap
from typing import Any

import pandas as pd
import plotly.graph_objects as go

EMPTY_TEXT = "No events match these filters."


def esc(value: Any, width: int | None = None) -> str:
    """Plain text made safe for plotly hover/annotation HTML; optionally truncated."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    text = str(value)
    if width and len(text) > width:
        text = text[: width - 1].rstrip() + "…"
    return html.escape(text)


def wrap_html(text: str, width: int = 90) -> str:
    """Escape then wrap a long line into <br>-separated lines."""
    return "<br>".join(html.escape(line) for line in textwrap.wrap(str(text), width)) or ""


def chart_config(filename: str) -> dict[str, Any]:
    """st.plotly_chart config: the modebar's camera button saves a PNG under this name."""
    return {"toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
            "displaylogo": False}


def format_sources(sources: pd.DataFrame, limit: int = 6) -> str:
    """'AFP (manual, 12), Reference timeline (reference, 47)…' from query_sources output."""
    if sources is None or sources.empty:
        return "none"
    parts = [f"{r.source} ({r.origin}, {int(r.n):,})" for r in sources.head(limit).itertuples()]
    more = len(sources) - limit
    return ", ".join(parts) + (f" and {more} more" if more > 0 else "")


def make_caption(filters: str, sources: str) -> str:
    """The caption line under every chart (and inside its PNG)."""
    return f"Filters: {filters}. Sources: {sources}."


def finish_figure(fig: go.Figure, title: str, caption: str, height: int = 420) -> go.Figure:
    """Title, legend and margins of every chart, and its caption inside the image."""
    lines = wrap_html(caption, 150)
    fig.update_layout(title={"text": esc(title), "x": 0, "xanchor": "left", "y": 0.98, "yanchor": "top"},
                      height=height, hovermode="closest",
                      margin={"l": 50, "r": 20, "t": 90, "b": 70 + 14 * lines.count("<br>")},
                      legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "xanchor": "left"})
    fig.add_annotation(text=lines, xref="paper", yref="paper", x=0, y=0, yshift=-48,
                       xanchor="left", yanchor="top", showarrow=False, align="left",
                       font={"size": 10, "color": "#555"})
    return fig


def make_empty_figure(title: str, caption: str) -> go.Figure:
    """A chart that only says no event matches the filters (with its title and caption)."""
    fig = go.Figure()
    fig.add_annotation(text=EMPTY_TEXT, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return finish_figure(fig, title, caption, 260)

