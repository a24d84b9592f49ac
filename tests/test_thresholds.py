"""Tests of xentbook.thresholds: brute force with scikit-learn's metrics at every candidate."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given, settings
from hypothesis import strategies as hs

from xentbook.thresholds import apply_thresholds, tune_threshold, tune_thresholds

SCORE = {
    "f1": lambda y, p: skm.f1_score(y, p, zero_division=0),
    "jaccard": lambda y, p: skm.jaccard_score(y, p, zero_division=0),
    "balanced_accuracy": skm.balanced_accuracy_score,
}


def _candidates(s):
    """Every distinct rule "s >= c" on the data: each distinct score, and predict-nothing."""
    return [*np.unique(s), np.inf]


def _check_optimal(y, s, t, metric):
    score = SCORE[metric]
    values = {c: score(y, (s >= c).astype(int)) for c in _candidates(s)}
    best = max(values.values())
    assert score(y, (s >= t).astype(int)) == pytest.approx(best, abs=1e-12)
    # the convention: +inf (predict nothing), the lowest score (predict everything),
    # or strictly between two consecutive distinct scores
    u = np.unique(s)
    if np.isfinite(t):
        assert t == u[0] or not np.isin(t, u)
        assert u[0] <= t <= u[-1]
    # ties go to the largest threshold: no rule with a higher threshold is as good
    better_or_equal_above = [c for c in _candidates(s) if c > t and values[c] >= best - 1e-12
                             and np.any((s >= c) != (s >= t))]
    assert not better_or_equal_above, (t, better_or_equal_above)


@given(hs.integers(0, 10**6), hs.sampled_from(sorted(SCORE)), hs.integers(2, 60))
@settings(max_examples=120)
def test_tune_threshold_matches_brute_force(seed, metric, n):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]
    s = np.round(rng.normal(size=n), 1)  # ties on purpose
    t = tune_threshold(y, s, metric=metric)
    _check_optimal(y, s, t, metric)


@given(hs.integers(1, 25), hs.integers(1, 3), hs.sampled_from(["f1", "jaccard"]), hs.data())
@settings(max_examples=80)
def test_tune_thresholds_is_tune_threshold_per_column(n, k, metric, data):
    y = np.array(data.draw(hs.lists(hs.integers(0, 1), min_size=n * k, max_size=n * k))).reshape(n, k)
    s = np.array(data.draw(hs.lists(hs.integers(0, 8), min_size=n * k, max_size=n * k)), dtype=float).reshape(n, k) / 8
    t = tune_thresholds(y, s, metric=metric)
    assert t.shape == (k,) and t.dtype == np.float64
    pred = apply_thresholds(s, t)
    for j in range(k):
        assert t[j] == tune_threshold(y[:, j], s[:, j], metric=metric)  # one core, one convention
        _check_optimal(y[:, j], s[:, j], t[j], metric)
        np.testing.assert_array_equal(pred[:, j], (s[:, j] >= t[j]).astype(int))
        if y[:, j].sum() == 0:  # no positives: predict nothing
            assert t[j] == np.inf and pred[:, j].sum() == 0


def test_the_two_conventions_agree():
    # the case where the twin tuners once disagreed (0.1 vs -0.9)
    y, s = np.array([1, 1, 0]), np.array([0.1, 0.5, 0.9])
    assert tune_threshold(y, s) == 0.1  # predict everything: the lowest score
    assert tune_thresholds(y[:, None], s[:, None]).tolist() == [0.1]


def test_known_values_and_ties():
    assert tune_threshold([0, 0, 1, 0, 1], [0.1, 0.2, 0.3, 0.35, 0.8]) == pytest.approx(0.25)
    assert tune_threshold([0, 1], [0.5, 0.5]) == 0.5  # one distinct score: all positive
    assert tune_threshold([0, 0], [0.1, 0.2]) == np.inf  # no positives: predict nothing
    assert tune_threshold([True, False], [0.9, 0.2], metric="jaccard") == pytest.approx(0.55)
    # balanced accuracy of a useless score: every rule scores 1/2, the largest threshold wins
    assert tune_threshold([1, 0], [0.1, 0.9], metric="balanced_accuracy") == np.inf
    np.testing.assert_allclose(
        tune_thresholds([[1, 0], [1, 1], [0, 1], [0, 0]], [[0.9, 0.3], [0.4, 0.8], [0.35, 0.6], [0.1, 0.7]]),
        [0.375, 0.45],
    )


def test_midpoints_of_adjacent_and_huge_scores():
    a = 1.0
    b = np.nextafter(a, 0)  # adjacent floats: the midpoint rounds onto one of them
    t = tune_threshold([1, 0], [a, b])
    assert b < t <= a
    big = np.finfo(np.float64).max
    t = tune_threshold([1, 0], [big, -big])
    assert np.isfinite(t) and -big < t <= big and t == 0.0


@pytest.mark.parametrize(
    "y, s, kw, exc, match",
    [
        ([0, 2], [0.1, 0.2], {}, ValueError, "y_true must hold values <= 1"),
        ([0, -1], [0.1, 0.2], {}, ValueError, "y_true must hold values >= 0"),
        ([0, 1], [0.1], {}, ValueError, "same shape"),
        ([0, 1], [0.1, np.nan], {}, ValueError, "y_score must be finite"),
        ([0, 1], [0.1, np.inf], {}, ValueError, "y_score must be finite"),
        ([0, 1], [0.1, 0.2], {"metric": "auc"}, ValueError, "metric must be one of"),
        ([0, 1], [0.1, 0.2], {"metric": 1}, TypeError, "metric must be a string"),
        ([0, 0], [0.1, 0.2], {"metric": "balanced_accuracy"}, ValueError, "both classes"),
        (["a", "b"], [0.1, 0.2], {}, TypeError, "y_true"),
        ([0, 1], ["a", "b"], {}, TypeError, "y_score"),
        ([], [], {}, ValueError, "y_score is empty"),
        ([[0, 1]], [[0.1, 0.2]], {}, ValueError, r"y_score must have shape \(n_samples,\)"),
        ([0.5, 1], [0.1, 0.2], {}, ValueError, "y_true must hold whole numbers"),
    ],
)
def test_tune_threshold_errors(y, s, kw, exc, match):
    with pytest.raises(exc, match=match):
        tune_threshold(y, s, **kw)


def test_tune_thresholds_and_apply_errors():
    y = [[1, 0], [0, 1]]
    s = [[0.9, 0.1], [0.2, 0.7]]
    with pytest.raises(ValueError, match="metric must be one of"):
        tune_thresholds(y, s, metric="accuracy")
    with pytest.raises(ValueError, match="same shape"):
        tune_thresholds([[1, 0]], s)
    with pytest.raises(ValueError, match="y_true must hold values <= 1"):
        tune_thresholds([[2, 0], [0, 1]], s)
    with pytest.raises(ValueError, match="y_score must be finite"):
        tune_thresholds(y, [[np.nan, 0.1], [0.2, 0.7]])
    with pytest.raises(ValueError, match=r"y_score must have shape \(n_samples, n_labels\)"):
        tune_thresholds(np.zeros((2, 2, 1)), np.zeros((2, 2, 1)))
    with pytest.raises(ValueError, match="both classes"):
        tune_thresholds([[1, 0], [1, 1]], s, metric="balanced_accuracy")
    with pytest.raises(ValueError, match="one entry per column"):
        apply_thresholds(s, [0.5, 0.5, 0.5])
    with pytest.raises(ValueError, match="one entry per column"):
        apply_thresholds([0.1, 0.2], [0.5])
    with pytest.raises(ValueError, match="thresholds contains NaN"):
        apply_thresholds(s, [0.5, np.nan])
    with pytest.raises(ValueError, match="y_score must be 1-D"):
        apply_thresholds(np.zeros((2, 2, 2)), 0.5)
    with pytest.raises(ValueError, match="y_score must be finite"):
        apply_thresholds([0.1, np.inf], 0.5)
    assert apply_thresholds(s, 0.5).tolist() == [[1, 0], [0, 1]]
    assert apply_thresholds(s, [np.inf, -np.inf]).tolist() == [[0, 1], [0, 1]]
    assert apply_thresholds([0.1, 0.7], 0.5).tolist() == [0, 1]
