"""Tests of xentbook.class_weights: scikit-learn, mpmath and the closed forms."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from hypothesis.extra import numpy as hnp
from sklearn.utils.class_weight import compute_class_weight

from xentbook.class_weights import effective_number_weights, inverse_frequency_weights

mpmath.mp.dps = 50


class TestInverseFrequencyWeights:
    @given(hs.lists(hs.integers(0, 6), min_size=1, max_size=200))
    @settings(max_examples=80)
    def test_matches_sklearn_and_closed_form(self, labels):
        y = np.array(labels)
        classes, counts = np.unique(y, return_counts=True)
        w = inverse_frequency_weights(y)
        np.testing.assert_array_equal(w, compute_class_weight("balanced", classes=classes, y=y))
        np.testing.assert_allclose(w, y.size / (classes.size * counts), rtol=1e-15)
        # every class carries the same total weight, and the weights of the samples sum to n
        assert w[np.searchsorted(classes, y)].sum() == pytest.approx(y.size, rel=1e-12)

    def test_given_class_order_and_strings(self):
        y = np.array(["cat", "dog", "dog", "emu", "emu", "emu"])
        classes = np.array(["emu", "cat", "dog"])
        ref = compute_class_weight("balanced", classes=classes, y=y)
        np.testing.assert_allclose(inverse_frequency_weights(y, classes=classes), ref)
        np.testing.assert_allclose(inverse_frequency_weights(y, classes=classes), [2 / 3, 2.0, 1.0])

    def test_classes_is_keyword_only(self):
        with pytest.raises(TypeError):
            inverse_frequency_weights([0, 1], [0, 1])  # noqa

    @pytest.mark.parametrize(
        "y, classes, exc, match",
        [
            ([], None, ValueError, "y is empty"),
            ([[0, 1]], None, ValueError, "1-D"),
            ([0, 1, 2], [0, 1], ValueError, "not in classes"),
            ([0, 1], [0, 1, 2], ValueError, "never occur"),
            ([0, 1], [0, 0, 1], ValueError, "duplicates"),
            ([0, 1], [], ValueError, "classes is empty"),
            ([0.0, np.nan], None, ValueError, "NaN"),
            (np.array([0, None], dtype=object), None, TypeError, "y must hold"),
            ([0, 1], [0j, 1j], TypeError, "classes must hold"),
            (None, None, TypeError, "y must be an array"),
        ],
    )
    def test_errors(self, y, classes, exc, match):
        with pytest.raises(exc, match=match):
            inverse_frequency_weights(y, classes=classes)


class TestEffectiveNumberWeights:
    @given(
        hnp.arrays(np.int64, hs.integers(1, 12), elements=hs.integers(1, 10_000)),
        hs.floats(0, 0.99999),
    )
    @settings(max_examples=80)
    def test_sum_to_c_and_monotone(self, counts, beta):
        w = effective_number_weights(counts, beta=beta)
        assert w.sum() == pytest.approx(counts.size, rel=1e-12)
        assert np.all(w > 0)
        order = np.argsort(counts, kind="stable")
        assert np.all(np.diff(w[order]) <= 1e-12 * w.max())  # rarer class, larger weight

    def test_matches_mpmath_closed_form(self):
        counts = [5000, 500, 50, 5, 1]
        for beta in (0.9, 0.99, 0.999, 0.9999):
            b = mpmath.mpf(beta)
            raw = [(1 - b) / (1 - b**n) for n in counts]
            ref = [float(r * len(counts) / mpmath.fsum(raw)) for r in raw]
            np.testing.assert_allclose(effective_number_weights(counts, beta=beta), ref, rtol=1e-11)

    @given(hnp.arrays(np.int64, hs.integers(1, 10), elements=hs.integers(1, 1000)))
    @settings(max_examples=40)
    def test_limits(self, counts):
        c = counts.size
        np.testing.assert_array_equal(effective_number_weights(counts, beta=0.0), np.ones(c))
        np.testing.assert_allclose(effective_number_weights(counts, beta=1e-12), np.ones(c), rtol=1e-9)
        # beta -> 1: proportional to 1 / n_c, i.e. to the inverse-frequency weights
        y = np.repeat(np.arange(c), counts)
        inv = inverse_frequency_weights(y)
        np.testing.assert_allclose(effective_number_weights(counts, beta=1 - 1e-10), inv * c / inv.sum(), rtol=1e-5)

    def test_beta_one_minus_eps_is_accurate(self):
        # 1 - beta^n with beta = 1 - 1e-15 computed naively loses every digit
        w = effective_number_weights([1, 2], beta=1 - 1e-15)
        np.testing.assert_allclose(w, [4 / 3, 2 / 3], rtol=1e-12)

    @pytest.mark.parametrize(
        "counts, beta, exc, match",
        [
            ([10, 1], -0.1, ValueError, r"beta must lie in \[0, 1\)"),
            ([10, 1], 1.0, ValueError, "beta"),
            ([10, 1], 1.5, ValueError, "beta"),
            ([10, 1], np.nan, ValueError, "beta"),
            ([10, 1], "0.9", TypeError, "beta"),
            ([10, 0], 0.9, ValueError, "positive"),
            ([10, -3], 0.9, ValueError, "positive"),
            ([[10, 1]], 0.9, ValueError, "1-D"),
            ([], 0.9, ValueError, "empty"),
            ([10, np.inf], 0.9, ValueError, "finite"),
            ([5e-324, 1.0], 0.5, ValueError, "counts is too small"),
            ([True, True], 0.5, TypeError, "counts"),
        ],
    )
    def test_errors(self, counts, beta, exc, match):
        with pytest.raises(exc, match=match):
            effective_number_weights(counts, beta=beta)
