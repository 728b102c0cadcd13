"""The pages' fast paths give exactly the figures of the plain formulation, on both stores.

The fast paths lean on what the store keeps on every write (incident_reports: a report alone
in its incident is its own group, incident_counts). The reference is the same SQL with every
report grouped by incident (incident_groups_sql(split=False)), on seeded random filters over a
synthetic store with shared incidents, reports without victims or incident id, and running
totals; and again after writes that move reports between incidents or delete them.
"""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pandas as pd
import pytest

from conflict_monitor.bench.synthetic import make_synthetic_events
from conflict_monitor.metrics import casualties as cm
from conflict_monitor.metrics import incident_deaths, page_memory
from conflict_monitor.metrics import timeline as tm
from conflict_monitor.model.filters import EventFilter, compute_where, compute_where_branches
from conflict_monitor.store.factory import open_store
from tests.metrics.test_backends import _figures
from tests.store.test_backends import store_location  # noqa: F401 - the backend fixture

_ACTORS = ("Turkish forces", "Syrian government forces", "Russia", "Syrian rebels", "UN")
_ACTIONS = ("attack", "kill", "threaten", "consult", "deploy")
_ORIGINS = ("extracted", "acled", "gdelt", "manual")
_SOURCES = ("AFP", "Reuters", "SANA", "TASS")


@pytest.fixture(autouse=True)
def _memory_for_small_stores(monkeypatch):
    """The pages' tables in memory (page_memory) for these small stores too: the fast side."""
    monkeypatch.setattr(page_memory, "MIN_EVENTS", 0)


def make_events(n: int, seed: int, without_id: float = 0.1) -> pd.DataFrame:
    """Synthetic events with the awkward cases: a third of the reports with deaths say nothing
    of the victims, some (`without_id`) have no incident id, repeats of one incident name
    other victims, some reports have no figure or no date, some are running totals."""
    frame = make_synthetic_events(n, seed)
    rng = np.random.default_rng(seed)
    frame.loc[rng.random(n) < 0.3, "victims"] = None
    frame.loc[rng.random(n) < without_id, "incident_id"] = None
    other = rng.random(n) < 0.1
    frame.loc[other, "victims"] = rng.choice(["civilians", "Turkish soldiers", "fighters"], other.sum())
    # reports of shared incidents without a figure or a date: not in the deaths, the incident
    # still counted when one of its reports is dated
    frame.loc[rng.random(n) < 0.08, ["fatalities", "fatalities_high"]] = pd.NA
    frame.loc[rng.random(n) < 0.05, "event_date"] = None
    frame.loc[rng.random(n) < 0.03, "is_running_total"] = True  # tallies: counted apart
    return frame


def random_filters(seed: int, count: int) -> list[EventFilter]:
    """Filters as a user combines them: dates, actors, countries, actions, origins, sources."""
    rnd = random.Random(seed)
    out = [EventFilter()]
    for _ in range(count):
        parts = {}
        if rnd.random() < 0.4:
            start = dt.date(2019, 1, 1) + dt.timedelta(days=rnd.randrange(700))
            parts.update(date_from=start, date_to=start + dt.timedelta(days=rnd.randrange(1, 200)))
        for name, values in (("actors", _ACTORS), ("actions", _ACTIONS), ("origins", _ORIGINS),
                             ("sources", _SOURCES), ("countries", ("TUR", "RUS", "SYR"))):
            if rnd.random() < 0.3:
                parts[name] = tuple(sorted(rnd.sample(values, rnd.randrange(1, 3))))
        out.append(EventFilter(**parts))
    return out


def _plain_figures(store, flt: EventFilter, monkeypatch) -> dict:
    plain = incident_deaths.incident_groups_sql
    with monkeypatch.context() as patch:
        patch.setattr(incident_deaths, "SPLIT_QUERIES", False)  # incident_split's queries off
        patch.setattr(incident_deaths, "query_store_victim_values", lambda source: None)  # per filter
        patch.setattr(page_memory, "USE_MEMORY", False)  # the events only (page_memory)
        patch.setattr(incident_deaths, "incident_groups_sql",
                      lambda where, linked, split=True: plain(where, linked, split=False))
        return _figures(store, flt)


def _assert_keys(store) -> None:
    """incident_key stands for incident_id one to one (incident_counts)."""
    split = store.query_sql("SELECT count(*) AS n FROM (SELECT incident_id FROM events WHERE incident_id "
                            "IS NOT NULL GROUP BY incident_id HAVING count(DISTINCT incident_key) <> 1 "
                            "OR count(incident_key) <> count(*)) AS x")["n"].iloc[0]
    shared = store.query_sql("SELECT count(*) AS n FROM (SELECT incident_key FROM events WHERE "
                             "incident_key IS NOT NULL GROUP BY incident_key "
                             "HAVING count(DISTINCT incident_id) <> 1) AS x")["n"].iloc[0]
    assert (split, shared) == (0, 0)


def _conflicts(store, flt: EventFilter, top: int) -> list:
    """The `top` conflicting groups with their claims, every column."""
    frame = cm.query_casualty_summary(store, flt, max_conflicts=top).conflicts
    return frame.astype(object).where(frame.notna(), None).values.tolist()


def _assert_same(store, filters, monkeypatch) -> None:
    _assert_keys(store)
    for flt in filters:
        assert _figures(store, flt) == _plain_figures(store, flt, monkeypatch), flt
        # Few groups: the fast path picks the incidents up to the n-th group's figures and
        # day (ties included) before reading their text; the order must still be the plain one.
        for top in (1, 15):
            fast = _conflicts(store, flt, top)
            with monkeypatch.context() as patch:
                patch.setattr(incident_deaths, "SPLIT_QUERIES", False)
                assert fast == _conflicts(store, flt, top), (flt, top)


@pytest.mark.parametrize(("seed", "without_id"), [(1, 0.1), (2, 0.0)])
def test_fast_paths_match_the_plain_sql_on_random_filters(store_location, monkeypatch, seed,  # noqa: F811
                                                          without_id):
    # Above LINK_LIMIT reports, reports without an incident id are not linked on the fly (as in a
    # big store), which is where the fast path applies. The store's own list of victims texts
    # serves every filter (query_store_victim_values); with reports lacking an id (seed 1) each
    # filter counts them for its note. The Casualties page's tables in memory apply to both.
    monkeypatch.setattr(incident_deaths, "LINK_LIMIT", 0)
    # seed 2: the claims read by filter and incident key rather than by event id
    monkeypatch.setattr(cm, "CLAIM_IDS_MAX", 0 if seed == 2 else cm.CLAIM_IDS_MAX)
    store = open_store(seed_if_new=False)
    store.upsert_events(make_events(3000, seed, without_id))
    filters = random_filters(seed, 6)
    _assert_same(store, filters, monkeypatch)
    # Writes that change which reports share an incident: move some into others' incidents
    # (the moved ones leave incidents of one report behind), then delete an origin.
    events = store.query_events(columns=["event_id", "incident_id"], order_by="event_id")
    ids = events["event_id"].tolist()
    rnd = random.Random(seed)
    moved = {eid: f"inc-moved-{rnd.randrange(40)}" for eid in rnd.sample(ids, 300)}
    store.update_incident_ids(moved)
    _assert_same(store, filters[:4], monkeypatch)
    store.delete_events("gdelt")
    _assert_same(store, filters[:4], monkeypatch)
    # New reports naming victims no stored report named, some joining stored incidents: the
    # store's list of texts (kept per data version) must follow.
    new = make_events(200, seed + 10, without_id).assign(
        event_id=lambda f: "new-" + f["event_id"], victims="Iranian soldiers",
        incident_id=lambda f: f["incident_id"].where(f.index % 2 == 0, rnd.choice(list(moved.values()))))
    store.upsert_events(new)
    _assert_same(store, filters[:4], monkeypatch)


def test_a_store_from_before_incident_keys_is_keyed_on_opening(store_location):  # noqa: F811
    store = open_store(seed_if_new=False)
    store.upsert_events(make_events(600, 3))
    with store._connect() as con:  # as an older version left it: no keys, no record of them
        store._execute(con, "UPDATE events SET incident_key = NULL")
        store._execute(con, "DELETE FROM meta WHERE key = 'incident_keys'")
    store.close()
    store = open_store(seed_if_new=False)
    assert store.query_sql("SELECT count(*) AS n FROM events WHERE incident_id IS NOT NULL "
                           "AND incident_key IS NULL")["n"].iloc[0] == 0
    _assert_keys(store)


@pytest.mark.parametrize("ranks", [None, (1, 40, 400)])
def test_newest_reports_are_the_head_of_the_export(store_location, monkeypatch, ranks):  # noqa: F811
    # The table's rows are found by cut-off day, then ids, then read by id: the same rows, in
    # the same order, as the first rows of the full export (undated reports last in both, on
    # both backends: the table used to leave them out, and PostgreSQL put them first). With
    # floor days from the store's 1st, 40th and 400th newest reports (not the 30,000th of a big
    # store), the floors serve some limits and filters and the cut-off day the rest.
    if ranks is not None:
        monkeypatch.setattr(cm, "_NEWEST_RANKS", ranks)
    store = open_store(seed_if_new=False)
    events = make_events(2000, 5)
    assert events["event_date"].isna().any() and events["fatalities"].notna().any()
    store.upsert_events(events)
    cols = ["event_id", "event_date", "location", "fatalities", "source_url", "victim_group"]
    for flt in random_filters(5, 4):
        export = cm.query_casualty_reports(store, flt, None)[cols]
        for limit in (1, 9, 120, 5000):
            table = cm.query_casualty_reports(store, flt, limit)[cols]
            head = export.head(limit)
            assert _values(table) == _values(head), (flt, limit)
        # running totals, read by id too: the oldest first, as the stored rows say
        stored = store.query_events(flt, order_by="event_id")
        stored = stored[stored["is_running_total"].fillna(False).astype(bool) & stored["fatalities"].notna()]
        stored = stored.sort_values(["event_date", "event_id"], kind="stable")
        assert len(stored) > 3 or not flt.is_empty(), flt
        for limit in (3, 500):
            running = cm.query_running_totals(store, flt, limit)
            expected = stored.head(limit)
            assert _values(running[["location", "low", "source_url"]]) == \
                _values(expected[["location", "fatalities", "source_url"]]), (flt, limit)


def _values(frame: pd.DataFrame) -> list:
    return frame.astype(object).where(frame.notna(), None).values.tolist()


def test_filter_branches_split_the_filters_rows(store_location):  # noqa: F811
    # compute_where_branches: disjoint branches whose rows are compute_where's (rows with no
    # actor or country, or naming the filter's actor twice, included), and query_sources,
    # which adds its counts up per branch for an actor or country filter alone, as the one query
    store = open_store(seed_if_new=False)
    events = make_events(1500, 8)
    rng = np.random.default_rng(8)
    events.loc[rng.random(len(events)) < 0.1, "actor1"] = None
    events.loc[rng.random(len(events)) < 0.1, "country"] = None
    twice = rng.random(len(events)) < 0.05
    events.loc[twice, "actor2"] = events.loc[twice, "actor1"]
    store.upsert_events(events)
    filters = [*random_filters(8, 12), EventFilter(actors=("Turkish forces", "Russia"), countries=("SYR",)),
               EventFilter(countries=("TUR", "RUS"), sources=("AFP",)),
               EventFilter(actors=("Turkish forces", "Russia")), EventFilter(countries=("TUR",))]
    for flt in filters:
        where, params = compute_where(flt)
        expected = set(store.query_sql(f"SELECT event_id FROM events WHERE {where}", params)["event_id"])
        branches = compute_where_branches(flt)
        found = [store.query_sql(f"SELECT event_id FROM events WHERE {w}", p)["event_id"].tolist()
                 for w, p in branches]
        assert sum(len(ids) for ids in found) == len(expected), flt
        assert set().union(*found) == expected, flt
        assert len(branches) == 1 + (len(flt.actors) > 0) + 2 * (not flt.actors and len(flt.countries) > 0)
        for condition in ("NOT coalesce(is_running_total, false)", "fatalities IS NOT NULL"):
            plain = store.query_sql(f"""SELECT coalesce(source, 'unknown') AS source,
                coalesce(origin, 'unknown') AS origin, count(*) AS n FROM events WHERE {where}
                AND ({condition}) GROUP BY coalesce(source, 'unknown'), coalesce(origin, 'unknown')
                ORDER BY n DESC, source, origin""", params)
            assert _values(tm.query_sources(store, flt, condition)) == _values(plain), (flt, condition)
