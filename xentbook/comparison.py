"""Comparing classifiers on one test set: intervals and paired tests.

Two models scored on the same test examples are compared on the *same*
examples, so the comparison is paired: what matters is where exactly one of
them is right.  Three small tools, all exact or deterministic for a given
seed (integer arithmetic), so their printed digits do not depend on the
machine:

* :func:`accuracy_interval` -- Wilson score interval of one accuracy;
* :func:`mcnemar_test` -- McNemar's exact test (a two-sided binomial test on
  the discordant examples);
* :func:`paired_bootstrap` -- percentile bootstrap interval of a difference
  of accuracies, resampling test examples (pairs) with replacement.

Examples
--------
>>> a = [True] * 90 + [False] * 10
>>> b = [True] * 80 + [False] * 20
>>> mcnemar_test(a, b)
McNemarResult(only_a=10, only_b=0, pvalue=0.001953125)
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np
from scipy import special

from ._validation import (
    as_array,
    as_int_array,
    check_int,
    check_lengths,
    check_ndim,
    check_number,
    check_seed,
    check_size_product,
)

__all__ = ["accuracy_interval", "McNemarResult", "mcnemar_test", "BootstrapResult", "paired_bootstrap"]


def _correct(x: Any, name: str) -> np.ndarray:
    arr = as_array(x, name)
    check_ndim(arr, name, 1, what="one-dimensional (one entry per test example)")
    return as_int_array(arr, name, allow_bool=True, allow_float=True, low=0, high=1,
                        what="booleans or 0/1 (is each example classified correctly?)")


def _pair(a: Any, b: Any) -> tuple[np.ndarray, np.ndarray]:
    ca, cb = _correct(a, "correct_a"), _correct(b, "correct_b")
    check_lengths(cb, ca.size, "correct_b", "correct_a")
    return ca, cb


def _z(confidence: Any) -> float:
    c = check_number(confidence, "confidence", low=0.0, high=1.0, low_open=True, high_open=True)
    return float(special.ndtri(0.5 + c / 2))


def accuracy_interval(correct: Any, *, confidence: float = 0.95) -> tuple[float, float]:
    r"""Wilson score interval for an accuracy.

    With :math:`k` correct out of :math:`n`, :math:`\hat p = k/n` and
    :math:`z` the :math:`(1+c)/2` quantile of the standard normal,

    .. math::

        \frac{\hat p + \frac{z^2}{2n} \pm z \sqrt{\frac{\hat p(1-\hat p)}{n} + \frac{z^2}{4n^2}}}
             {1 + \frac{z^2}{n}} .

    Unlike :math:`\hat p \pm z\sqrt{\hat p(1-\hat p)/n}` it stays inside
    [0, 1] and keeps its coverage near 0 and 1.

    Parameters
    ----------
    correct : array_like of bool or 0/1, shape (n,)
        Whether each test example is classified correctly.
    confidence : float
        In (0, 1).

    Returns
    -------
    (float, float)
        Lower and upper bound.

    Examples
    --------
    >>> low, high = accuracy_interval([1] * 85 + [0] * 15)
    >>> round(low, 4), round(high, 4)
    (0.7672, 0.9069)
    """
    c = _correct(correct, "correct")
    z = _z(confidence)
    n, k = c.size, int(c.sum())
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # The bounds are exactly 0 at k = 0 and exactly 1 at k = n; say so rather than round.
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return low, high


class McNemarResult(NamedTuple):
    """Discordant counts and the exact two-sided p-value of :func:`mcnemar_test`."""

    only_a: int
    only_b: int
    pvalue: float


def mcnemar_test(correct_a: Any, correct_b: Any) -> McNemarResult:
    r"""McNemar's exact test: do two classifiers differ in accuracy on the same examples?

    Only the discordant examples carry information: :math:`b` where only A
    is right, :math:`c` where only B is.  Under the null hypothesis of equal
    accuracy each discordant example is A's with probability 1/2, so

    .. math::

        p = \min\Bigl(1,\; 2 \sum_{k=0}^{\min(b, c)} \binom{b+c}{k} 2^{-(b+c)}\Bigr),

    computed exactly in rational arithmetic (the same digits on every
    machine).

    Parameters
    ----------
    correct_a, correct_b : array_like of bool or 0/1, shape (n,)
        Per-example correctness of the two classifiers, same examples, same order.

    Returns
    -------
    McNemarResult
        ``(only_a, only_b, pvalue)``; ``pvalue`` is 1 when there is no
        discordant example.

    Examples
    --------
    >>> mcnemar_test([1, 1, 1, 0, 1], [1, 0, 0, 0, 1])
    McNemarResult(only_a=2, only_b=0, pvalue=0.5)
    """
    ca, cb = _pair(correct_a, correct_b)
    b = int(np.sum((ca == 1) & (cb == 0)))
    c = int(np.sum((ca == 0) & (cb == 1)))
    n = b + c
    tail = Fraction(sum(math.comb(n, k) for k in range(min(b, c) + 1)), 2**n)
    return McNemarResult(b, c, float(min(Fraction(1), 2 * tail)))


class BootstrapResult(NamedTuple):
    """Observed difference of accuracies (A - B) and its bootstrap interval."""

    difference: float
    low: float
    high: float


def paired_bootstrap(
    correct_a: Any,
    correct_b: Any,
    *,
    n_resamples: int = 10000,
    confidence: float = 0.95,
    seed: int = 0,
) -> BootstrapResult:
    r"""Percentile bootstrap interval of the difference of two accuracies on the same examples.

    Each resample draws :math:`n` test examples with replacement (indices from
    ``numpy.random.default_rng(seed)``) and computes
    :math:`\Delta^* = \frac1n \sum_i (a_{i^*} - b_{i^*})`; the interval is the
    :math:`(1-c)/2` and :math:`(1+c)/2` quantiles of the :math:`\Delta^*`
    (linear interpolation).  Resampling *pairs* keeps the correlation
    between the two models, which an interval per model would ignore.  Each
    :math:`\Delta^*` is an integer divided by :math:`n`, so the result is the
    same on every machine for a given seed.

    Parameters
    ----------
    correct_a, correct_b : array_like of bool or 0/1, shape (n,)
    n_resamples : int
        >= 1 (and at most ``2**28``: one sum is kept per resample).
    confidence : float
        In (0, 1).
    seed : int

    Returns
    -------
    BootstrapResult
        ``(difference, low, high)`` for accuracy(A) - accuracy(B).

    Examples
    --------
    >>> r = paired_bootstrap([1] * 90 + [0] * 10, [1] * 80 + [0] * 20, n_resamples=2000)
    >>> r.difference, r.low > 0
    (0.1, True)
    """
    ca, cb = _pair(correct_a, correct_b)
    n_resamples = check_int(n_resamples, "n_resamples", low=1)
    check_size_product("n_resamples", n_resamples)  # one resampled sum is kept per resample
    c = check_number(confidence, "confidence", low=0.0, high=1.0, low_open=True, high_open=True)
    rng = np.random.default_rng(check_seed(seed))
    d = ca - cb
    n = d.size
    sums = np.empty(n_resamples, dtype=np.int64)
    chunk = max(1, 2_000_000 // n)
    for start in range(0, n_resamples, chunk):
        stop = min(n_resamples, start + chunk)
        idx = rng.integers(0, n, size=(stop - start, n))
        sums[start:stop] = d[idx].sum(axis=1)
    low, high = np.quantile(sums / n, [(1 - c) / 2, (1 + c) / 2])
    return BootstrapResult(float(d.sum() / n), float(low), float(high))
