"""Keep the shared filters in the URL's query string, datasette-style, so a link is a view."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import streamlit as st

from conflict_monitor.model.filters import EventFilter, compute_query_params, parse_filter_params

# Query keys a page owns (set by the page after the sidebar ran): never filters, kept as they are.
PAGE_KEYS: frozenset[str] = frozenset({"asof"})  # asof: the Map page's date


def read_url_filter(options: dict[str, Any]) -> tuple[EventFilter, list[str]]:
    """The filter the current URL asks for, and notices for what was dropped."""
    params = {key: st.query_params.get_all(key) for key in st.query_params.keys()
              if key not in PAGE_KEYS}
    known = {"actors": options["actors"], "countries": options["countries"],
             "sources": options["sources"]}
    return parse_filter_params(params, known)


def write_url_filter(flt: EventFilter) -> None:
    """Put the filter in the URL (only when it differs, to avoid needless browser updates)."""
    current = {key: st.query_params.get_all(key) for key in st.query_params.keys()}
    wanted = compute_query_params(flt)
    wanted.update({key: values for key, values in current.items() if key in PAGE_KEYS})
    if current != wanted:
        st.query_params.from_dict(wanted)


def compute_share_link(flt: EventFilter) -> str:
    """Absolute link to this page with the filter, for the "Copy link" box."""
    base = ""
    try:
        base = (st.context.url or "").split("?", 1)[0]
    except AttributeError:  # older Streamlit without st.context.url
        base = ""
    params = compute_query_params(flt)
    params.update({key: st.query_params.get_all(key) for key in st.query_params.keys()
                   if key in PAGE_KEYS})
    query = urlencode(params, doseq=True)
    return f"{base}?{query}" if query else (base or "?")
