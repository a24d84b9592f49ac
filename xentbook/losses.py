"""Cross-entropy losses with PyTorch's semantics, and their gradients in closed form.

:func:`softmax_cross_entropy` behaves exactly like
:func:`torch.nn.functional.cross_entropy` and
:func:`binary_cross_entropy_with_logits` like its torch namesake (same
arguments, same reductions, same weighted mean), but they run on NumPy,
validate their input, and are computed in the numerically exact way of
:mod:`xentbook.numerics`.  The ``*_grad`` functions return the derivative of
the loss with respect to the logits from the closed forms derived in the
chapter *Derivations*:

.. math::

    \\frac{\\partial}{\\partial z}\\bigl(-\\log\\operatorname{softmax}(z)_y\\bigr) = p - e_y,
    \\qquad
    \\frac{\\partial}{\\partial x}\\bigl(-t\\log\\sigma(x) - (1-t)\\log(1-\\sigma(x))\\bigr)
    = \\sigma(x) - t .

The ``*_and_grad`` variants compute the loss and the gradient in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._validation import stable_sum, distribution_tolerance, check_int, as_array  # noqa: F401
from ._validation import (
    as_float_array,
    check_broadcasts_to,
    check_finite,
    check_probability,
    check_reduction,
)

__all__ = [
    "softmax_cross_entropy",
    "softmax_cross_entropy_grad",
    "softmax_cross_entropy_and_grad",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "binary_cross_entropy_with_logits_and_grad",
]


# ----------------------------------------------------------------------------
# softmax cross-entropy
# ----------------------------------------------------------------------------


@dataclass
class _CEProblem:
    z: np.ndarray  # (R, C) float64, C-contiguous, class axis last
    dtype: np.dtype
    out_shape: tuple[int, ...]  # shape of the per-element loss
    moved_shape: tuple[int, ...]  # logits shape with the class axis moved last
    class_axis: int  # class axis of the original logits
    y: np.ndarray | None  # (R,) int64 class indices (ignored rows set to 0)
    valid: np.ndarray | None  # (R,) bool, False where target == ignore_index
    t: np.ndarray | None  # (R, C) float64 probability targets
    w: np.ndarray | None  # (C,) float64 class weights
    eps: float
    reduction: str


def _check_weight(weight: Any, n_classes: int) -> np.ndarray | None:
    if weight is None:
        return None
    w = as_float_array(weight, "weight")
    if w.ndim != 1 or w.shape[0] != n_classes:
        raise ValueError(f"weight must be a 1-D array with one entry per class ({n_classes}), got shape {w.shape}")
    check_finite(w, "weight")
    if (w < 0).any():
        raise ValueError("weight has negative entries; class weights must be >= 0")
    return w.astype(np.float64)


def _prepare_ce(logits: Any, target: Any, weight: Any, ignore_index: Any, label_smoothing: Any, reduction: Any) -> _CEProblem:
    x = as_float_array(logits, "logits")
    if x.ndim == 0:
        raise ValueError("logits must have a class axis: shape (C,), (N, C) or (N, C, d1, ...), got a scalar")
    check_finite(x, "logits")
    reduction = check_reduction(reduction)
    eps = check_probability(label_smoothing, "label_smoothing")
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, (int, np.integer)):
        raise TypeError(f"ignore_index must be an integer, got {type(ignore_index).__name__}")
    class_axis = 0 if x.ndim == 1 else 1
    C = x.shape[class_axis]
    w = _check_weight(weight, C)

    try:
        tgt = np.asarray(target)
    except Exception as exc:  # ragged nested lists
        raise ValueError(f"target could not be converted to an array: {exc}") from exc
    moved = np.moveaxis(x, class_axis, -1)
    moved_shape = moved.shape
    R = int(np.prod(moved_shape[:-1]))
    z = np.ascontiguousarray(moved, dtype=np.float64).reshape(R, C)
    out_shape = moved_shape[:-1]

    if tgt.dtype.kind in "iu":
        if tgt.shape != out_shape:
            raise ValueError(
                f"class-index target must have shape {out_shape} for logits of shape {x.shape} "
                f"(the logits' shape without the class axis {class_axis}), got {tgt.shape}"
            )
        y = tgt.reshape(R).astype(np.int64)
        valid = y != ignore_index
        bad = valid & ((y < 0) | (y >= C))
        if bad.any():
            raise ValueError(
                f"target has class indices outside [0, {C}) (e.g. {int(y[bad][0])}); "
                f"only ignore_index={int(ignore_index)} may lie outside"
            )
        y = np.where(valid, y, 0)
        return _CEProblem(z, x.dtype, out_shape, moved_shape, class_axis, y, valid, None, w, eps, reduction)
    if tgt.dtype.kind == "f":
        if tgt.shape != x.shape:
            if tgt.shape == out_shape:
                raise TypeError(
                    "target looks like class indices but has a floating dtype; "
                    "pass an integer array of class indices, or class probabilities of the logits' shape"
                )
            raise ValueError(
                f"probability target must have the logits' shape {x.shape}, got {tgt.shape}"
            )
        t_moved = np.moveaxis(tgt, class_axis, -1)
        t = np.ascontiguousarray(t_moved, dtype=np.float64).reshape(R, C)
        check_finite(t, "target")
        if (t < 0).any():
            raise ValueError("target has negative entries; class probabilities must be >= 0")
        tol = distribution_tolerance(tgt.dtype, C)
        worst = float(np.max(np.abs(t.sum(axis=1) - 1.0)))
        if worst > tol:
            raise ValueError(
                f"probability target must sum to 1 over the class axis {class_axis}; "
                f"the worst one is off by {worst:.3g} (tolerance {tol:.3g})"
            )
        return _CEProblem(z, x.dtype, out_shape, moved_shape, class_axis, None, None, t, w, eps, reduction)
    if tgt.dtype.kind == "b":
        raise TypeError("target is boolean; pass integer class indices or float class probabilities")
    raise TypeError(f"target must hold integer class indices or float probabilities, got dtype {tgt.dtype}")


def _ce_compute(pb: _CEProblem, want_loss: bool, want_grad: bool) -> tuple[Any, np.ndarray | None]:
    """Loss (reduced, in the logits' dtype) and gradient (logits' shape and dtype)."""
    # Overflow (a loss above max(float64), possible only for logits near the
    # dtype's limits) and underflow both produce the correctly rounded inf / 0.
    with np.errstate(over="ignore", under="ignore"):
        return _ce_compute_inner(pb, want_loss, want_grad)


def _ce_compute_inner(pb: _CEProblem, want_loss: bool, want_grad: bool) -> tuple[Any, np.ndarray | None]:
    z, y, valid, w, eps = pb.z, pb.y, pb.valid, pb.w, pb.eps
    R, C = z.shape
    rows = np.arange(R)
    k = z.argmax(axis=1)
    m = z[rows, k]
    # finite logits: z - m overflows only for a true difference below
    # -max(float64), whose exp is 0 and whose -log p is inf: exact rounding.
    d = np.subtract(z, m[:, None])
    need_d = pb.t is not None or eps > 0
    e = np.exp(d) if need_d else np.exp(d, out=d)
    e[rows, k] = 0.0
    s = e.sum(axis=1)
    L = np.log1p(s)  # logsumexp(z) - m, accurately
    e[rows, k] = 1.0
    one_s = s + 1.0
    if need_d:
        nlp = np.subtract(L[:, None], d, out=d)  # -log softmax >= 0, no cancellation
    loss = None

    if pb.t is None:  # class indices
        wy = w[y] if w is not None else None
        if want_loss:
            if need_d:
                nll = nlp[rows, y]
            else:
                nll = L - (z[rows, y] - m)  # both terms >= 0
            # a zero weight times an infinite -log p counts as 0, not NaN
            per = np.where(wy > 0, nll * wy, 0.0) if wy is not None else nll
            if eps > 0:
                # scale the weights before summing: (eps/C) * sum_c w_c nlp_c stays finite
                # whenever the loss is representable, even with -log p near max(float64)
                wv = w if w is not None else np.ones(C)
                pos = wv > 0
                smooth = (nlp[:, pos] * ((eps / C) * wv[pos])).sum(axis=1)
                per = (1.0 - eps) * per + smooth
            per = np.where(valid, per, 0.0)
        # the denominator of the weighted mean: the sum of the target weights
        if pb.reduction == "mean":
            n_valid = int(np.count_nonzero(valid))
            denom = float(np.sum(wy[valid])) if wy is not None else float(n_valid)
        grad = None
        if want_grad:
            ey = e[rows, y]
            # p_y - 1 without cancellation: -(sum of the other exponentials)/(1+s)
            pm1 = -np.where(y == k, s, one_s - ey) / one_s
            p = e
            p /= one_s[:, None]
            if w is None and eps == 0:
                grad = p
                grad[rows, y] = pm1
            else:
                wv = w if w is not None else np.ones(C)
                W = float(wv.sum())
                wyv = wy if wy is not None else np.ones(R)
                py = p[rows, y].copy()
                a = (1.0 - eps) * wyv + (eps / C) * W
                grad = p
                grad *= a[:, None]
                if eps > 0:
                    grad -= (eps / C) * wv[None, :]
                grad[rows, y] = (1.0 - eps) * wyv * pm1 + (eps / C) * (W * py - wyv)
            if not valid.all():
                grad[~valid] = 0.0
            if pb.reduction == "mean":
                if n_valid == 0:
                    pass  # torch: NaN loss, zero gradient
                elif denom == 0.0:
                    grad[valid] = np.nan  # torch: 0/0 in the weighted mean
                else:
                    grad /= denom
        if want_loss:
            if pb.reduction == "none":
                loss = per.reshape(pb.out_shape).astype(pb.dtype)
            elif pb.reduction == "sum":
                loss = pb.dtype.type(stable_sum(per))
            else:
                loss = pb.dtype.type(np.nan) if denom == 0.0 else pb.dtype.type(stable_sum(per, denom))
    else:  # class probabilities
        t = pb.t
        if eps > 0:
            t = t * (1.0 - eps) + eps / C
        coef = t * w[None, :] if w is not None else t
        if want_loss:
            per = np.einsum("ij,ij->i", coef, np.where(coef > 0, nlp, 0.0))
            if pb.reduction == "none":
                loss = per.reshape(pb.out_shape).astype(pb.dtype)
            elif pb.reduction == "sum":
                loss = pb.dtype.type(stable_sum(per))
            else:
                loss = pb.dtype.type(stable_sum(per, R))
        grad = None
        if want_grad:
            A = coef.sum(axis=1)
            grad = e
            grad *= (A / one_s)[:, None]
            grad -= coef
            if pb.reduction == "mean":
                grad *= 1.0 / R

    if grad is not None:
        g = np.moveaxis(grad.reshape(pb.moved_shape), -1, pb.class_axis)
        grad = np.ascontiguousarray(g, dtype=pb.dtype)
    return loss, grad


def softmax_cross_entropy(
    logits: Any,
    target: Any,
    *,
    weight: Any = None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
    reduction: str = "mean",
) -> Any:
    r"""Softmax cross-entropy, identical in meaning to ``torch.nn.functional.cross_entropy``.

    For element :math:`n` with logits :math:`z`, log-probabilities
    :math:`\ell = \log\operatorname{softmax}(z)`, class index :math:`y`,
    class weights :math:`w` and smoothing :math:`\varepsilon`:

    .. math::

        L_n = -(1-\varepsilon)\,w_{y}\,\ell_{y} - \frac{\varepsilon}{C}\sum_{c} w_c\,\ell_c ,

    and for a probability target :math:`t`,
    :math:`L_n = -\sum_c w_c\,\bigl((1-\varepsilon)t_c + \varepsilon/C\bigr)\,\ell_c`.
    :math:`-\ell` is computed as :math:`\operatorname{log1p}(\sum_{j\ne k}e^{z_j-m}) - (z_c-m)`,
    a sum of two non-negative terms (see :func:`xentbook.log_softmax`).

    Parameters
    ----------
    logits : array_like
        Unnormalised scores, shape ``(C,)``, ``(N, C)`` or ``(N, C, d1, ..., dk)``
        (class axis 1 as in torch).  Must be finite.  float16/32/64 keep
        their dtype in the result; the arithmetic is float64.
    target : array_like
        Either integer class indices of shape ``()``, ``(N,)`` or
        ``(N, d1, ..., dk)`` with values in ``[0, C)`` or equal to
        ``ignore_index``; or float class probabilities of the logits' shape
        (non-negative, summing to 1 over the class axis).
    weight : array_like, optional
        Non-negative weight per class, shape ``(C,)``.
    ignore_index : int, default -100
        Class-index targets equal to it contribute neither to the loss nor to
        the denominator of the mean (class-index targets only).
    label_smoothing : float, default 0.0
        :math:`\varepsilon \in [0, 1]`: the target becomes
        :math:`(1-\varepsilon)\,y + \varepsilon/C`.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"mean"`` divides the summed loss by the sum of the target weights
        :math:`\sum_n w_{y_n}` over non-ignored elements (by the number of
        elements for probability targets), as torch does.

    Returns
    -------
    numpy scalar or numpy.ndarray
        The reduced loss, or the per-element loss of the target's shape
        (``"none"``), in the logits' dtype.

    Raises
    ------
    TypeError
        For non-numeric logits, boolean or float class-index targets, a
        non-integer ``ignore_index``, non-numeric ``label_smoothing`` or
        ``reduction``.
    ValueError
        For non-finite logits, shapes that do not match, class indices out of
        range, probability targets that are not distributions, a ``weight`` of
        the wrong shape or with negative entries, ``label_smoothing`` outside
        ``[0, 1]``, or an unknown ``reduction``.

    Notes
    -----
    Edge cases follow torch 2.x: with ``reduction="mean"``, if every target is
    ignored the loss is NaN (0/0) and the gradient is zero; if the non-ignored
    targets all have class weight 0 the loss is NaN and the gradient of those
    elements is NaN.

    Examples
    --------
    >>> from xentbook import softmax_cross_entropy
    >>> logits = [[2.0, 0.0, -1.0], [0.0, 0.0, 0.0]]
    >>> round(float(softmax_cross_entropy(logits, [0, 2])), 6)
    0.634229
    >>> softmax_cross_entropy(logits, [0, -100], reduction="none")
    array([0.16984602, 0.        ])
    """
    return _ce_compute(_prepare_ce(logits, target, weight, ignore_index, label_smoothing, reduction), True, False)[0]


def softmax_cross_entropy_grad(
    logits: Any,
    target: Any,
    *,
    weight: Any = None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
    reduction: str = "mean",
) -> np.ndarray:
    r"""Gradient of :func:`softmax_cross_entropy` with respect to the logits, in closed form.

    With :math:`p = \operatorname{softmax}(z)`, :math:`W = \sum_c w_c`:

    .. math::

        \frac{\partial L_n}{\partial z_c} = (1-\varepsilon)\,w_y\,(p_c - [c = y])
        + \frac{\varepsilon}{C}\,(W p_c - w_c),

    which is :math:`p - y` without weights and smoothing; for a probability
    target with :math:`q_c = w_c((1-\varepsilon)t_c + \varepsilon/C)` it is
    :math:`(\sum_c q_c)\,p - q`.  The mean reduction divides by the same
    denominator as the loss; ignored elements get 0.  :math:`p_y - 1` is
    evaluated as :math:`-\sum_{j\ne y} e^{z_j-m} / \sum_j e^{z_j-m}` so that it
    keeps its relative accuracy when :math:`p_y \to 1`.  For
    ``reduction="none"`` the result is the gradient of ``loss.sum()`` (each
    element's loss depends only on its own logits).

    Parameters
    ----------
    logits : array_like
        Unnormalised scores, shape ``(C,)``, ``(N, C)`` or ``(N, C, d1, ..., dk)``
        (class axis 1 as in torch).  Must be finite.  float16/32/64 keep
        their dtype in the result; the arithmetic is float64.
    target : array_like
        Either integer class indices of shape ``()``, ``(N,)`` or
        ``(N, d1, ..., dk)`` with values in ``[0, C)`` or equal to
        ``ignore_index``; or float class probabilities of the logits' shape
        (non-negative, summing to 1 over the class axis).
    weight : array_like, optional
        Non-negative weight per class, shape ``(C,)``.
    ignore_index : int, default -100
        Class-index targets equal to it contribute neither to the loss nor to
        the denominator of the mean (class-index targets only).
    label_smoothing : float, default 0.0
        :math:`\varepsilon \in [0, 1]`: the target becomes
        :math:`(1-\varepsilon)\,y + \varepsilon/C`.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"mean"`` divides the summed loss by the sum of the target weights
        :math:`\sum_n w_{y_n}` over non-ignored elements (by the number of
        elements for probability targets), as torch does.

    Returns
    -------
    numpy.ndarray
        :math:`\partial L / \partial z`, the logits' shape and dtype.

    Raises
    ------
    TypeError
        For non-numeric logits, boolean or float class-index targets, a
        non-integer ``ignore_index``, non-numeric ``label_smoothing`` or
        ``reduction``.
    ValueError
        For non-finite logits, shapes that do not match, class indices out of
        range, probability targets that are not distributions, a ``weight`` of
        the wrong shape or with negative entries, ``label_smoothing`` outside
        ``[0, 1]``, or an unknown ``reduction``.

    Notes
    -----
    Edge cases follow torch 2.x: with ``reduction="mean"``, if every target is
    ignored the loss is NaN (0/0) and the gradient is zero; if the non-ignored
    targets all have class weight 0 the loss is NaN and the gradient of those
    elements is NaN.

    Examples
    --------
    >>> from xentbook import softmax_cross_entropy_grad
    >>> softmax_cross_entropy_grad([[0.0, 0.0]], [1], reduction="sum")
    array([[ 0.5, -0.5]])
    """
    return _ce_compute(_prepare_ce(logits, target, weight, ignore_index, label_smoothing, reduction), False, True)[1]


def softmax_cross_entropy_and_grad(
    logits: Any,
    target: Any,
    *,
    weight: Any = None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
    reduction: str = "mean",
) -> tuple[Any, np.ndarray]:
    r"""Loss and gradient of :func:`softmax_cross_entropy` in one pass over the data.

    .. math::

        \bigl(L,\ \partial L/\partial z\bigr)

    share the softmax computation, so this costs about as much as the loss
    alone.  Arguments and results as in :func:`softmax_cross_entropy` and
    :func:`softmax_cross_entropy_grad`.

    Parameters
    ----------
    logits : array_like
        Unnormalised scores, shape ``(C,)``, ``(N, C)`` or ``(N, C, d1, ..., dk)``
        (class axis 1 as in torch).  Must be finite.  float16/32/64 keep
        their dtype in the result; the arithmetic is float64.
    target : array_like
        Either integer class indices of shape ``()``, ``(N,)`` or
        ``(N, d1, ..., dk)`` with values in ``[0, C)`` or equal to
        ``ignore_index``; or float class probabilities of the logits' shape
        (non-negative, summing to 1 over the class axis).
    weight : array_like, optional
        Non-negative weight per class, shape ``(C,)``.
    ignore_index : int, default -100
        Class-index targets equal to it contribute neither to the loss nor to
        the denominator of the mean (class-index targets only).
    label_smoothing : float, default 0.0
        :math:`\varepsilon \in [0, 1]`: the target becomes
        :math:`(1-\varepsilon)\,y + \varepsilon/C`.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"mean"`` divides the summed loss by the sum of the target weights
        :math:`\sum_n w_{y_n}` over non-ignored elements (by the number of
        elements for probability targets), as torch does.

    Returns
    -------
    loss : numpy scalar or numpy.ndarray
    grad : numpy.ndarray

    Raises
    ------
    TypeError
        For non-numeric logits, boolean or float class-index targets, a
        non-integer ``ignore_index``, non-numeric ``label_smoothing`` or
        ``reduction``.
    ValueError
        For non-finite logits, shapes that do not match, class indices out of
        range, probability targets that are not distributions, a ``weight`` of
        the wrong shape or with negative entries, ``label_smoothing`` outside
        ``[0, 1]``, or an unknown ``reduction``.

    Examples
    --------
    >>> from xentbook import softmax_cross_entropy_and_grad
    >>> loss, grad = softmax_cross_entropy_and_grad([[0.0, 0.0]], [1])
    >>> round(float(loss), 6), grad
    (0.693147, array([[ 0.5, -0.5]]))
    """
    return _ce_compute(_prepare_ce(logits, target, weight, ignore_index, label_smoothing, reduction), True, True)




# ----------------------------------------------------------------------------
# binary cross-entropy with logits
# ----------------------------------------------------------------------------


def _prepare_bce(logits: Any, target: Any, weight: Any, pos_weight: Any, reduction: Any):
    x = as_float_array(logits, "logits")
    check_finite(x, "logits")
    reduction = check_reduction(reduction)
    t = as_float_array(target, "target")
    if t.shape != x.shape:
        raise ValueError(f"target must have the logits' shape {x.shape}, got {t.shape}")
    check_finite(t, "target")
    if ((t < 0) | (t > 1)).any():
        raise ValueError("target must lie in [0, 1] (a probability of the positive class)")
    ws = []
    for name, val in (("weight", weight), ("pos_weight", pos_weight)):
        if val is None:
            ws.append(None)
            continue
        a = as_float_array(val, name)
        check_broadcasts_to(a, x.shape, name, "the logits' shape")
        check_finite(a, name)
        if (a < 0).any():
            raise ValueError(f"{name} has negative entries; weights must be >= 0")
        ws.append(a.astype(np.float64))
    return x, t.astype(np.float64), ws[0], ws[1], reduction


def _bce_compute(x, t, w, pw, reduction, want_loss, want_grad):
    z = x.astype(np.float64)
    dtype = x.dtype
    a = np.abs(z)
    with np.errstate(under="ignore"):
        e = np.exp(-a)  # in (0, 1]
    loss = grad = None
    if want_loss:
        l1p = np.log1p(e)
        sp_pos = np.maximum(z, 0.0) + l1p  # softplus(z)  = -log(1 - sigmoid(z))
        sp_neg = np.maximum(-z, 0.0) + l1p  # softplus(-z) = -log sigmoid(z)
        tp = t * pw if pw is not None else t
        # both terms are >= 0: no cancellation (torch's (1-t)z + ... form has one)
        per = tp * sp_neg + (1.0 - t) * sp_pos
        if w is not None:
            per = per * w
        if reduction == "none":
            loss = np.asarray(per, dtype=dtype)
        elif reduction == "sum":
            loss = dtype.type(stable_sum(per))
        else:
            loss = dtype.type(stable_sum(per, per.size))
    if want_grad:
        with np.errstate(under="ignore"):
            inv = 1.0 / (1.0 + e)
            sig = np.where(z >= 0, inv, e * inv)  # sigmoid(z)
            sig_neg = np.where(z >= 0, e * inv, inv)  # sigmoid(-z) = 1 - sigmoid(z)
        # (1-t) sigmoid(z) - t sigmoid(-z), not sigmoid(z) - t: for t = 1 and a
        # large z the latter rounds -sigmoid(-z) ~ -e^{-z} to 0
        tp = t * pw if pw is not None else t
        g = (1.0 - t) * sig - tp * sig_neg
        if w is not None:
            g = g * w
        if reduction == "mean":
            g = g / z.size
        grad = np.asarray(g, dtype=dtype)
    return loss, grad



def binary_cross_entropy_with_logits(
    logits: Any, target: Any, *, weight: Any = None, pos_weight: Any = None, reduction: str = "mean"
) -> Any:
    r"""Binary cross-entropy on logits, identical in meaning to torch's namesake.

    .. math::

        L = w\,\bigl[\rho\,t\,\operatorname{softplus}(-x) + (1-t)\,\operatorname{softplus}(x)\bigr],
        \qquad \operatorname{softplus}(x) = \max(x,0) + \operatorname{log1p}(e^{-|x|}),

    which equals :math:`-w[\rho t\log\sigma(x) + (1-t)\log(1-\sigma(x))]`
    and never overflows.

    Parameters
    ----------
    logits : array_like
        Finite scores :math:`x` of any shape; float16/32/64 keep their dtype.
    target : array_like
        Probabilities :math:`t \in [0, 1]` of the positive class, the logits' shape.
    weight : array_like, optional
        Non-negative rescaling weight, broadcastable to the logits' shape.
    pos_weight : array_like, optional
        Non-negative weight :math:`\rho` of the positive term, broadcastable to
        the logits' shape (typically one per class along the last axis).
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"mean"`` averages over all elements (weights do not enter the denominator).

    Returns
    -------
    numpy scalar or numpy.ndarray
        Reduced loss, or the elementwise loss (``"none"``), in the logits' dtype.

    Raises
    ------
    TypeError
        For non-numeric input or a non-string ``reduction``.
    ValueError
        For non-finite logits or targets, targets outside ``[0, 1]``, shapes
        that do not match or broadcast, negative weights, or an unknown
        ``reduction``.

    Examples
    --------
    >>> from xentbook import binary_cross_entropy_with_logits
    >>> binary_cross_entropy_with_logits([-800.0, 0.0, 800.0], [1.0, 0.5, 1.0], reduction="none")
    array([8.00000000e+02, 6.93147181e-01, 0.00000000e+00])
    """
    return _bce_compute(*_prepare_bce(logits, target, weight, pos_weight, reduction), True, False)[0]


def binary_cross_entropy_with_logits_grad(
    logits: Any, target: Any, *, weight: Any = None, pos_weight: Any = None, reduction: str = "mean"
) -> np.ndarray:
    r"""Gradient of :func:`binary_cross_entropy_with_logits` with respect to the logits.

    .. math::

        \frac{\partial L}{\partial x} = w\,\bigl[(1-t)\,\sigma(x) - \rho\,t\,\sigma(-x)\bigr],

    i.e. :math:`\sigma(x) - t` without weights; divided by the number of
    elements for ``reduction="mean"``; for ``"none"`` the gradient of ``loss.sum()``.

    Parameters
    ----------
    logits : array_like
        Finite scores :math:`x` of any shape; float16/32/64 keep their dtype.
    target : array_like
        Probabilities :math:`t \in [0, 1]` of the positive class, the logits' shape.
    weight : array_like, optional
        Non-negative rescaling weight, broadcastable to the logits' shape.
    pos_weight : array_like, optional
        Non-negative weight :math:`\rho` of the positive term, broadcastable to
        the logits' shape (typically one per class along the last axis).
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"mean"`` averages over all elements (weights do not enter the denominator).

    Returns
    -------
    numpy.ndarray
        The logits' shape and dtype.

    Raises
    ------
    TypeError
        For non-numeric input or a non-string ``reduction``.
    ValueError
        For non-finite logits or targets, targets outside ``[0, 1]``, shapes
        that do not match or broadcast, negative weights, or an unknown
        ``reduction``.

    Examples
    --------
    >>> from xentbook import binary_cross_entropy_with_logits_grad
    >>> binary_cross_entropy_with_logits_grad([0.0, 2.0], [1.0, 0.0], reduction="sum")
    array([-0.5       ,  0.88079708])
    """
    return _bce_compute(*_prepare_bce(logits, target, weight, pos_weight, reduction), False, True)[1]


def binary_cross_entropy_with_logits_and_grad(
    logits: Any, target: Any, *, weight: Any = None, pos_weight: Any = None, reduction: str = "mean"
) -> tuple[Any, np.ndarray]:
    r"""Loss and gradient of :func:`binary_cross_entropy_with_logits` together.

    .. math::

        \bigl(L,\ \partial L/\partial x\bigr)

    Parameters
    ----------
    logits : array_like
        Finite scores :math:`x` of any shape; float16/32/64 keep their dtype.
    target : array_like
        Probabilities :math:`t \in [0, 1]` of the positive class, the logits' shape.
    weight : array_like, optional
        Non-negative rescaling weight, broadcastable to the logits' shape.
    pos_weight : array_like, optional
        Non-negative weight :math:`\rho` of the positive term, broadcastable to
        the logits' shape (typically one per class along the last axis).
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"mean"`` averages over all elements (weights do not enter the denominator).

    Returns
    -------
    loss : numpy scalar or numpy.ndarray
    grad : numpy.ndarray

    Raises
    ------
    TypeError
        For non-numeric input or a non-string ``reduction``.
    ValueError
        For non-finite logits or targets, targets outside ``[0, 1]``, shapes
        that do not match or broadcast, negative weights, or an unknown
        ``reduction``.

    Examples
    --------
    >>> from xentbook import binary_cross_entropy_with_logits_and_grad
    >>> loss, grad = binary_cross_entropy_with_logits_and_grad([0.0], [1.0])
    >>> round(float(loss), 6), grad
    (0.693147, array([-0.5]))
    """
    return _bce_compute(*_prepare_bce(logits, target, weight, pos_weight, reduction), True, True)


