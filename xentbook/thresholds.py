r"""Decision thresholds: tune them on held-out scores, then apply them.

* :func:`tune_threshold` -- one threshold for a binary task (threshold moving);
* :func:`tune_thresholds` -- one threshold per label of a multi-label task;
* :func:`apply_thresholds` -- the predictions :math:`\mathbb 1[s \ge t]`.

One convention serves all three.  The rule is "positive iff score
:math:`\ge t`".  With :math:`v_1 > v_2 > \dots > v_m` the distinct scores of a
column, the candidate rules are "predict nothing", "predict the scores
:math:`\ge v_k`" for :math:`k = 1, \dots, m`, and the threshold returned for
each is

.. math::

    t_0 = +\infty, \qquad t_k = \tfrac12 (v_k + v_{k+1})\ \ (k < m), \qquad t_m = v_m ,

so that :math:`t_k` classifies the tuning scores exactly as its rule does and,
between two scores, sits in the middle of the gap.  The search is exhaustive
(cumulative counts over the sorted scores, :math:`O(n \log n)`), so the result
is the exact optimum on the data; among equally good rules the one with the
*largest* threshold wins.  Tune on held-out (e.g. out-of-fold) scores, never on
the scores of the training points themselves.

The metrics, from the counts :math:`TP, FP, FN, TN` of a rule:

.. math::

    F_1 = \frac{2\,TP}{2\,TP + FP + FN},\qquad
    J = \frac{TP}{TP + FP + FN},\qquad
    \text{balanced accuracy} = \tfrac12\Bigl(\frac{TP}{TP+FN} + \frac{TN}{TN+FP}\Bigr),

with :math:`F_1 = J = 0` when their denominator is 0 (no positives, none
predicted): a column without positives therefore gets :math:`+\infty`,
"predict nothing".  Balanced accuracy needs both classes.  The counts are
exact integers, and every metric is one division of exact integers, so equal
values compare equal and the tie rule is exact.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validation import (
    as_float_array,
    as_int_array,
    check_choice,
    check_finite,
    check_ndim,
    check_same_shape,
    check_shape,
)

__all__ = ["tune_threshold", "tune_thresholds", "apply_thresholds"]

_METRICS = ("f1", "jaccard", "balanced_accuracy")


def _cut_thresholds(values: np.ndarray) -> np.ndarray:
    """``[inf, midpoints of consecutive values..., last value]`` for descending distinct ``values``.

    A midpoint ``t`` must satisfy ``upper >= t > lower``; where ``(upper + lower) / 2``
    rounds down onto ``lower`` (adjacent floats) ``upper`` is used instead, and the
    sum is halved first where it would overflow.
    """
    upper, lower = values[:-1], values[1:]
    with np.errstate(over="ignore"):
        mid = np.where(np.isfinite(upper + lower), (upper + lower) / 2, upper / 2 + lower / 2)
    mid = np.where(mid > lower, mid, upper)
    return np.r_[np.inf, mid, values[-1:]]


def _best_threshold(y: np.ndarray, s: np.ndarray, metric: str) -> float:
    """The private core: the best threshold of one column (``y`` bool, ``s`` finite float64)."""
    order = np.argsort(-s, kind="stable")
    s_sorted, y_sorted = s[order], y[order]
    last = np.r_[s_sorted[1:] != s_sorted[:-1], True]  # last position of each distinct score
    # counts of the rule of every candidate, "predict nothing" first (float64: exact below 2**53)
    tp = np.r_[0, np.cumsum(y_sorted)[last]].astype(np.float64)
    fp = np.r_[0, np.flatnonzero(last) + 1] - tp
    n_pos = float(y.sum())
    n_neg = float(y.size) - n_pos
    fn = n_pos - tp
    if metric == "balanced_accuracy":
        num, den = tp * n_neg + (n_neg - fp) * n_pos, np.full(tp.shape, 2 * n_pos * n_neg)
    elif metric == "f1":
        num, den = 2 * tp, 2 * tp + fp + fn
    else:
        num, den = tp, tp + fp + fn
    value = num / np.maximum(den, 1.0)  # den = 0 only with num = 0: the value 0
    best = int(np.argmax(value))  # the first maximum: the largest threshold among ties
    return float(_cut_thresholds(s_sorted[last])[best])


def _inputs(y_true: Any, y_score: Any, metric: Any, ndim: int) -> tuple[np.ndarray, np.ndarray, str]:
    metric = check_choice(metric, "metric", _METRICS)
    s = as_float_array(y_score, "y_score").astype(np.float64)
    check_finite(s, "y_score")
    y = as_int_array(y_true, "y_true", allow_bool=True, allow_float=True, low=0, high=1, what="0/1 labels")
    check_same_shape(y, s, "y_true", "y_score")
    check_shape(s, ("n_samples", "n_labels")[:ndim], "y_score")
    y = y.astype(bool)
    if metric == "balanced_accuracy":
        one_class = np.all(y, axis=0) | ~np.any(y, axis=0)
        if np.any(one_class):
            raise ValueError("y_true must contain both classes (in every column) for balanced_accuracy")
    return y, s, metric


def tune_threshold(y_true: Any, y_score: Any, *, metric: str = "f1") -> float:
    r"""The decision threshold that maximises a metric on a binary task: threshold moving.

    Every rule "positive iff ``y_score`` :math:`\ge t`" is tried and the best
    :math:`t` returned, with the conventions of :mod:`xentbook.thresholds`
    (midpoints between consecutive distinct scores, the lowest score for
    "predict everything", :math:`+\infty` for "predict nothing", the largest
    threshold among ties).  ``tune_thresholds(y_true[:, None],
    y_score[:, None])`` returns the same value.

    Parameters
    ----------
    y_true : array_like of {0, 1}, shape (n,)
        Observed labels (booleans accepted).
    y_score : array_like, shape (n,)
        Finite real scores, larger meaning "more positive" (probabilities or logits).
    metric : {"f1", "jaccard", "balanced_accuracy"}, default "f1"

    Returns
    -------
    float
        ``inf`` when predicting nothing is best (e.g. no positives).

    Raises
    ------
    TypeError
        Non-numeric labels or scores, a non-string ``metric``.
    ValueError
        Labels other than 0/1, scores that are not finite, shapes that differ
        or are not 1-D, an unknown ``metric``, a single class with
        ``balanced_accuracy``.

    Examples
    --------
    >>> tune_threshold([0, 0, 1, 0, 1], [0.1, 0.2, 0.3, 0.35, 0.8])
    0.25
    >>> tune_threshold([1, 1, 0], [0.1, 0.5, 0.9])  # predicting everything is best
    0.1
    """
    y, s, metric = _inputs(y_true, y_score, metric, ndim=1)
    return _best_threshold(y, s, metric)


def tune_thresholds(y_true: Any, y_score: Any, *, metric: str = "f1") -> np.ndarray:
    r"""Per-label decision thresholds that maximise a metric, label by label (multi-label).

    Column :math:`k` gets :func:`tune_threshold` of ``(y_true[:, k], y_score[:, k])``:
    the best rule :math:`\hat y_{ik} = \mathbb 1[s_{ik} \ge t_k]`, with the
    conventions of :mod:`xentbook.thresholds`.  A label with no positives gets
    :math:`+\infty` under F1 or Jaccard (every rule scores 0, and "predict
    nothing" has the largest threshold; scikit-learn's ``zero_division=1``
    would instead call predicting nothing perfect).

    Parameters
    ----------
    y_true : array_like of {0, 1}, shape (n_samples, n_labels)
        Indicator matrix.
    y_score : array_like, shape (n_samples, n_labels)
        Finite scores or probabilities (any monotone scale).
    metric : {"f1", "jaccard", "balanced_accuracy"}, default "f1"

    Returns
    -------
    numpy.ndarray of float64, shape (n_labels,)

    Raises
    ------
    TypeError, ValueError
        As :func:`tune_threshold`, for 2-D arrays.

    Examples
    --------
    >>> tune_thresholds([[1, 0], [1, 1], [0, 1], [0, 0]], [[0.9, 0.3], [0.4, 0.8], [0.35, 0.6], [0.1, 0.7]])
    array([0.375, 0.45 ])
    """
    y, s, metric = _inputs(y_true, y_score, metric, ndim=2)
    return np.array([_best_threshold(y[:, k], s[:, k], metric) for k in range(s.shape[1])], dtype=np.float64)


def apply_thresholds(y_score: Any, thresholds: Any) -> np.ndarray:
    r"""Predictions :math:`\hat y = \mathbb 1[s \ge t]`, per label.

    Parameters
    ----------
    y_score : array_like, shape (n_samples,) or (n_samples, n_labels)
        Finite scores.
    thresholds : float or array_like of shape (n_labels,)
        One threshold, or one per column; :math:`\pm\infty` allowed
        (:math:`+\infty` predicts nothing), NaN not.

    Returns
    -------
    numpy.ndarray of int64, the shape of ``y_score``

    Raises
    ------
    TypeError
        Non-numeric scores or thresholds.
    ValueError
        Scores that are not finite or not 1-D/2-D, NaN thresholds, a number
        of thresholds that is not the number of columns.

    Examples
    --------
    >>> apply_thresholds([[0.9, 0.3], [0.4, 0.8]], [0.5, 0.25])
    array([[1, 1],
           [0, 1]])
    >>> apply_thresholds([0.2, 0.7], 0.5)
    array([0, 1])
    """
    s = as_float_array(y_score, "y_score")
    check_finite(s, "y_score")
    check_ndim(s, "y_score", (1, 2), what="1-D (n_samples,) or 2-D (n_samples, n_labels)")
    t = as_float_array(thresholds, "thresholds")
    check_finite(t, "thresholds", allow_posinf=True, allow_neginf=True)
    n_labels = 1 if s.ndim == 1 else s.shape[1]
    want = () if t.ndim == 0 or s.ndim == 1 else (n_labels,)
    check_shape(t, want, "thresholds (a scalar, or one entry per column of a 2-D y_score)")
    return (s >= t).astype(np.int64)
