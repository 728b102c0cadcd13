"""Plotly figures of the Timeline page: events per period, the escalation index with its
key-event strip, the index per actor pair, and the chart selection read back into picks.
Pure: tables in, go.Figure out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from conflict_monitor.figures.common import esc, finish_figure, make_empty_figure, wrap_html

KIND_STYLE = {  # key-event strip: label, marker symbol, colour
    "deaths": ("Deadliest incidents", "x", "#b2182b"),
    "ultimatum": ("Ultimatums", "diamond", "#e08214"),
    "deadline": ("Ultimatum deadlines", "line-ns-open", "#e08214"),
    "ceasefire": ("Ceasefires", "star", "#1b7837"),
}


def format_event_hover(rows: Iterable[dict[str, Any]]) -> str:
    """One block per event: date, who did what to whom, deaths, and the evidence sentence."""
    blocks = []
    for r in rows:
        day = pd.Timestamp(r["event_date"]).strftime("%Y-%m-%d") if pd.notna(r.get("event_date")) else "?"
        deaths = r.get("fatalities")
        dead = f" · {int(deaths)} killed" if deaths is not None and pd.notna(deaths) and deaths else ""
        head = (f"<b>{day}</b> {esc(r.get('actor1'))} → {esc(r.get('action'))} → "
                f"{esc(r.get('actor2')) or '—'}{dead}")
        where = esc(r.get("location"), 60)
        src = esc(r.get("reported_by") or r.get("source"), 60)
        evidence = wrap_html(str(r.get("evidence") or "")[:240], 80)
        blocks.append(head + (f" · {where}" if where else "") + (f"<br><i>{evidence}</i>" if evidence else "")
                      + (f"<br>source: {src}" if src else ""))
    return "<br><br>".join(blocks)


def make_events_figure(counts: pd.DataFrame, period: str, stack_label: str, caption: str) -> go.Figure:
    """Stacked bars: incidents per period, one colour per category (action or ACLED type); the
    hover also gives the reports behind them."""
    title = f"Incidents per {period}, by {stack_label}"
    if counts.empty:
        return make_empty_figure(title, caption)
    fig = go.Figure()
    order = counts.groupby("category")["incidents"].sum().sort_values(ascending=False).index
    palette = px.colors.qualitative.Safe + px.colors.qualitative.Pastel
    reports = counts["reports"] if "reports" in counts else counts["incidents"]
    for i, category in enumerate(order):
        part = counts[counts["category"] == category]
        iso = part["period"].dt.strftime("%Y-%m-%d")
        fig.add_bar(x=part["period"], y=part["incidents"], name=esc(category),
                    marker_color=palette[i % len(palette)],
                    customdata=[["cell", d, category, int(n)] for d, n in zip(iso, reports[part.index], strict=False)],
                    hovertemplate=f"{period} of %{{x|%Y-%m-%d}}<br>{esc(category)}: %{{y}} incidents"
                                  " (%{customdata[3]} reports)<extra></extra>")
    fig.update_layout(barmode="stack", yaxis_title="incidents", dragmode="select", clickmode="event+select",
                      legend_traceorder="normal")
    return finish_figure(fig, title, caption)


def make_escalation_figure(index: pd.DataFrame, daily: pd.DataFrame, weekly: pd.DataFrame,
                           key_events: pd.DataFrame, samples: pd.DataFrame, period: str,
                           caption: str) -> go.Figure:
    """The escalation index per period (bars, hover lists the gravest events with evidence),
    its 7-day rolling mean (line, per day, right axis), weeks flagged as large increases and a
    strip of key events below: deadliest incidents, ultimatums with their deadline, ceasefires."""
    title = f"Escalation index per {period} (sum of |Goldstein| of conflictual incidents)"
    if index.empty or not index["intensity"].any():
        return make_empty_figure(title, caption)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.74, 0.26],
                        vertical_spacing=0.04, specs=[[{"secondary_y": True}], [{}]])
    blocks: dict[Any, list[str]] = {}
    for r in samples.to_dict("records"):
        blocks.setdefault(r["period"], []).append(format_event_hover([r]))
    hover = {p: "<br><br>".join(b) for p, b in blocks.items()}
    shown = samples.groupby("period").size() if len(samples) else pd.Series(dtype=int)
    text = [hover.get(p, "") + (f"<br>… and {int(n) - shown.get(p, 0)} more incidents"
                                if n > shown.get(p, 0) else "")
            for p, n in zip(index["period"], index["conflict_incidents"], strict=False)]
    fig.add_bar(x=index["period"], y=index["intensity"], name=f"index per {period}",
                marker_color="#d6604d", text=None, hovertext=text,
                customdata=[["period", p.strftime("%Y-%m-%d")] for p in index["period"]],
                hovertemplate=f"<b>{period} of %{{x|%Y-%m-%d}}: index %{{y:.1f}}</b><br>%{{hovertext}}"
                              "<extra></extra>", row=1, col=1)
    fig.add_scatter(x=daily["day"], y=daily["rolling_7d"], mode="lines", name="7-day rolling mean (per day)",
                    line={"color": "#2166ac", "width": 2}, hovertemplate="%{x|%Y-%m-%d}: %{y:.1f} per day"
                    "<extra>7-day mean</extra>", row=1, col=1, secondary_y=True)
    flagged = weekly[weekly["flagged"]] if len(weekly) else weekly
    if len(flagged):
        top = float(index["intensity"].max())
        fig.add_scatter(x=flagged["period"] + pd.Timedelta(days=3), y=[top * 1.08] * len(flagged),
                        mode="markers", marker={"symbol": "triangle-down", "size": 11, "color": "#67001f"},
                        name="large increase (>25 % over 4-week mean)",
                        customdata=[["period", p.strftime("%Y-%m-%d"), v, b] for p, v, b in
                                    zip(flagged["period"], flagged["intensity"], flagged["baseline"], strict=False)],
                        hovertemplate="week of %{customdata[1]}: index %{customdata[2]:.1f}, "
                                      "4-week average before %{customdata[3]:.1f}<extra>large increase</extra>",
                        row=1, col=1)
    _add_key_strip(fig, key_events)
    _annotate_deadliest(fig, index, key_events)
    fig.update_yaxes(title_text="index", row=1, col=1, secondary_y=False, rangemode="tozero")
    fig.update_yaxes(title_text="per day (7-day mean)", row=1, col=1, secondary_y=True, showgrid=False,
                     rangemode="tozero", tickformat=",.0f")
    fig.update_layout(dragmode="select", clickmode="event+select", bargap=0.1)
    return finish_figure(fig, title, caption, 560)


def _annotate_deadliest(fig: go.Figure, index: pd.DataFrame, key_events: pd.DataFrame, n: int = 3) -> None:
    """Arrows on the index bars to the `n` deadliest incidents: 'low–high killed, place'."""
    if key_events is None or key_events.empty:
        return
    deadly = key_events[key_events["kind"] == "deaths"].head(n)
    for r in deadly.to_dict("records"):
        bars = index[index["period"] <= r["event_date"]]
        if bars.empty:
            continue
        lo, hi = int(r["fatalities_low"]), int(r["fatalities"])
        figure = f"{lo}–{hi}" if lo != hi else f"{hi}"
        fig.add_annotation(x=bars["period"].iloc[-1], y=float(bars["intensity"].iloc[-1]), row=1, col=1,
                           text=f"{figure} killed<br>{esc(r.get('location'), 28)}", showarrow=True,
                           arrowhead=2, ax=-60, ay=-30, font={"size": 10, "color": KIND_STYLE["deaths"][2]},
                           bgcolor="rgba(255,255,255,0.8)")


def _add_key_strip(fig: go.Figure, key_events: pd.DataFrame) -> None:
    """Row 2: one line per kind of key event; an ultimatum is joined to its deadline marker."""
    if key_events is None or key_events.empty:
        fig.update_yaxes(visible=False, row=2, col=1)
        return
    rows, links_x, links_y, shapes = [], [], [], []
    colour = KIND_STYLE["deadline"][2]
    for r in key_events.to_dict("records"):
        rows.append({**r, "y": r["kind"], "x": r["event_date"]})
        if r["kind"] == "ultimatum" and pd.notna(r.get("deadline")):
            rows.append({**r, "kind": "deadline", "y": "deadline", "x": r["deadline"]})
            links_x += [r["event_date"], r["deadline"], None]
            links_y += ["ultimatum", "deadline", None]
            day = pd.Timestamp(r["deadline"]).strftime("%Y-%m-%d")
            shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": day, "x1": day, "y0": 0,
                           "y1": 1, "line": {"color": colour, "dash": "dash", "width": 1.5}, "opacity": 0.7})
            if len(shapes) <= 3:
                fig.add_annotation(x=day, y=1, yref="paper", yanchor="bottom", showarrow=False,
                                   text=f"deadline {day}", font={"size": 10, "color": colour})
    if shapes:
        fig.add_scatter(x=links_x, y=links_y, mode="lines", line={"color": colour, "dash": "dot"},
                        showlegend=False, hoverinfo="skip", row=2, col=1)
        fig.update_layout(shapes=shapes)
    frame = pd.DataFrame(rows)
    for kind, (label, symbol, colour) in KIND_STYLE.items():
        part = frame[frame["kind"] == kind]
        if part.empty:
            continue
        if kind == "deadline":
            labels = [f"{pd.Timestamp(d):%d %b}" for d in part["x"]]
        else:
            labels = [""] * len(part)
        hovers = [(f"<b>Deadline {pd.Timestamp(r['x']):%Y-%m-%d}</b> of the ultimatum of "
                   f"{pd.Timestamp(r['event_date']):%Y-%m-%d}<br>" if kind == "deadline" else "")
                  + format_event_hover([r]) for r in part.to_dict("records")]
        fig.add_scatter(x=part["x"], y=part["y"], mode="markers+text", text=labels,
                        textposition="middle right", textfont={"size": 9},
                        marker={"symbol": symbol, "size": 12, "color": colour,
                                "line": {"width": 2, "color": colour}},
                        name=label, hovertext=hovers, hovertemplate="%{hovertext}<extra></extra>",
                        customdata=[["event", e] for e in part["event_id"]], row=2, col=1)
    fig.update_yaxes(type="category", categoryorder="array",
                     categoryarray=[k for k in ("ceasefire", "deadline", "ultimatum", "deaths")],
                     row=2, col=1, showgrid=False)


def parse_selection(selection: dict[str, Any] | None, periods: Iterable[Any] = ()
                    ) -> tuple[list[tuple[str, str | None]], list[str]]:
    """Chart selection -> (period start, category or None) picks and event ids.

    Clicked points carry their customdata; a box drawn over bars selects the periods whose
    start (the bar's centre) lies inside it, as plotly does not report bars under a box."""
    selection = selection or {}
    picks: list[tuple[str, str | None]] = []
    event_ids: list[str] = []
    for point in selection.get("points") or []:
        data = point.get("customdata") or []
        if len(data) >= 2 and data[0] == "event":
            event_ids.append(str(data[1]))
        elif len(data) >= 2 and data[0] == "period":
            picks.append((str(data[1]), None))
        elif len(data) >= 3 and data[0] == "cell":
            picks.append((str(data[1]), str(data[2])))
    starts = pd.to_datetime(pd.Series(list(periods), dtype="object"))
    for box in selection.get("box") or []:
        if box.get("xref", "x") != "x" or len(box.get("x") or []) < 2:
            continue
        low, high = sorted(pd.to_datetime(box["x"][:2]))
        picks += [(p.strftime("%Y-%m-%d"), None) for p in starts if low <= p <= high]
    return list(dict.fromkeys(picks)), list(dict.fromkeys(event_ids))


def make_pairs_figure(pair_index: pd.DataFrame, period: str, caption: str) -> go.Figure:
    """Small multiples: the escalation index per period for each of the top actor pairs."""
    title = f"Escalation index per {period}, by actor pair"
    if pair_index.empty:
        return make_empty_figure(title, caption)
    frame = pair_index.assign(pair=pair_index["pair"].map(esc))
    fig = px.bar(frame, x="period", y="intensity", facet_col="pair", facet_col_wrap=3,
                 facet_row_spacing=0.12, facet_col_spacing=0.05, color_discrete_sequence=["#d6604d"])
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=", 1)[-1], font={"size": 11}))
    fig.update_traces(hovertemplate="%{x|%Y-%m-%d}: %{y:.1f}<extra></extra>")
    fig.update_yaxes(title_text="", matches=None, showticklabels=True)
    fig.update_xaxes(title_text="")
    rows = -(-frame["pair"].nunique() // 3)
    return finish_figure(fig, title, caption, 170 + 190 * rows)
