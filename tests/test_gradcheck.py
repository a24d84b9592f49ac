"""Tests of xentbook.gradcheck: finite differences against analytic derivatives, and failure detection."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from hypothesis.extra import numpy as hnp

from torch_optional import needs_torch, torch
from xentbook.gradcheck import GradientCheckResult, check_gradient, numerical_gradient, numerical_jacobian
from xentbook.losses import softmax_cross_entropy, softmax_cross_entropy_grad
from xentbook.numerics import logsumexp, softmax


vectors = hnp.arrays(np.float64, hs.integers(1, 6), elements=hs.floats(-5, 5))


@settings(max_examples=60)
@given(vectors)
def test_numerical_gradient_of_logsumexp_is_softmax(x):
    """d/dx logsumexp(x) = softmax(x), to the accuracy central differences allow."""
    g2 = numerical_gradient(logsumexp, x)
    g4 = numerical_gradient(logsumexp, x, order=4)
    np.testing.assert_allclose(g2, softmax(x), atol=1e-9)
    np.testing.assert_allclose(g4, softmax(x), atol=1e-11)


@needs_torch
@settings(max_examples=40)
@given(vectors)
def test_numerical_jacobian_of_softmax_matches_torch(x):
    J = numerical_jacobian(softmax, x, order=4)
    ref = torch.autograd.functional.jacobian(lambda t: torch.softmax(t, 0), torch.tensor(x)).numpy()
    np.testing.assert_allclose(J, ref, atol=1e-10)
    p = softmax(x)
    np.testing.assert_allclose(J, np.diag(p) - np.outer(p, p), atol=1e-10)


def test_polynomial_and_shapes():
    f = lambda v: float(np.sum(v**3) + v[0, 1] * v[1, 0])  # noqa: E731
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    g = numerical_gradient(f, x)
    exact = 3 * x**2 + np.array([[0.0, x[1, 0]], [x[0, 1], 0.0]])
    assert g.shape == x.shape
    np.testing.assert_allclose(g, exact, rtol=1e-8)
    # the fourth-order stencil is exact for cubics up to rounding
    np.testing.assert_allclose(numerical_gradient(f, x, order=4), exact, rtol=1e-10)
    # scalar input
    assert numerical_gradient(lambda v: float(v) ** 2, 3.0).shape == ()
    assert float(numerical_gradient(lambda v: float(v) ** 2, 3.0)) == pytest.approx(6.0, rel=1e-9)
    # a vector function
    assert numerical_jacobian(lambda v: np.stack([v.sum(), (v**2).sum()]), np.ones(3)).shape == (2, 3)


def test_step_is_relative_to_x():
    """At x = 1e8 an absolute step of 6e-6 would be lost in rounding; relative steps are not."""
    g = numerical_gradient(lambda v: float(np.sum(np.log(v))), np.array([1e8, 2.0]))
    np.testing.assert_allclose(g, [1e-8, 0.5], rtol=1e-6)


def test_check_gradient_passes_and_fails():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(4, 3))
    y = np.array([0, 2, 1, 2])
    f = lambda v: float(softmax_cross_entropy(v, y))  # noqa: E731
    good = check_gradient(f, lambda v: softmax_cross_entropy_grad(v, y), z)
    assert isinstance(good, GradientCheckResult)
    assert good and good.passed and good.max_rel_error < 1e-7
    assert good.analytic.shape == good.numerical.shape == z.shape
    # a classic mistake: forgetting the 1/N of the mean reduction
    bad = check_gradient(f, lambda v: softmax_cross_entropy_grad(v, y, reduction="sum"), z)
    assert not bad and bad.max_rel_error == pytest.approx(0.75, rel=1e-6)
    assert len(bad.worst_index) == 2
    with pytest.raises(AssertionError, match="gradient check failed at index"):
        check_gradient(f, softmax_cross_entropy_grad(z, y, reduction="sum"), z, raise_on_failure=True)
    # a precomputed gradient works too
    assert check_gradient(f, softmax_cross_entropy_grad(z, y), z)


def test_errors():
    x = np.zeros(3)
    with pytest.raises(TypeError, match="f must be callable"):
        numerical_gradient(3.0, x)
    with pytest.raises(ValueError, match="f must return a scalar"):
        numerical_gradient(lambda v: v, x)
    with pytest.raises(ValueError, match="x must be finite"):
        numerical_gradient(np.sum, [0.0, np.inf])
    with pytest.raises(TypeError, match="real numbers"):
        numerical_gradient(np.sum, ["a"])
    with pytest.raises(ValueError, match="eps must be a finite number > 0"):
        numerical_gradient(np.sum, x, eps=0.0)
    with pytest.raises(ValueError, match="order must be 2 or 4"):
        numerical_gradient(np.sum, x, order=3)
    with pytest.raises(ValueError, match="non-finite value"):
        numerical_gradient(lambda v: np.inf, x)
    with pytest.raises(ValueError, match=r"grad \(the shape of x\) must have shape"):
        check_gradient(np.sum, np.ones(2), x)
    with pytest.raises(ValueError, match=r"grad(\(x\))? must be finite"):
        check_gradient(np.sum, np.full(3, np.nan), x)
    with pytest.raises(ValueError, match="rtol must be a finite number >= 0"):
        check_gradient(np.sum, np.ones(3), x, rtol=-1.0)
    with pytest.raises(TypeError, match="f must be callable"):
        check_gradient(None, np.ones(3), x)
    with pytest.raises(TypeError, match="f must be callable"):
        numerical_jacobian("f", x)
