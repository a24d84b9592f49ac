"""Information theory of discrete distributions: entropy, cross-entropy, KL divergence.

All functions take probability vectors laid out along ``axis`` (default: the
last one), so a 2-D array is a batch of distributions, one per row.  They
follow the conventions of information theory (Cover & Thomas, ch. 2):

* :math:`0 \\log 0 = 0` and :math:`0 \\log (0/q) = 0`: outcomes of probability
  zero under ``p`` contribute nothing;
* :math:`p \\log (p/0) = +\\infty` for :math:`p > 0`: if ``p`` puts mass where
  ``q`` puts none, cross-entropy and KL divergence are infinite (returned as
  ``inf``, silently, without a NumPy warning).

Logarithms are natural (results in *nats*) unless ``base`` is given
(``base=2`` gives *bits*).  The computation is done in float64 whatever the
input dtype, and the summation uses :func:`scipy.special.entr`,
:func:`scipy.special.xlogy` and :func:`scipy.special.rel_entr`, which
implement the zero conventions above.

Validation
----------
``p`` and ``q`` must be probability vectors along ``axis``: finite,
non-negative, summing to one within a tolerance that scales with the input's
floating-point precision (see ``check_distribution`` in ``xentbook._validation``).
They are *not* renormalised (unlike :func:`scipy.stats.entropy`), because a
vector that does not sum to one is almost always a bug upstream.  ``p`` and
``q`` must have the same shape: no broadcasting, so that a transposed or
mis-sliced batch fails loudly instead of producing a matrix of wrong numbers;
use :func:`numpy.broadcast_to` explicitly to compare one distribution with
many.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from ._validation import (
    as_float_array,
    as_int_array,
    check_size,
    check_base,
    check_distribution,
    check_finite,
    check_range,
    check_result_finite,
    check_same_shape,
)

__all__ = [
    "self_information",
    "entropy",
    "cross_entropy",
    "kl_divergence",
    "perplexity",
    "nats_to_bits",
    "bits_to_nats",
    "empirical_distribution",
]

_LN2 = math.log(2.0)


def _distribution(x: Any, name: str, axis: int) -> np.ndarray:
    """Validate a batch of probability vectors and return it as float64."""
    arr = as_float_array(x, name)
    check_distribution(arr, name, axis=axis)
    return arr.astype(np.float64, copy=False)


def _pair(p: Any, q: Any, axis: int) -> tuple[np.ndarray, np.ndarray]:
    p_arr = as_float_array(p, "p")
    q_arr = as_float_array(q, "q")
    check_same_shape(p_arr, q_arr, "p", "q")
    check_distribution(p_arr, "p", axis=axis)
    check_distribution(q_arr, "q", axis=axis)
    return p_arr.astype(np.float64, copy=False), q_arr.astype(np.float64, copy=False)


def _scale(nats: np.ndarray, base: float | None) -> np.ndarray:
    base = check_base(base)
    if base is None:
        return nats
    return nats / math.log(base)


def _out(x: np.ndarray) -> np.ndarray | np.float64:
    """Return a 0-d result as a NumPy scalar, anything else as an array."""
    return x[()] if x.ndim == 0 else x


def self_information(p: ArrayLike, *, base: float | None = None) -> np.ndarray | np.float64:
    r"""Self-information (surprisal) of events of probability ``p``.

    .. math::

        I(p) = -\log_b p, \qquad I(0) = +\infty .

    Elementwise; ``p`` is any array of probabilities in :math:`[0, 1]` (it need
    not sum to one).  An event of probability :math:`1/2` carries one bit.

    Parameters
    ----------
    p : array_like
        Probabilities in :math:`[0, 1]`.
    base : float, optional
        Base of the logarithm; ``None`` (default) gives nats, ``2`` gives bits.

    Returns
    -------
    numpy.ndarray or numpy.float64
        :math:`-\log_b p`, same shape as ``p`` (a scalar for scalar input).

    Raises
    ------
    ValueError
        If ``p`` is empty, contains NaN or values outside :math:`[0, 1]`, or
        ``base`` is not a valid logarithm base.
    TypeError
        If ``p`` is not real-valued.

    Examples
    --------
    >>> from xentbook import self_information
    >>> self_information([0.5, 0.25, 1.0], base=2)
    array([1., 2., 0.])
    >>> float(self_information(0.0))
    inf
    """
    arr = as_float_array(p, "p")
    check_range(arr, "p", high=1.0, what="probabilities")
    check_base(base)
    with np.errstate(divide="ignore"):
        nats = -np.log(arr.astype(np.float64, copy=False))
    return _out(_scale(nats + 0.0, base))  # + 0.0 turns -0.0 into 0.0


def entropy(p: ArrayLike, *, base: float | None = None, axis: int = -1) -> np.ndarray | np.float64:
    r"""Shannon entropy of the distribution(s) ``p``.

    .. math::

        H(p) = -\sum_i p_i \log_b p_i, \qquad 0 \log 0 = 0 .

    :math:`0 \le H(p) \le \log_b K` for :math:`K` outcomes, with the upper
    bound attained exactly by the uniform distribution.

    Parameters
    ----------
    p : array_like
        Probability vectors along ``axis``.
    base : float, optional
        Base of the logarithm; ``None`` (default) gives nats, ``2`` gives bits.
    axis : int, default -1
        The axis that holds the outcomes.

    Returns
    -------
    numpy.ndarray or numpy.float64
        The entropy of every distribution: ``p``'s shape without ``axis``
        (a scalar for a single vector).

    Raises
    ------
    ValueError
        If ``p`` is not a batch of probability vectors along ``axis`` (empty,
        NaN or infinite, negative entries, sums off one), ``axis`` is out of
        range, or ``base`` is invalid.
    TypeError
        If ``p`` is not real-valued or ``axis`` is not an integer.

    See Also
    --------
    scipy.stats.entropy : same quantity, but renormalises its input.

    Examples
    --------
    >>> from xentbook import entropy
    >>> float(entropy([0.5, 0.5], base=2))
    1.0
    >>> round(float(entropy([0.25] * 4)), 6)  # log 4 nats
    1.386294
    >>> entropy([[1.0, 0.0], [0.5, 0.5]], base=2)
    array([0., 1.])
    """
    arr = _distribution(p, "p", axis)
    nats = special.entr(arr).sum(axis=axis)
    return _out(_scale(nats, base))


def cross_entropy(
    p: ArrayLike, q: ArrayLike, *, base: float | None = None, axis: int = -1
) -> np.ndarray | np.float64:
    r"""Cross-entropy :math:`H(p, q)` of ``q`` relative to ``p``.

    .. math::

        H(p, q) = -\sum_i p_i \log_b q_i = H(p) + D_{\mathrm{KL}}(p \,\|\, q),

    with :math:`0 \log q = 0` for any :math:`q`, and :math:`H(p, q) = +\infty`
    when some :math:`p_i > 0` has :math:`q_i = 0`.  It is the expected
    surprisal of outcomes drawn from ``p`` under the model ``q``; in bits, the
    average length of a code built for ``q`` used on data from ``p`` (up to
    rounding to whole bits).  It is *not* a distance: :math:`H(p, p) = H(p)`,
    which is zero only for a point mass.

    Parameters
    ----------
    p : array_like
        The data ("true") distribution(s), probability vectors along ``axis``.
    q : array_like
        The model distribution(s), same shape as ``p``.
    base, axis
        As in :func:`entropy`.

    Returns
    -------
    numpy.ndarray or numpy.float64
        :math:`H(p, q)` per distribution pair, possibly ``inf``.

    Raises
    ------
    ValueError
        If ``p`` or ``q`` is not a batch of probability vectors along
        ``axis``, their shapes differ, ``axis`` is out of range, or ``base``
        is invalid.
    TypeError
        If an input is not real-valued or ``axis`` is not an integer.

    Examples
    --------
    >>> from xentbook import cross_entropy
    >>> float(cross_entropy([0.5, 0.5], [0.25, 0.75], base=2))
    1.207518749639422
    >>> float(cross_entropy([1.0, 0.0], [0.5, 0.5], base=2))
    1.0
    >>> float(cross_entropy([0.5, 0.5], [1.0, 0.0]))
    inf
    """
    p_arr, q_arr = _pair(p, q, axis)
    nats = -special.xlogy(p_arr, q_arr).sum(axis=axis)
    return _out(_scale(nats + 0.0, base))


def kl_divergence(
    p: ArrayLike, q: ArrayLike, *, base: float | None = None, axis: int = -1
) -> np.ndarray | np.float64:
    r"""Kullback–Leibler divergence (relative entropy) :math:`D_{\mathrm{KL}}(p \,\|\, q)`.

    .. math::

        D_{\mathrm{KL}}(p \,\|\, q) = \sum_i p_i \log_b \frac{p_i}{q_i}
        = H(p, q) - H(p) \;\ge\; 0,

    with :math:`0 \log(0/q) = 0` and :math:`p \log(p/0) = +\infty` for
    :math:`p > 0`.  Gibbs' inequality: it is non-negative and zero exactly
    when ``p == q``.  It is not symmetric in general.  Computed term by term
    with :func:`scipy.special.rel_entr`, which is accurate also when ``p`` and
    ``q`` are close (no cancellation of :math:`H(p, q) - H(p)`).  Inputs sum to
    one only up to rounding, so the raw sum can come out as :math:`-10^{-16}`
    for nearly equal vectors; the result is clipped at 0.

    Parameters
    ----------
    p : array_like
        Probability vectors along ``axis``.
    q : array_like
        Probability vectors, same shape as ``p``.
    base, axis
        As in :func:`entropy`.

    Returns
    -------
    numpy.ndarray or numpy.float64
        :math:`D_{\mathrm{KL}}(p\,\|\,q)` per pair, in :math:`[0, \infty]`.

    Raises
    ------
    ValueError, TypeError
        As :func:`cross_entropy`.

    See Also
    --------
    scipy.stats.entropy : ``scipy.stats.entropy(p, q)`` is the same quantity
        (after renormalising its inputs).

    Examples
    --------
    >>> from xentbook import kl_divergence
    >>> round(float(kl_divergence([0.5, 0.5], [0.25, 0.75], base=2)), 6)
    0.207519
    >>> round(float(kl_divergence([0.25, 0.75], [0.5, 0.5], base=2)), 6)
    0.188722
    >>> float(kl_divergence([0.3, 0.7], [0.3, 0.7]))
    0.0
    """
    p_arr, q_arr = _pair(p, q, axis)
    nats = special.rel_entr(p_arr, q_arr).sum(axis=axis)
    # Vectors that agree only up to rounding can give a sum of order -1e-16; Gibbs'
    # inequality holds for exact distributions, so report such noise as 0.
    nats = np.maximum(nats, 0.0)
    return _out(_scale(nats, base))


def perplexity(
    p: ArrayLike, q: ArrayLike | None = None, *, axis: int = -1
) -> np.ndarray | np.float64:
    r"""Perplexity of a distribution, or of a model ``q`` on data from ``p``.

    .. math::

        \mathrm{PP}(p) = b^{H_b(p)} = e^{H(p)}, \qquad
        \mathrm{PP}(p, q) = b^{H_b(p, q)} = e^{H(p, q)} .

    The value does not depend on the base :math:`b`.  :math:`\mathrm{PP}(p)`
    is the "effective number of equally likely outcomes": it lies in
    :math:`[1, K]` and equals :math:`K` exactly for the uniform distribution
    on :math:`K` outcomes.  With ``q``, it is the perplexity a language
    model reports: if ``p`` is the empirical distribution of a test sample
    :math:`x_1, \dots, x_N`, then
    :math:`\mathrm{PP}(p, q) = \exp\bigl(-\tfrac1N \sum_n \log q(x_n)\bigr)`.
    By Gibbs' inequality :math:`\mathrm{PP}(p, q) \ge \mathrm{PP}(p)`, and
    :math:`\mathrm{PP}(p, q) / \mathrm{PP}(p) = e^{D_{\mathrm{KL}}(p\,\|\,q)}`.

    Parameters
    ----------
    p : array_like
        Probability vectors along ``axis``.
    q : array_like, optional
        Model probability vectors, same shape as ``p``.  If omitted, the
        perplexity of ``p`` itself.
    axis : int, default -1
        As in :func:`entropy`.

    Returns
    -------
    numpy.ndarray or numpy.float64
        Perplexity per distribution (pair), in :math:`[1, \infty]`.

    Raises
    ------
    ValueError
        If ``p`` or ``q`` is not a batch of probability vectors along
        ``axis``, their shapes differ, or ``axis`` is out of range.
    TypeError
        If an input is not real-valued or ``axis`` is not an integer.

    Examples
    --------
    >>> from xentbook import perplexity
    >>> float(perplexity([0.25] * 4))
    4.0
    >>> round(float(perplexity([0.5, 0.5], [0.25, 0.75])), 6)  # = 2 ** 1.2075...
    2.309401
    """
    h = entropy(p, axis=axis) if q is None else cross_entropy(p, q, axis=axis)
    with np.errstate(over="ignore"):
        return _out(np.exp(np.asarray(h, dtype=np.float64)))


def _convert(x: ArrayLike, factor: float, name: str) -> np.ndarray | np.float64:
    arr = as_float_array(x, name)
    check_finite(arr, name, allow_posinf=True, allow_neginf=True)
    with np.errstate(over="ignore"):
        out = arr.astype(np.float64, copy=False) * factor
    check_result_finite(out[np.isfinite(arr)], name, "the converted value")
    return _out(out)


def nats_to_bits(x: ArrayLike) -> np.ndarray | np.float64:
    r"""Convert an information quantity from nats to bits.

    .. math::

        x_{\text{bits}} = \frac{x_{\text{nats}}}{\ln 2} = x_{\text{nats}} \log_2 e

    Parameters
    ----------
    x : array_like
        Amounts in nats (``inf`` allowed, NaN not).

    Returns
    -------
    numpy.ndarray or numpy.float64
        The same amounts in bits.

    Raises
    ------
    ValueError
        If ``x`` is empty or contains NaN.
    TypeError
        If ``x`` is not real-valued.

    Examples
    --------
    >>> from xentbook import nats_to_bits
    >>> import math
    >>> float(nats_to_bits(math.log(8)))
    3.0
    """
    return _convert(x, 1.0 / _LN2, "x")


def bits_to_nats(x: ArrayLike) -> np.ndarray | np.float64:
    r"""Convert an information quantity from bits to nats.

    .. math::

        x_{\text{nats}} = x_{\text{bits}} \ln 2

    Parameters
    ----------
    x : array_like
        Amounts in bits; as for :func:`nats_to_bits`, ``inf`` is allowed and
        NaN, an empty array or a non-real dtype raise.

    Returns
    -------
    numpy.ndarray or numpy.float64
        The same amounts in nats, ``x * ln 2``.

    Examples
    --------
    >>> round(float(bits_to_nats(1.0)), 6)  # ln 2
    0.693147
    """
    return _convert(x, _LN2, "x")


def empirical_distribution(samples: ArrayLike, *, n_classes: int) -> np.ndarray:
    r"""Empirical distribution of integer class labels.

    .. math::

        \hat p_k = \frac{1}{N} \sum_{n=1}^{N} [x_n = k], \qquad k = 0, \dots, K-1 .

    The average negative log-likelihood of a categorical model ``q`` on the
    sample equals the cross-entropy :math:`H(\hat p, q)`, which is why
    maximum likelihood is minimum cross-entropy to the empirical distribution.

    Parameters
    ----------
    samples : array_like of int
        Class labels in ``0 .. n_classes - 1`` (any shape; all are pooled).
    n_classes : int
        Number of classes :math:`K \ge 1`.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_classes,)``, float64, sums to one.

    Raises
    ------
    ValueError
        If ``samples`` is empty or has labels outside ``[0, n_classes)``,
        or ``n_classes < 1``.
    TypeError
        If ``samples`` is not an integer array (booleans are refused too) or
        ``n_classes`` is not an integer.

    Examples
    --------
    >>> from xentbook import empirical_distribution
    >>> empirical_distribution([0, 2, 2, 1], n_classes=3)
    array([0.25, 0.25, 0.5 ])
    """
    n_classes = check_size(n_classes, "n_classes")
    arr = as_int_array(samples, "samples", low=0, high=n_classes - 1)
    counts = np.bincount(arr.ravel().astype(np.intp), minlength=int(n_classes))
    return counts / counts.sum()

