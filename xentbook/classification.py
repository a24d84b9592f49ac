r"""Logistic and softmax regression trained from scratch.

Two linear classifiers, each fitted by minimising a cross-entropy objective
with an optional L2 penalty on the weights (never on the intercept):

* **binary logistic regression**, labels :math:`y_i \in \{0, 1\}`, logit
  :math:`z_i = w^\top x_i + b`;
* **softmax (multinomial) regression**, labels :math:`y_i \in \{0, \dots, K-1\}`,
  logits :math:`z_i = W x_i + b \in \mathbb{R}^K`.

The objective is the (sample-weighted) *mean* cross-entropy plus
:math:`\tfrac{\lambda}{2}\lVert W\rVert_F^2`.  scikit-learn's
:class:`~sklearn.linear_model.LogisticRegression` minimises
:math:`C \sum_i s_i \ell_i + \tfrac12 \lVert W\rVert^2`, which has the same
minimiser when :math:`\lambda = 1 / (C \sum_i s_i)`; :func:`l2_from_sklearn_C`
does that conversion.

Two optimisers are offered: full-batch gradient descent with the step
:math:`1/L` (:math:`L` an upper bound on the Lipschitz constant of the
gradient, so every step decreases the objective), and Newton's method with a
backtracking (Armijo) line search.  The per-sample losses and their
gradients come from :func:`xentbook.binary_cross_entropy_with_logits_and_grad`
and :func:`xentbook.softmax_cross_entropy_and_grad` (``reduction="none"``),
never from the logarithm of a probability.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import linalg

from ._validation import (
    as_float_array,
    as_int_array,
    check_bool,
    check_choice,
    check_finite,
    check_ndim,
    check_number,
    check_positive,
    check_result_finite,
    check_sample_weight,
    check_shape,
    check_size,
    stable_sum,
)
from .losses import binary_cross_entropy_with_logits_and_grad, softmax_cross_entropy_and_grad
from .numerics import sigmoid, softmax

__all__ = [
    "LinearClassifier",
    "fit_logistic_regression",
    "fit_softmax_regression",
    "l2_from_sklearn_C",
    "logistic_regression_objective",
    "softmax_regression_objective",
]

_METHODS = ("newton", "gd")


# --------------------------------------------------------------------------- validation
def _check_X(X: Any) -> np.ndarray:
    arr = as_float_array(X, "X").astype(np.float64, copy=False)
    check_ndim(arr, "X", 2, what="2-D (n_samples, n_features)")
    check_finite(arr, "X")
    return arr


def _check_labels(y: Any, n_samples: int, *, binary: bool, n_classes: int | None = None) -> np.ndarray:
    """0/1 labels (booleans accepted) or class indices in ``[0, n_classes)``, one per row of X."""
    high = 1 if binary else (None if n_classes is None else n_classes - 1)
    what = "binary labels 0 and 1" if binary else "class indices >= 0"
    labels = as_int_array(y, "y", allow_bool=binary, allow_float=True, low=0, high=high, what=what)
    check_shape(labels, (n_samples,), "y")
    return labels


def _sample_weight(sample_weight: Any, n_samples: int) -> np.ndarray:
    sw = check_sample_weight(sample_weight, n_samples)
    return np.ones(n_samples) if sw is None else sw


# --------------------------------------------------------------------------- the model
@dataclass(frozen=True)
class LinearClassifier:
    r"""A fitted linear classifier (binary logistic or softmax regression).

    Attributes
    ----------
    coef : ndarray
        Weights, shape ``(n_features,)`` (binary) or ``(n_classes, n_features)``.
    intercept : float or ndarray
        Bias, a float (binary) or shape ``(n_classes,)``; multinomial intercepts
        are centred to sum to zero (the softmax is unchanged by a common shift).
    n_iter : int
        Iterations performed.
    converged : bool
        Whether the gradient's largest entry fell below ``tol``.
    loss_history : ndarray
        The objective before the first step and after every step.
    kind : str
        ``"binary"`` or ``"multinomial"``.
    """

    coef: np.ndarray
    intercept: Any
    n_iter: int
    converged: bool
    loss_history: np.ndarray = field(repr=False)
    kind: str = "binary"

    def _X(self, X: Any) -> np.ndarray:
        arr = _check_X(X)
        n_features = self.coef.shape[-1]
        check_shape(arr, ("n_samples", n_features), "X")
        return arr

    def decision_function(self, X: Any) -> np.ndarray:
        r"""Logits :math:`z = Xw + b` (shape ``(n,)``) or :math:`XW^\top + b` (``(n, K)``)."""
        arr = self._X(X)
        if self.kind == "binary":
            return _decision(arr, self.coef, self.intercept)
        return _decision(arr, self.coef.T, self.intercept)

    def predict_proba(self, X: Any) -> np.ndarray:
        r"""Probabilities: :math:`\sigma(z)` for the positive class (shape ``(n,)``), or softmax rows."""
        z = self.decision_function(X)
        if self.kind == "binary":
            return sigmoid(z)
        return softmax(z, axis=1)

    def predict(self, X: Any, *, threshold: float = 0.5) -> np.ndarray:
        r"""Class labels: :math:`[\sigma(z) \ge t]` (binary) or :math:`\arg\max_k z_k`.

        ``threshold`` is used by binary models only and must lie in (0, 1).
        """
        if self.kind == "binary":
            t = check_number(threshold, "threshold", low=0.0, high=1.0, low_open=True, high_open=True)
            return (self.predict_proba(X) >= t).astype(np.int64)
        return np.argmax(self.decision_function(X), axis=1)


# --------------------------------------------------------------------------- objectives
def l2_from_sklearn_C(C: float, *, n_samples: int | None = None, sample_weight: Any = None) -> float:
    r"""Convert scikit-learn's ``C`` to the L2 strength :math:`\lambda` of this module.

    scikit-learn minimises :math:`C\sum_i s_i\ell_i + \tfrac12\lVert W\rVert^2`;
    dividing by :math:`C\sum_i s_i` gives the mean-loss form used here,

    .. math::

        \lambda = \frac{1}{C \sum_i s_i}, \qquad \lambda = 0 \text{ for } C = \infty .

    Give either ``n_samples`` (all weights one) or ``sample_weight``.

    Examples
    --------
    >>> l2_from_sklearn_C(1.0, n_samples=400)
    0.0025
    >>> l2_from_sklearn_C(float("inf"), n_samples=400)
    0.0
    """
    if not (isinstance(C, (float, np.floating)) and C == np.inf):
        C = check_number(C, "C", low=0.0, low_open=True)
    if (n_samples is None) == (sample_weight is None):
        raise ValueError("give exactly one of n_samples and sample_weight")
    if sample_weight is not None:
        sw = as_float_array(sample_weight, "sample_weight")
        check_ndim(sw, "sample_weight", 1)
        total = float(_sample_weight(sw, sw.shape[0]).sum())
    else:
        total = float(check_size(n_samples, "n_samples"))
    if np.isinf(C):
        return 0.0
    with np.errstate(over="ignore"):
        l2 = 1.0 / (C * total)
    check_result_finite(l2, "C", "1 / (C * sum(sample_weight))")
    return l2


def _decision(X, coef, intercept):
    """``X @ coef + intercept``, refusing an overflow instead of returning inf."""
    with np.errstate(over="ignore", invalid="ignore"):
        z = X @ coef + intercept
    check_result_finite(z, "X, coef or intercept", "the decision values X @ coef + intercept")
    return z


def _weighted_objective(losses, grad_z, coef, l2, sw):
    """Penalised weighted mean of per-sample losses, and the weighted per-sample gradients.

    ``losses`` and ``grad_z`` (each sample's derivative with respect to its logits) come from
    the loss engine of :mod:`xentbook.losses` with ``reduction="none"``.
    """
    sw = sw / sw.max()  # scale-free; huge weights never overflow a product (ones stay ones)
    total = sw.sum()
    penalty = 0.5 * l2 * float(np.sum(coef * coef))
    with np.errstate(over="ignore"):
        value = float(sw @ losses / total + penalty)
        if not np.isfinite(value):  # a sum overflowed: the exact mean may still be representable
            value = stable_sum(sw * losses, total) + penalty
    check_result_finite(value, "coef, intercept or X", "the objective")
    scale = sw / total
    return value, grad_z * (scale if grad_z.ndim == 1 else scale[:, None])


def _binary_parts(coef, intercept, X, y, l2, sw):
    z = _decision(X, coef, intercept)
    losses, g = binary_cross_entropy_with_logits_and_grad(z, y.astype(np.float64), reduction="none")
    value, r = _weighted_objective(losses, g, coef, l2, sw)
    return value, X.T @ r + l2 * coef, float(r.sum())


def _softmax_parts(coef, intercept, X, y, l2, sw):
    z = _decision(X, coef.T, intercept)
    losses, g = softmax_cross_entropy_and_grad(z, y, reduction="none")
    value, r = _weighted_objective(losses, g, coef, l2, sw)
    return value, r.T @ X + l2 * coef, r.sum(axis=0)


def logistic_regression_objective(
    coef: Any, intercept: float, X: Any, y: Any, *, l2: float = 0.0, sample_weight: Any = None
) -> tuple[float, np.ndarray, float]:
    r"""Penalised binary cross-entropy of a logistic model and its gradient.

    With :math:`z_i = w^\top x_i + b`, :math:`p_i = \sigma(z_i)` and weights
    :math:`s_i` (all one by default):

    .. math::

        J(w, b) = \frac{\sum_i s_i\,[\operatorname{softplus}(z_i) - y_i z_i]}{\sum_i s_i}
                  + \frac{\lambda}{2}\lVert w\rVert^2,\qquad
        \nabla_w J = \frac{X^\top (s \odot (p - y))}{\sum_i s_i} + \lambda w,\qquad
        \frac{\partial J}{\partial b} = \frac{\sum_i s_i (p_i - y_i)}{\sum_i s_i}.

    Parameters
    ----------
    coef : array_like, shape (n_features,)
    intercept : float
    X : array_like, shape (n_samples, n_features)
    y : array_like of 0/1, shape (n_samples,)
    l2 : float, default 0
        :math:`\lambda \ge 0`.
    sample_weight : array_like, shape (n_samples,), optional

    Returns
    -------
    value : float
    grad_coef : ndarray, shape (n_features,)
    grad_intercept : float

    Examples
    --------
    >>> X = np.array([[1.0], [-1.0]]); y = np.array([1, 0])
    >>> value, g, gb = logistic_regression_objective(np.zeros(1), 0.0, X, y)
    >>> round(value, 6), g.round(6), gb      # log 2; gradient pulls w up
    (0.693147, array([-0.5]), 0.0)
    """
    X = _check_X(X)
    y = _check_labels(y, X.shape[0], binary=True)
    sw = _sample_weight(sample_weight, X.shape[0])
    l2 = check_positive(l2, "l2", allow_zero=True)
    coef = as_float_array(coef, "coef").astype(np.float64, copy=False)
    check_shape(coef, (X.shape[1],), "coef")
    check_finite(coef, "coef")
    intercept = check_number(intercept, "intercept")
    return _binary_parts(coef, float(intercept), X, y, l2, sw)


def softmax_regression_objective(
    coef: Any, intercept: Any, X: Any, y: Any, *, l2: float = 0.0, sample_weight: Any = None
) -> tuple[float, np.ndarray, np.ndarray]:
    r"""Penalised multiclass cross-entropy of a softmax model and its gradient.

    With logits :math:`z_i = W x_i + b`, :math:`P_i = \operatorname{softmax}(z_i)`,
    one-hot targets :math:`Y_i` and weights :math:`s_i`:

    .. math::

        J(W, b) = -\frac{\sum_i s_i \log P_{i, y_i}}{\sum_i s_i} + \frac{\lambda}{2}\lVert W\rVert_F^2,
        \qquad
        \nabla_W J = \frac{(P - Y)^\top \operatorname{diag}(s)\, X}{\sum_i s_i} + \lambda W,
        \qquad
        \nabla_b J = \frac{(P - Y)^\top s}{\sum_i s_i}.

    Parameters
    ----------
    coef : array_like, shape (n_classes, n_features)
    intercept : array_like, shape (n_classes,)
    X : array_like, shape (n_samples, n_features)
    y : array_like of int, shape (n_samples,)
        Class indices in ``[0, n_classes)``.
    l2 : float, default 0
    sample_weight : array_like, shape (n_samples,), optional

    Returns
    -------
    value : float
    grad_coef : ndarray, shape (n_classes, n_features)
    grad_intercept : ndarray, shape (n_classes,)

    Examples
    --------
    >>> X = np.eye(3); y = np.array([0, 1, 2])
    >>> value, G, gb = softmax_regression_objective(np.zeros((3, 3)), np.zeros(3), X, y)
    >>> round(value, 6) == round(float(np.log(3)), 6), gb
    (True, array([0., 0., 0.]))
    """
    X = _check_X(X)
    coef = as_float_array(coef, "coef").astype(np.float64, copy=False)
    check_shape(coef, ("n_classes", X.shape[1]), "coef")
    check_size(coef.shape[0], "coef.shape[0] (n_classes)", low=2)
    check_finite(coef, "coef")
    intercept = as_float_array(intercept, "intercept").astype(np.float64, copy=False)
    check_shape(intercept, (coef.shape[0],), "intercept")
    check_finite(intercept, "intercept")
    y = _check_labels(y, X.shape[0], binary=False, n_classes=coef.shape[0])
    sw = _sample_weight(sample_weight, X.shape[0])
    l2 = check_positive(l2, "l2", allow_zero=True)
    return _softmax_parts(coef, intercept, X, y, l2, sw)


# --------------------------------------------------------------------------- optimisers
def _common(X, sample_weight, l2, method, max_iter, tol, learning_rate, fit_intercept):
    X = _check_X(X)
    sw = _sample_weight(sample_weight, X.shape[0])
    sw = sw / sw.max()  # the fit is scale-free in the weights; ones stay ones
    l2 = check_positive(l2, "l2", allow_zero=True)
    method = check_choice(method, "method", _METHODS)
    max_iter = check_size(max_iter, "max_iter", allow_none=True)
    if tol is None:
        tol = 1e-10 if method == "newton" else 1e-6
    tol = check_positive(tol, "tol")
    if learning_rate is not None:
        learning_rate = check_positive(learning_rate, "learning_rate")
    fit_intercept = check_bool(fit_intercept, "fit_intercept")
    return X, sw, l2, method, max_iter, tol, learning_rate, fit_intercept


def _design(X, fit_intercept):
    return np.hstack([X, np.ones((X.shape[0], 1))]) if fit_intercept else X


def _gram(Xt, sw):
    """``Xt^T diag(sw) Xt``, refusing an overflow (features too large) instead of a crash in LAPACK."""
    with np.errstate(over="ignore", invalid="ignore"):
        G = (Xt * sw[:, None]).T @ Xt
    check_result_finite(G, "X or sample_weight", "the Gram matrix X^T diag(w) X")
    return G


def _newton_step(H, g):
    check_result_finite(H, "X or sample_weight", "the Hessian X^T diag(w) X")
    check_result_finite(g, "X or sample_weight", "the gradient")
    # Cholesky solve; if the Hessian is (numerically) singular, the
    # minimum-norm least-squares step, which never moves along flat directions.
    with warnings.catch_warnings():
        warnings.simplefilter("error", linalg.LinAlgWarning)
        try:
            return linalg.solve(H, g, assume_a="pos")
        except (linalg.LinAlgError, linalg.LinAlgWarning, ValueError):
            pass
    return linalg.lstsq(H, g)[0]


def _run(objective, hessian, theta, *, method, step, max_iter, tol):
    """Minimise ``objective(theta) -> (value, grad)`` by GD or damped Newton."""
    value, grad = objective(theta)
    history = [value]
    converged = bool(np.max(np.abs(grad)) < tol)
    n_iter = 0
    while not converged and n_iter < max_iter:
        if method == "gd":
            theta = theta - step * grad
            value, grad = objective(theta)
        else:
            direction = -_newton_step(hessian(theta), grad)
            slope = float(grad @ direction)
            if not slope < 0:  # not a descent direction (numerically singular): fall back
                direction, slope = -grad, -float(grad @ grad)
            t = 1.0
            while True:
                cand = theta + t * direction
                cand_value, cand_grad = objective(cand)
                if cand_value <= value + 1e-4 * t * slope or t < 1e-12:
                    break
                t *= 0.5
            theta, value, grad = cand, cand_value, cand_grad
        n_iter += 1
        history.append(value)
        if not (np.all(np.isfinite(theta)) and np.isfinite(value)):
            # the one documented behaviour of a diverging optimiser: a ValueError naming the step size
            raise ValueError(
                f"training diverged at iteration {n_iter} (non-finite loss or parameters); "
                "lower learning_rate, or use method='newton'"
            )
        converged = bool(np.max(np.abs(grad)) < tol)
    return theta, n_iter, converged, np.asarray(history)


def fit_logistic_regression(
    X: Any, y: Any, *, l2: float = 0.0, method: str = "newton", fit_intercept: bool = True, sample_weight: Any = None,
    max_iter: int | None = None, tol: float | None = None, learning_rate: float | None = None,
) -> LinearClassifier:
    r"""Fit binary logistic regression by gradient descent or Newton's method.

    Minimises :func:`logistic_regression_objective` over :math:`\theta = (w, b)`.
    With :math:`\tilde X = [X, \mathbf 1]`, :math:`S = \sum_i s_i` and
    :math:`D = \operatorname{diag}(s_i p_i (1 - p_i))`, the Hessian is

    .. math::

        H = \frac{\tilde X^\top D \tilde X}{S} + \lambda \operatorname{diag}(1, \dots, 1, 0),

    Newton's step is :math:`\theta \leftarrow \theta - t H^{-1} \nabla J` with
    :math:`t` halved until the Armijo condition holds; gradient descent uses
    :math:`\theta \leftarrow \theta - \eta \nabla J` with default
    :math:`\eta = 1/L`, :math:`L = \lambda_{\max}(\tilde X^\top \operatorname{diag}(s)\tilde X)/(4S) + \lambda`
    (:math:`p(1-p) \le 1/4`), which guarantees descent.  Iteration stops when
    :math:`\lVert\nabla J\rVert_\infty <` ``tol``.

    Parameters
    ----------
    X : array_like, shape (n_samples, n_features)
    y : array_like of 0/1, shape (n_samples,)
    l2 : float, default 0
        :math:`\lambda`; use :func:`l2_from_sklearn_C` to match scikit-learn's ``C``.
        Without a penalty, separable data have no finite minimiser: the
        weights grow until the gradient, which vanishes only at infinity, falls
        below ``tol``, so the returned weights are set by ``tol``, not by the data.
    method : {"newton", "gd"}
    fit_intercept : bool, default True
    sample_weight : array_like, shape (n_samples,), optional
    max_iter : int, optional
        Default 100 for Newton, 100000 for gradient descent.
    tol : float, optional
        Stop when the gradient's largest entry is below ``tol``; default
        ``1e-10`` for Newton (its quadratic convergence makes the last digits
        cheap) and ``1e-6`` for gradient descent.
    learning_rate : float, optional
        Gradient descent step; default :math:`1/L`.  Ignored by Newton.

    Returns
    -------
    LinearClassifier

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 2)); y = (X @ [2.0, -1.0] + rng.logistic(size=200) > 0).astype(int)
    >>> newton = fit_logistic_regression(X, y, l2=0.01)
    >>> gd = fit_logistic_regression(X, y, l2=0.01, method="gd")
    >>> newton.converged, newton.n_iter < 10, np.allclose(newton.coef, gd.coef, atol=1e-4)
    (True, True, True)
    """
    X, sw, l2, method, max_iter, tol, learning_rate, fit_intercept = _common(
        X, sample_weight, l2, method, max_iter, tol, learning_rate, fit_intercept
    )
    y = _check_labels(y, X.shape[0], binary=True)
    if max_iter is None:
        max_iter = 100 if method == "newton" else 100_000
    Xt = _design(X, fit_intercept)
    d = X.shape[1]
    total = sw.sum()
    pen = np.r_[np.full(d, l2), np.zeros(Xt.shape[1] - d)]

    def objective(theta):
        w = theta[:d]
        b = theta[d] if fit_intercept else 0.0
        value, gw, gb = _binary_parts(w, b, X, y, l2, sw)
        return value, (np.r_[gw, gb] if fit_intercept else gw)

    def hessian(theta):
        p = sigmoid(Xt @ theta)
        return (Xt * (sw * p * (1 - p) / total)[:, None]).T @ Xt + np.diag(pen)

    step = learning_rate
    if step is None:
        lipschitz = linalg.eigvalsh(_gram(Xt, sw), subset_by_index=[Xt.shape[1] - 1] * 2)[0]
        step = 1.0 / (lipschitz / (4 * total) + l2)
    theta, n_iter, converged, history = _run(
        objective, hessian, np.zeros(Xt.shape[1]), method=method, step=step, max_iter=max_iter, tol=tol
    )
    return LinearClassifier(
        coef=theta[:d].copy(),
        intercept=float(theta[d]) if fit_intercept else 0.0,
        n_iter=n_iter,
        converged=converged,
        loss_history=history,
        kind="binary",
    )


def fit_softmax_regression(
    X: Any, y: Any, *, n_classes: int | None = None, l2: float = 0.0, method: str = "newton", fit_intercept: bool = True,
    sample_weight: Any = None, max_iter: int | None = None, tol: float | None = None, learning_rate: float | None = None,
) -> LinearClassifier:
    r"""Fit softmax (multinomial logistic) regression by gradient descent or Newton.

    Minimises :func:`softmax_regression_objective`.  The Hessian with respect
    to the stacked rows :math:`\theta_k = (w_k, b_k)` is

    .. math::

        H_{kl} = \frac{1}{S}\sum_i s_i\,P_{ik}(\delta_{kl} - P_{il})\,\tilde x_i \tilde x_i^\top
                 + \lambda\,\delta_{kl}\operatorname{diag}(1, \dots, 1, 0).

    It is singular along a common shift of all intercepts (and, without a
    penalty, of all weight vectors), which changes no probability; Newton's
    step is then the minimum-norm solution, and the returned intercepts are
    centred to sum to zero.  The default gradient-descent step is
    :math:`1/L` with :math:`L = \lambda_{\max}(\tilde X^\top \operatorname{diag}(s)\tilde X)/(2S) + \lambda`
    (the per-sample softmax Hessian has eigenvalues at most :math:`1/2`).

    Parameters
    ----------
    X : array_like, shape (n_samples, n_features)
    y : array_like of int, shape (n_samples,)
        Class indices ``0 .. n_classes - 1``.
    n_classes : int, optional
        Default ``max(y) + 1``; at least 2.
    l2, method, fit_intercept, sample_weight, max_iter, tol, learning_rate
        As in :func:`fit_logistic_regression`.

    Returns
    -------
    LinearClassifier
        ``coef`` of shape ``(n_classes, n_features)``, ``intercept`` of shape ``(n_classes,)``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> centres = np.array([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])
    >>> y = np.repeat(np.arange(3), 50); X = centres[y] + rng.normal(size=(150, 2))
    >>> model = fit_softmax_regression(X, y, l2=0.01)
    >>> model.coef.shape, model.converged, float(np.mean(model.predict(X) == y)) > 0.9
    ((3, 2), True, True)
    """
    X, sw, l2, method, max_iter, tol, learning_rate, fit_intercept = _common(
        X, sample_weight, l2, method, max_iter, tol, learning_rate, fit_intercept
    )
    if n_classes is not None:
        n_classes = check_size(n_classes, "n_classes", low=2)
    y = _check_labels(y, X.shape[0], binary=False, n_classes=n_classes)
    if n_classes is None:
        n_classes = max(int(y.max()) + 1, 2)
    if max_iter is None:
        max_iter = 100 if method == "newton" else 100_000
    Xt = _design(X, fit_intercept)
    n, d = X.shape
    m = Xt.shape[1]
    K = n_classes
    total = sw.sum()

    def unpack(theta):
        T = theta.reshape(K, m)
        return T[:, :d], (T[:, d] if fit_intercept else np.zeros(K))

    def objective(theta):
        W, b = unpack(theta)
        value, gw, gb = _softmax_parts(W, b, X, y, l2, sw)
        G = np.hstack([gw, gb[:, None]]) if fit_intercept else gw
        return value, G.ravel()

    pen = np.r_[np.full(d, l2), np.zeros(m - d)]

    def hessian(theta):
        W, b = unpack(theta)
        P = softmax(X @ W.T + b, axis=1)
        root = np.sqrt(sw / total)
        # sum_i s_i (diag(P_i) - P_i P_i^T) (x) x_i x_i^T, as one Gram matrix
        B = (P * root[:, None])[:, :, None] * Xt[:, None, :]  # (n, K, m)
        B = B.reshape(n, K * m)
        H = -(B.T @ B)
        for k in range(K):
            blk = slice(k * m, (k + 1) * m)
            H[blk, blk] += (Xt * (sw * P[:, k] / total)[:, None]).T @ Xt + np.diag(pen)
        # The objective is flat along a common shift of every class's
        # unpenalised parameters; the gradient is orthogonal to those
        # directions, so adding the projector onto them makes H invertible
        # without changing the Newton step.
        for j in np.flatnonzero(pen == 0):
            u = np.zeros((K, m))
            u[:, j] = 1.0 / np.sqrt(K)
            u = u.ravel()
            H += np.outer(u, u)
        return H

    step = learning_rate
    if step is None:
        lipschitz = linalg.eigvalsh(_gram(Xt, sw), subset_by_index=[m - 1] * 2)[0]
        step = 1.0 / (lipschitz / (2 * total) + l2)
    theta, n_iter, converged, history = _run(
        objective, hessian, np.zeros(K * m), method=method, step=step, max_iter=max_iter, tol=tol
    )
    W, b = unpack(theta)
    b = b - b.mean() if fit_intercept else np.zeros(K)
    return LinearClassifier(
        coef=W.copy(),
        intercept=b.copy(),
        n_iter=n_iter,
        converged=converged,
        loss_history=history,
        kind="multinomial",
    )
