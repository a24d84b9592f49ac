"""Tests of xentbook.numerics: parity with torch/scipy, properties, last-bit accuracy vs mpmath."""

from __future__ import annotations

import math
import warnings

import mpmath
import numpy as np
import pytest
import scipy.special as sp
from hypothesis import given, settings
from hypothesis import strategies as hs
from hypothesis.extra import numpy as hnp

import ulp_accuracy as acc
from torch_optional import needs_torch, torch
from xentbook.numerics import log_sigmoid, log_softmax, logsumexp, sigmoid, softmax, softplus


VECTOR_FUNCS = {"logsumexp": logsumexp, "log_softmax": log_softmax, "softmax": softmax}
SCALAR_FUNCS = {"softplus": softplus, "log_sigmoid": log_sigmoid, "sigmoid": sigmoid}
RTOL = {np.float64: 1e-13, np.float32: 2e-6}

# ---------------------------------------------------------------- strategies


@hs.composite
def logit_arrays(draw, *, lo=-60.0, hi=60.0, neg_inf=True):
    """(array, axis): 1-4 dims, float32/float64, moderate values, sometimes -inf entries."""
    dtype = draw(hs.sampled_from([np.float64, np.float32]))
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=5))
    x = draw(hnp.arrays(dtype, shape, elements=hs.floats(lo, hi, width=32)))
    if neg_inf and draw(hs.booleans()):
        mask = draw(hnp.arrays(np.bool_, shape))
        x = np.where(mask, -np.inf, x).astype(dtype)
    axis = draw(hs.integers(-len(shape), len(shape) - 1))
    return x, axis


# ---------------------------------------------------------------- parity with torch


@needs_torch
@settings(max_examples=80)
@given(logit_arrays())
def test_softmax_family_matches_torch(case):
    x, axis = case
    t = torch.from_numpy(x)
    rtol = RTOL[x.dtype.type]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got_ls, got_p, got_lse = log_softmax(x, axis), softmax(x, axis), logsumexp(x, axis)
    for got in (got_ls, got_p, got_lse):
        assert got.dtype == x.dtype
    np.testing.assert_allclose(got_ls, torch.log_softmax(t, axis).numpy(), rtol=rtol, atol=rtol, equal_nan=True)
    np.testing.assert_allclose(got_p, torch.softmax(t, axis).numpy(), rtol=rtol, atol=rtol * 1e-3, equal_nan=True)
    np.testing.assert_allclose(got_lse, torch.logsumexp(t, axis).numpy(), rtol=rtol, atol=rtol)
    # NaN exactly where torch has NaN: the all -inf slices
    np.testing.assert_array_equal(np.isnan(got_ls), np.isnan(torch.log_softmax(t, axis).numpy()))


@settings(max_examples=80)
@given(hnp.arrays(np.float64, hnp.array_shapes(max_dims=2, max_side=6), elements=hs.floats(-800, 800)))
def test_elementwise_match_scipy(x):
    np.testing.assert_allclose(softplus(x), np.logaddexp(0.0, x), rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(log_sigmoid(x), sp.log_expit(x), rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(sigmoid(x), sp.expit(x), rtol=1e-14, atol=1e-300)


# ---------------------------------------------------------------- properties


@settings(max_examples=80)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=6),
                  elements=hs.floats(allow_nan=False, allow_infinity=False)))
def test_stable_for_every_finite_input(x):
    """Any finite float64, up to +-max: no warning, no NaN, sane ranges."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ls = log_softmax(x)
        p = softmax(x)
        lse = logsumexp(x)
        sp_, lsg, sg = softplus(x), log_sigmoid(x), sigmoid(x)
    for arr in (ls, p, lse, sp_, lsg, sg):
        assert not np.isnan(arr).any()
    assert (ls <= 0).all() and (p >= 0).all() and (p <= 1).all()
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-13)
    assert (lse >= x.max(axis=-1)).all()
    assert (sp_ >= 0).all() and (lsg <= 0).all() and ((sg >= 0) & (sg <= 1)).all()
    # the arg-max class has log-probability in [-log C, 0]
    k = x.argmax(axis=-1)[..., None]
    assert (np.take_along_axis(ls, k, -1) >= -math.log(x.shape[-1]) - 1e-12).all()


@settings(max_examples=60)
@given(logit_arrays(neg_inf=False), hs.integers(-30, 30))
def test_shift_invariance_with_exact_shift(case, shift):
    """Adding an integer (exactly representable sum) leaves softmax unchanged."""
    x, axis = case
    x = np.round(x).astype(np.float64)  # integers: x + shift is exact
    np.testing.assert_array_equal(log_softmax(x + shift, axis), log_softmax(x, axis))
    np.testing.assert_array_equal(softmax(x + shift, axis), softmax(x, axis))
    np.testing.assert_allclose(logsumexp(x + shift, axis), logsumexp(x, axis) + shift, rtol=1e-15, atol=1e-15)


@settings(max_examples=60)
@given(logit_arrays(neg_inf=False))
def test_identities(case):
    x, axis = case
    x = x.astype(np.float64)
    lse = np.expand_dims(logsumexp(x, axis), axis)
    np.testing.assert_allclose(log_softmax(x, axis), x - lse, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(softmax(x, axis), np.exp(log_softmax(x, axis)), rtol=1e-13)
    z = x.ravel()
    np.testing.assert_allclose(log_sigmoid(z), -softplus(-z), rtol=0, atol=0)
    np.testing.assert_allclose(softmax(np.stack([z, np.zeros_like(z)]), axis=0)[0], sigmoid(z), rtol=1e-15)


@needs_torch
def test_log1p_is_what_the_max_trick_misses():
    x = np.array([0.0, -40.0])
    exact = -math.log1p(math.exp(-40.0))  # -4.248e-18
    assert log_softmax(x)[0] == exact
    assert float(logsumexp(x)) == -exact
    assert float(torch.log_softmax(torch.from_numpy(x), 0)[0]) == 0.0  # what torch returns
    assert float(softplus(-40.0)) == math.log1p(math.exp(-40.0))
    assert float(log_sigmoid(40.0)) == exact


def test_extremes_exact_results():
    big = np.finfo(np.float64).max
    assert log_softmax([big, -big]).tolist() == [0.0, -np.inf]  # true value -2*max overflows
    assert softmax([big, big]).tolist() == [0.5, 0.5]
    assert float(logsumexp([big, big])) == big  # max + log 2 rounds to max
    assert float(logsumexp([-big, -big])) == -big
    assert softmax([0.0, -np.inf, 0.0]).tolist() == [0.5, 0.0, 0.5]
    assert float(softplus(big)) == big and float(softplus(-big)) == 0.0
    assert float(log_sigmoid(-big)) == -big and float(log_sigmoid(big)) == 0.0
    assert float(softplus(np.inf)) == np.inf and float(softplus(-np.inf)) == 0.0
    assert float(log_sigmoid(-np.inf)) == -np.inf and float(sigmoid(np.inf)) == 1.0


@needs_torch
def test_infinite_rows_follow_torch():
    x = np.array([[-np.inf, -np.inf, -np.inf], [0.0, -np.inf, 1.0]])
    t = torch.from_numpy(x)
    np.testing.assert_array_equal(logsumexp(x), torch.logsumexp(t, -1).numpy())
    np.testing.assert_array_equal(np.isnan(log_softmax(x)), np.isnan(torch.log_softmax(t, -1).numpy()))
    np.testing.assert_array_equal(np.isnan(softmax(x)), np.isnan(torch.softmax(t, -1).numpy()))
    assert np.isnan(log_softmax(x)[0]).all() and np.isnan(softmax(x)[0]).all()
    assert log_softmax(x)[1, 1] == -np.inf and softmax(x)[1, 1] == 0.0
    assert float(logsumexp([np.inf, 0.0])) == np.inf
    assert logsumexp(np.zeros((3, 0))).tolist() == [-np.inf] * 3
    assert log_softmax(np.zeros((0, 4))).shape == (0, 4)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtypes_preserved(dtype):
    x = np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 5.0]], dtype=dtype)
    for f in (log_softmax, softmax, logsumexp, softplus, log_sigmoid, sigmoid):
        assert f(x).dtype == dtype
    assert log_softmax([1, 2, 3]).dtype == np.float64
    assert isinstance(softplus(np.float32(1.0)), np.float32)
    assert isinstance(logsumexp([1.0, 2.0]), np.float64)


def test_axis_handling_matches_moveaxis():
    x = np.random.default_rng(0).normal(size=(2, 3, 4))
    for axis in (0, 1, 2, -1, -3):
        ref = np.moveaxis(log_softmax(np.moveaxis(x, axis, -1)), -1, axis)
        np.testing.assert_array_equal(log_softmax(x, axis), ref)
        assert logsumexp(x, axis).shape == tuple(np.delete(x.shape, axis))


# ---------------------------------------------------------------- accuracy vs mpmath


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", list(VECTOR_FUNCS) + list(SCALAR_FUNCS))
def test_within_4_condition_scaled_ulps(name, dtype):
    func = {**VECTOR_FUNCS, **SCALAR_FUNCS}[name]
    worst, where = acc.worst_scaled_error(func, name, dtype)
    assert worst <= 4.0, f"{name} {np.dtype(dtype)}: {worst:.2f} scaled ulps at {where}"


@needs_torch
def test_adversarial_set_is_adversarial():
    """The set and the measure can fail: the textbook max trick and torch exceed 4 ulps."""

    def max_trick(v):
        m = np.max(v)
        return v - m - np.log(np.sum(np.exp(v - m)))

    assert acc.worst_scaled_error(max_trick, "log_softmax")[0] > 1e6
    torch_ls = lambda v: torch.log_softmax(torch.from_numpy(v), -1).numpy()  # noqa: E731
    assert acc.worst_scaled_error(torch_ls, "log_softmax")[0] > 4
    naive_sp = lambda v: np.log(1 + np.exp(v))  # noqa: E731
    assert acc.worst_scaled_error(naive_sp, "softplus")[0] == math.inf


def test_ulp_measure():
    one = mpmath.mpf(1)
    assert acc.ulp_error(1.0, one, np.float64) == 0.0
    assert acc.ulp_error(float(np.nextafter(1.0, 2.0)), one, np.float64) == pytest.approx(1.0)
    assert acc.ulp_error(float(np.nextafter(np.float32(1), np.float32(2))), one, np.float32) == pytest.approx(1.0)
    assert acc.ulp_error(np.inf, mpmath.mpf(2) ** 1100, np.float64) == 0.0  # overflow to inf is right
    assert acc.ulp_error(np.inf, mpmath.mpf(1), np.float64) == math.inf
    assert acc.ulp_error(np.nan, None, np.float64) == 0.0  # undefined -> NaN expected
    assert acc.ulp_error(0.0, None, np.float64) == math.inf
    assert acc.scaled_error(float(np.nextafter(1.0, 2.0)) + 2e-16, one, 10.0, np.float64) < 1
    # the reference itself: log_softmax([0, -40]) against a closed form
    vals, kaps = acc.reference_vector("log_softmax", np.array([0.0, -40.0]))
    assert float(vals[0]) == -math.log1p(math.exp(-40.0))
    assert kaps[0] == pytest.approx(40 * math.exp(-40.0) / math.log1p(math.exp(-40.0)), rel=1e-12)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("func", [log_softmax, softmax, logsumexp])
def test_softmax_family_errors(func):
    with pytest.raises(ValueError, match="NaN"):
        func([0.0, np.nan])
    with pytest.raises(TypeError, match="real numbers"):
        func(["a", "b"])
    with pytest.raises(TypeError, match="real numbers"):
        func(np.array([1 + 1j]))
    with pytest.raises(ValueError, match="out of range"):
        func(np.zeros((2, 3)), axis=2)
    with pytest.raises(TypeError, match="axis must be an integer"):
        func(np.zeros(3), axis=0.5)
    with pytest.raises(ValueError, match="scalar"):
        func(1.0)
    with pytest.raises(ValueError, match="could not be converted"):
        func([[1.0], [1.0, 2.0]])


@pytest.mark.parametrize("func", [log_softmax, softmax])
def test_plus_inf_rejected(func):
    with pytest.raises(ValueError, match=r"\+inf"):
        func([np.inf, 0.0])


@pytest.mark.parametrize("func", [softplus, log_sigmoid, sigmoid])
def test_elementwise_errors(func):
    with pytest.raises(ValueError, match="NaN"):
        func([np.nan])
    with pytest.raises(TypeError, match="real numbers"):
        func("x")
    assert func(np.zeros(0)).shape == (0,)
