"""Finite-difference checks of analytic gradients and Jacobians.

Central differences approximate a derivative with error :math:`O(h^2)`
(truncation) plus :math:`O(\\epsilon_{\\text{mach}}/h)` (rounding of the two
function values), balanced at :math:`h \\approx \\epsilon_{\\text{mach}}^{1/3}`
times the scale of :math:`x`; the fourth-order stencil balances at
:math:`\\epsilon_{\\text{mach}}^{1/5}`.  All evaluations are done in float64.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._validation import (
    as_float_array,
    check_bool,
    check_callable,
    check_finite,
    check_int,
    check_positive,
    check_shape,
)

__all__ = ["numerical_gradient", "numerical_jacobian", "check_gradient", "GradientCheckResult"]


def _steps(x: np.ndarray, eps: float | None, order: int) -> np.ndarray:
    order = check_int(order, "order")
    if order not in (2, 4):
        raise ValueError(f"order must be 2 or 4, got {order!r}")
    if eps is None:
        eps = float(np.finfo(np.float64).eps) ** (1.0 / (order + 1))
    else:
        eps = check_positive(eps, "eps")
        lo = float(np.finfo(np.float64).eps)
        if not lo <= eps <= 0.1:
            raise ValueError(
                f"eps must lie in [{lo:.3g}, 0.1] (a relative step: smaller steps vanish in x + h, "
                f"larger ones are no derivative), got {eps}"
            )
    h = eps * np.maximum(1.0, np.abs(x))
    # make the step exactly representable: (x + h) - x == h
    return (x + h) - x


def _evaluate(f: Callable, x: np.ndarray, name: str) -> np.ndarray:
    out = f(x.copy())
    try:
        val = as_float_array(out, f"the value returned by {name}", allow_empty=True).astype(np.float64)
    except TypeError as exc:
        raise TypeError(f"{name} must return real numbers; {exc}") from None
    except ValueError as exc:
        raise ValueError(f"{name} must return real numbers; {exc}") from None
    if not np.all(np.isfinite(val)):
        raise ValueError(
            f"{name} returned a non-finite value at a perturbed point of x (x too large, or eps too large "
            f"for the domain of {name})"
        )
    return val


def numerical_jacobian(f: Callable[[np.ndarray], Any], x: Any, *, eps: float | None = None, order: int = 2) -> np.ndarray:
    r"""Finite-difference Jacobian of ``f`` at ``x`` by central differences.

    .. math::

        J_{\cdot i} \approx \frac{f(x + h_i e_i) - f(x - h_i e_i)}{2h_i}
        \quad(\text{order } 2),\qquad
        J_{\cdot i} \approx \frac{-f(x+2h_ie_i) + 8f(x+h_ie_i) - 8f(x-h_ie_i) + f(x-2h_ie_i)}{12h_i}
        \quad(\text{order } 4),

    with :math:`h_i = \text{eps}\cdot\max(1, |x_i|)`.

    Parameters
    ----------
    f : callable
        Maps a float64 array of the shape of ``x`` to an array (or scalar).
    x : array_like
        Finite point of evaluation.
    eps : float, optional
        Relative step; default :math:`\epsilon_{\text{mach}}^{1/(\text{order}+1)}`.
    order : {2, 4}, default 2
        Order of the difference stencil.

    Returns
    -------
    numpy.ndarray
        Shape ``f(x).shape + x.shape``, float64.

    Raises
    ------
    TypeError
        If ``f`` is not callable or ``x`` is not real.
    ValueError
        If ``x`` or a value of ``f`` is not finite, ``eps <= 0`` or ``order`` is not 2 or 4.

    Examples
    --------
    >>> import numpy as np
    >>> from xentbook import numerical_jacobian, softmax
    >>> J = numerical_jacobian(softmax, np.zeros(2))
    >>> np.round(J, 6)
    array([[ 0.25, -0.25],
           [-0.25,  0.25]])
    """
    check_callable(f, "f")
    x0 = as_float_array(x, "x").astype(np.float64)
    check_finite(x0, "x")
    h = _steps(x0, eps, order)
    f0 = _evaluate(f, x0, "f")
    flat = x0.reshape(-1)
    hf = h.reshape(-1)
    J = np.empty(f0.shape + (flat.size,), dtype=np.float64)
    for i in range(flat.size):
        def at(c: float) -> np.ndarray:
            xp = flat.copy()
            xp[i] = flat[i] + c * hf[i]
            return _evaluate(f, xp.reshape(x0.shape), "f")

        if order == 2:
            J[..., i] = (at(1.0) - at(-1.0)) / (2.0 * hf[i])
        else:
            J[..., i] = (8.0 * (at(1.0) - at(-1.0)) - (at(2.0) - at(-2.0))) / (12.0 * hf[i])
    return J.reshape(f0.shape + x0.shape)


def numerical_gradient(f: Callable[[np.ndarray], Any], x: Any, *, eps: float | None = None, order: int = 2) -> np.ndarray:
    r"""Finite-difference gradient of a scalar function by central differences.

    .. math::

        \frac{\partial f}{\partial x_i} \approx \frac{f(x + h_i e_i) - f(x - h_i e_i)}{2h_i},
        \qquad h_i = \text{eps}\cdot\max(1, |x_i|).

    Parameters
    ----------
    f : callable
        Maps a float64 array of the shape of ``x`` to a scalar.
    x : array_like
        Finite point of evaluation.
    eps : float, optional
        Relative step; default :math:`\epsilon_{\text{mach}}^{1/3} \approx 6\times10^{-6}`
        (order 2) or :math:`\epsilon_{\text{mach}}^{1/5}` (order 4).
    order : {2, 4}, default 2
        Order of the difference stencil.

    Returns
    -------
    numpy.ndarray
        The gradient, shape of ``x``, float64.

    Raises
    ------
    TypeError
        If ``f`` is not callable or ``x`` is not real.
    ValueError
        If ``x`` is not finite, ``f`` does not return one finite number,
        ``eps <= 0`` or ``order`` is not 2 or 4.

    Examples
    --------
    >>> import numpy as np
    >>> from xentbook import numerical_gradient
    >>> np.round(numerical_gradient(lambda v: np.sum(v ** 3), [1.0, 2.0]), 6)
    array([ 3., 12.])
    """
    check_callable(f, "f")
    x0 = as_float_array(x, "x").astype(np.float64)
    check_finite(x0, "x")
    f0 = np.asarray(f(x0.copy()))
    if f0.size != 1:
        raise ValueError(f"f must return a scalar, got an array of shape {f0.shape}")
    J = numerical_jacobian(lambda v: _evaluate(f, v, "f").reshape(()), x0, eps=eps, order=order)
    return J.reshape(x0.shape)


@dataclass(frozen=True)
class GradientCheckResult:
    """Outcome of :func:`check_gradient`; true in a boolean context iff the check passed.

    Attributes
    ----------
    passed : bool
        Whether ``|analytic - numerical| <= atol + rtol * |numerical|`` everywhere.
    max_abs_error : float
        Largest absolute difference.
    max_rel_error : float
        Largest difference divided by ``max(|analytic|, |numerical|)`` (0 where both vanish).
    worst_index : tuple
        Index of the largest violation of the tolerance.
    analytic, numerical : numpy.ndarray
        The two gradients.
    """

    passed: bool
    max_abs_error: float
    max_rel_error: float
    worst_index: tuple
    analytic: np.ndarray
    numerical: np.ndarray

    def __bool__(self) -> bool:
        return self.passed


def check_gradient(
    f: Callable[[np.ndarray], Any],
    grad: Callable[[np.ndarray], Any] | Any,
    x: Any,
    *,
    eps: float | None = None,
    order: int = 2,
    rtol: float = 1e-5,
    atol: float = 1e-8,
    raise_on_failure: bool = False,
) -> GradientCheckResult:
    r"""Compare an analytic gradient with central finite differences.

    Passes when, elementwise,

    .. math:: |g_{\text{analytic}} - g_{\text{numerical}}| \le \text{atol} + \text{rtol}\,|g_{\text{numerical}}| .

    Parameters
    ----------
    f : callable
        Scalar function of an array.
    grad : callable or array_like
        The analytic gradient: a function of ``x`` or its value at ``x``.
    x : array_like
        Finite point of evaluation.
    eps, order
        As in :func:`numerical_gradient`.
    rtol, atol : float
        Tolerances (non-negative).
    raise_on_failure : bool, default False
        Raise :class:`AssertionError` with a description instead of returning a
        failed result.

    Returns
    -------
    GradientCheckResult
        Truthy iff the check passed; carries the errors and both gradients.

    Raises
    ------
    TypeError
        If ``f`` (or a callable ``grad``) is not callable properly or inputs are not real.
    ValueError
        If shapes differ, values are not finite, or tolerances are negative.
    AssertionError
        If ``raise_on_failure`` and the check fails.

    Examples
    --------
    >>> import numpy as np
    >>> from xentbook import check_gradient, softmax_cross_entropy, softmax_cross_entropy_grad
    >>> z = np.array([[1.0, -2.0, 0.5]])
    >>> res = check_gradient(lambda v: softmax_cross_entropy(v, [2]),
    ...                      lambda v: softmax_cross_entropy_grad(v, [2]), z)
    >>> bool(res), res.max_rel_error < 1e-8
    (True, True)
    """
    check_callable(f, "f")
    rtol = check_positive(rtol, "rtol", allow_zero=True)
    atol = check_positive(atol, "atol", allow_zero=True)
    x0 = as_float_array(x, "x").astype(np.float64)
    check_finite(x0, "x")
    g_a = grad(x0.copy()) if callable(grad) else grad
    g_a = as_float_array(g_a, "grad").astype(np.float64)
    check_shape(g_a, x0.shape, "grad (the shape of x)")
    check_finite(g_a, "grad(x)")
    raise_on_failure = check_bool(raise_on_failure, "raise_on_failure")
    g_n = numerical_gradient(f, x0, eps=eps, order=order)
    diff = np.abs(g_a - g_n)
    scale = np.maximum(np.abs(g_a), np.abs(g_n))
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.where(scale > 0, diff / np.where(scale > 0, scale, 1.0), 0.0)
    excess = diff - (atol + rtol * np.abs(g_n))
    worst = np.unravel_index(int(np.argmax(excess)), x0.shape) if x0.ndim else ()
    passed = bool(np.all(excess <= 0))
    result = GradientCheckResult(
        passed=passed,
        max_abs_error=float(diff.max()),
        max_rel_error=float(rel.max()),
        worst_index=tuple(int(i) for i in worst),
        analytic=g_a,
        numerical=g_n,
    )
    if raise_on_failure and not passed:
        raise AssertionError(
            f"gradient check failed at index {result.worst_index}: analytic {g_a[worst]:.6g}, "
            f"numerical {g_n[worst]:.6g} (max abs error {result.max_abs_error:.3g}, "
            f"max rel error {result.max_rel_error:.3g}, rtol={rtol}, atol={atol})"
        )
    return result
