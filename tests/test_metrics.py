"""Tests of xentbook.metrics against scikit-learn, scipy and brute force."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.special
import sklearn.metrics as skm
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from xentbook.metrics import (
    apply_temperature,
    brier_score,
    calibration_bins,
    expected_calibration_error,
    fit_temperature,
    log_loss,
    reliability_diagram,
)

# ----------------------------------------------------------------------------- strategies


@st.composite
def proba_problems(draw, *, allow_1d=True):
    """(y_true, y_proba, sample_weight, labels) with at least two classes present in labels/y_true."""
    n = draw(st.integers(1, 12))
    k = draw(st.integers(2, 5))
    dtype = draw(st.sampled_from([np.float64, np.float32, np.float16]))
    raw = np.array(draw(st.lists(st.sampled_from([0.0, 0.0, 1e-20, 1e-9, 0.1, 0.3, 0.5, 1.0, 2.0, 7.0]),
                                 min_size=n * k, max_size=n * k))).reshape(n, k)
    raw[raw.sum(axis=1) == 0, 0] = 1.0
    p = (raw / raw.sum(axis=1, keepdims=True)).astype(dtype)
    names = draw(st.sampled_from([np.arange(k), np.arange(k) * 3 - 2, np.array(list("abcde"))[:k]]))
    y_idx = np.array(draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    y = names[y_idx]
    labels = None
    if len(np.unique(y_idx)) < k:
        labels = names  # sorted already
    one_d = allow_1d and k == 2 and draw(st.booleans())
    if one_d:
        p = p[:, 1]
    w = None
    if draw(st.booleans()):
        w = np.array(draw(st.lists(st.sampled_from([0.0, 0.5, 1.0, 3.0]), min_size=n, max_size=n)))
        assume(w.sum() > 0)
    return y, p, w, labels


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


# ----------------------------------------------------------------------------- log_loss


@settings(max_examples=300, deadline=None)
@given(proba_problems(), st.booleans())
def test_log_loss_matches_sklearn(problem, normalize):
    y, p, w, labels = problem
    ours = _quiet(log_loss, y, p, normalize=normalize, sample_weight=w, labels=labels)
    ref = _quiet(skm.log_loss, y, p, normalize=normalize, sample_weight=w, labels=labels)
    assert ours == pytest.approx(ref, rel=1e-12, abs=1e-12)


def test_log_loss_known_values():
    eps = np.finfo(np.float64).eps
    assert log_loss([0, 1], [[1.0, 0.0], [0.0, 1.0]]) == pytest.approx(-np.log(1 - eps))
    assert log_loss([1, 0], [[1.0, 0.0], [0.0, 1.0]]) == pytest.approx(-np.log(eps))  # 36.04
    assert log_loss([0, 1], np.array([0.0, 1.0], dtype=np.float32)) == pytest.approx(
        -np.log(np.float32(1) - np.finfo(np.float32).eps), rel=1e-6
    )
    p = np.array([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]])
    lab = [0, 1, 2]
    assert log_loss([2, 0], p, labels=lab) == pytest.approx(-(np.log(0.3) + np.log(0.6)) / 2)
    assert log_loss([2, 0], p, labels=lab, normalize=False) == pytest.approx(-(np.log(0.3) + np.log(0.6)))
    assert log_loss([2, 0], p, labels=lab, sample_weight=[3, 1]) == pytest.approx(
        -(3 * np.log(0.3) + np.log(0.6)) / 4
    )
    with pytest.raises(ValueError, match="classes found in y_true: \\[0, 2\\]"):
        log_loss([2, 0], p)
    # indicator matrix y_true, including a row with two 1s (as scikit-learn allows)
    Y = [[1, 1, 0], [0, 1, 0]]
    assert log_loss(Y, p) == pytest.approx(skm.log_loss(Y, p))
    # labels needed when y_true misses a class
    assert log_loss([0, 1], p[:, [0, 2, 1]], labels=[0, 1, 2]) == pytest.approx(skm.log_loss([0, 1], p[:, [0, 2, 1]], labels=[0, 1, 2]))


def test_rows_not_summing_to_one_raise_where_sklearn_warns():
    with pytest.warns(UserWarning):
        skm.log_loss([0, 1], [[0.2, 0.3], [0.1, 0.1]])
    for f in (log_loss, brier_score):
        with pytest.raises(ValueError, match="y_proba must sum to 1"):
            f([0, 1], [[0.2, 0.3], [0.1, 0.1]])
    # issue 12: rows of 0.9 gave a Brier score of 2.44, outside the documented [0, 2]
    with pytest.raises(ValueError, match="y_proba must sum to 1"):
        brier_score([0, 1, 2, 3], np.full((4, 4), 0.9))
    # within the one tolerance of check_distribution: accepted
    p = np.array([[0.2, 0.8 + 1e-9], [0.5, 0.5]])
    assert np.isfinite(log_loss([0, 1], p)) and np.isfinite(brier_score([0, 1], p))


def test_log_loss_warnings_like_sklearn():
    with pytest.warns(UserWarning, match="not sorted"):
        ours = log_loss([0, 1], [0.2, 0.8], labels=[1, 0])
    with pytest.warns(UserWarning):
        ref = skm.log_loss([0, 1], [0.2, 0.8], labels=[1, 0])
    assert ours == pytest.approx(ref)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        log_loss([0, 1], [[0.2, 0.8], [0.1, 0.9]])


BAD_INPUTS = [
    # (y_true, y_proba, kwargs)
    ([0, 1], [[[0.2]], [[0.8]]], {}),  # 3-D
    ([], [], {}),  # empty
    ([0, 1], [np.nan, 0.5], {}),
    ([0, 1], [np.inf, 0.5], {}),
    ([0, 1], [1.2, 0.5], {}),
    ([0, 1], [-0.1, 0.5], {}),
    ([0, 1, 1], [0.2, 0.8], {}),  # lengths
    ([0.5, 1.0], [0.2, 0.8], {}),  # continuous targets
    ([np.nan, 1.0], [0.2, 0.8], {}),
    ([0, 0], [0.2, 0.8], {}),  # one class
    ([0, 1], [0.2, 0.8], {"labels": [0]}),
    ([0, 3], [0.2, 0.8], {"labels": [0, 1]}),
    ([0, 1, 2], [0.2, 0.8, 0.3], {}),  # 3 classes vs binary proba
    ([0, 1], [0.2, 0.8], {"labels": [0, 1, 2]}),
    ([0, 1], [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], {}),
    ([0, 1], [0.2, 0.8], {"sample_weight": [0, 0]}),
    ([0, 1], [0.2, 0.8], {"sample_weight": [1, -1]}),  # sums to zero
    ([0, 1], [0.2, 0.8], {"sample_weight": [[1, 1]]}),
    ([0, 1], [0.2, 0.8], {"sample_weight": [1, np.nan]}),
    ([0, 1], [0.2, 0.8], {"sample_weight": [1, 1, 1]}),
    ([0, 1], [0.2, 0.8], {"sample_weight": 2.0}),
    ([0, 1], [0.2, 0.8], {"normalize": 1}),
    ([0, 1], 0.5, {}),
    ([[1, 0], [0, 1]], [0.2, 0.8], {"labels": [0, 1]}),
    ([0, 1], [0.2, 0.8], {"labels": [0, 1, 1]}),
]


@pytest.mark.parametrize("y_true, y_proba, kwargs", BAD_INPUTS)
def test_log_loss_errors_like_sklearn(y_true, y_proba, kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises((ValueError, TypeError)) as ours:
            log_loss(y_true, y_proba, **kwargs)
        with pytest.raises((ValueError, TypeError, ZeroDivisionError)):
            skm.log_loss(y_true, y_proba, **kwargs)
    msg = str(ours.value)
    assert any(word in msg for word in ("y_true", "y_proba", "labels", "sample_weight", "normalize", "classes"))


def test_log_loss_error_messages():
    with pytest.raises(ValueError, match=r"y_proba must lie in \[0, 1\]"):
        log_loss([0, 1], [1.2, 0.5])
    with pytest.raises(ValueError, match="only one label"):
        log_loss([0, 0], [0.2, 0.8])
    with pytest.raises(ValueError, match=r"not in labels"):
        log_loss([0, 3], [0.2, 0.8], labels=[0, 1])
    with pytest.raises(ValueError, match="different numbers of classes: 3 vs 2"):
        log_loss([0, 1, 2], [0.2, 0.8, 0.3])
    with pytest.raises(ValueError, match="sums to zero"):
        log_loss([0, 1], [0.2, 0.8], sample_weight=[1, -1])
    with pytest.raises(TypeError, match="normalize must be a bool"):
        log_loss([0, 1], [0.2, 0.8], normalize=1)
    with pytest.raises(TypeError, match="y_proba must contain real numbers"):
        log_loss([0, 1], ["0.2", "0.8"])
    with pytest.raises(TypeError, match="sample_weight must contain real numbers"):
        log_loss([0, 1], [0.2, 0.8], sample_weight=["a", "b"])
    with pytest.raises(TypeError, match="y_true must be an array"):
        log_loss(1, [0.2])
    with pytest.raises(ValueError, match="y_proba has no columns"):
        log_loss([0, 1], np.zeros((2, 0)))
    with pytest.raises(ValueError, match="indicator matrix"):
        log_loss([[2, 0], [0, 1]], [[0.5, 0.5], [0.5, 0.5]])
    with pytest.raises(ValueError, match="labels must contain at least 2 classes"):
        log_loss([0, 0], [0.2, 0.8], labels=[0])
    with pytest.raises(ValueError, match="labels must be 1-D"):
        log_loss([0, 1], [0.2, 0.8], labels=[[0, 1]])


# ----------------------------------------------------------------------------- Brier


@settings(max_examples=200, deadline=None)
@given(proba_problems())
def test_brier_matches_sklearn(problem):
    y, p, w, labels = problem
    p = p.astype(np.float64)
    if p.ndim == 2:
        p = p / p.sum(axis=1, keepdims=True)
    ours = brier_score(y, p, sample_weight=w, labels=labels)
    # scikit-learn's scale_by_half: "auto" halves the binary case; we halve only for 1-D input
    # and for 1-D input the positive class is the larger label (scikit-learn: pass pos_label)
    extra = {"pos_label": (labels if labels is not None else np.unique(y))[-1]} if p.ndim == 1 else {}
    ref = _quiet(
        skm.brier_score_loss, y, p, sample_weight=w, labels=labels, scale_by_half=p.ndim == 1, **extra
    )
    assert ours == pytest.approx(ref, rel=1e-10, abs=1e-12)
    if p.ndim == 1:  # the binary 1-D score is half the two-column one
        two = brier_score(y, np.stack([1 - p, p], axis=1), sample_weight=w, labels=labels)
        assert two == pytest.approx(2 * ours)


def test_brier_known_values_and_errors():
    assert brier_score([0, 1], [0.0, 1.0]) == 0.0
    assert brier_score([0, 1], [1.0, 0.0]) == 1.0
    assert brier_score([0, 1, 2], np.eye(3)[[1, 2, 0]]) == 2.0
    with pytest.raises(ValueError, match=r"y_proba must lie in \[0, 1\]"):
        brier_score([0, 1], [0.2, 1.5])
    with pytest.raises(ValueError, match="only one label"):
        brier_score([1, 1], [0.2, 0.5])


# ----------------------------------------------------------------------------- calibration


def _ece_brute(y, p, n_bins):
    p = np.asarray(p, dtype=np.float64)
    if p.ndim == 1:
        p = np.stack([1 - p, p], axis=1)
    edges = np.linspace(0, 1, n_bins + 1)
    n = len(y)
    total = 0.0
    counts = []
    for m in range(n_bins):
        members = []
        for i in range(n):
            c = max(p[i])
            in_bin = edges[m] < c <= edges[m + 1] or (m == 0 and c == 0)
            if in_bin:
                members.append(i)
        counts.append(len(members))
        if members:
            acc = np.mean([int(np.argmax(p[i]) == y[i]) for i in members])
            conf = np.mean([max(p[i]) for i in members])
            total += len(members) / n * abs(acc - conf)
    return total, counts


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 30),
    st.integers(2, 4),
    st.integers(1, 20),
    st.data(),
)
def test_ece_matches_brute_force(n, k, n_bins, data):
    grid = st.integers(0, 20)  # multiples of 1/20 hit bin edges exactly
    raw = np.array(data.draw(st.lists(grid, min_size=n * k, max_size=n * k)), dtype=float).reshape(n, k)
    raw[raw.sum(axis=1) == 0, 0] = 1
    p = raw / raw.sum(axis=1, keepdims=True)
    y = np.array(data.draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    ours = calibration_bins(y, p, n_bins=n_bins)
    ref, counts = _ece_brute(y, p, n_bins)
    assert ours.counts.tolist() == counts
    assert expected_calibration_error(y, p, n_bins=n_bins) == pytest.approx(ref, abs=1e-12)
    assert 0 <= ours.ece <= 1


def test_ece_binary_1d_equals_two_columns_and_calibrated_case():
    rng = np.random.default_rng(0)
    q = rng.uniform(size=20000)
    y = (rng.uniform(size=q.size) < q).astype(int)  # calibrated by construction
    assert expected_calibration_error(y, q) == pytest.approx(expected_calibration_error(y, np.stack([1 - q, q], 1)))
    assert expected_calibration_error(y, q) < 0.02
    over = np.clip(0.5 + 1.8 * (q - 0.5), 0, 1)  # overconfident copy
    assert expected_calibration_error(y, over) > 0.1


def test_calibration_errors():
    with pytest.raises(ValueError, match="must sum to 1"):
        calibration_bins([0, 1], [[0.5, 0.6], [0.2, 0.8]])
    with pytest.raises(ValueError, match=r"y_true must hold values <= 1|y must hold values <= 1"):
        expected_calibration_error([0, 2], [0.2, 0.8])
    with pytest.raises(ValueError, match="integer class indices"):
        expected_calibration_error([0, 0.5], [0.2, 0.8])
    with pytest.raises(TypeError, match="integer class indices"):
        expected_calibration_error(["a", "b"], [0.2, 0.8])
    with pytest.raises(ValueError, match="n_bins must be >= 1"):
        expected_calibration_error([0, 1], [0.2, 0.8], n_bins=0)
    with pytest.raises(TypeError, match="n_bins must be an integer"):
        expected_calibration_error([0, 1], [0.2, 0.8], n_bins=2.0)
    with pytest.raises(ValueError, match="y_true has 3 samples"):
        expected_calibration_error([0, 1, 1], [0.2, 0.8])
    with pytest.raises(ValueError, match=r"y_proba must lie in \[0, 1\]"):
        expected_calibration_error([0, 1], [0.2, 1.8])


def test_reliability_diagram():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    y = [1, 0, 1, 1]
    p = [0.9, 0.2, 0.65, 0.3]
    ax = reliability_diagram(y, p, n_bins=5)
    bars = [c for c in ax.patches if isinstance(c, Rectangle)]
    assert len(bars) == 4  # two non-empty bins, accuracy + gap bar each
    heights = sorted(round(b.get_height(), 6) for b in bars)
    assert heights == sorted([round(2 / 3, 6), 1.0, round((0.8 + 0.65 + 0.7) / 3 - 2 / 3, 6), round(0.9 - 1.0, 6)])
    assert ax.get_legend().get_title().get_text() == "ECE = 0.063"  # 0.0625000000000001
    fig, ax2 = plt.subplots()
    assert reliability_diagram(y, p, ax=ax2) is ax2
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        reliability_diagram(y, p, ax="left")
    plt.close("all")


# ----------------------------------------------------------------------------- temperature


def _nll(z, y, t):
    return -np.mean(scipy.special.log_softmax(z / t, axis=1)[np.arange(len(y)), y])


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.3, 4.0), st.integers(2, 5))
def test_temperature_beats_grid_search(seed, scale, k):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(300, k)) * 2
    cdf = np.cumsum(scipy.special.softmax(z, axis=1), axis=1)
    y = np.minimum((rng.uniform(size=(300, 1)) > cdf).sum(axis=1), k - 1)  # y ~ softmax(z)
    logits = z * scale
    t = fit_temperature(logits, y)
    grid = np.exp(np.linspace(np.log(0.02), np.log(50), 1001))
    logp = scipy.special.log_softmax(logits[None] / grid[:, None, None], axis=2)
    losses = -logp[:, np.arange(len(y)), y].mean(axis=1)
    assert _nll(logits, y, t) <= losses.min() + 1e-12
    assert abs(np.log(t) - np.log(grid[losses.argmin()])) < 2 * (np.log(50) - np.log(0.02)) / 1000
    probs = apply_temperature(logits, temperature=t)
    np.testing.assert_allclose(probs, scipy.special.softmax(logits / t, axis=1), rtol=1e-12, atol=1e-15)
    assert (probs.argmax(1) == logits.argmax(1)).all()  # accuracy unchanged


def test_temperature_binary_and_recovery():
    rng = np.random.default_rng(1)
    z = rng.normal(size=5000) * 2
    y = (rng.uniform(size=z.size) < scipy.special.expit(z)).astype(int)
    t1 = fit_temperature(3 * z, y)
    t2 = fit_temperature(np.stack([np.zeros_like(z), 3 * z], axis=1), y)
    assert t1 == pytest.approx(t2, rel=1e-6)
    assert t1 == pytest.approx(3.0, rel=0.1)
    np.testing.assert_allclose(apply_temperature(3 * z, temperature=t1), scipy.special.expit(3 * z / t1), rtol=1e-12)


def test_temperature_bound_warning_and_errors():
    z = np.array([[5.0, -5.0], [-5.0, 5.0]])
    with pytest.warns(RuntimeWarning, match="at the bound"):
        t = fit_temperature(z, [0, 1])  # separable: NLL keeps falling as T -> 0
    assert t == pytest.approx(1e-2, rel=1e-4)
    with pytest.raises(ValueError, match=r"y_true must hold values <= 1|y must hold values <= 1"):
        fit_temperature(z, [0, 2])
    with pytest.raises(ValueError, match="logits must be finite"):
        fit_temperature([[np.nan, 0.0]], [0])
    with pytest.raises(ValueError, match="at least two classes"):
        fit_temperature([[1.0], [2.0]], [0, 0])
    with pytest.raises(ValueError, match="1-D \\(binary\\) or 2-D"):
        fit_temperature(np.zeros((2, 2, 2)), [0, 1])
    with pytest.raises(ValueError, match="y has 3 samples"):
        fit_temperature(z, [0, 1, 1])
    with pytest.raises(ValueError, match="bounds must satisfy"):
        fit_temperature(z, [0, 1], bounds=(2.0, 1.0))
    with pytest.raises(TypeError, match="bounds must be a tuple"):
        fit_temperature(z, [0, 1], bounds=[0.1, 10])
    with pytest.raises(ValueError, match="temperature must be a finite number > 0"):
        apply_temperature(z, temperature=0.0)
    with pytest.raises(TypeError, match="temperature must be a number"):
        apply_temperature(z, temperature="1")
    with pytest.raises(ValueError, match="logits must be 1-D or 2-D"):
        apply_temperature(np.zeros((1, 1, 2)), temperature=1.0)
