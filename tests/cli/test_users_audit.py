"""`users add|list|remove|hash-password` (the password asked, never an argument) and the audit
trail of the command line's writes, named by the operating-system user."""

from __future__ import annotations

import getpass
import shutil
from pathlib import Path

import pytest

from conflict_monitor.access import passwords
from conflict_monitor.access.passwords import verify_password
from conflict_monitor.cli import users as cli_users
from conflict_monitor.cli.main import main
from conflict_monitor.store.audit import query_audit
from conflict_monitor.store.factory import open_store
from conflict_monitor.store.users import get_user

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ARTICLES = Path(__file__).resolve().parents[1] / "articles"


@pytest.fixture
def store(seeded_store_file, tmp_path, monkeypatch):
    path = tmp_path / "store.duckdb"
    shutil.copy(seeded_store_file, path)
    monkeypatch.setenv("CONFLICT_MONITOR_DB", str(path))
    monkeypatch.setattr(getpass, "getuser", lambda: "opsuser")
    fast = passwords.hash_password.__kwdefaults__ | {"n": 2**10}  # quick hashes for the test
    monkeypatch.setattr(passwords.hash_password, "__kwdefaults__", fast)
    return path


def _typed(monkeypatch, *answers: str) -> None:
    replies = iter(answers)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(replies))


def _trail(path: Path):
    store = open_store(str(path), seed_if_new=False)
    try:
        return query_audit(store)
    finally:
        store.close()


def test_users_add_list_remove(store, monkeypatch, capsys):
    _typed(monkeypatch, "a long secret", "a long secret")
    assert main(["users", "add", "alice", "--role", "editor"]) == 0
    role, stored = get_user(open_store(str(store), seed_if_new=False), "alice")
    assert role == "editor" and verify_password("a long secret", stored)
    assert main(["users", "list"]) == 0
    assert "alice\teditor" in capsys.readouterr().out
    _typed(monkeypatch, "a long secret", "another one!")
    assert main(["users", "add", "bob", "--role", "viewer"]) == 1
    assert "differ" in capsys.readouterr().err
    _typed(monkeypatch, "short", "short")
    assert main(["users", "add", "bob", "--role", "viewer"]) == 1
    assert "at least 10" in capsys.readouterr().err
    _typed(monkeypatch, "a long secret", "a long secret")
    assert main(["users", "add", "alice", "--role", "admin"]) == 1
    assert "--replace" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # no password option exists at all
        main(["users", "add", "carol", "--role", "viewer", "--password", "x"])
    assert main(["users", "remove", "alice"]) == 0
    assert main(["users", "remove", "alice"]) == 1
    trail = _trail(store)
    assert list(trail["detail"]) == ["removed", "added with role editor"]
    assert set(trail["who"]) == {"opsuser (command line)"} and set(trail["action"]) == {"user"}


def test_hash_password_prints_a_secrets_line(store, monkeypatch, capsys):
    _typed(monkeypatch, "shared secret 1", "shared secret 1")
    assert cli_users.run_hash_password(None) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith('password_hash = "scrypt$')
    assert verify_password("shared secret 1", line.split('"')[1])


def test_every_command_line_write_is_audited(store, capsys):
    article = ARTICLES / "wire_afp_taftanaz_2020-02-11.txt"
    assert main(["ingest", str(article)]) == 0
    assert main(["import", str(FIXTURES / "acled_sample.csv"), "-q"]) == 0
    assert main(["link-incidents", "--from", "2020-02-01"]) == 0
    out = capsys.readouterr().out
    trail = _trail(store)
    assert list(trail["action"]) == ["link", "import", "ingest"]
    assert set(trail["who"]) == {"opsuser (command line)"}
    by_action = trail.set_index("action")
    assert by_action.loc["ingest", "target"] == str(article)
    assert f"{by_action.loc['ingest', 'row_count']} events added" in out
    assert by_action.loc["import", "target"].endswith("acled_sample.csv")
    assert f"{by_action.loc['import', 'row_count']} events added" in out
    assert by_action.loc["link", "target"] == "2020-02-01 to end"


def test_init_db_rebuild_is_audited(store, capsys):
    assert main(["init-db", "--rebuild"]) == 0
    trail = _trail(store)
    assert list(trail["action"]) == ["rebuild"] and list(trail["who"]) == ["opsuser (command line)"]
    assert "old file kept as" in trail["detail"][0]
