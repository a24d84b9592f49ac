"""Class imbalance and label noise: focal loss, class weights, logit adjustment, GCE.

NumPy implementations, each with its closed-form gradient with respect to the
logits, of the losses and weighting schemes that the chapter *Class imbalance*
compares:

* :func:`sigmoid_focal_loss` -- binary focal loss, value-identical to
  ``torchvision.ops.sigmoid_focal_loss`` (Lin et al. 2017);
* :func:`softmax_focal_loss` -- its multi-class softmax form;
* :func:`class_weights_balanced` -- ``n / (C n_c)``, identical to
  ``sklearn.utils.class_weight.compute_class_weight("balanced")``;
* :func:`class_balanced_weights` -- "effective number" weights of Cui et al. (2019);
* :func:`logit_adjust`, :func:`logit_adjusted_cross_entropy` -- logit
  adjustment of Menon et al. (2021), post hoc and as a loss;
* :func:`generalized_cross_entropy` -- the noise-robust loss of Zhang & Sabuncu (2018);
* :func:`long_tailed_indices`, :func:`symmetric_label_noise` -- the data
  manipulations of the chapter's experiments.

The multi-class losses share PyTorch's vocabulary: integer class targets,
``weight`` (one rescaling factor per class), ``ignore_index`` and
``reduction`` in ``{"none", "mean", "sum"}``.  As in
:func:`torch.nn.functional.cross_entropy`, the weighted ``"mean"`` divides by
the sum of the weights of the (non-ignored) targets, not by the number of
samples.  Every ``*_grad`` function returns the gradient of the *reduced*
loss with respect to ``logits`` (for ``reduction="none"``: the gradient of the
sum, i.e. each sample's own derivative).
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ._validation import check_int, check_number, check_seed, check_size, as_int_array, stable_sum, check_result_finite  # noqa: F401
from ._validation import (
    as_float_array,
    check_distribution,
    check_finite,
    check_reduction,
    check_same_shape,
)
from .losses import softmax_cross_entropy
from .numerics import log_sigmoid, log_softmax

__all__ = [
    "sigmoid_focal_loss",
    "sigmoid_focal_loss_grad",
    "softmax_focal_loss",
    "softmax_focal_loss_grad",
    "class_weights_balanced",
    "class_balanced_weights",
    "logit_adjust",
    "logit_adjusted_cross_entropy",
    "logit_adjusted_cross_entropy_grad",
    "generalized_cross_entropy",
    "generalized_cross_entropy_grad",
    "tune_threshold",
    "long_tailed_indices",
    "symmetric_label_noise",
]


# --------------------------------------------------------------------------- checks


def _check_number(value: Any, name: str) -> float:
    return check_number(value, name)


def _check_gamma(gamma: Any) -> float:
    gamma = _check_number(gamma, "gamma")
    if gamma < 0:
        raise ValueError(f"gamma must be >= 0 (gamma = 0 is cross-entropy), got {gamma}")
    return gamma


def _check_int(value: Any, name: str) -> int:
    return check_int(value, name)


def _check_multiclass(
    logits: Any, target: Any, weight: Any, ignore_index: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, int]:
    """Validate ``(N, C)`` logits, ``(N,)`` integer targets and an optional ``(C,)`` weight."""
    z = as_float_array(logits, "logits")
    if z.ndim != 2:
        raise ValueError(f"logits must have shape (N, C), got {z.ndim} dimension(s) {z.shape}")
    if z.shape[1] == 0:
        raise ValueError("logits has no classes (C = 0)")
    check_finite(z, "logits")
    ignore_index = _check_int(ignore_index, "ignore_index")
    t = np.asarray(target)
    if t.dtype.kind not in "iu":
        raise TypeError(f"target must hold integer class indices, got dtype {t.dtype}")
    if t.shape != (z.shape[0],):
        raise ValueError(f"target must have shape (N,) = ({z.shape[0]},), got {t.shape}")
    n_classes = z.shape[1]
    bad = (t != ignore_index) & ((t < 0) | (t >= n_classes))
    if bad.any():
        raise ValueError(
            f"target must lie in [0, {n_classes - 1}] or equal ignore_index={ignore_index}; "
            f"found {t[bad][0]}"
        )
    w = None
    if weight is not None:
        w = as_float_array(weight, "weight")
        if w.shape != (n_classes,):
            raise ValueError(f"weight must have one entry per class, shape ({n_classes},), got {w.shape}")
        check_finite(w, "weight")
        if (w < 0).any():
            raise ValueError("weight must be non-negative")
    return z, t.astype(np.int64), w, ignore_index


def _check_priors(priors: Any, n_classes: int) -> np.ndarray:
    pi = as_float_array(priors, "priors")
    if pi.ndim != 1:
        raise ValueError(f"priors must be a 1-D vector of class probabilities, got shape {pi.shape}")
    if pi.shape[0] != n_classes:
        raise ValueError(f"priors must have one entry per class ({n_classes}), got {pi.shape[0]}")
    check_distribution(pi, "priors")
    if (pi == 0).any():
        raise ValueError("priors must be strictly positive (log 0 = -inf); drop empty classes")
    return pi


# ------------------------------------------------------- shared softmax-family engine
#
# Every multi-class loss here is a function of u = log p_y alone, L = phi(u), so that
# dL/dz_k = phi'(u) (delta_{k y} - p_k).  The engine below applies weights,
# ignore_index and the reduction once for all of them.

_Phi = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


def _softmax_family(
    z: np.ndarray,
    t: np.ndarray,
    w: np.ndarray | None,
    ignore_index: int,
    reduction: str,
    phi: _Phi,
    *,
    grad: bool,
) -> Any:
    valid = t != ignore_index
    safe_t = np.where(valid, t, 0)
    logp = log_softmax(z, axis=-1)
    u = np.take_along_axis(logp, safe_t[:, None], axis=1)[:, 0]
    value, dvalue = phi(u)
    sw = np.ones_like(u) if w is None else w[safe_t].astype(u.dtype)
    sw = np.where(valid, sw, 0)
    if reduction == "mean":
        denom = _check_mean_denominator(t, w, ignore_index)
    else:
        denom = 1.0
    if not grad:
        per = np.where(valid, sw * value, 0)
        if reduction == "none":
            return per
        return per.dtype.type(stable_sum(per, denom))
    onehot = np.zeros_like(z)
    onehot[np.arange(z.shape[0]), safe_t] = 1
    g = (sw * dvalue)[:, None] * (onehot - np.exp(logp))
    return g / denom


def _check_mean_denominator(t: np.ndarray, w: np.ndarray | None, ignore_index: int) -> float:
    """Return the denominator of torch's weighted mean, refusing 0 (torch would return NaN)."""
    valid = t != ignore_index
    denom = float(valid.sum()) if w is None else float(w[t[valid]].sum())
    if denom == 0:
        raise ValueError("reduction='mean' is undefined: every target is ignored or has weight 0")
    return denom


def _ce_phi(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return -u, -np.ones_like(u)


def _focal_phi(gamma: float) -> _Phi:
    def phi(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        m = -np.expm1(u)  # 1 - p_y, exact even when p_y is close to 1
        value = -(m**gamma) * u
        if gamma == 0:
            return value, -np.ones_like(u)
        with np.errstate(divide="ignore", invalid="ignore"):
            # u * exp(u) first: it is bounded by 1/e, while gamma * u may overflow for u near -max
            extra = np.where(m > 0, gamma * (u * np.exp(u)) * m ** (gamma - 1), 0.0)
        return value, -(m**gamma) + extra

    return phi


def _gce_phi(q: float) -> _Phi:
    def phi(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return -np.expm1(q * u) / q, -np.exp(q * u)

    return phi


# --------------------------------------------------------------------- binary focal


def _check_binary(logits: Any, target: Any, alpha: Any, gamma: Any) -> tuple:
    x = as_float_array(logits, "logits")
    check_finite(x, "logits")
    t = as_float_array(target, "target")
    check_same_shape(x, t, "logits", "target")
    check_finite(t, "target")
    if ((t < 0) | (t > 1)).any():
        raise ValueError("target must lie in [0, 1] (hard 0/1 labels or soft probabilities)")
    if alpha is not None:
        alpha = _check_number(alpha, "alpha")
        if alpha > 1:
            raise ValueError(f"alpha must be in [0, 1], or negative / None to disable it; got {alpha}")
        if alpha < 0:
            alpha = None
    return x, t.astype(x.dtype), alpha, _check_gamma(gamma)


def sigmoid_focal_loss(
    logits: Any,
    target: Any,
    *,
    alpha: float | None = 0.25,
    gamma: float = 2.0,
    reduction: str = "none",
) -> np.ndarray | float:
    r"""Binary focal loss on logits, value-identical to ``torchvision.ops.sigmoid_focal_loss``.

    With :math:`p = \sigma(x)`, :math:`p_t = p\,t + (1 - p)(1 - t)` and
    :math:`\alpha_t = \alpha t + (1 - \alpha)(1 - t)`,

    .. math::

        \mathrm{FL}(x, t) = -\alpha_t\,(1 - p_t)^{\gamma}
            \bigl[t \log p + (1 - t)\log(1 - p)\bigr].

    :math:`\gamma = 0` with ``alpha=None`` is binary cross-entropy with logits.
    The logarithms are evaluated as :math:`\log\sigma(\pm x)` and
    :math:`1 - p_t = p(1 - t) + (1 - p)t` directly, so no term cancels.

    Parameters
    ----------
    logits : array_like
        Real scores :math:`x`, any shape.
    target : array_like
        Labels in :math:`[0, 1]` (0/1, or soft), same shape as ``logits``.
    alpha : float or None, default 0.25
        Weight of the positive class in :math:`[0, 1]`; the negative class gets
        :math:`1 - \alpha`.  ``None`` or a negative value (torchvision's ``-1``)
        disables the weighting.  Note the default gives the *positives* the
        smaller weight, as in the paper.
    gamma : float, default 2.0
        Focusing parameter :math:`\gamma \ge 0`.
    reduction : {"none", "mean", "sum"}, default "none"
        As torchvision: elementwise losses, their mean or their sum.

    Returns
    -------
    numpy.ndarray or numpy scalar
        Array of ``logits``'s shape for ``"none"``, else a scalar, in the logits' dtype.

    Examples
    --------
    >>> import numpy as np
    >>> sigmoid_focal_loss(np.array([2.0, -1.0]), np.array([1.0, 1.0])).round(4)
    array([0.0005, 0.1755])
    >>> round(float(sigmoid_focal_loss([0.3], [1.0], alpha=None, gamma=0.0, reduction="sum")), 6)
    0.554355
    """
    reduction = check_reduction(reduction)
    x, t, alpha, gamma = _check_binary(logits, target, alpha, gamma)
    loss, _ = _sigmoid_focal_parts(x, t, alpha, gamma, grad=False)
    if reduction == "none":
        return loss
    return stable_sum(loss, loss.size) if reduction == "mean" else stable_sum(loss)


def _sigmoid_focal_parts(x, t, alpha, gamma, *, grad):
    log_p, log_q = log_sigmoid(x), log_sigmoid(-x)
    p, q = np.exp(log_p), np.exp(log_q)  # p = sigma(x), q = 1 - p, both accurate
    ce = -(t * log_p + (1 - t) * log_q)
    m = p * (1 - t) + q * t  # 1 - p_t
    a = np.ones_like(x) if alpha is None else alpha * t + (1 - alpha) * (1 - t)
    loss = a * m**gamma * ce
    if not grad:
        return loss, None
    dce = p - t
    dm = p * q * (1 - 2 * t)
    g = m**gamma * dce
    if gamma != 0:
        with np.errstate(divide="ignore", invalid="ignore"):
            g = g + np.where(m > 0, gamma * m ** (gamma - 1) * dm * ce, 0.0)
    return loss, a * g


def sigmoid_focal_loss_grad(
    logits: Any,
    target: Any,
    *,
    alpha: float | None = 0.25,
    gamma: float = 2.0,
    reduction: str = "none",
) -> np.ndarray:
    r"""Gradient of :func:`sigmoid_focal_loss` with respect to ``logits``.

    With :math:`m = 1 - p_t`, :math:`\partial m/\partial x = p(1-p)(1-2t)` and
    :math:`\partial\,\mathrm{CE}/\partial x = p - t`,

    .. math::

        \frac{\partial\,\mathrm{FL}}{\partial x} = \alpha_t \Bigl[
            \gamma\, m^{\gamma-1}\, p(1-p)(1-2t)\,\mathrm{CE} + m^{\gamma}(p - t)\Bigr].

    For ``"mean"`` it is divided by the number of elements; for ``"none"`` and
    ``"sum"`` it is the elementwise derivative.

    Parameters
    ----------
    logits : array_like
        Finite real scores :math:`x`, any shape.
    target : array_like
        Labels in :math:`[0, 1]` (0/1, or soft), same shape as ``logits``.
    alpha : float or None, default 0.25
        Weight of the positive class in :math:`[0, 1]`; ``None`` or a negative
        value disables the weighting (:math:`\alpha_t = 1`).
    gamma : float, default 2.0
        Focusing parameter :math:`\gamma \ge 0`.
    reduction : {"none", "mean", "sum"}, default "none"
        The reduction of the loss whose gradient is returned.

    Returns
    -------
    numpy.ndarray
        :math:`\partial\,\mathrm{FL} / \partial x`, the logits' shape and dtype.

    Raises
    ------
    TypeError
        For non-numeric ``logits``, ``target``, ``alpha`` or ``gamma``, or a
        non-string ``reduction``.
    ValueError
        For non-finite logits or targets, shapes that differ, targets outside
        :math:`[0, 1]`, ``alpha > 1``, ``gamma < 0`` or an unknown ``reduction``.

    Examples
    --------
    >>> import numpy as np
    >>> sigmoid_focal_loss_grad(np.array([0.0]), np.array([1.0]), alpha=None, gamma=0.0)
    array([-0.5])
    """
    reduction = check_reduction(reduction)
    x, t, alpha, gamma = _check_binary(logits, target, alpha, gamma)
    _, g = _sigmoid_focal_parts(x, t, alpha, gamma, grad=True)
    return g / x.size if reduction == "mean" else g


# -------------------------------------------------------------------- softmax focal


def softmax_focal_loss(
    logits: Any,
    target: Any,
    *,
    gamma: float = 2.0,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> np.ndarray | float:
    r"""Multi-class focal loss on softmax probabilities.

    With :math:`p_{y} = \operatorname{softmax}(z)_{y}` the probability of the
    target class and :math:`w_y` its class weight (the :math:`\alpha_t` of the
    paper),

    .. math::

        \mathrm{FL}(z, y) = -w_y\,(1 - p_y)^{\gamma}\,\log p_y ,

    reduced like :func:`torch.nn.functional.cross_entropy`: ``"mean"`` is
    :math:`\sum_i \mathrm{FL}_i / \sum_i w_{y_i}` over the non-ignored
    samples.  :math:`\gamma = 0` is exactly weighted cross-entropy.

    Parameters
    ----------
    logits : array_like, shape (N, C)
    target : array_like of int, shape (N,)
        Class indices in ``[0, C)`` or ``ignore_index``.
    gamma : float, default 2.0
        Focusing parameter, :math:`\gamma \ge 0`.
    weight : array_like, shape (C,), optional
        Non-negative per-class weights.
    ignore_index : int, default -100
        Targets equal to it contribute nothing (0 for ``"none"``).
    reduction : {"none", "mean", "sum"}, default "mean"

    Returns
    -------
    numpy.ndarray or numpy scalar

    Examples
    --------
    >>> import numpy as np
    >>> z = np.array([[2.0, 0.0, -1.0], [0.0, 0.5, 0.0]])
    >>> round(float(softmax_focal_loss(z, np.array([0, 2]), gamma=2.0)), 4)
    0.3431
    >>> round(float(softmax_focal_loss(z, np.array([0, 2]), gamma=0.0)), 4)  # = cross-entropy
    0.7321
    """
    reduction = check_reduction(reduction)
    z, t, w, ignore_index = _check_multiclass(logits, target, weight, ignore_index)
    phi = _focal_phi(_check_gamma(gamma))
    return _softmax_family(z, t, w, ignore_index, reduction, phi, grad=False)


def softmax_focal_loss_grad(
    logits: Any,
    target: Any,
    *,
    gamma: float = 2.0,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> np.ndarray:
    r"""Gradient of :func:`softmax_focal_loss` with respect to ``logits``.

    Writing the loss as a function of :math:`u = \log p_y`,
    :math:`\phi(u) = -(1 - e^{u})^{\gamma} u`, and using
    :math:`\partial u / \partial z_k = \delta_{ky} - p_k`,

    .. math::

        \frac{\partial\,\mathrm{FL}}{\partial z_k}
        = w_y \Bigl[-(1-p_y)^{\gamma} + \gamma\,(1-p_y)^{\gamma-1} p_y \log p_y\Bigr]
          (\delta_{ky} - p_k),

    divided by :math:`\sum_i w_{y_i}` for ``"mean"``.

    Parameters
    ----------
    logits : array_like, shape (N, C)
        Finite real scores :math:`z`.
    target : array_like of int, shape (N,)
        Class indices in ``[0, C)`` or equal to ``ignore_index``.
    gamma : float, default 2.0
        Focusing parameter :math:`\gamma \ge 0`; 0 gives the cross-entropy gradient.
    weight : array_like, shape (C,), optional
        Non-negative per-class weights :math:`w`.
    ignore_index : int, default -100
        Targets equal to it get a zero gradient row and do not count in the mean.
    reduction : {"none", "mean", "sum"}, default "mean"
        ``"none"`` and ``"sum"`` give the gradient of the summed loss (each row
        depends only on its own logits); ``"mean"`` divides it by
        :math:`\sum_i w_{y_i}` over the non-ignored samples.

    Returns
    -------
    numpy.ndarray, shape (N, C)
        :math:`\partial L / \partial z`, in the logits' dtype.

    Raises
    ------
    TypeError
        For non-numeric ``logits`` or ``weight``, non-integer targets or
        ``ignore_index``, a non-numeric ``gamma`` or a non-string ``reduction``.
    ValueError
        For logits that are not a finite ``(N, C)`` array with ``C >= 1``, a
        target of the wrong shape or out of range, a weight of the wrong shape
        or with negative entries, ``gamma < 0``, an unknown ``reduction``, or
        ``reduction="mean"`` when every target is ignored or has weight 0.

    Examples
    --------
    >>> import numpy as np
    >>> softmax_focal_loss_grad(np.zeros((1, 2)), np.array([0]), gamma=0.0)
    array([[-0.5,  0.5]])
    """
    reduction = check_reduction(reduction)
    z, t, w, ignore_index = _check_multiclass(logits, target, weight, ignore_index)
    phi = _focal_phi(_check_gamma(gamma))
    return _softmax_family(z, t, w, ignore_index, reduction, phi, grad=True)


# ------------------------------------------------------------------- class weights


def class_weights_balanced(y: Any, classes: Any = None) -> np.ndarray:
    r""""Balanced" class weights :math:`w_c = n / (C\, n_c)`, as scikit-learn computes them.

    Identical to ``sklearn.utils.class_weight.compute_class_weight("balanced",
    classes=classes, y=y)``.  Each class then carries the same total weight
    :math:`n_c w_c = n / C`, and :math:`\sum_i w_{y_i} = n`.

    Parameters
    ----------
    y : array_like, shape (n,)
        Observed labels (integers or strings).
    classes : array_like, optional
        The classes, in the order the weights are returned; by default
        ``numpy.unique(y)``.  Every label of ``y`` must be among them and every
        class must occur in ``y`` (a weight for an absent class would be infinite).

    Returns
    -------
    numpy.ndarray of float64, shape (C,)

    Examples
    --------
    >>> class_weights_balanced([0, 0, 0, 1])
    array([0.66666667, 2.        ])
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be a 1-D array of labels, got shape {y.shape}")
    if y.size == 0:
        raise ValueError("y is empty")
    if y.dtype.kind == "f" and np.isnan(y).any():
        raise ValueError("y contains NaN")
    if y.dtype == object:
        raise TypeError("y must be an array of numbers or strings, got an object array")
    if classes is None:
        cls = np.unique(y)
    else:
        cls = np.asarray(classes)
        if cls.ndim != 1 or cls.size == 0:
            raise ValueError(f"classes must be a non-empty 1-D array, got shape {cls.shape}")
        if np.unique(cls).size != cls.size:
            raise ValueError("classes contains duplicates")
    present, counts = np.unique(y, return_counts=True)
    missing = np.setdiff1d(present, cls)
    if missing.size:
        raise ValueError(f"y has labels that are not in classes: {missing[:5].tolist()}")
    absent = np.setdiff1d(cls, present)
    if absent.size:
        raise ValueError(f"classes {absent[:5].tolist()} never occur in y; their weight would be infinite")
    n_c = counts[np.searchsorted(present, cls)]
    return y.size / (cls.size * n_c.astype(np.float64))


def class_balanced_weights(counts: Any, beta: float) -> np.ndarray:
    r"""Class-balanced weights from the "effective number of samples" (Cui et al. 2019).

    The effective number of a class with :math:`n_c` samples is
    :math:`E_c = (1 - \beta^{n_c}) / (1 - \beta)`; the weights are its inverse,
    normalised to sum to the number of classes :math:`C`:

    .. math::

        w_c = C\,\frac{(1 - \beta)/(1 - \beta^{n_c})}{\sum_{k} (1 - \beta)/(1 - \beta^{n_k})}.

    :math:`\beta = 0` gives uniform weights; :math:`\beta \to 1` gives weights
    proportional to :math:`1 / n_c` (since :math:`E_c \to n_c`).  The power is
    evaluated as ``-expm1(n log beta)`` so that :math:`\beta` close to 1 stays accurate.

    Parameters
    ----------
    counts : array_like, shape (C,)
        Positive number of training samples of each class.
    beta : float
        Hyper-parameter in :math:`[0, 1)`; the paper uses 0.9 ... 0.9999.

    Returns
    -------
    numpy.ndarray of float64, shape (C,), summing to C

    Examples
    --------
    >>> class_balanced_weights([100, 10, 1], beta=0.0)
    array([1., 1., 1.])
    >>> class_balanced_weights([100, 10, 1], beta=0.9).round(4)
    array([0.2393, 0.3674, 2.3932])
    """
    n = as_float_array(counts, "counts")
    if n.ndim != 1:
        raise ValueError(f"counts must be a 1-D vector, got shape {n.shape}")
    check_finite(n, "counts")
    if (n <= 0).any():
        raise ValueError("counts must be positive: a class with no samples has no finite weight")
    beta = _check_number(beta, "beta")
    if not 0 <= beta < 1:
        raise ValueError(f"beta must lie in [0, 1), got {beta}")
    n = n.astype(np.float64)
    if beta == 0:
        inv_eff = np.ones_like(n)
    else:
        inv_eff = 1.0 / -np.expm1(n * np.log(beta))  # 1 / (1 - beta^n); (1 - beta) cancels
    return inv_eff * (n.size / inv_eff.sum())


# ----------------------------------------------------------------- logit adjustment


def logit_adjust(logits: Any, priors: Any, tau: float = 1.0) -> np.ndarray:
    r"""Post-hoc logit adjustment (Menon et al. 2021): subtract :math:`\tau \log \pi`.

    .. math::

        \tilde z_{k} = z_{k} - \tau \log \pi_k .

    The arg-max of :math:`\tilde z` is the Bayes-optimal prediction for the
    *balanced* error when :math:`\operatorname{softmax}(z)` estimates
    :math:`P(y \mid x)` under training priors :math:`\pi` and :math:`\tau = 1`.

    Parameters
    ----------
    logits : array_like, shape (..., C)
    priors : array_like, shape (C,)
        Training class frequencies, a strictly positive probability vector.
    tau : float, default 1.0
        Strength :math:`\tau \ge 0`; 0 leaves the logits unchanged.

    Returns
    -------
    numpy.ndarray of the shape of ``logits``

    Examples
    --------
    >>> import numpy as np
    >>> logit_adjust(np.array([[1.0, 0.0]]), [0.9, 0.1]).round(3)
    array([[1.105, 2.303]])
    """
    z = as_float_array(logits, "logits")
    if z.ndim == 0:
        raise ValueError("logits must have a class axis, got a scalar")
    check_finite(z, "logits")
    pi = _check_priors(priors, z.shape[-1])
    tau = _check_number(tau, "tau")
    if tau < 0:
        raise ValueError(f"tau must be >= 0, got {tau}")
    return z - tau * np.log(pi).astype(z.dtype)


def _la_args(logits, target, priors, tau, weight, ignore_index):
    z, t, w, ignore_index = _check_multiclass(logits, target, weight, ignore_index)
    pi = _check_priors(priors, z.shape[1])
    tau = _check_number(tau, "tau")
    if tau < 0:
        raise ValueError(f"tau must be >= 0, got {tau}")
    return z + tau * np.log(pi).astype(z.dtype), t, w, ignore_index


def logit_adjusted_cross_entropy(
    logits: Any,
    target: Any,
    priors: Any,
    *,
    tau: float = 1.0,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> np.ndarray | float:
    r"""Logit-adjusted softmax cross-entropy (Menon et al. 2021).

    Cross-entropy of the logits *shifted by* :math:`+\tau\log\pi` during training:

    .. math::

        \ell(z, y) = -\log \frac{e^{z_y + \tau \log \pi_y}}{\sum_k e^{z_k + \tau\log\pi_k}} .

    At test time the raw logits :math:`z` are used; the loss makes the model
    learn :math:`z` that are already "adjusted", so rare classes get a larger
    margin.  ``weight``, ``ignore_index`` and ``reduction`` are those of
    :func:`xentbook.losses.softmax_cross_entropy`, to which this delegates.

    Parameters
    ----------
    logits : array_like, shape (N, C)
    target : array_like of int, shape (N,)
    priors : array_like, shape (C,)
        Training class frequencies (strictly positive, summing to 1).
    tau : float, default 1.0
        :math:`\tau \ge 0`; 0 is plain cross-entropy.
    weight, ignore_index, reduction
        As in :func:`torch.nn.functional.cross_entropy`.

    Returns
    -------
    numpy.ndarray or numpy scalar

    Examples
    --------
    >>> import numpy as np
    >>> z = np.zeros((1, 2))
    >>> round(float(logit_adjusted_cross_entropy(z, np.array([1]), [0.9, 0.1])), 4)
    2.3026
    """
    reduction = check_reduction(reduction)
    za, t, w, ignore_index = _la_args(logits, target, priors, tau, weight, ignore_index)
    if reduction == "mean":
        _check_mean_denominator(t, w, ignore_index)
    out = softmax_cross_entropy(za, t, weight=w, ignore_index=ignore_index, reduction=reduction)
    return out


def logit_adjusted_cross_entropy_grad(
    logits: Any,
    target: Any,
    priors: Any,
    *,
    tau: float = 1.0,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> np.ndarray:
    r"""Gradient of :func:`logit_adjusted_cross_entropy` with respect to ``logits``.

    .. math::

        \frac{\partial \ell}{\partial z_k} = w_y\bigl(\operatorname{softmax}(z + \tau\log\pi)_k
            - \delta_{ky}\bigr),

    divided by :math:`\sum_i w_{y_i}` for ``"mean"``.

    Parameters
    ----------
    logits : array_like, shape (N, C)
        Finite real scores :math:`z`.
    target : array_like of int, shape (N,)
        Class indices in ``[0, C)`` or equal to ``ignore_index``.
    priors : array_like, shape (C,)
        Training class frequencies :math:`\pi` (strictly positive, summing to 1).
    tau : float, default 1.0
        :math:`\tau \ge 0`; 0 gives the plain cross-entropy gradient.
    weight : array_like, shape (C,), optional
        Non-negative per-class weights :math:`w`.
    ignore_index : int, default -100
        Targets equal to it get a zero gradient row and do not count in the mean.
    reduction : {"none", "mean", "sum"}, default "mean"
        ``"none"`` and ``"sum"`` give the gradient of the summed loss (each row
        depends only on its own logits); ``"mean"`` divides it by
        :math:`\sum_i w_{y_i}` over the non-ignored samples.

    Returns
    -------
    numpy.ndarray, shape (N, C)
        :math:`\partial L / \partial z`, in the logits' dtype.

    Raises
    ------
    TypeError
        For non-numeric ``logits`` or ``weight``, non-integer targets or
        ``ignore_index``, a non-numeric ``tau`` or a non-string ``reduction``.
    ValueError
        For logits that are not a finite ``(N, C)`` array with ``C >= 1``, a
        target of the wrong shape or out of range, a weight of the wrong shape
        or with negative entries, priors that are not a positive distribution over the ``C`` classes, ``tau < 0``, an unknown ``reduction``, or
        ``reduction="mean"`` when every target is ignored or has weight 0.

    Examples
    --------
    >>> import numpy as np
    >>> logit_adjusted_cross_entropy_grad(np.zeros((1, 2)), np.array([1]), [0.9, 0.1]).round(2)
    array([[ 0.9, -0.9]])
    """
    reduction = check_reduction(reduction)
    za, t, w, ignore_index = _la_args(logits, target, priors, tau, weight, ignore_index)
    return _softmax_family(za, t, w, ignore_index, reduction, _ce_phi, grad=True)


# ------------------------------------------------------ generalized cross-entropy


def _check_q(q: Any) -> float:
    q = _check_number(q, "q")
    if not 0 < q <= 1:
        raise ValueError(f"q must lie in (0, 1] (q -> 0 is cross-entropy, q = 1 is MAE-like), got {q}")
    return q


def generalized_cross_entropy(
    logits: Any,
    target: Any,
    *,
    q: float = 0.7,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> np.ndarray | float:
    r"""Generalized cross-entropy :math:`L_q` (Zhang & Sabuncu 2018), a noise-robust loss.

    .. math::

        L_q(z, y) = w_y\,\frac{1 - p_y^{\,q}}{q}, \qquad p = \operatorname{softmax}(z),

    evaluated as :math:`-\operatorname{expm1}(q \log p_y)/q`.  As
    :math:`q \to 0` it tends to cross-entropy :math:`-\log p_y`; at
    :math:`q = 1` it is :math:`1 - p_y`, half the mean absolute error between
    :math:`p` and the one-hot target.  It is bounded by :math:`1/q`, which is
    where its robustness to wrong labels comes from.

    Parameters
    ----------
    logits : array_like, shape (N, C)
    target : array_like of int, shape (N,)
    q : float, default 0.7
        In :math:`(0, 1]`.
    weight, ignore_index, reduction
        As in :func:`torch.nn.functional.cross_entropy` (weighted mean divides
        by the sum of the target weights).

    Returns
    -------
    numpy.ndarray or numpy scalar

    Examples
    --------
    >>> import numpy as np
    >>> z = np.array([[2.0, 0.0, -1.0]])
    >>> round(float(generalized_cross_entropy(z, np.array([0]), q=1.0)), 4)  # 1 - p_y
    0.1562
    """
    reduction = check_reduction(reduction)
    z, t, w, ignore_index = _check_multiclass(logits, target, weight, ignore_index)
    return _softmax_family(z, t, w, ignore_index, reduction, _gce_phi(_check_q(q)), grad=False)


def generalized_cross_entropy_grad(
    logits: Any,
    target: Any,
    *,
    q: float = 0.7,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> np.ndarray:
    r"""Gradient of :func:`generalized_cross_entropy` with respect to ``logits``.

    .. math::

        \frac{\partial L_q}{\partial z_k} = w_y\, p_y^{\,q}\,(p_k - \delta_{ky}),

    i.e. the cross-entropy gradient scaled by :math:`p_y^{\,q}`: samples the
    model finds implausible (often the mislabelled ones) are down-weighted.

    Parameters
    ----------
    logits : array_like, shape (N, C)
        Finite real scores :math:`z`.
    target : array_like of int, shape (N,)
        Class indices in ``[0, C)`` or equal to ``ignore_index``.
    q : float, default 0.7
        In :math:`(0, 1]`.
    weight : array_like, shape (C,), optional
        Non-negative per-class weights :math:`w`.
    ignore_index : int, default -100
        Targets equal to it get a zero gradient row and do not count in the mean.
    reduction : {"none", "mean", "sum"}, default "mean"
        ``"none"`` and ``"sum"`` give the gradient of the summed loss (each row
        depends only on its own logits); ``"mean"`` divides it by
        :math:`\sum_i w_{y_i}` over the non-ignored samples.

    Returns
    -------
    numpy.ndarray, shape (N, C)
        :math:`\partial L / \partial z`, in the logits' dtype.

    Raises
    ------
    TypeError
        For non-numeric ``logits`` or ``weight``, non-integer targets or
        ``ignore_index``, a non-numeric ``q`` or a non-string ``reduction``.
    ValueError
        For logits that are not a finite ``(N, C)`` array with ``C >= 1``, a
        target of the wrong shape or out of range, a weight of the wrong shape
        or with negative entries, ``q`` outside :math:`(0, 1]`, an unknown ``reduction``, or
        ``reduction="mean"`` when every target is ignored or has weight 0.

    Examples
    --------
    >>> import numpy as np
    >>> generalized_cross_entropy_grad(np.zeros((1, 2)), np.array([0]), q=1.0)
    array([[-0.25,  0.25]])
    """
    reduction = check_reduction(reduction)
    z, t, w, ignore_index = _check_multiclass(logits, target, weight, ignore_index)
    return _softmax_family(z, t, w, ignore_index, reduction, _gce_phi(_check_q(q)), grad=True)


# ------------------------------------------------------------------ threshold moving

_THRESHOLD_METRICS = ("f1", "balanced_accuracy")


def tune_threshold(y_true: Any, scores: Any, *, metric: str = "f1") -> float:
    r"""The decision threshold that maximises a metric on ``(y_true, scores)``: threshold moving.

    Every distinct score :math:`s` is tried as the rule "positive iff score
    :math:`\ge s`"; with :math:`TP, FP, FN, TN` the resulting counts,

    .. math::

        F_1 = \frac{2\,TP}{2\,TP + FP + FN}, \qquad
        \text{balanced accuracy} = \tfrac12\Bigl(\frac{TP}{TP+FN} + \frac{TN}{TN+FP}\Bigr).

    The best rule (the highest threshold among ties) is returned as the
    midpoint between its score and the next lower distinct score, so that it
    classifies ``scores`` exactly as the best rule does and sits in the gap
    for unseen scores.  Tune on held-out (e.g. out-of-fold) scores, never on
    the scores of the training points themselves.

    Parameters
    ----------
    y_true : array_like of {0, 1}, shape (n,)
        Both classes must occur.
    scores : array_like, shape (n,)
        Real scores, larger meaning "more positive" (probabilities or logits).
    metric : {"f1", "balanced_accuracy"}, default "f1"

    Returns
    -------
    float

    Examples
    --------
    >>> tune_threshold([0, 0, 1, 0, 1], [0.1, 0.2, 0.3, 0.35, 0.8])
    0.25
    """
    if not isinstance(metric, str) or metric not in _THRESHOLD_METRICS:
        raise ValueError(f"metric must be one of {_THRESHOLD_METRICS}, got {metric!r}")
    y = np.asarray(y_true)
    if y.dtype.kind not in "biuf":
        raise TypeError(f"y_true must hold 0/1 labels, got dtype {y.dtype}")
    if y.ndim != 1 or y.size == 0:
        raise ValueError(f"y_true must be a non-empty 1-D array, got shape {y.shape}")
    if not np.isin(y, [0, 1]).all():
        raise ValueError("y_true must hold only 0 and 1")
    s = as_float_array(scores, "scores").astype(np.float64)
    check_same_shape(y, s, "y_true", "scores")
    check_finite(s, "scores")
    y = y.astype(bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        raise ValueError("y_true must contain both classes")
    order = np.argsort(-s, kind="stable")
    s_sorted, y_sorted = s[order], y[order]
    last = np.r_[s_sorted[1:] != s_sorted[:-1], True]  # last position of each distinct score
    tp = np.cumsum(y_sorted)[last]
    fp = np.cumsum(~y_sorted)[last]
    cand = s_sorted[last]
    if metric == "f1":
        value = 2 * tp / (2 * tp + fp + (n_pos - tp))
    else:
        value = 0.5 * (tp / n_pos + (n_neg - fp) / n_neg)
    k = int(np.argmax(value))  # first maximum = highest threshold among ties
    if k + 1 < cand.size:
        return float(0.5 * (cand[k] + cand[k + 1]))
    return float(cand[k])


# ------------------------------------------------------------------ data helpers


def _check_labels(y: Any, name: str = "y") -> np.ndarray:
    y = np.asarray(y)
    if y.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integer class labels, got dtype {y.dtype}")
    if y.ndim != 1 or y.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {y.shape}")
    if (y < 0).any():
        raise ValueError(f"{name} must hold non-negative class labels")
    return y.astype(np.int64)


def long_tailed_indices(
    y: Any, *, imbalance_ratio: float, n_max: int, seed: int | None = 0
) -> np.ndarray:
    r"""Indices of an exponentially long-tailed subsample (as in CIFAR-LT).

    Class :math:`c` (in the order of ``numpy.unique(y)``, :math:`c = 0, \dots, C-1`)
    keeps

    .. math::

        n_c = \operatorname{round}\bigl(n_{\max}\,\rho^{-c/(C-1)}\bigr)

    randomly chosen samples (at least one), so the head has :math:`n_{\max}`
    and the tail :math:`n_{\max}/\rho`, where :math:`\rho` is ``imbalance_ratio``.

    Parameters
    ----------
    y : array_like of int, shape (n,)
    imbalance_ratio : float
        :math:`\rho \ge 1`, the ratio of the largest to the smallest class.
    n_max : int
        Size of the largest class; each class must have at least its
        :math:`n_c` samples.
    seed : int or None
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    numpy.ndarray of int64
        Sorted indices into ``y``.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.repeat([0, 1, 2], 10)
    >>> np.bincount(y[long_tailed_indices(y, imbalance_ratio=9, n_max=9)])
    array([9, 3, 1])
    """
    y = _check_labels(y)
    rho = _check_number(imbalance_ratio, "imbalance_ratio")
    if rho < 1:
        raise ValueError(f"imbalance_ratio must be >= 1, got {rho}")
    n_max = _check_int(n_max, "n_max")
    if n_max < 1:
        raise ValueError(f"n_max must be >= 1, got {n_max}")
    classes = np.unique(y)
    big_c = classes.size
    if big_c < 2:
        raise ValueError("y must contain at least two classes")
    rng = np.random.default_rng(check_seed(seed, allow_none=True))
    out = []
    for c, label in enumerate(classes):
        n_c = max(1, int(round(n_max * rho ** (-c / (big_c - 1)))))
        idx = np.flatnonzero(y == label)
        if idx.size < n_c:
            raise ValueError(f"class {label} has {idx.size} samples, fewer than the {n_c} requested")
        out.append(rng.choice(idx, size=n_c, replace=False))
    return np.sort(np.concatenate(out))


def symmetric_label_noise(
    y: Any, rate: float, *, num_classes: int | None = None, seed: int | None = 0
) -> np.ndarray:
    r"""Corrupt labels with symmetric noise: each label, with probability ``rate``,
    is replaced by one of the *other* :math:`C - 1` classes chosen uniformly.

    .. math::

        P(\tilde y = j \mid y = i) = (1 - \eta)\,[i = j] + \frac{\eta}{C - 1}\,[i \ne j].

    Parameters
    ----------
    y : array_like of int, shape (n,)
    rate : float
        Noise rate :math:`\eta \in [0, 1]`.
    num_classes : int, optional
        :math:`C`; by default ``max(y) + 1``.
    seed : int or None

    Returns
    -------
    numpy.ndarray of int64
        The noisy labels (a new array).

    Examples
    --------
    >>> import numpy as np
    >>> y = np.zeros(1000, dtype=int)
    >>> noisy = symmetric_label_noise(y, 0.3, num_classes=4, seed=1)
    >>> bool(abs((noisy != 0).mean() - 0.3) < 0.05), bool(np.isin(noisy, [0, 1, 2, 3]).all())
    (True, True)
    """
    y = _check_labels(y)
    rate = _check_number(rate, "rate")
    if not 0 <= rate <= 1:
        raise ValueError(f"rate must lie in [0, 1], got {rate}")
    if num_classes is None:
        num_classes = int(y.max()) + 1
    num_classes = _check_int(num_classes, "num_classes")
    if num_classes < 2:
        raise ValueError(f"num_classes must be >= 2, got {num_classes}")
    if y.max() >= num_classes:
        raise ValueError(f"y has label {int(y.max())}, not below num_classes={num_classes}")
    rng = np.random.default_rng(check_seed(seed, allow_none=True))
    flip = rng.random(y.size) < rate
    shift = rng.integers(1, num_classes, size=y.size)  # 1..C-1: never the same class
    return np.where(flip, (y + shift) % num_classes, y)
