"""The Timeline's strip of control changes: places gained (up) and lost (down) per week by
each side."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from conflict_monitor.figures.common import esc, finish_figure, make_empty_figure

TITLE = "Control changes: places gained and lost per week"


def make_control_changes_figure(weekly: pd.DataFrame, colours: dict[str, str], caption: str) -> go.Figure:
    """Bars per side: gains above zero, losses below; the hover names the places."""
    if weekly.empty:
        return make_empty_figure(TITLE, caption)
    fig = go.Figure()
    for side, rows in weekly.groupby("side", sort=False):
        colour = colours.get(side, "#9e9e9e")
        weeks = pd.to_datetime(rows["week"])
        fig.add_bar(x=weeks, y=rows["gained"], name=f"{esc(side)} gained", marker_color=colour,
                    customdata=[esc(p) for p in rows["places_gained"]], legendgroup=esc(side),
                    hovertemplate="week of %{x|%d %b %Y}: +%{y}<br>%{customdata}<extra>" + esc(side) + "</extra>")
        fig.add_bar(x=weeks, y=-rows["lost"], name=f"{esc(side)} lost", marker_color=colour, opacity=0.45,
                    marker_pattern_shape="/", customdata=[esc(p) for p in rows["places_lost"]], legendgroup=esc(side),
                    hovertemplate="week of %{x|%d %b %Y}: %{y}<br>%{customdata}<extra>" + esc(side) + "</extra>")
    fig.update_layout(barmode="relative", bargap=0.15)
    fig.update_yaxes(title_text="places (gained + / lost −)", zeroline=True, zerolinecolor="#444")
    fig.update_xaxes(title_text="week (Monday)")
    return finish_figure(fig, TITLE, caption, 340)
