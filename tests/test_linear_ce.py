"""Tests of the chunked linear cross-entropy (xentbook.linear_ce, xentbook.nn.linear_cross_entropy).

Reference: torch's F.cross_entropy on the full logits hidden @ weight.T + bias (plus
z_loss * logsumexp**2 per non-ignored token) and its autograd gradients, in float64.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from torch_optional import F, needs_torch, torch
from xentbook import linear_cross_entropy, linear_cross_entropy_and_grad

if torch is not None:
    from xentbook.nn import linear_cross_entropy as torch_lce

    DT = torch.float64


def _case(seed, n=11, d=5, v=13, scale=1.0, ignore=0.25, bias=True):
    rng = np.random.default_rng(seed)
    H = rng.normal(size=(n, d)) * scale
    W = rng.normal(size=(v, d))
    b = rng.normal(size=v) * scale if bias else None
    y = rng.integers(0, v, size=n)
    y[rng.random(n) < ignore] = -100
    return H, W, b, y


def _reference(H, W, b, y, *, ignore_index=-100, label_smoothing=0.0, reduction="mean", z_loss=0.0):
    """torch on the full logits: loss and autograd gradients (float64)."""
    Ht = torch.tensor(H, dtype=DT, requires_grad=True)
    Wt = torch.tensor(W, dtype=DT, requires_grad=True)
    bt = None if b is None else torch.tensor(b, dtype=DT, requires_grad=True)
    yt = torch.as_tensor(y)
    z = Ht @ Wt.T + (bt if bt is not None else 0.0)
    per = F.cross_entropy(z, yt, ignore_index=ignore_index, label_smoothing=label_smoothing, reduction="none")
    valid = yt != ignore_index
    if z_loss:
        per = per + z_loss * torch.logsumexp(z, 1) ** 2 * valid
    if reduction == "none":
        loss = per
    elif reduction == "sum":
        loss = per.sum()
    else:
        loss = per.sum() / valid.sum()
    # the unreduced torch call above must agree with torch's own reduction
    direct = F.cross_entropy(z, yt, ignore_index=ignore_index, label_smoothing=label_smoothing, reduction=reduction)
    if not z_loss:
        torch.testing.assert_close(direct, loss, equal_nan=True, rtol=1e-13, atol=1e-13)
    params = [t for t in (Ht, Wt, bt) if t is not None]
    seed_grad = torch.ones_like(loss) if reduction == "none" else None
    grads = torch.autograd.grad(loss, params, grad_outputs=seed_grad, allow_unused=True)
    grads = [torch.zeros_like(p) if g is None else g for p, g in zip(params, grads)]
    out = [g.numpy() for g in grads] + ([None] if b is None else [])
    return loss.detach().numpy(), out


def _retarget(y, opts):
    """Ignored targets carry the ignore_index of ``opts``."""
    y = y.copy()
    y[y == -100] = opts.get("ignore_index", -100)
    return y


def _close(a, b, scale=1.0):
    np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-12 * scale, equal_nan=True)


OPTIONS = [
    dict(),
    dict(reduction="sum"),
    dict(reduction="none"),
    dict(label_smoothing=0.1),
    dict(label_smoothing=1.0, reduction="sum"),
    dict(z_loss=1e-2),
    dict(z_loss=1e-3, label_smoothing=0.2, reduction="none"),
    dict(ignore_index=3),
]
CHUNKS = [(1, 1), (4, 5), (3, 13), (11, 100), (1000, 6)]


@needs_torch
@pytest.mark.parametrize("opts", OPTIONS)
@pytest.mark.parametrize("chunks", CHUNKS)
@pytest.mark.parametrize("bias", [True, False])
def test_numpy_matches_torch(opts, chunks, bias):
    H, W, b, y = _case(1, bias=bias)
    y = _retarget(y, opts)
    ref, (gH, gW, gb) = _reference(H, W, b, y, **opts)
    cn, cv = chunks
    loss = linear_cross_entropy(H, W, y, b, chunk_size=cn, vocab_chunk=cv, **opts)
    loss2, (hH, hW, hb) = linear_cross_entropy_and_grad(H, W, y, b, chunk_size=cn, vocab_chunk=cv, **opts)
    _close(loss, ref)
    _close(loss2, ref)
    _close(hH, gH)
    _close(hW, gW)
    if bias:
        _close(hb, gb)
    else:
        assert hb is None


@needs_torch
@pytest.mark.parametrize("opts", OPTIONS)
@pytest.mark.parametrize("chunks", CHUNKS)
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("grad_enabled_weight", [True, False])
def test_torch_matches_torch(opts, chunks, bias, grad_enabled_weight):
    H, W, b, y = _case(2, bias=bias)
    y = _retarget(y, opts)
    ref, (gH, gW, gb) = _reference(H, W, b, y, **opts)
    Ht = torch.tensor(H, requires_grad=True)
    Wt = torch.tensor(W, requires_grad=grad_enabled_weight)
    bt = None if b is None else torch.tensor(b, requires_grad=True)
    cn, cv = chunks
    loss = torch_lce(Ht, Wt, torch.as_tensor(y), bt, chunk_size=cn, vocab_chunk=cv, **opts)
    _close(loss.detach().numpy(), ref)
    loss.backward(torch.ones_like(loss))
    _close(Ht.grad.numpy(), gH)
    if grad_enabled_weight:
        _close(Wt.grad.numpy(), gW)
    else:
        assert Wt.grad is None
    if bias:
        _close(bt.grad.numpy(), gb)


@needs_torch
def test_grad_output_is_applied():
    """A non-unit upstream gradient (eager and recomputing paths)."""
    H, W, b, y = _case(3)
    for reduction in ("mean", "sum", "none"):
        Ht = torch.tensor(H, requires_grad=True)
        Ht2 = torch.tensor(H, requires_grad=True)
        a = torch_lce(Ht, torch.tensor(W), torch.as_tensor(y), torch.tensor(b), reduction=reduction, vocab_chunk=4)
        c = F.cross_entropy(Ht2 @ torch.tensor(W).T + torch.tensor(b), torch.as_tensor(y), reduction=reduction)
        up = torch.linspace(-2.0, 3.0, a.numel(), dtype=DT).reshape(a.shape)
        a.backward(up)
        c.backward(up)
        _close(Ht.grad.numpy(), Ht2.grad.numpy())


@needs_torch
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("chunks", [(1, 1), (3, 4), (100, 100)])
def test_gradcheck_float64(reduction, chunks):
    H, W, b, y = _case(4, n=6, d=3, v=7)
    args = [torch.tensor(a, requires_grad=True) for a in (H, W, b)]
    yt = torch.as_tensor(y)
    cn, cv = chunks

    def f(h, w, bb):
        return torch_lce(h, w, yt, bb, chunk_size=cn, vocab_chunk=cv, reduction=reduction,
                         label_smoothing=0.1, z_loss=0.01)

    assert torch.autograd.gradcheck(f, args)


@needs_torch
def test_huge_logits():
    """Logits of order 1e4: no overflow, equal to torch within float64 rounding of the logits."""
    H, W, b, y = _case(5, scale=2e3, ignore=0.0)
    z = H @ W.T + b
    assert np.abs(z).max() > 5e3
    for opts in (dict(), dict(label_smoothing=0.3, z_loss=1e-4)):
        ref, (gH, gW, gb) = _reference(H, W, b, y, **opts)
        loss, (hH, hW, hb) = linear_cross_entropy_and_grad(H, W, y, b, chunk_size=4, vocab_chunk=5, **opts)
        tl = torch_lce(*(torch.tensor(a) for a in (H, W)), torch.as_tensor(y), torch.tensor(b), vocab_chunk=3, **opts)
        scale = np.abs(z).max() * (1 + opts.get("z_loss", 0) * np.abs(z).max())
        for got in (loss, tl.numpy()):
            assert np.isfinite(got)
            np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-13 * scale)
        np.testing.assert_allclose(hH, gH, rtol=1e-9, atol=1e-12 * scale)
        np.testing.assert_allclose(hW, gW, rtol=1e-9, atol=1e-12 * scale)
        np.testing.assert_allclose(hb, gb, rtol=1e-9, atol=1e-12 * scale)


@needs_torch
def test_all_ignored_matches_torch_nan():
    H, W, b, y = _case(6)
    y[:] = -100
    ref, (gH, gW, gb) = _reference(H, W, b, y)
    assert np.isnan(ref)
    loss, (hH, hW, hb) = linear_cross_entropy_and_grad(H, W, y, b)
    assert np.isnan(loss)
    for g in (hH, hW, hb, gH, gW, gb):
        assert not np.any(g)
    Ht = torch.tensor(H, requires_grad=True)
    t = torch_lce(Ht, torch.tensor(W), torch.as_tensor(y), torch.tensor(b))
    assert torch.isnan(t)
    t.backward()
    assert not Ht.grad.any()
    assert linear_cross_entropy(H, W, y, b, reduction="sum") == 0.0
    np.testing.assert_array_equal(linear_cross_entropy(H, W, y, b, reduction="none"), 0.0)


@needs_torch
def test_float32_keeps_dtype_and_agrees():
    H, W, b, y = _case(7, n=64, d=16, v=300)
    ref, _ = _reference(H, W, b, y)
    H32, W32, b32 = (a.astype(np.float32) for a in (H, W, b))
    loss = linear_cross_entropy(H32, W32, y, b32)
    assert loss.dtype == np.float32
    _, (gH, gW, gb) = linear_cross_entropy_and_grad(H32, W32, y, b32)
    assert gH.dtype == gW.dtype == gb.dtype == np.float32
    t = torch_lce(*(torch.from_numpy(a) for a in (H32, W32)), torch.as_tensor(y), torch.from_numpy(b32),
                  chunk_size=7, vocab_chunk=33)
    assert t.dtype == torch.float32
    np.testing.assert_allclose([loss, t.item()], ref, rtol=1e-5)


@needs_torch
def test_no_grad_forward_only():
    H, W, b, y = _case(8)
    ref, _ = _reference(H, W, b, y)
    with torch.no_grad():
        t = torch_lce(*(torch.tensor(a, requires_grad=True) for a in (H, W)), torch.as_tensor(y), torch.tensor(b))
    assert not t.requires_grad
    _close(t.numpy(), ref)


@needs_torch
@settings(max_examples=40)
@given(n=hs.integers(1, 9), d=hs.integers(1, 4), v=hs.integers(1, 10), cn=hs.integers(1, 10), cv=hs.integers(1, 12),
       eps=hs.sampled_from([0.0, 0.05, 0.5]), zl=hs.sampled_from([0.0, 1e-3]),
       reduction=hs.sampled_from(["mean", "sum", "none"]), seed=hs.integers(0, 2**16))
def test_property_numpy_torch_reference_agree(n, d, v, cn, cv, eps, zl, reduction, seed):
    """For any shape and chunking: NumPy == torch version == full-logits reference."""
    H, W, b, y = _case(seed, n=n, d=d, v=v, scale=3.0)
    opts = dict(label_smoothing=eps, z_loss=zl, reduction=reduction)
    ref, (gH, gW, gb) = _reference(H, W, b, y, **opts)
    loss, (hH, hW, hb) = linear_cross_entropy_and_grad(H, W, y, b, chunk_size=cn, vocab_chunk=cv, **opts)
    ts = [torch.tensor(a, requires_grad=True) for a in (H, W, b)]
    tl = torch_lce(ts[0], ts[1], torch.as_tensor(y), ts[2], chunk_size=cn, vocab_chunk=cv, **opts)
    tl.backward(torch.ones_like(tl))
    for got in (loss, tl.detach().numpy()):
        _close(got, ref, scale=10)
    for mine, theirs, ref_g in ((hH, ts[0].grad, gH), (hW, ts[1].grad, gW), (hb, ts[2].grad, gb)):
        _close(mine, ref_g, scale=10)
        _close(theirs.numpy(), ref_g, scale=10)


@settings(max_examples=25)
@given(seed=hs.integers(0, 2**16), shift=hs.floats(-50, 50))
def test_property_bias_shift_invariance(seed, shift):
    """Adding a constant to every logit (through the bias) leaves the cross-entropy unchanged."""
    H, W, b, y = _case(seed)
    a = linear_cross_entropy(H, W, y, b, vocab_chunk=4)
    c = linear_cross_entropy(H, W, y, b + shift, vocab_chunk=4)
    np.testing.assert_allclose(a, c, rtol=1e-12, atol=1e-12 * (1 + abs(shift)))


@settings(max_examples=25)
@given(seed=hs.integers(0, 2**16), eps=hs.floats(0.0, 1.0), zl=hs.floats(0.0, 0.1))
def test_property_loss_at_least_the_plain_term(seed, eps, zl):
    """CE >= 0 per token, and the z-loss only adds."""
    H, W, b, y = _case(seed, ignore=0.0)
    plain = linear_cross_entropy(H, W, y, b, reduction="none", label_smoothing=eps)
    withz = linear_cross_entropy(H, W, y, b, reduction="none", label_smoothing=eps, z_loss=zl)
    assert (plain >= -1e-12).all() and (withz >= plain - 1e-12).all()


# ----------------------------------------------------------------------------
# bad input
# ----------------------------------------------------------------------------

H0, W0, B0, Y0 = _case(9)
Y0 = np.abs(Y0) % 13


@needs_torch
@pytest.mark.parametrize(
    "kwargs, exc, word",
    [
        (dict(hidden=np.ones(5)), ValueError, "hidden"),
        (dict(hidden=np.ones((0, 5))), ValueError, "hidden"),
        (dict(hidden=np.array([["a"] * 5] * 11)), TypeError, "hidden"),
        (dict(weight=np.ones((13, 4))), ValueError, "weight"),
        (dict(weight=np.ones(13)), ValueError, "weight"),
        (dict(bias=np.ones(12)), ValueError, "bias"),
        (dict(target=np.zeros(10, dtype=int)), ValueError, "target"),
        (dict(target=np.zeros(11)), TypeError, "target"),
        (dict(target=np.full(11, 13)), ValueError, "target"),
        (dict(target=np.full(11, -1)), ValueError, "target"),
        (dict(hidden=np.full((11, 5), np.nan)), ValueError, "hidden"),
        (dict(weight=np.full((13, 5), np.inf)), ValueError, "weight"),
        (dict(bias=np.full(13, np.nan)), ValueError, "bias"),
        (dict(ignore_index=1.5), TypeError, "ignore_index"),
        (dict(label_smoothing=1.5), ValueError, "label_smoothing"),
        (dict(label_smoothing="a"), TypeError, "label_smoothing"),
        (dict(reduction="avg"), ValueError, "reduction"),
        (dict(reduction=None), TypeError, "reduction"),
        (dict(z_loss=-1.0), ValueError, "z_loss"),
        (dict(z_loss=float("nan")), ValueError, "z_loss"),
        (dict(chunk_size=0), ValueError, "chunk_size"),
        (dict(chunk_size=2.0), TypeError, "chunk_size"),
        (dict(vocab_chunk=0), ValueError, "vocab_chunk"),
        (dict(vocab_chunk=True), TypeError, "vocab_chunk"),
    ],
)
def test_bad_input(kwargs, exc, word):
    base = dict(hidden=H0, weight=W0, target=Y0, bias=B0)
    args = {**base, **{k: v for k, v in kwargs.items() if k in base}}
    opts = {k: v for k, v in kwargs.items() if k not in base}
    for fn in (linear_cross_entropy, linear_cross_entropy_and_grad):
        with pytest.raises(exc, match=word):
            fn(**args, **opts)
    targs = {}
    for k, v in args.items():
        v = np.asarray(v)
        targs[k] = torch.from_numpy(v) if v.dtype.kind in "iuf" else v
    with pytest.raises(exc, match=word):
        torch_lce(**targs, **opts)


@needs_torch
@pytest.mark.parametrize(
    "kwargs, word",
    [
        (lambda: dict(hidden=np.ones((11, 5))), "hidden"),
        (lambda: dict(weight=torch.ones(13, 5, dtype=torch.float32)), "weight"),
        (lambda: dict(bias=torch.ones(13, dtype=torch.int64)), "bias"),
        (lambda: dict(target=torch.zeros(11)), "target"),
        (lambda: dict(target=[0] * 11), "target"),
    ],
)
def test_torch_bad_types(kwargs, word):
    base = dict(hidden=torch.tensor(H0), weight=torch.tensor(W0), target=torch.as_tensor(Y0), bias=torch.tensor(B0))
    with pytest.raises(TypeError, match=word):
        torch_lce(**{**base, **kwargs()})


def test_overflowing_logits_are_a_clear_error_not_inf():
    """Finite inputs whose logits exceed float64 (found by the fuzz suite): ValueError, not inf."""
    H = np.array([[1.0, 2.0], [2.0, 1.0], [0.5, 0.5]])
    W = np.array([[1e308, 0.0], [0.0, 1.0], [1.0, 1.0]])
    y = np.array([0, 1, 2])
    for f in (linear_cross_entropy, linear_cross_entropy_and_grad):
        with pytest.raises(ValueError, match="overflow float64"):
            f(H, W, y)


def test_overflowing_z_loss_names_z_loss():
    """z_loss so large that z_loss * lse**2 overflows (found by the fuzz suite): the error names z_loss."""
    H, W, y = np.array([[1.0, 2.0], [2.0, 1.0]]), np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), np.array([0, 1])
    for f in (linear_cross_entropy, linear_cross_entropy_and_grad):
        with pytest.raises(ValueError, match="z_loss is too large"):
            f(H, W, y, z_loss=1e308)
        assert np.isfinite(linear_cross_entropy(H, W, y, z_loss=1e300))  # lse**2 ~ 5: still finite


@needs_torch
def test_torch_overflow_is_a_clear_error_not_nan():
    """The torch twin raises like the NumPy function (it returned NaN for hidden = max(float64))."""
    big = float(np.finfo(np.float64).max)
    W, y = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], dtype=DT), torch.tensor([0, 1])
    with pytest.raises(ValueError, match="hidden, weight or bias is too large"):
        torch_lce(torch.full((2, 2), big, dtype=DT), W, y)
    H = torch.tensor([[1.0, 2.0], [2.0, 1.0]], dtype=DT, requires_grad=True)
    for requires_grad in (True, False):
        with pytest.raises(ValueError, match="z_loss is too large"):
            torch_lce(H.detach().requires_grad_(requires_grad), W, y, z_loss=1e308)


@needs_torch
def test_torch_none_inputs_are_type_errors():
    """hidden=None or weight=None (fuzz): a TypeError naming it, not an AttributeError."""
    base = dict(hidden=torch.tensor(H0), weight=torch.tensor(W0), target=torch.as_tensor(Y0))
    for name in ("hidden", "weight"):
        with pytest.raises(TypeError, match=f"{name} must be a floating torch.Tensor"):
            torch_lce(**{**base, name: None})
