"""Tests of xentbook.losses: parity with torch (loss and autograd), finite differences, accuracy, errors."""

from __future__ import annotations

import math
import warnings

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from hypothesis.extra import numpy as hnp

from torch_optional import F, needs_torch, torch
from xentbook.gradcheck import check_gradient
from xentbook.losses import (
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_and_grad,
    binary_cross_entropy_with_logits_grad,
    softmax_cross_entropy,
    softmax_cross_entropy_and_grad,
    softmax_cross_entropy_grad,
)

TOL = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=2e-5, atol=2e-6)}


# ---------------------------------------------------------------- strategies


@hs.composite
def ce_cases(draw):
    dtype = draw(hs.sampled_from([np.float64, np.float32]))
    unbatched = draw(hs.integers(0, 9)) == 0
    C = draw(hs.integers(1, 6))
    if unbatched:
        shape = (C,)
    else:
        N = draw(hs.integers(1, 6))
        extra = tuple(draw(hs.lists(hs.integers(1, 3), max_size=2)))
        shape = (N, C, *extra)
    logits = draw(hnp.arrays(dtype, shape, elements=hs.floats(-30, 30, width=32)))
    class_axis = 0 if unbatched else 1
    tshape = shape[:class_axis] + shape[class_axis + 1:]
    kind = draw(hs.sampled_from(["index", "prob"]))
    ignore_index = draw(hs.sampled_from([-100, -1, 0, 2]))
    if kind == "index":
        target = draw(hnp.arrays(np.int64, tshape, elements=hs.integers(0, C - 1)))
        if draw(hs.booleans()):
            mask = draw(hnp.arrays(np.bool_, tshape))
            target = np.where(mask, ignore_index, target)
    else:
        raw = draw(hnp.arrays(np.float64, shape, elements=hs.floats(0.0, 1.0)))
        if draw(hs.booleans()):  # one-hot-like targets with exact zeros
            raw = (raw > 0.5).astype(np.float64)
        raw = np.where(raw.sum(axis=class_axis, keepdims=True) == 0, 1.0, raw)
        target = (raw / raw.sum(axis=class_axis, keepdims=True)).astype(dtype)
    weight = None
    if draw(hs.booleans()):
        weight = draw(hnp.arrays(np.float64, C, elements=hs.sampled_from([0.0, 0.25, 1.0, 2.5])
                                 | hs.floats(0.0, 3.0, allow_subnormal=False))).astype(dtype)
    smoothing = draw(hs.sampled_from([0.0, 0.0, 0.1, 1.0]) | hs.floats(0.0, 1.0))
    reduction = draw(hs.sampled_from(["mean", "sum", "none"]))
    return logits, target, dict(weight=weight, ignore_index=ignore_index, label_smoothing=smoothing,
                                reduction=reduction)


def torch_ce(logits, target, kw):
    X = torch.tensor(logits, requires_grad=True)
    tkw = dict(kw)
    if tkw["weight"] is not None:
        tkw["weight"] = torch.tensor(tkw["weight"])
    tgt = torch.tensor(target)
    if tgt.dtype.is_floating_point:
        tkw.pop("ignore_index")  # torch refuses it with probability targets
    loss = F.cross_entropy(X, tgt, **tkw)
    loss.sum().backward()
    return loss.detach().numpy(), X.grad.numpy()


def _three_ways(fns, torch_ref, case):
    """The loss, the gradient and both together (every floating-point warning an error; the
    three agree exactly and keep the logits' dtype), torch's loss and gradient, and the tolerance."""
    logits, target, kw = case
    loss_fn, grad_fn, both_fn = fns
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, grad = loss_fn(logits, target, **kw), grad_fn(logits, target, **kw)
        loss2, grad2 = both_fn(logits, target, **kw)
    assert np.asarray(loss).dtype == logits.dtype and grad.dtype == logits.dtype and grad.shape == logits.shape
    np.testing.assert_array_equal(np.asarray(loss2), np.asarray(loss))
    np.testing.assert_array_equal(grad2, grad)
    return (loss, grad, *torch_ref(logits, target, kw), TOL[logits.dtype.type])


CE_FNS = (softmax_cross_entropy, softmax_cross_entropy_grad, softmax_cross_entropy_and_grad)
BCE_FNS = (binary_cross_entropy_with_logits, binary_cross_entropy_with_logits_grad, binary_cross_entropy_with_logits_and_grad)


# ---------------------------------------------------------------- softmax cross-entropy vs torch


@needs_torch
@settings(max_examples=150)
@given(ce_cases())
def test_softmax_cross_entropy_matches_torch(case):
    loss, grad, ref_loss, ref_grad, tol = _three_ways(CE_FNS, torch_ce, case)
    assert np.shape(loss) == ref_loss.shape
    np.testing.assert_allclose(loss, ref_loss, equal_nan=True, **tol)
    np.testing.assert_allclose(grad, ref_grad, equal_nan=True, **tol)


@needs_torch
def test_edge_cases_follow_torch():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 4))
    cases = [
        (np.full(5, -100), dict()),  # every target ignored
        (np.full(5, -100), dict(label_smoothing=0.2)),
        (np.array([-100, 0, 0, 0, 0]), dict(weight=np.array([0.0, 1, 1, 1]))),  # zero total weight
        (np.array([-100, 0, 0, 0, 0]), dict(weight=np.array([0.0, 1, 1, 1]), label_smoothing=0.2)),
    ]
    for target, kw in cases:
        kw = dict(weight=None, ignore_index=-100, label_smoothing=0.0, reduction="mean") | kw
        ref_loss, ref_grad = torch_ce(x, target, kw)
        loss, grad = softmax_cross_entropy_and_grad(x, target, **kw)
        assert math.isnan(loss) and math.isnan(ref_loss)
        np.testing.assert_array_equal(grad, ref_grad)  # zeros or NaN rows exactly as torch
        kw["reduction"] = "sum"
        assert float(softmax_cross_entropy(x, target, **kw)) == pytest.approx(float(torch_ce(x, target, kw)[0]))


def test_weighted_mean_divides_by_target_weights():
    x = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, -1.0]])
    y = np.array([0, 1, -100])
    w = np.array([3.0, 0.5])
    nll = -np.array([x[0, 0] - np.log(np.exp(x[0]).sum()), x[1, 1] - np.log(np.exp(x[1]).sum())])
    expected = (3.0 * nll[0] + 0.5 * nll[1]) / 3.5
    assert float(softmax_cross_entropy(x, y, weight=w)) == pytest.approx(expected, rel=1e-15)


def test_label_smoothing_formula():
    x = np.array([[1.0, -1.0, 0.5]])
    eps, C = 0.3, 3
    ls = x - np.log(np.exp(x).sum())
    q = np.full(3, eps / C)
    q[2] += 1 - eps
    assert float(softmax_cross_entropy(x, [2], label_smoothing=eps)) == pytest.approx(-(q * ls).sum(), rel=1e-15)
    # and the same as a smoothed probability target
    assert float(softmax_cross_entropy(x, np.eye(3)[[2]], label_smoothing=eps)) == pytest.approx(-(q * ls).sum())


# ---------------------------------------------------------------- gradients vs finite differences


@settings(max_examples=40)
@given(ce_cases())
def test_softmax_cross_entropy_grad_vs_finite_differences(case):
    logits, target, kw = case
    logits = logits.astype(np.float64)
    if not isinstance(target, np.ndarray) or target.dtype.kind == "f":
        target = np.asarray(target, dtype=np.float64)
    kw = dict(kw, weight=None if kw["weight"] is None else kw["weight"].astype(np.float64), reduction="sum")
    f = lambda z: float(softmax_cross_entropy(z, target, **kw))  # noqa: E731
    g = lambda z: softmax_cross_entropy_grad(z, target, **kw)  # noqa: E731
    res = check_gradient(f, g, logits, order=4, rtol=1e-6, atol=1e-8)
    assert res, (res.max_abs_error, res.worst_index)


@needs_torch
def test_grad_keeps_relative_accuracy_when_p_y_near_one():
    """p_y - 1 = -sum_{j != y} p_j must not be computed as a difference with 1."""
    z = np.array([[0.0, -40.0, -45.0]])
    g = softmax_cross_entropy_grad(z, [0], reduction="sum")
    with mpmath.workdps(50):
        e = [mpmath.exp(mpmath.mpf(v)) for v in z[0]]
        S = mpmath.fsum(e)
        exact = [float(e[0] / S - 1), float(e[1] / S), float(e[2] / S)]
    np.testing.assert_allclose(g[0], exact, rtol=4e-16)
    assert float(softmax_cross_entropy(z, [0])) == pytest.approx(float(mpmath.log1p(mpmath.exp(-40) + mpmath.exp(-45))),
                                                                 rel=4e-16)
    # torch loses it entirely
    assert float(F.cross_entropy(torch.tensor(z), torch.tensor([0]))) == 0.0


def test_huge_logits_no_overflow():
    big = np.finfo(np.float64).max
    z = np.array([[big, -big, 0.0], [0.0, 0.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, grad = softmax_cross_entropy_and_grad(z, [1, 2], reduction="none")
    assert loss[0] == np.inf and loss[1] == pytest.approx(math.log(3))  # -log p = 2 max: inf is exact rounding
    assert np.isfinite(grad).all()
    np.testing.assert_array_equal(grad[0], [1.0, -1.0, 0.0])


# ---------------------------------------------------------------- binary cross-entropy


@hs.composite
def bce_cases(draw):
    dtype = draw(hs.sampled_from([np.float64, np.float32]))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=5))
    logits = draw(hnp.arrays(dtype, shape, elements=hs.floats(-60, 60, width=32)))
    target = draw(hnp.arrays(dtype, shape, elements=hs.sampled_from([0.0, 1.0]) | hs.floats(0.0, 1.0, width=32)))

    def a_weight():
        kind = draw(hs.sampled_from(["none", "scalar", "last", "full"]))
        if kind == "none":
            return None
        wshape = {"scalar": (), "last": shape[-1:] if shape else (), "full": shape}[kind]
        return draw(hnp.arrays(dtype, wshape, elements=hs.floats(0.0, 3.0, width=32)))

    return logits, target, dict(weight=a_weight(), pos_weight=a_weight(),
                                reduction=draw(hs.sampled_from(["mean", "sum", "none"])))


def torch_bce(logits, target, kw):
    X = torch.tensor(logits, requires_grad=True)
    tkw = {k: (torch.tensor(v) if isinstance(v, np.ndarray) else v) for k, v in kw.items()}
    loss = F.binary_cross_entropy_with_logits(X, torch.tensor(target), **tkw)
    loss.sum().backward()
    return loss.detach().numpy(), X.grad.numpy()


@needs_torch
@settings(max_examples=150)
@given(bce_cases())
def test_bce_matches_torch(case):
    loss, grad, ref_loss, ref_grad, tol = _three_ways(BCE_FNS, torch_bce, case)
    logits, _, kw = case
    # torch's (1-t)x + ... form loses absolute accuracy ~eps*|x|: compare with that scale
    scale = 1.0 + np.abs(logits).max() * (np.abs(kw["weight"]).max() if kw["weight"] is not None else 1.0)
    np.testing.assert_allclose(loss, ref_loss, rtol=tol["rtol"], atol=tol["atol"] * scale * 10)
    np.testing.assert_allclose(grad, ref_grad, **tol)


@settings(max_examples=40)
@given(bce_cases())
def test_bce_grad_vs_finite_differences(case):
    logits, target, kw = case
    kw = {k: (v.astype(np.float64) if isinstance(v, np.ndarray) else v) for k, v in kw.items()}
    kw["reduction"] = "sum"
    target = target.astype(np.float64)
    f = lambda z: float(binary_cross_entropy_with_logits(z, target, **kw))  # noqa: E731
    g = lambda z: binary_cross_entropy_with_logits_grad(z, target, **kw)  # noqa: E731
    res = check_gradient(f, g, logits.astype(np.float64), order=4, rtol=1e-6, atol=1e-8)
    assert res, (res.max_abs_error, res.worst_index)


@needs_torch
def test_bce_is_accurate_where_torch_cancels():
    x = np.array([-50.0, 50.0, -800.0, 800.0])
    t = np.array([0.0, 1.0, 1.0, 0.0])
    loss = binary_cross_entropy_with_logits(x, t, reduction="none")
    exact = [math.log1p(math.exp(-50.0)), math.log1p(math.exp(-50.0)), 800.0, 800.0]
    np.testing.assert_allclose(loss, exact, rtol=1e-15)
    ref = F.binary_cross_entropy_with_logits(torch.tensor(x), torch.tensor(t), reduction="none").numpy()
    assert ref[0] == 0.0  # (1 - t) x + softplus(-x) cancels to 0
    g = binary_cross_entropy_with_logits_grad(x, t, reduction="sum")
    np.testing.assert_allclose(g, [math.exp(-50) / (1 + math.exp(-50)), -math.exp(-50) / (1 + math.exp(-50)), -1.0, 1.0],
                               rtol=1e-15)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("func", [softmax_cross_entropy, softmax_cross_entropy_grad, softmax_cross_entropy_and_grad])
def test_softmax_cross_entropy_errors(func):
    x = np.zeros((3, 4))
    y = np.array([0, 1, 3])
    cases = [
        (ValueError, "outside \\[0, 4\\)", (x, [0, 1, 4]), {}),
        (ValueError, "outside", (x, [0, -1, 2]), {}),
        (ValueError, "must have shape \\(3,\\)", (x, [0, 1]), {}),
        (TypeError, "floating dtype", (x, [0.0, 1.0, 2.0]), {}),
        (TypeError, "boolean", (x, [True, False, True]), {}),
        (TypeError, "integer class indices", (x, ["a", "b", "c"]), {}),
        (ValueError, r"target \(class probabilities, the logits' shape\) must have shape", (x, np.full((3, 3), 1 / 3)), {}),
        (ValueError, "sum to 1", (x, np.full((3, 4), 0.3)), {}),
        (ValueError, "negative", (x, np.tile([1.5, -0.5, 0, 0], (3, 1))), {}),
        (ValueError, "target must be finite", (x, np.tile([np.nan, 1, 0, 0], (3, 1))), {}),
        (ValueError, "logits must be finite", (np.where(np.eye(3, 4) > 0, np.inf, 0.0), y), {}),
        (ValueError, "logits must be finite", (np.full((3, 4), np.nan), y), {}),
        (ValueError, "scalar", (1.0, y), {}),
        (ValueError, "logits is empty", (np.zeros((0, 4)), np.zeros(0, int)), {}),
        (TypeError, "real numbers", (np.array([["a"] * 4] * 3), y), {}),
        (ValueError, "one entry per class", (x, y), dict(weight=[1.0, 2.0])),
        (ValueError, "negative", (x, y), dict(weight=[1.0, -2.0, 1.0, 1.0])),
        (ValueError, "weight must be finite", (x, y), dict(weight=[1.0, np.inf, 1.0, 1.0])),
        (ValueError, "label_smoothing must lie", (x, y), dict(label_smoothing=1.5)),
        (ValueError, "label_smoothing must lie", (x, y), dict(label_smoothing=-0.1)),
        (TypeError, "label_smoothing must be a number", (x, y), dict(label_smoothing="0.1")),
        (ValueError, "reduction must be one of", (x, y), dict(reduction="avg")),
        (TypeError, "reduction must be a string", (x, y), dict(reduction=None)),
        (TypeError, "ignore_index must be an integer", (x, y), dict(ignore_index=1.5)),
    ]
    for exc, msg, args, kw in cases:
        with pytest.raises(exc, match=msg):
            func(*args, **kw)


@pytest.mark.parametrize(
    "func", [binary_cross_entropy_with_logits, binary_cross_entropy_with_logits_grad,
             binary_cross_entropy_with_logits_and_grad])
def test_bce_errors(func):
    x = np.zeros((2, 3))
    t = np.full((2, 3), 0.5)
    cases = [
        (ValueError, "target and (logits|input) must have the same shape", (x, t[:, :2]), {}),
        (ValueError, "target must lie in \\[0, 1\\]", (x, t + 1), {}),
        (ValueError, "target must be finite", (x, np.full((2, 3), np.nan)), {}),
        (ValueError, "logits must be finite", (np.full((2, 3), np.inf), t), {}),
        (TypeError, "real numbers", (x, np.full((2, 3), "a")), {}),
        (ValueError, "weight of shape \\(2,\\) does not broadcast", (x, t), dict(weight=[1.0, 2.0])),
        (ValueError, "pos_weight of shape \\(4,\\) does not broadcast", (x, t), dict(pos_weight=np.ones(4))),
        (ValueError, "does not broadcast", (x, t), dict(weight=np.ones((3, 2, 3)))),
        (ValueError, "pos_weight has negative", (x, t), dict(pos_weight=[1.0, -1.0, 1.0])),
        (ValueError, "weight must be finite", (x, t), dict(weight=[1.0, np.nan, 1.0])),
        (ValueError, "reduction must be one of", (x, t), dict(reduction="mean ")),
        (ValueError, "logits is empty", (np.zeros(0), np.zeros(0)), {}),
    ]
    for exc, msg, args, kw in cases:
        with pytest.raises(exc, match=msg):
            func(*args, **kw)


@pytest.mark.parametrize("module", ["xentbook.numerics", "xentbook.losses", "xentbook.imbalance", "xentbook.noise"])
def test_shared_docstring_fragments_are_filled(module):
    """Docstrings share their parameter texts through ``_docstrings.fill_doc``: every placeholder is
    filled, and every public function documents exactly its own parameters, and what it raises."""
    import importlib
    import inspect

    mod = importlib.import_module(module)
    for name in mod.__all__:
        fn = getattr(mod, name)
        doc = inspect.getdoc(fn)
        assert "%(" not in doc, name
        assert "Parameters\n" in doc and "Raises\n" in doc, name
        section = doc.split("Parameters\n----------\n")[1].split("\n\n")[0]
        documented = [line.split(" :")[0] for line in section.splitlines() if line and not line.startswith(" ")]
        assert documented == list(inspect.signature(fn).parameters), name


@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
def test_weighted_mean_with_weights_near_max_float(label_smoothing):
    """Class weights whose sum over the targets exceeds max(float64) (found by the fuzz suite):
    the weighted mean is scale-invariant, so the loss and gradient equal those of unit weights."""
    from xentbook import softmax_cross_entropy_and_grad, softmax_focal_loss, softmax_focal_loss_grad

    z = np.array([[2.0, 0.0, -1.0, 0.5], [0.0, 0.5, 0.0, -0.5], [1.0, -1.0, 0.0, 3.0]])
    y = np.array([0, 1, 3])
    big, one = np.full(4, np.finfo(np.float64).max), np.ones(4)
    kw = dict(label_smoothing=label_smoothing)
    for a, b in [(softmax_cross_entropy_and_grad(z, y, weight=big, **kw), softmax_cross_entropy_and_grad(z, y, weight=one, **kw)),
                 ((softmax_focal_loss(z, y, weight=big, **kw), softmax_focal_loss_grad(z, y, weight=big, **kw)),
                  (softmax_focal_loss(z, y, weight=one, **kw), softmax_focal_loss_grad(z, y, weight=one, **kw)))]:
        np.testing.assert_allclose(a[0], b[0], rtol=1e-14)
        np.testing.assert_allclose(a[1], b[1], rtol=1e-13, atol=1e-16)


def test_smoothed_gradient_with_one_weight_near_max_float():
    """One class weight of max(float64) outside the targets, with label smoothing (fuzz): the
    gradient divides the weights by their mean's sum first, as the loss does, so it stays finite
    and agrees with finite differences of the loss."""
    from xentbook import softmax_focal_loss, softmax_focal_loss_grad

    z = np.array([[2.0, 0.0, -1.0, 0.5], [0.0, 0.5, 0.0, -0.5], [1.0, -1.0, 0.0, 3.0]])
    y = np.array([0, 1, 3])
    w = np.array([1.0, 2.0, np.finfo(np.float64).max, 0.5])
    g = softmax_focal_loss_grad(z, y, weight=w, label_smoothing=0.1)
    assert np.all(np.isfinite(g))
    # the weighted mean is invariant under w -> w / 2**1000 (exact), where nothing is near overflow
    small = np.ldexp(w, -1000)
    np.testing.assert_allclose(g, softmax_focal_loss_grad(z, y, weight=small, label_smoothing=0.1), rtol=1e-13)
    check_gradient(lambda x: float(softmax_focal_loss(x, y, weight=small, label_smoothing=0.1)),
                   lambda x: softmax_focal_loss_grad(x, y, weight=small, label_smoothing=0.1), z)
