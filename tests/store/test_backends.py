"""The store's behaviour on every backend: DuckDB (a file) and PostgreSQL (a fresh schema).

The PostgreSQL cases run when CONFLICT_MONITOR_TEST_PG holds a postgresql:// URL of a database
this test may create schemas in (.ci/run starts one); otherwise they are skipped.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import pytest

from conflict_monitor.model.filters import EventFilter
from conflict_monitor.model.schema import validate_event
from conflict_monitor.store.base import ImportRejected
from conflict_monitor.store.factory import open_store

PG_ENV = "CONFLICT_MONITOR_TEST_PG"
REPO = Path(__file__).resolve().parents[2]


def _event(**changes):
    row = {"event_date": "2020-02-27", "action": "kill", "actor1": "Syrian government forces",
           "actor1_country": "SYR", "actor2": "Turkish forces", "actor2_country": "TUR",
           "country": "SYR", "location": "Balyun", "fatalities": 33, "origin": "manual",
           "evidence": "Test sentence.", "source": "Test"}
    row.update(changes)
    return row


def pg_schema_url(base: str, schema: str) -> str:
    """The URL of `base` with search_path set to `schema` (libpq's options parameter)."""
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(params=["duckdb", "postgres"])
def store_location(request, tmp_path, monkeypatch) -> Iterator[str]:
    """CONFLICT_MONITOR_DB for this test alone: a new DuckDB file or a new PostgreSQL schema."""
    if request.param == "duckdb":
        location = str(tmp_path / "store.duckdb")
        monkeypatch.setenv("CONFLICT_MONITOR_DB", location)
        yield location
        return
    base = os.environ.get(PG_ENV, "").strip()
    if not base:
        pytest.skip(f"{PG_ENV} is not set: set it to a postgresql:// URL to test the PostgreSQL "
                    "store (.ci/run starts a server and sets it)")
    psycopg = pytest.importorskip("psycopg")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as con:
        con.execute(f"CREATE SCHEMA {schema}")  # a fixed pattern, not user input
    location = pg_schema_url(base, schema)
    monkeypatch.setenv("CONFLICT_MONITOR_DB", location)
    try:
        yield location
    finally:
        with psycopg.connect(base, autocommit=True) as con:
            con.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def empty_store(store_location):
    return open_store(seed_if_new=False)


def test_seed_loads_posts_reference_and_source_article(store_location):
    store = open_store()
    assert len(store.query_sites()) == 12
    origins = set(store.list_distinct("origin"))
    assert {"reference", "extracted"} <= origins
    assert len(store.query_articles()) == 1
    balyun = store.query_events(EventFilter(date_from=dt.date(2020, 2, 27), date_to=dt.date(2020, 2, 27)))
    assert sorted(balyun["fatalities"].dropna().astype(int)) == [33, 34]
    assert balyun["incident_id"].nunique() == 1


def test_reopening_a_seeded_store_adds_nothing(store_location):
    first = open_store().count_events()
    assert open_store().count_events() == first
    assert len(open_store().query_sites()) == 12


def test_upsert_is_idempotent(empty_store):
    rows = [_event(), _event(location="Saraqib", fatalities=4)]
    assert empty_store.upsert_events(rows).added == 2
    again = empty_store.upsert_events(rows)
    assert (again.added, again.already_present) == (0, 2)
    assert empty_store.count_events() == 2


def test_bad_row_rolls_back_the_whole_batch(empty_store):
    empty_store.upsert_events([_event(location="Sarmin")])
    with pytest.raises(ImportRejected) as info:
        empty_store.upsert_events([_event(location="Taftanaz"), _event(fatalities="many")])
    assert "row 2" in str(info.value) and "fatalities" in str(info.value)
    assert empty_store.count_events() == 1


def test_skip_invalid_lists_the_bad_rows(empty_store):
    result = empty_store.upsert_events([_event(), _event(action="bombard", location="X")],
                                       skip_invalid=True)
    assert result.added == 1
    assert result.skipped[0][0] == 2 and "action" in result.skipped[0][1]


def test_same_article_twice_is_stored_once(empty_store):
    article = {"text": "Turkey  said something.\r\n", "title": "t", "published": "2020-02-13"}
    first = empty_store.ingest_article(article, [_event(origin="extracted")])
    second = empty_store.ingest_article({**article, "text": "Turkey  said something."},
                                        [_event(origin="extracted")])
    assert first.article_added and not second.article_added
    assert (first.added, second.added) == (1, 0)
    assert len(empty_store.query_articles()) == 1
    stored = empty_store.get_article(empty_store.query_articles()["id"][0])
    assert stored["text"] == "Turkey  said something." and stored["title"] == "t"
    assert empty_store.get_article("no-such-id") is None


def test_filters_select_in_sql(empty_store):
    empty_store.upsert_events([
        _event(),
        _event(event_date="2020-02-03", location="Saraqib", fatalities=4, origin="acled", source="ACLED"),
        _event(event_date="2020-03-05", action="ceasefire", actor1="Russia", actor1_country="RUS",
               actor2="Turkey", actor2_country="TUR", country="RUS", location="Moscow", fatalities=None),
    ])
    count = empty_store.count_events
    assert count(EventFilter(actors=("Russia",))) == 1
    assert count(EventFilter(countries=("TUR",))) == 3  # actor2's country counts
    assert count(EventFilter(countries=("RUS",))) == 1
    assert count(EventFilter(date_from=dt.date(2020, 2, 4))) == 2
    assert count(EventFilter(actions=("kill",), origins=("acled",))) == 1
    assert count(EventFilter(sources=("ACLED",))) == 1
    assert count(EventFilter(actors=("x' OR '1'='1",))) == 0
    assert empty_store.list_actors() == ["Russia", "Syrian government forces", "Turkey", "Turkish forces"]
    assert empty_store.list_countries() == ["RUS", "SYR", "TUR"]
    assert empty_store.date_bounds() == (dt.date(2020, 2, 3), dt.date(2020, 3, 5))


def test_query_events_orders_limits_and_types_columns(empty_store):
    empty_store.upsert_events([_event(), _event(event_date="2020-02-03", location="Saraqib", fatalities=4),
                               _event(event_date="2020-03-05", location="Moscow", fatalities=None)])
    frame = empty_store.query_events(columns=["event_date", "location", "fatalities"], limit=2)
    assert list(frame["location"]) == ["Moscow", "Balyun"]
    assert pd.api.types.is_datetime64_any_dtype(frame["event_date"])
    by_deaths = empty_store.query_events(order_by="fatalities DESC")
    assert list(by_deaths["location"]) == ["Balyun", "Saraqib", "Moscow"]  # NULLS LAST
    assert pd.isna(by_deaths["fatalities"].iloc[2])
    with pytest.raises(ValueError):
        empty_store.query_events(order_by="location; DROP TABLE events")


def test_query_sql_keeps_literal_percent_and_question_marks(empty_store):
    empty_store.upsert_events([_event(evidence="Is it 50% or more?")])
    frame = empty_store.query_sql("SELECT count(*) AS n, '?' AS mark FROM events "
                                  "WHERE evidence LIKE '%50\\%%' ESCAPE '\\' AND country = ?", ["SYR"])
    assert int(frame["n"][0]) == 1 and frame["mark"][0] == "?"


def test_data_version_moves_on_write(empty_store):
    before = empty_store.data_version()
    empty_store.upsert_events([_event()])
    assert empty_store.data_version() == before + 1


def test_import_batches_is_all_or_nothing(empty_store):
    def batches():
        yield pd.DataFrame([validate_event(_event(location=f"P{i}")) for i in range(5)])
        raise ValueError("broken file")

    with pytest.raises(ValueError, match="broken file"):
        empty_store.import_batches(batches())
    assert empty_store.count_events() == 0
    good = pd.DataFrame([validate_event(_event(location=f"P{i}")) for i in range(7)])
    assert empty_store.import_batches([good.iloc[:5]]).added == 5
    result = empty_store.import_batches([good.iloc[:2], good.iloc[3:]])
    assert (result.added, result.already_present) == (2, 4)
    assert empty_store.count_events() == 7


def test_incident_ids_update_and_relink(empty_store):
    empty_store.upsert_events([_event(), _event(fatalities=34, source="Other")])
    ids = list(empty_store.query_events()["event_id"])
    assert empty_store.update_incident_ids({ids[0]: "curated-1"}) == 1
    assert empty_store.relink_incidents() >= 1
    linked = empty_store.query_events()
    assert set(linked["incident_id"]) == {"curated-1"}


def _incident_counts(store) -> dict[str, tuple[str | None, int]]:
    """event_id -> (incident_id, the incident_reports the store keeps), checked against a recount."""
    rows = store.query_sql("SELECT event_id, incident_id, incident_reports FROM events")
    recount = rows.groupby("incident_id")["event_id"].transform("count")
    expected = recount.where(rows["incident_id"].notna(), 1).astype(int).tolist()
    assert rows["incident_reports"].astype(int).tolist() == expected
    columns = (rows["event_id"], rows["incident_id"], rows["incident_reports"])
    return {e: (i, int(n)) for e, i, n in zip(*columns, strict=True)}


def test_every_write_keeps_the_reports_per_incident(empty_store):
    """incident_reports (what the Timeline counts incidents with) stays right through an
    upsert, an import that links reports, a curator's relabel, a relink and a delete."""
    empty_store.upsert_events([_event(event_date="2020-02-03", location="Saraqib")])
    assert set(_incident_counts(empty_store).values()) == {(None, 1)}
    batch = pd.DataFrame([validate_event(_event(origin=origin, source=origin, fatalities=figure))
                          for origin, figure in (("acled", 33), ("gdelt", 34), ("ucdp", 35))])
    empty_store.import_batches([batch])
    counts = _incident_counts(empty_store)
    assert sorted(n for _, n in counts.values()) == [1, 3, 3, 3]
    acled = empty_store.query_events(EventFilter(origins=("acled",)))["event_id"][0]
    empty_store.update_incident_ids({acled: "curated-1"})  # the old incident loses a report
    assert sorted(n for _, n in _incident_counts(empty_store).values()) == [1, 1, 2, 2]
    empty_store.relink_incidents()  # joins it again
    assert sorted(n for _, n in _incident_counts(empty_store).values()) == [1, 3, 3, 3]
    empty_store.delete_events("gdelt")
    assert sorted(n for _, n in _incident_counts(empty_store).values()) == [1, 2, 2]


def test_a_store_from_before_the_count_is_upgraded_on_opening(store_location):
    store = open_store(seed_if_new=False)
    store.upsert_events([_event(incident_id="i-1"), _event(fatalities=34, incident_id="i-1"),
                         _event(location="Saraqib")])
    store.close()
    if store_location.startswith("postgresql"):
        psycopg = pytest.importorskip("psycopg")
        with psycopg.connect(store_location, autocommit=True) as con:
            con.execute("ALTER TABLE events DROP COLUMN incident_reports")
    else:
        import duckdb
        with duckdb.connect(store_location) as con:
            con.execute("ALTER TABLE events DROP COLUMN incident_reports")
    reopened = open_store(seed_if_new=False)
    assert sorted(n for _, n in _incident_counts(reopened).values()) == [1, 2, 2]


def test_sites_are_replaced_and_events_deleted(empty_store):
    site = {"site_id": "op-1", "name": "Post 1", "latitude": 35.9, "longitude": 36.6}
    status = {"site_id": "op-1", "status": "active", "status_from": "2018-05-01"}
    assert empty_store.upsert_sites([site], [status]) == 1
    empty_store.upsert_sites([{**site, "name": "Post One"}], [{**status, "reported_by": "TSK"}])
    assert list(empty_store.query_sites()["name"]) == ["Post One"]
    assert list(empty_store.query_site_status()["reported_by"]) == ["TSK"]
    empty_store.upsert_events([_event(), _event(location="X", origin="acled")])
    assert empty_store.delete_events("acled") == 1
    assert empty_store.count_events() == 1 and not empty_store.is_empty()


def test_sites_stored_in_one_statement_keep_nulls_types_and_the_last_row_of_a_key(empty_store):
    sites = [{"site_id": "op-1", "name": "Post 1", "latitude": None, "longitude": 36.6},
             {"site_id": "op-2", "name": "Post 2", "latitude": 35.1, "longitude": 36.0,
              "established": dt.date(2018, 5, 1)},
             {"site_id": "op-1", "name": "Post One", "latitude": None, "longitude": 36.7}]
    statuses = [{"site_id": "op-2", "status": "active", "status_from": "2018-05-01"},
                {"site_id": "op-2", "status": "active", "status_from": dt.date(2018, 5, 1),
                 "date_approx": True, "reported_by": "TSK"},
                {"site_id": "op-2", "status": "evacuated", "status_from": dt.date(2020, 2, 1),
                 "date_approx": None}]
    assert empty_store.upsert_sites(sites, statuses[1:]) == 3
    empty_store.upsert_sites([], statuses[:1])  # a string date is the same key: replaced
    rows = empty_store.query_sql("SELECT site_id, name, latitude IS NULL AS no_latitude, longitude, "
                                 "established FROM sites ORDER BY site_id")
    assert rows.values.tolist()[0][:4] == ["op-1", "Post One", True, 36.7]
    assert rows["established"].isna().tolist() == [True, False]
    status = empty_store.query_sql("SELECT status, status_from, date_approx IS NULL AS unknown, reported_by "
                                   "FROM site_status ORDER BY status_from")
    assert status["status"].tolist() == ["active", "evacuated"]
    assert status["unknown"].tolist() == [True, True] and status["reported_by"].isna().all()
    assert str(pd.Timestamp(status["status_from"].iloc[0]).date()) == "2018-05-01"


def test_tables_have_the_acled_names(empty_store):
    cols = set(empty_store.query_sql("SELECT * FROM events LIMIT 0").columns)
    assert {"event_date", "event_type", "sub_event_type", "actor1", "actor2", "admin1",
            "geo_precision", "fatalities", "source"} <= cols


# --- two processes ingesting at once ---------------------------------------------------------
def concurrent_rows(start: int, stop: int) -> list[dict]:
    """Distinct events numbered start..stop-1 (the same number gives the same event_id)."""
    day = dt.date(2020, 1, 1)
    return [_event(location=f"Place {i}", evidence=f"Report {i}.",
                   event_date=(day + dt.timedelta(days=i % 365)).isoformat()) for i in range(start, stop)]


_WORKER = ("import json, sys; from tests.store.test_backends import ingest_worker; "
           "print(json.dumps(ingest_worker(*json.loads(sys.argv[1]))))")


def _wait_for(path: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} did not appear in {seconds} s")
        time.sleep(0.01)  # polling a file the other process creates


def ingest_worker(location: str, start: int, stop: int, batch: int, use_import: bool,
                  signal_dir: str) -> dict:
    """Child process: open the store, say ready, wait for 'go', then write rows start..stop."""
    store = open_store(location, seed_if_new=False)
    rows = concurrent_rows(start, stop)
    (Path(signal_dir) / f"ready-{start}").touch()
    _wait_for(Path(signal_dir) / "go", 120)
    began, added, transactions = time.time(), 0, 0
    for i in range(0, len(rows), batch):
        chunk = rows[i:i + batch]
        if use_import:
            frame = pd.DataFrame([validate_event(r) for r in chunk])
            added += store.import_batches([frame]).added
        else:
            added += store.upsert_events(chunk).added
        transactions += 1
    return {"added": added, "transactions": transactions, "began": began, "ended": time.time()}


def run_concurrent_ingest(location: str, n: int, overlap: int, batch: int) -> dict:
    """Two processes write n rows each, `overlap` of them the same; return what they saw.

    Separate interpreters (subprocess), so nothing of this process (a Streamlit script that
    AppTest left as __main__, open connections) leaks into them."""
    signal_dir = Path(tempfile.mkdtemp(prefix="ingest-"))
    spans = [(0, n, False), (n - overlap, 2 * n - overlap, True)]
    procs = [subprocess.Popen(
        [sys.executable, "-c", _WORKER, json.dumps([location, a, b, batch, imp, str(signal_dir)])],
        cwd=REPO, stdout=subprocess.PIPE, text=True) for a, b, imp in spans]
    try:
        for a, _, _ in spans:
            _wait_for(signal_dir / f"ready-{a}", 120)
        (signal_dir / "go").touch()
        outcome = []
        for proc in procs:
            out, _ = proc.communicate(timeout=300)
            assert proc.returncode == 0, out
            outcome.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    return {"workers": outcome, "union": 2 * n - overlap,
            "seconds": max(o["ended"] for o in outcome) - min(o["began"] for o in outcome),
            "overlapped": min(o["ended"] for o in outcome) > max(o["began"] for o in outcome)}


def test_two_processes_ingesting_at_once_lose_nothing(empty_store, store_location):
    version = empty_store.data_version()
    figures = run_concurrent_ingest(store_location, n=2000, overlap=1000, batch=250)
    workers = figures["workers"]
    assert figures["overlapped"], "the two processes did not write at the same time"
    assert empty_store.count_events() == figures["union"]
    distinct = empty_store.query_sql("SELECT count(DISTINCT event_id) AS n FROM events")
    assert int(distinct["n"][0]) == figures["union"]
    assert sum(w["added"] for w in workers) == figures["union"]  # each row added exactly once
    assert empty_store.data_version() == version + sum(w["transactions"] for w in workers)
    expected = {f"Place {i}" for i in range(figures["union"])}
    assert set(empty_store.query_events(columns=["location"])["location"]) == expected


def test_postgres_readers_and_new_sessions_do_not_wait_for_a_write(empty_store, store_location):
    if not store_location.startswith("postgresql://"):
        pytest.skip("DuckDB: one process at a time holds the file; readers wait their turn")
    empty_store.upsert_events([_event()])
    seen: list = []

    def open_and_read() -> None:
        other = open_store(store_location)
        seen.append((other.count_events(), other.data_version()))

    with empty_store._transaction() as con:  # a write in progress (it holds the version row)
        empty_store._execute(con, "DELETE FROM events")
        reader = threading.Thread(target=open_and_read, daemon=True)
        reader.start()
        reader.join(timeout=15)
        assert not reader.is_alive(), "opening the store waited for the running write"
    assert seen == [(1, 1)]  # the last committed state
    assert empty_store.count_events() == 0 and empty_store.data_version() == 2


def test_a_dead_import_leaves_no_staging_table(tmp_path):
    """A process killed mid-import cannot drop its staging table; the next opening does."""
    import duckdb

    from conflict_monitor.store.duckdb import STAGING_PREFIX, DuckDBStore

    path = tmp_path / "store.duckdb"
    DuckDBStore(path).close()
    with duckdb.connect(str(path)) as con:
        con.execute(f"CREATE TABLE {STAGING_PREFIX}0123456789ab AS SELECT 1 AS x")
        con.execute("CREATE TABLE import_staging_notes AS SELECT 1 AS x")  # not our pattern: kept
    store = DuckDBStore(path)
    tables = set(store.query_sql("SELECT table_name FROM information_schema.tables")["table_name"])
    assert f"{STAGING_PREFIX}0123456789ab" not in tables and "import_staging_notes" in tables
    assert "events" in tables


def test_an_import_that_runs_out_of_memory_says_so_and_changes_nothing(tmp_path, monkeypatch):
    from conflict_monitor.importers import import_upload
    from conflict_monitor.store import duckdb as duckdb_store
    from conflict_monitor.store import duckdb_import
    from conflict_monitor.store.base import StoreError

    store = duckdb_store.DuckDBStore(tmp_path / "store.duckdb")
    store.upsert_events([_event()])
    before = store.count_events()
    monkeypatch.setattr(duckdb_import, "IMPORT_MEMORY_LIMIT", "1MB")  # far too little
    frame = pd.DataFrame([validate_event(_event(location=f"Place {i}", evidence="x" * 500))
                          for i in range(3000)])
    with pytest.raises(StoreError, match="more memory"):
        store.import_batches([frame])
    assert store.count_events() == before
    sample = REPO / "tests" / "fixtures" / "acled_sample.csv"
    with sample.open("rb") as upload:
        result, error = import_upload(store, upload)
    assert result is None and "nothing was imported" in error
    assert store.count_events() == before


def test_a_big_file_over_years_is_linked_a_year_at_a_time(tmp_path, monkeypatch):
    """Past LINK_IN_IMPORT_MAX_ROWS new rows, a file spanning years is stored in one transaction
    and linked afterwards, a year per transaction; the links are the same."""
    from conflict_monitor.store import duckdb as duckdb_store
    from conflict_monitor.store import duckdb_import

    monkeypatch.setattr(duckdb_import, "LINK_IN_IMPORT_MAX_ROWS", 0)  # every file counts as big
    store = duckdb_store.DuckDBStore(tmp_path / "store.duckdb")
    rows = [_event(event_date="2018-03-01", location="Sarmin"),
            _event(event_date="2020-02-27", origin="acled", source="ACLED"),
            _event(event_date="2020-02-27", origin="gdelt", source="GDELT", fatalities=34)]
    version = store.data_version()
    store.import_batches([pd.DataFrame([validate_event(r) for r in rows])])
    assert store.data_version() > version + 1  # the import, then one commit per slice
    counts = _incident_counts(store)
    assert sorted(n for _, n in counts.values()) == [1, 2, 2]
    linked = store.query_events(EventFilter(date_from=dt.date(2020, 2, 27)))
    assert linked["incident_id"].nunique() == 1


def test_linking_that_stops_after_a_big_import_says_where_to_finish(tmp_path, monkeypatch):
    import duckdb

    from conflict_monitor.store import duckdb as duckdb_store
    from conflict_monitor.store import duckdb_import
    from conflict_monitor.store.base import StoreError

    monkeypatch.setattr(duckdb_import, "LINK_IN_IMPORT_MAX_ROWS", 0)
    store = duckdb_store.DuckDBStore(tmp_path / "store.duckdb")

    def fail(con, slices):
        raise duckdb.OutOfMemoryException("Out of Memory Error: test")

    monkeypatch.setattr(store, "_relink_slices", fail)
    rows = [_event(event_date="2018-03-01", location="Sarmin"), _event(event_date="2020-02-27")]
    with pytest.raises(StoreError, match="All 2 events were imported.*link-incidents --from"):
        store.import_batches([pd.DataFrame([validate_event(r) for r in rows])])
    assert store.count_events() == 2  # stored whole; only the links are left to make


def test_a_newer_revision_replaces_the_stored_row(empty_store):
    """Issue 19.10 on every backend: a dataset row with a later revised_at replaces the stored
    one (and is linked again); the same or an older revision is already present."""
    def frame(fatalities: int, revised: str, day: str = "2020-02-27") -> pd.DataFrame:
        row = _event(event_id="acled-SYR1", origin="acled", fatalities=fatalities,
                     event_date=day, revised_at=revised)
        return pd.DataFrame([validate_event(row)])

    assert empty_store.import_batches([frame(10, "2020-03-01T00:00:00")]).added == 1
    empty_store.upsert_events([_event(evidence="Another report.", fatalities=33)])
    newer = empty_store.import_batches([frame(12, "2020-05-20T12:00:00", "2020-02-28")])
    assert (newer.added, newer.updated, newer.already_present) == (0, 1, 0)
    older = empty_store.import_batches([frame(10, "2020-03-01T00:00:00")])
    assert (older.added, older.updated, older.already_present) == (0, 0, 1)
    rows = empty_store.query_events(order_by="event_id ASC").set_index("event_id")
    assert rows.loc["acled-SYR1", "fatalities"] == 12
    assert str(rows.loc["acled-SYR1", "event_date"])[:10] == "2020-02-28"
    assert str(rows.loc["acled-SYR1", "revised_at"])[:19] == "2020-05-20 12:00:00"
    counts = empty_store.query_sql("SELECT incident_id, count(*) AS n, min(incident_reports) AS low "
                                   "FROM events GROUP BY incident_id")
    assert counts["incident_id"].notna().all() and (counts["n"] == counts["low"]).all()
