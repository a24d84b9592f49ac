"""Tests of xentbook.noise: generalized cross-entropy against its closed form and finite differences."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from torch_optional import needs_torch, torch
from xentbook.imbalance import softmax_focal_loss
from xentbook.noise import generalized_cross_entropy, generalized_cross_entropy_grad

from test_imbalance import _multiclass_case  # the shared cases of the imbalance losses


class TestGeneralizedCrossEntropy:
    def test_limits(self):
        z, t, w = _multiclass_case(11, ignore=True)
        ce = softmax_focal_loss(z, t, gamma=0.0, weight=w, reduction="none")
        np.testing.assert_allclose(
            generalized_cross_entropy(z, t, q=1e-9, weight=w, reduction="none"), ce, rtol=1e-7, atol=1e-12
        )
        p = np.exp(z - z.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        valid = t != -100
        py = p[np.arange(len(t)), np.where(valid, t, 0)]
        mae = np.abs(np.eye(z.shape[1])[np.where(valid, t, 0)] - p).sum(1)  # = 2 (1 - p_y)
        got = generalized_cross_entropy(z, t, q=1.0, reduction="none")
        np.testing.assert_allclose(got[valid], (1 - py)[valid], rtol=1e-12)
        np.testing.assert_allclose(got[valid], mae[valid] / 2, rtol=1e-10)
        assert np.all(got[~valid] == 0)

    @needs_torch
    @given(hs.integers(0, 10**6), hs.floats(0.01, 1.0))
    @settings(max_examples=50)
    def test_matches_formula_and_bounded(self, seed, q):
        z, t, w = _multiclass_case(seed, scale=8.0)
        zs = torch.tensor(z)
        py = torch.softmax(zs, 1)[torch.arange(len(t)), torch.tensor(t)].numpy()
        ref = (1 - py**q) / q
        got = generalized_cross_entropy(z, t, q=q, reduction="none")
        np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-12)
        assert np.all(got <= 1 / q + 1e-12) and np.all(got >= 0)
        assert generalized_cross_entropy(z, t, q=q, weight=w) == pytest.approx((w[t] * ref).sum() / w[t].sum(), rel=1e-9)

    # gradients against finite differences and autograd, with every option: tests/test_behaviour_table.py

    @pytest.mark.parametrize("q, exc", [(0.0, ValueError), (-0.5, ValueError), (1.01, ValueError), (np.inf, ValueError), ("a", TypeError), (True, TypeError)])
    def test_bad_q(self, q, exc):
        for fn in (generalized_cross_entropy, generalized_cross_entropy_grad):
            with pytest.raises(exc, match="q"):
                fn(np.zeros((2, 3)), np.array([0, 1]), q=q)


