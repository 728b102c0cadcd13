"""The page metrics on both stores: DuckDB (a file) and PostgreSQL 15 (a fresh schema).

The same portable SQL runs on each, so the shipped data gives the same figures: Balyun's
claims side by side (33 vs 34), the ultimatum's deadline 2020-02-29, the Overview's fatality
range equal to the Casualties total. PostgreSQL cases are skipped unless CONFLICT_MONITOR_TEST_PG
is set (.ci/run sets it).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from conflict_monitor.metrics import casualties as cm
from conflict_monitor.metrics import timeline as tm
from conflict_monitor.metrics.event_sql import NOT_RUNNING
from conflict_monitor.metrics.key_figures import compute_key_figures
from conflict_monitor.model.filters import EventFilter
from conflict_monitor.store.factory import open_store
from tests.store.test_backends import store_location  # noqa: F401 - the backend fixture

DASHBOARD = str(Path(__file__).resolve().parents[2] / "dashboard.py")
FILTERS = (
    EventFilter(),
    EventFilter(actors=("Turkish forces",)),
    EventFilter(date_from=dt.date(2020, 2, 1), date_to=dt.date(2020, 2, 29)),
    EventFilter(actions=("kill", "attack")),
    EventFilter(countries=("TUR",)),
    EventFilter(actions=("consult",)),  # nothing with deaths
)


def _figures(store, flt: EventFilter) -> dict:
    """Every figure the three pages compute for `flt`, as plain comparable values."""
    def rows(frame: pd.DataFrame, cols) -> list:
        out = frame[list(cols)].copy()
        for col in out.columns:
            if pd.api.types.is_datetime64_any_dtype(out[col]):
                out[col] = out[col].dt.strftime("%Y-%m-%d")
            elif pd.api.types.is_numeric_dtype(out[col]):
                out[col] = out[col].astype(float).round(6)
        return out.astype(object).where(out.notna(), None).values.tolist()

    summary = cm.query_casualty_summary(store, flt)
    return {
        "key": compute_key_figures(store, flt),
        "daily": rows(tm.query_daily(store, flt), ["day", "action", "event_type", "incidents", "reports",
                                                   "conflict_incidents", "intensity"]),
        "key_events": rows(tm.query_key_events(store, flt),
                           ["kind", "event_id", "fatalities_low", "fatalities", "deadline"]),
        "samples": rows(tm.query_period_samples(store, flt, "week"), ["period", "event_id"]),
        "pairs": rows(tm.query_pair_daily(store, flt, 6), ["day", "pair", "intensity", "conflict_incidents"]),
        "sources": rows(tm.query_sources(store, flt, NOT_RUNNING), ["source", "origin", "n"]),
        "totals": rows(summary.totals, ["dim", "label", "low", "high", "incidents", "reports"]),
        "cas_daily": rows(summary.daily, ["day", "low", "high", "incidents"]),
        "conflicts": rows(summary.conflicts, ["incident", "first_day", "location", "victim_group",
                                              "nationality", "low", "high", "reports"])
        + [[(c["claimant"], c["low"], c["high"], c["source_url"]) for c in claims]
           for claims in summary.conflicts["claims"]],
        "running": rows(summary.running, ["event_date", "low", "high", "victim_group", "claimant"]),
        "reports": sorted(cm.query_casualty_reports(store, flt, 1000)["event_id"]),
        "notes": summary.notes,
    }


@pytest.fixture(scope="module")
def duckdb_figures(tmp_path_factory) -> dict:
    """The reference: every filter's figures on a DuckDB store of the shipped data."""
    store = open_store(str(tmp_path_factory.mktemp("ref") / "ref.duckdb"))
    return {flt: _figures(store, flt) for flt in FILTERS}


def test_shipped_data_figures(store_location):  # noqa: F811
    store = open_store()
    summary = cm.query_casualty_summary(store)
    balyun = summary.conflicts[summary.conflicts["location"].fillna("").str.startswith("Balyun")].iloc[0]
    claims = {c["claimant"]: c["low"] for c in balyun["claims"]}
    assert (balyun["low"], balyun["high"]) == (33, 34)
    assert claims["SOHR"] == 34 and claims["Hatay governor Rahmi Dogan"] == 33
    key_events = tm.query_key_events(store)
    deadlines = key_events.loc[key_events["kind"] == "ultimatum", "deadline"].dropna()
    assert pd.Timestamp("2020-02-29") in set(deadlines)
    figures = compute_key_figures(store)
    total = summary.totals.set_index(["dim", "label"]).loc[("all", "all")]
    assert (figures.fatalities_low, figures.fatalities_high) == (int(total["low"]), int(total["high"]))
    assert 0 < figures.fatalities_low < figures.fatalities_high < 500  # running totals not added
    daily = tm.query_daily(store)
    peak = tm.compute_escalation_index(daily, "month").sort_values("intensity").iloc[-1]["period"]
    assert (peak.year, peak.month) == (2020, 2)


@pytest.mark.parametrize("flt", FILTERS, ids=lambda f: f.describe())
def test_overview_and_casualties_share_one_total(store_location, flt):  # noqa: F811
    store = open_store()
    figures = compute_key_figures(store, flt)
    totals = cm.query_casualty_summary(store, flt).totals
    overall = totals[totals["dim"] == "all"]
    expected = (int(overall["low"].iloc[0]), int(overall["high"].iloc[0])) if len(overall) else (0, 0)
    assert (figures.fatalities_low, figures.fatalities_high) == expected


def test_same_total_with_reports_linked_on_the_fly(store_location):  # noqa: F811
    store = open_store(seed_if_new=False)
    base = {"event_date": "2020-02-03", "action": "kill", "origin": "manual", "location": "Saraqib",
            "actor1": "Syrian government forces", "country": "SYR", "source": "t"}
    store.upsert_events([
        dict(base, fatalities=4, victims="rebel fighters", reported_by="AFP"),
        dict(base, fatalities=6, victims="fighters", reported_by="Reuters"),  # same incident, 4-6
        dict(base, fatalities=2, victims="civilians", reported_by="AFP"),  # other victims: + 2
        dict(base, fatalities=380, victims="civilians", is_running_total=True, event_date="2020-02-13"),
    ])
    figures = compute_key_figures(store)
    total = cm.query_casualty_summary(store).totals.set_index(["dim", "label"]).loc[("all", "all")]
    assert (figures.fatalities_low, figures.fatalities_high) == (6, 8) == (total["low"], total["high"])


def test_postgres_gives_the_duckdb_figures(store_location, duckdb_figures):  # noqa: F811
    if not store_location.startswith("postgresql://"):
        pytest.skip("compares PostgreSQL with DuckDB")
    store = open_store()
    for flt in FILTERS:
        ours, ref = _figures(store, flt), duckdb_figures[flt]
        for name in ref:
            assert ours[name] == ref[name], f"{name} differs for {flt.describe()}"


def _app(page: str | None = None) -> AppTest:
    st.cache_data.clear()
    st.cache_resource.clear()  # the store is cached per location; each test has its own
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_pages_render_the_same_figures(store_location):  # noqa: F811
    overview = _app()
    fatalities = _metric(overview, "Fatalities")
    casualties = _app("pages/casualties.py")
    low, high = (int(x.replace(",", "")) for x in fatalities.split("–"))
    assert _metric(casualties, "Deaths in incidents") == f"{low:,}–{high:,}"
    claims = casualties.table[0].value.reset_index()
    balyun = claims[claims["Place"].str.startswith("Balyun")].iloc[0]
    assert "SOHR: 34" in balyun["Claims (source: deaths)"]
    assert "Hatay governor Rahmi Dogan: 33" in balyun["Claims (source: deaths)"]
    timeline = _app("pages/timeline.py")
    import json  # noqa: PLC0415

    escalation = json.loads(timeline.get("plotly_chart")[0].proto.spec)
    texts = [a.get("text", "") for a in escalation["layout"]["annotations"]]
    assert "deadline 2020-02-29" in texts and any("33–34 killed" in t for t in texts)
