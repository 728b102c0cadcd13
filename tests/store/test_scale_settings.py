"""What a store of ten million events relies on: bounded memory in the dashboard's DuckDB
instance, PostgreSQL's indexes (also on a store made before them), and the synthetic loaders'
incident counts matching the store's own."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from conflict_monitor.bench.synthetic import iter_synthetic_chunks, make_synthetic_events
from conflict_monitor.bench.synthetic_pg import count_incident_reports
from conflict_monitor.importers import import_file
from conflict_monitor.store.duckdb import DuckDBStore
from conflict_monitor.store.factory import open_store
from tests.store.test_backends import store_location  # noqa: F401 - the backend fixture

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _assert_bounded(store: DuckDBStore) -> None:
    limit = store.query_sql("SELECT current_setting('memory_limit') AS v")["v"].iloc[0]
    # DuckDB reports the limit in its own units (e.g. '953.6 MiB' for 1GB)
    number, unit = limit.split()
    assert unit in ("MiB", "MB") or (unit in ("GiB", "GB") and float(number) <= 1.0), limit


def test_kept_open_duckdb_bounds_its_memory(tmp_path):
    store = DuckDBStore(tmp_path / "s.duckdb", keep_open=True)
    try:
        _assert_bounded(store)
    finally:
        store.close()


def test_an_import_leaves_the_memory_bound_in_place(tmp_path):
    """The import lowers DuckDB's limit while it runs; it used to RESET it afterwards, which is
    DuckDB's default of 80 % of RAM, not the dashboard's bound."""
    store = DuckDBStore(tmp_path / "s.duckdb", keep_open=True)
    try:
        import_file(store, FIXTURES / "acled_sample.csv")
        _assert_bounded(store)
    finally:
        store.close()


def test_postgres_indexes_are_built_on_open(store_location):  # noqa: F811
    store = open_store(seed_if_new=False)
    if not store_location.startswith("postgresql"):
        return  # DuckDB relies on its zone maps
    names = set(store.query_sql("SELECT indexname FROM pg_indexes WHERE schemaname = "
                                "current_schema() AND tablename = 'events'")["indexname"])
    assert {"events_event_date", "events_incident_id", "events_uncounted", "events_running_totals"} <= names
    # a store made before the indexes gets them when opened
    store.query_sql("DROP INDEX events_incident_id")
    reopened = open_store(seed_if_new=False)
    names = set(reopened.query_sql("SELECT indexname FROM pg_indexes WHERE schemaname = "
                                   "current_schema() AND tablename = 'events'")["indexname"])
    assert "events_incident_id" in names


def test_chunks_are_the_small_store_and_count_incidents_as_the_store_does(tmp_path):
    whole = make_synthetic_events(3000, seed=4)
    pd.testing.assert_frame_equal(next(iter_synthetic_chunks(3000, seed=4, chunk=5000)), whole)
    chunks = list(iter_synthetic_chunks(3000, seed=4, chunk=1000))
    both = pd.concat(chunks, ignore_index=True)
    assert both["event_id"].is_unique and len(both) == 3000
    store = DuckDBStore(tmp_path / "c.duckdb")
    store.upsert_events(both)
    kept = store.query_sql("SELECT event_id, incident_reports FROM events ORDER BY event_id")
    ours = both.assign(n=pd.concat([count_incident_reports(c) for c in chunks], ignore_index=True))
    ours = ours.sort_values("event_id")
    assert kept["incident_reports"].tolist() == ours["n"].tolist()
    assert (kept["incident_reports"] > 1).any()  # shared incidents are there to count


def test_bench_store_is_not_a_first_start(tmp_path):
    """The cold-start benchmark opens a store in use: no source article extraction in it."""
    from conflict_monitor.bench.synthetic import load_synthetic_store  # noqa: PLC0415
    from conflict_monitor.store.seed import compute_source_article_missing  # noqa: PLC0415
    from tests.store.test_incident_rollup import _assert_rollup  # noqa: PLC0415

    store = load_synthetic_store(tmp_path / "b.duckdb", 500)
    assert store.count_events() == 500
    assert not compute_source_article_missing(store)
    _assert_rollup(store)  # the rows loaded past the store's upkeep are in its rollup


def test_naive_csv_is_capped_and_stores_are_reused(tmp_path, monkeypatch):
    """Beyond NAIVE_MAX_EVENTS the naive page reads the first NAIVE_MAX_EVENTS synthetic events
    (their own store), and a kept store of the right size is not generated again."""
    from conflict_monitor.bench import run  # noqa: PLC0415

    monkeypatch.setattr(run, "NAIVE_MAX_EVENTS", 300)
    db = tmp_path / "bench-500.duckdb"
    run._build_store(db, 500)

    def generate_again(*args, **kwargs):
        raise AssertionError("a kept store of the right size was generated again")

    from conflict_monitor.bench import synthetic  # noqa: PLC0415
    with monkeypatch.context() as patch:
        patch.setattr(synthetic, "load_synthetic_store", generate_again)
        run._build_store(db, 500)  # reused
    csv_path, naive_events = run.write_naive_csv(tmp_path, db, 500)
    frame = pd.read_csv(csv_path)
    assert naive_events == 300 and len(frame) == 300
    assert set(frame["event_id"]) == {f"syn-0-{i}" for i in range(300)}


def test_postgres_synthetic_store_keys_its_incidents_as_the_store_does(store_location):  # noqa: F811
    if not store_location.startswith("postgresql"):
        return  # the DuckDB loader leaves the counting and keying to the store's recount
    from conflict_monitor.bench.synthetic_pg import load_synthetic_postgres  # noqa: PLC0415
    from tests.metrics.test_fast_paths import _assert_keys  # noqa: PLC0415
    from tests.store.test_incident_leads import _assert_leads  # noqa: PLC0415
    from tests.store.test_incident_rollup import _assert_rollup  # noqa: PLC0415

    store = load_synthetic_postgres(store_location, 3000, progress=None)
    _assert_keys(store)
    _assert_leads(store)  # its shared incidents' leads, as the store's recount gives them
    _assert_rollup(store)  # and the rows loaded past the store's upkeep are in its rollup
    # a later report of a loaded incident: the recount keys that incident anew, clear of the
    # loaded keys (the loader moved the sequence past them)
    shared = store.query_sql("SELECT incident_id FROM events WHERE incident_reports > 1 LIMIT 1")
    row = make_synthetic_events(1, 9).assign(event_id="later-1", incident_id=shared["incident_id"].iloc[0])
    store.upsert_events(row)
    _assert_keys(store)
