"""Input validation shared by every module of :mod:`xentbook`.

Every public function validates its arguments "at the door" with these
helpers, so that bad input fails with a :class:`ValueError` or
:class:`TypeError` that names the offending argument, instead of a crash deep
inside NumPy or a silent NaN.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__: list[str] = []

_REDUCTIONS = ("none", "mean", "sum")


def as_float_array(x: Any, name: str, *, allow_empty: bool = False) -> np.ndarray:
    """Convert ``x`` to a floating-point array, refusing what is not a real number.

    float16, float32 and float64 inputs keep their dtype; booleans and integers
    become float64.  Complex, string, object and datetime inputs raise
    :class:`TypeError`; an empty array raises :class:`ValueError` unless
    ``allow_empty``.
    """
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged nested lists, for instance
        raise ValueError(f"{name} could not be converted to an array: {exc}") from exc
    if arr.dtype == object:
        raise TypeError(f"{name} must contain real numbers, got an object array")
    if arr.dtype.kind in "biu":
        arr = arr.astype(np.float64)
    elif arr.dtype.kind != "f":
        raise TypeError(f"{name} must contain real numbers, got dtype {arr.dtype}")
    if not allow_empty and arr.size == 0:
        raise ValueError(f"{name} is empty")
    return arr


def check_finite(arr: np.ndarray, name: str) -> None:
    """Raise :class:`ValueError` if ``arr`` holds NaN or an infinity."""
    if not np.all(np.isfinite(arr)):
        bad = "NaN" if np.isnan(arr).any() else "an infinite value"
        raise ValueError(f"{name} must be finite, but it contains {bad}")


def check_no_nan(arr: np.ndarray, name: str) -> None:
    """Raise :class:`ValueError` if ``arr`` holds NaN (infinities are allowed)."""
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN")


def check_axis(arr: np.ndarray, axis: int, name: str) -> int:
    """Return ``axis`` normalised to ``[0, arr.ndim)``, or raise a clear error."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"axis must be an integer, got {type(axis).__name__}")
    if arr.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension, got a scalar")
    if not -arr.ndim <= axis < arr.ndim:
        raise ValueError(f"axis {axis} is out of range for {name} with {arr.ndim} dimension(s)")
    return int(axis) % arr.ndim


def check_distribution(
    arr: np.ndarray, name: str, *, axis: int = -1, atol: float | None = None
) -> None:
    """Raise :class:`ValueError` unless ``arr`` holds probability vectors along ``axis``.

    Entries must be finite and non-negative, and every slice along ``axis``
    must sum to one within ``atol`` (default: ``sqrt(eps)`` of the dtype
    times the slice length, at least ``1e-6`` for float64).
    """
    axis = check_axis(arr, axis, name)
    if arr.shape[axis] == 0:
        raise ValueError(f"{name} has an empty axis {axis}")
    check_finite(arr, name)
    if (arr < 0).any():
        raise ValueError(f"{name} has negative entries; a probability cannot be negative")
    if atol is None:
        eps = np.finfo(arr.dtype).eps
        atol = max(float(np.sqrt(eps)), 1e-6) * max(1, arr.shape[axis]) ** 0.5
    sums = arr.sum(axis=axis, dtype=np.float64)
    worst = float(np.max(np.abs(sums - 1.0)))
    if worst > atol:
        raise ValueError(
            f"{name} must sum to 1 along axis {axis}; the worst slice is off by {worst:.3g} "
            f"(tolerance {atol:.3g})"
        )


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise :class:`ValueError` if two arrays differ in shape."""
    if a.shape != b.shape:
        raise ValueError(f"{name_a} and {name_b} must have the same shape, got {a.shape} and {b.shape}")


def check_broadcasts_to(a: np.ndarray, shape: tuple[int, ...], name: str, target: str) -> None:
    """Raise :class:`ValueError` unless ``a`` broadcasts to exactly ``shape`` (``target`` names it)."""
    try:
        ok = np.broadcast_shapes(a.shape, shape) == shape
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"{name} of shape {a.shape} does not broadcast to {target} {shape}")


def check_base(base: float | None) -> float | None:
    """Validate a logarithm base: ``None`` (natural log) or a finite number > 0, != 1."""
    if base is None:
        return None
    if isinstance(base, bool) or not isinstance(base, (int, float, np.integer, np.floating)):
        raise TypeError(f"base must be a number or None, got {type(base).__name__}")
    base = float(base)
    if not np.isfinite(base) or base <= 0 or base == 1:
        raise ValueError(f"base must be a finite number > 0 and != 1, got {base}")
    return base


def check_reduction(reduction: str) -> str:
    """Validate ``reduction`` against PyTorch's vocabulary ('none', 'mean', 'sum')."""
    if not isinstance(reduction, str):
        raise TypeError(f"reduction must be a string, got {type(reduction).__name__}")
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}")
    return reduction


def check_probability(value: float, name: str, *, closed_right: bool = True) -> float:
    """Validate a scalar in [0, 1] (or [0, 1) when ``closed_right`` is false)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    value = float(value)
    upper_ok = value <= 1.0 if closed_right else value < 1.0
    if not (np.isfinite(value) and value >= 0.0 and upper_ok):
        interval = "[0, 1]" if closed_right else "[0, 1)"
        raise ValueError(f"{name} must lie in {interval}, got {value}")
    return value


def check_positive(value: float, name: str, *, allow_zero: bool = False) -> float:
    """Validate a finite scalar > 0 (or >= 0 with ``allow_zero``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    value = float(value)
    ok = value >= 0 if allow_zero else value > 0
    if not (np.isfinite(value) and ok):
        raise ValueError(f"{name} must be a finite number {'>=' if allow_zero else '>'} 0, got {value}")
    return value
