r"""Negative log-likelihoods for regression: the "cross-entropy" of a Gaussian and a Poisson model.

A regression model that predicts a *distribution* for the target is trained by
the same principle as a classifier: minimise the negative log-likelihood, which
is the cross-entropy between the empirical distribution of the data and the
model.  For a Gaussian with mean :math:`\mu` and variance :math:`v`, and for a
Poisson with rate :math:`\lambda`,

.. math::

    -\log \mathcal N(y \mid \mu, v) = \tfrac12\Bigl(\log v + \frac{(y-\mu)^2}{v}\Bigr)
        + \tfrac12\log 2\pi ,
    \qquad
    -\log \operatorname{Pois}(y \mid \lambda) = \lambda - y\log\lambda + \log y! .

The functions follow :func:`torch.nn.functional.gaussian_nll_loss` and
:func:`torch.nn.functional.poisson_nll_loss` argument for argument (``full``,
``eps``, ``log_input``, ``reduction``), on NumPy, with validation at the door.
With a fixed variance the Gaussian loss is squared error up to constants; this
is why "mean squared error" *is* a cross-entropy, and
:math:`-\sum_i y_i\log\hat y_i` (a classification formula applied to real
targets) is not.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy.special import xlogy

from ._validation import (
    as_float_array,
    check_bool,
    check_broadcasts_to,
    check_finite,
    check_positive,
    check_range,
    check_reduction,
    stable_sum,
)

__all__ = ["gaussian_nll_loss", "poisson_nll_loss"]

_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


def _reduce(loss: np.ndarray, reduction: str) -> Any:
    if reduction == "none":
        return loss
    if reduction == "sum":
        return np.float64(stable_sum(loss))
    return np.float64(stable_sum(loss, loss.size))


def _input_and_target(input: Any, target: Any) -> tuple[np.ndarray, np.ndarray]:
    x = as_float_array(input, "input").astype(np.float64)
    check_finite(x, "input")
    t = as_float_array(target, "target").astype(np.float64)
    check_finite(t, "target")
    check_broadcasts_to(t, x.shape, "target", "the input's shape")
    return x, t


def _gaussian_var(var: Any, shape: tuple[int, ...]) -> np.ndarray:
    v = as_float_array(var, "var").astype(np.float64)
    if v.ndim == 0:
        pass  # one variance for everything (torch accepts a float)
    elif v.shape == shape:
        pass
    elif len(shape) >= 1 and v.shape == shape[:-1]:
        v = v[..., None]  # one variance per row, shared by the last axis
    elif len(shape) >= 1 and v.ndim == len(shape) and v.shape[:-1] == shape[:-1] and v.shape[-1] == 1:
        pass  # (..., 1): broadcast along the last axis
    else:
        raise ValueError(
            f"var of shape {v.shape} does not fit the input's shape {shape}: give the same shape, "
            "the shape without the last axis, or a last axis of length 1"
        )
    check_range(v, "var", what="variances")
    return v


def gaussian_nll_loss(
    input: Any,
    target: Any,
    var: Any,
    *,
    full: bool = False,
    eps: float = 1e-6,
    reduction: str = "mean",
) -> Any:
    r"""Gaussian negative log-likelihood, with the semantics of :func:`torch.nn.functional.gaussian_nll_loss`.

    .. math::

        L_i = \tfrac12\Bigl(\log \tilde v_i + \frac{(\mu_i - y_i)^2}{\tilde v_i}\Bigr)
              \;\bigl[+\ \tfrac12\log 2\pi \text{ if } \texttt{full}\bigr],
        \qquad \tilde v_i = \max(v_i, \varepsilon),

    so that with ``full=True`` and :math:`v_i \ge \varepsilon`, :math:`L_i` is
    exactly :math:`-\log\mathcal N(y_i\mid\mu_i, v_i)`.  For a constant
    variance, :math:`L_i = (\mu_i-y_i)^2/(2v) + \text{const}`: least squares is
    maximum likelihood under Gaussian noise.

    Parameters
    ----------
    input : array_like
        Predicted means :math:`\mu`, finite.
    target : array_like
        Observations :math:`y`, finite, broadcastable to ``input``'s shape.
    var : array_like or float
        Predicted variances :math:`v \ge 0`: a scalar, ``input``'s shape,
        ``input``'s shape without its last axis, or with a last axis of length 1.
    full : bool, default False
        Add the constant :math:`\tfrac12\log 2\pi`.
    eps : float, default 1e-6
        Lower clamp of the variance (> 0), for stability.
    reduction : {"mean", "sum", "none"}, default "mean"

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The reduced loss, or the elementwise loss (``"none"``, ``input``'s shape).

    Raises
    ------
    TypeError
        Non-numeric arrays, a non-bool ``full``, a non-number ``eps`` or a non-string ``reduction``.
    ValueError
        Non-finite values, a negative variance, shapes that do not fit,
        ``eps <= 0`` or an unknown ``reduction``.

    Examples
    --------
    >>> from xentbook import gaussian_nll_loss
    >>> float(gaussian_nll_loss([0.0, 1.0], [0.0, 3.0], 1.0))   # (0 + 4/2) / 2
    1.0
    >>> round(float(gaussian_nll_loss([0.0], [0.0], [1.0], full=True)), 6)   # log sqrt(2 pi)
    0.918939
    """
    x, t = _input_and_target(input, target)
    v = _gaussian_var(var, x.shape)
    full = check_bool(full, "full")
    eps = check_positive(eps, "eps")
    reduction = check_reduction(reduction)
    v = np.maximum(v, eps)
    loss = 0.5 * (np.log(v) + (x - t) ** 2 / v)
    if full:
        loss = loss + _HALF_LOG_2PI
    return _reduce(np.broadcast_to(loss, x.shape).copy(), reduction)


def poisson_nll_loss(
    input: Any,
    target: Any,
    *,
    log_input: bool = True,
    full: bool = False,
    eps: float = 1e-8,
    reduction: str = "mean",
) -> Any:
    r"""Poisson negative log-likelihood, with the semantics of :func:`torch.nn.functional.poisson_nll_loss`.

    With ``log_input=True`` the input is the log-rate :math:`s = \log\lambda`,
    otherwise the rate :math:`\lambda` itself:

    .. math::

        L_i = e^{s_i} - y_i s_i
        \quad\text{or}\quad
        L_i = \lambda_i - y_i \log(\lambda_i + \varepsilon),

    which is :math:`-\log\operatorname{Pois}(y_i\mid\lambda_i)` without the
    term :math:`\log y_i!` that does not depend on the model.  ``full=True``
    adds torch's Stirling approximation of that term,

    .. math::

        \log y! \approx y\log y - y + \tfrac12\log(2\pi y) \quad (y > 1;\ 0 \text{ for } y \le 1),

    whose error is about :math:`1/(12y)` (not the exact :math:`\log y!`).
    The gradient with respect to :math:`s` is :math:`e^{s} - y = \lambda - y`.

    Parameters
    ----------
    input : array_like
        Finite log-rates (``log_input=True``) or rates :math:`\ge 0`.
    target : array_like
        Counts :math:`y \ge 0` (need not be integers), broadcastable to ``input``'s shape.
    log_input : bool, default True
    full : bool, default False
        Add the Stirling term.
    eps : float, default 1e-8
        Added to the rate inside the log when ``log_input=False`` (> 0).
    reduction : {"mean", "sum", "none"}, default "mean"

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The reduced loss, or the elementwise loss (``"none"``, ``input``'s shape).
        A log-rate so large that :math:`e^{s}` overflows gives ``inf``, as in torch.

    Raises
    ------
    TypeError
        Non-numeric arrays, non-bool flags, a non-number ``eps`` or a non-string ``reduction``.
    ValueError
        Non-finite values, negative counts, negative rates (``log_input=False``),
        shapes that do not broadcast, ``eps <= 0`` or an unknown ``reduction``.

    Examples
    --------
    >>> import numpy as np
    >>> from xentbook import poisson_nll_loss
    >>> float(poisson_nll_loss([0.0], [3.0]))   # e^0 - 3 * 0
    1.0
    >>> round(float(poisson_nll_loss([2.0], [2.0], log_input=False)), 6)   # 2 - 2 log 2
    0.613706
    """
    x, t = _input_and_target(input, target)
    log_input = check_bool(log_input, "log_input")
    full = check_bool(full, "full")
    eps = check_positive(eps, "eps")
    reduction = check_reduction(reduction)
    check_range(t, "target", what="Poisson counts")
    if log_input:
        with np.errstate(over="ignore", invalid="ignore"):
            ex = np.exp(x)
            # e^x dominates t x: where e^x overflows the exact loss is above max(float64) and
            # its correct rounding is +inf (never inf - inf = NaN)
            loss = np.where(np.isinf(ex), np.inf, ex - t * x)
    else:
        check_range(x, "input", what="rates (log_input=False)")
        loss = x - t * np.log(x + eps)
    if full:
        with np.errstate(divide="ignore", invalid="ignore"):
            stirling = xlogy(t, t) - t + 0.5 * np.log(2.0 * math.pi * t)
        loss = loss + np.where(t > 1, stirling, 0.0)
    return _reduce(np.broadcast_to(loss, x.shape).copy(), reduction)
