"""Store set-up and failure modes. Behaviour shared by every backend (seeding, idempotent
upserts, all-or-nothing imports, filters in SQL, concurrent ingest) is tested on DuckDB and
PostgreSQL alike in test_backends.py."""

import pytest

from conflict_monitor.store.base import StoreConfigError, StoreError
from conflict_monitor.store.factory import open_store, rebuild_store


def test_corrupt_file_gives_a_clear_message_and_can_be_rebuilt(store_path):
    store_path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError) as info:
        open_store()
    assert "not a valid DuckDB file" in str(info.value) and "--rebuild" in str(info.value)
    store, moved = rebuild_store()
    assert moved is not None and moved.exists()
    assert store.count_events() > 0


def test_unknown_url_scheme_is_a_config_error(monkeypatch):
    monkeypatch.setenv("CONFLICT_MONITOR_DB", "mysql://user:pw@host/db")
    with pytest.raises(StoreConfigError) as info:
        open_store()
    assert "mysql://" in str(info.value)


def test_store_refuses_a_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLICT_MONITOR_DB", str(tmp_path))
    with pytest.raises(StoreError, match="is a folder"):
        open_store()


def test_unreachable_postgres_is_a_clear_error_without_the_password(monkeypatch):
    pytest.importorskip("psycopg")
    monkeypatch.setenv("CONFLICT_MONITOR_DB",
                       "postgresql://team:s3cret@127.0.0.1:1/conflict?connect_timeout=2")
    with pytest.raises(StoreError) as info:
        open_store()
    assert "Cannot reach the PostgreSQL store" in str(info.value)
    assert "s3cret" not in str(info.value)


def test_placeholders_become_psycopg_marks_outside_quotes():
    pg_store = pytest.importorskip("conflict_monitor.store.postgres")
    sql = "SELECT '?', \"a?\" FROM t WHERE x LIKE '5%' AND y = ? AND z IN (?, ?)"
    assert pg_store.to_pyformat(sql) == (
        "SELECT '?', \"a?\" FROM t WHERE x LIKE '5%%' AND y = %s AND z IN (%s, %s)")
