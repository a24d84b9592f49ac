"""Tests of xentbook.regression: parity with torch's Gaussian/Poisson NLL losses, scipy's densities, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as hs
from hypothesis.extra import numpy as hnp
from scipy import stats
from scipy.special import gammaln

from torch_optional import F, needs_torch, torch
from xentbook.gradcheck import check_gradient
from xentbook.regression import gaussian_nll_loss, poisson_nll_loss

REDUCTIONS = ["mean", "sum", "none"]


def _t(a):
    return torch.tensor(np.array(a, dtype=np.float64))


def _close(ours, theirs, rtol=1e-12, atol=1e-12):
    np.testing.assert_allclose(np.asarray(ours), theirs.detach().numpy(), rtol=rtol, atol=atol)


# ---------------------------------------------------------------- Gaussian


@needs_torch
@given(
    x=hnp.arrays(np.float64, (4, 3), elements=hs.floats(-50, 50)),
    y=hnp.arrays(np.float64, (4, 3), elements=hs.floats(-50, 50)),
    v=hnp.arrays(np.float64, (4, 3), elements=hs.floats(0, 20)),
    full=hs.booleans(),
    eps=hs.sampled_from([1e-6, 1e-3, 0.5]),
    reduction=hs.sampled_from(REDUCTIONS),
)
def test_gaussian_matches_torch(x, y, v, full, eps, reduction):
    ours = gaussian_nll_loss(x, y, v, full=full, eps=eps, reduction=reduction)
    theirs = F.gaussian_nll_loss(_t(x), _t(y), _t(v), full=full, eps=eps, reduction=reduction)
    _close(ours, theirs)


@needs_torch
@pytest.mark.parametrize("vshape", [(4,), (4, 1), (4, 3)])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gaussian_var_shapes_match_torch(vshape, reduction):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    v = rng.uniform(0.1, 2.0, size=vshape)
    ours = gaussian_nll_loss(x, y, v, reduction=reduction)
    theirs = F.gaussian_nll_loss(_t(x), _t(y), _t(v), reduction=reduction)
    _close(ours, theirs)


@needs_torch
def test_gaussian_scalar_var_and_module():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=6), rng.normal(size=6)
    ours = gaussian_nll_loss(x, y, 0.7, full=True)
    theirs = torch.nn.GaussianNLLLoss(full=True)(_t(x), _t(y), _t(np.full(6, 0.7)))
    _close(ours, theirs)


def test_gaussian_full_is_minus_log_density():
    rng = np.random.default_rng(2)
    mu, y, v = rng.normal(size=20), rng.normal(size=20), rng.uniform(0.01, 5, size=20)
    ours = gaussian_nll_loss(mu, y, v, full=True, reduction="none")
    np.testing.assert_allclose(ours, -stats.norm.logpdf(y, mu, np.sqrt(v)), rtol=1e-13, atol=1e-14)


def test_gaussian_constant_variance_is_half_squared_error():
    rng = np.random.default_rng(3)
    mu, y = rng.normal(size=50), rng.normal(size=50)
    np.testing.assert_allclose(gaussian_nll_loss(mu, y, 1.0), 0.5 * np.mean((mu - y) ** 2), rtol=1e-14)


def test_gaussian_gradients_by_finite_differences():
    rng = np.random.default_rng(4)
    mu, y, v = rng.normal(size=5), rng.normal(size=5), rng.uniform(0.5, 2, size=5)
    assert check_gradient(lambda m: gaussian_nll_loss(m, y, v, reduction="sum"), (mu - y) / v, mu)
    assert check_gradient(lambda s: gaussian_nll_loss(mu, y, s, reduction="sum"), 0.5 / v - 0.5 * (mu - y) ** 2 / v**2, v)


@needs_torch
def test_gaussian_eps_clamps_the_variance_like_torch():
    x, y, v = np.array([0.0, 1.0]), np.array([1.0, 1.0]), np.array([0.0, 1e-9])
    ours = gaussian_nll_loss(x, y, v, eps=1e-4, reduction="none")
    _close(ours, F.gaussian_nll_loss(_t(x), _t(y), _t(v), eps=1e-4, reduction="none"))
    assert np.all(np.isfinite(ours))


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(var=[-1.0, 1.0]), ValueError, "var has negative"),
        (dict(var=[[1.0, 1.0]]), ValueError, "var of shape"),
        (dict(var=[np.nan, 1.0]), ValueError, "var must be finite"),
        (dict(var=1.0, eps=0.0), ValueError, "eps"),
        (dict(var=1.0, full=1), TypeError, "full"),
        (dict(var=1.0, reduction="avg"), ValueError, "reduction"),
        (dict(var="a"), TypeError, "var"),
    ],
)
def test_gaussian_errors(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        gaussian_nll_loss([0.0, 1.0], [0.0, 1.0], **kwargs)


def test_gaussian_errors_on_input_and_target():
    with pytest.raises(ValueError, match="input must be finite"):
        gaussian_nll_loss([np.inf], [0.0], 1.0)
    with pytest.raises(ValueError, match="target of shape"):
        gaussian_nll_loss([0.0, 1.0], [0.0, 1.0, 2.0], 1.0)
    with pytest.raises(TypeError, match="target"):
        gaussian_nll_loss([0.0], ["x"], 1.0)


# ---------------------------------------------------------------- Poisson


@needs_torch
@given(
    s=hnp.arrays(np.float64, (5,), elements=hs.floats(-20, 20)),
    y=hnp.arrays(np.float64, (5,), elements=hs.floats(0, 200)),
    full=hs.booleans(),
    reduction=hs.sampled_from(REDUCTIONS),
)
def test_poisson_log_input_matches_torch(s, y, full, reduction):
    ours = poisson_nll_loss(s, y, full=full, reduction=reduction)
    theirs = F.poisson_nll_loss(_t(s), _t(y), log_input=True, full=full, reduction=reduction)
    _close(ours, theirs, rtol=1e-12, atol=1e-9)


@needs_torch
@given(
    lam=hnp.arrays(np.float64, (5,), elements=hs.floats(0, 100)),
    y=hnp.arrays(np.float64, (5,), elements=hs.floats(0, 100)),
    full=hs.booleans(),
    eps=hs.sampled_from([1e-8, 1e-3, 1.0]),
    reduction=hs.sampled_from(REDUCTIONS),
)
def test_poisson_rate_input_matches_torch(lam, y, full, eps, reduction):
    ours = poisson_nll_loss(lam, y, log_input=False, full=full, eps=eps, reduction=reduction)
    theirs = torch.nn.PoissonNLLLoss(log_input=False, full=full, eps=eps, reduction=reduction)(_t(lam), _t(y))
    _close(ours, theirs, rtol=1e-12, atol=1e-9)


def test_poisson_is_minus_log_pmf_up_to_log_factorial():
    rng = np.random.default_rng(5)
    lam = rng.uniform(0.1, 30, size=40)
    y = rng.poisson(lam).astype(np.float64)
    ours = poisson_nll_loss(np.log(lam), y, reduction="none")
    np.testing.assert_allclose(ours + gammaln(y + 1), -stats.poisson.logpmf(y, lam), rtol=1e-12, atol=1e-12)


def test_poisson_full_is_stirling_within_one_over_12y():
    y = np.arange(0.0, 60.0)
    lam = np.full_like(y, 7.0)
    full = poisson_nll_loss(lam, y, log_input=False, full=True, eps=1e-300, reduction="none")
    exact = -stats.poisson.logpmf(y, lam)
    err = exact - full
    big = y > 1
    assert np.all(err[~big] == pytest.approx(gammaln(y[~big] + 1), abs=1e-12))  # log 0! = log 1! = 0
    assert np.all(np.abs(err[big] - 1.0 / (12.0 * y[big])) <= 1.0 / (360.0 * y[big] ** 3) + 1e-12)


def test_poisson_gradient_is_rate_minus_count():
    rng = np.random.default_rng(6)
    s, y = rng.normal(size=6), rng.poisson(3, size=6).astype(np.float64)
    assert check_gradient(lambda a: poisson_nll_loss(a, y, reduction="sum"), np.exp(s) - y, s)


@needs_torch
def test_poisson_overflow_gives_inf_like_torch():
    ours = poisson_nll_loss([800.0], [1.0], reduction="none")
    assert np.isinf(ours).all()
    assert torch.isinf(F.poisson_nll_loss(_t([800.0]), _t([1.0]), reduction="none")).all()


@needs_torch
def test_poisson_broadcast_target():
    s, y = np.zeros((3, 2)), np.array([1.0, 2.0])
    _close(poisson_nll_loss(s, y, reduction="none"), F.poisson_nll_loss(_t(s), _t(np.broadcast_to(y, (3, 2))), reduction="none"))


@pytest.mark.parametrize(
    "args, kwargs, exc, match",
    [
        (([0.0], [-1.0]), {}, ValueError, "target has negative"),
        (([-1.0], [1.0]), dict(log_input=False), ValueError, "input has negative"),
        (([np.nan], [1.0]), {}, ValueError, "input must be finite"),
        (([0.0], [np.inf]), {}, ValueError, "target must be finite"),
        (([0.0], [1.0]), dict(eps=-1.0), ValueError, "eps"),
        (([0.0], [1.0]), dict(log_input="yes"), TypeError, "log_input"),
        (([0.0], [1.0]), dict(full=None), TypeError, "full"),
        (([0.0], [1.0]), dict(reduction=3), TypeError, "reduction"),
        (([0.0, 1.0], [1.0, 2.0, 3.0]), {}, ValueError, "target of shape"),
        (([], []), {}, ValueError, "input is empty"),
    ],
)
def test_poisson_errors(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        poisson_nll_loss(*args, **kwargs)


def test_half_log_2pi_constant():
    assert gaussian_nll_loss([0.0], [0.0], 1.0, full=True) == pytest.approx(0.5 * math.log(2 * math.pi), rel=1e-15)
