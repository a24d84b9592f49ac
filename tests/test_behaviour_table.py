"""The behaviour table of issue 11: one answer per situation for every multiclass loss, NumPy and torch.

| situation                                   | answer (torch's)                                    |
|---------------------------------------------|-----------------------------------------------------|
| every target ignored, reduction "mean"      | NaN loss, zero gradient                             |
| logits (N, C, d1, ...)                      | accepted; equal to the flattened (N*d, C) problem   |
| default reduction                           | "mean"                                              |
| weight / ignore_index / label_smoothing     | F.cross_entropy's, at the CE-equivalent parameter   |
|                                             | (focal gamma=0, logit adjustment tau=0; GCE: its    |
|                                             | closed form sum_c w_c q_c (1 - p_c^q)/q)            |
| probability targets                         | F.cross_entropy's (mean over elements)              |
| dtype                                       | float64 arithmetic, result in the logits' dtype     |
| gradients                                   | closed form = finite differences = autograd         |
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import xentbook as xb
import xentbook.nn as xnn
from xentbook.gradcheck import numerical_gradient

torch.set_num_threads(1)
PRIORS = np.array([0.4, 0.3, 0.2, 0.1])

# name -> (NumPy loss, NumPy gradient, torch module factory, extra keyword, CE-equivalent value)
LOSSES = {
    "cross_entropy": (xb.softmax_cross_entropy, xb.softmax_cross_entropy_grad,
                      lambda **kw: torch.nn.CrossEntropyLoss(**{k: (torch.tensor(v) if k == "weight" and v is not None else v) for k, v in kw.items()}),
                      {}, {}),
    "focal": (xb.softmax_focal_loss, xb.softmax_focal_loss_grad, xnn.SoftmaxFocalLoss, {"gamma": 1.5}, {"gamma": 0.0}),
    "logit_adjusted": (lambda z, t, **kw: xb.logit_adjusted_cross_entropy(z, t, PRIORS, **kw),
                       lambda z, t, **kw: xb.logit_adjusted_cross_entropy_grad(z, t, PRIORS, **kw),
                       lambda **kw: xnn.LogitAdjustedLoss(PRIORS, **kw), {"tau": 1.2}, {"tau": 0.0}),
    "gce": (xb.generalized_cross_entropy, xb.generalized_cross_entropy_grad, xnn.GeneralizedCrossEntropyLoss,
            {"q": 0.6}, None),
}
NAMES = list(LOSSES)
OPTIONS = [
    {},
    {"weight": np.array([0.5, 2.0, 1.0, 0.25])},
    {"label_smoothing": 0.15},
    {"weight": np.array([0.5, 2.0, 1.0, 0.25]), "label_smoothing": 0.3, "ignore_index": 2},
]
REDUCTIONS = ["none", "mean", "sum"]


def _case(seed=0, shape=(6, 4), ignore=True):
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=2.5, size=shape)
    t = rng.integers(0, shape[1], size=(shape[0],) + shape[2:])
    if ignore:
        t.flat[1] = -100
    return z, t


def _module(name, **kw):
    make, extra = LOSSES[name][2], LOSSES[name][3]
    if name == "cross_entropy":
        return make(**kw)
    kw = {k: (torch.tensor(v) if k == "weight" and v is not None else v) for k, v in kw.items()}
    return make(**extra, **kw)


def _np(name, which, z, t, **kw):
    fn = LOSSES[name][which]
    return fn(z, t, **LOSSES[name][3], **kw)


def _torch_value_and_grad(module, z, t):
    zt = torch.tensor(z, requires_grad=True)
    out = module(zt, torch.as_tensor(t))
    (out.sum() if out.ndim else out).backward()
    return out.detach().numpy(), zt.grad.numpy()


def _gce_reference(z, t, q, weight=None, ignore_index=-100, label_smoothing=0.0, reduction="mean"):
    """sum_c w_c q_c (1 - p_c^q)/q with torch's targets, smoothing and weighted mean (class axis 1)."""
    z = np.moveaxis(z, 1, -1).reshape(-1, z.shape[1]) if z.ndim > 1 else z[None]
    t = np.asarray(t).reshape(-1)
    C = z.shape[1]
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    w = np.ones(C) if weight is None else weight
    valid = t != ignore_index
    tq = np.eye(C)[np.where(valid, t, 0)] * (1 - label_smoothing) + label_smoothing / C
    per = np.where(valid, (tq * w * (1 - p**q) / q).sum(1), 0.0)
    if reduction == "none":
        return per
    return per.sum() if reduction == "sum" else per.sum() / w[t[valid]].sum()


# ------------------------------------------------------------------ row 1: all ignored


@pytest.mark.parametrize("name", NAMES)
def test_all_ignored_mean_is_nan_with_zero_gradient(name):
    z, t = _case(ignore=False)
    t[:] = -100
    assert np.isnan(_np(name, 0, z, t))
    np.testing.assert_array_equal(_np(name, 1, z, t), 0.0)
    assert _np(name, 0, z, t, reduction="sum") == 0.0
    value, grad = _torch_value_and_grad(_module(name), z, t)
    assert np.isnan(value)
    np.testing.assert_array_equal(grad, 0.0)


# ------------------------------------------------------------------ row 2: extra dimensions


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_extra_dimensions_equal_the_flattened_problem(name, reduction):
    z, t = _case(1, shape=(3, 4, 2, 5))
    flat_z = np.moveaxis(z, 1, -1).reshape(-1, 4)
    kw = dict(weight=np.array([1.0, 0.5, 2.0, 1.0]), label_smoothing=0.1, reduction=reduction)
    got, ref = _np(name, 0, z, t, **kw), _np(name, 0, flat_z, t.reshape(-1), **kw)
    np.testing.assert_allclose(np.reshape(got, -1), np.reshape(ref, -1), rtol=1e-13, atol=1e-15)
    g, g_flat = _np(name, 1, z, t, **kw), _np(name, 1, flat_z, t.reshape(-1), **kw)
    np.testing.assert_allclose(np.moveaxis(g, 1, -1).reshape(-1, 4), g_flat, rtol=1e-13, atol=1e-15)
    value, grad = _torch_value_and_grad(_module(name, **kw), z, t)
    np.testing.assert_allclose(value, got, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(grad, g, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("name", NAMES)
def test_a_single_sample_of_shape_c(name):
    z, t = np.array([0.3, -1.0, 2.0, 0.1]), np.array(2)
    assert _np(name, 0, z, t) == pytest.approx(float(_np(name, 0, z[None], t[None])), rel=1e-14)
    np.testing.assert_allclose(_np(name, 1, z, t), _np(name, 1, z[None], t[None])[0], rtol=1e-14)


# ------------------------------------------------------------------ row 3: default reduction


@pytest.mark.parametrize("fn", [xb.softmax_cross_entropy, xb.softmax_cross_entropy_grad, xb.softmax_focal_loss,
                                xb.softmax_focal_loss_grad, xb.logit_adjusted_cross_entropy,
                                xb.logit_adjusted_cross_entropy_grad, xb.generalized_cross_entropy,
                                xb.generalized_cross_entropy_grad, xb.sigmoid_focal_loss, xb.sigmoid_focal_loss_grad,
                                xb.binary_cross_entropy_with_logits, xnn.SoftmaxFocalLoss, xnn.LogitAdjustedLoss,
                                xnn.GeneralizedCrossEntropyLoss, xnn.SigmoidFocalLoss])
def test_default_reduction_is_mean_and_options_are_keyword_only(fn):
    params = inspect.signature(fn).parameters
    assert params["reduction"].default == "mean"
    data = {"logits", "target", "priors", "self"}
    for name, p in params.items():
        if name not in data:
            assert p.kind is inspect.Parameter.KEYWORD_ONLY, name


@pytest.mark.parametrize("name", NAMES)
def test_default_call_is_the_mean(name):
    z, t = _case(2)
    assert _np(name, 0, z, t) == _np(name, 0, z, t, reduction="mean")
    assert _module(name)(torch.tensor(z), torch.tensor(t)).ndim == 0


# ------------------------------------------------------------------ row 4: torch's semantics


@pytest.mark.parametrize("name", ["cross_entropy", "focal", "logit_adjusted"])
@pytest.mark.parametrize("options", OPTIONS, ids=range(len(OPTIONS)))
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_ce_equivalent_parameter_is_torch_cross_entropy(name, options, reduction):
    z, t = _case(3, shape=(7, 4, 3), ignore=False)
    t.flat[5] = options.get("ignore_index", -100)
    tw = {k: (torch.tensor(v) if k == "weight" else v) for k, v in options.items()}
    ref = F.cross_entropy(torch.tensor(z), torch.tensor(t), reduction=reduction, **tw).numpy()
    fn, equiv = LOSSES[name][0], LOSSES[name][4]
    np.testing.assert_allclose(fn(z, t, **equiv, **options, reduction=reduction), ref, rtol=1e-12, atol=1e-14)
    if name != "cross_entropy":
        module = LOSSES[name][2](**equiv, **tw, reduction=reduction)
        np.testing.assert_allclose(module(torch.tensor(z), torch.tensor(t)).numpy(), ref, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("options", OPTIONS, ids=range(len(OPTIONS)))
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gce_is_its_closed_form(options, reduction):
    z, t = _case(4, shape=(7, 4, 3), ignore=False)
    t.flat[5] = options.get("ignore_index", -100)
    ref = _gce_reference(z, t, 0.6, reduction=reduction, **options)
    got = xb.generalized_cross_entropy(z, t, q=0.6, reduction=reduction, **options)
    np.testing.assert_allclose(np.reshape(got, -1), np.reshape(ref, -1), rtol=1e-12, atol=1e-14)
    module = _module("gce", reduction=reduction, **options)
    np.testing.assert_allclose(np.reshape(module(torch.tensor(z), torch.tensor(t)).numpy(), -1), np.reshape(ref, -1),
                               rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", ["cross_entropy", "focal", "logit_adjusted"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_probability_targets_are_torch_cross_entropy(name, reduction):
    rng = np.random.default_rng(5)
    z = rng.normal(size=(5, 4, 2))
    p = rng.dirichlet(np.ones(4), size=(5, 2)).transpose(0, 2, 1).copy()
    w = np.array([1.0, 0.5, 2.0, 0.0])
    ref = F.cross_entropy(torch.tensor(z), torch.tensor(p), weight=torch.tensor(w), label_smoothing=0.2,
                          reduction=reduction).numpy()
    fn, equiv = LOSSES[name][0], LOSSES[name][4]
    np.testing.assert_allclose(fn(z, p, **equiv, weight=w, label_smoothing=0.2, reduction=reduction), ref,
                               rtol=1e-12, atol=1e-14)
    if name != "cross_entropy":
        module = LOSSES[name][2](**equiv, weight=torch.tensor(w), label_smoothing=0.2, reduction=reduction)
        np.testing.assert_allclose(module(torch.tensor(z), torch.tensor(p)).numpy(), ref, rtol=1e-12, atol=1e-14)


# ------------------------------------------------------------------ row 5: dtype


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_float64_arithmetic_rounded_once_to_the_logits_dtype(name, dtype):
    z, t = _case(6)
    z = z.astype(dtype)
    for which in (0, 1):
        got = _np(name, which, z, t, reduction="sum" if which == 0 else "mean")
        ref = _np(name, which, z.astype(np.float64), t, reduction="sum" if which == 0 else "mean")
        assert np.asarray(got).dtype == dtype
        np.testing.assert_array_equal(got, np.asarray(ref).astype(dtype))


# ------------------------------------------------------------------ row 6: gradients


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("options", OPTIONS, ids=range(len(OPTIONS)))
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gradient_is_finite_differences_and_autograd(name, options, reduction):
    z, t = _case(7, shape=(4, 4, 2), ignore=False)
    t.flat[3] = options.get("ignore_index", -100)
    g = _np(name, 1, z, t, reduction=reduction, **options)

    def f(v):
        return float(np.sum(_np(name, 0, v, t, reduction=reduction, **options)))

    np.testing.assert_allclose(g, numerical_gradient(f, z, order=4), rtol=1e-6, atol=1e-9)
    _, autograd = _torch_value_and_grad(_module(name, reduction=reduction, **options), z, t)
    np.testing.assert_allclose(g, autograd, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_sigmoid_focal_twins_agree(reduction):
    rng = np.random.default_rng(8)
    x, t, w = rng.normal(scale=3, size=(5, 3)), rng.integers(0, 2, (5, 3)).astype(float), np.array([0.5, 1.0, 2.0])
    kw = dict(alpha=0.3, gamma=1.5, weight=w, reduction=reduction)
    value, grad = _torch_value_and_grad(xnn.SigmoidFocalLoss(**kw), x, t)
    np.testing.assert_allclose(value, xb.sigmoid_focal_loss(x, t, **kw), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(grad, xb.sigmoid_focal_loss_grad(x, t, **kw), rtol=1e-10, atol=1e-13)
