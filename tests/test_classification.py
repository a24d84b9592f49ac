"""Tests of xentbook.classification: against scikit-learn and torch, properties, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from torch_optional import needs_torch, torch
from xentbook.classification import (
    LinearClassifier,
    fit_logistic_regression,
    fit_softmax_regression,
    l2_from_sklearn_C,
    logistic_regression_objective,
    softmax_regression_objective,
)



@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _sklearn(X, y, C, **kw):
    return LogisticRegression(C=C, solver="newton-cholesky", tol=1e-12, max_iter=1000, **kw).fit(X, y)


# --------------------------------------------------------------- scikit-learn parity
@pytest.mark.parametrize("C", [0.05, 1.0, 20.0])
def test_newton_matches_sklearn_binary(cancer, C):
    X, y = cancer
    ours = fit_logistic_regression(X, y, l2=l2_from_sklearn_C(C, n_samples=len(y)))
    ref = _sklearn(X, y, C)
    assert ours.converged
    np.testing.assert_allclose(ours.coef, ref.coef_[0], atol=1e-6)
    assert ours.intercept == pytest.approx(ref.intercept_[0], abs=1e-6)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X)[:, 1], atol=1e-8)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


def test_gradient_descent_matches_sklearn_binary(cancer):
    X, y = cancer
    ours = fit_logistic_regression(X, y, l2=l2_from_sklearn_C(1.0, n_samples=len(y)), method="gd", tol=1e-7)
    ref = _sklearn(X, y, 1.0)
    assert ours.converged
    np.testing.assert_allclose(ours.coef, ref.coef_[0], atol=1e-4)
    assert ours.intercept == pytest.approx(ref.intercept_[0], abs=1e-4)


def test_sample_weight_and_no_intercept_match_sklearn(cancer):
    X, y = cancer
    sw = np.random.default_rng(1).uniform(0.2, 3.0, size=len(y))
    ours = fit_logistic_regression(X, y, l2=l2_from_sklearn_C(0.5, sample_weight=sw), sample_weight=sw)
    ref = LogisticRegression(C=0.5, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(ours.coef, ref.coef_[0], atol=1e-6)
    assert ours.intercept == pytest.approx(ref.intercept_[0], abs=1e-6)
    ours = fit_logistic_regression(X, y, l2=l2_from_sklearn_C(0.5, n_samples=len(y)), fit_intercept=False)
    ref = _sklearn(X, y, 0.5, fit_intercept=False)
    np.testing.assert_allclose(ours.coef, ref.coef_[0], atol=1e-6)
    assert ours.intercept == 0.0


@pytest.mark.parametrize("C", [0.1, 1.0, 100.0])
def test_softmax_newton_matches_sklearn_multinomial(iris, C):
    X, y = iris
    ours = fit_softmax_regression(X, y, l2=l2_from_sklearn_C(C, n_samples=len(y)))
    ref = LogisticRegression(C=C, solver="lbfgs", tol=1e-13, max_iter=100_000).fit(X, y)
    assert ours.converged and ours.kind == "multinomial"
    atol = 1e-5 * max(1.0, np.abs(ref.coef_).max())
    np.testing.assert_allclose(ours.coef, ref.coef_, atol=atol)
    np.testing.assert_allclose(ours.intercept, ref.intercept_ - ref.intercept_.mean(), atol=atol)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-6)
    assert ours.intercept.sum() == pytest.approx(0.0, abs=1e-12)


def test_softmax_gd_matches_newton(iris):
    X, y = iris
    l2 = l2_from_sklearn_C(1.0, n_samples=len(y))
    newton = fit_softmax_regression(X, y, l2=l2)
    gd = fit_softmax_regression(X, y, l2=l2, method="gd", tol=1e-7)
    assert gd.converged
    np.testing.assert_allclose(gd.coef, newton.coef, atol=1e-4)
    np.testing.assert_allclose(gd.intercept, newton.intercept, atol=1e-4)
    assert newton.n_iter < 20 < gd.n_iter


def test_softmax_weighted_no_intercept_matches_sklearn(iris):
    X, y = iris
    sw = np.random.default_rng(2).uniform(0.5, 2.0, size=len(y))
    ours = fit_softmax_regression(
        X, y, l2=l2_from_sklearn_C(2.0, sample_weight=sw), sample_weight=sw, fit_intercept=False
    )
    ref = LogisticRegression(C=2.0, tol=1e-13, max_iter=100_000, fit_intercept=False).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(ours.coef, ref.coef_, atol=1e-5)
    np.testing.assert_array_equal(ours.intercept, np.zeros(3))


# --------------------------------------------------------------- torch parity of objectives
@needs_torch
@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(1, 12),
    d=st.integers(1, 4),
    l2=st.floats(0, 2),
    seed=st.integers(0, 2**31 - 1),
    weighted=st.booleans(),
)
def test_logistic_objective_matches_torch(n, d, l2, seed, weighted):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * 3
    y = rng.integers(0, 2, size=n)
    w = rng.normal(size=d) * 2
    b = float(rng.normal())
    sw = rng.uniform(0.1, 2, size=n) if weighted else None
    value, gw, gb = logistic_regression_objective(w, b, X, y, l2=l2, sample_weight=sw)
    tw = torch.tensor(w, requires_grad=True)
    tb = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    z = torch.tensor(X) @ tw + tb
    per = torch.nn.functional.binary_cross_entropy_with_logits(z, torch.tensor(y, dtype=torch.float64), reduction="none")
    s = torch.ones(n, dtype=torch.float64) if sw is None else torch.tensor(sw)
    loss = (s * per).sum() / s.sum() + 0.5 * l2 * (tw * tw).sum()
    loss.backward()
    assert value == pytest.approx(loss.item(), rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(gw, tw.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert gb == pytest.approx(tb.grad.item(), rel=1e-10, abs=1e-12)


@needs_torch
@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 12), d=st.integers(1, 4), k=st.integers(2, 5), l2=st.floats(0, 2),
       seed=st.integers(0, 2**31 - 1), weighted=st.booleans())
def test_softmax_objective_matches_torch(n, d, k, l2, seed, weighted):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * 3
    y = rng.integers(0, k, size=n)
    W = rng.normal(size=(k, d)) * 2
    b = rng.normal(size=k)
    sw = rng.uniform(0.1, 2, size=n) if weighted else None
    value, gW, gb = softmax_regression_objective(W, b, X, y, l2=l2, sample_weight=sw)
    tW = torch.tensor(W, requires_grad=True)
    tb = torch.tensor(b, requires_grad=True)
    z = torch.tensor(X) @ tW.T + tb
    per = torch.nn.functional.cross_entropy(z, torch.tensor(y), reduction="none")
    s = torch.ones(n, dtype=torch.float64) if sw is None else torch.tensor(sw)
    loss = (s * per).sum() / s.sum() + 0.5 * l2 * (tW * tW).sum()
    loss.backward()
    assert value == pytest.approx(loss.item(), rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(gW, tW.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(gb, tb.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_objective_is_stable_for_huge_logits():
    X = np.array([[1.0], [1.0]])
    value, g, gb = logistic_regression_objective(np.array([1000.0]), 0.0, X, np.array([1, 0]))
    assert value == pytest.approx(500.0)  # (0 + 1000) / 2, no overflow, no inf
    value, G, gb = softmax_regression_objective(np.array([[1000.0], [-1000.0]]), np.zeros(2), X, np.array([0, 1]))
    assert value == pytest.approx(1000.0)  # (0 + 2000) / 2


# --------------------------------------------------------------- properties
def _blobs(seed, n=60, d=3, k=2):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, size=n)
    X = rng.normal(size=(n, d)) + rng.normal(size=(k, d))[y]
    return X, y


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), l2=st.floats(0.01, 1.0))
def test_duplicated_rows_equal_weight_two(seed, l2):
    X, y = _blobs(seed)
    sw = np.ones(len(y))
    sw[:10] = 2.0
    Xd, yd = np.vstack([X, X[:10]]), np.r_[y, y[:10]]
    a = fit_logistic_regression(X, y, l2=l2, sample_weight=sw)
    b = fit_logistic_regression(Xd, yd, l2=l2)
    np.testing.assert_allclose(a.coef, b.coef, atol=1e-7)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), l2=st.floats(0.01, 1.0))
def test_two_class_softmax_is_logistic_regression(seed, l2):
    # softmax with w1 - w0 = w and w0 = -w1 has penalty (l2'/2)(|w|^2/2): l2' = 2 l2
    X, y = _blobs(seed)
    logi = fit_logistic_regression(X, y, l2=l2)
    soft = fit_softmax_regression(X, y, l2=2 * l2)
    np.testing.assert_allclose(soft.coef[1] - soft.coef[0], logi.coef, atol=1e-7)
    assert soft.intercept[1] - soft.intercept[0] == pytest.approx(logi.intercept, abs=1e-7)
    np.testing.assert_allclose(soft.predict_proba(X)[:, 1], logi.predict_proba(X), atol=1e-9)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(2, 4), method=st.sampled_from(["newton", "gd"]))
def test_objective_never_increases_and_permutation_invariance(seed, k, method):
    X, y = _blobs(seed, k=k)
    fit = fit_softmax_regression(X, y, n_classes=k, l2=0.1, method=method, max_iter=300)
    assert np.all(np.diff(fit.loss_history) <= 1e-12)
    perm = np.random.default_rng(seed).permutation(len(y))
    again = fit_softmax_regression(X[perm], y[perm], n_classes=k, l2=0.1, method=method, max_iter=300)
    np.testing.assert_allclose(again.coef, fit.coef, atol=1e-8)


def test_gradient_is_zero_at_the_fit(cancer):
    X, y = cancer
    fit = fit_logistic_regression(X, y, l2=0.01)
    _, g, gb = logistic_regression_objective(fit.coef, fit.intercept, X, y, l2=0.01)
    assert np.abs(g).max() < 1e-8 and abs(gb) < 1e-8


def test_unpenalised_separable_data_grow_with_tol():
    X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    y = np.array([0, 0, 1, 1])
    loose = fit_logistic_regression(X, y, tol=1e-4)
    tight = fit_logistic_regression(X, y, tol=1e-10)
    assert tight.coef[0] > loose.coef[0] > 3  # no finite minimiser: the weight is set by tol


def test_unconverged_flag_and_class_absent():
    X, y = _blobs(0)
    fit = fit_logistic_regression(X, y, method="gd", max_iter=3)
    assert not fit.converged and fit.n_iter == 3 and len(fit.loss_history) == 4
    # a class with no sample still gets parameters (pushed down), probabilities stay valid
    fit = fit_softmax_regression(X, y, n_classes=3, l2=0.1)
    assert fit.coef.shape == (3, 3)
    p = fit.predict_proba(X)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert p[:, 2].max() < 0.05


def test_predict_threshold():
    X, y = _blobs(3)
    fit = fit_logistic_regression(X, y, l2=0.1)
    p = fit.predict_proba(X)
    for t in (0.1, 0.5, 0.9):
        np.testing.assert_array_equal(fit.predict(X, threshold=t), (p >= t).astype(int))
    assert isinstance(fit, LinearClassifier)


# --------------------------------------------------------------- errors
@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"X": np.zeros(4)}, ValueError, "X must be 2-D"),
        ({"X": np.full((4, 1), np.nan)}, ValueError, "X must be finite"),
        ({"X": np.array([["a"], ["b"], ["c"], ["d"]])}, TypeError, "X must contain real numbers"),
        ({"y": np.array([0, 1, 1])}, ValueError, r"y must have shape \(4,\)"),
        ({"y": np.array([0, 1, 2, 1])}, ValueError, "y must hold values <= 1"),
        ({"y": np.array([0, 1, 0.5, 1])}, ValueError, "y must hold whole numbers"),
        ({"y": np.array(["a", "b", "a", "b"])}, TypeError, "y must hold binary labels 0 and 1"),
        ({"y": np.zeros((4, 1))}, ValueError, "y must have shape"),
        ({"sample_weight": [1, 1, -1, 1]}, ValueError, "non-negative"),
        ({"sample_weight": [0, 0, 0, 0]}, ValueError, "positive sum"),
        ({"sample_weight": [1, 1]}, ValueError, "sample_weight must have shape"),
        ({"l2": -1.0}, ValueError, "l2"),
        ({"l2": "big"}, TypeError, "l2"),
        ({"method": "adam"}, ValueError, "method must be one of"),
        ({"method": 3}, TypeError, "method must be a string"),
        ({"max_iter": 0}, ValueError, "max_iter"),
        ({"max_iter": 2.0}, TypeError, "max_iter"),
        ({"max_iter": True}, TypeError, "max_iter"),
        ({"tol": 0.0}, ValueError, "tol"),
        ({"learning_rate": -0.1}, ValueError, "learning_rate"),
        ({"fit_intercept": 1}, TypeError, "fit_intercept"),
    ],
)
def test_fit_logistic_errors(kwargs, exc, match):
    args = {"X": np.array([[0.0], [1.0], [2.0], [3.0]]), "y": np.array([0, 0, 1, 1])}
    args.update(kwargs)
    X, y = args.pop("X"), args.pop("y")
    with pytest.raises(exc, match=match):
        fit_logistic_regression(X, y, **args)


def test_fit_softmax_errors():
    X = np.arange(6.0).reshape(3, 2)
    with pytest.raises(ValueError, match="y must hold values >= 0"):
        fit_softmax_regression(X, [0, -1, 1])
    with pytest.raises(ValueError, match="y must hold values <= 1"):
        fit_softmax_regression(X, [0, 2, 1], n_classes=2)
    with pytest.raises(ValueError, match="n_classes must be >= 2"):
        fit_softmax_regression(X, [0, 0, 0], n_classes=1)
    with pytest.raises(TypeError, match="n_classes must be an integer"):
        fit_softmax_regression(X, [0, 1, 1], n_classes=2.0)


def test_model_method_errors():
    X, y = _blobs(0)
    fit = fit_logistic_regression(X, y, l2=0.1)
    with pytest.raises(ValueError, match=r"X must have shape \(n_samples, 3\)"):
        fit.predict_proba(X[:, :2])
    with pytest.raises(ValueError, match="threshold"):
        fit.predict(X, threshold=1.0)
    with pytest.raises(ValueError, match="threshold"):
        fit.predict(X, threshold=0.0)
    with pytest.raises(TypeError, match="threshold"):
        fit.predict(X, threshold="half")


def test_options_are_keyword_only():
    X, y = _blobs(0)
    fit = fit_logistic_regression(X, y, l2=0.1)
    with pytest.raises(TypeError):
        fit.predict(X, 0.5)
    with pytest.raises(TypeError):
        l2_from_sklearn_C(1.0, 10)
    np.testing.assert_array_equal(fit.predict(X, threshold=0.5), (fit.predict_proba(X) >= 0.5).astype(int))


def test_objective_errors():
    X = np.ones((2, 2))
    with pytest.raises(ValueError, match=r"coef must have shape \(2,\)"):
        logistic_regression_objective(np.ones(3), 0.0, X, [0, 1])
    with pytest.raises(ValueError, match="coef must be finite"):
        logistic_regression_objective(np.array([np.inf, 0.0]), 0.0, X, [0, 1])
    with pytest.raises(ValueError, match="intercept must be finite"):
        logistic_regression_objective(np.ones(2), np.nan, X, [0, 1])
    with pytest.raises(TypeError, match="intercept must be a number"):
        logistic_regression_objective(np.ones(2), [0.0], X, [0, 1])
    with pytest.raises(ValueError, match=r"coef.shape\[0\] \(n_classes\) must be >= 2"):
        softmax_regression_objective(np.ones((1, 2)), np.zeros(1), X, [0, 0])
    with pytest.raises(ValueError, match=r"intercept must have shape \(3,\)"):
        softmax_regression_objective(np.ones((3, 2)), np.zeros(2), X, [0, 1])
    with pytest.raises(ValueError, match="y must hold values <= 2"):
        softmax_regression_objective(np.ones((3, 2)), np.zeros(3), X, [0, 3])


def test_l2_from_sklearn_C():
    assert l2_from_sklearn_C(2.0, n_samples=10) == pytest.approx(0.05)
    assert l2_from_sklearn_C(2.0, sample_weight=[1.0, 3.0]) == pytest.approx(0.125)
    assert l2_from_sklearn_C(np.inf, n_samples=10) == 0.0
    with pytest.raises(ValueError, match="C must (be > 0|lie in)"):
        l2_from_sklearn_C(0.0, n_samples=10)
    with pytest.raises(ValueError, match="C must (be > 0|lie in)"):
        l2_from_sklearn_C(float("nan"), n_samples=10)
    with pytest.raises(TypeError, match="C must be a number"):
        l2_from_sklearn_C("1", n_samples=10)
    with pytest.raises(ValueError, match="exactly one"):
        l2_from_sklearn_C(1.0)
    with pytest.raises(ValueError, match="exactly one"):
        l2_from_sklearn_C(1.0, n_samples=3, sample_weight=[1, 1, 1])
    with pytest.raises(ValueError, match="n_samples must be >= 1"):
        l2_from_sklearn_C(1.0, n_samples=0)
    with pytest.raises(ValueError, match="non-negative"):
        l2_from_sklearn_C(1.0, sample_weight=[1.0, -1.0])
