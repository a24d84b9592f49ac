"""Hypothesis strategies shared by several test files."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as hs
from hypothesis.extra import numpy as hnp


@hs.composite
def distributions(draw, k=None, min_k=1, max_k=8, zeros=True):
    """A probability vector of length ``k`` (drawn in [min_k, max_k]), possibly with exact zeros."""
    if k is None:
        k = draw(hs.integers(min_k, max_k))
    w = draw(hnp.arrays(np.float64, k, elements=hs.floats(0.0, 1.0, allow_subnormal=False)))
    if not zeros:
        w = w + 1e-3
    if w.sum() < 1e-6:
        w = np.ones(k)
    return w / w.sum()
