"""The audit trail and local accounts, on every backend (the fixtures of test_backends)."""

from __future__ import annotations

import datetime as dt

import pytest

from conflict_monitor.access.passwords import hash_password, verify_password
from conflict_monitor.store.audit import query_audit, record_audit
from conflict_monitor.store.factory import open_store
from conflict_monitor.store.users import UserError, add_user, count_users, get_user, list_users, remove_user
from tests.store.test_backends import store_location  # noqa: F401 - fixture


@pytest.fixture
def store(store_location):  # noqa: F811 - the fixture above
    return open_store(seed_if_new=False)


def test_audit_records_and_filters(store):
    version = store.data_version()
    record_audit(store, "alice", "import", "acled.csv", 12, "format acled")
    record_audit(store, "bob", "ingest", "https://example.org/a", 3)
    assert store.data_version() == version  # the trail is not event data
    trail = query_audit(store)
    assert list(trail["who"]) == ["bob", "alice"]  # newest first
    assert trail.iloc[1].to_dict() | {"recorded_at": None} == {
        "recorded_at": None, "who": "alice", "action": "import", "target": "acled.csv", "row_count": 12,
        "detail": "format acled"}
    assert list(query_audit(store, who="alice")["action"]) == ["import"]
    assert list(query_audit(store, action="ingest")["who"]) == ["bob"]
    assert query_audit(store, since=dt.date.today() + dt.timedelta(days=1)).empty
    again = open_store(seed_if_new=False)  # another process sees it
    assert len(query_audit(again)) == 2


def test_accounts_keep_only_a_hash(store):
    add_user(store, "alice", "editor", hash_password("pw one", n=2**10))
    assert count_users(store) == 1
    role, stored = get_user(store, "alice")
    assert role == "editor" and "pw one" not in stored and verify_password("pw one", stored)
    with pytest.raises(UserError, match="exists"):
        add_user(store, "alice", "admin", hash_password("x", n=2**10))
    add_user(store, "alice", "admin", hash_password("pw two", n=2**10), replace=True)
    assert get_user(store, "alice")[0] == "admin"
    assert list(list_users(store).columns) == ["name", "role", "created_at"]
    with pytest.raises(UserError, match="Unknown role"):
        add_user(store, "bob", "root", "h")
    with pytest.raises(UserError, match="Bad account name"):
        add_user(store, "bob; drop table users", "viewer", "h")
    assert remove_user(store, "alice") and not remove_user(store, "alice")
    assert get_user(store, "alice") is None
