"""Roles, password hashes and the login throttle, with no streamlit and no network."""

from __future__ import annotations

import pytest

from conflict_monitor.access.passwords import hash_password, verify_password
from conflict_monitor.access.roles import (
    AccessConfigError,
    compute_access_config,
    compute_may_administer,
    compute_may_write,
)
from conflict_monitor.access.throttle import LoginThrottle, compute_delay

FAST = 2**10  # a low scrypt cost keeps the tests quick; the format is the same


def test_password_hash_is_salted_and_verifies():
    first, second = hash_password("correct horse", n=FAST), hash_password("correct horse", n=FAST)
    assert first != second and first.startswith(f"scrypt${FAST}$8$1$")
    assert verify_password("correct horse", first) and verify_password("correct horse", second)
    assert not verify_password("correct hors", first)
    assert not verify_password("correct horse", "not a hash")
    assert not verify_password("x", "scrypt$99999999999$8$1$AAAA$AAAA")  # absurd cost refused
    with pytest.raises(ValueError, match="empty"):
        hash_password("")


def test_roles_from_the_secrets_and_environment():
    config = compute_access_config({"admins": ["boss@example.org"], "editors": "example.org"}, {})
    assert config.role_for_email("boss@example.org") == "admin"
    assert config.role_for_email("Someone@Example.org") == "editor"
    assert config.role_for_email("visitor@elsewhere.net") == "viewer"
    assert not config.read_only and config.open_role == "editor"
    assert compute_may_write("editor", config) and not compute_may_write("viewer", config)
    assert not compute_may_write(None, config)
    read_only = compute_access_config({}, {"CONFLICT_MONITOR_READ_ONLY": "1"})
    assert read_only.read_only and not compute_may_write("admin", read_only)
    assert compute_access_config({"read_only": True}, {}).read_only
    assert compute_may_administer("admin") and not compute_may_administer("editor")
    with pytest.raises(AccessConfigError, match="Unknown role 'boss'"):
        compute_access_config({"open_role": "boss"}, {})


def test_delays_grow_after_five_failures():
    assert [compute_delay(n) for n in range(5)] == [0.0] * 5
    assert [compute_delay(n) for n in range(5, 9)] == [2.0, 4.0, 8.0, 16.0]
    assert compute_delay(60) == 15 * 60.0


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_sixth_wrong_password_waits_and_the_right_one_works_after():
    clock = FakeClock()
    throttle = LoginThrottle(clock=clock)
    keys = ("account:alice", "session:s1")
    for _ in range(5):
        assert throttle.wait_seconds(*keys) == 0.0  # five attempts are checked at once
        throttle.record_failure(*keys)
    assert throttle.wait_seconds(*keys) == 2.0  # the sixth must wait
    assert throttle.wait_seconds("account:alice", "session:other") == 2.0  # a new session too
    assert throttle.wait_seconds("account:bob", "session:other") == 0.0
    clock.now += 2.0
    assert throttle.wait_seconds(*keys) == 0.0
    throttle.record_failure(*keys)  # the sixth was wrong as well: the wait doubles
    assert throttle.wait_seconds(*keys) == 4.0
    clock.now += 4.0
    throttle.record_success(*keys)  # the right one, after the wait
    assert throttle.wait_seconds(*keys) == 0.0
