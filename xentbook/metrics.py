"""Probabilistic classification metrics: log-loss, Brier score, calibration, temperature.

* :func:`log_loss` -- the mean (or summed) negative log-likelihood, with the
  same values and the same input rules as :func:`sklearn.metrics.log_loss`
  of scikit-learn 1.9 (clipping to ``[eps, 1 - eps]``, label inference,
  1-D binary probabilities, indicator-matrix targets).
* :func:`brier_score` -- the squared error of the probability vector.
* :func:`calibration_bins`, :func:`expected_calibration_error`,
  :func:`reliability_diagram` -- calibration with equal-width confidence bins
  (Guo et al., 2017).
* :func:`fit_temperature`, :func:`apply_temperature` -- temperature scaling.

Decision thresholds are in :mod:`xentbook.thresholds`.  Subset accuracy,
Hamming loss, micro/macro F1 and per-label average precision already exist in
scikit-learn (:func:`sklearn.metrics.accuracy_score`,
:func:`~sklearn.metrics.hamming_loss`, :func:`~sklearn.metrics.f1_score`,
:func:`~sklearn.metrics.average_precision_score` with ``average=None``) and
are not duplicated here.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar

from ._validation import (
    as_array,
    as_float_array,
    as_int_array,
    check_bool,
    check_distribution,
    check_array_arg,
    check_finite,
    check_instance,
    check_interval,
    check_lengths,
    check_ndim,
    check_nonzero_sum,
    check_positive,
    check_range,
    check_two_classes,
    check_unique,
    check_sample_weight,
    check_size,
    stable_sum,
)
from .numerics import log_softmax, sigmoid, softmax

__all__ = [
    "log_loss",
    "brier_score",
    "CalibrationBins",
    "calibration_bins",
    "expected_calibration_error",
    "reliability_diagram",
    "fit_temperature",
    "apply_temperature",
]


# --------------------------------------------------------------------------------------
# shared validation of (y_true, y_proba, sample_weight, labels)
# --------------------------------------------------------------------------------------


def _proba_array(y_proba: Any) -> np.ndarray:
    check_array_arg(y_proba, "y_proba", "an array of probabilities")
    arr = as_float_array(y_proba, "y_proba", allow_empty=True)  # ints -> float64; f16/f32/f64 kept
    check_ndim(arr, "y_proba", (1, 2), what="1-D (binary) or 2-D (n_samples, n_classes)")
    if arr.shape[0] == 0:
        raise ValueError("y_proba is empty: at least one sample is required")
    if arr.ndim == 2 and arr.shape[1] == 0:
        raise ValueError("y_proba has no columns")
    check_range(arr, "y_proba", high=1.0, what="probabilities")
    return arr


def _label_array(y: Any, name: str) -> np.ndarray:
    """Labels of any sortable type; numeric labels must be real, finite and whole."""
    arr = as_array(y, name)
    if arr.dtype == object:  # e.g. a list of Python ints and strs: one type is required
        arr = as_array(arr.tolist(), name)
        if arr.dtype == object:
            raise TypeError(f"{name} must hold labels of one type (numbers or strings)")
    if arr.dtype.kind in "cf":  # complex refused, floats must hold whole numbers
        as_int_array(arr, name, allow_float=True, allow_empty=True, what="class labels")
    return arr


def _one_hot(y_true: Any, n: int, labels: Any) -> tuple[np.ndarray, np.ndarray]:
    """(indicator matrix (n, K), classes) following scikit-learn's LabelBinarizer rules."""
    check_array_arg(y_true, "y_true", "an array of labels")
    y = _label_array(y_true, "y_true")
    check_ndim(y, "y_true", (1, 2), what="1-D labels or a 2-D indicator matrix")
    check_lengths(y if y.ndim == 1 else y[:, 0], n, "y_true", "y_proba", what="samples", of="samples")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    # imported here, not at the top: scikit-learn takes ~0.6 s to import and most of the
    # package never needs it
    from sklearn.utils.multiclass import type_of_target, unique_labels

    if y.ndim == 2:
        if labels is not None:
            raise ValueError("labels cannot be used when y_true is an indicator matrix")
        if type_of_target(y) != "multilabel-indicator":
            raise ValueError("a 2-D y_true must be an indicator matrix of 0s and 1s")
        return y.astype(np.int64), np.arange(y.shape[1])
    kind = type_of_target(y)
    if kind not in ("binary", "multiclass"):
        raise ValueError(f"y_true must hold class labels, but its values look {kind}: {np.unique(y)[:5]}")
    if labels is None:
        classes = unique_labels(y)
        if classes.shape[0] == 1:
            raise ValueError(
                f"y_true contains only one label ({classes[0]!r}); pass all expected class labels "
                "through the labels argument"
            )
    else:
        lab = _label_array(labels, "labels")
        check_ndim(lab, "labels", 1)
        check_unique(lab, "labels")
        classes = unique_labels(lab)
        check_two_classes(classes, "labels")
        if not np.array_equal(classes, lab):
            warnings.warn(
                f"labels {lab.tolist()} are not sorted; the columns of y_proba are taken to be in "
                f"sorted order {classes.tolist()}, as in scikit-learn",
                UserWarning,
                stacklevel=3,
            )
        missing = ~np.isin(y, classes)
        if missing.any():
            raise ValueError(
                f"y_true contains values {sorted(set(y[missing].tolist()))} not in labels {lab.tolist()}"
            )
    return (y[:, None] == classes[None, :]).astype(np.int64), classes


def _as_columns(p: np.ndarray) -> np.ndarray:
    if p.ndim == 1:
        p = p[:, None]
    if p.shape[1] == 1:
        p = np.concatenate([1 - p, p], axis=1)
    return p


def _prepare(y_true: Any, y_proba: Any, sample_weight: Any, labels: Any):
    p = _proba_array(y_proba)
    w = check_sample_weight(sample_weight, p.shape[0], allow_negative=True)
    Y, classes = _one_hot(y_true, p.shape[0], labels)
    p = _as_columns(p)
    check_distribution(p, "y_proba", axis=1)
    if Y.shape[1] != p.shape[1]:
        if labels is None:
            raise ValueError(
                f"y_true and y_proba contain different numbers of classes: {Y.shape[1]} vs "
                f"{p.shape[1]}; pass the class labels explicitly through the labels argument "
                f"(classes found in y_true: {classes.tolist()})"
            )
        raise ValueError(
            f"labels has {Y.shape[1]} classes but y_proba has {p.shape[1]} columns "
            f"(classes in labels: {classes.tolist()})"
        )
    return Y, p, w


# --------------------------------------------------------------------------------------
# log-loss and Brier score
# --------------------------------------------------------------------------------------


def log_loss(y_true: Any, y_proba: Any, *, normalize: bool = True, sample_weight: Any = None, labels: Any = None) -> float:
    r"""Log-loss (cross-entropy of the predicted distribution), as scikit-learn computes it.

    .. math::

        \ell_i = -\sum_{k=1}^{K} y_{ik}\,\log \operatorname{clip}(p_{ik}, \varepsilon, 1-\varepsilon),
        \qquad
        L = \frac{\sum_i w_i \ell_i}{\sum_i w_i}\ \ (\texttt{normalize=True}),\quad
        L = \sum_i w_i \ell_i\ \ (\texttt{normalize=False}),

    with :math:`\varepsilon` the machine epsilon of ``y_proba``'s dtype
    (2.2e-16 for float64, 1.2e-7 for float32, 9.8e-4 for float16; the
    computation stays in that dtype) and :math:`w_i = 1` by default.  Because
    of the clipping a confident mistake costs at most
    :math:`-\log\varepsilon \approx 36.04` in float64, not infinity.

    The rules are those of :func:`sklearn.metrics.log_loss` (version 1.9):
    the classes are the sorted unique values of ``labels`` if given, else of
    ``y_true``, and at least two are required; the columns of ``y_proba``
    are in sorted class order; a 1-D ``y_proba`` (or one column) is the
    probability of the larger class; ``y_true`` may also be an indicator
    matrix (one column per class, rows may hold several 1s).  Rows of
    ``y_proba`` that do not sum to one (within a tolerance that grows with
    the dtype's rounding error and the number of classes) raise
    :class:`ValueError`, where scikit-learn only warns: the log-loss of
    non-probabilities is no log-loss.  Negative sample weights are accepted,
    as in scikit-learn.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_classes)
        Class labels (any sortable type), or an indicator matrix.
    y_proba : array-like of shape (n_samples, n_classes) or (n_samples,)
        Predicted probabilities in [0, 1].
    normalize : bool, default True
        Weighted mean if true, weighted sum otherwise.
    sample_weight : array-like of shape (n_samples,), optional
    labels : array-like, optional
        All class labels, for when ``y_true`` lacks some.

    Returns
    -------
    float
        The loss, in nats.

    Raises
    ------
    ValueError
        Empty input, NaN or infinite values, probabilities outside [0, 1],
        rows of ``y_proba`` that do not sum to one, NaN or fractional labels,
        inconsistent lengths, a single class, labels in ``y_true`` missing
        from ``labels``, a class count that differs from the columns of
        ``y_proba``, all-zero weights or weights summing to zero.
    TypeError
        Non-numeric probabilities or weights, scalar arguments, a non-bool
        ``normalize``.  (scikit-learn converts numeric strings such as
        ``"0.2"``; this function refuses them.)

    Examples
    --------
    >>> log_loss(["spam", "ham", "ham", "spam"], [[.1, .9], [.9, .1], [.8, .2], [.35, .65]])
    0.21616
    >>> log_loss([0, 1], [0.0, 0.0])  # clipped: -log(eps) / 2
    18.021826694558577
    """
    normalize = check_bool(normalize, "normalize")
    Y, p, w = _prepare(y_true, y_proba, sample_weight, labels)
    eps = np.finfo(p.dtype).eps
    p = np.clip(p, eps, 1 - eps)
    Yf = Y.astype(p.dtype)
    terms = np.where(Yf == 0, np.zeros((), dtype=p.dtype), Yf * np.log(p))  # y log p with 0 log p = 0
    loss = -np.sum(terms, axis=1)
    return _reduce(loss, w, normalize)


def _reduce(loss: np.ndarray, w: np.ndarray | None, normalize: bool) -> float:
    if w is None:
        return float(np.mean(loss) if normalize else np.sum(loss))
    if not normalize:
        return float(np.dot(loss, w))
    check_nonzero_sum(w, "sample_weight")
    return float(np.average(loss, weights=w))


def brier_score(y_true: Any, y_proba: Any, *, sample_weight: Any = None, labels: Any = None) -> float:
    r"""Brier score: mean squared error of the predicted probabilities.

    For a 2-D ``y_proba`` (any number of classes) this is Brier's original
    multiclass score, with values in :math:`[0, 2]`:

    .. math::

        \mathrm{BS} = \frac{\sum_i w_i \sum_{k=1}^{K} (p_{ik} - y_{ik})^2}{\sum_i w_i} .

    For a 1-D ``y_proba`` (probability of the larger class) it is the usual
    binary score :math:`\sum_i w_i (p_i - y_i)^2 / \sum_i w_i \in [0, 1]`,
    where :math:`y_i = 1` for the larger class; this is *half* the 2-column
    value.  These equal :func:`sklearn.metrics.brier_score_loss` for a 1-D
    ``y_proba`` and for a 2-D one with ``scale_by_half=False`` (its default
    ``"auto"`` halves the 2-column binary case).  Labels, and the rule that
    rows of ``y_proba`` sum to one, follow :func:`log_loss`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or indicator matrix
    y_proba : array-like of shape (n_samples,) or (n_samples, n_classes)
    sample_weight : array-like of shape (n_samples,), optional
    labels : array-like, optional

    Returns
    -------
    float

    Examples
    --------
    >>> brier_score([0, 1, 1], [0.1, 0.8, 0.4])
    0.13667
    >>> brier_score([0, 1, 1], [[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    0.27333
    """
    binary_1d = as_array(y_proba, "y_proba").ndim == 1
    Y, p, w = _prepare(y_true, y_proba, sample_weight, labels)
    check_nonzero_sum(w, "sample_weight")
    # imported here, not at the top: `import xentbook` must not import scikit-learn
    from sklearn.metrics import brier_score_loss

    # Y is the validated indicator matrix, in the columns' order; the binary 1-D score is
    # half the two-column one, which is what scale_by_half gives
    return float(brier_score_loss(Y, p.astype(np.float64), sample_weight=w, scale_by_half=binary_1d))


# --------------------------------------------------------------------------------------
# calibration
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalibrationBins:
    """Per-bin summary of confidence and accuracy.

    Attributes
    ----------
    edges : ndarray, shape (n_bins + 1,)
        ``linspace(0, 1, n_bins + 1)``; bin ``m`` is ``(edges[m], edges[m+1]]``
        (the first bin also holds confidence 0).
    counts : ndarray of int, shape (n_bins,)
    confidence : ndarray, shape (n_bins,)
        Mean confidence in each bin (NaN for an empty bin).
    accuracy : ndarray, shape (n_bins,)
        Fraction of correct predictions in each bin (NaN for an empty bin).
    """

    edges: np.ndarray
    counts: np.ndarray
    confidence: np.ndarray
    accuracy: np.ndarray

    @property
    def ece(self) -> float:
        """The expected calibration error, the count-weighted mean of ``|accuracy - confidence|``."""
        nz = self.counts > 0
        gaps = np.abs(self.accuracy[nz] - self.confidence[nz])
        return float(np.sum(self.counts[nz] * gaps) / np.sum(self.counts))


def _class_indices(y_true: Any, n: int, n_classes: int, name: str = "y_true", other: str = "y_proba") -> np.ndarray:
    check_array_arg(y_true, name, "an array of class indices")
    y = as_int_array(y_true, name, allow_bool=True, allow_float=True, allow_empty=True, low=0,
                     high=n_classes - 1, what="integer class indices")
    check_ndim(y, name, 1)
    check_lengths(y, n, name, other, what="samples", of="samples")
    return y


def calibration_bins(y_true: Any, y_proba: Any, *, n_bins: int = 15) -> CalibrationBins:
    r"""Confidence and accuracy in equal-width confidence bins (Guo et al., 2017).

    With confidence :math:`c_i = \max_k p_{ik}` and prediction
    :math:`\hat y_i = \arg\max_k p_{ik}` (the first maximum on ties), bin
    :math:`B_m = \{i : c_i \in (\tfrac{m-1}{M}, \tfrac{m}{M}]\}` has

    .. math::

        \operatorname{acc}(B_m) = \frac{1}{|B_m|}\sum_{i\in B_m} \mathbb 1[\hat y_i = y_i],
        \qquad
        \operatorname{conf}(B_m) = \frac{1}{|B_m|}\sum_{i\in B_m} c_i .

    Parameters
    ----------
    y_true : array-like of int, shape (n_samples,)
        Class indices ``0 .. K-1`` (0/1 for binary).
    y_proba : array-like, shape (n_samples, K) or (n_samples,)
        Probabilities; a 1-D array is ``P(class 1)`` and becomes ``[1-p, p]``.
        Rows must sum to one.
    n_bins : int, default 15

    Returns
    -------
    CalibrationBins

    Examples
    --------
    >>> b = calibration_bins([1, 0, 1, 1], [0.9, 0.2, 0.65, 0.3], n_bins=5)
    >>> b.counts.tolist(), b.accuracy[3:].tolist()
    ([0, 0, 0, 3, 1], [0.6666666666666666, 1.0])
    """
    n_bins = check_size(n_bins, "n_bins")
    p = _as_columns(_proba_array(y_proba))
    check_distribution(p, "y_proba", axis=1)
    p = p.astype(np.float64)
    y = _class_indices(y_true, p.shape[0], p.shape[1])
    conf = p.max(axis=1)
    correct = (p.argmax(axis=1) == y).astype(np.float64)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    idx = np.clip(np.searchsorted(edges, conf, side="left") - 1, 0, n_bins - 1)
    counts = np.bincount(idx, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        confidence = np.bincount(idx, weights=conf, minlength=n_bins) / counts
        accuracy = np.bincount(idx, weights=correct, minlength=n_bins) / counts
    return CalibrationBins(edges=edges, counts=counts, confidence=confidence, accuracy=accuracy)


def expected_calibration_error(y_true: Any, y_proba: Any, *, n_bins: int = 15) -> float:
    r"""Expected calibration error with equal-width bins (Guo et al., 2017).

    .. math::

        \mathrm{ECE} = \sum_{m=1}^{M} \frac{|B_m|}{n}\,
        \bigl|\operatorname{acc}(B_m) - \operatorname{conf}(B_m)\bigr|,

    with the bins of :func:`calibration_bins` (confidence = largest
    probability, accuracy of the argmax prediction).

    Parameters
    ----------
    y_true : array-like of int, shape (n_samples,)
    y_proba : array-like, shape (n_samples, K) or (n_samples,)
    n_bins : int, default 15

    Returns
    -------
    float
        In [0, 1].

    Examples
    --------
    >>> expected_calibration_error([1, 0, 1, 1], [0.9, 0.2, 0.65, 0.3], n_bins=5)
    0.0625
    """
    return calibration_bins(y_true, y_proba, n_bins=n_bins).ece


def reliability_diagram(y_true: Any, y_proba: Any, *, n_bins: int = 15, ax: Any = None) -> Any:
    """Plot accuracy against confidence per bin, with the gap to the diagonal.

    Blue bars: accuracy of each non-empty bin; red hatched bars: the gap to
    the bin's mean confidence; dashed diagonal: perfect calibration.  The
    ECE is shown in the legend.  matplotlib is imported only when this is
    called.

    Parameters
    ----------
    y_true, y_proba, n_bins
        As for :func:`calibration_bins`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made if omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = reliability_diagram([1, 0, 1, 1], [0.9, 0.2, 0.65, 0.3], n_bins=5)
    >>> ax.get_xlabel()
    'confidence'
    """
    bins = calibration_bins(y_true, y_proba, n_bins=n_bins)
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.5))
    else:
        check_instance(ax, "ax", Axes, what="a matplotlib Axes or None")
    width = 1.0 / n_bins
    left = bins.edges[:-1]
    nz = bins.counts > 0
    ax.bar(left[nz], bins.accuracy[nz], width=width, align="edge", color="tab:blue",
           edgecolor="black", linewidth=0.5, label="accuracy")
    gap = bins.confidence[nz] - bins.accuracy[nz]
    ax.bar(left[nz], gap, bottom=bins.accuracy[nz], width=width, align="edge", color="tab:red",
           alpha=0.3, hatch="//", edgecolor="tab:red", linewidth=0.5, label="gap to confidence")
    ax.plot([0, 1], [0, 1], linestyle="--", color="gray", label="perfect calibration")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence")
    ax.set_ylabel("accuracy")
    ax.set_aspect("equal")
    ax.legend(loc="upper left", title=f"ECE = {bins.ece:.3f}", fontsize="small")
    return ax


# --------------------------------------------------------------------------------------
# temperature scaling
# --------------------------------------------------------------------------------------


def _logits_and_targets(logits: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    z = as_float_array(logits, "logits").astype(np.float64)
    check_finite(z, "logits")
    if z.ndim == 1:
        z = np.stack([np.zeros_like(z), z], axis=1)  # binary logit: log-odds of class 1
    else:
        check_ndim(z, "logits", 2, what="1-D (binary) or 2-D (n_samples, n_classes)")
    if z.shape[1] < 2:
        raise ValueError("logits must have at least two classes (use a 1-D array for binary logits)")
    return z, _class_indices(y, z.shape[0], z.shape[1], name="y", other="logits")


def _tempered(z: np.ndarray, temperature: float) -> np.ndarray:
    """``(z - max z) / T`` row-wise: the logits of ``softmax(z / T)`` without overflow.

    softmax is shift-invariant, and the shifted logits are <= 0, so dividing
    by a small ``T`` can only push them towards ``-inf`` (a probability that
    is exactly 0 in float64), never to ``+inf``.
    """
    with np.errstate(over="ignore"):
        d = z - z.max(axis=1, keepdims=True)
        return d / temperature


def _nll(z: np.ndarray, y: np.ndarray, temperature: float) -> float:
    nll = -log_softmax(_tempered(z, temperature), axis=1)[np.arange(z.shape[0]), y]
    return stable_sum(nll, z.shape[0])


def fit_temperature(logits: Any, y: Any, *, bounds: tuple[float, float] = (1e-2, 1e2)) -> float:
    r"""Temperature :math:`T > 0` minimising the negative log-likelihood of ``softmax(logits / T)``.

    .. math::

        T^\star = \arg\min_{T>0}\; -\frac{1}{n}\sum_i \log\operatorname{softmax}(z_i / T)_{y_i}

    (Guo et al., 2017).  Fit it on held-out (validation) logits, never on
    the training set.  The NLL is convex in :math:`1/T`, so it has a single
    minimum; it is found by bounded Brent search over :math:`\log T` using
    the stable :func:`xentbook.numerics.log_softmax`.  If the minimum lies at
    a bound (e.g. separable data, where the NLL keeps falling as
    :math:`T \to 0`) a :class:`RuntimeWarning` is issued and the bound is
    returned.  Scaling by :math:`T` never changes the argmax, hence never the
    accuracy.

    Parameters
    ----------
    logits : array-like, shape (n_samples, K) or (n_samples,)
        Logits; a 1-D array holds binary log-odds of class 1.
    y : array-like of int, shape (n_samples,)
        Class indices.
    bounds : (float, float), default (0.01, 100)
        Search interval for :math:`T`.

    Returns
    -------
    float

    Examples
    --------
    >>> rng = np.random.default_rng(0); z = rng.normal(size=(2000, 3))
    >>> y = np.array([rng.choice(3, p=np.exp(r) / np.exp(r).sum()) for r in z])
    >>> round(fit_temperature(3 * z, y), 1)  # logits 3x too confident
    3.0
    """
    z, y = _logits_and_targets(logits, y)
    lo, hi = check_interval(bounds, "bounds", low=0.0, low_open=True)
    res = minimize_scalar(
        lambda u: _nll(z, y, float(np.exp(u))),
        bounds=(np.log(lo), np.log(hi)),
        method="bounded",
        options={"xatol": 1e-10},
    )
    t = float(np.exp(res.x))
    best = _nll(z, y, t)
    for bound in (lo, hi):  # a flat or monotone NLL pushes the optimum to a bound
        at_bound = _nll(z, y, bound)
        if at_bound <= best:
            t, best = bound, at_bound
    if t in (lo, hi):
        warnings.warn(
            f"the optimal temperature lies at the bound {t:.3g} of the search interval {bounds}; "
            "the NLL keeps decreasing beyond it (e.g. separable data)",
            RuntimeWarning,
            stacklevel=2,
        )
    return t


def apply_temperature(logits: Any, *, temperature: float) -> np.ndarray:
    r"""Probabilities after temperature scaling: ``softmax(logits / T)``.

    For 1-D binary log-odds the result is :math:`\sigma(z / T)`, the
    probability of class 1.

    Parameters
    ----------
    logits : array-like, shape (n_samples, K) or (n_samples,)
    temperature : float
        :math:`T > 0`.

    Returns
    -------
    numpy.ndarray
        Same shape as ``logits``.

    Examples
    --------
    >>> apply_temperature([[2.0, 0.0]], temperature=2.0).round(4)
    array([[0.7311, 0.2689]])
    """
    temperature = check_positive(temperature, "temperature")
    z = as_float_array(logits, "logits").astype(np.float64)
    check_finite(z, "logits")
    if z.ndim == 1:
        with np.errstate(over="ignore"):  # +-inf log-odds give probability 1 / 0 exactly
            return np.asarray(sigmoid(z / temperature))
    check_ndim(z, "logits", (1, 2))
    return np.asarray(softmax(_tempered(z, temperature), axis=1))
