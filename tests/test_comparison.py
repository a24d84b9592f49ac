"""Tests of xentbook.comparison against scipy and brute force."""

from __future__ import annotations

import math
from itertools import product

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

from xentbook.comparison import accuracy_interval, mcnemar_test, paired_bootstrap

bools = st.lists(st.booleans(), min_size=1, max_size=60)


@settings(max_examples=200, deadline=None)
@given(bools, st.sampled_from([0.5, 0.9, 0.95, 0.99]))
def test_wilson_matches_scipy(correct, confidence):
    k, n = sum(correct), len(correct)
    ref = scipy.stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
    low, high = accuracy_interval(correct, confidence=confidence)
    assert low == pytest.approx(ref.low, abs=1e-12) and high == pytest.approx(ref.high, abs=1e-12)
    assert 0 <= low <= k / n <= high <= 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=80))
def test_mcnemar_matches_binomial_test(pairs):
    a = [x for x, _ in pairs]
    b = [y for _, y in pairs]
    r = mcnemar_test(a, b)
    only_a = sum(x and not y for x, y in pairs)
    only_b = sum(y and not x for x, y in pairs)
    assert (r.only_a, r.only_b) == (only_a, only_b)
    if only_a + only_b == 0:
        assert r.pvalue == 1.0
    else:
        ref = scipy.stats.binomtest(only_a, only_a + only_b, 0.5).pvalue
        assert r.pvalue == pytest.approx(ref, rel=1e-9, abs=1e-15)
    assert mcnemar_test(b, a) == (only_b, only_a, r.pvalue)  # symmetric


def test_mcnemar_brute_force_small():
    # Exact: enumerate all 2^n assignments of the discordant examples.
    for b, c in product(range(6), range(6)):
        n = b + c
        if n == 0:
            continue
        extreme = sum(1 for bits in product((0, 1), repeat=n)
                      if abs(sum(bits) - n / 2) >= abs(b - n / 2))
        r = mcnemar_test([1] * b + [0] * c, [0] * b + [1] * c)
        assert r.pvalue == min(1.0, extreme / 2**n) or math.isclose(r.pvalue, min(1.0, extreme / 2**n))


def test_paired_bootstrap_properties():
    rng = np.random.default_rng(1)
    a = rng.random(1500) < 0.85
    b = np.where(rng.random(1500) < 0.9, a, ~a)  # correlated with a
    r = paired_bootstrap(a, b, n_resamples=4000, seed=3)
    assert r.difference == (a.sum() - b.sum()) / 1500
    assert r.low <= r.difference <= r.high
    # Normal theory for the mean of the paired differences: the percentile interval agrees.
    d = a.astype(float) - b
    se = d.std(ddof=1) / math.sqrt(d.size)
    assert r.high - r.low == pytest.approx(2 * 1.959964 * se, rel=0.1)
    # Deterministic for a seed; exact multiples of 1/n.
    assert paired_bootstrap(a, b, n_resamples=4000, seed=3) == r
    assert round(r.low * 1500) == pytest.approx(r.low * 1500, abs=0.5 + 1e-9)
    same = paired_bootstrap(a, a, n_resamples=100)
    assert same == (0.0, 0.0, 0.0)


def test_errors():
    with pytest.raises(ValueError, match="correct_b has 1 entries but correct_a has 2"):
        mcnemar_test([1, 0], [1])
    with pytest.raises(ValueError, match="correct_a must hold values <= 1"):
        mcnemar_test([1, 2], [1, 0])
    with pytest.raises(TypeError, match="booleans or 0/1"):
        accuracy_interval(["a", "b"])
    with pytest.raises(ValueError, match="correct is empty"):
        accuracy_interval([])
    with pytest.raises(ValueError, match="one-dimensional"):
        paired_bootstrap([[1]], [[1]])
    with pytest.raises(ValueError, match="confidence"):
        accuracy_interval([1], confidence=1.0)
    with pytest.raises(ValueError, match="n_resamples"):
        paired_bootstrap([1], [0], n_resamples=0)
    with pytest.raises(ValueError, match="n_resamples would allocate"):  # a MemoryError before (fuzz)
        paired_bootstrap([1], [0], n_resamples=10**12)
    with pytest.raises(TypeError, match="seed"):
        paired_bootstrap([1], [0], seed=1.5)
    with pytest.raises(TypeError, match="correct"):
        accuracy_interval(None)
    with pytest.raises(ValueError, match="booleans or 0/1"):
        accuracy_interval([np.nan, 1.0])
