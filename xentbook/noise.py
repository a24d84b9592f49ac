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
from .losses import MULTICLASS_DOC, multiclass_loss, LossTerm

__all__ = ["generalized_cross_entropy", "generalized_cross_entropy_grad"]

_DOC = {
    **MULTICLASS_DOC,
    "q": r"""
        q : float, default 0.7
            In :math:`(0, 1]`: :math:`q \to 0` is cross-entropy, :math:`q = 1` is :math:`1 - p_y`.
        """,
}


def _gce_term(q: float) -> LossTerm:
    """``phi(r) = (1 - e^{-q r})/q`` with ``r = -log p``; its slope ``e^{-q r} = p^q``."""
    return LossTerm(lambda r: -np.expm1(-q * r) / q, lambda r: np.exp(-q * r))


@fill_doc(_DOC)
def generalized_cross_entropy(
    logits: Any,
    target: Any,
    *,
    q: float = 0.7,
    weight: Any = None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
    reduction: str = "mean",
) -> Any:
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

    Parameters
    ----------
    %(logits_target)s
    %(q)s
    %(options)s

    Returns
    -------
    %(returns_loss)s

    %(raises)s

    %(notes)s

    Examples
    --------
    >>> import numpy as np
    >>> z = np.array([[2.0, 0.0, -1.0]])
    >>> round(float(generalized_cross_entropy(z, np.array([0]), q=1.0)), 4)  # 1 - p_y
    0.1562
    """
    return multiclass_loss(_gce_term(check_q(q)), (True, False), logits, target, weight=weight,
                            ignore_index=ignore_index, label_smoothing=label_smoothing, reduction=reduction)


@fill_doc(_DOC)
def generalized_cross_entropy_grad(
    logits: Any,
    target: Any,
    *,
    q: float = 0.7,
    weight: Any = None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
    reduction: str = "mean",
) -> np.ndarray:
    r"""Gradient of :func:`generalized_cross_entropy` with respect to ``logits``.

    .. math::

        \frac{\partial L_q}{\partial z_k} = \sum_c w_c\,q_c\,p_c^{\,q}\,(p_k - \delta_{kc}),

    i.e. :math:`w_y\,p_y^{\,q}\,(p_k - \delta_{ky})` for a class index without
    smoothing: the cross-entropy gradient scaled by :math:`p_y^{\,q}`, so that
    samples the model finds implausible (often the mislabelled ones) are
    down-weighted.

    Parameters
    ----------
    %(logits_target)s
    %(q)s
    %(options)s

    Returns
    -------
    %(returns_grad)s

    %(raises)s

    Examples
    --------
    >>> import numpy as np
    >>> generalized_cross_entropy_grad(np.zeros((1, 2)), np.array([0]), q=1.0)
    array([[-0.25,  0.25]])
    """
    return multiclass_loss(_gce_term(check_q(q)), (False, True), logits, target, weight=weight,
                            ignore_index=ignore_index, label_smoothing=label_smoothing, reduction=reduction)
