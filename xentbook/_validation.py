"""Input validation shared by every module of :mod:`xentbook`.

Every public function validates its arguments "at the door" with these
helpers, so that bad input fails with a :class:`ValueError` or
:class:`TypeError` that names the offending argument, instead of a crash deep
inside NumPy or a silent NaN.  There is one helper per job, grouped by topic:

- **arrays**: :func:`as_array`, :func:`as_float_array`, :func:`as_int_array`,
  :func:`as_sparse_rows`; :func:`check_array_arg` (None or a scalar
  where an array is expected);
- **scalars and options**: :func:`check_number` (a real in an interval) with
  :func:`check_positive` and :func:`check_probability`; :func:`check_interval`
  (a pair ``low < high``); :func:`check_int`,
  :func:`check_size`, :func:`check_seed`; :func:`check_bool`,
  :func:`check_choice`, :func:`check_reduction`, :func:`check_base`,
  :func:`check_str`, :func:`check_path`, :func:`check_callable`,
  :func:`check_instance`; the loss parameters :func:`check_gamma`,
  :func:`check_alpha`, :func:`check_tau`, :func:`check_q`;
- **values of an array**: :func:`check_finite` (NaN and infinities),
  :func:`check_range` (non-negative, or in ``[0, high]``),
  :func:`check_nonzero_sum`,
  :func:`check_distribution` with its one tolerance
  :func:`distribution_tolerance`; :func:`check_result_finite` (a computed
  result that overflowed) and :func:`stable_sum`;
- **shapes and sizes**: :func:`check_axis`, :func:`check_shape`, :func:`check_ndim`,
  :func:`check_same_shape`, :func:`check_broadcasts_to`,
  :func:`check_lengths`, :func:`check_size_product`;
- **sequences**: :func:`check_sequence`, :func:`check_texts`,
  :func:`as_labels` (class labels of any hashable type),
  :func:`check_unique`, :func:`check_two_classes`;
- **targets and weights**: :func:`check_class_indices` (NumPy or torch),
  :func:`as_class_target`, :func:`as_multiclass_target`,
  :func:`as_class_weight` (per class), :func:`check_sample_weight` (per
  sample, or sampling weights), :func:`as_priors`.

Booleans.  A boolean array is refused (:class:`TypeError`) wherever real
numbers are expected: logits, features, weights, scores, predicted
probabilities, counts (``as_float_array``'s default).  It is accepted as 0/1
only where the argument is an *observed binary outcome*: the targets of the
binary losses (``allow_bool=True``) and the labels of binary tasks
(``as_int_array(..., allow_bool=True)``).  Class-index labels of multiclass
tasks refuse booleans.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__: list[str] = []

_REDUCTIONS = ("none", "mean", "sum")


#: Largest size (a count of classes, bins, tokens, features, ...) accepted by any function:
#: anything larger would allocate gigabytes, and no computation of the book needs it.
MAX_SIZE = 2**28

#: Seeds are integers in ``[0, MAX_SEED]``: what both NumPy and torch accept.
MAX_SEED = 2**63 - 1

_REAL = (int, float, np.integer, np.floating)


# ----------------------------------------------------------------------------
# arrays
# ----------------------------------------------------------------------------


def _type_name(value: Any) -> str:
    return type(value).__name__


def as_array(x: Any, name: str) -> np.ndarray:
    """``np.asarray(x)`` that names ``name`` when the conversion fails (ragged lists, None)."""
    if x is None:
        raise TypeError(f"{name} must be an array, got None")
    try:
        return np.asarray(x)
    except Exception as exc:  # ragged nested lists, for instance
        raise ValueError(f"{name} could not be converted to an array: {exc}") from exc


def as_float_array(x: Any, name: str, *, allow_empty: bool = False, allow_bool: bool = False) -> np.ndarray:
    """Convert ``x`` to a floating-point array, refusing what is not a real number.

    float16, float32 and float64 inputs keep their dtype; integers (and
    booleans, only with ``allow_bool``: binary targets) become float64.  Complex, string, object and
    datetime inputs raise :class:`TypeError`; an empty array raises
    :class:`ValueError` unless ``allow_empty``.
    """
    arr = as_array(x, name)
    if arr.dtype == object:
        raise TypeError(f"{name} must contain real numbers, got an object array")
    if arr.dtype.kind == "b" and not allow_bool:
        raise TypeError(f"{name} must contain real numbers, got booleans")
    if arr.dtype.kind in "biu":
        arr = arr.astype(np.float64)
    elif arr.dtype.kind != "f":
        raise TypeError(f"{name} must contain real numbers, got dtype {arr.dtype}")
    if not allow_empty and arr.size == 0:
        raise ValueError(f"{name} is empty")
    return arr


def as_int_array(
    x: Any,
    name: str,
    *,
    allow_bool: bool = False,
    allow_float: bool = False,
    allow_empty: bool = False,
    low: int | None = None,
    high: int | None = None,
    what: str = "integer class labels",
) -> np.ndarray:
    """Convert ``x`` to an int64 array of labels, or raise naming ``name``.

    Integer dtypes are accepted (booleans only with ``allow_bool``; floats
    holding whole numbers only with ``allow_float``); complex, string and
    object arrays raise :class:`TypeError`.  Values must lie in
    ``[low, high]`` when given (``ValueError``), and always in int64.
    """
    arr = as_array(x, name)
    kind = arr.dtype.kind
    if kind == "b" and not allow_bool:
        raise TypeError(f"{name} must hold {what}, got booleans")
    if kind == "f" and not allow_float and not (allow_empty and arr.size == 0):  # [] is float64
        raise TypeError(f"{name} must hold {what}, got dtype {arr.dtype}")
    if kind not in "biuf":
        raise TypeError(f"{name} must hold {what}, got dtype {arr.dtype}")
    if not allow_empty and arr.size == 0:
        raise ValueError(f"{name} is empty")
    if kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise ValueError(f"{name} must hold whole numbers ({what}); it has NaN, inf or a fraction")
        if arr.size and (arr.max() >= 2.0**63 or arr.min() < -(2.0**63)):
            raise ValueError(f"{name} has values outside the int64 range")
    if kind == "u" and arr.size and int(arr.max()) > MAX_SEED:
        raise ValueError(f"{name} has values outside the int64 range")
    out = arr.astype(np.int64)
    if out.size:
        if low is not None and int(out.min()) < low:
            raise ValueError(f"{name} must hold values >= {low}, got {int(out.min())}")
        if high is not None and int(out.max()) > high:
            raise ValueError(f"{name} must hold values <= {high}, got {int(out.max())}")
    return out


def as_sparse_rows(X: Any, name: str) -> Any:
    """``X`` as a canonical float CSR matrix of finite values (what a text vectorizer returns)."""
    import scipy.sparse as sp

    if not sp.issparse(X):
        raise TypeError(
            f"{name} must be a scipy.sparse matrix (what a fitted scikit-learn vectorizer's "
            f"transform returns), got {_type_name(X)}"
        )
    if X.ndim != 2:  # scipy sparse arrays (not matrices) may be 1-D
        raise ValueError(f"{name} must be 2-D, got {X.ndim} dimension(s)")
    if X.shape[0] == 0:
        raise ValueError(f"{name} has no rows")
    if X.shape[1] == 0:
        raise ValueError(f"{name} has no columns (an empty vocabulary?)")
    if X.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {X.dtype}")
    X = sp.csr_matrix(X, dtype=np.float64 if X.dtype.kind != "f" else X.dtype)
    check_finite(X.data, name)
    if X.data.size and np.abs(X.data).max() > np.finfo(np.float32).max:
        raise ValueError(f"{name} has values too large for the model's float32 arithmetic")
    return X


def check_array_arg(x: Any, name: str, what: str) -> None:
    """Raise :class:`TypeError` if ``x`` is None or a scalar where an array (``what``) is expected."""
    if x is None or np.isscalar(x):
        raise TypeError(f"{name} must be {what}, got {_type_name(x)}")


# ----------------------------------------------------------------------------
# scalars and options
# ----------------------------------------------------------------------------


def check_number(
    value: Any,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    allow_none: bool = False,
) -> float | None:
    """Validate a finite real scalar in an interval and return it as a float.

    ``None`` passes only with ``allow_none``.  Booleans, strings, complex
    numbers and other objects raise :class:`TypeError`; NaN, infinities,
    integers too large for a float and values outside the interval raise
    :class:`ValueError`.
    """
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, _REAL):
        raise TypeError(f"{name} must be a number{' or None' if allow_none else ''}, got {_type_name(value)}")
    try:
        v = float(value)
    except OverflowError:
        raise ValueError(f"{name} is too large to be a float: {value}") from None
    if not np.isfinite(v) and low is None and high is None:
        raise ValueError(f"{name} must be finite, got {v}")
    bad_low = low is not None and (v <= low if low_open else v < low)
    bad_high = high is not None and (v >= high if high_open else v > high)
    if bad_low or bad_high or not np.isfinite(v):
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        interval = f"{'(' if low_open or low is None else '['}{lo}, {hi}{')' if high_open or high is None else ']'}"
        raise ValueError(f"{name} must lie in {interval}, got {v}")
    return v


def check_positive(value: float, name: str, *, allow_zero: bool = False) -> float:
    """Validate a finite scalar > 0 (or >= 0 with ``allow_zero``)."""
    value = check_number(value, name)
    if not (value >= 0 if allow_zero else value > 0):
        raise ValueError(f"{name} must be a finite number {'>=' if allow_zero else '>'} 0, got {value}")
    return value


def check_probability(value: float, name: str, *, closed_right: bool = True) -> float:
    """Validate a scalar in [0, 1] (or [0, 1) when ``closed_right`` is false)."""
    return check_number(value, name, low=0.0, high=1.0, high_open=not closed_right)


def check_interval(bounds: Any, name: str, *, low: float | None = None, low_open: bool = False,
                   high: float | None = None, high_open: bool = False) -> tuple[float, float]:
    """Validate a pair ``(lo, hi)`` of numbers with ``lo < hi``, each in the given interval.

    A value that is not a tuple of two raises :class:`TypeError`; the numbers are checked by
    :func:`check_number`.
    """
    if not (isinstance(bounds, tuple) and len(bounds) == 2):
        raise TypeError(f"{name} must be a tuple (low, high), got {_type_name(bounds)}")
    lo, hi = (check_number(b, name, low=low, low_open=low_open, high=high, high_open=high_open) for b in bounds)
    if not lo < hi:
        raise ValueError(f"{name} must satisfy low < high, got {bounds}")
    return lo, hi


def check_int(
    value: Any, name: str, *, low: int | None = None, high: int | None = None, allow_none: bool = False
) -> int | None:
    """Validate an integer scalar in ``[low, high]`` (and in int64); return a Python int.

    Booleans, floats (even ``2.0``), strings and other objects raise
    :class:`TypeError`; out-of-range values raise :class:`ValueError` (never
    :class:`OverflowError`).
    """
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer{' or None' if allow_none else ''}, got {_type_name(value)}")
    v = int(value)
    lo = -MAX_SEED - 1 if low is None else low
    hi = MAX_SEED if high is None else high
    if v < lo:
        raise ValueError(f"{name} must be >= {lo}, got {v}")
    if v > hi:
        raise ValueError(f"{name} must be <= {hi}, got {v}")
    return v


def check_size(value: Any, name: str, *, low: int = 1, allow_none: bool = False) -> int | None:
    """Validate a count (of classes, bins, tokens, ...): an integer in ``[low, MAX_SIZE]``."""
    return check_int(value, name, low=low, high=MAX_SIZE, allow_none=allow_none)


def check_seed(seed: Any, name: str = "seed", *, allow_none: bool = False) -> int | None:
    """Validate a random seed: an integer in ``[0, 2**63 - 1]`` (or None with ``allow_none``)."""
    if seed is None and allow_none:
        return None
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"{name} must be an integer >= 0{' or None' if allow_none else ''}, got {_type_name(seed)}")
    return check_int(seed, name, low=0, high=MAX_SEED)


def check_bool(value: Any, name: str) -> bool:
    """Validate a flag: ``True`` or ``False`` (NumPy booleans included)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool (True or False), got {_type_name(value)}")
    return bool(value)


def check_choice(value: Any, name: str, choices: Any) -> str:
    """Validate a string option against ``choices``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {tuple(choices)}, got {_type_name(value)}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}, got {value!r}")
    return value


def check_reduction(reduction: str) -> str:
    """Validate ``reduction`` against PyTorch's vocabulary ('none', 'mean', 'sum')."""
    if not isinstance(reduction, str):
        raise TypeError(f"reduction must be a string, got {type(reduction).__name__}")
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}")
    return reduction


def check_base(base: float | None) -> float | None:
    """Validate a logarithm base: ``None`` (natural log) or a finite number > 0, != 1."""
    base = check_number(base, "base", low=0.0, low_open=True, allow_none=True)
    if base == 1:
        raise ValueError(f"base must be a finite number > 0 and != 1, got {base}")
    return base


def check_str(value: Any, name: str, *, allow_empty: bool = True) -> str:
    """Validate a string option or label (:class:`TypeError` otherwise; :class:`ValueError`
    if empty and not ``allow_empty``)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {_type_name(value)}")
    if not allow_empty and not value:
        raise ValueError(f"{name} must be a non-empty str")
    return value


def check_path(value: Any, name: str, *, allow_none: bool = False) -> Any:
    """Validate a filesystem path (``str`` or ``os.PathLike``), or None with ``allow_none``."""
    import os

    if value is None and allow_none:
        return None
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a path{' or None' if allow_none else ''}, got {_type_name(value)}")
    return value


def check_callable(f: Any, name: str) -> None:
    """Raise :class:`TypeError` unless ``f`` is callable."""
    if not callable(f):
        raise TypeError(f"{name} must be callable, got {_type_name(f)}")


def check_instance(
    value: Any,
    name: str,
    cls: type | tuple[type, ...],
    *,
    what: str | None = None,
    when: Any = None,
    allow_none: bool = False,
) -> Any:
    """Return ``value`` if it is a ``cls`` (and ``when(value)`` holds), else raise :class:`TypeError`.

    The message says that ``name`` must be ``what`` (default: "a <cls>"); with
    ``allow_none`` a None passes through.
    """
    if value is None and allow_none:
        return None
    if not isinstance(value, cls) or (when is not None and not when(value)):
        if what is None:
            what = "a " + " or ".join(c.__name__ for c in (cls if isinstance(cls, tuple) else (cls,)))
            what += " or None" if allow_none else ""
        array_like = hasattr(value, "shape") and hasattr(value, "dtype")  # an array or tensor of the wrong dtype
        detail = f"dtype {value.dtype}" if isinstance(value, cls) and array_like else _type_name(value)
        raise TypeError(f"{name} must be {what}, got {detail}")
    return value


def check_gamma(gamma: Any) -> float:
    """The focusing parameter of the focal losses: a finite number >= 0 (0 is cross-entropy)."""
    return check_number(gamma, "gamma", low=0.0)


def check_alpha(alpha: Any) -> float | None:
    """torchvision's focal ``alpha``: a number <= 1; None or a negative value (-1) disables it."""
    alpha = check_number(alpha, "alpha", high=1.0, allow_none=True)
    return None if alpha is None or alpha < 0 else alpha


def check_tau(tau: Any) -> float:
    """The strength of logit adjustment: a finite number >= 0 (0 leaves the logits unchanged)."""
    return check_number(tau, "tau", low=0.0)


def check_q(q: Any) -> float:
    """The exponent of generalized cross-entropy, in ``(0, 1]``."""
    return check_number(q, "q", low=0.0, low_open=True, high=1.0)


# ----------------------------------------------------------------------------
# values of an array
# ----------------------------------------------------------------------------


def check_finite(
    arr: np.ndarray,
    name: str,
    *,
    allow_posinf: bool = False,
    allow_neginf: bool = False,
    why: str | None = None,
) -> None:
    """Raise :class:`ValueError` if ``arr`` holds NaN, or an infinity that is not allowed.

    NaN is always refused.  ``allow_posinf``/``allow_neginf`` let ``+inf``/``-inf``
    through (a log-probability of ``-inf`` is meaningful, for instance); ``why``
    says why a refused infinity is undefined.
    """
    any_inf = allow_posinf or allow_neginf
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN" if any_inf else f"{name} must be finite, but it contains NaN")
    bad_pos = not allow_posinf and np.isposinf(arr).any()
    bad_neg = not allow_neginf and np.isneginf(arr).any()
    if bad_pos or bad_neg:
        reason = f"; {why}" if why else ""
        if any_inf:
            sign = "+inf" if bad_pos else "-inf"
            raise ValueError(f"{name} contains {sign}{reason} (use a large finite value instead)")
        raise ValueError(f"{name} must be finite, but it contains an infinite value{reason}")


def check_range(arr: np.ndarray, name: str, *, high: float | None = None, what: str = "weights") -> None:
    """Raise :class:`ValueError` unless ``arr`` is finite with every entry ``>= 0`` (and ``<= high``).

    ``what`` names the quantity in the message ("class weights", "a probability
    of the positive class", ...).
    """
    check_finite(arr, name)
    if high is None:
        if (arr < 0).any():
            raise ValueError(f"{name} has negative entries; {what} must be non-negative")
    elif ((arr < 0) | (arr > high)).any():
        raise ValueError(f"{name} must lie in [0, {high:g}] ({what})")


def check_nonzero_sum(w: np.ndarray | None, name: str, *, what: str = "the weighted mean") -> None:
    """Raise :class:`ValueError` if the weights ``w`` (when given) sum to zero (``what`` is then undefined)."""
    if w is not None and w.sum() == 0:
        raise ValueError(f"{name} sums to zero, so {what} is undefined")


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
    check_range(arr, name, what="probabilities")
    if atol is None:
        atol = distribution_tolerance(arr.dtype, arr.shape[axis])
    sums = arr.sum(axis=axis, dtype=np.float64)
    worst = float(np.max(np.abs(sums - 1.0)))
    if worst > atol:
        raise ValueError(
            f"{name} must sum to 1 along axis {axis}; the worst slice is off by {worst:.3g} "
            f"(tolerance {atol:.3g})"
        )


def distribution_tolerance(dtype: Any, n: int) -> float:
    """The one tolerance on ``|sum - 1|`` of a probability vector of length ``n``.

    ``max(sqrt(eps), 1e-6) * sqrt(n)`` with ``eps`` of the dtype (float64 for
    non-float dtypes).
    """
    dt = np.dtype(dtype)
    eps = np.finfo(dt if dt.kind == "f" else np.float64).eps
    return max(float(np.sqrt(eps)), 1e-6) * max(1, int(n)) ** 0.5


def check_result_finite(arr: Any, name: str, what: str) -> None:
    """Raise :class:`ValueError` if a computed ``what`` overflowed (input ``name`` too large)."""
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} is too large: {what} overflows float64 (rescale {name})")


def stable_sum(values: np.ndarray, denominator: float = 1.0) -> float:
    """``sum(values) / denominator`` without overflow of the intermediate sum.

    The terms are divided by their largest magnitude before summing, so a
    mean of values near ``max(float64)`` stays finite whenever the exact
    result is representable.
    """
    v = np.asarray(values, dtype=np.float64).reshape(-1)
    if v.size == 0:
        return 0.0 / denominator if denominator else float("nan")
    scale = float(np.max(np.abs(v))) if np.all(np.isfinite(v)) else 0.0
    if scale == 0.0 or scale < 1e300:
        return float(v.sum() / denominator)
    with np.errstate(over="ignore"):
        return float((v / scale).sum() / denominator * scale)


# ----------------------------------------------------------------------------
# shapes and sizes
# ----------------------------------------------------------------------------


def check_axis(arr: np.ndarray, axis: int, name: str) -> int:
    """Return ``axis`` normalised to ``[0, arr.ndim)``, or raise a clear error."""
    axis = check_int(axis, "axis")
    if arr.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension, got a scalar")
    if not -arr.ndim <= axis < arr.ndim:
        raise ValueError(f"axis {axis} is out of range for {name} with {arr.ndim} dimension(s)")
    return int(axis) % arr.ndim


def check_shape(arr: Any, shape: tuple[Any, ...], name: str) -> None:
    """Raise :class:`ValueError` unless ``arr.shape`` matches ``shape``, whose entries are lengths
    or names of free lengths (``("N", "d")``: any 2-D array)."""
    ok = len(arr.shape) == len(shape) and all(isinstance(s, str) or s == a for a, s in zip(arr.shape, shape))
    if not ok:
        want = "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"
        raise ValueError(f"{name} must have shape {want}, got {tuple(arr.shape)}")


def check_ndim(arr: Any, name: str, ndims: int | tuple[int, ...], *, what: str | None = None) -> None:
    """Raise :class:`ValueError` unless ``arr.ndim`` is ``ndims`` (or one of them).

    The message says that ``name`` must be ``what`` (default: "1-D", "1-D or 2-D", ...).
    """
    allowed = (ndims,) if isinstance(ndims, int) else tuple(ndims)
    if arr.ndim not in allowed:
        if what is None:
            what = " or ".join(f"{d}-D" for d in allowed)
        raise ValueError(f"{name} must be {what}, got {arr.ndim}-D")


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


def check_lengths(arr: np.ndarray, length: int, name: str, other: str, *, what: str = "entries",
                  of: str = "entries") -> None:
    """Raise :class:`ValueError` unless ``arr`` is 1-D with one entry per item of ``other``.

    ``what`` and ``of`` name the items of ``arr`` and of ``other`` in the message
    ("y has 2 labels but X has 5 rows; they must match").
    """
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.shape[0] != length:
        raise ValueError(f"{name} has {arr.shape[0]} {what} but {other} has {length} {of}; they must match")


def check_size_product(name: str, *sizes: int) -> None:
    """Refuse an allocation of ``prod(sizes)`` elements above :data:`MAX_SIZE`."""
    total = 1
    for s in sizes:
        total *= int(s)
    if total > MAX_SIZE:
        raise ValueError(f"{name} would allocate {total} elements (more than {MAX_SIZE}); use smaller sizes")


# ----------------------------------------------------------------------------
# sequences
# ----------------------------------------------------------------------------


def check_sequence(
    value: Any,
    name: str,
    *,
    of: type | tuple[type, ...] | None = None,
    what: str = "items",
    allow_empty: bool = True,
) -> tuple:
    """Validate a one-dimensional sequence and return it as a tuple.

    Lists, tuples, other :class:`~collections.abc.Sequence` types and 1-D
    array-likes (a NumPy array, a pandas Series) are accepted; a single string,
    a mapping, a set, an iterator or a scalar raises :class:`TypeError`, and an
    array of more than one dimension :class:`ValueError`.  With ``of``, every
    element must be an instance of it (:class:`TypeError` naming the first one
    that is not, as ``name[i]``); an empty sequence raises :class:`ValueError`
    unless ``allow_empty``.
    """
    from collections.abc import Sequence

    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a sequence of {what}, not a single {_type_name(value)}")
    if not (isinstance(value, Sequence) or hasattr(value, "ndim")):
        raise TypeError(f"{name} must be a sequence of {what}, got {_type_name(value)}")
    if getattr(value, "ndim", 1) != 1:
        raise ValueError(f"{name} must be a 1-D sequence of {what}, got {value.ndim} dimension(s)")
    out = tuple(value)
    if not allow_empty and not out:
        raise ValueError(f"{name} is empty")
    if of is not None:
        for i, item in enumerate(out):
            if not isinstance(item, of):
                raise TypeError(f"{name} must contain {what}, but {name}[{i}] is {_type_name(item)}")
    return out


def check_texts(texts: Any, name: str = "texts", *, allow_empty: bool = True) -> tuple[str, ...]:
    """Validate a sequence of strings (not a single string) and return it as a tuple
    (:func:`check_sequence` with ``of=str``)."""
    return check_sequence(texts, name, of=str, what="strings", allow_empty=allow_empty)


def as_labels(y: Any, name: str, n_rows: int, rows_name: str) -> np.ndarray:
    """Class labels of any hashable type as a 1-D array, one per row (scikit-learn's rules).

    A single string, a multi-dimensional array and continuous (non-integral
    float) or mixed-type labels are refused, as
    :func:`sklearn.utils.multiclass.check_classification_targets` does.
    """
    if isinstance(y, (str, bytes)):
        raise TypeError(f"{name} must be a sequence of labels, not a single {_type_name(y)}")
    try:
        arr = np.asarray(y if isinstance(y, np.ndarray) else list(y))
    except TypeError:
        raise TypeError(f"{name} must be a sequence of labels, got {_type_name(y)}") from None
    except ValueError as exc:  # ragged
        raise ValueError(f"{name} must be 1-D: {exc}") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    check_lengths(arr, n_rows, name, rows_name, what="labels", of="rows")
    if arr.dtype.kind == "c":
        raise TypeError(f"{name} must hold class labels (integers or strings), got complex numbers")
    from sklearn.utils.multiclass import type_of_target

    try:
        kind = type_of_target(arr, input_name=name)
    except ValueError as exc:
        raise ValueError(f"{name} must hold class labels: {exc}") from None
    if kind not in ("binary", "multiclass"):
        raise ValueError(
            f"{name} must hold class labels (integers or strings of one type), "
            f"got target type {kind!r}"
        )
    return arr


def check_unique(arr: np.ndarray, name: str) -> None:
    """Raise :class:`ValueError` if the 1-D array ``arr`` (labels, classes) repeats a value."""
    values, counts = np.unique(arr, return_counts=True)
    if (counts > 1).any():
        raise ValueError(f"{name} contains duplicates: {values[counts > 1][:5].tolist()}")


def check_two_classes(classes: np.ndarray, name: str) -> None:
    """Raise :class:`ValueError` unless ``classes`` (the distinct labels found in ``name``) has at least two."""
    if len(classes) < 2:
        raise ValueError(f"{name} must contain at least 2 classes, got {np.asarray(classes).tolist()}")


# ----------------------------------------------------------------------------
# targets and weights
# ----------------------------------------------------------------------------


def check_class_indices(target: Any, n_classes: int, ignore_index: int, name: str = "target") -> Any:
    """Mask of the entries of ``target`` that are not ``ignore_index``; raise unless they lie in ``[0, n_classes)``.

    Works on NumPy arrays and torch tensors alike (only comparisons and
    indexing are used), so the NumPy and torch versions of a loss share it.
    """
    valid = target != ignore_index
    bad = valid & ((target < 0) | (target >= n_classes))
    if bad.any():
        raise ValueError(
            f"{name} has class indices outside [0, {n_classes}) (e.g. {int(target[bad][0])}); "
            f"only ignore_index={int(ignore_index)} may lie outside"
        )
    return valid


def as_class_target(target: Any, shape: tuple[int, ...], n_classes: int, ignore_index: int,
                    name: str = "target") -> tuple[np.ndarray, np.ndarray]:
    """Convert class indices of ``shape`` and check them with :func:`check_class_indices`.

    Returns ``(y, valid)`` flattened: int64 indices with the ignored ones set to 0, and the
    mask of the non-ignored ones.
    """
    y = as_int_array(target, name, allow_empty=True, what="integer class indices")
    if y.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got {y.shape}")
    y = y.reshape(-1)
    valid = check_class_indices(y, n_classes, ignore_index, name)
    return np.where(valid, y, 0), valid


def as_multiclass_target(target: Any, logits_shape: tuple[int, ...], class_axis: int, ignore_index: int,
                         name: str = "target") -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
    """Validate the target of a multiclass loss, as torch's ``cross_entropy`` reads it.

    Float targets are class probabilities of the logits' shape (a distribution along
    ``class_axis``); anything else must be integer class indices of the logits' shape
    without ``class_axis`` (:func:`as_class_target`).  Returns ``(y, valid, None)`` or
    ``(None, None, t)`` with ``t`` float64 of the logits' shape.
    """
    tgt = as_array(target, name)
    index_shape = tuple(s for i, s in enumerate(logits_shape) if i != class_axis)
    if tgt.dtype.kind != "f":
        return (*as_class_target(tgt, index_shape, logits_shape[class_axis], ignore_index, name), None)
    if tgt.shape == index_shape != tuple(logits_shape):
        raise TypeError(f"{name} looks like class indices but has a floating dtype; pass an integer array of "
                        "class indices, or class probabilities of the logits' shape")
    check_shape(tgt, tuple(logits_shape), f"{name} (class probabilities, the logits' shape)")
    check_distribution(tgt, name, axis=class_axis)
    return None, None, tgt.astype(np.float64)


def as_class_weight(weight: Any, n_classes: int | None = None, name: str = "weight") -> np.ndarray | None:
    """Validate per-class weights (torch's ``weight``): ``None``, or a finite, non-negative 1-D
    vector with one entry per class (``n_classes``; any length when None), as float64."""
    if weight is None:
        return None
    w = as_float_array(weight, name)
    if w.ndim != 1 or (n_classes is not None and w.shape[0] != n_classes):
        per = f" ({n_classes})" if n_classes is not None else ""
        raise ValueError(f"{name} must be a 1-D array with one entry per class{per}, got shape {w.shape}")
    check_range(w, name, what="class weights")
    return w.astype(np.float64)


def check_sample_weight(
    sample_weight: Any, n_samples: int, *, name: str = "sample_weight", allow_negative: bool = False
) -> np.ndarray | None:
    """Validate per-sample weights: ``None`` or float64 of shape ``(n_samples,)``.

    Serves scikit-learn's ``sample_weight`` (a weight per sample in a sum) and
    the sampling weights of a sampler (unnormalised probabilities of drawing
    each sample; ``name`` says which).  The weights must be finite and not all
    zero; negative weights raise :class:`ValueError` unless ``allow_negative``
    (scikit-learn's metrics accept them).  A scalar raises :class:`TypeError`.
    """
    if sample_weight is None:
        return None
    if np.isscalar(sample_weight):
        raise TypeError(f"{name} must be an array with one weight per sample or None, got a scalar")
    w = as_float_array(sample_weight, name, allow_empty=True).astype(np.float64)
    if w.shape != (n_samples,):
        raise ValueError(f"{name} must have shape ({n_samples},), one weight per sample, got {w.shape}")
    if allow_negative:
        check_finite(w, name)
    else:
        check_range(w, name, what="weights")
    if not w.any():
        raise ValueError(f"{name} must contain a non-zero weight (a positive sum)")
    return w


def as_priors(priors: Any, n_classes: int | None = None, name: str = "priors") -> np.ndarray:
    """Validate class priors: a strictly positive probability vector (of length ``n_classes``)."""
    pi = as_float_array(priors, name)
    if pi.ndim != 1 or (n_classes is not None and pi.shape[0] != n_classes):
        raise ValueError(f"{name} must be a 1-D vector with one probability per class"
                         f"{f' ({n_classes})' if n_classes is not None else ''}, got shape {pi.shape}")
    check_distribution(pi, name)
    if (pi == 0).any():
        raise ValueError(f"{name} must be strictly positive (log 0 = -inf); drop empty classes")
    return pi.astype(np.float64)
