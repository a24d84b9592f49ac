"""Measuring the accuracy of the softmax family against an mpmath reference.

Test tooling (it needs mpmath), not part of the installed package.  Used by
``tests/test_numerics.py``, ``benchmarks/bench_losses.py`` and the derivations
chapter, so that they measure the same thing on the same inputs.

The measure
-----------
For a computed value :math:`\\hat f` of a function :math:`f` at a float input
:math:`x` (exactly representable), let :math:`f^*` be the exact value computed
with mpmath at a precision high enough that every difference
:math:`x_j - \\max x` is exact.  The *error in ulps* is

.. math:: e = |\\hat f - f^*| / \\operatorname{ulp}(f^*),

with ulp the spacing of the output dtype at :math:`|f^*|` (subnormal spacing
below the normal range).  A correctly rounded result has :math:`e \\le 1/2`.
The *condition-scaled error* divides by the relative condition number

.. math:: \\kappa = \\frac{\\sum_j |\\partial f/\\partial x_j|\\,|x_j|}{|f|},

i.e. :math:`e / \\max(1, \\kappa)`: an algorithm that is exact apart from
rounding its inputs and its output by a few ulps scores a few units, however
ill-conditioned the problem.  Infinite exact values (``-inf`` entries) must be
reproduced exactly; overflowed exact values must give the right infinity.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from functools import lru_cache

import mpmath
import numpy as np

__all__: list[str] = []

FUNCTIONS_VECTOR = ("logsumexp", "log_softmax", "softmax")
FUNCTIONS_SCALAR = ("softplus", "log_sigmoid", "sigmoid")

_PRECISION = {np.dtype(np.float64): 53, np.dtype(np.float32): 24, np.dtype(np.float16): 11}


# ----------------------------------------------------------------------------
# adversarial inputs
# ----------------------------------------------------------------------------


def adversarial_vectors(dtype: type | np.dtype = np.float64, *, n_random: int = 150, seed: int = 0) -> list[np.ndarray]:
    """Logit vectors that break the usual implementations of the softmax family.

    Structured cases (extremes of the dtype, ties, a dominant entry with tiny
    competitors, ``-inf`` entries, near-cancelling log-sum-exp, subnormals)
    followed by ``n_random`` seeded random vectors with mixed scales.
    """
    dt = np.dtype(dtype)
    fi = np.finfo(dt)
    big, tiny, sub = float(fi.max), float(fi.tiny), float(fi.smallest_subnormal)
    # the exponent where exp underflows and where exp(-t) < eps
    under = math.log(sub)  # about -745 (float64), -103 (float32)
    gap = -math.log(float(fi.eps)) + 3  # about 39 (float64), 19 (float32)
    ninf = -np.inf
    ln2 = math.log(2.0)
    cases: list[list[float]] = [
        [0.0, -gap],
        [0.0, -gap, -gap, -gap],
        [0.0, -0.5 * gap],
        [0.0, under + 1.0],
        [0.0, under + 1.0, under + 1.0],
        [0.0, under - 20.0],
        [0.0, -1.0],
        [0.0, 0.0],
        [1.0, 1.0, 1.0, 1.0],
        [3.0],
        [-big],
        [big],
        [big, big],
        [big, -big],
        [big, 0.5 * big],
        [big, big * (1 - float(fi.eps))],
        [-big, -big],
        [-big, -big, -big],
        [tiny, -tiny],
        [sub, 0.0],
        [sub, -sub, 0.0],
        [1e-30, -1e-30, 0.0],
        [0.0, ninf],
        [ninf, 0.0, ninf],
        [ninf, ninf, 3.0, 3.0],
        [-big, ninf],
        [-ln2, -ln2],  # logsumexp = 0 up to the rounding of ln 2
        [-math.log(3.0)] * 3,
        [-math.log(10.0)] * 10,
        [-ln2 + 1e-9, -ln2 - 1e-9],
        [0.5, -0.5],
        [1.0, -1.0, 1e-8],
        [0.1 * big, 1.0, -0.1 * big],
        [1e4, 1e4 - 1.0, 1e4 + 1.0],
        [1e6, 1e6 - 0.5 * gap, -1e6],
        [-1e6, -1e6 - 30.0],
        [20.0, 0.0],
        [gap, 0.0],
        [2 * gap, 0.0, gap],
        [0.0] + [-0.9 * gap] * 200,
        [0.0] + [-gap] * 500,
        list(np.linspace(-3 * gap, 0.0, 64)),
    ]
    if dt == np.float64:
        cases += [
            [1e300, 1e-300, -1e300, 0.0],
            [700.0, 0.0],
            [-700.0, -700.0, -700.0],
            [710.0, -710.0],
            [1e10, 1e10 + 1e-6],
        ]
    rng = np.random.default_rng(seed)
    lo = math.log10(tiny) / 2 if dt != np.float16 else -4.0
    hi = math.log10(big) / 2 if dt != np.float16 else 4.0
    for r in range(n_random):
        n = int(rng.integers(2, 24))
        kind = r % 4
        if kind == 0:  # ordinary logits
            v = rng.normal(0.0, 3.0, n)
        elif kind == 1:  # a dominant entry with small competitors
            v = np.concatenate([[rng.normal(0, 5)], rng.normal(0, 5) - rng.uniform(0.5 * gap, 1.5 * gap, n - 1)])
        elif kind == 2:  # mixed magnitudes and signs
            v = rng.choice([-1.0, 1.0], n) * 10.0 ** rng.uniform(lo, min(hi, 2.5), n)
        else:  # near-cancelling logsumexp
            v = -math.log(n) + rng.normal(0.0, 1e-3, n)
            if r % 8 == 3:
                v[rng.integers(n)] = -np.inf
        cases.append(list(v))
    out = []
    with np.errstate(over="ignore"):
        for c in cases:
            a = np.asarray(c, dtype=dt)
            if np.isnan(a).any() or np.isposinf(a).any():
                continue
            if not np.array_equal(np.isinf(a), np.isinf(np.asarray(c, dtype=np.float64))):
                continue  # a case that overflows this dtype
            out.append(a)
    return out


def adversarial_scalars(dtype: type | np.dtype = np.float64, *, n_random: int = 400, seed: int = 1) -> np.ndarray:
    """Inputs for softplus / log_sigmoid / sigmoid: extremes, thresholds, random."""
    dt = np.dtype(dtype)
    fi = np.finfo(dt)
    big, tiny, sub = float(fi.max), float(fi.tiny), float(fi.smallest_subnormal)
    under = math.log(sub)
    over = math.log(big)
    gap = -math.log(float(fi.eps))
    base = [
        -np.inf, np.inf, 0.0, sub, -sub, tiny, -tiny, big, -big,
        1e-10, -1e-10, 0.5, -0.5, 1.0, -1.0, math.log(2.0), -math.log(2.0),
        under, under + 0.5, under - 0.5, over, over + 0.5, -over, -over - 0.5,
        gap, gap + 1, -gap, -gap - 1, 2 * gap, -2 * gap, 0.5 * gap, -0.5 * gap,
    ] + [float(v) for v in np.arange(-1.5 * gap, 1.5 * gap, 0.75)]  # every regime switch
    rng = np.random.default_rng(seed)
    hi = math.log10(big)
    rnd = np.concatenate([
        rng.normal(0, 5, n_random // 2),
        rng.choice([-1.0, 1.0], n_random - n_random // 2)
        * 10.0 ** rng.uniform(math.log10(tiny), hi, n_random - n_random // 2),
    ])
    with np.errstate(over="ignore"):
        vals = np.asarray(base + list(rnd), dtype=np.float64).astype(dt)
    keep = np.isfinite(vals) | np.isinf(np.asarray(base + list(rnd), dtype=np.float64))
    return vals[keep]


# ----------------------------------------------------------------------------
# the exact reference
# ----------------------------------------------------------------------------


def _needed_prec(x: Iterable[float]) -> int:
    exps = [math.frexp(v)[1] for v in x if v != 0 and math.isfinite(v)]
    if not exps:
        return 200
    return max(exps) - min(exps) + 200


def reference_vector(name: str, x: np.ndarray) -> tuple[list, list]:
    """Exact values (mpf or ±inf) and condition numbers of ``name`` at ``x``.

    For ``logsumexp`` both lists have one element.
    """
    xs = [float(v) for v in np.asarray(x, dtype=np.float64)]
    n = len(xs)
    with mpmath.workprec(_needed_prec(xs) + 64):
        fin = [i for i in range(n) if xs[i] != -math.inf]
        if not fin:
            if name == "logsumexp":
                return [-mpmath.inf], [0.0]
            return [None] * n, [0.0] * n  # undefined (NaN expected)
        k = max(fin, key=lambda i: xs[i])
        m = mpmath.mpf(xs[k])
        d = {i: mpmath.mpf(xs[i]) - m for i in fin}  # exact at this precision
        e = {i: (mpmath.exp(d[i]) if d[i] > -5000 else mpmath.mpf(0)) for i in fin}
        t = mpmath.fsum(e[i] for i in fin if i != k)
        L = mpmath.log1p(t)
        p = {i: e[i] / (1 + t) for i in fin}
        ax = {i: abs(mpmath.mpf(xs[i])) for i in fin}
        if name == "logsumexp":
            f = m + L
            num = mpmath.fsum(p[i] * ax[i] for i in fin)
            return [f], [_kappa(num, f)]
        total = mpmath.fsum(p[i] * ax[i] for i in fin)
        vals, kaps = [], []
        for i in range(n):
            if i not in d:
                vals.append(-mpmath.inf if name == "log_softmax" else mpmath.mpf(0))
                kaps.append(0.0)
                continue
            # sum_j |delta_ij - p_j| |x_j|, in O(1) per i
            num = total - p[i] * ax[i] + (1 - p[i]) * ax[i]
            if name == "log_softmax":
                f = d[i] - L
                vals.append(f)
                kaps.append(_kappa(num, f))
            elif name == "softmax":
                vals.append(p[i])
                kaps.append(float(num))
            else:
                raise ValueError(f"unknown function {name!r}")
        return vals, kaps


def reference_scalar(name: str, x: float) -> tuple:
    """Exact value and condition number of an elementwise function at ``x``."""
    x = float(x)
    if math.isinf(x):
        pos = x > 0
        val = {"softplus": (mpmath.inf if pos else 0), "log_sigmoid": (0 if pos else -mpmath.inf),
               "sigmoid": (1 if pos else 0)}[name]
        return mpmath.mpf(val), 0.0
    if abs(x) > 1e4:
        # exp(-|x|) < 2**-14000: replace it by 2**-20000, which like the true
        # value is far below half an ulp of any result and rounds to 0 alone
        with mpmath.workprec(21000):
            X, t = mpmath.mpf(x), mpmath.ldexp(1, -20000)
            if name == "softplus":
                return (X + t, 1.0) if x > 0 else (t, abs(x))
            if name == "log_sigmoid":
                return (-t, 0.0) if x > 0 else (X - t, 1.0)
            if name == "sigmoid":
                return (1 - t, 0.0) if x > 0 else (t, abs(x))
    with mpmath.workprec(200 + abs(math.frexp(x)[1])):
        X = mpmath.mpf(x)
        if name == "softplus":
            f = mpmath.log1p(mpmath.exp(X)) if x < 1e6 else X + mpmath.log1p(mpmath.exp(-X))
            return f, _kappa(abs(X) / (1 + mpmath.exp(-X)), f)
        if name == "log_sigmoid":
            f = -mpmath.log1p(mpmath.exp(-X)) if x > -1e6 else X - mpmath.log1p(mpmath.exp(X))
            return f, _kappa(abs(X) / (1 + mpmath.exp(X)), f)
        if name == "sigmoid":
            s = 1 / (1 + mpmath.exp(-X)) if x > -1e6 else mpmath.exp(X) / (1 + mpmath.exp(X))
            return s, float(abs(X) / (1 + mpmath.exp(X)) if x > -1e6 else abs(X))
    raise ValueError(f"unknown function {name!r}")


def _kappa(num, f) -> float:
    if f == 0:
        return 0.0 if num == 0 else math.inf
    return float(num / abs(f))


# ----------------------------------------------------------------------------
# the error measure
# ----------------------------------------------------------------------------


def ulp_error(computed: float, exact, dtype: type | np.dtype) -> float:
    """|computed − exact| in ulps of ``dtype`` at the exact value (see module docstring)."""
    # the operands are exact; a correctly rounded 300-bit difference is plenty
    with mpmath.workprec(300):
        return _ulp_error(computed, exact, dtype)


def _ulp_error(computed: float, exact, dtype: type | np.dtype) -> float:
    dt = np.dtype(dtype)
    prec = _PRECISION[dt]
    fi = np.finfo(dt)
    emin = int(fi.minexp)  # e.g. -1022
    emax = int(fi.maxexp) - 1  # e.g. 1023
    c = float(computed)
    if exact is None:  # undefined: NaN is the right answer
        return 0.0 if math.isnan(c) else math.inf
    if math.isnan(c):
        return math.inf
    if mpmath.isinf(exact):
        return 0.0 if c == exact else math.inf
    ex = mpmath.mpf(exact)
    if ex == 0:
        e2 = emin
    else:
        e2 = min(max(int(mpmath.floor(mpmath.log(abs(ex), 2))), emin), emax)
        # guard the floor against a log that lands a hair below an integer
        if abs(ex) >= mpmath.ldexp(1, e2 + 1):
            e2 = min(e2 + 1, emax)
    ulp = mpmath.ldexp(1, e2 - prec + 1)
    if math.isinf(c):
        limit = mpmath.mpf(float(fi.max)) + ulp / 2
        same_sign = (c > 0) == (ex > 0)
        return 0.0 if (same_sign and abs(ex) >= limit) else math.inf
    return float(abs(mpmath.mpf(c) - ex) / ulp)


def scaled_error(computed: float, exact, kappa: float, dtype: type | np.dtype) -> float:
    """Condition-scaled ulp error ``ulp_error / max(1, kappa)``."""
    err = ulp_error(computed, exact, dtype)
    if math.isinf(err) or err == 0:
        return err
    return err / max(1.0, kappa)


@lru_cache(maxsize=None)
def _vector_refs(name: str, dtype_str: str) -> tuple:
    dt = np.dtype(dtype_str)
    vecs = adversarial_vectors(dt)
    return tuple((v, *reference_vector(name, v)) for v in vecs)


@lru_cache(maxsize=None)
def _scalar_refs(name: str, dtype_str: str) -> tuple:
    dt = np.dtype(dtype_str)
    xs = adversarial_scalars(dt)
    return tuple((x, *reference_scalar(name, float(x))) for x in xs)


def scaled_errors(impl: Callable[[np.ndarray], np.ndarray], name: str, dtype: type | np.dtype = np.float64) -> list[tuple[float, np.ndarray]]:
    """Condition-scaled errors of ``impl`` for function ``name`` on the adversarial set.

    ``impl`` maps a 1-D array (a logit vector, or the array of scalar inputs
    for the elementwise functions) to its result.  Returns ``(error, input)``
    pairs; an exception raised by ``impl`` counts as an infinite error.
    """
    dt = np.dtype(dtype)
    out: list[tuple[float, np.ndarray]] = []
    if name in FUNCTIONS_VECTOR:
        for v, vals, kaps in _vector_refs(name, dt.str):
            try:
                with np.errstate(all="ignore"):
                    got = np.atleast_1d(np.asarray(impl(v.copy()), dtype=np.float64))
            except Exception:  # noqa: BLE001 - a crash is an infinitely wrong answer
                out.append((math.inf, v))
                continue
            worst = max(scaled_error(g, f, k, dt) for g, f, k in zip(got, vals, kaps)) if got.shape == (len(vals),) else math.inf
            out.append((worst, v))
    elif name in FUNCTIONS_SCALAR:
        refs = _scalar_refs(name, dt.str)
        xs = np.asarray([r[0] for r in refs], dtype=dt)
        try:
            with np.errstate(all="ignore"):
                got = np.asarray(impl(xs.copy()), dtype=np.float64)
        except Exception:  # noqa: BLE001
            return [(math.inf, xs)]
        for g, (x, f, k) in zip(got, refs):
            out.append((scaled_error(g, f, k, dt), np.asarray([x])))
    else:
        raise ValueError(f"unknown function {name!r}")
    return out


def worst_scaled_error(impl: Callable[[np.ndarray], np.ndarray], name: str, dtype: type | np.dtype = np.float64) -> tuple[float, np.ndarray]:
    """The largest condition-scaled ulp error and the input where it occurs."""
    return max(scaled_errors(impl, name, dtype), key=lambda t: t[0])
