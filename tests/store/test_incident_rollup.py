"""incident_rollup, kept by the store: after every kind of write, on both stores, the table is
what a recomputation from the events gives (in pandas here), a rolled-back write leaves it as it
was, an older store gets it when opened, and the Timeline's counts read from it are exactly the
counts read from the events."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conflict_monitor.bench.import_files import write_acled_csv, write_gdelt_tsv
from conflict_monitor.bench.synthetic import make_synthetic_events
from conflict_monitor.importers import import_file
from conflict_monitor.metrics import timeline as tm
from conflict_monitor.model.schema import EVENT_FIELDS
from conflict_monitor.store import incident_rollup as ir
from conflict_monitor.store.base import StoreBusyError
from conflict_monitor.store.factory import open_store
from tests.metrics import timeline_reference as ref
from tests.metrics.test_fast_paths import random_filters
from tests.metrics.test_timeline_reference import _same, _store_events
from tests.store.test_backends import store_location  # noqa: F401 - the backend fixture
from tests.store.test_incident_leads import _events

_KEYS = list(ir.KEYS)
_MEASURES = ["n", "reports", "conflict_n", "intensity"]


def _expected(store) -> pd.DataFrame:
    """The rollup recomputed in pandas from the stored events (its definition, not its SQL)."""
    rows = store.query_sql(f"SELECT {', '.join(_KEYS)}, incident_reports, incident_lead, "
                           "is_running_total, goldstein FROM events").astype(object)
    reports = rows["incident_reports"].map(lambda v: 1 if pd.isna(v) else int(v))
    lead = rows["incident_lead"].map(lambda v: False if pd.isna(v) else bool(v))
    running = rows["is_running_total"].map(lambda v: False if pd.isna(v) else bool(v))
    keep = rows["event_date"].notna() & ~running & ((reports <= 1) | lead)
    rows = rows.assign(reports=reports)[keep]
    goldstein = pd.to_numeric(rows["goldstein"], errors="coerce")
    conflict = goldstein < 0
    rows = rows.assign(n=1, conflict_n=conflict.astype(int), intensity=(-goldstein).where(conflict))
    rows["event_date"] = pd.to_datetime(rows["event_date"])
    out = rows.groupby(_KEYS, dropna=False, as_index=False).agg(
        n=("n", "sum"), reports=("reports", "sum"), conflict_n=("conflict_n", "sum"),
        intensity=("intensity", lambda v: v.sum() if v.notna().any() else np.nan))
    return _ordered(out)


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["event_date"] = pd.to_datetime(frame["event_date"]).astype("datetime64[us]")
    for col in _KEYS[1:]:
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    for col in _MEASURES[:3]:
        frame[col] = frame[col].astype("int64")
    frame["intensity"] = frame["intensity"].astype("float64")
    key = frame[_KEYS[1:]].fillna("\x00")  # NULL keys sort first, on both backends alike
    order = pd.concat([frame["event_date"], key], axis=1).sort_values(_KEYS).index
    return frame.loc[order, _KEYS + _MEASURES].reset_index(drop=True)


def _assert_rollup(store) -> None:
    """The stored rollup equals the recomputation, and no group is left noted."""
    assert store.has_incident_rollup()
    stored = _ordered(store.query_sql(f"SELECT {', '.join(_KEYS + _MEASURES)} FROM {ir.TABLE}"))
    pd.testing.assert_frame_equal(stored, _expected(store), check_exact=False, rtol=1e-12)
    assert store.query_sql(f"SELECT count(*) AS n FROM {ir.TOUCHED_TABLE}")["n"].iloc[0] == 0


def _acled_revisions(source: Path, target: Path, seed: int) -> None:
    """Some rows of an ACLED file revised: a later timestamp, another day, some another actor."""
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    rnd = np.random.default_rng(seed)
    picked = frame.sample(40, random_state=seed).copy()
    days = pd.to_datetime(picked["event_date"]) + pd.to_timedelta(rnd.integers(1, 5, len(picked)), unit="D")
    picked["event_date"] = days.dt.strftime("%Y-%m-%d")
    picked["year"] = days.dt.year.astype(str)
    picked["timestamp"] = (picked["timestamp"].astype(int) + 1000).astype(str)
    picked.loc[picked.index[:10], "actor1"] = "Syrian Democratic Forces"
    picked.to_csv(target, index=False)


@pytest.mark.parametrize(("groups_max", "days_max"), [(ir.GROUPS_MAX, ir.DAYS_MAX), (0, 10**6), (0, 0)],
                         ids=["as-set", "by-day", "by-join"])
def test_the_rollup_follows_every_write(store_location, tmp_path, monkeypatch,  # noqa: F811
                                        groups_max, days_max):
    # the touched groups recomputed one by one (few), by the days named (more), or joined (many)
    monkeypatch.setattr(ir, "GROUPS_MAX", groups_max)
    monkeypatch.setattr(ir, "DAYS_MAX", days_max)
    store = open_store(seed_if_new=False)
    _assert_rollup(store)  # a new store: built empty
    store.upsert_events(_events(11))
    _assert_rollup(store)
    # bulk imports: rows of no incident (not marked for the recount), linked into incidents,
    # then revisions that move rows to other days and actors
    acled, revised, gdelt = tmp_path / "a.csv", tmp_path / "r.csv", tmp_path / "g.export.CSV"
    write_acled_csv(acled, 400, seed=3)
    write_gdelt_tsv(gdelt, 300, seed=4)
    import_file(store, acled)
    _assert_rollup(store)
    import_file(store, gdelt)
    _assert_rollup(store)
    # rows of no incident left unlinked (as a big import's are until their slice is linked)
    unlinked = make_synthetic_events(60, 21).assign(event_id=lambda f: "unlinked-" + f["event_id"],
                                                    incident_id=None)

    def fill(con, table: str) -> None:
        con.register("unlinked_rows", unlinked[list(EVENT_FIELDS)])
        con.execute(f"INSERT INTO {table} SELECT * FROM unlinked_rows")
        con.unregister("unlinked_rows")

    assert store.import_staged(fill, relink=False).added == 60
    _assert_rollup(store)
    _acled_revisions(acled, revised, 5)
    assert import_file(store, revised).updated == 40
    _assert_rollup(store)
    # edits: of the deaths, of the day and of an actor, on a lead report and on one alone in its incident
    lead = store.query_sql("SELECT event_id FROM events WHERE incident_lead ORDER BY event_id")["event_id"]
    alone = store.query_sql("SELECT event_id FROM events WHERE incident_reports = 1 AND event_date IS NOT "
                            "NULL ORDER BY event_id")["event_id"]
    for event_id in (lead.iloc[0], alone.iloc[0]):
        store.edit_event(event_id, {"fatalities": 7}, "tester")
        _assert_rollup(store)
        store.edit_event(event_id, {"event_date": dt.date(2019, 3, 9)}, "tester")
        _assert_rollup(store)
        store.edit_event(event_id, {"actor1": "UN", "action": "threaten"}, "tester")
        _assert_rollup(store)
    # reject and restore (a lead and a lone report), relink, move reports, delete an origin
    store.reject_events([lead.iloc[1], alone.iloc[1]], "tester")
    _assert_rollup(store)
    store.restore_events([lead.iloc[1]], "tester")
    _assert_rollup(store)
    shared = store.query_sql("SELECT event_id FROM events WHERE incident_id IS NOT NULL ORDER BY event_id")
    rnd = random.Random(11)
    store.update_incident_ids({eid: f"inc-moved-{rnd.randrange(20)}"
                               for eid in rnd.sample(shared["event_id"].tolist(), 100)})
    _assert_rollup(store)
    store.relink_incidents()
    _assert_rollup(store)
    store.delete_events("gdelt")
    _assert_rollup(store)
    # new reports joining stored incidents (unmarked rows whose counts and leads the recount
    # changes): copies of a lead and of a lone report (they agree), and reports naming another
    # actor (the incident no longer agrees: its lead goes)
    stored = store.query_sql("SELECT * FROM events ORDER BY event_id")
    lead_rows = stored[stored["incident_lead"].fillna(False).astype(bool)].head(3)
    lone_rows = stored[stored["incident_id"].notna() & (stored["incident_reports"] == 1)
                       & (stored["actor2"] != "Russia")].head(3)
    assert len(lead_rows) == len(lone_rows) == 3
    joining = pd.concat([lead_rows.head(1), lone_rows.head(1),
                         lead_rows.iloc[1:].assign(actor2="Russia"), lone_rows.iloc[1:].assign(actor2="Russia")])
    joining = joining.assign(event_id="join-" + joining["event_id"], origin="manual")
    for i in range(len(joining)):  # one by one: few groups touched, each recomputed alone
        store.upsert_events(joining[list(EVENT_FIELDS)].iloc[i:i + 1])
        _assert_rollup(store)
    # a write that fails after the rollup's recomputation (or, for many days, after it was
    # marked to be made again) leaves the events and it as they were
    before = store.query_sql(f"SELECT * FROM {ir.TABLE}")
    version = store.data_version()
    refresh = store._refresh_incident_counts

    def fail(con) -> None:
        refresh(con)
        raise RuntimeError("half-way")

    with monkeypatch.context() as patch:
        patch.setattr(store, "_refresh_incident_counts", fail)
        with pytest.raises(RuntimeError, match="half-way"):
            store.edit_event(alone.iloc[2], {"event_date": dt.date(2019, 5, 1), "actor2": "UN"}, "tester")
    assert store.data_version() == version
    pd.testing.assert_frame_equal(_ordered(store.query_sql(f"SELECT * FROM {ir.TABLE}")), _ordered(before))
    _assert_rollup(store)


@pytest.mark.parametrize("seed", [4, 6])
def test_timeline_counts_from_the_rollup_equal_the_events(store_location, seed):  # noqa: F811
    store = open_store(seed_if_new=False)
    store.upsert_events(_store_events(seed))
    assert store.has_incident_rollup()
    flts = random_filters(seed, 10)
    for step in range(2):
        for flt in flts:
            label = f"{flt.describe()} after {step} edits"
            daily = tm.query_daily(store, flt)
            _same(daily, ref.query_daily(store, flt), f"daily {label}")
            pairs = tm.query_pair_daily(store, flt, 5)
            _same(pairs, ref.query_pair_daily(store, flt, 5), f"pairs {label}")
            with pytest.MonkeyPatch.context() as patch:  # from the events: the same rows and dtypes
                patch.setattr(tm, "_rollup_kept", lambda source, flt: False)
                pd.testing.assert_frame_equal(daily, tm.query_daily(store, flt), check_exact=False,
                                              rtol=1e-12)
                pd.testing.assert_frame_equal(pairs, tm.query_pair_daily(store, flt, 5),
                                              check_exact=False, rtol=1e-12)
        ids = store.query_sql("SELECT event_id FROM events WHERE event_date IS NOT NULL "
                              "ORDER BY event_id")["event_id"].tolist()
        for event_id in random.Random(seed).sample(ids, 20):  # days and actors moved
            store.edit_event(event_id, {"event_date": dt.date(2019, 6, 1), "actor2": "Russia"}, "tester")


def test_an_older_store_gets_the_rollup_when_opened(store_location, monkeypatch):  # noqa: F811
    store = open_store(seed_if_new=False)
    store.upsert_events(_events(12))
    version = store.data_version()
    with store._connect() as con:  # as an older version left it: neither table, no meta row
        store._execute(con, f"DROP TABLE {ir.TABLE}")
        store._execute(con, f"DROP TABLE {ir.TOUCHED_TABLE}")
        store._execute(con, "DELETE FROM meta WHERE key = ?", [ir.META_KEY])
    store.close()
    # busy with a write when opened: no rollup yet, the Timeline reads the events, writes go on
    with monkeypatch.context() as patch:
        def busy(self):
            raise StoreBusyError("busy")

        patch.setattr(type(store), "_upkeep_transaction", busy)
        store = open_store(seed_if_new=False)
        assert not store.has_incident_rollup()
        flt = random_filters(12, 1)[0]
        _same(tm.query_daily(store, flt), ref.query_daily(store, flt), "daily without the rollup")
        store.delete_events("gdelt")
        store.close()
    store = open_store(seed_if_new=False)
    _assert_rollup(store)
    assert store.data_version() == version + 1  # the build is not a change of the data
