"""Password hashes for local accounts: scrypt from the standard library, salted per password.

Stored as `scrypt$N$r$p$salt$hash` (salt and hash in base64), so the cost can be raised later
and old hashes still verify. The default cost is OWASP's recommendation for scrypt (N=2^17,
r=8, p=1: 128 MiB and a few tenths of a second per check; Password Storage Cheat Sheet,
https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32
_PREFIX = "scrypt"


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    # maxmem: scrypt needs 128 * r * n bytes; the library's default cap (32 MiB) is below that.
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=HASH_BYTES,
                          maxmem=129 * r * n + 1024 * 1024)


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """A new salted scrypt hash of `password` (tests may pass a lower n)."""
    if not password:
        raise ValueError("The password is empty.")
    salt = os.urandom(SALT_BYTES)
    digest = _scrypt(password, salt, n, r, p)
    b64 = base64.b64encode
    return f"{_PREFIX}${n}${r}${p}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, encoded: str) -> bool:
    """True when `password` matches the stored hash; False for a wrong one or a malformed hash."""
    parts = str(encoded or "").strip().split("$")
    if len(parts) != 6 or parts[0] != _PREFIX:
        return False
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt, expected = base64.b64decode(parts[4]), base64.b64decode(parts[5])
    except ValueError:
        return False
    if not (1 < n <= 2**20 and 0 < r <= 32 and 0 < p <= 16):  # refuse absurd costs
        return False
    return hmac.compare_digest(_scrypt(password, salt, n, r, p), expected)
