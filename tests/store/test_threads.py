"""Several Streamlit sessions write through the dashboard's one DuckDB instance at once (issue 19.4).

Every write moves the same data-version row, so two transactions open at once used to end in
`TransactionException: Conflict on update!` for all but one of them."""

from __future__ import annotations

import io
import threading

from conflict_monitor.importers import import_upload
from conflict_monitor.store.duckdb import DuckDBStore
from tests.store.test_backends import concurrent_rows

THREADS = 4
ROWS_EACH = 60
BATCH = 3


def _acled_file(thread: int) -> io.BytesIO:
    header = ("event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,actor2,"
              "country,admin1,location,latitude,longitude,geo_precision,source,notes,fatalities\n")
    lines = [f"T{thread}R{i},2020-02-{1 + i % 27:02d},1,Battles,Armed clash,"
             f"Military Forces of Syria (2000-),HTS,Syria,Idleb,Place {thread}-{i},35.9,36.6,1,"
             f"SOHR,Clash {i}.,{i % 3}\n" for i in range(20)]
    upload = io.BytesIO((header + "".join(lines)).encode())
    upload.name = f"acled-{thread}.csv"
    return upload


def test_threads_writing_at_once_all_land(tmp_path):
    store = DuckDBStore(tmp_path / "store.duckdb", keep_open=True)
    version = store.data_version()
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []
    writes = [0] * THREADS

    def writer(n: int) -> None:
        try:
            rows = concurrent_rows(n * ROWS_EACH, (n + 1) * ROWS_EACH)
            start.wait(timeout=30)
            result, problem = import_upload(store, _acled_file(n))
            assert problem is None and result is not None and result.added == 20, problem
            writes[n] += 1
            for i in range(0, len(rows), BATCH):
                assert store.upsert_events(rows[i:i + BATCH]).added == BATCH
                writes[n] += 1
        except BaseException as exc:  # collected: the test fails on any of them below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors[:3]
    assert store.count_events() == THREADS * (ROWS_EACH + 20)
    assert store.data_version() == version + sum(writes)
    store.close()


def test_two_stores_on_one_file_in_one_process_retry_collisions(tmp_path):
    """Two DuckDBStore objects on one file share DuckDB's instance but not the write lock:
    a collision between them is retried, so every write still lands."""
    path = tmp_path / "store.duckdb"
    stores = [DuckDBStore(path, keep_open=True), DuckDBStore(path, keep_open=True)]
    version = stores[0].data_version()
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            rows = concurrent_rows(n * ROWS_EACH, (n + 1) * ROWS_EACH)
            start.wait(timeout=30)
            for i in range(0, len(rows), BATCH):
                assert stores[n % 2].upsert_events(rows[i:i + BATCH]).added == BATCH
        except BaseException as exc:  # collected: the test fails on any of them below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors[:3]
    assert stores[0].count_events() == THREADS * ROWS_EACH
    assert stores[1].data_version() == version + THREADS * ROWS_EACH // BATCH
    for store in stores:
        store.close()
