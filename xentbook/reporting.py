"""Portable reporting: print what is stable across machines, assert the rest.

The chapters are executed again on the reader's machine and compared, digit for
digit, with the outputs stored in the notebooks (nbval).  Two implementations of
the same float computation (NumPy against PyTorch, our Newton solver against
scikit-learn's) agree only up to rounding, and the rounding depends on the CPU:
which SIMD kernels PyTorch, MKL or OpenBLAS pick, in which order they add.  A
discrepancy of ``4.8e-08`` on one machine is ``3.0e-08`` on another.  Printing it
makes the book fail everywhere but on its author's machine.

The rule of the book (``CONTRIBUTING.md``): a rounding-level difference is
*asserted* against a bound and *printed as that bound*.  :func:`below` does both
in one call, so that the number a reader sees is exactly the claim that was
checked.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["below"]


def below(value: Any, bound: float, *, name: str = "value") -> str:
    r"""Assert that ``max |value| < bound`` and return the bound as text, ``"< 1e-06"``.

    Use it for every printed discrepancy whose digits depend on the machine:

    .. math::

        \max_i |v_i| < \text{bound} \quad\Longrightarrow\quad
        \text{print } ``< \text{bound}"

    Parameters
    ----------
    value : float or array_like of float
        The discrepancy (for an array, its largest absolute entry is checked).
    bound : float
        A positive, finite bound, chosen so that the claim holds on every machine
        (measure it under the emulated CPUs of ``CONTRIBUTING.md``).
    name : str, default "value"
        How the discrepancy is called in the error message.

    Returns
    -------
    str
        ``"< "`` followed by ``bound`` in the shortest exponent notation, e.g.
        ``"< 1e-06"`` or ``"< 2.5e-08"``.

    Raises
    ------
    AssertionError
        If ``max |value| >= bound`` (the claim the text makes is false), or if
        ``value`` contains NaN.
    TypeError
        If ``value`` is not real numbers or ``bound`` is not a real number.
    ValueError
        If ``bound`` is not positive and finite, or ``value`` is empty.

    Examples
    --------
    >>> below(3.0e-08, 1e-6)
    '< 1e-06'
    >>> below([1e-13, -2e-13], 1e-12, name="max |dW|")
    '< 1e-12'
    >>> below(2e-5, 1e-6, name="max |dW|")
    Traceback (most recent call last):
        ...
    AssertionError: max |dW| = 2.000e-05 is not below 1e-06
    """
    if isinstance(bound, bool) or not isinstance(bound, (int, float, np.integer, np.floating)):
        raise TypeError(f"bound must be a real number, got {type(bound).__name__}")
    bound = float(bound)
    if not (math.isfinite(bound) and bound > 0):
        raise ValueError(f"bound must be positive and finite, got {bound!r}")
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    arr = np.asarray(value)
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        raise TypeError(f"value must be real numbers, got dtype {arr.dtype}")
    if arr.size == 0:
        raise ValueError("value must not be empty")
    worst = float(np.max(np.abs(arr)))
    if math.isnan(worst):
        raise AssertionError(f"{name} is NaN")
    if not worst < bound:
        raise AssertionError(f"{name} = {worst:.3e} is not below {bound:g}")
    mantissa, exponent = f"{bound:.6e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"< {mantissa}e{exponent}"
