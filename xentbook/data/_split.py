"""What the two split functions of :mod:`xentbook.data` share (private)."""

from __future__ import annotations

import hashlib

from .._validation import check_probability

__all__: list[str] = []


def check_fractions(val: object, test: object) -> tuple[float, float]:
    """Validate the validation and test fractions: each in [0, 1), their sum < 1."""
    v = check_probability(val, "val", closed_right=False)
    t = check_probability(test, "test", closed_right=False)
    if v + t >= 1.0:
        raise ValueError(f"val + test must be < 1 so that training data remain, got {v + t}")
    return v, t


def hash_key(seed: int, key: str) -> str:
    """The sort key that deals split units: SHA-256 of the seed and the unit's key."""
    return hashlib.sha256(f"{seed}\x1f{key}".encode()).hexdigest()
