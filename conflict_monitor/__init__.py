"""Conflict monitor core: event model, extraction, store, metrics and figure builders.

Never imports streamlit: the dashboard's pages call into this package.
"""

__version__ = "0.1.0"
