"""Readers and writers at once on one DuckDB file (issue 14): the dashboard steps aside.

DuckDB lets one process at a time open a file for writing (or several processes read-only,
never both), so the dashboard and a CLI `ingest`, `import` or `watch` must take turns. Opening
the file per query would do that, but costs ~90-120 ms a query here (measured on the shipped
store, against ~1.5 ms with the instance kept open), which a page of ten queries cannot afford.

So the dashboard keeps its instance (SharedInstance) and gives it up on request: a process that
wants the file writes a marker `<store>.waiting-<pid>-<n>` beside it (announce_turn) before it
tries the lock, and removes it when its connection closes. The dashboard's watcher thread sees
the marker within WATCH_INTERVAL_S, closes the instance as soon as no query runs, and queries
arriving meanwhile wait until no live marker is left (at most READ_WAIT_S), then reopen the file
and read the new data. Markers of processes that died are ignored (their pid is gone), so a
killed writer never blocks the dashboard.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

WATCH_INTERVAL_S = 0.1
READ_WAIT_S = 20.0  # a reader waits this long for writers before saying the store is busy
MARKER_INFIX = ".waiting-"


def _marker_glob(path: Path) -> str:
    return f"{path.name}{MARKER_INFIX}*"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def compute_waiting_writers(path: Path, own_pid: int | None = None) -> list[Path]:
    """Live markers of other processes waiting for the file (stale ones are removed)."""
    live = []
    for marker in path.parent.glob(_marker_glob(path)):
        try:
            pid = int(marker.name.rsplit(MARKER_INFIX, 1)[1].split("-", 1)[0])
        except (IndexError, ValueError):
            continue
        if pid == own_pid:
            continue
        if _pid_alive(pid):
            live.append(marker)
        else:
            with contextlib.suppress(OSError):
                marker.unlink()
    return live


@contextlib.contextmanager
def announce_turn(path: Path, counter: Iterator[int]) -> Iterator[None]:
    """Ask a dashboard holding `path` to step aside for the duration of the block."""
    marker = path.with_name(f"{path.name}{MARKER_INFIX}{os.getpid()}-{next(counter)}")
    try:
        marker.touch()
    except OSError:
        marker = None  # a read-only folder: no dashboard can be writing there either
    try:
        yield
    finally:
        if marker is not None:
            with contextlib.suppress(OSError):
                marker.unlink()


class SharedInstance:
    """One DuckDB instance kept open for a process's threads, closed while others write."""

    def __init__(self, path: Path, open_file: Callable[[], Any], busy: Callable[[], Exception]):
        self.path = path
        self._open_file = open_file
        self._busy = busy
        self._db: Any = None
        self._active = 0
        self._cond = threading.Condition()
        self._local = threading.local()
        self._stop = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name=f"duckdb-turns {path.name}",
                                         daemon=True)
        self._watcher.start()

    def _waiting(self) -> bool:
        return bool(compute_waiting_writers(self.path, own_pid=os.getpid()))

    def _watch(self) -> None:
        while not self._stop.wait(WATCH_INTERVAL_S):
            with self._cond:
                if self._db is not None and self._active == 0 and self._waiting():
                    self._close_locked()

    def _close_locked(self) -> None:
        self._db.close()
        self._db = None
        self._cond.notify_all()

    @contextlib.contextmanager
    def cursor(self) -> Iterator[Any]:
        """A cursor on the kept instance, after any writer waiting for the file is done."""
        depth = getattr(self._local, "depth", 0)
        with self._cond:
            if depth == 0:  # a thread inside a query of its own never waits (no self-deadlock)
                deadline = time.monotonic() + READ_WAIT_S
                while self._waiting():
                    if self._db is not None and self._active == 0:
                        self._close_locked()
                    if time.monotonic() > deadline:
                        raise self._busy()
                    self._cond.wait(WATCH_INTERVAL_S / 2)
            if self._db is None:
                self._db = self._open_file()
            self._active += 1
            cur = self._db.cursor()
        self._local.depth = depth + 1
        try:
            yield cur
        finally:
            cur.close()
            self._local.depth = depth
            with self._cond:
                self._active -= 1
                self._cond.notify_all()

    def close(self) -> None:
        """Stop watching and close the instance."""
        self._stop.set()
        with self._cond:
            if self._db is not None:
                self._close_locked()


def make_counter() -> Iterator[int]:
    """Numbers for one store's markers (several threads of one process may wait at once)."""
    return itertools.count()
