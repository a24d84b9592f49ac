"""Tests of xentbook.corruption: exact class counts, noise rates and transition frequencies."""

from __future__ import annotations

import numpy as np
import pytest

from xentbook.corruption import long_tailed_indices, symmetric_label_noise


def test_long_tailed_counts():
    y = np.repeat(np.arange(10), 150)
    idx = long_tailed_indices(y, imbalance_ratio=50, n_max=100, seed=3)
    counts = np.bincount(y[idx], minlength=10)
    expected = [max(1, round(100 * 50 ** (-c / 9))) for c in range(10)]
    np.testing.assert_array_equal(counts, expected)
    assert counts[0] / counts[-1] == 50
    assert np.unique(idx).size == idx.size and np.all(np.diff(idx) > 0)
    np.testing.assert_array_equal(idx, long_tailed_indices(y, imbalance_ratio=50, n_max=100, seed=3))
    assert not np.array_equal(idx, long_tailed_indices(y, imbalance_ratio=50, n_max=100, seed=4))
    np.testing.assert_array_equal(np.bincount(y[long_tailed_indices(y, imbalance_ratio=1, n_max=7)]), np.full(10, 7))


@pytest.mark.parametrize(
    "y, kwargs, exc, match",
    [
        (np.repeat([0, 1], 10), dict(imbalance_ratio=0.5, n_max=5), ValueError, "imbalance_ratio"),
        (np.repeat([0, 1], 10), dict(imbalance_ratio="2", n_max=5), TypeError, "imbalance_ratio"),
        (np.repeat([0, 1], 10), dict(imbalance_ratio=2, n_max=0), ValueError, "n_max"),
        (np.repeat([0, 1], 10), dict(imbalance_ratio=2, n_max=2.5), TypeError, "n_max"),
        (np.repeat([0, 1], 10), dict(imbalance_ratio=2, n_max=50), ValueError, "fewer than"),
        (np.repeat([0, 1], 10), dict(imbalance_ratio=2, n_max=5, seed=-1), ValueError, "seed"),
        (np.zeros(5, dtype=int), dict(imbalance_ratio=2, n_max=2), ValueError, "at least 2 classes"),
        (np.zeros(5), dict(imbalance_ratio=2, n_max=2), TypeError, "y must hold"),
        (np.array([0, -1]), dict(imbalance_ratio=2, n_max=1), ValueError, "y must hold values >= 0"),
        (np.zeros((2, 2), dtype=int), dict(imbalance_ratio=2, n_max=1), ValueError, "1-D"),
    ],
)
def test_long_tailed_errors(y, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        long_tailed_indices(y, **kwargs)


@pytest.mark.parametrize("rate", [0.0, 0.2, 0.6, 1.0])
def test_symmetric_noise(rate):
    y = np.repeat(np.arange(5), 4000)
    noisy = symmetric_label_noise(y, rate=rate, n_classes=5, seed=0)
    flipped = noisy != y
    assert abs(flipped.mean() - rate) < 0.015
    # the flipped labels are uniform over the four other classes
    if rate > 0:
        for c in range(5):
            other = noisy[(y == c) & flipped]
            freq = np.bincount(other, minlength=5) / other.size
            assert freq[c] == 0 and np.all(np.abs(np.delete(freq, c) - 0.25) < 0.04)
    assert np.array_equal(noisy, symmetric_label_noise(y, rate=rate, n_classes=5, seed=0))
    assert noisy.dtype == np.int64


def test_symmetric_noise_default_n_classes():
    y = np.array([0, 1, 2] * 100)
    noisy = symmetric_label_noise(y, rate=1.0, seed=2)
    assert set(noisy.tolist()) <= {0, 1, 2} and not np.any(noisy == y)


@pytest.mark.parametrize(
    "y, rate, n_classes, exc, match",
    [
        ([0, 1], 1.5, None, ValueError, "rate"),
        ([0, 1], -0.1, None, ValueError, "rate"),
        ([0, 1], "0.1", None, TypeError, "rate"),
        ([0, 1], 0.1, 1, ValueError, "n_classes must be >= 2"),
        ([0, 1], 0.1, 2.0, TypeError, "n_classes"),
        ([0, 0], 0.1, None, ValueError, "n_classes must be >= 2"),
        ([0, 3], 0.1, 3, ValueError, "n_classes"),
        ([0, -1], 0.1, None, ValueError, "y must hold values >= 0"),
        ([0.0, 1.0], 0.1, None, TypeError, "y must hold"),
        ([True, False], 0.1, None, TypeError, "y must hold"),
    ],
)
def test_noise_errors(y, rate, n_classes, exc, match):
    with pytest.raises(exc, match=match):
        symmetric_label_noise(np.asarray(y), rate=rate, n_classes=n_classes)
