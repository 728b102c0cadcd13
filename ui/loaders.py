"""Cached loaders: the store once per process, query results per (filter, data version)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from conflict_monitor.filters import EventFilter
from conflict_monitor.metrics import KeyFigures, compute_key_figures
from conflict_monitor.store import EventStore, open_store, resolve_location


def _release_store(store: EventStore) -> None:
    store.close()


@st.cache_resource(show_spinner="Opening the event store…", on_release=_release_store)
def _open_store_cached(location: str) -> EventStore:
    return open_store(location, keep_open=True)


def get_store() -> EventStore:
    """The configured store (CONFLICT_MONITOR_DB), seeded from the shipped data when new.

    Cached per location, so changing the setting (or a test's tmp store) opens the right one.
    """
    return _open_store_cached(resolve_location())


def forget_store() -> None:
    """Drop the cached store object (after a failure or a rebuild)."""
    _open_store_cached.clear()


def get_data_version() -> str:
    """Which store and which state of it: part of every cache key, so new data shows at once
    and two stores in one process never share cached results."""
    store = get_store()
    return f"{store.location}#{store.data_version()}"


@st.cache_data(max_entries=64, show_spinner=False)
def load_events(flt: EventFilter, version: str, columns: tuple[str, ...] | None = None,
                limit: int | None = None) -> pd.DataFrame:
    """Events matching the filter, newest first (at most `limit` rows when given)."""
    del version  # only a cache key
    return get_store().query_events(flt, columns=list(columns) if columns else None, limit=limit)


@st.cache_data(max_entries=64, show_spinner=False)
def load_key_figures(flt: EventFilter, version: str) -> KeyFigures:
    """Overview figures, aggregated in the store."""
    del version
    return compute_key_figures(get_store(), flt)


@st.cache_data(max_entries=8, show_spinner=False)
def load_filter_options(version: str) -> dict[str, Any]:
    """Values the sidebar widgets offer, read from the store."""
    del version
    store = get_store()
    low, high = store.date_bounds()
    return {
        "actors": store.list_actors(), "countries": store.list_countries(),
        "sources": store.list_distinct("source"), "origins": store.list_distinct("origin"),
        "event_types": store.list_distinct("event_type"), "actions": store.list_distinct("action"),
        "date_min": low or dt.date(2000, 1, 1), "date_max": high or dt.date.today(),
    }


@st.cache_data(max_entries=8, show_spinner=False)
def load_sites(version: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fixed sites and their status history."""
    del version
    store = get_store()
    return store.query_sites(), store.query_site_status()


def clear_data_caches() -> None:
    """Forget cached query results (after an import)."""
    st.cache_data.clear()
