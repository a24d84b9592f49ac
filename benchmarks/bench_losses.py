"""Speed and accuracy of xentbook's softmax cross-entropy and softmax family.

Run from the repository root::

    .venv/bin/python benchmarks/bench_losses.py            # everything
    .venv/bin/python benchmarks/bench_losses.py --quick    # smaller shapes, fewer repeats

Prints, in one run:

1. the speed ratio of ``xentbook.softmax_cross_entropy_and_grad`` (NumPy,
   float64) to ``torch.nn.functional.cross_entropy`` forward + backward on
   the CPU (float64, one thread, like NumPy's single-threaded ufuncs), for
   N=10**6, C=10 and N=10**4, C=10**4 (ratio > 1: xentbook is faster);
2. the worst condition-scaled ulp error (see ``tests/ulp_accuracy.py``) of
   xentbook, torch, scipy and the naive formulas on the adversarial set that
   the tests use.
"""

from __future__ import annotations

import argparse
import gc
import math
import sys
import time
from pathlib import Path

import numpy as np
import scipy.special as sp
import torch
import torch.nn.functional as F

from xentbook import numerics as nx
from xentbook.losses import softmax_cross_entropy_and_grad

# the accuracy measurement is test tooling (it needs mpmath), kept with the tests
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import ulp_accuracy as acc  # noqa: E402


def best_time(fn, repeats: int) -> float:
    best = math.inf
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def speed(N: int, C: int, repeats: int) -> tuple[float, float]:
    rng = np.random.default_rng(0)
    z = rng.normal(0.0, 3.0, size=(N, C))
    y = rng.integers(0, C, size=N)

    def ours():
        loss, grad = softmax_cross_entropy_and_grad(z, y)
        return loss, grad

    X = torch.from_numpy(z).requires_grad_(True)
    Y = torch.from_numpy(y)

    def theirs():
        X.grad = None
        loss = F.cross_entropy(X, Y)
        loss.backward()
        return loss, X.grad

    # same numbers?
    l1, g1 = ours()
    l2, g2 = theirs()
    l2 = float(l2.detach())
    assert abs(float(l1) - l2) <= 1e-12 * abs(l2) + 1e-12
    assert np.allclose(g1, g2.numpy(), rtol=1e-10, atol=1e-14)
    del g1, g2
    t_ours = best_time(ours, repeats)
    t_torch = best_time(theirs, repeats)
    X.grad = None
    return t_ours, t_torch


def _torch(f):
    return lambda v: f(torch.from_numpy(v)).numpy()


def implementations():
    """name -> {function -> implementation of a 1-D array}."""
    with_axis = lambda f: (lambda v: f(v, -1))  # noqa: E731
    return {
        "xentbook": {n: getattr(nx, n) for n in acc.FUNCTIONS_VECTOR + acc.FUNCTIONS_SCALAR},
        "torch": {
            "logsumexp": _torch(lambda t: torch.logsumexp(t, -1)),
            "log_softmax": _torch(lambda t: torch.log_softmax(t, -1)),
            "softmax": _torch(lambda t: torch.softmax(t, -1)),
            "softplus": _torch(F.softplus),
            "log_sigmoid": _torch(F.logsigmoid),
            "sigmoid": _torch(torch.sigmoid),
        },
        "scipy": {
            "logsumexp": sp.logsumexp,
            "log_softmax": with_axis(sp.log_softmax),
            "softmax": with_axis(sp.softmax),
            "softplus": sp.softplus,
            "log_sigmoid": sp.log_expit,
            "sigmoid": sp.expit,
        },
        "naive": {
            "logsumexp": lambda v: np.log(np.sum(np.exp(v))),
            "log_softmax": lambda v: v - np.log(np.sum(np.exp(v))),
            "softmax": lambda v: np.exp(v) / np.sum(np.exp(v)),
            "softplus": lambda v: np.log(1 + np.exp(v)),
            "log_sigmoid": lambda v: np.log(1 / (1 + np.exp(-v))),
            "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
        },
        "max trick": {  # the textbook fix without log1p
            "logsumexp": lambda v: np.max(v) + np.log(np.sum(np.exp(v - np.max(v)))),
            "log_softmax": lambda v: v - np.max(v) - np.log(np.sum(np.exp(v - np.max(v)))),
            "softmax": lambda v: np.exp(v - np.max(v)) / np.sum(np.exp(v - np.max(v))),
        },
    }


def accuracy_table(dtypes=(np.float64, np.float32)) -> dict:
    """{(dtype name, function): {implementation: worst scaled ulp error}}."""
    table = {}
    impls = implementations()
    for dt in dtypes:
        for name in acc.FUNCTIONS_VECTOR + acc.FUNCTIONS_SCALAR:
            row = {}
            for who, funcs in impls.items():
                if name in funcs:
                    row[who] = acc.worst_scaled_error(funcs[name], name, dt)[0]
            table[(np.dtype(dt).name, name)] = row
    return table


def fmt(v: float) -> str:
    if math.isinf(v):
        return "inf"
    return f"{v:.3g}" if v < 1e4 else f"{v:.1e}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller shapes and fewer repeats")
    args = parser.parse_args()
    torch.set_num_threads(1)

    shapes = [(10**6, 10), (10**4, 10**4)] if not args.quick else [(10**5, 10), (10**3, 10**4)]
    repeats = 5 if not args.quick else 3
    print("Softmax cross-entropy, forward + gradient, float64, CPU, 1 thread (best of %d)" % repeats)
    print(f"{'N':>9} {'C':>7} {'xentbook s':>11} {'torch s':>9} {'speed ratio':>12}")
    for N, C in shapes:
        t_ours, t_torch = speed(N, C, repeats)
        print(f"{N:>9} {C:>7} {t_ours:>11.3f} {t_torch:>9.3f} {t_torch / t_ours:>11.2f}x")
        gc.collect()

    print()
    print("Worst condition-scaled ulp error on the adversarial set (<= 4 is the target; inf = overflow/NaN)")
    table = accuracy_table()
    who = ["xentbook", "torch", "scipy", "naive", "max trick"]
    print(f"{'dtype':>8} {'function':>12} " + " ".join(f"{w:>10}" for w in who))
    for (dt, name), row in table.items():
        print(f"{dt:>8} {name:>12} " + " ".join(f"{fmt(row[w]) if w in row else '-':>10}" for w in who))


if __name__ == "__main__":
    main()
