"""Readers and writers at once (issue 14): a process holding the DuckDB store as the dashboard
does (keep_open) while CLI processes ingest and import; nothing lost, nothing duplicated, and
the reader sees the new events without reopening."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conflict_monitor.store.duckdb_turns import compute_waiting_writers
from conflict_monitor.store.factory import open_store
from tests.local_site import make_article_html

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"

# The dashboard's way of holding the store, in a process of its own: it reads in a loop (as
# sessions do), printing each change of (data version, events, articles) as a JSON line.
READER = """
import json, sys, time
from pathlib import Path
from conflict_monitor.store.factory import open_store
store = open_store(sys.argv[1], seed_if_new=False, keep_open=True)
stop, last = Path(sys.argv[2]), None
print(json.dumps({"ready": True}), flush=True)
while not stop.exists():
    state = (store.data_version(), store.count_events(), len(store.query_articles()))
    if state != last:
        print(json.dumps({"version": state[0], "events": state[1], "articles": state[2]}), flush=True)
        last = state
    time.sleep(0.05)  # a user's pace between page loads
store.close()
"""

PARAGRAPHS = [
    "Syrian government forces shelled the town of Saraqib in Idlib province on Tuesday, killing "
    "five civilians, the Syrian Observatory for Human Rights said.",
    "Russian warplanes struck the town of Taftanaz in Idlib province on Monday, killing three "
    "civilians, the Syrian Observatory for Human Rights said.",
    "Turkish troops deployed to an observation post near Ariha in Idlib province on Wednesday, "
    "the Turkish defence ministry said.",
]


def _cli(*args: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "conflict_monitor", *args], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_cli_writers_while_a_reader_holds_the_store(tmp_path: Path):
    db = tmp_path / "store.duckdb"
    store = open_store(str(db), seed_if_new=False)
    # one event of its own, so the CLI does not seed the shipped data into an empty store
    store.upsert_events([{"origin": "manual", "event_date": "2020-01-01", "action": "other",
                          "actor1": "Someone"}])
    store.close()
    articles = tmp_path / "articles"
    articles.mkdir()
    for n, text in enumerate(PARAGRAPHS):
        (articles / f"a{n}.html").write_text(make_article_html(f"Story {n}", [text]), encoding="utf-8")
    stop = tmp_path / "stop"
    env = dict(os.environ, CONFLICT_MONITOR_DB=str(db))
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop)], cwd=REPO, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert json.loads(reader.stdout.readline()) == {"ready": True}
        first = json.loads(reader.stdout.readline())
        assert first["events"] == 1

        # two writers at once beside the reader: an ingest of three articles and a file import
        ingest = _cli("ingest", str(articles), "--published", "2020-02-04", env=env)
        imported = _cli("import", str(FIXTURES / "acled_sample.csv"), "--quiet", env=env)
        out_ingest, err_ingest = ingest.communicate(timeout=400)
        out_import, err_import = imported.communicate(timeout=400)
        assert ingest.returncode == 0, err_ingest
        assert imported.returncode == 0, err_import
        assert "0 failed" in out_ingest

        # the reader, never reopened, comes to see all of it
        store = open_store(str(db), seed_if_new=False)
        final_events, final_articles = store.count_events(), len(store.query_articles())
        events = store.query_events(columns=["event_id", "origin", "article_id"])
        store.close()
        assert final_articles == 3
        assert events["event_id"].is_unique
        assert (events["origin"] == "extracted").sum() >= 3
        assert (events["origin"] == "acled").sum() > 0
        seen = first
        while (seen["events"], seen["articles"]) != (final_events, final_articles):
            line = reader.stdout.readline()
            assert line, "the reader stopped: " + reader.stderr.read()
            seen = json.loads(line)
        assert not compute_waiting_writers(db)  # the writers cleaned up after themselves

        # and running the same writers again adds nothing
        again = _cli("ingest", str(articles), "--published", "2020-02-04", env=env)
        out_again, err_again = again.communicate(timeout=400)
        assert again.returncode == 0, err_again
        assert "0 events added" in out_again
    finally:
        stop.touch()
        reader.wait(timeout=60)
    assert reader.returncode == 0, reader.stderr.read()
    store = open_store(str(db), seed_if_new=False)
    assert store.count_events() == final_events
