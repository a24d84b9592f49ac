"""Tests of xentbook.imbalance: brute-force / mpmath / torch / scikit-learn references,
finite-difference gradients, hypothesis properties and every error path."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from hypothesis.extra import numpy as hnp

from torch_optional import F, needs_torch, torch
from xentbook.gradcheck import numerical_gradient
from xentbook.imbalance import (
    logit_adjust,
    logit_adjusted_cross_entropy,
    logit_adjusted_cross_entropy_grad,
    sigmoid_focal_loss,
    sigmoid_focal_loss_grad,
    softmax_focal_loss,
    softmax_focal_loss_grad,
)

mpmath.mp.dps = 50



def numgrad(f, x):
    """Finite-difference gradient of the scalar function f at x (the package's checker)."""
    return numerical_gradient(f, np.asarray(x, dtype=np.float64), order=4)


def _rng(seed=0):
    return np.random.default_rng(seed)


def _multiclass_case(seed, n=7, c=4, scale=3.0, ignore=False):
    rng = _rng(seed)
    z = rng.normal(scale=scale, size=(n, c))
    t = rng.integers(0, c, size=n)
    if ignore:
        t[rng.random(n) < 0.3] = -100
        t[0] = 1  # keep at least one target
    w = rng.uniform(0.2, 3.0, size=c)
    return z, t, w


# ------------------------------------------------------------ references (brute force)


def focal_reference_mp(x, t, alpha, gamma):
    """The paper's definition, evaluated in 50-digit arithmetic."""
    x, t = mpmath.mpf(x), mpmath.mpf(t)
    p = 1 / (1 + mpmath.exp(-x))
    ce = -(t * mpmath.log(p) + (1 - t) * mpmath.log(1 - p))
    p_t = p * t + (1 - p) * (1 - t)
    a_t = 1 if alpha is None else alpha * t + (1 - alpha) * (1 - t)
    return float(a_t * (1 - p_t) ** gamma * ce)


def torchvision_style(x, t, alpha, gamma):
    """torchvision's documented recipe, written out with torch ops (float64)."""
    x, t = torch.as_tensor(x), torch.as_tensor(t, dtype=torch.float64)
    p = torch.sigmoid(x)
    ce = F.binary_cross_entropy_with_logits(x, t, reduction="none")
    p_t = p * t + (1 - p) * (1 - t)
    loss = ce * ((1 - p_t) ** gamma)
    if alpha >= 0:
        loss = (alpha * t + (1 - alpha) * (1 - t)) * loss
    return loss.numpy()


def softmax_focal_reference_mp(z, y, gamma, w=1.0):
    zs = [mpmath.mpf(v) for v in z]
    lse = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in zs))
    lp = zs[y] - lse
    return float(-w * (1 - mpmath.exp(lp)) ** gamma * lp)


# -------------------------------------------------------------- sigmoid focal loss


class TestSigmoidFocal:
    @pytest.mark.parametrize("alpha", [0.25, 0.5, 0.9, None])
    @pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0, 5.0])
    def test_matches_mpmath_definition(self, alpha, gamma):
        rng = _rng(1)
        x = np.concatenate([rng.normal(scale=5, size=20), [-40.0, -12.0, 0.0, 12.0, 40.0]])
        t = rng.integers(0, 2, size=x.size).astype(float)
        t[:5] = [0.0, 0.3, 0.5, 0.7, 1.0]  # soft labels too
        got = sigmoid_focal_loss(x, t, alpha=alpha, gamma=gamma, reduction="none")
        ref = np.array([focal_reference_mp(a, b, alpha, gamma) for a, b in zip(x, t)])
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-300)

    @needs_torch
    @given(
        hnp.arrays(np.float64, hs.integers(1, 30), elements=hs.floats(-30, 30)),
        hs.floats(0, 1),
        hs.floats(0, 5),
        hs.integers(0, 2**32 - 1),
    )
    @settings(max_examples=60)
    def test_matches_torchvision_recipe(self, x, alpha, gamma, seed):
        t = _rng(seed).integers(0, 2, size=x.size).astype(float)
        for red in ("none", "mean", "sum"):
            ref = torchvision_style(x, t, alpha, gamma)
            ref = {"none": ref, "mean": ref.mean(), "sum": ref.sum()}[red]
            np.testing.assert_allclose(
                sigmoid_focal_loss(x, t, alpha=alpha, gamma=gamma, reduction=red), ref, rtol=1e-9, atol=1e-12
            )

    @needs_torch
    def test_gamma0_no_alpha_is_bce(self):
        rng = _rng(2)
        x, t = rng.normal(scale=4, size=50), rng.integers(0, 2, 50).astype(float)
        ref = F.binary_cross_entropy_with_logits(torch.tensor(x), torch.tensor(t), reduction="none").numpy()
        # torch's max(x, 0) - x t + log1p(exp(-|x|)) loses a few bits where x t cancels; the
        # mpmath test above pins the exact value, so torch is compared at 1e-9 here
        np.testing.assert_allclose(sigmoid_focal_loss(x, t, alpha=None, gamma=0.0, reduction="none"), ref, rtol=1e-9)
        np.testing.assert_allclose(sigmoid_focal_loss(x, t, alpha=-1, gamma=0.0, reduction="none"), ref, rtol=1e-9)
        assert sigmoid_focal_loss(x, t, alpha=None, gamma=0, reduction="mean") == pytest.approx(ref.mean(), rel=1e-12)

    @needs_torch
    def test_defaults_are_torchvisions_but_the_reduction_is_mean(self):
        x, t = np.array([0.7, -2.0, 3.0]), np.array([1.0, 0.0, 0.0])
        ref = torchvision_style(x, t, 0.25, 2.0)
        np.testing.assert_allclose(sigmoid_focal_loss(x, t, reduction="none"), ref, rtol=1e-12)
        assert sigmoid_focal_loss(x, t) == pytest.approx(ref.mean(), rel=1e-12)  # the package's default "mean"

    @needs_torch
    def test_weight_multiplies_elementwise(self):
        rng = _rng(7)
        x, t, w = rng.normal(scale=3, size=(6, 2)), rng.integers(0, 2, (6, 2)).astype(float), np.array([0.5, 2.0])
        ref = torchvision_style(x, t, 0.25, 2.0) * w
        assert sigmoid_focal_loss(x, t, weight=w) == pytest.approx(ref.mean(), rel=1e-12)
        g = sigmoid_focal_loss_grad(x, t, weight=w, reduction="sum")
        np.testing.assert_allclose(g, numgrad(lambda v: float(sigmoid_focal_loss(v, t, weight=w, reduction="sum")), x), rtol=1e-6, atol=1e-9)

    def test_extreme_logits_are_finite_and_exact(self):
        x = np.array([-1000.0, 1000.0, -1000.0, 1000.0])
        t = np.array([0.0, 1.0, 1.0, 0.0])
        got = sigmoid_focal_loss(x, t, alpha=None, gamma=2.0, reduction="none")
        np.testing.assert_array_equal(got, [0.0, 0.0, 1000.0, 1000.0])
        g = sigmoid_focal_loss_grad(x, t, alpha=None, gamma=0.5)
        assert np.isfinite(g).all()

    @given(hnp.arrays(np.float64, hs.integers(1, 20), elements=hs.floats(-20, 20)), hs.floats(0, 4), hs.integers(0, 9999))
    @settings(max_examples=40)
    def test_focal_le_bce(self, x, gamma, seed):
        t = _rng(seed).random(x.size)  # soft labels: still (1 - p_t) <= 1
        fl = sigmoid_focal_loss(x, t, alpha=None, gamma=gamma, reduction="none")
        ce = sigmoid_focal_loss(x, t, alpha=None, gamma=0.0, reduction="none")
        assert np.all(fl <= ce * (1 + 1e-12) + 1e-300)

    @pytest.mark.parametrize("gamma", [0.0, 0.7, 2.0, 3.5])
    @pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
    def test_gradient_finite_differences(self, gamma, reduction):
        rng = _rng(3)
        x = rng.normal(scale=3, size=(3, 4))
        t = rng.random((3, 4))
        t[0] = np.round(t[0])

        def f(v):
            out = sigmoid_focal_loss(v, t, alpha=0.3, gamma=gamma, reduction=reduction)
            return float(np.sum(out))

        g = sigmoid_focal_loss_grad(x, t, alpha=0.3, gamma=gamma, reduction=reduction)
        np.testing.assert_allclose(g, numgrad(f, x), rtol=1e-6, atol=1e-9)

    @needs_torch
    def test_gradient_matches_autograd(self):
        rng = _rng(4)
        x, t = rng.normal(scale=3, size=40), rng.integers(0, 2, 40).astype(float)
        xt = torch.tensor(x, requires_grad=True)
        torch.as_tensor(torchvision_style_t(xt, torch.tensor(t), 0.25, 2.0)).mean().backward()
        np.testing.assert_allclose(
            sigmoid_focal_loss_grad(x, t, reduction="mean"), xt.grad.numpy(), rtol=1e-10, atol=1e-14
        )

    def test_float32_keeps_dtype(self):
        out = sigmoid_focal_loss(np.array([0.5, -0.5], dtype=np.float32), np.array([1, 0], dtype=np.float32))
        assert out.dtype == np.float32

    @pytest.mark.parametrize(
        "kwargs, exc, match",
        [
            (dict(logits=[0.0, 1.0], target=[1.0]), ValueError, "target and (logits|input) must have the same shape"),
            (dict(logits=[0.0], target=[1.5]), ValueError, r"target must lie in \[0, 1\]"),
            (dict(logits=[0.0], target=[-0.1]), ValueError, "target"),
            (dict(logits=[np.nan], target=[1.0]), ValueError, "logits must be finite"),
            (dict(logits=["a"], target=[1.0]), TypeError, "logits"),
            (dict(logits=[0.0], target=[1.0], gamma=-1.0), ValueError, r"gamma must lie in \[0, inf\)"),
            (dict(logits=[0.0], target=[1.0], gamma="2"), TypeError, "gamma"),
            (dict(logits=[0.0], target=[1.0], alpha=1.5), ValueError, "alpha"),
            (dict(logits=[0.0], target=[1.0], alpha=np.inf), ValueError, "alpha"),
            (dict(logits=[0.0], target=[1.0], reduction="avg"), ValueError, "reduction"),
            (dict(logits=[], target=[]), ValueError, "empty"),
        ],
    )
    def test_errors(self, kwargs, exc, match):
        rest = {k: v for k, v in kwargs.items() if k not in ("logits", "target")}
        for fn in (sigmoid_focal_loss, sigmoid_focal_loss_grad):
            with pytest.raises(exc, match=match):
                fn(kwargs["logits"], kwargs["target"], **rest)


def torchvision_style_t(x, t, alpha, gamma):
    p = torch.sigmoid(x)
    ce = F.binary_cross_entropy_with_logits(x, t, reduction="none")
    p_t = p * t + (1 - p) * (1 - t)
    return (alpha * t + (1 - alpha) * (1 - t)) * ce * (1 - p_t) ** gamma


# -------------------------------------------------------------- softmax focal loss


class TestSoftmaxFocal:
    @needs_torch
    @pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
    @pytest.mark.parametrize("use_weight", [False, True])
    @pytest.mark.parametrize("ignore", [False, True])
    def test_gamma0_is_torch_cross_entropy(self, reduction, use_weight, ignore):
        z, t, w = _multiclass_case(5, n=9, c=5, ignore=ignore)
        w = w if use_weight else None
        ref = F.cross_entropy(
            torch.tensor(z), torch.tensor(t), weight=None if w is None else torch.tensor(w),
            ignore_index=-100, reduction=reduction,
        ).numpy()
        got = softmax_focal_loss(z, t, gamma=0.0, weight=w, reduction=reduction)
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-15)

    @pytest.mark.parametrize("gamma", [0.5, 1.0, 2.0, 5.0])
    def test_matches_mpmath(self, gamma):
        z, t, w = _multiclass_case(6, n=8, c=4, scale=6.0)
        z[0] = [50.0, -50.0, 0.0, 1.0]
        t[0] = 0
        got = softmax_focal_loss(z, t, gamma=gamma, weight=w, reduction="none")
        ref = [softmax_focal_reference_mp(z[i], t[i], gamma, w[t[i]]) for i in range(len(t))]
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-300)
        # weighted mean divides by the sum of the target weights
        assert softmax_focal_loss(z, t, gamma=gamma, weight=w) == pytest.approx(sum(ref) / w[t].sum(), rel=1e-12)

    @given(hs.integers(0, 10**6), hs.floats(0, 5), hs.booleans())
    @settings(max_examples=50)
    def test_focal_le_ce(self, seed, gamma, use_weight):
        z, t, w = _multiclass_case(seed, scale=5.0, ignore=True)
        w = w if use_weight else None
        for red in ("none", "mean", "sum"):
            fl = softmax_focal_loss(z, t, gamma=gamma, weight=w, reduction=red)
            ce = softmax_focal_loss(z, t, gamma=0.0, weight=w, reduction=red)
            assert np.all(np.asarray(fl) <= np.asarray(ce) * (1 + 1e-12))
        assert np.all(softmax_focal_loss(z, t, gamma=gamma, reduction="none")[t == -100] == 0)

    @pytest.mark.parametrize("gamma", [0.0, 0.3, 1.0, 2.0])
    @pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
    def test_gradient_finite_differences(self, gamma, reduction):
        z, t, w = _multiclass_case(7, n=5, c=3, ignore=True)

        def f(v):
            return float(np.sum(softmax_focal_loss(v, t, gamma=gamma, weight=w, reduction=reduction)))

        g = softmax_focal_loss_grad(z, t, gamma=gamma, weight=w, reduction=reduction)
        np.testing.assert_allclose(g, numgrad(f, z), rtol=1e-6, atol=1e-9)
        assert np.all(g[t == -100] == 0)

    def test_gradient_confident_sample_small_gamma(self):
        # p_y rounds to 1: the gamma * (1 - p_y)^(gamma - 1) log p_y term must vanish, not be NaN
        z = np.array([[800.0, 0.0]])
        g = softmax_focal_loss_grad(z, np.array([0]), gamma=0.5)
        assert np.isfinite(g).all() and np.all(np.abs(g) < 1e-100)

    @pytest.mark.parametrize(
        "args, kwargs, exc, match",
        [
            ((np.zeros(3), np.array([0])), {}, ValueError, r"target must have shape \(\)"),
            ((np.zeros((2, 3)), np.array([0, 3])), {}, ValueError, r"target has class indices outside \[0, 3\)"),
            ((np.zeros((2, 3)), np.array([0, -1])), {}, ValueError, "only ignore_index=-100"),
            ((np.zeros((2, 3)), np.array([0.0, 1.0])), {}, TypeError, "target looks like class indices"),
            ((np.zeros((2, 3)), np.array([0, 1, 2])), {}, ValueError, r"target must have shape"),
            ((np.zeros((2, 3)), np.array([0, 1])), {"weight": [1.0, 2.0]}, ValueError, "one entry per class"),
            ((np.zeros((2, 3)), np.array([0, 1])), {"weight": [1.0, -2.0, 1.0]}, ValueError, "weight has negative entries"),
            ((np.zeros((2, 3)), np.array([0, 1])), {"gamma": -0.5}, ValueError, "gamma"),
            ((np.zeros((2, 3)), np.array([0, 1])), {"ignore_index": 1.5}, TypeError, "ignore_index"),
            ((np.zeros((2, 3)), np.array([0, 1])), {"reduction": "batchmean"}, ValueError, "reduction"),
            ((np.full((2, 3), np.inf), np.array([0, 1])), {}, ValueError, "finite"),
            ((np.zeros((2, 0)), np.array([0, 1])), {}, ValueError, "empty|no classes"),
        ],
    )
    def test_errors(self, args, kwargs, exc, match):
        for fn in (softmax_focal_loss, softmax_focal_loss_grad):
            with pytest.raises(exc, match=match):
                fn(*args, **kwargs)

    def test_all_ignored_is_fine_for_sum_and_none(self):
        z, t = np.zeros((2, 3)), np.array([-100, -100])
        assert softmax_focal_loss(z, t, reduction="sum") == 0.0
        np.testing.assert_array_equal(softmax_focal_loss(z, t, reduction="none"), [0.0, 0.0])


# ------------------------------------------------------------------ class weights


class TestLogitAdjustment:
    def test_post_hoc(self):
        z, _, _ = _multiclass_case(8, n=6, c=3)
        pi = np.array([0.7, 0.2, 0.1])
        np.testing.assert_allclose(logit_adjust(z, pi, tau=1.5), z - 1.5 * np.log(pi))
        np.testing.assert_array_equal(logit_adjust(z, pi, tau=0.0), z)
        # tau = 1: arg-max of p(y|x) / pi(y), the balanced Bayes rule
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        np.testing.assert_array_equal(logit_adjust(z, pi).argmax(1), (p / pi).argmax(1))
        assert logit_adjust(z[None], pi).shape == (1, 6, 3)

    @needs_torch
    @pytest.mark.parametrize("tau", [0.0, 0.5, 1.0, 2.0])
    @pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
    @pytest.mark.parametrize("use_weight", [False, True])
    def test_loss_is_torch_ce_of_shifted_logits(self, tau, reduction, use_weight):
        z, t, w = _multiclass_case(9, n=8, c=4, ignore=True)
        w = w if use_weight else None
        pi = np.array([0.6, 0.25, 0.1, 0.05])
        ref = F.cross_entropy(
            torch.tensor(z + tau * np.log(pi)), torch.tensor(t),
            weight=None if w is None else torch.tensor(w), reduction=reduction,
        ).numpy()
        got = logit_adjusted_cross_entropy(z, t, pi, tau=tau, weight=w, reduction=reduction)
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-15)

        def f(v):
            return float(np.sum(logit_adjusted_cross_entropy(v, t, pi, tau=tau, weight=w, reduction=reduction)))

        g = logit_adjusted_cross_entropy_grad(z, t, pi, tau=tau, weight=w, reduction=reduction)
        np.testing.assert_allclose(g, numgrad(f, z), rtol=1e-6, atol=1e-9)

    def test_uniform_prior_is_plain_ce(self):
        z, t, _ = _multiclass_case(10, n=5, c=4)
        pi = np.full(4, 0.25)
        assert logit_adjusted_cross_entropy(z, t, pi, tau=3.0) == pytest.approx(
            softmax_focal_loss(z, t, gamma=0.0), rel=1e-12
        )

    @pytest.mark.parametrize(
        "priors, tau, exc, match",
        [
            ([0.5, 0.6, 0.1], 1.0, ValueError, "sum to 1"),
            ([0.5, 0.5], 1.0, ValueError, "one probability per class"),
            ([0.0, 0.5, 0.5], 1.0, ValueError, "strictly positive"),
            ([-0.1, 0.6, 0.5], 1.0, ValueError, "negative"),
            ([[0.2, 0.3, 0.5]], 1.0, ValueError, "1-D"),
            ([0.2, 0.3, 0.5], -1.0, ValueError, "tau"),
            ([0.2, 0.3, 0.5], np.nan, ValueError, "tau"),
            ([0.2, 0.3, 0.5], None, TypeError, "tau"),
        ],
    )
    def test_errors(self, priors, tau, exc, match):
        z, t = np.zeros((2, 3)), np.array([0, 1])
        with pytest.raises(exc, match=match):
            logit_adjust(z, priors, tau=tau)
        for fn in (logit_adjusted_cross_entropy, logit_adjusted_cross_entropy_grad):
            with pytest.raises(exc, match=match):
                fn(z, t, priors, tau=tau)

    def test_more_errors(self):
        with pytest.raises(ValueError, match="scalar"):
            logit_adjust(1.0, [1.0])
        with pytest.raises(ValueError, match="finite"):
            logit_adjust([np.nan, 0.0], [0.5, 0.5])
        with pytest.raises(TypeError, match="positional"):
            logit_adjust(np.zeros((1, 2)), [0.5, 0.5], 1.0)  # tau is keyword-only


# ---------------------------------------------------------- generalized cross-entropy


