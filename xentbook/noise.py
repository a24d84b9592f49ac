"""Label noise: the generalized cross-entropy of Zhang & Sabuncu (2018).

:func:`generalized_cross_entropy` is :func:`~xentbook.softmax_cross_entropy`
with the per-class term :math:`-\\log p` replaced by the Box-Cox transform
:math:`(1 - p^{q})/q`, on the same engine: the same targets, ``weight``,
``ignore_index``, ``label_smoothing``, ``reduction`` and edge cases.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._docstrings import fill_doc
from ._validation import check_q
from .losses import GRAD, LOSS, LossTerm, multiclass_doc, multiclass_loss

__all__ = ["generalized_cross_entropy", "generalized_cross_entropy_grad"]

_Q = r"""
    q : float, default 0.7
        In :math:`(0, 1]`: :math:`q \to 0` is cross-entropy, :math:`q = 1` is :math:`1 - p_y`.
    """
_DOC = multiclass_doc(_Q)


def _gce_term(q: Any) -> LossTerm:
    """Validate ``q``; ``phi(r) = (1 - e^{-q r})/q`` with ``r = -log p``; its slope ``e^{-q r} = p^q``."""
    q = check_q(q)
    return LossTerm(lambda r: -np.expm1(-q * r) / q, lambda r: np.exp(-q * r))


@fill_doc(_DOC)
def generalized_cross_entropy(logits: Any, target: Any, *, q: float = 0.7, weight: Any = None, ignore_index: int = -100,
                              label_smoothing: float = 0.0, reduction: str = "mean") -> Any:
    r"""Generalized cross-entropy :math:`L_q` (Zhang & Sabuncu 2018), a noise-robust loss.

    With :math:`p = \operatorname{softmax}(z)`, the (smoothed) target
    distribution :math:`q_{\cdot}` and class weights :math:`w`,

    .. math::

        L_q(z) = \sum_c w_c\,q_c\,\frac{1 - p_c^{\,q}}{q}
        \;=\; w_y\,\frac{1 - p_y^{\,q}}{q}\ \text{for a class index without smoothing},

    evaluated as :math:`-\operatorname{expm1}(q \log p_c)/q`.  As
    :math:`q \to 0` it tends to cross-entropy :math:`-\log p_y`; at
    :math:`q = 1` it is :math:`1 - p_y`, half the mean absolute error between
    :math:`p` and the one-hot target.  It is bounded by :math:`1/q`, which is
    where its robustness to wrong labels comes from.

    %(parameters)s

    %(loss)s
    >>> import numpy as np
    >>> z = np.array([[2.0, 0.0, -1.0]])
    >>> generalized_cross_entropy(z, np.array([0]), q=1.0, reduction="none").round(4)  # 1 - p_y
    array([0.1562])
    """
    return multiclass_loss(_gce_term(q), LOSS, logits, target, weight, ignore_index, label_smoothing, reduction)


@fill_doc(_DOC)
def generalized_cross_entropy_grad(logits: Any, target: Any, *, q: float = 0.7, weight: Any = None,
                                   ignore_index: int = -100, label_smoothing: float = 0.0,
                                   reduction: str = "mean") -> np.ndarray:
    r"""Gradient of :func:`generalized_cross_entropy` with respect to the logits, in closed form.

    .. math::

        \frac{\partial L_q}{\partial z_k} = \sum_c w_c\,q_c\,p_c^{\,q}\,(p_k - \delta_{kc}),

    i.e. :math:`w_y\,p_y^{\,q}\,(p_k - \delta_{ky})` for a class index without
    smoothing: the cross-entropy gradient scaled by :math:`p_y^{\,q}`, so that
    samples the model finds implausible (often the mislabelled ones) are
    down-weighted.

    %(parameters)s

    %(grad)s
    >>> from xentbook import softmax, softmax_cross_entropy_grad
    >>> z, y = [[2.0, 0.0, -1.0]], [0]
    >>> g = generalized_cross_entropy_grad(z, y, q=0.5, reduction="sum")  # p_y^q times the CE gradient
    >>> bool(np.allclose(g, softmax(z)[0, 0] ** 0.5 * softmax_cross_entropy_grad(z, y, reduction="sum")))
    True
    """
    return multiclass_loss(_gce_term(q), GRAD, logits, target, weight, ignore_index, label_smoothing, reduction)
