r"""Data corruption for experiments: long-tailed subsampling and symmetric label noise.

* :func:`long_tailed_indices` -- an exponentially long-tailed subsample of a
  balanced data set, as in CIFAR-LT (Cui et al. 2019);
* :func:`symmetric_label_noise` -- each label replaced, with a given
  probability, by one of the other classes chosen uniformly.

Both are seeded (:func:`numpy.random.default_rng`) so that an experiment is
reproducible.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validation import as_int_array, check_ndim, check_number, check_range, check_seed, check_size, check_two_classes

__all__ = ["long_tailed_indices", "symmetric_label_noise"]


def _class_labels(y: Any) -> np.ndarray:
    y = as_int_array(y, "y", low=0, what="non-negative integer class labels")
    check_ndim(y, "y", 1, what="a 1-D array of class labels")
    return y


def long_tailed_indices(
    y: Any, *, imbalance_ratio: float, n_max: int, seed: int | None = 0
) -> np.ndarray:
    r"""Indices of an exponentially long-tailed subsample (as in CIFAR-LT).

    Class :math:`c` (in the order of ``numpy.unique(y)``, :math:`c = 0, \dots, C-1`)
    keeps

    .. math::

        n_c = \max\bigl(1, \operatorname{round}(n_{\max}\,\rho^{-c/(C-1)})\bigr)

    randomly chosen samples, so the head has :math:`n_{\max}` and the tail
    :math:`n_{\max}/\rho`, where :math:`\rho` is ``imbalance_ratio``.

    Parameters
    ----------
    y : array_like of int, shape (n,)
        Non-negative class labels; at least two classes.
    imbalance_ratio : float
        :math:`\rho \ge 1`, the ratio of the largest to the smallest class.
    n_max : int
        Size of the largest class; each class must have at least its
        :math:`n_c` samples.
    seed : int or None, default 0
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    numpy.ndarray of int64
        Sorted indices into ``y``.

    Raises
    ------
    TypeError
        Non-integer labels, ``n_max`` or ``seed``; a non-numeric ``imbalance_ratio``.
    ValueError
        Negative labels, fewer than two classes, ``imbalance_ratio < 1``,
        ``n_max < 1``, a class with fewer samples than requested.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.repeat([0, 1, 2], 10)
    >>> np.bincount(y[long_tailed_indices(y, imbalance_ratio=9, n_max=9)])
    array([9, 3, 1])
    """
    y = _class_labels(y)
    rho = check_number(imbalance_ratio, "imbalance_ratio", low=1.0)
    n_max = check_size(n_max, "n_max")
    classes = np.unique(y)
    big_c = classes.size
    check_two_classes(classes, "y")
    rng = np.random.default_rng(check_seed(seed, allow_none=True))
    out = []
    for c, label in enumerate(classes):
        n_c = max(1, int(round(n_max * rho ** (-c / (big_c - 1)))))
        idx = np.flatnonzero(y == label)
        if idx.size < n_c:
            raise ValueError(
                f"y has {idx.size} samples of class {label}, fewer than the {n_c} that n_max and "
                "imbalance_ratio request"
            )
        out.append(rng.choice(idx, size=n_c, replace=False))
    return np.sort(np.concatenate(out))


def symmetric_label_noise(
    y: Any, *, rate: float, n_classes: int | None = None, seed: int | None = 0
) -> np.ndarray:
    r"""Corrupt labels with symmetric noise: each label, with probability ``rate``,
    is replaced by one of the *other* :math:`C - 1` classes chosen uniformly.

    .. math::

        P(\tilde y = j \mid y = i) = (1 - \eta)\,[i = j] + \frac{\eta}{C - 1}\,[i \ne j].

    Parameters
    ----------
    y : array_like of int, shape (n,)
        Class labels in ``[0, n_classes)``.
    rate : float
        Noise rate :math:`\eta \in [0, 1]`.
    n_classes : int, optional
        :math:`C \ge 2`; by default ``max(y) + 1``.
    seed : int or None, default 0
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    numpy.ndarray of int64
        The noisy labels (a new array).

    Raises
    ------
    TypeError
        Non-integer labels, ``n_classes`` or ``seed``; a non-numeric ``rate``.
    ValueError
        Labels outside ``[0, n_classes)``, ``rate`` outside [0, 1], ``n_classes < 2``.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.zeros(1000, dtype=int)
    >>> noisy = symmetric_label_noise(y, rate=0.3, n_classes=4, seed=1)
    >>> bool(abs((noisy != 0).mean() - 0.3) < 0.05), bool(np.isin(noisy, [0, 1, 2, 3]).all())
    (True, True)
    """
    y = _class_labels(y)
    rate = check_number(rate, "rate", low=0.0, high=1.0)
    if n_classes is None:
        n_classes = int(y.max()) + 1
    n_classes = check_size(n_classes, "n_classes", low=2)
    check_range(y, "y", high=n_classes - 1, what=f"class labels below n_classes={n_classes}")
    rng = np.random.default_rng(check_seed(seed, allow_none=True))
    flip = rng.random(y.size) < rate
    shift = rng.integers(1, n_classes, size=y.size)  # 1..C-1: never the same class
    return np.where(flip, (y + shift) % n_classes, y)
