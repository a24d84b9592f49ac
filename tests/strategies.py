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


@hs.composite
def span_corpora(draw, types=("PER", "LOC", "ORG"), max_len=12, max_sentences=5):
    """Random non-overlapping typed spans: a list of ``(length, [(start, end, type), ...])``, one per sentence."""
    out = []
    for _ in range(draw(hs.integers(1, max_sentences))):
        n = draw(hs.integers(1, max_len))
        spans, i = [], 0
        while i < n:
            if draw(hs.booleans()):
                j = draw(hs.integers(i + 1, min(n, i + 4)))
                spans.append((i, j, draw(hs.sampled_from(list(types)))))
                i = j
            else:
                i += draw(hs.integers(1, 2))
        out.append((n, spans))
    return out
