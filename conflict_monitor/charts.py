"""Plotly figure builders, as the pages and benchmarks call them (charts.make_*_figure).

A thin re-export: the figures live in timeline_charts and casualty_charts, the caption,
escaping and config they share in chart_common.
"""

from __future__ import annotations

from conflict_monitor.casualty_charts import make_claims_figure, make_cumulative_figure, make_totals_figure
from conflict_monitor.chart_common import EMPTY_TEXT, chart_config, format_sources, make_caption
from conflict_monitor.timeline_charts import (
    make_escalation_figure, make_events_figure, make_pairs_figure, parse_selection,
)

__all__ = [
    "EMPTY_TEXT", "chart_config", "format_sources", "make_caption", "make_claims_figure",
    "make_cumulative_figure", "make_escalation_figure", "make_events_figure", "make_pairs_figure",
    "make_totals_figure", "parse_selection",
]
