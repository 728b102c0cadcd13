"""incident_lead, kept by the store: after every kind of write, on both stores, it is what the
rule (incident_counts.LEAD_AGREES_ON) gives when computed afresh from the events, and the
Timeline's counts that use it equal the counts that group every shared report."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd

from conflict_monitor.metrics import timeline as tm
from conflict_monitor.store.factory import open_store
from conflict_monitor.store.incident_counts import LEAD_AGREES_ON
from tests.metrics.test_fast_paths import make_events, random_filters
from tests.store.test_backends import store_location  # noqa: F401 - the backend fixture


def _agreeing_incidents(store) -> dict:
    """incident_id -> its event ids, for every shared incident whose reports agree on every
    LEAD_AGREES_ON column and on being a running total; computed in pandas from the stored rows."""
    cols = ["event_id", "incident_id", *LEAD_AGREES_ON, "is_running_total"]
    rows = store.query_sql(f"SELECT {', '.join(cols)} FROM events").astype(object)
    rows["is_running_total"] = rows["is_running_total"].map(lambda v: False if pd.isna(v) else bool(v))
    rows = rows.where(rows.notna(), None)
    out: dict = {}
    for incident, group in rows.dropna(subset=["incident_id"]).groupby("incident_id"):
        if len(group) > 1 and all(len({repr(v) for v in group[c]}) == 1
                                  for c in [*LEAD_AGREES_ON, "is_running_total"]):
            out[incident] = set(group["event_id"])
    return out


def _assert_leads(store) -> None:
    """Each agreeing incident has one lead (TRUE) and its other reports FALSE; every other row
    has none (NULL). Which report leads is the store's lowest event_id, in its own collation."""
    stored = store.query_sql("SELECT event_id, incident_lead FROM events")
    got = dict(zip(stored["event_id"], [None if pd.isna(v) else bool(v) for v in stored["incident_lead"]],
                   strict=True))
    agreeing = _agreeing_incidents(store)
    members = set().union(*agreeing.values()) if agreeing else set()
    assert {eid for eid, lead in got.items() if lead is not None} == members
    for incident, ids in agreeing.items():
        assert sum(got[eid] for eid in ids) == 1, incident
    assert agreeing  # the store has incidents that agree


def _assert_counts(store, filters, monkeypatch) -> None:
    """The Timeline's daily and pair counts equal those that group every shared report."""
    for flt in filters:
        fast = tm.query_daily(store, flt), tm.query_pair_daily(store, flt, 4)
        with monkeypatch.context() as patch:
            patch.setattr(tm, "_alone_and_shared",
                          lambda flt: ("coalesce(incident_reports, 1) <= 1", "incident_reports > 1"))
            patch.setattr(tm, "_rollup_kept", lambda source, flt: False)  # it holds the leads
            plain = tm.query_daily(store, flt), tm.query_pair_daily(store, flt, 4)
        for ours, theirs in zip(fast, plain, strict=True):
            pd.testing.assert_frame_equal(ours, theirs, check_exact=False, rtol=1e-12, obj=flt.describe())


def _events(seed: int) -> pd.DataFrame:
    """make_events, with some incidents' reports disagreeing on one column each."""
    frame = make_events(1500, seed)
    rng = np.random.default_rng(seed)
    shared = frame["incident_id"].notna() & (rng.random(len(frame)) < 0.15)
    column = rng.choice(["actor2", "action", "goldstein", "country"], len(frame))
    frame.loc[shared & (column == "actor2"), "actor2"] = "UN"
    frame.loc[shared & (column == "action"), "action"] = "threaten"
    frame.loc[shared & (column == "goldstein"), "goldstein"] = -4.0
    frame.loc[shared & (column == "country"), "country"] = "LBN"
    return frame


def test_leads_follow_every_write(store_location, monkeypatch):  # noqa: F811
    store = open_store(seed_if_new=False)
    store.upsert_events(_events(7))
    filters = random_filters(7, 6)
    _assert_leads(store)
    _assert_counts(store, filters, monkeypatch)
    events = store.query_events(columns=["event_id", "incident_id", "actor1"], order_by="event_id")
    shared = events.dropna(subset=["incident_id"])
    rnd = random.Random(7)
    # an edit that makes an incident disagree, and one that makes one agree again
    lead_ids = store.query_sql("SELECT event_id FROM events WHERE incident_lead ORDER BY event_id")["event_id"]
    store.edit_event(lead_ids.iloc[0], {"actor1": "UN"}, "tester")
    _assert_leads(store)
    # reports moved into other incidents, a lead rejected and restored, an origin deleted
    moved = {eid: f"inc-moved-{rnd.randrange(30)}" for eid in rnd.sample(shared["event_id"].tolist(), 150)}
    store.update_incident_ids(moved)
    _assert_leads(store)
    lead = store.query_sql("SELECT event_id FROM events WHERE incident_lead ORDER BY event_id")["event_id"].iloc[1]
    store.reject_events([lead], "tester")
    _assert_leads(store)
    store.restore_events([lead], "tester")
    _assert_leads(store)
    store.delete_events("gdelt")
    _assert_leads(store)
    # new reports, some joining stored incidents as copies of a stored report (they agree)
    copies = store.query_events(columns=None, order_by="event_id").dropna(subset=["incident_id"]).head(40)
    copies = copies.assign(event_id="copy-" + copies["event_id"], origin="manual", source="AFP")
    store.upsert_events(copies)
    _assert_leads(store)
    _assert_counts(store, filters, monkeypatch)


def test_a_store_from_before_leads_gets_them_on_opening(store_location):  # noqa: F811
    store = open_store(seed_if_new=False)
    store.upsert_events(_events(8))
    version = store.data_version()
    with store._connect() as con:  # as an older version left it: no leads, no record of them
        store._execute(con, "UPDATE events SET incident_lead = NULL")
        store._execute(con, "DELETE FROM meta WHERE key = 'incident_leads'")
    store.close()
    store = open_store(seed_if_new=False)
    _assert_leads(store)
    assert store.data_version() == version  # not a change of the data: caches stay


def test_counts_without_reports_no_lead_stands_for(store_location, monkeypatch):  # noqa: F811
    """A store whose shared incidents all agree: the Timeline's counts skip the scan for the
    reports no lead stands for, and still equal those that group every shared report; once an
    edit makes one incident disagree, they are read again."""
    frame = make_events(1500, 9)
    cols = [*LEAD_AGREES_ON, "is_running_total"]
    shared = frame["incident_id"].notna()
    frame.loc[shared, cols] = frame[shared].groupby("incident_id")[cols].transform("first")
    store = open_store(seed_if_new=False)
    store.upsert_events(frame)
    filters = random_filters(9, 6)
    _, lead_shared = tm._alone_and_shared(None)
    assert tm._shared_or_none(store, lead_shared) == "FALSE"
    _assert_counts(store, filters, monkeypatch)
    lead = store.query_sql("SELECT event_id FROM events WHERE incident_lead ORDER BY event_id")["event_id"].iloc[0]
    store.edit_event(lead, {"actor2": "UN"}, "tester")
    assert tm._shared_or_none(store, lead_shared) == lead_shared
    _assert_counts(store, filters, monkeypatch)
