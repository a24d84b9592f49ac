"""The engine of the fuzz suite (``tests/test_fuzz.py``): public API discovery, bad-input
families, and the judgement of one call.

Every public callable of :mod:`xentbook` (the names in ``__all__`` of the package and of
every public submodule, plus the public methods of the public classes) must have an entry in
:data:`fuzz_registry.SPECS` describing valid baseline arguments.  A call made with one or two
of those arguments replaced by a bad value must end in one of two ways:

* a :class:`ValueError` or :class:`TypeError` whose raising frame is inside the ``xentbook``
  package and whose message names the replaced argument; or
* a result whose every number is finite (unless the entry documents when a non-finite
  result is the correct one).

A :class:`FileNotFoundError` raised by xentbook for a path argument is accepted on the same
terms.  A call that *returns* although one of its arguments received a family that
:data:`INVALID` lists as never valid for that kind of argument (rows not summing to one,
probabilities outside [0, 1], NaN or fractional labels, booleans or complex numbers where
real numbers are expected, ...) is a defect however finite its result.

Anything else (another exception type, an exception raised by NumPy/torch/Python internals,
a message that names no argument, a NaN or an infinity, a call slower than the time limit)
is a *defect*.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import inspect
import io
import math
import os
import pkgutil
import re
import signal
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import xentbook

#: the public modules built on torch: fuzzed only where torch is installed (not by `make test-core`)
TORCH_MODULES = ("xentbook.nn", "xentbook.text")
HAS_TORCH = importlib.util.find_spec("torch") is not None

PACKAGE_DIR = os.path.dirname(os.path.abspath(xentbook.__file__))
F = float(np.finfo(np.float64).max)
TINY = 5e-324  # the smallest denormal


# --------------------------------------------------------------------------- discovery
def public_modules() -> list[str]:
    """``xentbook`` and every submodule whose dotted name has no ``_``-prefixed part
    (without torch, less the modules built on it)."""
    names = ["xentbook"]
    for info in pkgutil.walk_packages(xentbook.__path__, "xentbook."):
        if any(part.startswith("_") for part in info.name.split(".")) or info.name.endswith("__main__"):
            continue
        if not HAS_TORCH and info.name.startswith(TORCH_MODULES):
            continue
        names.append(info.name)
    return names


def public_callables() -> dict[str, Any]:
    """Every public callable, keyed by ``<defining module>.<qualified name>``.

    Classes contribute themselves and the public functions defined in their own body
    (inherited methods of ``torch.nn.Module`` etc. are not ours).  Non-callable constants
    are skipped.
    """
    found: dict[str, Any] = {}
    for mod_name in public_modules():
        mod = importlib.import_module(mod_name)
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name)
            if not callable(obj):
                continue
            key = f"{getattr(obj, '__module__', mod_name)}.{getattr(obj, '__qualname__', name)}"
            found.setdefault(key, obj)
            if inspect.isclass(obj):
                for attr, val in vars(obj).items():
                    if attr.startswith("_"):
                        continue
                    if isinstance(val, (staticmethod, classmethod)) or inspect.isfunction(val):
                        found.setdefault(f"{key}.{attr}", getattr(obj, attr))
    return found


# --------------------------------------------------------------------------- specs
@dataclass
class Arg:
    """One argument of a baseline call: ``value()`` gives a fresh valid value."""

    name: str
    value: Callable[[], Any]
    kind: str = "any"
    keyword: bool = False
    aliases: tuple[str, ...] = ()
    accepts: tuple[str, ...] = ()  # families of INVALID[kind] that this argument documents as valid
    # families not tried: documented valid values too slow for a fuzz call (a default that loads
    # and processes a whole corpus); a test of their own covers them
    skip: tuple[str, ...] = ()


@dataclass
class Spec:
    """How to call one public callable with valid arguments.

    ``call`` (default: the public object itself) receives the arguments;
    ``nonfinite_ok(kwargs)`` says when a non-finite result is documented;
    ``check(result, kwargs)`` may add a check of a returned value (return a defect
    message or None); ``record`` marks result records (dataclasses, exceptions) that are
    exempt, with the reason.
    """

    args: list[Arg] = field(default_factory=list)
    call: Callable[..., Any] | None = None
    nonfinite_ok: Callable[[dict], bool] | None = None
    check: Callable[[Any, dict], str | None] | None = None
    record: str | None = None
    cost: float = 1.0  # relative weight: expensive callables get fewer calls
    documented: tuple[type, ...] = ()  # exception types the callable documents (raised inside xentbook)
    post: Callable[[Any], Any] | None = None  # applied to the result (consume a generator, ...)
    cleanup: Callable[[], None] | None = None  # run after every call (close figures, ...)


# --------------------------------------------------------------------------- bad values
def _floaty(b: Any) -> np.ndarray | None:
    try:
        a = np.array(b, dtype=np.float64)
    except Exception:
        return None
    return a if a.size else None


def _insert(b: Any, value: float) -> Any:
    a = _floaty(b)
    if a is None:
        return value
    a = a.copy()
    a.flat[a.size // 2] = value
    return a


def _array_families(b: Any) -> list[tuple[str, Callable[[], Any]]]:
    a = np.asarray(b) if not isinstance(b, (str, bytes)) else None
    fam: list[tuple[str, Callable[[], Any]]] = [
        ("nan", lambda: _insert(b, math.nan)),
        ("+inf", lambda: _insert(b, math.inf)),
        ("-inf", lambda: _insert(b, -math.inf)),
        ("1e308", lambda: _insert(b, 1e308)),
        ("-1e308", lambda: _insert(b, -1e308)),
        ("max", lambda: _insert(b, F)),
        ("denormal", lambda: _insert(b, TINY)),
        ("empty", lambda: np.array([])),
        ("empty-rows", lambda: np.asarray(b)[:0] if a is not None and a.ndim else np.array([])),
        ("0-d", lambda: np.asarray(b).reshape(-1)[0] if a is not None and a.size else np.float64(0.5)),
        ("3-d", lambda: np.asarray(b)[None, ..., None]),
        ("complex", lambda: np.asarray(b) + 1j),
        ("object", lambda: np.asarray(b).astype(object)),
        ("bool", lambda: np.asarray(b).astype(bool)),
        ("str", lambda: np.asarray(b).astype(str)),
        ("None", lambda: None),
        ("drop-row", lambda: np.asarray(b)[:-1] if a is not None and a.ndim and len(a) > 1 else np.array([1.0, 2.0, 3.0, 4.0, 5.0])),
        ("drop-col", lambda: np.asarray(b)[..., :-1] if a is not None and a.ndim >= 2 else np.ones((2, 7))),
        ("transpose", lambda: np.asarray(b).T),
        ("ragged", lambda: [[0.5, 0.5], [1.0]]),
        ("scaled", lambda: np.asarray(b, dtype=np.float64) * 1e307 if _floaty(b) is not None else 1e307),
        ("negated", lambda: -np.asarray(b, dtype=np.float64) if _floaty(b) is not None else -1.0),
        ("float32", lambda: np.asarray(b, dtype=np.float32) if _floaty(b) is not None else np.float32(1)),
    ]
    return fam


def _proba_families(b: Any) -> list[tuple[str, Callable[[], Any]]]:
    return [
        ("above-1", lambda: np.asarray(b, dtype=float) + 1.0),
        ("negative", lambda: np.asarray(b, dtype=float) - 0.6),
        ("not-normalised", lambda: np.asarray(b, dtype=float) * 0.9),
        ("huge", lambda: np.asarray(b, dtype=float) * 1e308),
        ("zeros", lambda: np.zeros_like(np.asarray(b, dtype=float))),
        ("one-hot", lambda: _one_hot_like(b)),
    ]


def _one_hot_like(b: Any) -> np.ndarray:
    a = np.asarray(b, dtype=float)
    out = np.zeros_like(a)
    if a.ndim == 0:
        return np.float64(1.0)
    out[..., 0] = 1.0
    return out


def _label_families(b: Any) -> list[tuple[str, Callable[[], Any]]]:
    a = np.asarray(b)

    def setv(v, dtype=None):
        c = np.array(a, dtype=dtype if dtype is not None else (a.dtype if a.dtype.kind in "iu" else np.int64))
        c.flat[0] = v
        return c

    return [
        ("out-of-range", lambda: setv(int(a.max()) + 10 if a.size and a.dtype.kind in "iub" else 99)),
        ("negative-label", lambda: setv(-1)),
        ("int64-max", lambda: setv(np.iinfo(np.int64).max)),
        ("uint64-huge", lambda: np.array(a, dtype=np.uint64) + np.uint64(2**63)),
        ("float-labels", lambda: np.asarray(a, dtype=float)),
        ("fractional", lambda: np.asarray(a, dtype=float) + 0.5),
        ("nan-label", lambda: _insert(a, math.nan)),
        ("inf-label", lambda: _insert(a, math.inf)),
        ("bool-labels", lambda: np.asarray(a).astype(bool)),
        ("str-labels", lambda: np.asarray(a).astype(str)),
        ("object-labels", lambda: np.asarray(a).astype(object)),
        ("complex-labels", lambda: np.asarray(a) + 0j),
        ("2-d-labels", lambda: np.asarray(a)[:, None] if a.ndim == 1 else np.asarray(a)[None]),
        ("0-d-label", lambda: np.asarray(a).reshape(-1)[0] if a.size else np.int64(0)),
        ("short", lambda: np.asarray(a)[:-1]),
        ("empty", lambda: np.asarray(a)[:0]),
        ("None", lambda: None),
        ("big-python-int", lambda: [10**20] * max(1, a.size)),
    ]


_INT_BAD = [10**20, -(10**20), 10**12, 2**63, -1, 0, 1.5, math.nan, True, "3", None, 3 + 0j, np.float64(2.0), [2]]
_FLOAT_BAD = [math.nan, math.inf, -math.inf, 1e308, -1e308, F, TINY, -1.0, 0.0, 2.0, 10**400, "0.5", None, True, 1 + 1j, [0.5], np.nan]
_STR_BAD = ["", "bogus", "MEAN\x00", None, 1, b"mean", ["mean"], 1.5]
_BOOL_BAD = ["yes", 2, 0.5, None, "True", [True]]
_TEXT_BAD = [None, 1, b"bytes", ["a"], "", "\x00\x00", "\ud800", 3.5, "a\tb\r\nc  d"]
_CALLABLE_BAD = [None, 1, "f", np.sum]
_GENERIC_BAD = [None, object(), "junk", 1.5, -1]


def _tags_families(b: Any) -> list[tuple[str, Callable[[], Any]]]:
    return [
        ("str-not-list", lambda: "B-PER"),
        ("None-tag", lambda: [["B-PER", None]]),
        ("int-tags", lambda: [[1, 2]]),
        ("bare-prefix", lambda: [["B-", "I-"]]),
        ("bad-prefix", lambda: [["X-PER", "O"]]),
        ("lower", lambda: [["b-per", "o"]]),
        ("I-start", lambda: [["I-PER", "I-LOC", "E-ORG"]]),
        ("deep", lambda: [[["O"]]]),
        ("empty-corpus", lambda: []),
        ("empty-sentence", lambda: [[]]),
        ("array-of-str", lambda: np.array([["B-PER", "O"]])),
        ("dict", lambda: {"a": "O"}),
        ("bytes", lambda: [[b"B-PER", b"O"]]),
        ("whitespace", lambda: [["B-PER ", " O"]]),
        ("mismatch", lambda: [list(s) + ["O"] for s in b] if isinstance(b, list) and b and isinstance(b[0], list) else ["O", "O", "O", "O", "O", "O", "O"]),
        ("None", lambda: None),
        ("generator", lambda: (t for t in ["O"])),
        ("nan", lambda: [[math.nan]]),
    ]


def families(arg: Arg) -> list[tuple[str, Callable[[], Any]]]:
    """The bad values tried for an argument of this kind (``(family, factory)`` pairs)."""
    b = arg.value()
    k = arg.kind
    fam: list[tuple[str, Callable[[], Any]]] = []
    if k in ("array", "logits", "proba", "prob01", "weight", "X"):
        fam += _array_families(b)
    if k in ("proba", "prob01"):
        fam += _proba_families(b)
    if k == "labels":
        fam += _label_families(b)
    if k in ("int", "size", "seed"):
        fam += [(f"int={v!r}", (lambda v=v: v)) for v in _INT_BAD]
    if k == "seed":
        fam += [("seed=2**64", lambda: 2**64), ("seed=-5", lambda: -5), ("seed=np.uint64", lambda: np.uint64(2**64 - 1))]
    if k in ("float", "prob"):
        fam += [(f"float={v!r}", (lambda v=v: v)) for v in _FLOAT_BAD]
    if k == "choice":
        fam += [(f"str={v!r}", (lambda v=v: v)) for v in _STR_BAD]
    if k == "bool":
        fam += [(f"bool={v!r}", (lambda v=v: v)) for v in _BOOL_BAD]
    if k == "text":
        fam += [(f"text={v!r}", (lambda v=v: v)) for v in _TEXT_BAD]
    if k == "texts":
        fam += [("texts=str", lambda: "abc"), ("texts-None-item", lambda: ["a", None]), ("texts-bytes", lambda: [b"a", b"b"]),
                ("texts-empty", lambda: []), ("texts-int", lambda: [1, 2]), ("texts-array", lambda: np.array(["a", "b"])),
                ("texts-nested", lambda: [["a"], ["b"]])]
    if k == "callable":
        fam += [(f"callable={v!r}", (lambda v=v: v)) for v in _CALLABLE_BAD]
        fam += [
            ("f->str", lambda: (lambda x: "abc")),
            ("f->nan", lambda: (lambda x: np.full(np.shape(x), np.nan))),
            ("f->None", lambda: (lambda x: None)),
            ("f->complex", lambda: (lambda x: np.asarray(x) + 1j)),
            ("f->shape", lambda: (lambda x: np.ones((7, 7)))),
            ("f->object", lambda: (lambda x: object())),
        ]
    if k == "tags":
        fam += _tags_families(b)
    if k == "tensor":
        fam += _tensor_families(b)
    if k == "tlabels":
        fam += _tensor_label_families(b)
    if k == "sparse":
        fam += _sparse_families(b)
    if k == "bounds":
        fam += [("bounds=" + repr(v), (lambda v=v: v)) for v in [(1.0,), (2.0, 1.0), (0.0, 1.0), (-1.0, 2.0), (math.nan, 1.0), (1.0, math.inf), "ab", None, (1e-300, 1e308)]]
    if k == "stream":
        fam += [("stream=1", lambda: 1), ("stream=str", lambda: "abc"), ("stream=StringIO", lambda: io.StringIO("a O O\n")),
                ("stream=closed", _closed_stream)]
    if k == "argv":
        fam += [("argv=" + repr(v), (lambda v=v: v)) for v in [["-x"], ["-d"], ["-o"], ["/nonexistent/file.txt"], ["a", "b"],
                                                              [1], "-l", ["-l", "-r", "-d", " ", "-o", "O"], ["--help"], [""],
                                                              ["-d", "("], ["-"], [os.devnull]]]
    if k == "model":
        fam += [("model=None", lambda: None), ("model=str", lambda: "model"), ("model=object", lambda: object())]
    # generic families apply to every argument
    fam += [(f"generic={v!r}", (lambda v=v: v)) for v in _GENERIC_BAD]
    return [f for f in fam if f[0] not in arg.skip]


def _closed_stream():
    s = io.BytesIO(b"a O O\n")
    s.close()
    return s


def _tensor_families(b: Any) -> list[tuple[str, Callable[[], Any]]]:
    import torch

    def ins(v):
        t = b.clone().double()
        t.view(-1)[t.numel() // 2] = v
        return t

    return [
        ("t-nan", lambda: ins(math.nan)),
        ("t-+inf", lambda: ins(math.inf)),
        ("t--inf", lambda: ins(-math.inf)),
        ("t-1e308", lambda: ins(1e308)),
        ("t-max", lambda: ins(F)),
        ("t-float32-big", lambda: b.float() * 1e38),
        ("t-int", lambda: b.long()),
        ("t-bool", lambda: b > 0),
        ("t-complex", lambda: b.to(torch.complex64)),
        ("t-3d", lambda: b[None, ..., None]),
        ("t-0d", lambda: b.reshape(-1)[0]),
        ("t-empty", lambda: b[:0]),
        ("t-numpy", lambda: b.numpy()),
        ("t-list", lambda: b.tolist()),
        ("t-drop-row", lambda: b[:-1]),
    ]


def _tensor_label_families(b: Any) -> list[tuple[str, Callable[[], Any]]]:
    import torch

    def setv(v):
        t = b.clone()
        t[0] = v
        return t

    return [
        ("tl-out-of-range", lambda: setv(99)),
        ("tl-negative", lambda: setv(-1)),
        ("tl-float", lambda: b.double()),
        ("tl-nan", lambda: torch.full(b.shape, math.nan)),
        ("tl-bool", lambda: b > 0),
        ("tl-short", lambda: b[:-1]),
        ("tl-2d", lambda: b[:, None]),
        ("tl-numpy", lambda: b.numpy()),
        ("tl-complex", lambda: b.to(torch.complex64)),
    ]


def _sparse_families(b: Any) -> list[tuple[str, Callable[[], Any]]]:
    import scipy.sparse as sp

    def setv(v):
        m = b.copy().astype(np.float64)
        m.data[0] = v
        return m

    return [
        ("sp-dense", lambda: b.toarray()),
        ("sp-nan", lambda: setv(math.nan)),
        ("sp-inf", lambda: setv(math.inf)),
        ("sp-negative", lambda: setv(-1.0)),
        ("sp-huge", lambda: setv(1e308)),
        ("sp-no-rows", lambda: b[:0]),
        ("sp-wrong-cols", lambda: sp.csr_matrix(np.ones((b.shape[0], b.shape[1] + 3)))),
        ("sp-complex", lambda: b.astype(np.complex128)),
        ("sp-bool", lambda: b.astype(bool)),
        ("sp-drop-row", lambda: b[:-1]),
    ]


# --------------------------------------------------------------------------- judging
def is_finite_result(value: Any, depth: int = 0) -> bool:
    """True when every number reachable in ``value`` is finite."""
    if depth > 6:
        return True
    if value is None or isinstance(value, (str, bytes, bool, int)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, complex):
        return False
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        a = np.asarray(value)
        if a.dtype.kind in "fc":
            return bool(np.all(np.isfinite(a)))
        if a.dtype == object:
            return all(is_finite_result(v, depth + 1) for v in a.reshape(-1)[:1000])
        return True
    try:
        import torch

        if isinstance(value, torch.Tensor):
            return bool(torch.isfinite(value.detach()).all()) if value.is_floating_point() or value.is_complex() else True
        if isinstance(value, torch.nn.Module):
            return all(bool(torch.isfinite(p.detach()).all()) for p in value.parameters())
    except ImportError:  # pragma: no cover
        pass
    if isinstance(value, dict):
        return all(is_finite_result(v, depth + 1) for v in list(value.values())[:1000])
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(is_finite_result(v, depth + 1) for v in list(value)[:1000])
    if dataclasses.is_dataclass(value):
        return all(is_finite_result(getattr(value, f.name), depth + 1) for f in dataclasses.fields(value))
    return True


_CALL_BINDING = re.compile(r"unexpected keyword argument|positional argument|required (keyword-only )?argument|takes no arguments")


class CallTimeout(Exception):
    pass


def _alarm(signum, frame):  # pragma: no cover - only on a hang
    raise CallTimeout()


def names_argument(message: str, names: list[str]) -> bool:
    return any(re.search(rf"(?<![A-Za-z0-9_]){re.escape(n)}(?![A-Za-z0-9_])", message) for n in names)


@dataclass
class Outcome:
    ok: bool
    kind: str  # "error", "result", or a defect class
    detail: str = ""


#: Families that make two arguments disagree (a shape mismatch): the error may name either.
RELATIONAL = {"drop-row", "drop-col", "3-d", "0-d", "transpose", "empty-rows", "short", "2-d-labels", "0-d-label", "mismatch",
              "t-drop-row", "t-3d", "t-0d", "t-empty", "tl-short", "tl-2d", "sp-drop-row", "sp-wrong-cols", "sp-no-rows", "empty",
              "out-of-range", "sp-huge"}


_NUMERIC_INVALID = {"complex", "bool"}
_VALUE_INVALID = {"nan", "+inf", "-inf", "1e308", "-1e308", "max", "scaled", "negated", "above-1", "negative", "huge"}

#: Families that are never valid input for an argument of this kind: a call that returns a
#: result instead of raising is a defect ("invalid input accepted"), however finite the result.
#: ``proba`` is a probability vector along the last axis (rows sum to one); ``prob01`` holds
#: element-wise probabilities in [0, 1] (binary targets, multi-label scores).  Booleans are
#: refused where numbers are expected (logits, features, weights, probabilities); they are
#: accepted as 0/1 only by observed binary targets (``prob01``, ``labels`` of binary tasks).
INVALID: dict[str, set[str]] = {
    "proba": _NUMERIC_INVALID | _VALUE_INVALID | {"denormal", "not-normalised", "zeros"},
    "prob01": {"complex"} | _VALUE_INVALID,
    "labels": {"nan-label", "inf-label", "fractional", "complex-labels"},
    "array": set(_NUMERIC_INVALID),
    "logits": set(_NUMERIC_INVALID),
    "weight": set(_NUMERIC_INVALID),
    "X": set(_NUMERIC_INVALID),
    "float": {"float=nan", "float=True", "float=(1+1j)", "float='0.5'"},
    "prob": {"float=nan", "float=True", "float=(1+1j)", "float='0.5'", "float=-1.0", "float=2.0", "float=inf", "float=-inf"},
    "int": {"int=1.5", "int=nan", "int=True", "int='3'", "int=(3+0j)", "int=np.float64(2.0)"},
    "size": {"int=1.5", "int=nan", "int=True", "int='3'", "int=(3+0j)", "int=np.float64(2.0)", "int=-1", "int=-100000000000000000000"},
    "seed": {"int=1.5", "int=nan", "int=True", "int='3'", "int=(3+0j)", "int=np.float64(2.0)", "int=-1", "seed=-5", "seed=2**64"},
    "bool": {"bool='yes'", "bool=2", "bool=0.5", "bool='True'", "bool=[True]"},
    "choice": {"str=''", "str='bogus'", "str='MEAN\\x00'", "str=1", "str=b'mean'", "str=['mean']", "str=1.5"},
    "tensor": {"t-complex"},
    "tlabels": {"tl-nan", "tl-complex"},
}


def invalid_families(arg: Arg, family: str) -> bool:
    """True when ``family`` is never a valid value of ``arg`` (see :data:`INVALID`)."""
    return family in INVALID.get(arg.kind, ()) and family not in arg.accepts


def judge_call(fn: Callable[[], Any], spec: Spec, kwargs: dict, mutated: list[Arg], *, timeout: float = 20.0,
               families: list[str] | None = None) -> Outcome:
    """Run one call and classify it (see the module docstring)."""
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = fn()
    except CallTimeout:
        return Outcome(False, "timeout", f"slower than {timeout} s")
    except (ValueError, TypeError) as exc:
        tb = traceback.extract_tb(exc.__traceback__)
        last = tb[-1] if tb else None
        msg = str(exc)
        inside = last is not None and os.path.abspath(last.filename).startswith(PACKAGE_DIR + os.sep)
        if inside and isinstance(exc, spec.documented):
            return Outcome(True, "error", f"documented {type(exc).__name__}")
        if not inside:
            # Python's own error binding the arguments: raised in the caller's frame (the engine's,
            # or a spec's ``call`` wrapper in the registry that forwards them)
            caller = len(tb) <= 2 or os.path.basename(last.filename) == "fuzz_registry.py"
            if isinstance(exc, TypeError) and _CALL_BINDING.search(msg) and caller:
                return Outcome(True, "error", "python call binding")
            where = f"{os.path.basename(last.filename)}:{last.lineno}" if last else "?"
            return Outcome(False, f"foreign {type(exc).__name__}", f"raised in {where}: {msg[:160]}")
        names = [n for a in mutated for n in (a.name, *a.aliases)]
        # a ``name`` argument is the label the messages give another argument: its value names it
        names += [v for k, v in kwargs.items() if k == "name" and isinstance(v, str) and v.strip()]
        if families and any(f in RELATIONAL for f in families):
            names += [a.name for a in spec.args]
        if mutated and not names_argument(msg, names):
            return Outcome(False, "message names no argument", f"{type(exc).__name__}: {msg[:200]} (expected {names})")
        return Outcome(True, "error")
    except CallTimeout:  # pragma: no cover
        return Outcome(False, "timeout")
    except FileNotFoundError as exc:
        # a path argument naming no existing file: the standard exception, accepted when
        # xentbook raises it with a message that names the argument
        tb = traceback.extract_tb(exc.__traceback__)
        inside = bool(tb) and os.path.abspath(tb[-1].filename).startswith(PACKAGE_DIR + os.sep)
        names = [n for a in mutated for n in (a.name, *a.aliases)]
        if inside and names_argument(str(exc), names):
            return Outcome(True, "error", "missing file")
        return Outcome(False, "wrong type FileNotFoundError", str(exc)[:200])
    except BaseException as exc:  # noqa: BLE001 - everything else is a defect
        if isinstance(exc, KeyboardInterrupt):
            raise
        tb = traceback.extract_tb(exc.__traceback__)
        last = tb[-1] if tb else None
        if isinstance(exc, spec.documented) and last is not None and os.path.abspath(last.filename).startswith(PACKAGE_DIR + os.sep):
            return Outcome(True, "error", f"documented {type(exc).__name__}")
        where = f"{os.path.basename(last.filename)}:{last.lineno}" if last else "?"
        return Outcome(False, f"wrong type {type(exc).__name__}", f"raised in {where}: {str(exc)[:160]}")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    bad = [f"{a.name}: {f}" for a, f in zip(mutated, families or []) if invalid_families(a, f)]
    if bad:
        return Outcome(False, "invalid input accepted", f"{', '.join(bad)} -> {_short(result)}")
    if spec.check is not None:
        problem = spec.check(result, kwargs)
        if problem:
            return Outcome(False, "bad result", problem)
    if not is_finite_result(result):
        if spec.nonfinite_ok is not None and spec.nonfinite_ok(kwargs):
            return Outcome(True, "result", "documented non-finite")
        return Outcome(False, "non-finite result", _short(result))
    return Outcome(True, "result")


def _short(value: Any) -> str:
    s = repr(value)
    return s if len(s) < 160 else s[:157] + "..."


# --------------------------------------------------------------------------- driving
@dataclass
class Call:
    target: str
    mutated: list[str]
    family: list[str]
    outcome: Outcome


def make_call(spec: Spec, obj: Any, values: dict[str, Any]) -> Callable[[], Any]:
    pos = [values[a.name] for a in spec.args if not a.keyword and a.name in values]
    kw = {a.name: values[a.name] for a in spec.args if a.keyword and a.name in values}
    kw.update({k: v for k, v in values.items() if k.startswith("bogus_")})
    target = spec.call if spec.call is not None else obj
    if spec.post is None and spec.cleanup is None:
        return lambda: target(*pos, **kw)

    def run() -> Any:
        # the public object is called from this frame, so a bad keyword is judged as a
        # Python call-binding error, exactly as for a direct call
        try:
            result = target(*pos, **kw)
            return spec.post(result) if spec.post is not None else result
        finally:
            if spec.cleanup is not None:
                spec.cleanup()

    return run


def run_fuzz(specs: dict[str, Spec], objects: dict[str, Any], n_calls: int, seed: int, *, timeout: float = 20.0) -> list[Call]:
    """``n_calls`` seeded calls spread over the callables (fewer for costly ones)."""
    rng = np.random.default_rng(seed)
    names = sorted(k for k in objects if specs[k].record is None)
    weights = np.array([1.0 / specs[k].cost for k in names])
    weights /= weights.sum()
    calls: list[Call] = []
    # every callable once with its valid baseline, then one sweep over every family of every
    # argument (deterministic coverage), then random draws
    plan: list[tuple[str, list[tuple[Arg, str, Callable[[], Any]]]]] = []
    for k in names:
        plan.append((k, []))
    for k in names:
        for a in specs[k].args:
            for fam, make in families(a):
                plan.append((k, [(a, fam, make)]))
        plan.append((k, [(Arg("bogus_keyword", lambda: 1), "bogus-keyword", lambda: 1)]))
    sweep = len(plan)
    budget = max(n_calls, len(names))
    if budget < sweep:
        # keep the baselines, sample the sweep
        idx = rng.choice(np.arange(len(names), sweep), size=budget - len(names), replace=False)
        plan = plan[: len(names)] + [plan[i] for i in sorted(idx)]
    while len(plan) < budget:
        k = names[rng.choice(len(names), p=weights)]
        args = specs[k].args
        if not args:
            plan.append((k, []))
            continue
        n_mut = 1 if rng.random() < 0.7 or len(args) == 1 else 2
        chosen = rng.choice(len(args), size=n_mut, replace=False)
        muts = []
        for i in chosen:
            fams = families(args[i])
            fam, make = fams[rng.integers(len(fams))]
            muts.append((args[i], fam, make))
        plan.append((k, muts))
    for k, muts in plan:
        spec = specs[k]
        values = {a.name: a.value() for a in spec.args}
        try:
            for a, _fam, make in muts:
                values[a.name] = make()
        except Exception:  # this family does not apply to this baseline (e.g. arithmetic on None)
            continue
        kwargs = dict(values)
        outcome = judge_call(make_call(spec, objects[k], values), spec, kwargs, [a for a, _, _ in muts], timeout=timeout,
                             families=[f for _, f, _ in muts])
        calls.append(Call(k, [a.name for a, _, _ in muts], [f for _, f, _ in muts], outcome))
    return calls


def summarise(calls: list[Call]) -> tuple[int, list[Call], dict[tuple, list[Call]]]:
    defects = [c for c in calls if not c.outcome.ok]
    distinct: dict[tuple, list[Call]] = {}
    for c in defects:
        distinct.setdefault((c.target, tuple(c.mutated), c.outcome.kind), []).append(c)
    return len(calls), defects, distinct


def format_defects(distinct: dict[tuple, list[Call]], limit: int = 60) -> str:
    lines = []
    for (target, mutated, kind), cs in sorted(distinct.items())[:limit]:
        c = cs[0]
        fams = ", ".join(f if len(f) < 40 else f[:37] + "..." for f in c.family)
        lines.append(f"{target}({', '.join(mutated) or 'baseline'}) [{fams}] -> {kind}: {c.outcome.detail}  (x{len(cs)})")
    if len(distinct) > limit:
        lines.append(f"... and {len(distinct) - limit} more")
    return "\n".join(lines)
