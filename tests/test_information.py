"""Tests of xentbook.information against scipy and mpmath, plus the identities of information theory."""

from __future__ import annotations

import math
import warnings

import mpmath
import numpy as np
import pytest
import scipy.special as sp
import scipy.stats as st
from hypothesis import assume, given, settings
from hypothesis import strategies as hs
from hypothesis.extra import numpy as hnp

import strategies
from xentbook.information import (
    bits_to_nats,
    cross_entropy,
    empirical_distribution,
    entropy,
    kl_divergence,
    nats_to_bits,
    perplexity,
    self_information,
)

# ---------------------------------------------------------------- strategies


distributions = strategies.distributions


@hs.composite
def pairs(draw, zeros=True):
    k = draw(hs.integers(1, 8))
    return draw(distributions(k=k, zeros=zeros)), draw(distributions(k=k, zeros=zeros))


def _mp_entropy(p):
    return float(-mpmath.fsum(mpmath.mpf(x) * mpmath.log(mpmath.mpf(x)) for x in p if x > 0))


def _mp_kl(p, q):
    terms = []
    for x, y in zip(p, q):
        if x == 0:
            continue
        if y == 0:
            return math.inf
        terms.append(mpmath.mpf(x) * mpmath.log(mpmath.mpf(x) / mpmath.mpf(y)))
    return float(mpmath.fsum(terms))


# ---------------------------------------------------------------- references


@settings(max_examples=120, deadline=None)
@given(distributions())
def test_entropy_matches_scipy_and_mpmath(p):
    assert entropy(p) == pytest.approx(st.entropy(p), rel=1e-12, abs=1e-14)
    assert entropy(p) == pytest.approx(_mp_entropy(p), rel=1e-12, abs=1e-14)
    assert entropy(p, base=2) == pytest.approx(st.entropy(p, base=2), rel=1e-12, abs=1e-14)


@settings(max_examples=120, deadline=None)
@given(pairs())
def test_kl_matches_scipy_two_argument_entropy_and_rel_entr(pq):
    p, q = pq
    ref = st.entropy(p, q)  # scipy's two-argument form is the KL divergence
    got = kl_divergence(p, q)
    if math.isinf(ref):
        assert got == math.inf
    else:
        assert got == pytest.approx(ref, rel=1e-10, abs=1e-13)
        assert got == pytest.approx(_mp_kl(p, q), rel=1e-9, abs=1e-13)
    assert got == pytest.approx(sp.rel_entr(p, q).sum(), rel=1e-12, abs=1e-15)
    assert kl_divergence(p, q, base=3) == pytest.approx(st.entropy(p, q, base=3), rel=1e-10, abs=1e-13)


@settings(max_examples=120, deadline=None)
@given(pairs())
def test_cross_entropy_matches_xlogy_and_mpmath(pq):
    p, q = pq
    ref = -sp.xlogy(p, q).sum()
    got = cross_entropy(p, q)
    assert got == pytest.approx(ref, rel=1e-12, abs=1e-15)
    terms = [(x, y) for x, y in zip(p, q) if x > 0]
    if any(y == 0 for _, y in terms):
        assert got == math.inf
    else:
        mp = -mpmath.fsum(mpmath.mpf(x) * mpmath.log(mpmath.mpf(y)) for x, y in terms)
        assert got == pytest.approx(float(mp), rel=1e-12, abs=1e-14)


def test_known_values():
    assert entropy([0.5, 0.5], base=2) == 1.0
    assert entropy([1.0, 0.0, 0.0]) == 0.0
    assert entropy(np.full(8, 1 / 8), base=2) == pytest.approx(3.0, rel=1e-15)
    # H(p, q) for p = (1/2, 1/2), q = (1/4, 3/4): (2 + log2(4/3)) / 2 bits
    assert cross_entropy([0.5, 0.5], [0.25, 0.75], base=2) == pytest.approx(1 + 0.5 * math.log2(4 / 3))
    assert kl_divergence([1.0, 0.0], [0.5, 0.5], base=2) == pytest.approx(1.0)
    assert self_information(0.125, base=2) == pytest.approx(3.0)
    assert perplexity(np.full(7, 1 / 7)) == pytest.approx(7.0)


def test_batches_along_any_axis():
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(5), size=(3, 4))  # (3, 4, 5), distributions on the last axis
    q = rng.dirichlet(np.ones(5), size=(3, 4))
    h = entropy(p)
    assert h.shape == (3, 4)
    np.testing.assert_allclose(h, st.entropy(p, axis=-1), rtol=1e-12)
    pt, qt = np.moveaxis(p, -1, 0), np.moveaxis(q, -1, 0)
    np.testing.assert_allclose(entropy(pt, axis=0), h, rtol=1e-13)
    np.testing.assert_allclose(kl_divergence(pt, qt, axis=0), st.entropy(p, q, axis=-1), rtol=1e-10)
    np.testing.assert_allclose(cross_entropy(pt, qt, axis=-3), -sp.xlogy(p, q).sum(-1), rtol=1e-12)
    np.testing.assert_allclose(perplexity(pt, qt, axis=0), np.exp(-sp.xlogy(p, q).sum(-1)), rtol=1e-12)


def test_scalar_result_types_and_float32_input():
    assert isinstance(entropy([0.5, 0.5]), np.float64)
    assert isinstance(kl_divergence([0.5, 0.5], [0.5, 0.5]), np.float64)
    p32 = np.array([0.1, 0.2, 0.7], dtype=np.float32)
    out = entropy(p32)
    assert out.dtype == np.float64
    p64 = p32.astype(np.float64)
    assert out == pytest.approx(-np.sum(p64 * np.log(p64)), rel=1e-12)
    # float32 softmax output that sums to 1 only within float32 precision is accepted
    logits = np.array([1.0, 2.0, 3.0, -1.0], dtype=np.float32)
    soft = np.exp(logits) / np.exp(logits).sum()
    assert np.isfinite(entropy(soft.astype(np.float32)))


# ---------------------------------------------------------------- identities (hypothesis)


@settings(max_examples=150, deadline=None)
@given(pairs())
def test_gibbs_inequality_and_decomposition(pq):
    p, q = pq
    kl = kl_divergence(p, q)
    assert kl >= 0.0
    h, hpq = entropy(p), cross_entropy(p, q)
    assert hpq >= h - 1e-12  # cross-entropy is never below the entropy
    if math.isfinite(hpq):
        assert hpq == pytest.approx(h + kl, rel=1e-9, abs=1e-12)
    else:
        assert kl == math.inf


@settings(max_examples=120, deadline=None)
@given(distributions())
def test_kl_is_zero_for_identical_distributions(p):
    assert kl_divergence(p, p) == 0.0
    assert cross_entropy(p, p) == pytest.approx(entropy(p), rel=1e-12, abs=1e-15)


@settings(max_examples=120, deadline=None)
@given(pairs(zeros=False))
def test_kl_positive_when_distributions_differ(pq):
    p, q = pq
    assume(np.max(np.abs(p - q)) > 1e-3)
    # Pinsker: KL >= 2 TV^2 > 0, so equality in Gibbs' inequality only for p == q
    tv = 0.5 * np.abs(p - q).sum()
    assert kl_divergence(p, q) >= 2 * tv**2 * (1 - 1e-9)
    assert kl_divergence(p, q) > 0


def test_kl_is_not_symmetric():
    p, q = [0.5, 0.5], [0.9, 0.1]
    forward, reverse = kl_divergence(p, q), kl_divergence(q, p)
    assert forward == pytest.approx(0.5 * math.log(0.5 / 0.9) + 0.5 * math.log(0.5 / 0.1))
    assert reverse == pytest.approx(0.9 * math.log(0.9 / 0.5) + 0.1 * math.log(0.1 / 0.5))
    assert abs(forward - reverse) > 0.1
    # and one direction may be infinite while the other is finite
    assert kl_divergence([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert kl_divergence([1.0, 0.0], [0.5, 0.5]) == pytest.approx(math.log(2))


@settings(max_examples=120, deadline=None)
@given(distributions(min_k=2))
def test_kl_symmetric_cases(p):
    # q = p reversed (a "mirror image"): KL(p||q) == KL(q||p) because the sum is permuted
    q = p[::-1].copy()
    assert kl_divergence(p, q) == pytest.approx(kl_divergence(q, p), rel=1e-10, abs=1e-13)


@settings(max_examples=120, deadline=None)
@given(pairs(), hs.floats(1.1, 100.0) | hs.floats(0.01, 0.9))
def test_base_change(pq, base):
    p, q = pq
    for f in (kl_divergence, cross_entropy):
        nats = f(p, q)
        if math.isfinite(nats):
            assert f(p, q, base=base) == pytest.approx(nats / math.log(base), rel=1e-12, abs=1e-14)
    assert entropy(p, base=2) == pytest.approx(nats_to_bits(entropy(p)), rel=1e-13, abs=1e-15)
    assert entropy(p) == pytest.approx(bits_to_nats(entropy(p, base=2)), rel=1e-13, abs=1e-15)


@settings(max_examples=120, deadline=None)
@given(distributions())
def test_entropy_bounded_by_log_k(p):
    k = p.size
    h = entropy(p)
    assert -1e-15 <= h <= math.log(k) * (1 + 1e-12)
    # log K - H(p) is exactly KL(p || uniform)
    u = np.full(k, 1 / k)
    assert math.log(k) - h == pytest.approx(kl_divergence(p, u), rel=1e-9, abs=1e-12)
    assert entropy(u) == pytest.approx(math.log(k), rel=1e-14, abs=1e-15)


@settings(max_examples=120, deadline=None)
@given(pairs())
def test_perplexity_relations(pq):
    p, q = pq
    pp, ppq = perplexity(p), perplexity(p, q)
    assert 1 - 1e-12 <= pp <= p.size * (1 + 1e-12)
    assert pp == pytest.approx(2 ** entropy(p, base=2), rel=1e-12)
    assert pp == pytest.approx(10 ** entropy(p, base=10), rel=1e-12)
    assert ppq >= pp * (1 - 1e-12)  # Gibbs
    if math.isfinite(ppq):
        assert ppq / pp == pytest.approx(math.exp(kl_divergence(p, q)), rel=1e-9)
    else:
        assert kl_divergence(p, q) == math.inf


def test_model_perplexity_equals_exp_average_nll():
    rng = np.random.default_rng(1)
    q = rng.dirichlet(np.ones(6))
    x = rng.integers(0, 6, size=500)
    avg_nll = -np.mean(np.log(q[x]))
    p_hat = empirical_distribution(x, n_classes=6)
    assert cross_entropy(p_hat, q) == pytest.approx(avg_nll, rel=1e-12)
    assert perplexity(p_hat, q) == pytest.approx(math.exp(avg_nll), rel=1e-12)


@settings(max_examples=100, deadline=None)
@given(hnp.arrays(np.float64, hs.integers(1, 10), elements=hs.floats(0.0, 1.0)), hs.sampled_from([None, 2, 10, 0.5]))
def test_self_information_matches_log(p, base):
    got = np.atleast_1d(self_information(p, base=base))
    with np.errstate(divide="ignore"):
        ref = -np.log(p) / (1.0 if base is None else math.log(base))
    np.testing.assert_allclose(got, ref + 0.0, rtol=1e-14)


@settings(max_examples=100, deadline=None)
@given(distributions())
def test_entropy_is_expected_self_information(p):
    info = np.atleast_1d(self_information(p, base=2))
    terms = [pi * ii for pi, ii in zip(p, info) if pi > 0]
    assert entropy(p, base=2) == pytest.approx(math.fsum(terms), rel=1e-12, abs=1e-14)


@settings(max_examples=100, deadline=None)
@given(hnp.arrays(np.float64, hs.integers(1, 6), elements=hs.floats(-1e300, 1e300)))
def test_unit_conversions_round_trip(x):
    np.testing.assert_allclose(np.atleast_1d(bits_to_nats(nats_to_bits(x))), x, rtol=1e-14)
    np.testing.assert_allclose(np.atleast_1d(nats_to_bits(x)), x / math.log(2), rtol=1e-15)


# ---------------------------------------------------------------- zero conventions


def test_zero_conventions_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert entropy([1.0, 0.0]) == 0.0  # 0 log 0 = 0
        assert cross_entropy([1.0, 0.0], [1.0, 0.0]) == 0.0  # 0 log 0 term skipped
        assert kl_divergence([1.0, 0.0], [0.5, 0.5]) == pytest.approx(math.log(2))  # 0 log(0/q) = 0
        assert cross_entropy([0.5, 0.5], [1.0, 0.0]) == math.inf  # p > 0 where q = 0
        assert kl_divergence([0.5, 0.5], [1.0, 0.0]) == math.inf
        assert perplexity([0.5, 0.5], [1.0, 0.0]) == math.inf
        assert self_information(0.0) == math.inf
        assert self_information(1.0) == 0.0
        assert math.copysign(1.0, cross_entropy([1.0, 0.0], [1.0, 0.0])) == 1.0  # no -0.0
        np.testing.assert_array_equal(
            kl_divergence([[0.5, 0.5], [1.0, 0.0]], [[1.0, 0.0], [1.0, 0.0]]), [math.inf, 0.0]
        )


# ---------------------------------------------------------------- empirical distribution


@settings(max_examples=100, deadline=None)
@given(hnp.arrays(np.int64, hs.integers(1, 50), elements=hs.integers(0, 4)))
def test_empirical_distribution_matches_bincount(x):
    got = empirical_distribution(x, n_classes=5)
    np.testing.assert_allclose(got, np.array([np.mean(x == k) for k in range(5)]), rtol=1e-15)
    assert got.sum() == pytest.approx(1.0)


def test_mle_of_categorical_is_empirical_frequency():
    rng = np.random.default_rng(2)
    x = rng.integers(0, 4, size=300)
    p_hat = empirical_distribution(x, n_classes=4)
    best = cross_entropy(p_hat, p_hat)
    for _ in range(200):
        q = rng.dirichlet(np.ones(4))
        assert cross_entropy(p_hat, q) >= best


# ---------------------------------------------------------------- errors


BAD_DISTRIBUTIONS = [
    ([0.5, -0.1, 0.6], "negative"),
    ([0.5, np.nan, 0.5], "NaN"),
    ([0.5, np.inf], "finite"),
    ([0.5, 0.4], "sum to 1"),
    ([], "empty"),
    ([[0.5, 0.5], [0.2, 0.2]], "sum to 1"),
]


@pytest.mark.parametrize("bad, msg", BAD_DISTRIBUTIONS)
def test_entropy_rejects_non_distributions(bad, msg):
    with pytest.raises(ValueError, match=msg) as info:
        entropy(bad)
    assert "p" in str(info.value)


@pytest.mark.parametrize("bad, msg", BAD_DISTRIBUTIONS)
@pytest.mark.parametrize("func", [cross_entropy, kl_divergence, perplexity])
def test_pair_functions_name_the_bad_argument(func, bad, msg):
    arr = np.asarray(bad, dtype=float)
    good = np.full(arr.shape, 1.0 / arr.shape[-1]) if arr.size else np.array([1.0])
    with pytest.raises(ValueError, match=msg) as info:
        func(good, bad)
    assert str(info.value).startswith("q ")
    with pytest.raises(ValueError, match=msg) as info:
        func(bad, good)
    assert str(info.value).startswith("p ")


def test_shape_mismatch():
    with pytest.raises(ValueError, match="p and q must have the same shape"):
        kl_divergence([0.5, 0.5], [0.2, 0.3, 0.5])
    with pytest.raises(ValueError, match="same shape"):
        cross_entropy(np.full((2, 3), 1 / 3), np.full((3,), 1 / 3))  # no broadcasting
    with pytest.raises(ValueError, match="same shape"):
        perplexity([1.0], [0.5, 0.5])


def test_axis_errors():
    p = np.full((2, 3), 1 / 3)
    with pytest.raises(ValueError, match="axis 2 is out of range for p"):
        entropy(p, axis=2)
    with pytest.raises(ValueError, match="p must sum to 1 along axis 0"):
        entropy(p, axis=0)
    with pytest.raises(TypeError, match="axis must be an integer"):
        entropy(p, axis=1.0)
    with pytest.raises(TypeError, match="axis must be an integer"):
        kl_divergence(p, p, axis=None)
    with pytest.raises(ValueError, match="scalar"):
        entropy(1.0)
    with pytest.raises(ValueError, match="p is empty"):
        entropy(np.zeros((3, 0)))


@pytest.mark.parametrize("base", [1, 1.0, 0, -2, np.inf, np.nan])
def test_bad_base_value(base):
    with pytest.raises(ValueError, match="base"):
        entropy([0.5, 0.5], base=base)
    with pytest.raises(ValueError, match="base"):
        kl_divergence([0.5, 0.5], [0.5, 0.5], base=base)
    with pytest.raises(ValueError, match="base"):
        cross_entropy([0.5, 0.5], [0.5, 0.5], base=base)
    with pytest.raises(ValueError, match="base"):
        self_information([0.5], base=base)


@pytest.mark.parametrize("base", ["2", True, [2]])
def test_bad_base_type(base):
    with pytest.raises(TypeError, match="base"):
        entropy([0.5, 0.5], base=base)


@pytest.mark.parametrize("bad", [[1 + 0j, 0], ["a", "b"], [object(), 1]])
def test_non_real_input(bad):
    with pytest.raises(TypeError, match="p must contain real numbers"):
        entropy(bad)
    with pytest.raises(TypeError, match="q must contain real numbers"):
        kl_divergence([0.5, 0.5], bad)


def test_ragged_input():
    with pytest.raises(ValueError, match="p could not be converted"):
        entropy([[0.5, 0.5], [1.0]])


@pytest.mark.parametrize("bad, msg", [([1.5], r"\[0, 1\]"), ([-0.1], r"\[0, 1\]"), ([np.nan], "NaN"), ([], "empty")])
def test_self_information_errors(bad, msg):
    with pytest.raises(ValueError, match=msg):
        self_information(bad)


@pytest.mark.parametrize("func", [nats_to_bits, bits_to_nats])
def test_conversion_errors(func):
    with pytest.raises(ValueError, match="x contains NaN"):
        func([1.0, np.nan])
    with pytest.raises(ValueError, match="x is empty"):
        func([])
    with pytest.raises(TypeError, match="x must contain real numbers"):
        func("1.0")
    assert func(np.inf) == np.inf


def test_empirical_distribution_errors():
    with pytest.raises(TypeError, match="samples must hold integer"):
        empirical_distribution([0.0, 1.0], n_classes=2)
    with pytest.raises(TypeError, match="samples must hold integer"):
        empirical_distribution([True, False], n_classes=2)
    with pytest.raises(ValueError, match="samples is empty"):
        empirical_distribution(np.array([], dtype=int), n_classes=2)
    with pytest.raises(ValueError, match=r"samples must hold values <= 1"):
        empirical_distribution([0, 2], n_classes=2)
    with pytest.raises(ValueError, match=r"samples must hold values >= 0"):
        empirical_distribution([-1, 0], n_classes=2)
    with pytest.raises(ValueError, match="n_classes must be >= 1"):
        empirical_distribution([0], n_classes=0)
    with pytest.raises(TypeError, match="n_classes must be an integer"):
        empirical_distribution([0], n_classes=2.0)
    with pytest.raises(TypeError, match="n_classes must be an integer"):
        empirical_distribution([0], n_classes=True)
    with pytest.raises(TypeError):
        empirical_distribution([0], 1)  # n_classes is keyword-only
