"""Readers and writers at once, end to end (issue 14): `streamlit run dashboard.py` open in
Chromium on a DuckDB store while `python -m conflict_monitor ingest` writes to the same file;
the open page shows the new events by itself, without a reload or a click."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conflict_monitor.store.factory import open_store
from tests.conftest import CHROMIUM, REPO, serve_app, wait_for_app

pytestmark = pytest.mark.browser

ARTICLE = REPO / "tests" / "fixtures" / "article_saraqib.html"
EVENTS_ABOVE = """n => {
  const m = [...document.querySelectorAll('[data-testid=stMetric]')].find(e => e.innerText.includes('Events'));
  return m && parseInt(m.innerText.split('\\n').pop().replace(/,/g, '')) > n;
}"""


def test_the_open_dashboard_shows_what_the_cli_ingests(tmp_path: Path, browser):
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed")
    db = tmp_path / "live.duckdb"
    store = open_store(str(db), seed_if_new=False)
    store.upsert_events([{"origin": "manual", "event_date": "2020-02-01", "action": "other",
                          "actor1": "Someone", "location": "Idlib"}])  # not empty: no seeding
    store.close()
    with serve_app(db, tmp_path) as url:
        page = browser.new_context().new_page()
        page.goto(url + "/")
        wait_for_app(page)
        page.wait_for_function(EVENTS_ABOVE, arg=0, timeout=60_000)  # the one event so far

        env = dict(os.environ, CONFLICT_MONITOR_DB=str(db))
        done = subprocess.run([sys.executable, "-m", "conflict_monitor", "ingest", str(ARTICLE),
                               "--published", "2020-02-13"], cwd=REPO, env=env, capture_output=True,
                              text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        assert "0 failed" in done.stdout
        added = open_store(str(db), seed_if_new=False).count_events() - 1
        assert added > 0
        # The page asks for the data version every 20 s and redraws when it moved.
        page.wait_for_function(EVENTS_ABOVE, arg=added, timeout=90_000)
        assert page.locator("[data-testid=stException]").count() == 0
        page.context.close()
