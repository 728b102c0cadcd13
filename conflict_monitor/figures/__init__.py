"""Plotly figure builders (make_*_figure), one module per page."""
