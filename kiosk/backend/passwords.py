"""Operator passwords: scrypt hashes (memory-hard, in the standard library) and the password rules."""

from __future__ import annotations

import hashlib
import hmac
import secrets

N, R, P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=N, r=R, p=P, dklen=32)
    return f"scrypt${N}${R}${P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(
        password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32
    )
    return hmac.compare_digest(candidate.hex(), digest)


def strong_enough(password: str) -> bool:
    """At least 10 characters with letters and digits: long enough to resist guessing at a window."""
    return len(password) >= 10 and any(c.isalpha() for c in password) and any(c.isdigit() for c in password)


def dummy_verify() -> None:
    """Spend the same time on an unknown user as on a wrong password, so user names cannot be probed."""
    verify_password("x", _DUMMY)


_DUMMY = hash_password("timing-equaliser-0")
