"""Seconds from `streamlit run dashboard.py` on a fresh store to the first page drawn.

The fresh store is what a new user gets: no store file yet, so the first request builds it from
the shipped data. "Drawn" means the Overview's title and its key figures are on screen in
Debian's Chromium (driven by playwright; no browser download). The browser is started before
the server, so its own start-up is not counted.

    python benchmarks/first_paint.py [--runs 3]

prints the median and each run (--json: one object); `python -m conflict_monitor bench` runs
it and reports first_paint_s.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
                 # any request beyond this machine goes to a closed loopback port (Chromium never
                 # proxies loopback itself): pages that reach out fail rather than leave it
                 "--proxy-server=http://127.0.0.1:9"]
DRAWN = "[data-testid=stMainBlockContainer] h1"
FIGURES = "[data-testid=stMetric]"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as resp:
                if resp.status == 200:
                    return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("streamlit exited before it was healthy") from None
            time.sleep(0.05)  # polling the health endpoint
    raise RuntimeError(f"streamlit was not healthy after {timeout_s:.0f} s")


def measure_first_paint_once(browser, workdir: Path) -> float:
    """One cold start on a new store file; seconds to the Overview drawn with its figures."""
    store = workdir / f"first-paint-{time.monotonic_ns()}.duckdb"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, CONFLICT_MONITOR_DB=str(store))
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
         # an address set: Streamlit prints it, where a headless server looks its public
         # address up on the internet (checkip.amazonaws.com) to print that
         "--server.address", "127.0.0.1",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_healthy(url, proc)
        page = browser.new_page()
        page.goto(url + "/")
        page.wait_for_selector(DRAWN, timeout=120_000)
        page.wait_for_selector(FIGURES, timeout=120_000)
        elapsed = time.monotonic() - start
        page.close()
        return elapsed
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def measure_first_paint(runs: int = 3) -> dict:
    """{"first_paint_s": median or None, "first_paint_runs": [...], "first_paint_note": why not}."""
    if not CHROMIUM.exists():
        return {"first_paint_s": None, "first_paint_note": "Debian chromium is not installed"}
    try:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415 - a dev dependency
    except ImportError:
        return {"first_paint_s": None, "first_paint_note": "playwright is not installed (dev extras)"}
    with tempfile.TemporaryDirectory(prefix="cm-first-paint-") as scratch, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            times = [measure_first_paint_once(browser, Path(scratch)) for _ in range(runs)]
        finally:
            browser.close()
    return {"first_paint_s": round(statistics.median(times), 2),
            "first_paint_runs": [round(t, 2) for t in times]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = measure_first_paint(args.runs)
    if args.json:
        print(json.dumps(result))
        return 0
    if result["first_paint_s"] is None:
        print(f"first paint not measured: {result['first_paint_note']}")
        return 1
    print(f"first paint (streamlit run to Overview drawn, fresh store): median "
          f"{result['first_paint_s']:.2f} s over runs {result['first_paint_runs']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
