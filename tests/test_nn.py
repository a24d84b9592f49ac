"""Tests of xentbook.nn: value parity with the NumPy losses of xentbook.imbalance and with
torch's own losses, gradient parity (autograd vs closed form vs finite differences),
the trainer, and every error path."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as hs

from xentbook import imbalance as imb
from xentbook import noise
from xentbook.gradcheck import numerical_gradient
from xentbook.nn import (
    GeneralizedCrossEntropyLoss,
    LogitAdjustedLoss,
    SigmoidFocalLoss,
    SoftmaxFocalLoss,
    fit_full_batch,
    make_classifier,
)

torch.set_num_threads(1)
DT = torch.float64


def _case(seed, n=9, c=4, ignore=True, scale=3.0):
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=scale, size=(n, c))
    t = rng.integers(0, c, size=n)
    if ignore:
        t[rng.random(n) < 0.3] = -100
        t[0] = 0
    w = rng.uniform(0.2, 3.0, size=c)
    return z, t, w


def _autograd(module, z, t):
    zt = torch.tensor(z, dtype=DT, requires_grad=True)
    out = module(zt, torch.as_tensor(t))
    out.sum().backward()
    return out.detach().numpy(), zt.grad.numpy()


def _finite_diff(module, z, t):
    def f(v):
        with torch.no_grad():
            return float(module(torch.tensor(v, dtype=DT), torch.as_tensor(t)).sum())

    return numerical_gradient(f, z, order=4)


REDUCTIONS = ["none", "mean", "sum"]


class TestSigmoidFocalLoss:
    @pytest.mark.parametrize("reduction", REDUCTIONS)
    @pytest.mark.parametrize("alpha, gamma", [(0.25, 2.0), (None, 0.0), (0.6, 0.5), (-1, 3.0)])
    def test_parity_with_numpy(self, reduction, alpha, gamma):
        rng = np.random.default_rng(1)
        x = rng.normal(scale=4, size=(5, 3))
        t = rng.integers(0, 2, size=(5, 3)).astype(float)
        t[0] = rng.random(3)  # soft labels
        val, grad = _autograd(SigmoidFocalLoss(alpha=alpha, gamma=gamma, reduction=reduction), x, torch.tensor(t))
        np.testing.assert_allclose(val, imb.sigmoid_focal_loss(x, t, alpha=alpha, gamma=gamma, reduction=reduction), rtol=1e-9, atol=1e-13)
        np.testing.assert_allclose(grad, imb.sigmoid_focal_loss_grad(x, t, alpha=alpha, gamma=gamma, reduction=reduction), rtol=1e-9, atol=1e-13)
        np.testing.assert_allclose(grad, _finite_diff(SigmoidFocalLoss(alpha=alpha, gamma=gamma, reduction=reduction), x, torch.tensor(t)), rtol=1e-5, atol=1e-8)

    def test_gamma0_is_bce_with_logits(self):
        x, t = torch.randn(20, dtype=DT, generator=torch.Generator().manual_seed(0)), (torch.arange(20) % 3 == 0).to(DT)
        torch.testing.assert_close(
            SigmoidFocalLoss(alpha=None, gamma=0.0)(x, t), F.binary_cross_entropy_with_logits(x, t)
        )

    def test_saturated_small_gamma_has_finite_gradient(self):
        x = torch.tensor([200.0, -200.0], dtype=DT, requires_grad=True)
        SigmoidFocalLoss(gamma=0.5, reduction="sum")(x, torch.tensor([1.0, 0.0], dtype=DT)).backward()
        assert torch.isfinite(x.grad).all()

    @pytest.mark.parametrize(
        "kwargs, exc",
        [(dict(alpha=1.5), ValueError), (dict(gamma=-1.0), ValueError), (dict(reduction="x"), ValueError), (dict(alpha="a"), TypeError)],
    )
    def test_constructor_errors(self, kwargs, exc):
        with pytest.raises(exc):
            SigmoidFocalLoss(**kwargs)

    def test_forward_errors(self):
        loss = SigmoidFocalLoss()
        with pytest.raises(ValueError, match="target and (logits|input) must have the same shape"):
            loss(torch.zeros(3), torch.zeros(2))
        with pytest.raises(ValueError, match=r"\[0, 1\]"):
            loss(torch.zeros(2), torch.tensor([0.0, 2.0]))
        with pytest.raises(TypeError, match="floating-point"):
            loss(torch.zeros(2, dtype=torch.int64), torch.zeros(2))
        with pytest.raises(TypeError, match="target must be a torch.Tensor"):
            loss(torch.zeros(2), [0.0, 1.0])


MULTICLASS = [
    (lambda w, red: SoftmaxFocalLoss(gamma=2.0, weight=w, reduction=red), lambda z, t, w, red: imb.softmax_focal_loss(z, t, gamma=2.0, weight=w, reduction=red), lambda z, t, w, red: imb.softmax_focal_loss_grad(z, t, gamma=2.0, weight=w, reduction=red)),
    (lambda w, red: SoftmaxFocalLoss(gamma=0.4, weight=w, reduction=red), lambda z, t, w, red: imb.softmax_focal_loss(z, t, gamma=0.4, weight=w, reduction=red), lambda z, t, w, red: imb.softmax_focal_loss_grad(z, t, gamma=0.4, weight=w, reduction=red)),
    (lambda w, red: LogitAdjustedLoss([0.5, 0.3, 0.15, 0.05], tau=1.3, weight=w, reduction=red), lambda z, t, w, red: imb.logit_adjusted_cross_entropy(z, t, [0.5, 0.3, 0.15, 0.05], tau=1.3, weight=w, reduction=red), lambda z, t, w, red: imb.logit_adjusted_cross_entropy_grad(z, t, [0.5, 0.3, 0.15, 0.05], tau=1.3, weight=w, reduction=red)),
    (lambda w, red: GeneralizedCrossEntropyLoss(q=0.7, weight=w, reduction=red), lambda z, t, w, red: noise.generalized_cross_entropy(z, t, q=0.7, weight=w, reduction=red), lambda z, t, w, red: noise.generalized_cross_entropy_grad(z, t, q=0.7, weight=w, reduction=red)),
]


@pytest.mark.parametrize("make, value, grad", MULTICLASS, ids=["focal2", "focal0.4", "logit_adjusted", "gce"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("use_weight", [False, True])
def test_multiclass_parity(make, value, grad, reduction, use_weight):
    z, t, w = _case(2)
    w = w if use_weight else None
    module = make(None if w is None else torch.tensor(w, dtype=DT), reduction)
    v, g = _autograd(module, z, t)
    np.testing.assert_allclose(v, value(z, t, w, reduction), rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(g, grad(z, t, w, reduction), rtol=1e-9, atol=1e-13)
    np.testing.assert_allclose(g, _finite_diff(module, z, t), rtol=1e-5, atol=1e-8)


@given(hs.integers(0, 10**6), hs.sampled_from(REDUCTIONS), hs.booleans())
@settings(max_examples=30)
def test_focal_gamma0_and_la_tau0_are_cross_entropy(seed, reduction, use_weight):
    z, t, w = _case(seed)
    wt = torch.tensor(w, dtype=DT) if use_weight else None
    zt, tt = torch.tensor(z, dtype=DT), torch.tensor(t)
    ref = F.cross_entropy(zt, tt, weight=wt, reduction=reduction)
    torch.testing.assert_close(SoftmaxFocalLoss(gamma=0.0, weight=wt, reduction=reduction)(zt, tt), ref)
    torch.testing.assert_close(LogitAdjustedLoss([0.7, 0.1, 0.1, 0.1], tau=0.0, weight=wt, reduction=reduction)(zt, tt), ref)
    gce = GeneralizedCrossEntropyLoss(q=1e-8, weight=wt, reduction=reduction)(zt, tt)
    torch.testing.assert_close(gce, ref, rtol=1e-6, atol=1e-8)


def test_float32_inputs_work():
    z = torch.randn(6, 3, generator=torch.Generator().manual_seed(0))
    t = torch.tensor([0, 1, 2, 0, 1, 2])
    for m in (SoftmaxFocalLoss(), LogitAdjustedLoss([0.2, 0.3, 0.5]), GeneralizedCrossEntropyLoss()):
        assert m(z, t).dtype == torch.float32
    assert SigmoidFocalLoss()(z[:, 0], (t == 0).float()).dtype == torch.float32


def test_saturated_softmax_focal_gradient_is_finite():
    z = torch.tensor([[300.0, 0.0, 0.0]], dtype=DT, requires_grad=True)
    SoftmaxFocalLoss(gamma=0.5)(z, torch.tensor([0])).backward()
    assert torch.isfinite(z.grad).all()


@pytest.mark.parametrize(
    "factory, exc, match",
    [
        (lambda: SoftmaxFocalLoss(gamma=-1.0), ValueError, "gamma"),
        (lambda: SoftmaxFocalLoss(weight=[1.0, -1.0]), ValueError, "weight has negative entries"),
        (lambda: SoftmaxFocalLoss(weight=[[1.0]]), ValueError, "1-D"),
        (lambda: SoftmaxFocalLoss(reduction="avg"), ValueError, "reduction"),
        (lambda: SoftmaxFocalLoss(ignore_index=0.5), TypeError, "ignore_index"),
        (lambda: GeneralizedCrossEntropyLoss(q=0.0), ValueError, "q"),
        (lambda: GeneralizedCrossEntropyLoss(q=1.5), ValueError, "q"),
        (lambda: LogitAdjustedLoss([0.5, 0.6]), ValueError, "sum to 1"),
        (lambda: LogitAdjustedLoss([0.0, 1.0]), ValueError, "strictly positive"),
        (lambda: LogitAdjustedLoss([0.5, 0.5], tau=-1.0), ValueError, "tau"),
        (lambda: LogitAdjustedLoss([[0.5, 0.5]]), ValueError, "1-D"),
    ],
)
def test_constructor_errors(factory, exc, match):
    with pytest.raises(exc, match=match):
        factory()


def test_forward_errors():
    z, t = torch.zeros(2, 3), torch.tensor([0, 1])
    with pytest.raises(ValueError, match=r"target must have shape \(\)"):
        SoftmaxFocalLoss()(torch.zeros(3), t)
    with pytest.raises(TypeError, match="target looks like class indices"):
        SoftmaxFocalLoss()(z, t.float())
    with pytest.raises(ValueError, match=r"outside \[0, 3\)"):
        SoftmaxFocalLoss()(z, torch.tensor([0, 3]))
    with pytest.raises(ValueError, match="target must have shape"):
        SoftmaxFocalLoss()(z, torch.tensor([0, 1, 2]))
    with pytest.raises(ValueError, match="weight must be a 1-D array with one entry per class"):
        SoftmaxFocalLoss(weight=[1.0, 1.0])(z, t)
    with pytest.raises(ValueError, match="priors must be a 1-D vector with one probability per class"):
        LogitAdjustedLoss([0.5, 0.5])(z, t)
    with pytest.raises(TypeError, match="positional"):
        SoftmaxFocalLoss(2.0)  # options are keyword-only, as in the NumPy twin
    assert torch.isnan(GeneralizedCrossEntropyLoss()(z, torch.tensor([-100, -100])))
    assert GeneralizedCrossEntropyLoss(reduction="sum")(z, torch.tensor([-100, -100])).item() == 0.0


def test_buffers_move_with_module():
    m = LogitAdjustedLoss([0.25, 0.75], weight=[1.0, 2.0]).double()
    assert m.log_priors.dtype == torch.float64 and m.weight.dtype == torch.float64
    assert set(dict(m.named_buffers())) == {"weight", "log_priors"}


# ------------------------------------------------------------------------- trainer


def _blobs(seed=0):
    rng = np.random.default_rng(seed)
    y = np.repeat([0, 1, 2], [60, 20, 5])
    X = rng.normal(size=(y.size, 2)) + np.array([[0, 0], [3, 0], [0, 3]])[y]
    return X, y


def test_make_classifier():
    lin = make_classifier(4, 3, seed=1)
    assert isinstance(lin, torch.nn.Linear)
    torch.testing.assert_close(lin.weight, make_classifier(4, 3, seed=1).weight)
    mlp = make_classifier(4, 3, hidden=8)
    assert mlp(torch.zeros(2, 4)).shape == (2, 3)
    with pytest.raises(ValueError):
        make_classifier(0, 3)
    with pytest.raises(ValueError, match="hidden"):
        make_classifier(4, 3, hidden=0)
    with pytest.raises(TypeError):
        make_classifier(4.0, 3)


def test_fit_full_batch_learns_and_is_deterministic():
    X, y = _blobs()
    runs = []
    for _ in range(2):
        model = make_classifier(2, 3, seed=0)
        hist = fit_full_batch(model, X, y, torch.nn.CrossEntropyLoss(), steps=200, lr=0.05)
        runs.append((hist, model.weight.detach().clone()))
        acc = (model(torch.tensor(X, dtype=torch.get_default_dtype())).argmax(1).numpy() == y).mean()
        assert hist[-1] < 0.5 * hist[0] and acc > 0.9
    assert runs[0][0] == runs[1][0]
    torch.testing.assert_close(runs[0][1], runs[1][1])


def test_fit_full_batch_resampling_balances_batches():
    X, y = _blobs()
    seen = []

    def loss_fn(logits, target):
        seen.append(np.bincount(target.numpy(), minlength=3))
        return F.cross_entropy(logits, target)

    w = 1.0 / np.bincount(y)[y]
    fit_full_batch(make_classifier(2, 3), X, y, loss_fn, steps=50, sampling_weights=w, seed=3)
    frac = np.sum(seen, axis=0) / np.sum(seen)
    np.testing.assert_allclose(frac, [1 / 3] * 3, atol=0.03)  # versus 0.71/0.24/0.06 without


def test_fit_full_batch_binary_targets():
    X, y = _blobs()
    yb = (y == 2).astype(np.float64)
    model = torch.nn.Sequential(make_classifier(2, 1), torch.nn.Flatten(0))
    hist = fit_full_batch(model, X, yb, SigmoidFocalLoss(), steps=100, lr=0.1)
    assert hist[-1] < hist[0]


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(steps=0), ValueError, "steps"),
        (dict(lr=-1.0), ValueError, "lr"),
        (dict(weight_decay=-1.0), ValueError, "weight_decay"),
        (dict(sampling_weights=np.ones(3)), ValueError, "sampling_weights"),
        (dict(sampling_weights=-np.ones(85)), ValueError, "sampling_weights"),
        (dict(steps=1.5), TypeError, "steps"),
    ],
)
def test_fit_full_batch_errors(kwargs, exc, match):
    X, y = _blobs()
    with pytest.raises(exc, match=match):
        fit_full_batch(make_classifier(2, 3), X, y, torch.nn.CrossEntropyLoss(), **kwargs)
    with pytest.raises(ValueError, match="y must have shape"):
        fit_full_batch(make_classifier(2, 3), X, y[:-1], torch.nn.CrossEntropyLoss())
    with pytest.raises(ValueError, match="X must have shape"):
        fit_full_batch(make_classifier(2, 3), X[:, 0], y, torch.nn.CrossEntropyLoss())
    with pytest.raises(TypeError, match="model"):
        fit_full_batch(lambda x: x, X, y, torch.nn.CrossEntropyLoss())
