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
from typing import Any, Callable, NamedTuple

import numpy as np

from ._docstrings import fill_doc, section
from ._validation import (
    as_class_weight,
    as_float_array,
    as_multiclass_target,
    check_axis,
    check_broadcasts_to,
    check_finite,
    check_int,
    check_probability,
    check_reduction,
    check_result_finite,
    check_range,
    check_same_shape,
    stable_sum,
)
from .numerics import _lse_parts, _sigmoid_pair, _softplus_pair

__all__ = [
    "softmax_cross_entropy",
    "softmax_cross_entropy_grad",
    "softmax_cross_entropy_and_grad",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "binary_cross_entropy_with_logits_and_grad",
]


# ----------------------------------------------------------------------------
# the multiclass loss engine
# ----------------------------------------------------------------------------
#
# Every multiclass loss of the package is  L_n = sum_c coef_nc * term(r_nc),  with
# r = -log softmax(z) >= 0 (from the one core numerics._lse_parts), coef = w * q, q the
# (smoothed) target distribution and w the class weights.  A loss is its Term:
# term(r) and h(r) = d term / d r = -d term / d log p >= 0, so that
#     dL_n/dz_k = sum_c coef_c h(r_c) (p_k - [c = k]).
# Cross-entropy is term(r) = r, h = 1; weights, ignore_index, label smoothing, extra
# dimensions, the reductions and the dtype handling are written once, here.


class LossTerm(NamedTuple):
    """A per-class term of a multiclass loss as a function of ``r = -log p >= 0``."""

    value: Callable[[np.ndarray], np.ndarray] | None  # None: the identity (cross-entropy)
    slope: Callable[[np.ndarray], np.ndarray] | None  # d value / d r; None: 1


CE_TERM = LossTerm(None, None)


@dataclass
class _Problem:
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


def prepare_multiclass(logits: Any, target: Any, weight: Any, ignore_index: Any, label_smoothing: Any,
                       reduction: Any, shift: Any = None, *, logits_name: str = "logits") -> _Problem:
    """Validate the arguments of a multiclass loss (the NumPy functions and the torch modules).

    ``shift(C)`` returns a (C,) float64 vector added to every row of logits (logit
    adjustment), once the class count is known; ``logits_name`` names the logits in errors.
    """
    x = as_float_array(logits, logits_name)
    class_axis = 0 if check_axis(x, -1, logits_name) == 0 else 1  # (C,) or (N, C, d1, ...)
    check_finite(x, logits_name)
    reduction = check_reduction(reduction)
    eps = check_probability(label_smoothing, "label_smoothing")
    ignore_index = check_int(ignore_index, "ignore_index")
    C = x.shape[class_axis]
    w = as_class_weight(weight, C)
    y, valid, t = as_multiclass_target(target, x.shape, class_axis, ignore_index)
    moved = np.moveaxis(x, class_axis, -1)
    moved_shape = moved.shape
    R = int(np.prod(moved_shape[:-1]))
    z = np.ascontiguousarray(moved, dtype=np.float64).reshape(R, C)
    if shift is not None:
        with np.errstate(over="ignore"):
            z = z + shift(C)[None, :]
        check_result_finite(z, f"{logits_name} or tau", "the adjusted logits logits + tau * log(priors)")
    out_shape = moved_shape[:-1]
    if t is not None:
        t = np.ascontiguousarray(np.moveaxis(t, class_axis, -1)).reshape(R, C)
    return _Problem(z, x.dtype, out_shape, moved_shape, class_axis, y, valid, t, w, eps, reduction)


def _multiclass(pb: _Problem, term: LossTerm, want_loss: bool, want_grad: bool) -> tuple[Any, np.ndarray | None]:
    """Loss (reduced, in the logits' dtype) and gradient (logits' shape and dtype)."""
    # Overflow (a loss above max(float64), possible only for logits near the
    # dtype's limits) and underflow both produce the correctly rounded inf / 0.
    with np.errstate(over="ignore", under="ignore"):
        return _multiclass_inner(pb, term, want_loss, want_grad)


def _multiclass_inner(pb: _Problem, term: LossTerm, want_loss: bool, want_grad: bool) -> tuple[Any, np.ndarray | None]:
    z, y, valid, w, eps = pb.z, pb.y, pb.valid, pb.w, pb.eps
    R, C = z.shape
    rows = np.arange(R)
    need_d = pb.t is not None or eps > 0
    # the one softmax core: m = max, L = log1p(sum_{j != k} e^{z_j - m}), d = z - m, e = exps
    m, L, d, e = _lse_parts(z, want_softmax=False)
    k = z.argmax(axis=1)
    s = e.sum(axis=1)  # sum_{j != k} e^{z_j - m} (the arg-max entry is zeroed)
    e[rows, k] = 1.0
    one_s = s + 1.0
    nlp = np.subtract(L[:, None], d, out=d) if need_d else None  # -log softmax >= 0, no cancellation
    value = term.value or (lambda r: r)
    loss = grad = None

    if pb.t is None:  # class indices
        if pb.reduction == "mean" and w is not None and not np.isfinite(np.sum(w[y[valid]])):
            # the target weights sum above max(float64): the weighted mean is invariant under
            # w -> w / 2**e (exact), and with max(w) < 1 their sum is below the row count
            w = np.ldexp(w, -int(np.frexp(np.max(w))[1]))
        wy = w[y] if w is not None else None
        # the denominator of the weighted mean: the sum of the target weights
        if pb.reduction == "mean":
            n_valid = int(np.count_nonzero(valid))
            denom = float(np.sum(wy[valid])) if wy is not None else float(n_valid)
        # a weighted mean divides the weights by their sum *before* multiplying, so that a
        # representable mean never overflows in a product w * (-log p) near max(float64)
        pre = denom if pb.reduction == "mean" and wy is not None and denom > 0 else 1.0
        r_y = nlp[rows, y] if need_d else L - (z[rows, y] - m)  # both terms >= 0
        if want_loss:
            v_y = value(r_y)
            # a zero weight times an infinite term counts as 0, not NaN
            per = np.where(wy > 0, v_y * (wy / pre), 0.0) if wy is not None else v_y
            if eps > 0:
                # scale the weights before summing: (eps/C) * sum_c w_c term_c stays finite
                # whenever the loss is representable, even with -log p near max(float64)
                wv = w / pre if w is not None else np.ones(C)
                pos = wv > 0
                smooth = (value(nlp[:, pos]) * ((eps / C) * wv[pos])).sum(axis=1)
                per = (1.0 - eps) * per + smooth
            per = np.where(valid, per, 0.0)
        if want_grad:
            ey = e[rows, y]
            # p_y - 1 without cancellation: -(sum of the other exponentials)/(1+s)
            pm1 = -np.where(y == k, s, one_s - ey) / one_s
            p = e
            p /= one_s[:, None]
            if w is None and eps == 0 and term.slope is None:
                grad = p
                grad[rows, y] = pm1
            else:
                # divided by the mean's weight sum first, as in the loss: no overflow near max(float64)
                wv = w / pre if w is not None else np.ones(C)
                wyv = wy / pre if wy is not None else np.ones(R)
                if term.slope is not None:
                    wyv = wyv * term.slope(r_y)
                a = (1.0 - eps) * wyv
                py = p[rows, y].copy()
                if eps > 0:
                    wh = wv[None, :] * term.slope(nlp) if term.slope is not None else np.broadcast_to(wv, (R, C))
                    Wh = wh.sum(axis=1)
                    grad = p
                    grad *= (a + (eps / C) * Wh)[:, None]
                    grad -= (eps / C) * wh
                    grad[rows, y] = a * pm1 + (eps / C) * (Wh * py - wh[rows, y])
                else:
                    grad = p
                    grad *= a[:, None]
                    grad[rows, y] = a * pm1
            if not valid.all():
                grad[~valid] = 0.0
            if pb.reduction == "mean":
                if n_valid == 0:
                    pass  # torch: NaN loss, zero gradient
                elif denom == 0.0:
                    grad[valid] = np.nan  # torch: 0/0 in the weighted mean
                elif denom != pre:
                    grad /= denom / pre
        if want_loss:
            mean_denom = denom / pre if pb.reduction == "mean" else None
            loss = _reduce(per, pb, mean_denom, nan=pb.reduction == "mean" and denom == 0.0)
    else:  # class probabilities
        t = pb.t
        if eps > 0:
            t = t * (1.0 - eps) + eps / C
        coef = t * w[None, :] if w is not None else t
        if want_loss:
            per = np.einsum("ij,ij->i", coef, np.where(coef > 0, value(nlp), 0.0))
            loss = _reduce(per, pb, float(R), nan=False)
        if want_grad:
            a = coef * term.slope(nlp) if term.slope is not None else coef
            A = a.sum(axis=1)
            grad = e
            grad *= (A / one_s)[:, None]
            grad -= a
            if pb.reduction == "mean":
                grad *= 1.0 / R

    if grad is not None:
        g = np.moveaxis(grad.reshape(pb.moved_shape), -1, pb.class_axis)
        grad = np.ascontiguousarray(g, dtype=pb.dtype)
    return loss, grad


def _reduce(per: np.ndarray, pb: Any, mean_denom: float | None, *, nan: bool) -> Any:
    """The reduction of per-element losses ``per``, rounded once to the logits' dtype."""
    if pb.reduction == "none":
        return per.reshape(pb.out_shape).astype(pb.dtype)
    if pb.reduction == "sum":
        return pb.dtype.type(stable_sum(per))
    return pb.dtype.type(np.nan) if nan else pb.dtype.type(stable_sum(per, mean_denom))


def multiclass_loss(term: LossTerm, want: tuple[bool, bool], logits: Any, target: Any, weight: Any,
                    ignore_index: Any, label_smoothing: Any, reduction: Any, shift: Any = None) -> Any:
    """Validate, then run the engine; returns the loss, the gradient, or both as ``want`` asks
    (:data:`LOSS`, :data:`GRAD` or :data:`LOSS_AND_GRAD`)."""
    pb = prepare_multiclass(logits, target, weight, ignore_index, label_smoothing, reduction, shift)
    loss, grad = _multiclass(pb, term, *want)
    return (loss, grad) if all(want) else (loss if want[0] else grad)


LOSS, GRAD, LOSS_AND_GRAD = (True, False), (False, True), (True, True)


# numpydoc texts shared by every multiclass loss of the package (see multiclass_doc)
_LOGITS_TARGET = """
    logits : array_like
        Unnormalised scores, shape ``(C,)``, ``(N, C)`` or ``(N, C, d1, ..., dk)``
        (class axis 1 as in torch).  Must be finite.  float16/32/64 keep
        their dtype in the result; the arithmetic is float64.
    target : array_like
        Either integer class indices of shape ``()``, ``(N,)`` or
        ``(N, d1, ..., dk)`` with values in ``[0, C)`` or equal to
        ``ignore_index``; or float class probabilities of the logits' shape
        (non-negative, summing to 1 over the class axis).
    """
_OPTIONS = r"""
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
        elements for probability targets), as torch does.  For ``"none"``
        the gradient functions return the gradient of ``loss.sum()`` (each
        element's loss depends only on its own logits).
    """
_RAISES = """
    TypeError
        For non-numeric logits, boolean or float class-index targets, a
        non-integer ``ignore_index``, or an option of the wrong type.
    ValueError
        For non-finite logits, shapes that do not match, class indices out of
        range, probability targets that are not distributions, a ``weight`` of
        the wrong shape or with negative entries, an option outside its
        range, or an unknown ``reduction``.
    """
_NOTES = """
    Edge cases follow torch 2.x: with ``reduction="mean"``, if every target is
    ignored the loss is NaN (0/0) and the gradient is zero; if the non-ignored
    targets all have class weight 0 the loss is NaN and the gradient of those
    elements is NaN.
    """
_RETURNS = {
    "loss": """
        numpy scalar or numpy.ndarray
            The reduced loss, or the per-element loss of the target's shape
            (``"none"``), in the logits' dtype.
        """,
    "grad": r"""
        numpy.ndarray
            :math:`\partial L / \partial z`, the logits' shape and dtype.
        """,
    "loss_and_grad": """
        loss : numpy scalar or numpy.ndarray
        grad : numpy.ndarray
        """,
}


def multiclass_doc(extra: str = "") -> dict[str, str]:
    """The shared docstring sections of a multiclass loss whose own parameters ``extra`` follow ``target``.

    ``parameters`` is the Parameters section; ``loss``, ``grad`` and
    ``loss_and_grad`` are the Returns, Raises (and, for a loss, Notes)
    sections of the three kinds of function, each ending with the Examples
    heading.
    """
    doc = {"parameters": section("Parameters", _LOGITS_TARGET, extra, _OPTIONS)}
    for kind, returns in _RETURNS.items():
        parts = [section("Returns", returns), section("Raises", _RAISES)]
        if kind == "loss":
            parts.append(section("Notes", _NOTES))
        doc[kind] = "\n\n".join([*parts, section("Examples")])
    return doc


MULTICLASS_DOC = multiclass_doc()


@fill_doc(MULTICLASS_DOC)
def softmax_cross_entropy(logits: Any, target: Any, *, weight: Any = None, ignore_index: int = -100,
                          label_smoothing: float = 0.0, reduction: str = "mean") -> Any:
    r"""Softmax cross-entropy, identical in meaning to ``torch.nn.functional.cross_entropy``.

    For element :math:`n` with logits :math:`z`, log-probabilities
    :math:`\ell = \log\operatorname{softmax}(z)`, class index :math:`y`,
    class weights :math:`w` and smoothing :math:`\varepsilon`:

    .. math::

        L_n = -(1-\varepsilon)\,w_{y}\,\ell_{y} - \frac{\varepsilon}{C}\sum_{c} w_c\,\ell_c ,

    and for a probability target :math:`t`,
    :math:`L_n = -\sum_c w_c\,\bigl((1-\varepsilon)t_c + \varepsilon/C\bigr)\,\ell_c`.
    :math:`-\ell` is computed as :math:`\operatorname{log1p}(\sum_{j\ne k}e^{z_j-m}) - (z_c-m)`,
    a sum of two non-negative terms (see :func:`xentbook.log_softmax`).  The
    losses of :mod:`xentbook.imbalance` and :mod:`xentbook.noise` replace
    :math:`-\ell_c` by another term of :math:`\ell_c` on the same engine.

    %(parameters)s

    %(loss)s
    >>> from xentbook import softmax_cross_entropy
    >>> logits = [[2.0, 0.0, -1.0], [0.0, 0.0, 0.0]]
    >>> round(float(softmax_cross_entropy(logits, [0, 2])), 6)
    0.634229
    >>> softmax_cross_entropy(logits, [0, -100], reduction="none")
    array([0.16984602, 0.        ])
    """
    return multiclass_loss(CE_TERM, LOSS, logits, target, weight, ignore_index, label_smoothing, reduction)


@fill_doc(MULTICLASS_DOC)
def softmax_cross_entropy_grad(logits: Any, target: Any, *, weight: Any = None, ignore_index: int = -100,
                               label_smoothing: float = 0.0, reduction: str = "mean") -> np.ndarray:
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
    keeps its relative accuracy when :math:`p_y \to 1`.

    %(parameters)s

    %(grad)s
    >>> from xentbook import softmax_cross_entropy_grad
    >>> softmax_cross_entropy_grad([[0.0, 0.0]], [1], reduction="sum")
    array([[ 0.5, -0.5]])
    """
    return multiclass_loss(CE_TERM, GRAD, logits, target, weight, ignore_index, label_smoothing, reduction)


@fill_doc(MULTICLASS_DOC)
def softmax_cross_entropy_and_grad(logits: Any, target: Any, *, weight: Any = None, ignore_index: int = -100,
                                   label_smoothing: float = 0.0, reduction: str = "mean") -> tuple[Any, np.ndarray]:
    r"""Loss and gradient of :func:`softmax_cross_entropy` in one pass over the data.

    .. math::

        \bigl(L,\ \partial L/\partial z\bigr)

    share the softmax computation, so this costs about as much as the loss
    alone.

    %(parameters)s

    %(loss_and_grad)s
    >>> from xentbook import softmax_cross_entropy_and_grad
    >>> loss, grad = softmax_cross_entropy_and_grad([[0.0, 0.0]], [1])
    >>> round(float(loss), 6), grad
    (0.693147, array([[ 0.5, -0.5]]))
    """
    return multiclass_loss(CE_TERM, LOSS_AND_GRAD, logits, target, weight, ignore_index, label_smoothing, reduction)


# ----------------------------------------------------------------------------
# binary cross-entropy with logits
# ----------------------------------------------------------------------------


@dataclass
class _BinaryProblem:
    x: np.ndarray  # logits, any shape, float64
    t: np.ndarray  # targets in [0, 1], float64
    w: np.ndarray | None  # weight, broadcastable to x
    pw: np.ndarray | None  # pos_weight, broadcastable to x
    dtype: np.dtype
    reduction: str


def prepare_binary(logits: Any, target: Any, weight: Any, pos_weight: Any, reduction: Any, *,
                   logits_name: str = "logits") -> _BinaryProblem:
    """Validate the arguments of a binary loss (the NumPy functions and the torch modules)."""
    x = as_float_array(logits, logits_name)
    check_finite(x, logits_name)
    reduction = check_reduction(reduction)
    t = as_float_array(target, "target", allow_bool=True)  # bool: observed 0/1 outcomes
    check_same_shape(t, x, "target", logits_name)
    check_range(t, "target", high=1.0, what="a probability of the positive class")
    ws = []
    for name, val in (("weight", weight), ("pos_weight", pos_weight)):
        a = None if val is None else as_float_array(val, name)
        if a is not None:
            check_broadcasts_to(a, x.shape, name, "the logits' shape")
            check_range(a, name)
            a = a.astype(np.float64)
        ws.append(a)
    return _BinaryProblem(x.astype(np.float64), t.astype(np.float64), ws[0], ws[1], x.dtype, reduction)


def _binary(pb: _BinaryProblem, want_loss: bool, want_grad: bool,
            focus: tuple[float | None, float] | None = None) -> tuple[Any, np.ndarray | None]:
    """The binary engine: BCE with logits, times the focal factor when ``focus = (alpha, gamma)``.

    The elementwise cross-entropy ``rho t softplus(-x) + (1 - t) softplus(x)`` and the
    sigmoids come from the one core of :mod:`xentbook.numerics`; a focal factor
    ``f = alpha_t m^gamma`` with ``m = 1 - p_t = sigma(x)(1 - t) + sigma(-x) t`` multiplies it.
    """
    z, t, w, pw = pb.x, pb.t, pb.w, pb.pw
    # a mean divides by the element count *before* the weights multiply, so that a
    # representable mean never overflows in an intermediate product
    n = float(z.size) if pb.reduction == "mean" else 1.0
    tp = t / n * pw if pw is not None else t / n
    tn = (1.0 - t) / n
    need_ce = want_loss or focus is not None
    if need_ce:
        sp_pos, sp_neg = _softplus_pair(z)  # -log(1 - sigma(z)), -log sigma(z)
        ce = tp * sp_neg + tn * sp_pos  # both terms >= 0: no cancellation
    if want_grad or focus is not None:
        sig, sig_neg = _sigmoid_pair(z)
    if focus is not None:
        alpha, gamma = focus
        a = np.ones_like(z) if alpha is None else alpha * t + (1.0 - alpha) * (1.0 - t)
        m = sig * (1.0 - t) + sig_neg * t  # 1 - p_t, both terms >= 0
        f = a * m**gamma
    loss = grad = None
    if want_loss:
        per = ce * f if focus is not None else ce
        if w is not None:
            per = per * w
        loss = np.asarray(per, dtype=pb.dtype) if pb.reduction == "none" else pb.dtype.type(stable_sum(per))
    if want_grad:
        # (1-t) sigmoid(z) - t sigmoid(-z), not sigmoid(z) - t: for t = 1 and a
        # large z the latter rounds -sigmoid(-z) ~ -e^{-z} to 0
        g = tn * sig - tp * sig_neg
        if focus is not None:
            g = f * g
            if gamma != 0:
                with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                    dm = sig * sig_neg * (1.0 - 2.0 * t)
                    g = g + np.where(m > 0, a * gamma * m ** (gamma - 1.0) * dm * ce, 0.0)
        if w is not None:
            g = g * w
        grad = np.asarray(np.broadcast_to(g, z.shape), dtype=pb.dtype)
    return loss, grad


# numpydoc texts shared by the binary losses (see binary_doc)
_BINARY_PARAMETERS = {
    "logits_target": r"""
        logits : array_like
            Finite scores :math:`x` of any shape; float16/32/64 keep their dtype
            (the arithmetic is float64).
        target : array_like
            Probabilities :math:`t \in [0, 1]` of the positive class (0/1 labels,
            booleans, or soft targets), the logits' shape.
        """,
    "weight": """
        weight : array_like, optional
            Non-negative rescaling weight, broadcastable to the logits' shape.
        """,
    "pos_weight": r"""
        pos_weight : array_like, optional
            Non-negative weight :math:`\rho` of the positive term, broadcastable to
            the logits' shape (typically one per class along the last axis).
        """,
    "reduction": """
        reduction : {"mean", "sum", "none"}, default "mean"
            ``"mean"`` averages over all elements (weights do not enter the
            denominator); for ``"none"`` a gradient is that of ``loss.sum()``.
        """,
}
_BINARY_RAISES = """
    TypeError
        For non-numeric input, a non-string ``reduction`` or an option of the wrong type.
    ValueError
        For non-finite logits or targets, targets outside ``[0, 1]``, shapes
        that do not match or broadcast, negative weights, an option outside
        its range, or an unknown ``reduction``.
    """
_BINARY_RETURNS = {
    "loss": """
        numpy scalar or numpy.ndarray
            The reduced loss, or the elementwise loss (``"none"``), in the logits' dtype.
        """,
    "grad": """
        numpy.ndarray
            The gradient with respect to the logits, their shape and dtype.
        """,
    "loss_and_grad": _RETURNS["loss_and_grad"],
}


def binary_doc(extra: str = "", *, pos_weight: bool = True) -> dict[str, str]:
    """The shared docstring sections of a binary loss whose own parameters ``extra`` follow ``target``
    (keys as in :func:`multiclass_doc`)."""
    p = _BINARY_PARAMETERS
    doc = {"parameters": section("Parameters", p["logits_target"], extra, p["weight"],
                                 p["pos_weight"] if pos_weight else "", p["reduction"])}
    for kind, returns in _BINARY_RETURNS.items():
        doc[kind] = "\n\n".join([section("Returns", returns), section("Raises", _BINARY_RAISES), section("Examples")])
    return doc


BINARY_DOC = binary_doc()


def binary_loss(want: tuple[bool, bool], logits: Any, target: Any, *, weight: Any, pos_weight: Any,
                 reduction: Any, focus: tuple[float | None, float] | None = None) -> Any:
    loss, grad = _binary(prepare_binary(logits, target, weight, pos_weight, reduction), *want, focus=focus)
    return (loss, grad) if all(want) else (loss if want[0] else grad)


@fill_doc(BINARY_DOC)
def binary_cross_entropy_with_logits(logits: Any, target: Any, *, weight: Any = None, pos_weight: Any = None,
                                     reduction: str = "mean") -> Any:
    r"""Binary cross-entropy on logits, identical in meaning to torch's namesake.

    .. math::

        L = w\,\bigl[\rho\,t\,\operatorname{softplus}(-x) + (1-t)\,\operatorname{softplus}(x)\bigr],
        \qquad \operatorname{softplus}(x) = \max(x,0) + \operatorname{log1p}(e^{-|x|}),

    which equals :math:`-w[\rho t\log\sigma(x) + (1-t)\log(1-\sigma(x))]`
    and never overflows.

    %(parameters)s

    %(loss)s
    >>> from xentbook import binary_cross_entropy_with_logits
    >>> binary_cross_entropy_with_logits([-800.0, 0.0, 800.0], [1.0, 0.5, 1.0], reduction="none")
    array([8.00000000e+02, 6.93147181e-01, 0.00000000e+00])
    """
    return binary_loss(LOSS, logits, target, weight=weight, pos_weight=pos_weight, reduction=reduction)


@fill_doc(BINARY_DOC)
def binary_cross_entropy_with_logits_grad(logits: Any, target: Any, *, weight: Any = None, pos_weight: Any = None,
                                          reduction: str = "mean") -> np.ndarray:
    r"""Gradient of :func:`binary_cross_entropy_with_logits` with respect to the logits.

    .. math::

        \frac{\partial L}{\partial x} = w\,\bigl[(1-t)\,\sigma(x) - \rho\,t\,\sigma(-x)\bigr],

    i.e. :math:`\sigma(x) - t` without weights; divided by the number of
    elements for ``reduction="mean"``.

    %(parameters)s

    %(grad)s
    >>> from xentbook import binary_cross_entropy_with_logits_grad
    >>> binary_cross_entropy_with_logits_grad([0.0, 2.0], [1.0, 0.0], reduction="sum")
    array([-0.5       ,  0.88079708])
    """
    return binary_loss(GRAD, logits, target, weight=weight, pos_weight=pos_weight, reduction=reduction)


@fill_doc(BINARY_DOC)
def binary_cross_entropy_with_logits_and_grad(logits: Any, target: Any, *, weight: Any = None, pos_weight: Any = None,
                                              reduction: str = "mean") -> tuple[Any, np.ndarray]:
    r"""Loss and gradient of :func:`binary_cross_entropy_with_logits` together.

    .. math::

        \bigl(L,\ \partial L/\partial x\bigr)

    %(parameters)s

    %(loss_and_grad)s
    >>> from xentbook import binary_cross_entropy_with_logits_and_grad
    >>> loss, grad = binary_cross_entropy_with_logits_and_grad([0.0], [1.0])
    >>> round(float(loss), 6), grad
    (0.693147, array([-0.5]))
    """
    return binary_loss(LOSS_AND_GRAD, logits, target, weight=weight, pos_weight=pos_weight, reduction=reduction)
