"""Login throttling: after FREE_ATTEMPTS failures for a key (an account, a session), each further
attempt must wait, twice as long after each failure, up to MAX_DELAY_S.

The throttle never sleeps: it answers how many seconds remain, and the sign-in page says "wait
N s". Keys are forgotten after FORGET_AFTER_S without a failure, and at most MAX_KEYS are kept
(the oldest go first), so a flood of invented names cannot fill memory. The schedule follows
OWASP's advice to slow down, rather than lock out, repeated failures (Authentication Cheat
Sheet, "Login Throttling").
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

FREE_ATTEMPTS = 5
BASE_DELAY_S = 2.0
MAX_DELAY_S = 15 * 60.0
FORGET_AFTER_S = 60 * 60.0
MAX_KEYS = 10_000


def compute_delay(failures: int, free_attempts: int = FREE_ATTEMPTS, base: float = BASE_DELAY_S,
                  cap: float = MAX_DELAY_S) -> float:
    """Seconds to wait after `failures` failures in a row: 0 up to free_attempts, then
    base, 2*base, 4*base, ... up to cap."""
    if failures < free_attempts:
        return 0.0
    return min(cap, base * 2 ** min(failures - free_attempts, 32))


class LoginThrottle:
    """Failures per key, thread-safe (one object serves every session of a server)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 delay: Callable[[int], float] = compute_delay):
        self._clock = clock
        self._delay = delay
        self._lock = threading.Lock()
        self._failures: OrderedDict[str, tuple[int, float]] = OrderedDict()  # key -> (count, last)

    def _count(self, key: str, now: float) -> tuple[int, float]:
        count, last = self._failures.get(key, (0, now))
        if now - last > FORGET_AFTER_S:
            self._failures.pop(key, None)
            return 0, now
        return count, last

    def wait_seconds(self, *keys: str) -> float:
        """Seconds before the next attempt may be checked (0: now)."""
        with self._lock:
            now = self._clock()
            waits = []
            for key in keys:
                count, last = self._count(key, now)
                waits.append(last + self._delay(count) - now if count else 0.0)
            return max([0.0, *waits])

    def record_failure(self, *keys: str) -> None:
        """One more failure for each key."""
        with self._lock:
            now = self._clock()
            for key in keys:
                count, _ = self._count(key, now)
                self._failures.pop(key, None)
                self._failures[key] = (count + 1, now)
            while len(self._failures) > MAX_KEYS:
                self._failures.popitem(last=False)

    def record_success(self, *keys: str) -> None:
        """A successful sign-in clears the keys' failures."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
