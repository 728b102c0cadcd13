"""Territorial control in the app: cached claims under the filter, the map's control layers,
the clicked place's history, the Timeline's weekly strip."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from conflict_monitor.control.claim_table import ClaimTable, compute_summary_from_table, query_claim_table
from conflict_monitor.control.export import make_control_geojson, make_control_table
from conflict_monitor.control.groups import (
    ControlSource,
    ControlState,
    compute_control_state,
    query_control_claims_of,
    query_control_source,
    query_control_state,
    query_place_history,
)
from conflict_monitor.control.model import PlaceTimeline, compute_control_on, compute_weekly_changes_from_timeline
from conflict_monitor.control.sides import list_conflict_sides, load_sides
from conflict_monitor.control.store_claims import ClaimSql, query_claim_inputs
from conflict_monitor.figures.common import chart_config
from conflict_monitor.figures.control import make_control_changes_figure
from conflict_monitor.geo.admin import load_admin1
from conflict_monitor.maps.control_layer import (
    POPUP_CLAIMS,
    ControlLegend,
    build_control_area_layer,
    build_control_layer,
    compute_control_areas,
    compute_side_colours,
    find_clicked_control_place,
    make_control_legend_html,
    make_control_popups,
)
from conflict_monitor.model.filters import EventFilter
from conflict_monitor.model.safety import compute_safe_url, escape_markdown
from conflict_monitor.store.base import EventStore
from ui.loaders import get_store
from ui.tables import render_table


@st.cache_data(max_entries=4, show_spinner=False)
def load_claim_inputs(version: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The territorial events' distinct locations and (actor, country) pairs, under no filter:
    the same for every filter, so a new filter does not read them again (read only when the
    store's table of claims is not current: control.stored_claims)."""
    del version  # only a cache key
    return query_claim_inputs(get_store(), EventFilter())


@st.cache_data(max_entries=32, show_spinner=False)
def load_control_source(flt: EventFilter, version: str) -> ControlSource:
    """The filter's claims as SQL for the store, and the reference's claims under the filter."""
    return query_control_source(get_store(), flt, inputs=lambda: load_claim_inputs(version))


@dataclass
class ClaimTableSlot:
    """A data version's ClaimTable, read by a background thread once started: None until then,
    or when reading it failed (`error` says why)."""

    table: ClaimTable | None = None
    error: str | None = None
    started: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self, store: EventStore, claim_sql: ClaimSql) -> None:
        """Read the table in a thread, unless that was started already."""
        with self.lock:
            if self.started:
                return
            self.started = True

        def read() -> None:
            try:
                self.table = query_claim_table(store, claim_sql)
            except Exception as exc:  # noqa: BLE001 - any failure leaves the per-filter query in use
                self.error = f"{type(exc).__name__}: {exc}"
        threading.Thread(target=read, name="control-claim-table", daemon=True).start()


@st.cache_resource(max_entries=2, show_spinner=False)
def load_claim_table_slot(version: str) -> ClaimTableSlot:
    """The data version's table of every claim from events as small codes (control.claim_table),
    shared by every session: start_claim_table starts reading it once the Map page is drawn
    (its first filter is served sooner by the store's summary query than by the table, and the
    read would compete with the page for the cores), and load_control_state computes later
    filters from it in memory."""
    del version  # only a cache key
    return ClaimTableSlot()


@st.cache_resource(max_entries=8, show_spinner=False)
def load_control_state(flt: EventFilter, version: str) -> ControlState:
    """Every place's history under the filter, computed once for every as-of day (a resource:
    read only, shared, not copied on each rerun): from the table of every claim when it has
    been read, else from one summary query of the store (the same result, tests/control)."""
    source, slot = load_control_source(flt, version), load_claim_table_slot(version)
    if slot.table is not None:
        return compute_control_state(source, compute_summary_from_table(get_store(), slot.table, flt, POPUP_CLAIMS))
    return query_control_state(get_store(), source, POPUP_CLAIMS)


def start_claim_table(version: str) -> None:
    """Start reading the data version's table of every claim (load_claim_table_slot), once:
    call it when the page is drawn."""
    load_claim_table_slot(version).start(get_store(), load_control_source(EventFilter(), version).claim_sql)


@st.cache_data(max_entries=4, show_spinner=False)
def load_side_colours() -> dict[str, str]:
    """Side -> colour, in sides.csv order."""
    return compute_side_colours(list_conflict_sides(load_sides()))


def load_control_timeline(flt: EventFilter, version: str) -> list[PlaceTimeline]:
    """Every place's history under the filter (cached with load_control_state)."""
    return load_control_state(flt, version).timeline


@st.cache_data(max_entries=32, show_spinner=False)
def load_control_changes_per_week(flt: EventFilter, version: str) -> pd.DataFrame:
    """The Timeline's strip: places gained and lost per week by each side."""
    return compute_weekly_changes_from_timeline(load_control_timeline(flt, version))


@st.cache_data(max_entries=32, show_spinner=False)
def load_control_as_of(flt: EventFilter, version: str, as_of: dt.date) -> pd.DataFrame:
    """Each place's status on the day, without the claims behind it (the download reads those
    when asked: copying them on every rerun cost more than the page)."""
    return compute_control_on(load_control_timeline(flt, version), as_of).drop(columns="claims")


@st.cache_data(max_entries=32, show_spinner=False)
def load_control_layer_parts(flt: EventFilter, version: str, as_of: dt.date
                             ) -> tuple[pd.DataFrame, dict[str, str], gpd.GeoDataFrame]:
    """What the control layers are drawn from, once per filter, data version and day (a pan or
    zoom of the map reuses it): the places on the day, their popups, the approximate areas."""
    control = load_control_as_of(flt, version, as_of)
    state = load_control_state(flt, version)
    popups = make_control_popups(control, state.histories, state.counts)
    return control, popups, compute_control_areas(control, load_admin1())


@st.cache_data(max_entries=32, show_spinner=False)
def load_place_history(flt: EventFilter, version: str, place_id: str) -> pd.DataFrame:
    """Every claim about one place under the filter, oldest first."""
    return query_place_history(get_store(), load_control_source(flt, version), place_id)


def make_control_map_layers(flt: EventFilter, version: str, as_of: dt.date) -> list[folium.Element]:
    """The area and place layers and their legend, for build_idlib_map (built from the cached
    parts: one marker per place, popups bounded to the latest reports)."""
    colours = load_side_colours()
    control, popups, areas = load_control_layer_parts(flt, version, as_of)
    return [build_control_area_layer(areas, colours), build_control_layer(control, popups, colours),
            ControlLegend(make_control_legend_html(colours, set(control["side"].dropna())))]


def make_control_caption(control: pd.DataFrame) -> str:
    """One line: how many places each side holds, contested, changed hands lately."""
    if control.empty:
        return "No control claims under these filters."
    held = control[control["status"] == "held"]["side"].value_counts()
    parts = [f"{n} held by {escape_markdown(side)}" for side, n in held.items()]
    contested = int((control["status"] == "contested").sum())
    recent = int(control["changed_recently"].sum())
    return (f"Control of {len(control)} places: " + ", ".join(parts)
            + (f", {contested} contested" if contested else "")
            + (f"; {recent} changed hands in the last 7 days" if recent else "")
            + ". Shaded areas are approximate (Voronoi cells).")


def render_control_click(clicked: dict[str, Any], control: pd.DataFrame, flt: EventFilter, version: str,
                         posts: pd.DataFrame) -> bool:
    """The clicked place's history (who took it, when, per which source, the evidence);
    False when the click was not on a place, or was on an observation post (drawn on top:
    al-Eis, Tal Tuqan and Jabal Shahshabu share their post's point)."""
    place = find_clicked_control_place(clicked["lat"], clicked["lng"], control, posts)
    if place is None:
        return False
    st.subheader(escape_markdown(place["place"]))
    state = ("contested: " + place["sides"]) if place["status"] == "contested" else (place["side"] or "holder unknown")
    st.markdown(f"**{escape_markdown(state)}**" + (f" since {place['since']}" if place.get("since") else ""))
    history = load_place_history(flt, version, place["place_id"]).copy()
    history["source_url"] = [compute_safe_url(str(u or "").split(" | ")[0].strip()) for u in history["source_url"]]
    render_table(history[["date", "claim", "side", "reported_by", "source_url", "evidence"]],
        column_config={"date": st.column_config.DateColumn("Date"),
                       "source_url": st.column_config.LinkColumn("Source")}, key="control_history")
    return True


def render_control_strip(flt: EventFilter, version: str, caption: str) -> None:
    """The Timeline's weekly strip of places gained and lost by each side."""
    weekly = load_control_changes_per_week(flt, version)
    st.subheader("Control changes")
    st.plotly_chart(make_control_changes_figure(weekly, load_side_colours(), caption), key="tl_control",
                    config=chart_config("control-changes"))
    st.caption(escape_markdown(caption) + " Territorial control: places gained and lost per week by each side, from "
               "capture reports and the sourced reference of control changes (an encirclement is not "
               "a change; days the sources disagree on are not counted as changes). Hover for the places.")


def make_control_download(flt: EventFilter, version: str, as_of: dt.date) -> str:
    """GeoJSON of each place's status on the day with the claims behind it, read from the store."""
    control = compute_control_on(load_control_timeline(flt, version), as_of)
    return make_control_geojson(make_control_table(
        query_control_claims_of(get_store(), load_control_source(flt, version), control)))


def render_control_download(flt: EventFilter, version: str, as_of: dt.date) -> None:
    """Download of each place's status on the day with the claims behind it (built when asked)."""
    st.download_button("Download control on the date (GeoJSON)", lambda: make_control_download(flt, version, as_of),
                       on_click="ignore", file_name=f"control_{as_of}.geojson", mime="application/geo+json",
                       icon=":material/download:")
