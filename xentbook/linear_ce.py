"""Linear cross-entropy without the N x V logits: chunks and a streaming log-sum-exp.

A language model's last layer maps hidden states :math:`h_n\\in\\mathbb R^d` to
logits :math:`z_{nv} = h_n\\cdot w_v + b_v` over a vocabulary of size
:math:`V`, and the loss is the cross-entropy of those logits.  Computed the
obvious way, the :math:`N\\times V` logits (and as many gradients) are the
largest arrays of the whole training step: at :math:`N=8192` tokens and
:math:`V=131072` they take 4 GiB each in float32.  Everything the loss and its
gradients need from them is a few numbers per row,

.. math::

    \\operatorname{LSE}_n = \\log\\sum_v e^{z_{nv}},\\qquad z_{n y_n},\\qquad
    \\textstyle\\sum_v z_{nv},

so the logits can be produced block by block — ``chunk_size`` rows times
``vocab_chunk`` columns — and discarded.  The log-sum-exp is streamed over the
column blocks, :math:`\\operatorname{LSE}\\leftarrow
\\operatorname{logaddexp}(\\operatorname{LSE}, \\operatorname{LSE}(\\text{block}))`,
each block's log-sum-exp computed by :func:`xentbook.logsumexp` (NumPy) or
:func:`torch.logsumexp`.  The loss of a token with label smoothing
:math:`\\varepsilon` and z-loss coefficient :math:`\\lambda` is

.. math::

    \\ell_n = \\operatorname{LSE}_n - (1-\\varepsilon)\\,z_{ny_n}
             - \\frac{\\varepsilon}{V}\\sum_v z_{nv} + \\lambda\\,\\operatorname{LSE}_n^2 ,

which equals :func:`torch.nn.functional.cross_entropy` of the full logits
(plus :math:`\\lambda\\operatorname{LSE}_n^2`), and its gradient with respect
to the logits is

.. math::

    \\frac{\\partial \\ell_n}{\\partial z_{nv}} = (1 + 2\\lambda\\operatorname{LSE}_n)\\,p_{nv}
    - (1-\\varepsilon)[v = y_n] - \\frac{\\varepsilon}{V},\\qquad
    p_{nv} = e^{z_{nv} - \\operatorname{LSE}_n},

which a second sweep over the blocks recomputes and contracts at once:
:math:`\\nabla_H = G W`, :math:`\\nabla_W = G^\\top H`,
:math:`\\nabla_b = \\mathbf 1^\\top G`.  Peak extra memory is one block
instead of :math:`N\\times V`.

This module holds the NumPy version (float64 arithmetic) and the sweep that
:func:`xentbook.nn.linear_cross_entropy` (the ``torch.autograd.Function``)
shares with it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validation import (
    as_float_array,
    as_int_array,
    check_class_indices,
    check_finite,
    check_int,
    check_positive,
    check_probability,
    check_reduction,
    check_shape,
    check_size,
    stable_sum,
)
from .numerics import logsumexp

__all__ = ["linear_cross_entropy", "linear_cross_entropy_and_grad"]


# ----------------------------------------------------------------------------
# validation shared by the NumPy and torch versions
# ----------------------------------------------------------------------------


def _check_options(
    ignore_index: Any, label_smoothing: Any, reduction: Any, z_loss: Any, chunk_size: Any, vocab_chunk: Any
) -> tuple[int, float, str, float, int, int]:
    return (
        check_int(ignore_index, "ignore_index"),
        check_probability(label_smoothing, "label_smoothing"),
        check_reduction(reduction),
        check_positive(z_loss, "z_loss", allow_zero=True),
        check_int(chunk_size, "chunk_size", low=1),
        check_int(vocab_chunk, "vocab_chunk", low=1),
    )


def _check_shapes(hidden: Any, weight: Any, bias: Any, target: Any) -> None:
    """Shapes of the four arrays (NumPy arrays or torch tensors)."""
    check_shape(hidden, ("N", "d"), "hidden")
    check_size(hidden.shape[0], "hidden.shape[0] (N)")
    check_size(hidden.shape[1], "hidden.shape[1] (d)")
    check_shape(weight, ("V", hidden.shape[1]), "weight (d from hidden)")
    check_size(weight.shape[0], "weight.shape[0] (V)")
    if bias is not None:
        check_shape(bias, (weight.shape[0],), "bias (V from weight)")
    check_shape(target, (hidden.shape[0],), "target (N from hidden)")


# ----------------------------------------------------------------------------
# the block sweep, written once for NumPy arrays and torch tensors
# ----------------------------------------------------------------------------


class _NumpyOps:
    """What the sweep needs from an array library (the torch twin is in ``xentbook.nn``)."""

    @staticmethod
    def lse_rows(block: np.ndarray) -> np.ndarray:
        return logsumexp(block, axis=1)

    logaddexp = staticmethod(np.logaddexp)
    exp = staticmethod(np.exp)

    @staticmethod
    def zeros(shape: tuple[int, ...], like: np.ndarray) -> np.ndarray:
        return np.zeros(shape, dtype=like.dtype)

    @staticmethod
    def nonzero(mask: np.ndarray) -> np.ndarray:
        return np.flatnonzero(mask)

    @staticmethod
    def addmm_(out: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
        out += a @ b

    @staticmethod
    def all_finite(a: np.ndarray) -> bool:
        return bool(np.all(np.isfinite(a)))


def _block(ops: Any, Hc: Any, W: Any, b: Any, v0: int, v1: int) -> Any:
    blk = Hc @ W[v0:v1].T
    if b is not None:
        blk += b[v0:v1]
    return blk


def _sweep(
    ops: Any,
    H: Any,
    W: Any,
    b: Any,
    y: Any,
    eps: float,
    zl: float,
    chunk_n: int,
    chunk_v: int,
    *,
    stats: tuple[Any, Any, Any] | None = None,
    scale: Any = None,
) -> tuple[tuple[Any, Any, Any], tuple[Any, Any, Any] | None]:
    """Row statistics ``(lse, z_target, z_sum)`` and, if ``scale`` is given, the gradients.

    ``y`` holds valid class indices everywhere (ignored rows replaced by 0);
    ``scale[n]`` multiplies row n's gradient (0 for ignored rows).  When
    ``stats`` is given the first sweep is skipped.  With a single column
    block per row chunk the block of the first sweep is reused by the second;
    otherwise it is recomputed (one more matrix product).
    """
    N, V = H.shape[0], W.shape[0]
    if stats is None:
        lse, zy, zsum = ops.zeros((N,), H), ops.zeros((N,), H), ops.zeros((N,), H)
    else:
        lse, zy, zsum = stats
    grads = None
    if scale is not None:
        grads = (ops.zeros(H.shape, H), ops.zeros(W.shape, W), ops.zeros((V,), W) if b is not None else None)
    for n0 in range(0, N, chunk_n):
        n1 = min(n0 + chunk_n, N)
        Hc, yc = H[n0:n1], y[n0:n1]
        cached = None
        if stats is None:
            run = None
            for v0 in range(0, V, chunk_v):
                v1 = min(v0 + chunk_v, V)
                blk = _block(ops, Hc, W, b, v0, v1)
                part = ops.lse_rows(blk)
                run = part if run is None else ops.logaddexp(run, part)
                rows = ops.nonzero((yc >= v0) & (yc < v1))
                zy[n0 + rows] = blk[rows, yc[rows] - v0]
                if eps > 0:
                    zsum[n0:n1] += blk.sum(1)
                if v1 == V and v0 == 0:
                    cached = blk
            lse[n0:n1] = run
        if grads is None:
            continue
        gH, gW, gb = grads
        sc = scale[n0:n1]
        lc = lse[n0:n1]
        f = (1.0 + 2.0 * zl * lc) * sc
        for v0 in range(0, V, chunk_v):
            v1 = min(v0 + chunk_v, V)
            blk = cached if cached is not None else _block(ops, Hc, W, b, v0, v1)
            blk -= lc[:, None]
            G = ops.exp(blk, out=blk)
            G *= f[:, None]
            rows = ops.nonzero((yc >= v0) & (yc < v1))
            G[rows, yc[rows] - v0] -= (1.0 - eps) * sc[rows]
            if eps > 0:
                G -= (eps / V) * sc[:, None]
            ops.addmm_(gH[n0:n1], G, W[v0:v1])
            ops.addmm_(gW[v0:v1], G.T, Hc)
            if gb is not None:
                gb[v0:v1] += G.sum(0)
    return (lse, zy, zsum), grads


def _per_token(stats: tuple[Any, Any, Any], valid: Any, eps: float, zl: float, V: int) -> Any:
    """The loss of each row (0 for ignored rows) from its statistics."""
    lse, zy, zsum = stats
    per = lse - (1.0 - eps) * zy
    if eps > 0:
        per = per - (eps / V) * zsum
    if zl > 0:
        per = per + zl * lse * lse
    return per * valid


# ----------------------------------------------------------------------------
# NumPy version
# ----------------------------------------------------------------------------


def _prepare_numpy(hidden: Any, weight: Any, bias: Any, target: Any, ignore_index: int):
    H = as_float_array(hidden, "hidden")
    W = as_float_array(weight, "weight")
    b = None if bias is None else as_float_array(bias, "bias")
    t = as_int_array(target, "target", allow_empty=True, what="integer class indices")
    _check_shapes(H, W, b, t)
    for arr, name in ((H, "hidden"), (W, "weight"), (b, "bias")):
        if arr is not None:
            check_finite(arr, name)
    valid = check_class_indices(t, W.shape[0], ignore_index)
    dtype = np.result_type(H.dtype, W.dtype, *(() if b is None else (b.dtype,)))
    f64 = lambda a: None if a is None else np.ascontiguousarray(a, dtype=np.float64)  # noqa: E731
    return f64(H), f64(W), f64(b), np.where(valid, t, 0), valid, dtype


def _check_no_overflow(ops: Any, stats: tuple[Any, Any, Any], valid: Any, eps: float, zl: float, V: int,
                       dtype: str, grads: tuple = ()) -> None:
    """Finite inputs whose loss or gradients exceed the floating-point range: a clear error
    naming what is too large (``z_loss``, or the inputs), never inf or NaN.  NumPy or torch."""
    per = _per_token(stats, valid, eps, zl, V)[valid]
    if ops.all_finite(per) and all(g is None or ops.all_finite(g) for g in grads):
        return
    lse = stats[0][valid]
    if zl > 0 and ops.all_finite(_per_token(stats, valid, eps, 0.0, V)[valid]):
        # the cross-entropy is finite: the z-loss term zl * lse**2 or its gradient factor 2 zl lse overflows
        if ops.all_finite(per) or not ops.all_finite(lse * lse):
            # the gradients, or logits so large that any z_loss overflows: either may be rescaled
            raise ValueError(
                f"hidden, weight, bias or z_loss is too large: the z-loss z_loss * logsumexp(logits)**2 "
                f"or the gradients overflow {dtype} (rescale the inputs or lower z_loss={zl:g})"
            )
        raise ValueError(
            f"z_loss is too large: z_loss * logsumexp(logits)**2 overflows {dtype} "
            f"(z_loss={zl:g}; use a smaller z_loss)"
        )
    raise ValueError(
        "hidden, weight or bias is too large: the logits hidden @ weight.T + bias or their "
        f"gradients overflow {dtype} (rescale them)"
    )


def _reduction(per: np.ndarray, valid: np.ndarray, reduction: str) -> tuple[Any, np.ndarray]:
    """Reduced loss (sums by :func:`~xentbook._validation.stable_sum`, which cannot overflow)
    and each row's derivative of it, the scale of the row's gradient (float64)."""
    if reduction == "none":
        return per, valid.astype(np.float64)
    n_valid = int(np.count_nonzero(valid)) if reduction == "mean" else 1
    # every target ignored with "mean": 0/0 = NaN loss and zero gradients, as torch
    loss = np.float64(stable_sum(per, n_valid)) if n_valid else np.float64(np.nan)
    return loss, valid / max(n_valid, 1)


def _numpy_lce(hidden, weight, target, bias, options, *, want_grad):
    """The NumPy version behind both public functions: (loss in the inputs' dtype, grads or None)."""
    ignore_index, eps, reduction, zl, cn, cv = _check_options(*options)
    H, W, b, y, valid, dtype = _prepare_numpy(hidden, weight, bias, target, ignore_index)
    stats, _ = _sweep(_NumpyOps, H, W, b, y, eps, zl, cn, cv)
    per = _per_token(stats, valid, eps, zl, W.shape[0])
    _check_no_overflow(_NumpyOps, stats, valid, eps, zl, W.shape[0], "float64")
    loss, scale = _reduction(per, valid, reduction)
    grads = None
    if want_grad:
        _, grads = _sweep(_NumpyOps, H, W, b, y, eps, zl, cn, cv, stats=stats, scale=scale)
        _check_no_overflow(_NumpyOps, stats, valid, eps, zl, W.shape[0], "float64", grads)
        grads = tuple(None if g is None else g.astype(dtype) for g in grads)
    return (loss.astype(dtype) if reduction == "none" else dtype.type(loss)), grads


def linear_cross_entropy(
    hidden: Any, weight: Any, target: Any, bias: Any = None, *, ignore_index: int = -100,
    label_smoothing: float = 0.0, reduction: str = "mean", z_loss: float = 0.0, chunk_size: int = 1024, vocab_chunk: int = 32768,
) -> Any:
    r"""Cross-entropy of the logits ``hidden @ weight.T + bias``, never forming them whole.

    Equal to ``torch.nn.functional.cross_entropy(hidden @ weight.T + bias,
    target, ignore_index=..., label_smoothing=..., reduction=...)`` plus
    ``z_loss * logsumexp(logits, 1) ** 2`` per non-ignored token (reduced
    like the rest):

    .. math::

        \ell_n = \operatorname{LSE}_n - (1-\varepsilon) z_{ny_n}
        - \frac{\varepsilon}{V}\sum_v z_{nv} + \lambda \operatorname{LSE}_n^2,
        \qquad z_{nv} = h_n\cdot w_v + b_v .

    Only a ``chunk_size`` x ``vocab_chunk`` block of logits exists at a time;
    the log-sum-exp is streamed over the column blocks.  The arithmetic is
    float64; the result takes the inputs' floating dtype.

    Parameters
    ----------
    hidden : array_like, shape (N, d)
        Hidden states, finite.
    weight : array_like, shape (V, d)
        Output embedding (one row per class), finite.
    target : array_like of int, shape (N,)
        Class indices in ``[0, V)`` or ``ignore_index``.
    bias : array_like, shape (V,), optional
        Output bias, finite.
    ignore_index : int, default -100
        Targets equal to it contribute neither to the loss, nor to its
        gradients, nor to the denominator of the mean.
    label_smoothing : float, default 0.0
        :math:`\varepsilon\in[0, 1]`: the target becomes
        :math:`(1-\varepsilon)\,e_y + \varepsilon/V`, as in torch.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"mean"`` divides by the number of non-ignored targets.  If every
        target is ignored the mean is 0/0: NaN, with zero gradients, exactly
        as :func:`torch.nn.functional.cross_entropy` returns.
    z_loss : float, default 0.0
        :math:`\lambda\ge 0`: adds :math:`\lambda\,\operatorname{LSE}_n^2`
        to every non-ignored token's loss.
    chunk_size : int, default 1024
        Rows of the logits computed at a time.
    vocab_chunk : int, default 32768
        Columns of the logits computed at a time.

    Returns
    -------
    numpy scalar, or numpy.ndarray of shape (N,) for ``reduction="none"``

    Raises
    ------
    TypeError
        Non-numeric ``hidden``/``weight``/``bias``, a non-integer ``target``,
        ``ignore_index``, ``chunk_size`` or ``vocab_chunk``, a non-numeric
        ``label_smoothing``/``z_loss`` or non-string ``reduction``.
    ValueError
        Shapes that do not fit together, non-finite inputs, targets out of
        range, ``label_smoothing`` outside [0, 1], negative ``z_loss``, chunks
        below 1, an unknown ``reduction``, logits that overflow float64.

    Examples
    --------
    >>> import numpy as np
    >>> from xentbook import linear_cross_entropy, softmax_cross_entropy
    >>> rng = np.random.default_rng(0)
    >>> H, W, b = rng.normal(size=(4, 3)), rng.normal(size=(10, 3)), rng.normal(size=10)
    >>> y = np.array([1, 9, -100, 4])
    >>> a = linear_cross_entropy(H, W, y, b, label_smoothing=0.1, vocab_chunk=4)
    >>> bool(np.isclose(a, softmax_cross_entropy(H @ W.T + b, y, label_smoothing=0.1)))
    True
    >>> float(linear_cross_entropy(H, W, np.full(4, -100), b))  # all ignored: 0/0, as torch
    nan
    """
    options = (ignore_index, label_smoothing, reduction, z_loss, chunk_size, vocab_chunk)
    return _numpy_lce(hidden, weight, target, bias, options, want_grad=False)[0]


def linear_cross_entropy_and_grad(
    hidden: Any, weight: Any, target: Any, bias: Any = None, *, ignore_index: int = -100,
    label_smoothing: float = 0.0, reduction: str = "mean", z_loss: float = 0.0, chunk_size: int = 1024, vocab_chunk: int = 32768,
) -> tuple[Any, tuple[np.ndarray, np.ndarray, np.ndarray | None]]:
    r"""Cross-entropy of the logits ``hidden @ weight.T + bias`` and its gradients, in blocks.

    The loss of :func:`linear_cross_entropy` and, from a second sweep over the
    blocks,

    .. math::

        G_{nv} = s_n\Bigl((1+2\lambda\operatorname{LSE}_n) p_{nv}
        - (1-\varepsilon)[v=y_n] - \frac{\varepsilon}{V}\Bigr),\qquad
        \nabla_H = G W,\quad \nabla_W = G^\top H,\quad \nabla_b = \mathbf 1^\top G,

    with :math:`s_n` the derivative of the reduction with respect to
    :math:`\ell_n`.  With ``reduction="none"`` the gradients are those of
    the sum.

    Parameters
    ----------
    hidden, weight, target, bias, ignore_index, label_smoothing, reduction, z_loss, chunk_size, vocab_chunk
        As in :func:`linear_cross_entropy`.

    Returns
    -------
    loss : numpy scalar or numpy.ndarray of shape (N,)
    grads : tuple (grad_hidden, grad_weight, grad_bias)
        In the inputs' dtype; ``grad_bias`` is None when ``bias`` is None.

    Raises
    ------
    TypeError, ValueError
        As :func:`linear_cross_entropy`, and when a gradient overflows float64.

    Examples
    --------
    >>> import numpy as np
    >>> from xentbook import linear_cross_entropy_and_grad, softmax_cross_entropy_and_grad
    >>> rng = np.random.default_rng(0)
    >>> H, W, y = rng.normal(size=(5, 3)), rng.normal(size=(7, 3)), np.array([0, 6, 2, 2, 5])
    >>> loss, (gH, gW, _) = linear_cross_entropy_and_grad(H, W, y, chunk_size=2, vocab_chunk=3)
    >>> ref, gZ = softmax_cross_entropy_and_grad(H @ W.T, y)
    >>> bool(np.isclose(loss, ref)), np.allclose(gH, gZ @ W), np.allclose(gW, gZ.T @ H)
    (True, True, True)
    """
    options = (ignore_index, label_smoothing, reduction, z_loss, chunk_size, vocab_chunk)
    return _numpy_lce(hidden, weight, target, bias, options, want_grad=True)
