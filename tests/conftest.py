"""Shared fixtures: a fresh store per test, and the app served on a free port for browser tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
# An address set: Streamlit prints it, where a headless server looks its public address up on
# the internet (checkip.amazonaws.com) to print that.
STREAMLIT_OPTIONS = ["--server.headless", "true", "--server.address", "127.0.0.1",
                     "--browser.gatherUsageStats", "false"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
                 # any request beyond this machine goes to a closed loopback port (Chromium never
                 # proxies loopback itself): pages that reach out fail rather than leave it
                 "--proxy-server=http://127.0.0.1:9"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: needs Debian chromium and playwright")


@pytest.fixture(autouse=True)
def _navigation_apps_not_legacy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make AppTest treat dashboard.py as the st.navigation app it is.

    AppTest resets PagesManager.uses_pages_directory before every run, so with a folder named
    pages/ each rerun would take Streamlit's legacy path and run the page file alone. A live
    server leaves that path after the first st.navigation call; this does the same for tests.
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture
def store_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store file of this test's own, selected through CONFLICT_MONITOR_DB."""
    path = tmp_path / "store.duckdb"
    monkeypatch.setenv("CONFLICT_MONITOR_DB", str(path))
    return path


@pytest.fixture
def local_site(monkeypatch: pytest.MonkeyPatch):
    """A local web server (tests/local_site.py); the fetch guard lets loopback through."""
    from tests.local_site import serve_local_site

    monkeypatch.setenv("CONFLICT_MONITOR_ALLOW_PRIVATE_FETCH", "1")
    with serve_local_site() as site:
        yield site


@pytest.fixture(scope="session")
def seeded_store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store built from the shipped data, shared read-only by tests that only read."""
    from conflict_monitor.store.factory import open_store

    path = tmp_path_factory.mktemp("seeded") / "seeded.duckdb"
    open_store(str(path))
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve_http(handler) -> Iterator[str]:
    """Serve `handler` (a BaseHTTPRequestHandler class or factory) on 127.0.0.1 at a free port;
    yield its base URL and stop it afterwards. Tests send traffic only to servers like this."""
    from http.server import ThreadingHTTPServer  # noqa: PLC0415

    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def serve_app(store_file: Path, log_dir: Path, env: dict[str, str] | None = None,
              secrets_file: Path | None = None) -> Iterator[str]:
    """Run `streamlit run dashboard.py` on a free port over `store_file`; yield its URL.

    env: extra environment variables; secrets_file: a secrets.toml to use instead of the repo's.
    """
    port = _free_port()
    env = dict(os.environ, CONFLICT_MONITOR_DB=str(store_file), **(env or {}))
    log = open(log_dir / "streamlit.log", "w")
    extra = ["--secrets.files", str(secrets_file)] if secrets_file else []
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", *STREAMLIT_OPTIONS,
         "--server.port", str(port), *extra],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError("streamlit exited early; see " + log.name) from None
                time.sleep(0.2)  # polling the health endpoint, not waiting blindly
        else:
            raise RuntimeError("streamlit did not become healthy in 90 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory):
    """The dashboard on the shipped data, served for the whole test session."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    with serve_app(tmp_path_factory.mktemp("app") / "app.duckdb", tmp_path_factory.mktemp("log")) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium driven by playwright (no browser download)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def wait_for_app(page, timeout_ms: int = 60000) -> None:
    """Wait until Streamlit has rendered and finished running the script."""
    page.wait_for_selector("[data-testid=stApp]", timeout=timeout_ms)
    page.wait_for_selector("[data-testid=stMainBlockContainer] h1", timeout=timeout_ms)
    # the script's own state, which the app root carries (the status widget shows only after a
    # delay: a click on a map drawn while the run still went on was lost in the rerun it caused)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidget]') && document.querySelector("
        "'[data-testid=stApp]')?.getAttribute('data-test-script-state') === 'notRunning'",
        timeout=timeout_ms)


DASHBOARD = str(REPO / "dashboard.py")


def run_dashboard(query: dict | None = None, page: str | None = None, timeout: int = 120):
    """Run dashboard.py in AppTest with a link's query parameters, then switch to `page`.

    The language model is loaded in this process first (once): a first start then extracts the
    source article here instead of in a child process that loads the model again for every new
    store (2-3 s a test). tests/ui/test_first_start.py runs the child's way.
    """
    from streamlit.testing.v1 import AppTest

    from conflict_monitor.extract.nlp import load_nlp

    load_nlp()
    at = AppTest.from_file(DASHBOARD, default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def shown_text(markdown: str) -> str:
    """What a reader sees of Markdown that safety.escape_markdown escaped: without the
    backslash escapes and word joiners."""
    import re

    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def metric_value(at, label: str) -> str:
    """The value of the metric with this label."""
    return next(m.value for m in at.metric if m.label == label)
