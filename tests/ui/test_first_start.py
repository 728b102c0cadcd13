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
    # The build's instance is the cached store's (the file was opened per statement before: 11).
    assert len(opened) == 1


# Run in a process of its own: the test process has loaded other tests' libraries already.
_FIRST_START = """
import sys
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

original = PagesManager.__init__

def init(self, *args, **kwargs):  # as tests/conftest.py: the st.navigation app, not legacy pages
    original(self, *args, **kwargs)
    PagesManager.uses_pages_directory = False

PagesManager.__init__ = init
at = AppTest.from_file(sys.argv[1], default_timeout=120)
at.run()
assert not at.exception, at.exception
events = next(m.value for m in at.metric if m.label == "Events")
heavy = ("spacy", "geopandas", "pyproj", "pyogrio", "folium", "streamlit_folium")
print(events, [m for m in heavy if m in sys.modules])
"""


def test_the_first_start_loads_neither_spacy_nor_the_map_libraries_in_the_server(tmp_path):
    # The whole first start: the reference data, the Overview, then the source article's events
    # (extracted in a child process) and the rerun that shows them. plotly is not checked:
    # Streamlit imports it itself.
    env = dict(os.environ, CONFLICT_MONITOR_DB=str(tmp_path / "new.duckdb"))
    out = subprocess.run([sys.executable, "-c", _FIRST_START, str(REPO / "dashboard.py")],
                         cwd=REPO, env=env, capture_output=True, text=True, check=False, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    events, loaded = out.stdout.strip().splitlines()[-1].split(" ", 1)
    assert int(events) > 47  # the 47 reference events and the source article's
    assert loaded == "[]"


def test_the_tests_server_never_looks_up_its_public_address(monkeypatch):
    """Started as tests/conftest.py starts it, Streamlit prints the loopback address it serves
    on and asks no server on the internet for this machine's address."""
    from streamlit import config, net_util
    from streamlit.web import bootstrap

    from tests.conftest import STREAMLIT_OPTIONS

    def no_lookup() -> None:
        raise AssertionError("Streamlit looked up the public address")

    monkeypatch.setattr(net_util, "get_external_ip", no_lookup)
    options = dict(zip(STREAMLIT_OPTIONS[::2], STREAMLIT_OPTIONS[1::2], strict=True))
    saved = {key: config.get_option(key) for key in ("server.headless", "server.address")}
    try:
        config.set_option("server.headless", options["--server.headless"] == "true", "command-line")
        config.set_option("server.address", options["--server.address"], "command-line")
        bootstrap._print_url(False)
    finally:
        for key, value in saved.items():
            config.set_option(key, value, "<default>")
