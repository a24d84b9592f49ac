"""Tests of xentbook.reporting: the assert-and-print-a-bound helper of the portable rule."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xentbook.reporting import below


@pytest.mark.parametrize(
    "bound, text",
    [(1e-6, "< 1e-06"), (2.5e-8, "< 2.5e-08"), (1, "< 1e+00"), (0.05, "< 5e-02"), (1e-300, "< 1e-300")],
)
def test_text_is_the_bound(bound, text):
    assert below(0.0, bound) == text


@given(st.floats(min_value=1e-300, max_value=1e300), st.floats(min_value=0, max_value=1))
def test_holds_strictly_below_and_fails_at_or_above(bound, frac):
    v = bound * frac
    if v < bound:
        assert below(v, bound).startswith("< ")
        assert below(-v, bound).startswith("< ")  # absolute value
    with pytest.raises(AssertionError):
        below(bound, bound)
    # the printed bound parses back to the bound given
    assert float(below(0.0, bound)[2:]) == pytest.approx(bound, rel=1e-6)


def test_array_uses_largest_absolute_entry():
    assert below(np.array([[1e-9, -5e-7]]), 1e-6) == "< 1e-06"
    with pytest.raises(AssertionError, match=r"max \|dW\| = 2\.000e-06 is not below 1e-06"):
        below([1e-9, -2e-6], 1e-6, name="max |dW|")


def test_nan_and_inf_fail_the_claim():
    with pytest.raises(AssertionError, match="NaN"):
        below([0.0, np.nan], 1.0)
    with pytest.raises(AssertionError, match="inf"):
        below(np.inf, 1.0)


@pytest.mark.parametrize(
    "value, bound, kwargs, exc, match",
    [
        (0.0, 0.0, {}, ValueError, "bound must be positive"),
        (0.0, -1.0, {}, ValueError, "bound must be positive"),
        (0.0, np.inf, {}, ValueError, "bound must be positive"),
        (0.0, np.nan, {}, ValueError, "bound must be positive"),
        (0.0, "1e-6", {}, TypeError, "bound must be a real number"),
        (0.0, True, {}, TypeError, "bound must be a real number"),
        (0.0, None, {}, TypeError, "bound must be a real number"),
        ("x", 1.0, {}, TypeError, "value must be real"),
        (1j, 1.0, {}, TypeError, "value must be real"),
        (True, 1.0, {}, TypeError, "value must be real"),
        (None, 1.0, {}, TypeError, "value must be real"),
        ([], 1.0, {}, ValueError, "value must not be empty"),
        (0.0, 1.0, {"name": 3}, TypeError, "name must be a str"),
    ],
)
def test_bad_input(value, bound, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        below(value, bound, **kwargs)
