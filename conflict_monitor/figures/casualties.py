"""Plotly figures of the Casualties page: cumulative deaths (low to high band), conflicting
claims per incident, deaths per group. Pure: tables in, go.Figure out.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from conflict_monitor.figures.common import esc, finish_figure, make_empty_figure, wrap_html


def make_cumulative_figure(cumulative: pd.DataFrame, running: pd.DataFrame, caption: str) -> go.Figure:
    """Cumulative incident deaths (low to high band); running totals as separate markers."""
    title = "Cumulative deaths in incidents (lowest report per incident to highest)"
    if cumulative.empty and (running is None or running.empty):
        return make_empty_figure(title, caption)
    fig = go.Figure()
    fig.add_scatter(x=cumulative["day"], y=cumulative["low"], mode="lines", line_shape="hv",
                    name="low (lowest report per incident)", line={"color": "#b2182b"},
                    hovertemplate="%{x|%Y-%m-%d}: %{y:,} (low)<extra></extra>")
    fig.add_scatter(x=cumulative["day"], y=cumulative["high"], mode="lines", line_shape="hv",
                    name="high (highest report)", line={"color": "#f4a582"}, fill="tonexty",
                    hovertemplate="%{x|%Y-%m-%d}: %{y:,} (high)<extra></extra>")
    if running is not None and len(running):
        hovers = [f"<b>{esc(r['claimant'], 80)}</b>: {esc(r['fatalities_qualifier']) or ''} "
                  f"{int(r['low'])} {esc(r['victims'])}<br><i>{wrap_html(str(r['evidence'] or '')[:240], 80)}</i>"
                  for r in running.to_dict("records")]
        fig.add_scatter(x=running["event_date"], y=running["low"], mode="markers",
                        marker={"symbol": "square-open", "size": 10, "color": "#4d4d4d"},
                        name="running totals as reported (not added)", hovertext=hovers,
                        hovertemplate="%{hovertext}<extra>running total</extra>")
    fig.update_yaxes(title_text="deaths", rangemode="tozero")
    return finish_figure(fig, title, caption)


def make_claims_figure(conflicts: pd.DataFrame, caption: str, limit: int = 15) -> go.Figure:
    """Conflicting claims side by side: one line per incident from the lowest to the highest
    claim, one labelled dot per source."""
    title = "Conflicting claims: each source's figure for the same incident"
    if conflicts.empty:
        return make_empty_figure(title, caption)
    top = conflicts.head(limit).iloc[::-1]
    labels = [f"{pd.Timestamp(d):%Y-%m-%d} {esc(p, 40)} ({esc(v)})"
              for d, p, v in zip(top["first_day"], top["location"].fillna(""), top["victim_group"], strict=False)]
    fig = go.Figure()
    for label, (lo, hi) in zip(labels, zip(top["low"], top["high"], strict=False), strict=False):
        fig.add_scatter(x=[lo, hi], y=[label, label], mode="lines", line={"color": "#bbbbbb", "width": 6},
                        showlegend=False, hoverinfo="skip")
    xs, ys, texts, hovers = [], [], [], []
    for label, claims in zip(labels, top["claims"], strict=False):
        for c in claims:
            xs.append(c["low"])
            ys.append(label)
            texts.append(f"{c['low']}")
            hovers.append(f"{esc(c['claimant'], 80)}: {c['low']}" + (f"–{c['high']}" if c["high"] != c["low"] else ""))
    fig.add_scatter(x=xs, y=ys, mode="markers+text", text=texts, textposition="top center",
                    marker={"size": 12, "color": "#2166ac"}, name="claim", hovertext=hovers,
                    hovertemplate="%{hovertext}<extra></extra>", showlegend=False)
    fig.update_xaxes(title_text="deaths claimed", rangemode="tozero")
    return finish_figure(fig, title, caption, 160 + 40 * len(top))


def make_totals_figure(totals: pd.DataFrame, dim: str, label: str, caption: str, limit: int = 12) -> go.Figure:
    """Horizontal bars of the low figure per group, with the range up to the high figure."""
    title = f"Deaths by {label} (low to high)"
    part = totals[totals["dim"] == dim].head(limit).iloc[::-1]
    if part.empty:
        return make_empty_figure(title, caption)
    names = [esc(v, 50) for v in part["label"]]
    fig = go.Figure(go.Bar(x=part["low"], y=names, orientation="h", marker_color="#b2182b", name="low",
                           error_x={"type": "data", "symmetric": False, "array": part["high"] - part["low"],
                                    "arrayminus": [0] * len(part), "color": "#555"},
                           customdata=part[["high", "incidents"]].to_numpy(),
                           hovertemplate="%{y}: %{x:,}–%{customdata[0]:,} deaths in %{customdata[1]:,} "
                                         "incidents<extra></extra>"))
    fig.update_xaxes(title_text="deaths", rangemode="tozero")
    return finish_figure(fig, title, caption, 160 + 28 * len(part))
