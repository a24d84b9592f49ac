r"""Per-class weights for imbalanced data: scikit-learn's "balanced" and Cui et al.'s effective number.

* :func:`inverse_frequency_weights` -- :math:`w_c = n / (C\,n_c)`, computed by
  :func:`sklearn.utils.class_weight.compute_class_weight` with
  ``class_weight="balanced"`` (scikit-learn is imported only when it is called);
* :func:`effective_number_weights` -- the inverse "effective number of
  samples" :math:`(1 - \beta^{n_c}) / (1 - \beta)` of Cui et al. (2019),
  normalised to sum to :math:`C`.

Both return one weight per class, ready for the ``weight`` argument of
:func:`xentbook.softmax_cross_entropy` or :class:`torch.nn.CrossEntropyLoss`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validation import as_array, as_float_array, check_finite, check_ndim, check_number, check_unique

__all__ = ["inverse_frequency_weights", "effective_number_weights"]


def _labels_1d(x: Any, name: str) -> np.ndarray:
    """A non-empty 1-D array of labels (real numbers or strings; no NaN, no objects)."""
    arr = as_array(x, name)
    if arr.dtype == object or arr.dtype.kind in "cmMV":
        raise TypeError(f"{name} must hold real numbers or strings, got dtype {arr.dtype}")
    check_ndim(arr, name, 1, what="a 1-D array of labels")
    if arr.size == 0:
        raise ValueError(f"{name} is empty")
    if arr.dtype.kind == "f":
        check_finite(arr, name, allow_posinf=True, allow_neginf=True)  # NaN is no label
    return arr


def inverse_frequency_weights(y: Any, *, classes: Any = None) -> np.ndarray:
    r"""Inverse-frequency ("balanced") class weights :math:`w_c = n / (C\, n_c)`.

    The weights of scikit-learn's ``class_weight="balanced"``, computed by
    :func:`sklearn.utils.class_weight.compute_class_weight`.  Each class then
    carries the same total weight :math:`n_c w_c = n / C`, and
    :math:`\sum_i w_{y_i} = n`.

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

    Raises
    ------
    TypeError
        Labels that are neither real numbers nor strings.
    ValueError
        An empty or multi-dimensional ``y``, NaN labels, duplicate
        ``classes``, a label of ``y`` missing from ``classes`` or a class
        absent from ``y``.

    Examples
    --------
    >>> inverse_frequency_weights([0, 0, 0, 1])
    array([0.66666667, 2.        ])
    >>> inverse_frequency_weights(["b", "a", "a"], classes=["b", "a"])
    array([1.5 , 0.75])
    """
    y = _labels_1d(y, "y")
    if classes is None:
        cls = np.unique(y)
    else:
        cls = _labels_1d(classes, "classes")
        check_unique(cls, "classes")
    present = np.unique(y)
    missing = np.setdiff1d(present, cls)
    if missing.size:
        raise ValueError(f"y has labels that are not in classes: {missing[:5].tolist()}")
    absent = np.setdiff1d(cls, present)
    if absent.size:
        raise ValueError(f"classes {absent[:5].tolist()} never occur in y; their weight would be infinite")
    # imported here: scikit-learn takes a second to import and `import xentbook` must stay light
    from sklearn.utils.class_weight import compute_class_weight

    return np.asarray(compute_class_weight("balanced", classes=cls, y=y), dtype=np.float64)


def effective_number_weights(counts: Any, *, beta: float) -> np.ndarray:
    r"""Class-balanced weights from the "effective number of samples" (Cui et al. 2019).

    The effective number of a class with :math:`n_c` samples is
    :math:`E_c = (1 - \beta^{n_c}) / (1 - \beta)`; the weights are its inverse,
    normalised to sum to the number of classes :math:`C`:

    .. math::

        w_c = C\,\frac{(1 - \beta)/(1 - \beta^{n_c})}{\sum_{k} (1 - \beta)/(1 - \beta^{n_k})}.

    :math:`\beta = 0` gives uniform weights; :math:`\beta \to 1` gives weights
    proportional to :math:`1 / n_c` (since :math:`E_c \to n_c`), i.e. those of
    :func:`inverse_frequency_weights` rescaled.  The power is evaluated as
    ``-expm1(n log beta)`` so that :math:`\beta` close to 1 stays accurate.

    Parameters
    ----------
    counts : array_like, shape (C,)
        Positive number of training samples of each class (real numbers
        are accepted: the formula is defined for any :math:`n_c > 0`).
    beta : float
        Hyper-parameter in :math:`[0, 1)`; the paper uses 0.9 ... 0.9999.

    Returns
    -------
    numpy.ndarray of float64, shape (C,), summing to C

    Raises
    ------
    TypeError
        Non-numeric ``counts`` or ``beta``.
    ValueError
        ``counts`` empty, not 1-D, non-finite or not positive; ``beta``
        outside :math:`[0, 1)`.

    Examples
    --------
    >>> effective_number_weights([100, 10, 1], beta=0.0)
    array([1., 1., 1.])
    >>> effective_number_weights([100, 10, 1], beta=0.9).round(4)
    array([0.2393, 0.3674, 2.3932])
    """
    n = as_float_array(counts, "counts").astype(np.float64)
    check_ndim(n, "counts", 1, what="a 1-D vector")
    check_finite(n, "counts")
    if (n <= 0).any():
        raise ValueError("counts must be positive: a class with no samples has no finite weight")
    beta = check_number(beta, "beta", low=0.0, high=1.0, high_open=True)
    if beta == 0:
        inv_eff = np.ones_like(n)
    else:
        with np.errstate(divide="ignore", over="ignore"):
            inv_eff = 1.0 / -np.expm1(n * np.log(beta))  # 1 / (1 - beta^n); (1 - beta) cancels
        if not np.all(np.isfinite(inv_eff)):
            raise ValueError("counts is too small: 1 - beta**counts rounds to 0 (use counts >= 1)")
    return inv_eff * (n.size / inv_eff.sum())
