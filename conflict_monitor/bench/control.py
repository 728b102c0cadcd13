"""How long the Map page's territorial control takes on a store, each step from the store with
nothing cached: every claim of the store read once as small codes (control.claim_table, from
the store's table of claims, control.stored_claims, or with places matched and sides resolved
in SQL over the events, control.store_claims; once per data version in the app), a
filter's claims reduced from it to one row per place, day and side, every place's timeline from
those rows, and
the control layers for one day (places on the day, popups, approximate areas, the folium layers
rendered in a map). The app caches the first two per filter and data version and the third per
day too (ui/control.py), so a pan or zoom of the map costs none of it.
"""

from __future__ import annotations

import datetime as dt
import resource
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from conflict_monitor.control.claim_table import compute_summary_from_table, query_claim_table
from conflict_monitor.control.groups import (
    compute_histories_from_summary,
    compute_timeline_from_summary,
    query_control_source,
)
from conflict_monitor.control.model import compute_control_on
from conflict_monitor.control.sides import list_conflict_sides, load_sides
from conflict_monitor.control.store_claims import query_claim_inputs
from conflict_monitor.geo.admin import load_admin1
from conflict_monitor.maps.control_layer import (
    POPUP_CLAIMS,
    ControlLegend,
    build_control_area_layer,
    build_control_layer,
    compute_control_areas,
    compute_side_colours,
    make_control_legend_html,
    make_control_popups,
)
from conflict_monitor.maps.idlib import build_idlib_map, render_map_html
from conflict_monitor.maps.sites import compute_site_status_as_of
from conflict_monitor.model.filters import EventFilter
from conflict_monitor.store.base import EventStore
from conflict_monitor.store.reference import load_posts


def compute_control_benchmark(store: EventStore, flt: EventFilter | None = None,
                              as_of: dt.date | None = None) -> dict[str, Any]:
    """Seconds and sizes of the control path on `store`. Keys: control_table_s (every claim read
    as codes, control.claim_table: once per data version in the app), control_claims_s (a
    filter's claims from that table, the latest claims' text read from the store),
    control_claims (how many), control_timeline_s,
    control_layers_s (the parts for one day and the layers in a map), control_map_html_mb (the
    map with the control layers and nothing else), control_places."""
    flt = flt or EventFilter()
    as_of = as_of or store.date_bounds()[1] or dt.date(2020, 3, 1)
    import pandas as pd  # noqa: PLC0415

    sites, statuses = (pd.DataFrame(x) for x in load_posts())
    posts = compute_site_status_as_of(sites, statuses, as_of)
    admin1 = load_admin1()
    def inputs() -> tuple[list[str], list[tuple[str, str]]]:
        return query_claim_inputs(store, EventFilter())
    start = time.perf_counter()
    table = query_claim_table(store, query_control_source(store, EventFilter(), inputs=inputs).claim_sql)
    table_s = time.perf_counter() - start
    start = time.perf_counter()
    source = query_control_source(store, flt, inputs=inputs)
    summary = compute_summary_from_table(store, table, flt, POPUP_CLAIMS)
    claims_s = time.perf_counter() - start
    start = time.perf_counter()
    timeline, counts = compute_timeline_from_summary(source, summary)
    histories = compute_histories_from_summary(source, summary)
    timeline_s = time.perf_counter() - start
    start = time.perf_counter()
    control = compute_control_on(timeline, as_of)
    popups = make_control_popups(control, histories, counts)
    colours = compute_side_colours(list_conflict_sides(load_sides()))
    layers = [build_control_area_layer(compute_control_areas(control, admin1), colours),
              build_control_layer(control, popups, colours),
              ControlLegend(make_control_legend_html(colours, set(control["side"].dropna())))]
    html = render_map_html(build_idlib_map(posts, statuses, None, as_of, extra_layers=layers))
    layers_s = time.perf_counter() - start
    return {"control_claims_s": round(claims_s, 3), "control_table_s": round(table_s, 3),
            "control_claims": sum(counts.values()),
            "control_timeline_s": round(timeline_s, 3), "control_layers_s": round(layers_s, 3),
            "control_map_html_mb": round(len(html.encode()) / 1e6, 2), "control_places": len(control)}


def compute_first_view_benchmark(store: EventStore, flt: EventFilter | None = None,
                                 as_of: dt.date | None = None) -> dict[str, Any]:
    """Seconds of the Map page's first view of a data version (the app's caches empty, as after
    a start or a write), each step as the page runs it (pages/map.py, ui/control.py,
    ui/map_view.py): the day span, the control's source (the SQL; the claim inputs too when the
    store's table of claims is not current), its state from
    one summary query (the claims table of ui/control.py is read only after the page is drawn),
    the layers for the day, the grid cells of the first view (counted in a thread from the
    start, beside the control: their step is what is left to wait), the map with all its
    layers as HTML. Keys: first_<step>_s for each step, first_view_s, the time from the first
    step's start to the last one's end, and first_view_cpu_s, the process's CPU seconds
    meanwhile. Pass a store just
    opened for the figure after a start (nothing in the store's buffers either)."""
    from conflict_monitor.control.groups import query_control_state  # noqa: PLC0415
    from conflict_monitor.geo.grid import compute_cell_size  # noqa: PLC0415
    from conflict_monitor.maps.view import BASE_LEVEL, build_view_group, compute_first_area  # noqa: PLC0415
    from conflict_monitor.store.map_grid import compute_cells, query_cell_counts, query_date_span  # noqa: PLC0415

    flt = flt or EventFilter()
    times: dict[str, float] = {}

    def step(name: str, func: Any) -> Any:
        start = time.perf_counter()
        out = func()
        times[f"first_{name}_s"] = round(time.perf_counter() - start, 3)
        return out

    began, cpu = time.perf_counter(), _cpu_seconds()
    span = step("date_span", lambda: query_date_span(store, flt))
    as_of = as_of or span[1] or dt.date(2020, 3, 1)
    # the grid cells are counted in a thread while the control is computed, as the page does
    # (ui/map_view.start_cell_counts): first_cell_counts_s is the wait for them after the control
    pool = ThreadPoolExecutor(max_workers=1)
    counting = pool.submit(query_cell_counts, store, flt, BASE_LEVEL)
    pool.shutdown(wait=False)
    import pandas as pd  # noqa: PLC0415

    sites, statuses = (pd.DataFrame(x) for x in load_posts())
    posts = compute_site_status_as_of(sites, statuses, as_of)
    # the claim inputs are read only when the store's table of claims is not current
    source = step("control_source", lambda: query_control_source(
        store, flt, inputs=lambda: query_claim_inputs(store, EventFilter())))
    state = step("control_state", lambda: query_control_state(store, source, POPUP_CLAIMS))

    def layers() -> list[Any]:
        control = compute_control_on(state.timeline, as_of)
        popups = make_control_popups(control, state.histories, state.counts)
        colours = compute_side_colours(list_conflict_sides(load_sides()))
        return [build_control_area_layer(compute_control_areas(control, load_admin1()), colours),
                build_control_layer(control, popups, colours),
                ControlLegend(make_control_legend_html(colours, set(control["side"].dropna())))]
    extra = step("control_layers", layers)
    area = compute_first_area()
    counts = step("cell_counts", counting.result)

    def page_map() -> str:
        level = min(area.zoom, BASE_LEVEL)
        cells = compute_cells(counts, level, area.bounds)
        categories = sorted(str(c) for c in counts.parts["category"].dropna().unique())
        m = build_idlib_map(posts, statuses, None, as_of, extra_layers=extra, categories=categories)
        build_view_group("cells", cells, pd.DataFrame(), compute_cell_size(level)).add_to(m)
        return render_map_html(m)
    step("map_html", page_map)
    # the clock from the first step to the last (the steps overlap the count of the cells), and
    # the process's CPU seconds meanwhile (every thread's: steadier than the clock on a machine
    # shared with other work)
    return {**times, "first_view_s": round(time.perf_counter() - began, 3),
            "first_view_cpu_s": round(_cpu_seconds() - cpu, 3)}


def _cpu_seconds() -> float:
    """User and system CPU seconds of this process so far (all its threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
