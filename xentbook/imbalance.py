"""Class imbalance: focal loss and logit adjustment, on the loss engines of :mod:`xentbook.losses`.

NumPy implementations, each with its closed-form gradient with respect to the
logits, of the losses that the chapter *Class imbalance* compares:

* :func:`sigmoid_focal_loss` -- binary focal loss (Lin et al. 2017), value-identical
  to ``torchvision.ops.sigmoid_focal_loss`` on the engine of
  :func:`~xentbook.binary_cross_entropy_with_logits`;
* :func:`softmax_focal_loss` -- its multi-class softmax form;
* :func:`logit_adjust`, :func:`logit_adjusted_cross_entropy` -- logit
  adjustment of Menon et al. (2021), post hoc and as a loss.

The multiclass losses are :func:`~xentbook.softmax_cross_entropy` with another
per-class term (focal loss) or shifted logits (logit adjustment), computed by
the same engine: they take the same targets (class indices of shape ``(N,)``
or ``(N, d1, ...)``, or class probabilities), ``weight``, ``ignore_index``,
``label_smoothing`` and ``reduction``, with the same meaning as in
:func:`torch.nn.functional.cross_entropy`, and the same edge cases (with every
target ignored, the ``"mean"`` is NaN).  Class weights, threshold tuning and
data corruption live in their own modules.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._docstrings import fill_doc
from ._validation import (
    as_float_array,
    as_priors,
    check_alpha,
    check_axis,
    check_finite,
    check_gamma,
    check_result_finite,
    check_tau,
)
from .losses import CE_TERM, GRAD, LOSS, LossTerm, binary_doc, binary_loss, multiclass_doc, multiclass_loss

__all__ = [
    "sigmoid_focal_loss",
    "sigmoid_focal_loss_grad",
    "softmax_focal_loss",
    "softmax_focal_loss_grad",
    "logit_adjust",
    "logit_adjusted_cross_entropy",
    "logit_adjusted_cross_entropy_grad",
]

_GAMMA = r"""
    gamma : float, default 2.0
        Focusing parameter :math:`\gamma \ge 0`; 0 is cross-entropy.
    """
_ALPHA = r"""
    alpha : float or None, default 0.25
        Weight of the positive class in :math:`[0, 1]`; the negative class gets
        :math:`1 - \alpha`.  ``None`` or a negative value (torchvision's ``-1``)
        disables the weighting.  The default gives the *positives* the
        smaller weight, as in the paper.
    """
_PRIORS_TAU = r"""
    priors : array_like, shape (C,)
        Training class frequencies :math:`\pi` (strictly positive, summing to 1).
    tau : float, default 1.0
        :math:`\tau \ge 0`; 0 is plain cross-entropy.
    """
_FOCAL_DOC = multiclass_doc(_GAMMA)
_ADJUSTED_DOC = multiclass_doc(_PRIORS_TAU)
_SIGMOID_FOCAL_DOC = binary_doc(_ALPHA.rstrip() + _GAMMA, pos_weight=False)


# --------------------------------------------------------------------------- focal loss


def _focal_term(gamma: Any) -> LossTerm:
    """Validate ``gamma``; ``phi(r) = (1 - p)^gamma r`` with ``r = -log p``; its slope
    ``(1 - p)^gamma + gamma (1 - p)^(gamma - 1) p r``."""
    gamma = check_gamma(gamma)
    if gamma == 0:
        return CE_TERM  # exactly cross-entropy

    def value(r: np.ndarray) -> np.ndarray:
        return (-np.expm1(-r)) ** gamma * r  # 1 - p without cancellation

    def slope(r: np.ndarray) -> np.ndarray:
        p = np.exp(-r)
        m = -np.expm1(-r)
        with np.errstate(divide="ignore", invalid="ignore"):
            # p * r <= 1/e; 0 where r is infinite (p = 0); the second term is 0 where m = 0
            pr = np.where(p > 0, p * r, 0.0)
            return m**gamma + np.where(m > 0, gamma * pr * m ** (gamma - 1.0), 0.0)

    return LossTerm(value, slope)


@fill_doc(_FOCAL_DOC)
def softmax_focal_loss(logits: Any, target: Any, *, gamma: float = 2.0, weight: Any = None, ignore_index: int = -100,
                       label_smoothing: float = 0.0, reduction: str = "mean") -> Any:
    r"""Multi-class focal loss on softmax probabilities (Lin et al. 2017).

    With :math:`p = \operatorname{softmax}(z)`, :math:`r_c = -\log p_c`, the
    (smoothed) target distribution :math:`q` and class weights :math:`w`
    (the :math:`\alpha_t` of the paper),

    .. math::

        \mathrm{FL}_n = \sum_c w_c\,q_c\,(1 - p_c)^{\gamma}\,r_c ,
        \qquad q = (1-\varepsilon)\,e_y + \varepsilon/C ,

    which is :math:`-w_y (1 - p_y)^{\gamma} \log p_y` for a class index without
    smoothing.  Reduced like :func:`torch.nn.functional.cross_entropy`:
    ``"mean"`` divides by :math:`\sum_n w_{y_n}` over the non-ignored
    elements.  :math:`\gamma = 0` is exactly :func:`~xentbook.softmax_cross_entropy`.
    :math:`1 - p_c` is evaluated as :math:`-\operatorname{expm1}(-r_c)`.

    %(parameters)s

    %(loss)s
    >>> import numpy as np
    >>> z = np.array([[2.0, 0.0, -1.0], [0.0, 0.5, 0.0]])
    >>> round(float(softmax_focal_loss(z, np.array([0, 2]), gamma=2.0)), 4)
    0.3431
    >>> round(float(softmax_focal_loss(z, np.array([0, 2]), gamma=0.0)), 4)  # = cross-entropy
    0.7321
    """
    return multiclass_loss(_focal_term(gamma), LOSS, logits, target, weight, ignore_index, label_smoothing, reduction)


@fill_doc(_FOCAL_DOC)
def softmax_focal_loss_grad(logits: Any, target: Any, *, gamma: float = 2.0, weight: Any = None,
                            ignore_index: int = -100, label_smoothing: float = 0.0,
                            reduction: str = "mean") -> np.ndarray:
    r"""Gradient of :func:`softmax_focal_loss` with respect to ``logits``.

    Each class term is :math:`\phi(r) = (1 - e^{-r})^{\gamma} r` of
    :math:`r = -\log p_c`, and :math:`\partial r_c / \partial z_k = p_k - \delta_{kc}`:

    .. math::

        \frac{\partial\,\mathrm{FL}_n}{\partial z_k}
        = \sum_c w_c\,q_c\,\phi'(r_c)\,(p_k - \delta_{kc}),\qquad
        \phi'(r) = (1-p)^{\gamma} + \gamma\,(1-p)^{\gamma-1}\,p\,r ,

    divided by :math:`\sum_n w_{y_n}` for ``"mean"``.

    %(parameters)s

    %(grad)s
    >>> import numpy as np
    >>> softmax_focal_loss_grad(np.zeros((1, 2)), np.array([0]), gamma=0.0)
    array([[-0.5,  0.5]])
    """
    return multiclass_loss(_focal_term(gamma), GRAD, logits, target, weight, ignore_index, label_smoothing, reduction)


@fill_doc(_SIGMOID_FOCAL_DOC)
def sigmoid_focal_loss(logits: Any, target: Any, *, alpha: float | None = 0.25, gamma: float = 2.0, weight: Any = None,
                       reduction: str = "mean") -> Any:
    r"""Binary focal loss on logits, value-identical to ``torchvision.ops.sigmoid_focal_loss``.

    With :math:`p = \sigma(x)`, :math:`p_t = p\,t + (1 - p)(1 - t)` and
    :math:`\alpha_t = \alpha t + (1 - \alpha)(1 - t)`,

    .. math::

        \mathrm{FL}(x, t) = -w\,\alpha_t\,(1 - p_t)^{\gamma}
            \bigl[t \log p + (1 - t)\log(1 - p)\bigr],

    i.e. :func:`~xentbook.binary_cross_entropy_with_logits` (same engine) times
    :math:`\alpha_t (1 - p_t)^{\gamma}`; :math:`\gamma = 0` with ``alpha=None``
    is binary cross-entropy.  :math:`1 - p_t = \sigma(x)(1 - t) + \sigma(-x)\,t`
    is evaluated directly, so no term cancels.  The default reduction is
    ``"mean"``, as for every loss of the package (torchvision's is ``"none"``).

    %(parameters)s

    %(loss)s
    >>> import numpy as np
    >>> sigmoid_focal_loss(np.array([2.0, -1.0]), np.array([1.0, 1.0]), reduction="none").round(4)
    array([0.0005, 0.1755])
    >>> round(float(sigmoid_focal_loss([0.3], [1.0], alpha=None, gamma=0.0)), 6)
    0.554355
    """
    focus = (check_alpha(alpha), check_gamma(gamma))
    return binary_loss(LOSS, logits, target, weight=weight, pos_weight=None, reduction=reduction, focus=focus)


@fill_doc(_SIGMOID_FOCAL_DOC)
def sigmoid_focal_loss_grad(logits: Any, target: Any, *, alpha: float | None = 0.25, gamma: float = 2.0,
                            weight: Any = None, reduction: str = "mean") -> np.ndarray:
    r"""Gradient of :func:`sigmoid_focal_loss` with respect to ``logits``.

    With :math:`m = 1 - p_t`, :math:`\partial m/\partial x = p(1-p)(1-2t)` and
    :math:`\partial\,\mathrm{CE}/\partial x = p - t`,

    .. math::

        \frac{\partial\,\mathrm{FL}}{\partial x} = w\,\alpha_t \Bigl[
            \gamma\, m^{\gamma-1}\, p(1-p)(1-2t)\,\mathrm{CE} + m^{\gamma}(p - t)\Bigr],

    divided by the number of elements for ``"mean"``.

    %(parameters)s

    %(grad)s
    >>> import numpy as np
    >>> sigmoid_focal_loss_grad(np.array([0.0]), np.array([1.0]), alpha=None, gamma=0.0)
    array([-0.5])
    """
    focus = (check_alpha(alpha), check_gamma(gamma))
    return binary_loss(GRAD, logits, target, weight=weight, pos_weight=None, reduction=reduction, focus=focus)


# ----------------------------------------------------------------- logit adjustment


def logit_adjust(logits: Any, priors: Any, *, tau: float = 1.0) -> np.ndarray:
    r"""Post-hoc logit adjustment (Menon et al. 2021): subtract :math:`\tau \log \pi`.

    .. math::

        \tilde z_{k} = z_{k} - \tau \log \pi_k .

    The arg-max of :math:`\tilde z` is the Bayes-optimal prediction for the
    *balanced* error when :math:`\operatorname{softmax}(z)` estimates
    :math:`P(y \mid x)` under training priors :math:`\pi` and :math:`\tau = 1`.

    Parameters
    ----------
    logits : array_like, shape (..., C)
        Finite scores, classes along the last axis (predictions of shape ``(N, C)``).
    priors : array_like, shape (C,)
        Training class frequencies, a strictly positive probability vector.
    tau : float, default 1.0
        Strength :math:`\tau \ge 0`; 0 leaves the logits unchanged.

    Returns
    -------
    numpy.ndarray of the shape and dtype of ``logits``

    Raises
    ------
    TypeError
        For non-numeric ``logits``, ``priors`` or ``tau``.
    ValueError
        For a scalar or non-finite ``logits``, priors that are not a positive
        distribution over the ``C`` classes, ``tau < 0``, or an adjustment
        that overflows.

    Examples
    --------
    >>> import numpy as np
    >>> logit_adjust(np.array([[1.0, 0.0]]), [0.9, 0.1]).round(3)
    array([[1.105, 2.303]])
    """
    z = as_float_array(logits, "logits")
    check_axis(z, -1, "logits")
    check_finite(z, "logits")
    pi = as_priors(priors, z.shape[-1])
    tau = check_tau(tau)
    with np.errstate(over="ignore"):
        out = z - (tau * np.log(pi)).astype(z.dtype)
    check_result_finite(out, "logits or tau", "the adjusted logits logits - tau * log(priors)")
    return out


def prior_shift(priors: Any, tau: Any) -> Any:
    """The engine's shift of the logits: ``C -> tau * log(priors)`` (priors validated against C)."""
    tau = check_tau(tau)
    return lambda C: tau * np.log(as_priors(priors, C))


@fill_doc(_ADJUSTED_DOC)
def logit_adjusted_cross_entropy(logits: Any, target: Any, priors: Any, *, tau: float = 1.0, weight: Any = None,
                                 ignore_index: int = -100, label_smoothing: float = 0.0,
                                 reduction: str = "mean") -> Any:
    r"""Logit-adjusted softmax cross-entropy (Menon et al. 2021).

    Cross-entropy of the logits *shifted by* :math:`+\tau\log\pi` during training:

    .. math::

        \ell(z, y) = -\log \frac{e^{z_y + \tau \log \pi_y}}{\sum_k e^{z_k + \tau\log\pi_k}} ,

    computed by the engine of :func:`~xentbook.softmax_cross_entropy` on the
    shifted logits, with all its options.  At test time the raw logits
    :math:`z` are used; the loss makes the model learn :math:`z` that are
    already "adjusted", so rare classes get a larger margin.

    %(parameters)s

    %(loss)s
    >>> import numpy as np
    >>> z = np.zeros((1, 2))
    >>> round(float(logit_adjusted_cross_entropy(z, np.array([1]), [0.9, 0.1])), 4)
    2.3026
    """
    return multiclass_loss(CE_TERM, LOSS, logits, target, weight, ignore_index, label_smoothing, reduction,
                           prior_shift(priors, tau))


@fill_doc(_ADJUSTED_DOC)
def logit_adjusted_cross_entropy_grad(logits: Any, target: Any, priors: Any, *, tau: float = 1.0, weight: Any = None,
                                      ignore_index: int = -100, label_smoothing: float = 0.0,
                                      reduction: str = "mean") -> np.ndarray:
    r"""Gradient of :func:`logit_adjusted_cross_entropy` with respect to ``logits``.

    The shift does not depend on :math:`z`, so this is the gradient of
    :func:`~xentbook.softmax_cross_entropy` at the shifted logits, from the
    same engine as the loss:

    .. math::

        \frac{\partial \ell}{\partial z_k} = w_y\bigl(\operatorname{softmax}(z + \tau\log\pi)_k
            - \delta_{ky}\bigr)

    without smoothing, divided by :math:`\sum_n w_{y_n}` for ``"mean"``.

    %(parameters)s

    %(grad)s
    >>> import numpy as np
    >>> logit_adjusted_cross_entropy_grad(np.zeros((1, 2)), np.array([1]), [0.9, 0.1]).round(2)
    array([[ 0.9, -0.9]])
    """
    return multiclass_loss(CE_TERM, GRAD, logits, target, weight, ignore_index, label_smoothing, reduction,
                           prior_shift(priors, tau))
