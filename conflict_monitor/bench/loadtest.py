"""Concurrent sessions against a running dashboard while an import runs (issue 8's load test).

N browser sessions (headless Chromium through playwright's async API, one context each) open
pages with different filters in their link, while one more session imports a file on the Data
page. Afterwards the store must hold every event exactly once. Talks only to the local app.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
                 # any request beyond this machine goes to a closed loopback port (Chromium never
                 # proxies loopback itself): pages that reach out fail rather than leave it
                 "--proxy-server=http://127.0.0.1:9"]
VIEWS = ("/?actor=Turkey", "/events?action=kill", "/timeline?from=2020-01-01",
         "/casualties?country=TUR", "/?origin=reference&type=Battles", "/events?actor=Russia")


@dataclass
class LoadReport:
    """What the sessions saw."""

    sessions: int
    page_loads: int = 0
    errors: list[str] = field(default_factory=list)
    load_seconds: list[float] = field(default_factory=list)
    import_message: str = ""
    import_seconds: float = 0.0

    def summary(self) -> str:
        times = sorted(self.load_seconds) or [0.0]
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        return (f"{self.sessions} sessions, {self.page_loads} page loads, {len(self.errors)} errors; "
                f"page ready median {statistics.median(times):.2f} s, p95 {p95:.2f} s; "
                f"import {self.import_seconds:.1f} s: {self.import_message}")


async def _settle(page, timeout_ms: int = 180_000) -> None:
    await page.wait_for_selector("[data-testid=stMainBlockContainer] h1", timeout=timeout_ms)
    await page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')",
                                 timeout=timeout_ms)


async def _browse(browser, base: str, number: int, rounds: int, report: LoadReport) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    try:
        for step in range(rounds):
            view = VIEWS[(number + step) % len(VIEWS)]
            start = time.perf_counter()
            await page.goto(base + view, timeout=180_000)
            await _settle(page)
            report.load_seconds.append(time.perf_counter() - start)
            report.page_loads += 1
            if await page.locator("[data-testid=stException]").count():
                report.errors.append(f"session {number}: exception on {view}")
    except Exception as exc:  # noqa: BLE001 - a load test records every failure and goes on
        report.errors.append(f"session {number}: {type(exc).__name__}: {exc}"[:300])
    finally:
        await context.close()


async def _import(browser, base: str, upload: Path, report: LoadReport) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    try:
        await page.goto(base + "/data", timeout=180_000)
        await _settle(page)
        await page.locator("input[type=file]").set_input_files(str(upload), timeout=180_000)
        button = page.get_by_role("button", name="Import")
        await button.wait_for(timeout=180_000)
        start = time.perf_counter()
        await button.click()
        done = page.locator("[data-testid=stAlert]").filter(has_text="events added").or_(
            page.locator("[data-testid=stAlertContentError]"))
        await done.first.wait_for(timeout=300_000)
        report.import_seconds = time.perf_counter() - start
        report.import_message = " ".join((await done.first.inner_text()).split()).replace(
            "check_circle ", "")
    except Exception as exc:  # noqa: BLE001
        report.errors.append(f"import: {type(exc).__name__}: {exc}"[:300])
    finally:
        await context.close()


async def run_load(base: str, upload: Path, sessions: int = 20, rounds: int = 3,
                   chromium: str = "/usr/bin/chromium") -> LoadReport:
    """Run `sessions` browsing sessions and one import at once; return what they saw."""
    from playwright.async_api import async_playwright  # noqa: PLC0415 - dev dependency

    report = LoadReport(sessions=sessions)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            await asyncio.gather(_import(browser, base, upload, report),
                                 *(_browse(browser, base, i, rounds, report) for i in range(sessions)))
        finally:
            await browser.close()
    return report
