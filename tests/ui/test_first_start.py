"""A new user's first start (issue 17's first paint): what the server does before the Overview
is drawn on a store built from the shipped data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from tests.conftest import metric_value, run_dashboard

REPO = Path(__file__).resolve().parents[2]


def test_streamlit_reads_the_shipped_config_with_the_source_watcher_off():
    # As `streamlit run` in the repository reads it: .streamlit/config.toml of the working folder.
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    out = subprocess.run(
        [sys.executable, "-c", "from streamlit import config; "
                               "print(config.get_option('server.fileWatcherType'))"],
        cwd=REPO, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split()[-1] == "none"


def test_a_first_start_builds_the_store_on_one_database_instance(store_path, monkeypatch):
    import ui.loaders

    opened: list[str] = []
    connect = duckdb.connect

    def counting_connect(database=":memory:", *args, **kwargs):
        if str(database) == str(store_path):
            opened.append(str(database))
        return connect(database, *args, **kwargs)

    monkeypatch.setattr(duckdb, "connect", counting_connect)
    # The source article (spaCy, seconds) follows the first paint; not what is counted here.
    monkeypatch.setattr(ui.loaders, "complete_first_start", lambda slot: None)
    at = run_dashboard()
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert int(metric_value(at, "Events")) > 0  # the reference data is in
    # The build's instance and the cached store's (the file was opened per statement before: 11).
    assert len(opened) <= 2
