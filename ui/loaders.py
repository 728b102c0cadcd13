"""Cached loaders: the store once per process, query results per (filter, data version)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pandas as pd
import streamlit as st

from conflict_monitor.metrics.key_figures import KeyFigures, compute_key_figures
from conflict_monitor.metrics.page_memory import load_page_memory
from conflict_monitor.model.filters import EventFilter
from conflict_monitor.store.base import EventStore, resolve_location
from conflict_monitor.store.factory import compute_store_is_new, open_store
from conflict_monitor.store.seed import compute_source_article_missing, seed_reference, seed_source_article


def _release_store(store: EventStore) -> None:
    store.close()


@st.cache_resource(show_spinner="Opening the event store…", on_release=_release_store)
def _open_store_cached(location: str, _built: EventStore | None = None) -> EventStore:
    """The store at `location`, opened once per process. `_built` (not part of the cache key:
    Streamlit does not hash arguments named with an underscore) is a store just built there,
    kept instead of opening the file a second time."""
    return _built if _built is not None else open_store(location, keep_open=True)


@st.cache_resource(show_spinner=False)
def _store_lock() -> threading.Lock:
    """One per server: the first session builds a new store; the others wait for it instead of
    opening a half-built file (DuckDB creates the file before the first rows are in)."""
    return threading.Lock()


@st.cache_resource(show_spinner=False)
def _source_article_lock() -> threading.Lock:
    """One per server: only one session extracts the source article on a first start."""
    return threading.Lock()


def _build_new_store(location: str) -> EventStore:
    """A new store with the shipped reference data, each step drawn (outside the cache: its
    elements are live); returns the cached store. The source article follows once the page is
    drawn (complete_first_start)."""
    with st.status("Building the store from the shipped data…", expanded=True) as status:
        bar = st.progress(0.0, text="Starting")

        def progress(step: str, share: float) -> None:
            bar.progress(share, text=step)

        # One database instance for the whole build, which then becomes the cached store: a
        # store that opens the file per statement opened it eleven times (~20 ms each).
        store = open_store(location, seed_if_new=False, keep_open=True)
        try:
            seed_reference(store, progress)
        except BaseException:
            store.close()
            raise
        cached = _open_store_cached(location, store)
        if cached is not store:  # one was cached for this location already (its file removed)
            store.close()
        status.update(label="Reference data stored; the source article follows",
                      state="complete", expanded=False)
    return cached


@st.cache_data(max_entries=4, show_spinner=False)
def _load_source_article_missing(version: str) -> bool:
    del version
    return compute_source_article_missing(get_store())


def complete_first_start(slot) -> None:
    """After the first page is drawn on a new store: extract and store the source article.

    Loading the language model takes seconds; doing it after the page means the first start
    shows the reference data at once, then this status in `slot`, then the full figures. It
    loads in a child process: in this one it held the interpreter lock the server needs to send
    the browser the code of the page it is drawing (0.3 s of a first paint's 4-5).
    """
    if not _load_source_article_missing(get_data_version()):
        return
    store = get_store()
    with _source_article_lock():
        if compute_source_article_missing(store):
            with slot.status("Adding the source article's events…", expanded=True) as status:
                bar = st.progress(0.0, text="Starting")
                seed_source_article(store, progress=lambda step, share: bar.progress(share, text=step),
                                    apart=True)
                status.update(label="Source article added", state="complete", expanded=False)
    clear_data_caches()
    st.rerun()


def start_page_memory() -> None:
    """After a page is drawn: a big store starts making the pages' tables in memory for its data
    version (metrics/page_memory.py), so that the next filter changes read them; nothing once
    they are made or being made."""
    load_page_memory(get_store(), start=True)


def get_store() -> EventStore:
    """The configured store (CONFLICT_MONITOR_DB), seeded from the shipped data when new.

    Cached per location, so changing the setting (or a test's tmp store) opens the right one.
    A first start (no store file yet) says what it is building, step by step, instead of
    leaving the page blank for the seconds the language model takes to load.
    """
    location = resolve_location()
    with _store_lock():
        if compute_store_is_new(location):
            return _build_new_store(location)
        return _open_store_cached(location)


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
def load_event_count(flt: EventFilter, version: str) -> int:
    """How many events match the filter (one count in the store, not the Overview's figures:
    at ten million events those take seconds, the count a tenth of that)."""
    del version
    return get_store().count_events(flt)


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
