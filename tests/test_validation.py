"""The shared validation layer: messages that name the argument and what was wrong."""

from __future__ import annotations

import numpy as np
import pytest

from xentbook import _validation as v


def test_check_instance_names_the_type_of_a_wrong_object():
    class Vectorizer:  # has a dtype parameter, as scikit-learn's vectorizers do, but is no array
        dtype = np.int64

    with pytest.raises(TypeError, match=r"^vectorizer must be a fitted vectorizer, got Vectorizer$"):
        v.check_instance(Vectorizer(), "vectorizer", object, what="a fitted vectorizer", when=lambda x: False)


def test_check_instance_names_the_dtype_of_a_wrong_array():
    with pytest.raises(TypeError, match=r"^logits must be a floating array, got dtype int64$"):
        v.check_instance(np.arange(3), "logits", np.ndarray, what="a floating array",
                         when=lambda a: a.dtype.kind == "f")


def test_check_instance_default_message_and_none():
    assert v.check_instance(None, "ax", int, allow_none=True) is None
    with pytest.raises(TypeError, match=r"^ax must be a int or None, got str$"):
        v.check_instance("x", "ax", int, allow_none=True)


@pytest.mark.parametrize(("ndims", "message"), [(1, "1-D"), ((1, 2), "1-D or 2-D")])
def test_check_ndim(ndims, message):
    v.check_ndim(np.zeros((2,) * (ndims if isinstance(ndims, int) else 1)), "x", ndims)
    with pytest.raises(ValueError, match=rf"^x must be {message}, got 3-D$"):
        v.check_ndim(np.zeros((1, 1, 1)), "x", ndims)


def test_check_interval():
    assert v.check_interval((0.5, 2), "bounds", low=0.0, low_open=True) == (0.5, 2.0)
    with pytest.raises(TypeError, match="bounds must be a tuple"):
        v.check_interval([0.5, 2], "bounds")
    with pytest.raises(ValueError, match="bounds must satisfy low < high"):
        v.check_interval((2.0, 0.5), "bounds")
    with pytest.raises(ValueError, match="bounds"):
        v.check_interval((0.0, 1.0), "bounds", low=0.0, low_open=True)


def test_check_unique_and_two_classes():
    v.check_unique(np.array([1, 2, 3]), "labels")
    with pytest.raises(ValueError, match=r"labels contains duplicates: \[2\]"):
        v.check_unique(np.array([1, 2, 2]), "labels")
    with pytest.raises(ValueError, match="y must contain at least 2 classes"):
        v.check_two_classes(np.array([0]), "y")
