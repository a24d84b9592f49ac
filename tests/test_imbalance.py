"""Tests of xentbook.imbalance: brute-force / mpmath / torch / scikit-learn references,
finite-difference gradients, hypothesis properties and every error path."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as hs
from hypothesis.extra import numpy as hnp
from sklearn.utils.class_weight import compute_class_weight

from xentbook.gradcheck import numerical_gradient
from xentbook.imbalance import (
    class_balanced_weights,
    class_weights_balanced,
    generalized_cross_entropy,
    generalized_cross_entropy_grad,
    logit_adjust,
    logit_adjusted_cross_entropy,
    logit_adjusted_cross_entropy_grad,
    long_tailed_indices,
    sigmoid_focal_loss,
    sigmoid_focal_loss_grad,
    softmax_focal_loss,
    softmax_focal_loss_grad,
    symmetric_label_noise,
    tune_threshold,
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
        got = sigmoid_focal_loss(x, t, alpha=alpha, gamma=gamma)
        ref = np.array([focal_reference_mp(a, b, alpha, gamma) for a, b in zip(x, t)])
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-300)

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

    def test_gamma0_no_alpha_is_bce(self):
        rng = _rng(2)
        x, t = rng.normal(scale=4, size=50), rng.integers(0, 2, 50).astype(float)
        ref = F.binary_cross_entropy_with_logits(torch.tensor(x), torch.tensor(t), reduction="none").numpy()
        # torch's max(x, 0) - x t + log1p(exp(-|x|)) loses a few bits where x t cancels; the
        # mpmath test above pins the exact value, so torch is compared at 1e-9 here
        np.testing.assert_allclose(sigmoid_focal_loss(x, t, alpha=None, gamma=0.0), ref, rtol=1e-9)
        np.testing.assert_allclose(sigmoid_focal_loss(x, t, alpha=-1, gamma=0.0), ref, rtol=1e-9)
        assert sigmoid_focal_loss(x, t, alpha=None, gamma=0, reduction="mean") == pytest.approx(ref.mean(), rel=1e-12)

    def test_defaults_are_torchvisions(self):
        x, t = np.array([0.7, -2.0, 3.0]), np.array([1.0, 0.0, 0.0])
        np.testing.assert_allclose(sigmoid_focal_loss(x, t), torchvision_style(x, t, 0.25, 2.0), rtol=1e-12)
        assert isinstance(sigmoid_focal_loss(x, t), np.ndarray)  # default reduction "none"

    def test_extreme_logits_are_finite_and_exact(self):
        x = np.array([-1000.0, 1000.0, -1000.0, 1000.0])
        t = np.array([0.0, 1.0, 1.0, 0.0])
        got = sigmoid_focal_loss(x, t, alpha=None, gamma=2.0)
        np.testing.assert_array_equal(got, [0.0, 0.0, 1000.0, 1000.0])
        g = sigmoid_focal_loss_grad(x, t, alpha=None, gamma=0.5)
        assert np.isfinite(g).all()

    @given(hnp.arrays(np.float64, hs.integers(1, 20), elements=hs.floats(-20, 20)), hs.floats(0, 4), hs.integers(0, 9999))
    @settings(max_examples=40)
    def test_focal_le_bce(self, x, gamma, seed):
        t = _rng(seed).random(x.size)  # soft labels: still (1 - p_t) <= 1
        fl = sigmoid_focal_loss(x, t, alpha=None, gamma=gamma)
        ce = sigmoid_focal_loss(x, t, alpha=None, gamma=0.0)
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
            (dict(logits=[0.0, 1.0], target=[1.0]), ValueError, "same shape"),
            (dict(logits=[0.0], target=[1.5]), ValueError, r"target must lie in \[0, 1\]"),
            (dict(logits=[0.0], target=[-0.1]), ValueError, "target"),
            (dict(logits=[np.nan], target=[1.0]), ValueError, "logits must be finite"),
            (dict(logits=["a"], target=[1.0]), TypeError, "logits"),
            (dict(logits=[0.0], target=[1.0], gamma=-1.0), ValueError, "gamma must be >= 0"),
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
            ((np.zeros(3), np.array([0])), {}, ValueError, r"shape \(N, C\)"),
            ((np.zeros((2, 3)), np.array([0, 3])), {}, ValueError, "target must lie"),
            ((np.zeros((2, 3)), np.array([0, -1])), {}, ValueError, "target must lie"),
            ((np.zeros((2, 3)), np.array([0.0, 1.0])), {}, TypeError, "integer class indices"),
            ((np.zeros((2, 3)), np.array([0, 1, 2])), {}, ValueError, r"target must have shape"),
            ((np.zeros((2, 3)), np.array([0, 1])), {"weight": [1.0, 2.0]}, ValueError, "one entry per class"),
            ((np.zeros((2, 3)), np.array([0, 1])), {"weight": [1.0, -2.0, 1.0]}, ValueError, "non-negative"),
            ((np.zeros((2, 3)), np.array([0, 1])), {"gamma": -0.5}, ValueError, "gamma"),
            ((np.zeros((2, 3)), np.array([0, 1])), {"ignore_index": 1.5}, TypeError, "ignore_index"),
            ((np.zeros((2, 3)), np.array([0, 1])), {"reduction": "batchmean"}, ValueError, "reduction"),
            ((np.zeros((2, 3)), np.array([-100, -100])), {}, ValueError, "every target is ignored"),
            ((np.zeros((2, 3)), np.array([0, 0])), {"weight": [0.0, 1.0, 1.0]}, ValueError, "weight 0"),
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


class TestClassWeightsBalanced:
    @given(hs.lists(hs.integers(0, 6), min_size=1, max_size=200))
    @settings(max_examples=80)
    def test_matches_sklearn(self, labels):
        y = np.array(labels)
        classes = np.unique(y)
        ref = compute_class_weight("balanced", classes=classes, y=y)
        np.testing.assert_allclose(class_weights_balanced(y), ref, rtol=1e-15)
        # every class carries the same total weight, and the weights of the samples sum to n
        w = class_weights_balanced(y)
        assert w[np.searchsorted(classes, y)].sum() == pytest.approx(y.size, rel=1e-12)

    def test_given_class_order_and_strings(self):
        y = np.array(["cat", "dog", "dog", "emu", "emu", "emu"])
        classes = np.array(["emu", "cat", "dog"])
        ref = compute_class_weight("balanced", classes=classes, y=y)
        np.testing.assert_allclose(class_weights_balanced(y, classes), ref)
        np.testing.assert_allclose(class_weights_balanced(y, classes), [2 / 3, 2.0, 1.0])

    @pytest.mark.parametrize(
        "y, classes, exc, match",
        [
            ([], None, ValueError, "empty"),
            ([[0, 1]], None, ValueError, "1-D"),
            ([0, 1, 2], [0, 1], ValueError, "not in classes"),
            ([0, 1], [0, 1, 2], ValueError, "never occur"),
            ([0, 1], [0, 0, 1], ValueError, "duplicates"),
            ([0.0, np.nan], None, ValueError, "NaN"),
            (np.array([0, None], dtype=object), None, TypeError, "object"),
        ],
    )
    def test_errors(self, y, classes, exc, match):
        with pytest.raises(exc, match=match):
            class_weights_balanced(y, classes)


class TestClassBalancedWeights:
    @given(
        hnp.arrays(np.int64, hs.integers(1, 12), elements=hs.integers(1, 10_000)),
        hs.floats(0, 0.99999),
    )
    @settings(max_examples=80)
    def test_sum_to_c_and_monotone(self, counts, beta):
        w = class_balanced_weights(counts, beta)
        assert w.sum() == pytest.approx(counts.size, rel=1e-12)
        assert np.all(w > 0)
        order = np.argsort(counts, kind="stable")
        assert np.all(np.diff(w[order]) <= 1e-12 * w.max())  # rarer class, larger weight

    def test_matches_mpmath_formula(self):
        counts = [5000, 500, 50, 5, 1]
        for beta in (0.9, 0.99, 0.999, 0.9999):
            b = mpmath.mpf(beta)
            raw = [(1 - b) / (1 - b**n) for n in counts]
            ref = [float(r * len(counts) / mpmath.fsum(raw)) for r in raw]
            np.testing.assert_allclose(class_balanced_weights(counts, beta), ref, rtol=1e-11)

    @given(hnp.arrays(np.int64, hs.integers(1, 10), elements=hs.integers(1, 1000)))
    @settings(max_examples=40)
    def test_limits(self, counts):
        c = counts.size
        np.testing.assert_array_equal(class_balanced_weights(counts, 0.0), np.ones(c))
        np.testing.assert_allclose(class_balanced_weights(counts, 1e-12), np.ones(c), rtol=1e-9)
        inv = 1.0 / counts
        np.testing.assert_allclose(class_balanced_weights(counts, 1 - 1e-10), inv * c / inv.sum(), rtol=1e-5)

    def test_beta_one_minus_eps_is_accurate(self):
        # 1 - beta^n with beta = 1 - 1e-15 computed naively loses every digit
        w = class_balanced_weights([1, 2], 1 - 1e-15)
        np.testing.assert_allclose(w, [4 / 3, 2 / 3], rtol=1e-12)

    @pytest.mark.parametrize(
        "counts, beta, exc, match",
        [
            ([10, 1], -0.1, ValueError, r"beta must lie in \[0, 1\)"),
            ([10, 1], 1.0, ValueError, "beta"),
            ([10, 1], 1.5, ValueError, "beta"),
            ([10, 1], np.nan, ValueError, "beta"),
            ([10, 1], "0.9", TypeError, "beta"),
            ([10, 0], 0.9, ValueError, "positive"),
            ([10, -3], 0.9, ValueError, "positive"),
            ([[10, 1]], 0.9, ValueError, "1-D"),
            ([], 0.9, ValueError, "empty"),
            ([10, np.inf], 0.9, ValueError, "finite"),
        ],
    )
    def test_errors(self, counts, beta, exc, match):
        with pytest.raises(exc, match=match):
            class_balanced_weights(counts, beta)


# ---------------------------------------------------------------- logit adjustment


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
            ([0.5, 0.5], 1.0, ValueError, "one entry per class"),
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
            logit_adjust(z, priors, tau)
        for fn in (logit_adjusted_cross_entropy, logit_adjusted_cross_entropy_grad):
            with pytest.raises(exc, match=match):
                fn(z, t, priors, tau=tau)

    def test_more_errors(self):
        with pytest.raises(ValueError, match="scalar"):
            logit_adjust(1.0, [1.0])
        with pytest.raises(ValueError, match="finite"):
            logit_adjust([np.nan, 0.0], [0.5, 0.5])
        with pytest.raises(ValueError, match="every target is ignored"):
            logit_adjusted_cross_entropy(np.zeros((1, 2)), np.array([-100]), [0.5, 0.5])


# ---------------------------------------------------------- generalized cross-entropy


class TestGeneralizedCrossEntropy:
    def test_limits(self):
        z, t, w = _multiclass_case(11, ignore=True)
        ce = softmax_focal_loss(z, t, gamma=0.0, weight=w, reduction="none")
        np.testing.assert_allclose(
            generalized_cross_entropy(z, t, q=1e-9, weight=w, reduction="none"), ce, rtol=1e-7, atol=1e-12
        )
        p = np.exp(z - z.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        valid = t != -100
        py = p[np.arange(len(t)), np.where(valid, t, 0)]
        mae = np.abs(np.eye(z.shape[1])[np.where(valid, t, 0)] - p).sum(1)  # = 2 (1 - p_y)
        got = generalized_cross_entropy(z, t, q=1.0, reduction="none")
        np.testing.assert_allclose(got[valid], (1 - py)[valid], rtol=1e-12)
        np.testing.assert_allclose(got[valid], mae[valid] / 2, rtol=1e-10)
        assert np.all(got[~valid] == 0)

    @given(hs.integers(0, 10**6), hs.floats(0.01, 1.0))
    @settings(max_examples=50)
    def test_matches_formula_and_bounded(self, seed, q):
        z, t, w = _multiclass_case(seed, scale=8.0)
        zs = torch.tensor(z)
        py = torch.softmax(zs, 1)[torch.arange(len(t)), torch.tensor(t)].numpy()
        ref = (1 - py**q) / q
        got = generalized_cross_entropy(z, t, q=q, reduction="none")
        np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-12)
        assert np.all(got <= 1 / q + 1e-12) and np.all(got >= 0)
        assert generalized_cross_entropy(z, t, q=q, weight=w) == pytest.approx((w[t] * ref).sum() / w[t].sum(), rel=1e-9)

    @pytest.mark.parametrize("q", [0.1, 0.7, 1.0])
    @pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
    def test_gradient_finite_differences(self, q, reduction):
        z, t, w = _multiclass_case(12, n=5, c=3, ignore=True)

        def f(v):
            return float(np.sum(generalized_cross_entropy(v, t, q=q, weight=w, reduction=reduction)))

        g = generalized_cross_entropy_grad(z, t, q=q, weight=w, reduction=reduction)
        np.testing.assert_allclose(g, numgrad(f, z), rtol=1e-6, atol=1e-9)

    @pytest.mark.parametrize("q, exc", [(0.0, ValueError), (-0.5, ValueError), (1.01, ValueError), (np.inf, ValueError), ("a", TypeError), (True, TypeError)])
    def test_bad_q(self, q, exc):
        for fn in (generalized_cross_entropy, generalized_cross_entropy_grad):
            with pytest.raises(exc, match="q"):
                fn(np.zeros((2, 3)), np.array([0, 1]), q=q)


# -------------------------------------------------------------------- data helpers


class TestDataHelpers:
    def test_long_tailed_counts(self):
        y = np.repeat(np.arange(10), 150)
        idx = long_tailed_indices(y, imbalance_ratio=50, n_max=100, seed=3)
        counts = np.bincount(y[idx], minlength=10)
        expected = [max(1, round(100 * 50 ** (-c / 9))) for c in range(10)]
        np.testing.assert_array_equal(counts, expected)
        assert counts[0] / counts[-1] == 50
        assert np.unique(idx).size == idx.size and np.all(np.diff(idx) > 0)
        np.testing.assert_array_equal(idx, long_tailed_indices(y, imbalance_ratio=50, n_max=100, seed=3))
        assert not np.array_equal(idx, long_tailed_indices(y, imbalance_ratio=50, n_max=100, seed=4))
        np.testing.assert_array_equal(
            np.bincount(y[long_tailed_indices(y, imbalance_ratio=1, n_max=7)]), np.full(10, 7)
        )

    @pytest.mark.parametrize(
        "kwargs, exc, match",
        [
            (dict(imbalance_ratio=0.5, n_max=5), ValueError, "imbalance_ratio"),
            (dict(imbalance_ratio=2, n_max=0), ValueError, "n_max"),
            (dict(imbalance_ratio=2, n_max=2.5), TypeError, "n_max"),
            (dict(imbalance_ratio=2, n_max=50), ValueError, "fewer than"),
        ],
    )
    def test_long_tailed_errors(self, kwargs, exc, match):
        with pytest.raises(exc, match=match):
            long_tailed_indices(np.repeat([0, 1], 10), **kwargs)
        with pytest.raises(ValueError, match="two classes"):
            long_tailed_indices(np.zeros(5, dtype=int), imbalance_ratio=2, n_max=2)
        with pytest.raises(TypeError, match="integer"):
            long_tailed_indices(np.zeros(5), imbalance_ratio=2, n_max=2)

    @pytest.mark.parametrize("rate", [0.0, 0.2, 0.6, 1.0])
    def test_symmetric_noise(self, rate):
        y = np.repeat(np.arange(5), 4000)
        noisy = symmetric_label_noise(y, rate, num_classes=5, seed=0)
        flipped = noisy != y
        assert abs(flipped.mean() - rate) < 0.015
        # the flipped labels are uniform over the four other classes
        if rate > 0:
            for c in range(5):
                other = noisy[(y == c) & flipped]
                freq = np.bincount(other, minlength=5) / other.size
                assert freq[c] == 0 and np.all(np.abs(np.delete(freq, c) - 0.25) < 0.04)
        assert np.array_equal(noisy, symmetric_label_noise(y, rate, num_classes=5, seed=0))

    @pytest.mark.parametrize(
        "y, rate, num_classes, exc, match",
        [
            ([0, 1], 1.5, None, ValueError, "rate"),
            ([0, 1], -0.1, None, ValueError, "rate"),
            ([0, 1], 0.1, 1, ValueError, "num_classes"),
            ([0, 3], 0.1, 3, ValueError, "num_classes"),
            ([0, -1], 0.1, None, ValueError, "non-negative"),
            ([0.0, 1.0], 0.1, None, TypeError, "integer"),
        ],
    )
    def test_noise_errors(self, y, rate, num_classes, exc, match):
        with pytest.raises(exc, match=match):
            symmetric_label_noise(np.asarray(y), rate, num_classes=num_classes)


# --------------------------------------------------------------------- thresholds


class TestTuneThreshold:
    @given(hs.integers(0, 10**6), hs.sampled_from(["f1", "balanced_accuracy"]), hs.integers(3, 60))
    @settings(max_examples=60)
    def test_matches_brute_force(self, seed, metric, n):
        from sklearn.metrics import balanced_accuracy_score, f1_score

        rng = _rng(seed)
        y = rng.integers(0, 2, n)
        y[:2] = [0, 1]
        s = np.round(rng.normal(size=n), 1)  # ties on purpose
        score = {"f1": f1_score, "balanced_accuracy": balanced_accuracy_score}[metric]
        best = max(score(y, (s >= c).astype(int)) for c in np.unique(s))
        thr = tune_threshold(y, s, metric=metric)
        assert score(y, (s >= thr).astype(int)) == pytest.approx(best, abs=1e-12)
        assert not np.any(s == thr) or thr == s.min()

    def test_example_and_ties(self):
        assert tune_threshold([0, 0, 1, 0, 1], [0.1, 0.2, 0.3, 0.35, 0.8]) == pytest.approx(0.25)
        assert tune_threshold([0, 1], [0.5, 0.5]) == 0.5  # only one distinct score: all positive

    @pytest.mark.parametrize(
        "y, s, kw, exc, match",
        [
            ([0, 0], [0.1, 0.2], {}, ValueError, "both classes"),
            ([0, 2], [0.1, 0.2], {}, ValueError, "only 0 and 1"),
            ([0, 1], [0.1], {}, ValueError, "same shape"),
            ([0, 1], [0.1, np.nan], {}, ValueError, "finite"),
            ([0, 1], [0.1, 0.2], {"metric": "auc"}, ValueError, "metric"),
            (["a", "b"], [0.1, 0.2], {}, TypeError, "y_true"),
            ([], [], {}, ValueError, "non-empty"),
        ],
    )
    def test_errors(self, y, s, kw, exc, match):
        with pytest.raises(exc, match=match):
            tune_threshold(y, s, **kw)
