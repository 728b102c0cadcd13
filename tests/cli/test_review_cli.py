"""`review list|show|accept|edit|reject|restore`: the Review page's actions from a terminal, logged
under the operating-system user like every other command-line write."""

from __future__ import annotations

import getpass
import shutil

import pytest

from conflict_monitor.cli.main import main
from conflict_monitor.cli.review import parse_changes
from conflict_monitor.store.audit import query_audit
from conflict_monitor.store.factory import open_store


@pytest.fixture
def store_path(seeded_store_file, tmp_path, monkeypatch):
    path = tmp_path / "store.duckdb"
    shutil.copy(seeded_store_file, path)
    monkeypatch.setenv("CONFLICT_MONITOR_DB", str(path))
    monkeypatch.setattr(getpass, "getuser", lambda: "analyst7")
    return path


def _listed(capsys) -> list[dict[str, str]]:
    """The rows of the last table printed (earlier commands' messages come before it)."""
    lines = capsys.readouterr().out.splitlines()
    start = max(i for i, line in enumerate(lines) if line.startswith("event_id\t"))
    header = lines[start].split("\t")
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[start + 1:]]


def _status(path, event_id: str) -> str | None:
    store = open_store(str(path), seed_if_new=False)
    rows = store.query_sql("SELECT status FROM event_reviews WHERE event_id = ?", [event_id])
    return None if rows.empty else rows["status"].iloc[0]


def test_list_accept_and_audit(store_path, capsys):
    assert main(["review", "list"]) == 0
    queue = _listed(capsys)
    assert queue and {r["review_status"] for r in queue} == {"unreviewed"}
    first = queue[0]["event_id"]
    assert main(["review", "accept", first]) == 0
    assert _status(store_path, first) == "accepted"
    assert main(["review", "list"]) == 0
    assert first not in {r["event_id"] for r in _listed(capsys)}
    assert main(["review", "list", "--status", "accepted"]) == 0
    accepted = _listed(capsys)
    assert [r["event_id"] for r in accepted] == [first]
    assert accepted[0]["reviewer"] == "analyst7 (command line)"
    trail = query_audit(open_store(str(store_path), seed_if_new=False), action="review")
    assert list(trail["detail"]) == ["accept"] and list(trail["target"]) == [first]


def test_edit_keeps_the_machine_value_and_refuses_bad_input(store_path, capsys):
    assert main(["review", "list"]) == 0
    event_id = _listed(capsys)[0]["event_id"]
    assert main(["review", "edit", event_id, "--set", "fatalities=7"]) == 0
    assert main(["review", "show", event_id]) == 0
    shown = capsys.readouterr().out.splitlines()
    assert "fatalities\t7" in shown
    log = [line.split("\t") for line in shown if line.startswith("log\t")]
    edits = {row[4]: row for row in log if row[3] == "edit"}
    assert edits["fatalities"][6] == "7" and edits["fatalities"][2] == "analyst7 (command line)"
    assert _status(store_path, event_id) == "edited"
    assert main(["review", "edit", event_id, "--set", "origin=acled"]) == 2
    assert "cannot edit 'origin'" in capsys.readouterr().err
    assert main(["review", "edit", event_id, "--set", "event_date=not a day"]) == 1
    assert "not saved" in capsys.readouterr().err
    assert main(["review", "edit", "no-such-event", "--set", "fatalities=1"]) == 1


def test_reject_then_restore(store_path, capsys):
    assert main(["review", "list"]) == 0
    event_id = _listed(capsys)[0]["event_id"]
    assert main(["review", "reject", event_id]) == 0
    assert main(["review", "list", "--status", "rejected"]) == 0
    assert [r["event_id"] for r in _listed(capsys)] == [event_id]
    assert main(["review", "show", event_id]) == 0
    assert "kept_in\trejected" in capsys.readouterr().out
    assert main(["review", "accept", event_id]) == 1  # a rejected event is restored first
    assert "not among the stored events" in capsys.readouterr().err
    assert main(["review", "restore", event_id]) == 0
    assert _status(store_path, event_id) == "unreviewed"


@pytest.mark.parametrize(("pairs", "expected"), [
    (["fatalities=3"], {"fatalities": "3"}),
    (["victims= civilians ", "actor2="], {"victims": "civilians", "actor2": None}),
])
def test_parse_changes(pairs, expected):
    assert parse_changes(pairs) == expected


@pytest.mark.parametrize(("pairs", "message"), [
    (["fatalities"], "expected FIELD=VALUE"), (["=3"], "expected FIELD=VALUE"),
    (["evidence=x"], "cannot edit 'evidence'"),
])
def test_parse_changes_refuses(pairs, message):
    with pytest.raises(ValueError, match=message):
        parse_changes(pairs)
