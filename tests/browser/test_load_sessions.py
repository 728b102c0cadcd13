"""20 browser sessions filter while a file is imported: no errors, nothing lost or doubled."""

import asyncio
import concurrent.futures
from pathlib import Path

import pytest

from conflict_monitor.bench.loadtest import run_load
from tests.conftest import CHROMIUM, serve_app

pytestmark = pytest.mark.browser
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "acled_sample.csv"


def test_twenty_sessions_while_an_import_runs(tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    from conflict_monitor.importers import import_file
    from conflict_monitor.store.factory import open_store

    store_file = tmp_path / "load.duckdb"
    before = open_store(str(store_file)).count_events()
    # What the file adds, measured on a copy of the same store.
    probe = tmp_path / "probe.duckdb"
    probe.write_bytes(store_file.read_bytes())
    expected_added = import_file(open_store(str(probe)), FIXTURE).added
    assert expected_added > 0

    with serve_app(store_file, tmp_path) as url:
        # Own thread: the session's sync playwright fixture may already run a loop on this one.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            report = pool.submit(asyncio.run, run_load(url, FIXTURE, sessions=20, rounds=2)).result()
    print(report.summary())
    assert report.errors == []
    assert report.page_loads == 40
    assert "added" in report.import_message
    store = open_store(str(store_file))
    assert store.count_events() == before + expected_added
    ids = store.query_sql("SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM events")
    assert int(ids["n"][0]) == int(ids["d"][0])
