"""Numerically exact log-sum-exp, softmax, log-softmax, softplus and log-sigmoid.

Every function here is stable for *every* input the dtype can hold: entries
up to the dtype's maximum, rows that mix huge and tiny entries, and entries
equal to ``-inf`` (a class with probability zero).  No function overflows in
an intermediate step, emits a floating-point warning, or returns NaN for
finite input.  A result is infinite only where its exact value lies beyond
the dtype's maximum, and then it is the correctly rounded ``±inf``: e.g.
``log_softmax([1e308, -1e308])`` is ``[0, -inf]``, because the exact
``-2e308`` is below ``-max(float64)`` (and its ``exp`` is exactly 0).

Beyond stability the functions aim at being *as accurate as the problem
allows*: each result lies within a few units in the last place (ulp) of the
correctly rounded value once the error is divided by the relative condition
number of the function at that input (measured against mpmath by the tests' ``tests/ulp_accuracy.py``).  The
ingredient that the textbook "max trick" misses is :func:`numpy.log1p`:

.. math::

    \\log\\sum_j e^{x_j} = m + \\operatorname{log1p}\\Bigl(\\sum_{j\\ne k} e^{x_j-m}\\Bigr),
    \\qquad k = \\arg\\max_j x_j,\\; m = x_k ,

so that the small terms are never added to 1 before the logarithm is taken.
Consequently ``log_softmax([0, -40])[0]`` is ``-4.248e-18`` here, where the
usual ``x - m - log(sum(exp(x - m)))`` returns exactly 0.

float16, float32 and float64 inputs keep their dtype; the computation runs in
float64 and is rounded once at the end.  Integer and boolean inputs give
float64.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._docstrings import fill_doc, section
from ._validation import as_float_array, check_axis, check_finite

__all__ = ["logsumexp", "log_softmax", "softmax", "log_sigmoid", "softplus", "sigmoid"]


# ----------------------------------------------------------------------------
# internal kernels (float64, 2-D, reduction along the last axis)
# ----------------------------------------------------------------------------


def _lse_parts(z: np.ndarray, *, want_softmax: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Core of the softmax family for a C-contiguous float64 array ``z`` of shape (R, C).

    ``z`` may contain ``-inf`` but no NaN and no ``+inf``; ``C >= 1``.

    Returns ``(m, L, d, e)`` where ``m`` is the row maximum (0 for rows that
    are all ``-inf``), ``L = log1p(sum_{j != k} exp(z_j - m))``, ``d = z - m``
    (a new array) and ``e`` is the softmax (a new array) when ``want_softmax``,
    otherwise the exponentials with the arg-max entry zeroed.
    """
    rows = np.arange(z.shape[0])
    k = z.argmax(axis=1)
    m = z[rows, k]
    dead = m == -np.inf
    if dead.any():
        # all -inf row: shift by 0 instead of -inf so that z - m stays -inf
        m = np.where(dead, 0.0, m)
    # Overflow in z - m happens only when the exact difference is below
    # -max(float64); exp of it is then 0 and log_softmax is -inf, which are the
    # correctly rounded results.  Underflow of exp is likewise exact rounding.
    with np.errstate(over="ignore", under="ignore"):
        d = np.subtract(z, m[:, None])
        e = np.exp(d)
    e[rows, k] = 0.0
    s = e.sum(axis=1)
    L = np.log1p(s)
    if want_softmax:
        e[rows, k] = 1.0
        s += 1.0
        with np.errstate(under="ignore"):
            e /= s[:, None]
    return m, L, d, e


def _to_rows(x: np.ndarray, axis: int) -> tuple[np.ndarray, tuple[int, ...]]:
    """Move ``axis`` last and flatten the rest; returns float64 C-contiguous rows."""
    moved = np.moveaxis(x, axis, -1)
    shape = moved.shape
    z = np.ascontiguousarray(moved, dtype=np.float64).reshape(int(np.prod(shape[:-1])), shape[-1])
    return z, shape


def _from_rows(r: np.ndarray, shape: tuple[int, ...], axis: int, dtype: np.dtype) -> np.ndarray:
    out = np.moveaxis(r.reshape(shape), -1, axis)
    return np.ascontiguousarray(out, dtype=dtype) if out.dtype != dtype or not out.flags.c_contiguous else out


def _check_softmax_input(x: Any, axis: int, *, allow_posinf: bool) -> tuple[np.ndarray, int]:
    arr = as_float_array(x, "x", allow_empty=True)
    ax = check_axis(arr, axis, "x")
    check_finite(arr, "x", allow_neginf=True, allow_posinf=allow_posinf, why="softmax and log_softmax are undefined there")
    return arr, ax


def _softmax_rows(x: Any, axis: int, *, log: bool) -> np.ndarray:
    """softmax (or log_softmax) of ``x`` along ``axis`` from the core; NaN on all ``-inf`` slices."""
    arr, ax = _check_softmax_input(x, axis, allow_posinf=False)
    z, shape = _to_rows(arr, ax)
    if z.size == 0:
        return np.empty(arr.shape, dtype=arr.dtype)
    _, L, d, p = _lse_parts(z, want_softmax=not log)
    if log:
        with np.errstate(over="ignore"):
            p = np.subtract(d, L[:, None], out=d)
    p[(z == -np.inf).all(axis=1)] = np.nan
    return _from_rows(p, shape, ax, arr.dtype)


def _scalar_or_array(out: np.ndarray) -> Any:
    return out[()] if out.ndim == 0 else out


# ----------------------------------------------------------------------------
# public functions
# ----------------------------------------------------------------------------

_SOFTMAX_DOC = {
    "softmax_errors": """
        Raises
        ------
        TypeError
            If ``x`` is not real-valued or ``axis`` is not an integer.
        ValueError
            If ``x`` contains NaN or ``+inf``, is a scalar, or ``axis`` is out of range.
        """,
}


def logsumexp(x: Any, axis: int = -1) -> np.ndarray:
    r"""Log of the sum of exponentials along ``axis``, accurate to the last bits.

    .. math::

        \operatorname{LSE}(x) = \log\sum_j e^{x_j}
        = m + \operatorname{log1p}\Bigl(\sum_{j\ne k} e^{x_j - m}\Bigr),\qquad
        k=\arg\max_j x_j,\ m = x_k .

    Parameters
    ----------
    x : array_like
        Real values; ``-inf`` entries contribute nothing, ``+inf`` gives
        ``+inf``.  NaN is rejected.
    axis : int, default -1
        Axis to reduce.

    Returns
    -------
    numpy.ndarray or numpy scalar
        ``x`` reduced along ``axis``, in the dtype of ``x`` (float64 for
        integer input).  A slice that is entirely ``-inf`` (or empty) gives
        ``-inf``, as in :func:`torch.logsumexp`.

    Raises
    ------
    TypeError
        If ``x`` is not real-valued or ``axis`` is not an integer.
    ValueError
        If ``x`` contains NaN, is a scalar, or ``axis`` is out of range.

    Examples
    --------
    >>> import numpy as np
    >>> from xentbook import logsumexp
    >>> float(logsumexp([1000.0, 1000.0]))  # no overflow
    1000.6931471805599
    >>> float(logsumexp([0.0, -40.0]))  # log1p(exp(-40)), not 0
    4.248354255291589e-18
    """
    arr, ax = _check_softmax_input(x, axis, allow_posinf=True)
    dtype = arr.dtype
    z, shape = _to_rows(arr, ax)
    if z.shape[1] == 0:
        return _scalar_or_array(np.full(shape[:-1], -np.inf, dtype=dtype))
    m, L, _, _ = _lse_parts(np.where(np.isposinf(z), 0.0, z) if np.isposinf(z).any() else z, want_softmax=False)
    out = m + L
    out[(z == -np.inf).all(axis=1)] = -np.inf
    out[np.isposinf(z).any(axis=1)] = np.inf
    return _scalar_or_array(out.reshape(shape[:-1]).astype(dtype, copy=False))


@fill_doc(_SOFTMAX_DOC)
def log_softmax(x: Any, axis: int = -1) -> np.ndarray:
    r"""Logarithm of the softmax along ``axis``, accurate to the last bits.

    .. math::

        \log\operatorname{softmax}(x)_i = (x_i - m)
        - \operatorname{log1p}\Bigl(\sum_{j\ne k} e^{x_j - m}\Bigr),\qquad
        k=\arg\max_j x_j,\ m = x_k .

    Both terms are non-positive, so there is no cancellation, and the small
    probabilities are never rounded away by adding them to 1.

    Parameters
    ----------
    x : array_like
        Real logits; ``-inf`` marks a class of probability zero (its
        log-probability is ``-inf``).  NaN and ``+inf`` are rejected.
    axis : int, default -1
        The class axis.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype as ``x`` (float64 for integer input).  A slice
        whose entries are all ``-inf`` gives NaN throughout, exactly as
        :func:`torch.log_softmax` does: no distribution is defined there.

    %(softmax_errors)s

    Examples
    --------
    >>> from xentbook import log_softmax
    >>> log_softmax([0.0, -40.0])
    array([-4.24835426e-18, -4.00000000e+01])
    >>> log_softmax([1e308, -5e307])  # no overflow, no warning
    array([ 0.0e+000, -1.5e+308])
    """
    return _softmax_rows(x, axis, log=True)


@fill_doc(_SOFTMAX_DOC)
def softmax(x: Any, axis: int = -1) -> np.ndarray:
    r"""Softmax along ``axis``, accurate to the last bits.

    .. math::

        \operatorname{softmax}(x)_i = \frac{e^{x_i - m}}{1 + \sum_{j\ne k} e^{x_j-m}},
        \qquad k=\arg\max_j x_j,\ m = x_k .

    Parameters
    ----------
    x : array_like
        Real logits; ``-inf`` gives probability 0.  NaN and ``+inf`` are rejected.
    axis : int, default -1
        The class axis.

    Returns
    -------
    numpy.ndarray
        Probabilities, same shape and dtype as ``x`` (float64 for integer
        input).  A slice that is all ``-inf`` gives NaN, as in
        :func:`torch.softmax`.

    %(softmax_errors)s

    Examples
    --------
    >>> from xentbook import softmax
    >>> softmax([1000.0, 1000.0, -np.inf])
    array([0.5, 0.5, 0. ])
    """
    return _softmax_rows(x, axis, log=False)


_ELEMENTWISE_DOC = {
    "sections": "\n\n".join([
        section("Parameters", """
            x : array_like
                Real values (``±inf`` allowed, NaN rejected).
            """),
        section("Returns", """
            numpy.ndarray or numpy scalar
                Same shape and dtype as ``x`` (float64 for integer input).
            """),
        section("Raises", """
            TypeError
                If ``x`` is not real-valued.
            ValueError
                If ``x`` contains NaN.
            """),
        section("Examples"),
    ]),
}


def _exp_neg_abs(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Core of the sigmoid family for a float64 array ``z``: ``(e, l)`` with
    ``e = exp(-|z|)`` in ``(0, 1]`` (0 for ``±inf``) and ``l = log1p(e) = softplus(-|z|)``."""
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(z))
    return e, np.log1p(e)


def _softplus_pair(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(softplus(z), softplus(-z)) = (-log sigmoid(-z), -log sigmoid(z))`` for float64 ``z``.

    Each is a sum of two non-negative terms, so neither cancels."""
    _, l = _exp_neg_abs(z)
    return np.maximum(z, 0.0) + l, np.maximum(-z, 0.0) + l


def _sigmoid_pair(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(sigmoid(z), sigmoid(-z))`` for float64 ``z``, each with its full relative accuracy."""
    e, _ = _exp_neg_abs(z)
    pos = z >= 0
    with np.errstate(under="ignore"):
        return np.where(pos, 1.0, e) / (1.0 + e), np.where(pos, e, 1.0) / (1.0 + e)


def _elementwise(x: Any, kernel: Any) -> Any:
    """Validate ``x``, apply the float64 ``kernel`` and round once to the dtype of ``x``."""
    arr = as_float_array(x, "x", allow_empty=True)
    check_finite(arr, "x", allow_posinf=True, allow_neginf=True)
    out = kernel(arr.astype(np.float64).reshape(-1))
    return _scalar_or_array(out.reshape(arr.shape).astype(arr.dtype, copy=False))


@fill_doc(_ELEMENTWISE_DOC)
def softplus(x: Any) -> np.ndarray:
    r"""Softplus :math:`\log(1+e^{x})`, stable and accurate for every real ``x``.

    .. math::

        \operatorname{softplus}(x) = \max(x, 0) + \operatorname{log1p}\bigl(e^{-|x|}\bigr).

    Both terms are non-negative, so the sum has no cancellation; ``exp`` never
    overflows.  ``softplus(-inf) = 0`` and ``softplus(+inf) = +inf``.

    %(sections)s
    >>> from xentbook import softplus
    >>> softplus([-800.0, 0.0, 800.0])
    array([0.00000000e+000, 6.93147181e-001, 8.00000000e+002])
    >>> float(softplus(-40.0))  # exp(-40), not 0
    4.248354255291589e-18
    """
    return _elementwise(x, lambda z: _softplus_pair(z)[0])


@fill_doc(_ELEMENTWISE_DOC)
def log_sigmoid(x: Any) -> np.ndarray:
    r"""Log-sigmoid :math:`\log\sigma(x) = -\operatorname{softplus}(-x)`, stable and accurate.

    .. math::

        \log\sigma(x) = \min(x, 0) - \operatorname{log1p}\bigl(e^{-|x|}\bigr) \le 0.

    %(sections)s
    >>> from xentbook import log_sigmoid
    >>> log_sigmoid([-800.0, 0.0, 40.0])
    array([-8.00000000e+02, -6.93147181e-01, -4.24835426e-18])
    """
    return _elementwise(x, lambda z: -_softplus_pair(z)[1])


@fill_doc(_ELEMENTWISE_DOC)
def sigmoid(x: Any) -> np.ndarray:
    r"""Logistic sigmoid :math:`\sigma(x) = 1/(1+e^{-x})`, stable for every real ``x``.

    .. math::

        \sigma(x) = \begin{cases} 1/(1+e^{-x}) & x \ge 0\\
        e^{x}/(1+e^{x}) & x < 0 \end{cases}

    so that ``exp`` never overflows and tiny probabilities keep their
    relative accuracy (``sigmoid(-40)`` is ``4.25e-18``, not 0); the result
    lies in ``[0, 1]``.

    %(sections)s
    >>> from xentbook import sigmoid
    >>> sigmoid([-800.0, 0.0, 800.0])
    array([0. , 0.5, 1. ])
    """
    return _elementwise(x, lambda z: _sigmoid_pair(z)[0])
