"""PyTorch ``nn.Module`` versions of the imbalance- and noise-aware losses, and a trainer.

Each module is the torch twin of a NumPy loss, with the same arguments, the
same validation (the very functions of :mod:`xentbook.losses` check both) and
the same behaviour: the targets, ``weight``, ``ignore_index``,
``label_smoothing`` and ``reduction`` (default ``"mean"``) of
:func:`torch.nn.functional.cross_entropy`, extra dimensions ``(N, C, d1, ...)``,
and NaN for a ``"mean"`` over no target.  They are written with
differentiable torch operations, so autograd supplies the gradients:

* :class:`SigmoidFocalLoss` -- binary focal loss (:func:`xentbook.sigmoid_focal_loss`);
* :class:`SoftmaxFocalLoss` -- multi-class focal loss (:func:`xentbook.softmax_focal_loss`);
* :class:`LogitAdjustedLoss` -- logit-adjusted cross-entropy (:func:`xentbook.logit_adjusted_cross_entropy`);
* :class:`GeneralizedCrossEntropyLoss` -- :math:`L_q` loss (:func:`xentbook.generalized_cross_entropy`).

:func:`make_classifier` and :func:`fit_full_batch` are the small models and the
deterministic full-batch training loop used by the chapter *Class imbalance*.

:func:`linear_cross_entropy` is the torch version (a ``torch.autograd.Function``
with an exact backward) of :func:`xentbook.linear_cross_entropy`: the
cross-entropy of ``hidden @ weight.T + bias`` without the N x V logits.

Import it explicitly (``import xentbook.nn``); it needs torch.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import torch
from torch import Tensor, nn
from torch.nn import functional as F

from ._docstrings import fill_doc
from ._validation import (
    as_class_weight,
    as_float_array,
    as_int_array,
    as_priors,
    check_alpha,
    check_callable,
    check_class_indices,
    check_finite,
    check_gamma,
    check_instance,
    check_int,
    check_number,
    check_probability,
    check_q,
    check_range,
    check_result_finite,
    check_reduction,
    check_sample_weight,
    check_seed,
    check_shape,
    check_size,
    check_size_product,
    check_tau,
)
from .linear_ce import _check_no_overflow, _check_options, _check_shapes, _per_token, _sweep
from .losses import prepare_binary, prepare_multiclass

__all__ = [
    "SigmoidFocalLoss",
    "SoftmaxFocalLoss",
    "LogitAdjustedLoss",
    "GeneralizedCrossEntropyLoss",
    "make_classifier",
    "fit_full_batch",
    "linear_cross_entropy",
]


def _reduce(per: Tensor, reduction: str, denom: Any) -> Tensor:
    """The one torch reduction: ``per`` itself, its sum, or its sum over ``denom`` (0/0 = NaN, as torch)."""
    if reduction == "none":
        return per
    if reduction == "sum":
        return per.sum()
    return per.sum() / denom


def _numpy(t: Any, name: str) -> Any:
    """A tensor's values as a NumPy array for validation (floats as float64: bfloat16 has no NumPy dtype)."""
    t = check_instance(t, name, Tensor, what="a torch.Tensor").detach().cpu()
    return (t.to(torch.float64) if t.is_floating_point() else t).numpy()


def _all_finite(t: Tensor) -> bool:
    """Whether every entry of ``t`` is finite, checked in slices of 4M entries (no full-size mask)."""
    return all(bool(torch.isfinite(part).all()) for part in t.detach().reshape(-1).split(1 << 22))


def _float_input(input: Any) -> Tensor:
    return check_instance(input, "input", Tensor, what="a floating-point tensor of logits", when=Tensor.is_floating_point)


def _array(value: Any) -> Any:
    """Accept tensors wherever the NumPy twin accepts arrays (weights, priors)."""
    return value.detach().cpu().numpy() if isinstance(value, Tensor) else value


_MODULE_DOC = {
    "options": r"""
        weight : array_like or torch.Tensor, shape (C,), optional
            Non-negative per-class weights :math:`w` (a float64 buffer of the
            module, cast to the input's dtype).
        ignore_index : int, default -100
            Class-index targets equal to it contribute nothing and do not count in the mean.
        label_smoothing : float, default 0.0
            :math:`\varepsilon \in [0, 1]`: the target becomes :math:`(1-\varepsilon)\,y + \varepsilon/C`.
        reduction : {"mean", "sum", "none"}, default "mean"
            ``"none"``: the per-element losses (0 for ignored ones); ``"sum"``:
            their sum; ``"mean"``: their sum divided by :math:`\sum_n w_{y_n}` over
            the non-ignored elements (by the element count for probability
            targets), as :class:`torch.nn.CrossEntropyLoss` does; NaN when every
            target is ignored.
        """,
    "raises": """
        Raises
        ------
        TypeError
            At construction, for an option of the wrong type; in :meth:`forward`,
            for an input that is not a floating-point tensor or a target that is
            not a tensor of class indices or class probabilities.
        ValueError
            At construction, for an option outside its range or an unknown
            ``reduction``; in :meth:`forward`, exactly when the NumPy twin raises
            (non-finite input, shapes that do not match, class indices out of
            range, a weight whose length is not ``C``, ...).
        """,
}


class _MulticlassLoss(nn.Module):
    """The torch twin of the engine of :mod:`xentbook.losses`: ``sum_c w_c q_c term(-log p_c)``."""

    weight: Tensor | None

    def __init__(self, weight: Any, ignore_index: Any, label_smoothing: Any, reduction: Any) -> None:
        super().__init__()
        w = as_class_weight(_array(weight))
        self.register_buffer("weight", None if w is None else torch.as_tensor(w, dtype=torch.float64))
        self.ignore_index = check_int(ignore_index, "ignore_index")
        self.label_smoothing = check_probability(label_smoothing, "label_smoothing")
        self.reduction = check_reduction(reduction)

    def _term(self, r: Tensor) -> Tensor:  # cross-entropy; the subclasses change it
        return r

    def _shift(self) -> Any:  # the logit shift of the NumPy twin (validation only)
        return None

    def _logits(self, input: Tensor) -> Tensor:
        return input

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        """The loss of logits ``input`` (``(C,)``, ``(N, C)`` or ``(N, C, d1, ...)``) for class indices or
        probabilities ``target``: a 0-d tensor, or the per-element losses for ``reduction="none"``."""
        input = _float_input(input)
        w = None if self.weight is None else self.weight.detach().cpu().numpy()
        prepare_multiclass(_numpy(input, "input"), _numpy(target, "target"), w, self.ignore_index,
                           self.label_smoothing, self.reduction, self._shift(), logits_name="input")
        z = self._logits(input)
        ca = 0 if z.ndim == 1 else 1
        C = z.shape[ca]
        eps = self.label_smoothing
        r = -F.log_softmax(z, dim=ca)  # -log p >= 0
        shape = [1] * z.ndim
        shape[ca] = C
        wc = None if self.weight is None else self.weight.to(z.dtype).view(shape)
        zero = torch.zeros((), dtype=z.dtype, device=z.device)
        if target.is_floating_point():  # class probabilities
            q = target.to(z.dtype)
            q = q * (1.0 - eps) + eps / C if eps > 0 else q
            coef = q * wc if wc is not None else q
            per = (coef * torch.where(coef > 0, self._term(r), zero)).sum(ca)
            return _reduce(per, self.reduction, per.numel())
        y = target.to(device=z.device, dtype=torch.int64)
        valid = y != self.ignore_index
        ys = torch.where(valid, y, torch.zeros_like(y))
        r_y = r.gather(ca, ys.unsqueeze(ca)).squeeze(ca)
        w_y = valid.to(z.dtype) if wc is None else self.weight.to(z.dtype)[ys] * valid
        per = torch.where(valid, w_y * self._term(r_y), zero)
        if eps > 0:
            # a zero weight times an infinite term counts as 0 (the NumPy engine's rule)
            terms = self._term(r) if wc is None else wc * torch.where(wc > 0, self._term(r), zero)
            per = (1.0 - eps) * per + torch.where(valid, (eps / C) * terms.sum(ca), zero)
        return _reduce(per, self.reduction, w_y.sum())


@fill_doc(_MODULE_DOC)
class SoftmaxFocalLoss(_MulticlassLoss):
    r"""Multi-class focal loss :math:`\sum_c w_c q_c (1 - p_c)^{\gamma}(-\log p_c)`, the torch twin of
    :func:`xentbook.softmax_focal_loss`.

    For a class index without smoothing it is :math:`-w_y (1 - p_y)^{\gamma} \log p_y`;
    :math:`\gamma = 0` is exactly :class:`torch.nn.CrossEntropyLoss`.

    Parameters
    ----------
    gamma : float, default 2.0
        Focusing parameter :math:`\gamma \ge 0`.
    %(options)s

    %(raises)s

    Examples
    --------
    >>> import torch
    >>> z = torch.tensor([[2.0, 0.0, -1.0], [0.0, 0.5, 0.0]])
    >>> round(SoftmaxFocalLoss(gamma=2.0)(z, torch.tensor([0, 2])).item(), 4)
    0.3431
    """

    def _term(self, r: Tensor) -> Tensor:
        if self.gamma == 0:
            return r
        m = -torch.expm1(-r)  # 1 - p without cancellation
        # clamp: no 0 * inf in the backward of m**gamma for gamma < 1 (the value is 0 there anyway)
        return m.clamp_min(torch.finfo(m.dtype).tiny) ** self.gamma * r

    def __init__(self, *, gamma: float = 2.0, weight: Any = None, ignore_index: int = -100,
                 label_smoothing: float = 0.0, reduction: str = "mean") -> None:
        super().__init__(weight, ignore_index, label_smoothing, reduction)
        self.gamma = check_gamma(gamma)

    forward = _MulticlassLoss.forward  # its own attribute: documented and fuzzed with the class


@fill_doc(_MODULE_DOC)
class LogitAdjustedLoss(_MulticlassLoss):
    r"""Logit-adjusted cross-entropy: cross-entropy of :math:`z + \tau \log \pi`, the torch twin of
    :func:`xentbook.logit_adjusted_cross_entropy`.

    .. math::

        \ell(z, y) = -w_y \log \operatorname{softmax}(z + \tau\log\pi)_y

    for a class index without smoothing.  Use it in training; predict with the
    raw logits :math:`z`.

    Parameters
    ----------
    priors : array_like or torch.Tensor, shape (C,)
        Training class frequencies :math:`\pi` (strictly positive, summing to 1).
    tau : float, default 1.0
        :math:`\tau \ge 0`; 0 is plain cross-entropy.
    %(options)s

    %(raises)s

    Examples
    --------
    >>> import torch
    >>> loss = LogitAdjustedLoss([0.9, 0.1])
    >>> round(loss(torch.zeros(1, 2), torch.tensor([1])).item(), 4)
    2.3026
    """

    log_priors: Tensor

    def __init__(self, priors: Any, *, tau: float = 1.0, weight: Any = None, ignore_index: int = -100,
                 label_smoothing: float = 0.0, reduction: str = "mean") -> None:
        super().__init__(weight, ignore_index, label_smoothing, reduction)
        self._priors = as_priors(_array(priors))
        self.tau = check_tau(tau)
        # kept in float64 (cast to the input's dtype in forward) so that float64 inputs stay exact
        self.register_buffer("log_priors", torch.as_tensor(np.log(self._priors), dtype=torch.float64))

    def _shift(self) -> Any:
        return lambda C: self.tau * np.log(as_priors(self._priors, C))

    def _logits(self, input: Tensor) -> Tensor:
        shape = [1] * input.ndim
        shape[0 if input.ndim == 1 else 1] = -1
        shifted = input + (self.tau * self.log_priors).to(input.dtype).view(shape)
        if not _all_finite(shifted):  # the shared check builds the message; no float64 copy per forward
            check_result_finite(_numpy(shifted, "input"), "input or tau", f"input + tau * log(priors) in {input.dtype}")
        return shifted

    forward = _MulticlassLoss.forward  # its own attribute: documented and fuzzed with the class


@fill_doc(_MODULE_DOC)
class GeneralizedCrossEntropyLoss(_MulticlassLoss):
    r"""Generalized cross-entropy :math:`\sum_c w_c q_c (1 - p_c^q)/q` (Zhang & Sabuncu 2018), the torch
    twin of :func:`xentbook.generalized_cross_entropy`.

    :math:`q \to 0` is cross-entropy, :math:`q = 1` is :math:`1 - p_y` (MAE-like).

    Parameters
    ----------
    q : float, default 0.7
        In :math:`(0, 1]`.
    %(options)s

    %(raises)s

    Examples
    --------
    >>> import torch
    >>> z = torch.tensor([[2.0, 0.0, -1.0]])
    >>> round(GeneralizedCrossEntropyLoss(q=1.0)(z, torch.tensor([0])).item(), 4)
    0.1562
    """

    def __init__(self, *, q: float = 0.7, weight: Any = None, ignore_index: int = -100,
                 label_smoothing: float = 0.0, reduction: str = "mean") -> None:
        super().__init__(weight, ignore_index, label_smoothing, reduction)
        self.q = check_q(q)

    def _term(self, r: Tensor) -> Tensor:
        return -torch.expm1(-self.q * r) / self.q

    forward = _MulticlassLoss.forward  # its own attribute: documented and fuzzed with the class


class SigmoidFocalLoss(nn.Module):
    r"""Binary focal loss on logits (Lin et al. 2017), the torch twin of :func:`xentbook.sigmoid_focal_loss`.

    .. math::

        \mathrm{FL} = -w\,\alpha_t (1 - p_t)^{\gamma}\bigl[t\log p + (1-t)\log(1-p)\bigr],
        \quad p = \sigma(x),

    with :math:`p_t = p\,t + (1-p)(1-t)` and :math:`\alpha_t = \alpha t + (1-\alpha)(1-t)`:
    ``torchvision.ops.sigmoid_focal_loss`` with a ``weight`` and the default
    reduction ``"mean"``.

    Parameters
    ----------
    alpha : float or None, default 0.25
        Positive-class weight in :math:`[0, 1]`; ``None`` or a negative value
        (torchvision's ``-1``) disables the weighting.
    gamma : float, default 2.0
        Focusing parameter :math:`\gamma \ge 0`; 0 with ``alpha=None`` is
        binary cross-entropy with logits.
    weight : array_like or torch.Tensor, optional
        Non-negative rescaling weight, broadcastable to the input's shape.
    reduction : {"mean", "sum", "none"}, default "mean"
        The mean over all elements, the sum, or the elementwise losses.

    Raises
    ------
    TypeError
        At construction, for an option of the wrong type; in :meth:`forward`, for
        an input that is not a floating-point tensor or a target that is not a tensor.
    ValueError
        At construction, for ``alpha > 1``, ``gamma < 0``, a negative or
        non-finite weight or an unknown ``reduction``; in :meth:`forward`,
        exactly when the NumPy twin raises (shapes that differ, non-finite
        logits or targets, targets outside :math:`[0, 1]`, ...).

    Examples
    --------
    >>> import torch
    >>> SigmoidFocalLoss(reduction="none")(torch.tensor([2.0, -1.0]), torch.tensor([1.0, 1.0])).round(decimals=4)
    tensor([0.0005, 0.1755])
    """

    weight: Tensor | None

    def __init__(self, *, alpha: float | None = 0.25, gamma: float = 2.0, weight: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__()
        self.alpha = check_alpha(alpha)
        self.gamma = check_gamma(gamma)
        w = None if weight is None else as_float_array(_array(weight), "weight")
        if w is not None:
            check_range(w, "weight")
        self.register_buffer("weight", None if w is None else torch.as_tensor(w, dtype=torch.float64))
        self.reduction = check_reduction(reduction)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        """The focal loss of logits ``input`` for labels ``target`` in [0, 1] (same shape).

        Returns the elementwise losses (``reduction="none"``) or a 0-d tensor,
        differentiable with respect to ``input``.
        """
        input = _float_input(input)
        w = None if self.weight is None else self.weight.detach().cpu().numpy()
        prepare_binary(_numpy(input, "input"), _numpy(target, "target"), w, None, self.reduction, logits_name="input")
        t = target.to(input.dtype)
        loss = F.binary_cross_entropy_with_logits(input, t, reduction="none")
        if self.gamma != 0:
            m = torch.sigmoid(input) * (1 - t) + torch.sigmoid(-input) * t  # 1 - p_t
            # clamp: avoids 0 * inf in the backward of m**gamma for gamma < 1 (value unchanged: ce = 0 there)
            loss = loss * m.clamp_min(torch.finfo(m.dtype).tiny) ** self.gamma
        if self.alpha is not None:
            loss = (self.alpha * t + (1 - self.alpha) * (1 - t)) * loss
        if self.weight is not None:
            loss = loss * self.weight.to(input.dtype)
        return _reduce(loss, self.reduction, loss.numel())


# ------------------------------------------------------------------------ training


def make_classifier(n_features: int, n_classes: int, *, hidden: int | None = None, seed: int = 0) -> nn.Module:
    """A linear (softmax-regression) model, or a one-hidden-layer ReLU MLP if ``hidden``.

    The initial weights are drawn from a generator seeded with ``seed`` (the
    global torch RNG is restored afterwards).

    Examples
    --------
    >>> make_classifier(4, 3)
    Linear(in_features=4, out_features=3, bias=True)
    """
    n_features = check_size(n_features, "n_features")
    n_classes = check_size(n_classes, "n_classes")
    hidden = check_size(hidden, "hidden", allow_none=True)
    seed = check_seed(seed)
    if hidden is None:
        check_size_product("n_features * n_classes", n_features, n_classes)
    else:
        check_size_product("n_features * hidden", n_features, hidden)
        check_size_product("hidden * n_classes", hidden, n_classes)
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        if hidden is None:
            return nn.Linear(n_features, n_classes)
        return nn.Sequential(nn.Linear(n_features, hidden), nn.ReLU(), nn.Linear(hidden, n_classes))


def fit_full_batch(
    model: nn.Module,
    X: Any,
    y: Any,
    loss_fn: Callable[[Tensor, Tensor], Tensor],
    *,
    steps: int = 300,
    lr: float = 0.05,
    weight_decay: float = 0.0,
    sampling_weights: Any = None,
    seed: int = 0,
) -> list[float]:
    """Train ``model`` with Adam on the whole training set at every step.

    With ``sampling_weights`` each step instead uses a batch of ``len(y)`` indices
    drawn *with replacement* with probabilities proportional to the weights
    (a :class:`torch.utils.data.WeightedRandomSampler` with a seeded
    generator): resampling / oversampling.

    Parameters
    ----------
    model : torch.nn.Module
        Maps ``(N, d)`` float inputs to ``(N, C)`` logits (or ``(N,)`` for binary losses).
    X : array_like, shape (N, d)
    y : array_like, shape (N,)
        Integer classes (or 0/1 floats for binary losses).
    loss_fn : callable
        ``loss_fn(logits, targets)`` returning a scalar tensor.
    steps : int, default 300
    lr : float, default 0.05
    weight_decay : float, default 0.0
        Adam's L2 penalty.
    sampling_weights : array_like, shape (N,), optional
        Non-negative sampling weights for resampling.
    seed : int, default 0
        Seeds the sampler.

    Returns
    -------
    list of float
        The training loss at every step.

    Raises
    ------
    ValueError
        For invalid arguments, and when training diverges: the one documented
        behaviour of a diverging optimiser in this package is a
        :class:`ValueError` naming the step size (here ``lr``), raised at the
        first non-finite loss.
    TypeError
        If ``loss_fn`` does not return a scalar floating-point tensor.

    Examples
    --------
    >>> import numpy as np, torch
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0, 0, 1, 1])
    >>> model = make_classifier(1, 2)
    >>> hist = fit_full_batch(model, X, y, torch.nn.CrossEntropyLoss(), steps=100, lr=0.1)
    >>> hist[-1] < hist[0]
    True
    """
    check_instance(model, "model", nn.Module, what="a torch.nn.Module")
    check_callable(loss_fn, "loss_fn")
    steps = check_size(steps, "steps")
    lr = check_number(lr, "lr", low=0.0, low_open=True)
    # torch's optimisers cast these to the parameters' dtype: they must be representable there
    dtype_max = float(torch.finfo(torch.get_default_dtype()).max)
    lr = check_number(lr, "lr", high=dtype_max)
    weight_decay = check_number(weight_decay, "weight_decay", low=0.0, high=dtype_max)
    seed = check_seed(seed)
    Xa = as_float_array(X, "X", allow_bool=False)
    check_shape(Xa, ("N", "d"), "X")
    check_finite(Xa, "X")
    Xt = torch.as_tensor(Xa, dtype=torch.get_default_dtype())
    check_result_finite(_numpy(Xt, "X"), "X", f"X in {torch.get_default_dtype()}")
    ya = np.asarray(y) if y is not None else None
    if ya is not None and ya.dtype.kind in "iub":
        ya = as_int_array(ya, "y", allow_bool=True)
    else:
        ya = as_float_array(y, "y", allow_bool=False)
        check_finite(ya, "y")
    check_shape(ya, (Xt.shape[0],), "y")
    yt = torch.as_tensor(ya, dtype=torch.int64) if ya.dtype.kind in "iu" else torch.as_tensor(ya, dtype=Xt.dtype)
    sampler = None
    if sampling_weights is not None:
        sw = check_sample_weight(sampling_weights, ya.shape[0], name="sampling_weights")
        gen = torch.Generator().manual_seed(seed)
        sampler = torch.utils.data.WeightedRandomSampler(
            torch.as_tensor(sw), num_samples=len(ya), replacement=True, generator=gen
        )
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    history = []
    model.train()
    for _ in range(steps):
        if sampler is None:
            xb, yb = Xt, yt
        else:
            idx = torch.as_tensor(list(sampler))
            xb, yb = Xt[idx], yt[idx]
        opt.zero_grad()
        try:
            out = model(xb)
        except (RuntimeError, IndexError) as exc:
            raise ValueError(f"X of shape {tuple(Xt.shape)} does not fit the model: {exc}") from None
        try:
            loss = loss_fn(out, yb)
        except (RuntimeError, IndexError) as exc:
            raise ValueError(f"loss_fn(model(X), y) failed; check y against the model's output: {exc}") from None
        except TypeError as exc:  # not a loss function of (logits, targets)
            raise TypeError(f"loss_fn must be a function loss_fn(logits, targets); calling it failed: {exc}") from None
        check_instance(loss, "loss_fn's result", Tensor, what="a scalar floating-point tensor",
                       when=lambda t: t.numel() == 1 and t.is_floating_point())
        if not torch.isfinite(loss):
            raise ValueError(
                f"training diverged: loss_fn returned {float(loss.detach())} at step {len(history)}; lower lr "
                "(or check loss_fn and X)"
            )
        loss.backward()
        opt.step()
        history.append(float(loss.detach()))
    model.eval()
    return history


# ----------------------------------------------------------------------------
# linear cross-entropy without the N x V logits
# ----------------------------------------------------------------------------


class _TorchOps:
    """The torch twin of :class:`xentbook.linear_ce._NumpyOps`."""

    @staticmethod
    def lse_rows(block: Tensor) -> Tensor:
        return torch.logsumexp(block, dim=1)

    logaddexp = staticmethod(torch.logaddexp)
    exp = staticmethod(torch.exp)

    @staticmethod
    def zeros(shape: tuple[int, ...], like: Tensor) -> Tensor:
        return torch.zeros(shape, dtype=like.dtype, device=like.device)

    @staticmethod
    def nonzero(mask: Tensor) -> Tensor:
        return torch.nonzero(mask).flatten()

    @staticmethod
    def addmm_(out: Tensor, a: Tensor, b: Tensor) -> None:
        out.addmm_(a, b)

    all_finite = staticmethod(_all_finite)


def _row_scale(valid: Tensor, reduction: str, dtype: torch.dtype) -> Tensor:
    """d(reduced loss)/d(loss of row n): 1/n_valid (mean) or 1, and 0 on ignored rows."""
    scale = valid.to(dtype)
    if reduction == "mean":
        n_valid = int(valid.sum())
        scale = scale / n_valid if n_valid else scale  # all ignored: zero gradient, as torch
    return scale


class _LinearCrossEntropy(torch.autograd.Function):
    """Forward and exact backward of the chunked linear cross-entropy.

    With ``eager`` (a scalar reduction whose inputs need gradients) the
    gradients are computed during the forward sweep, as Liger-Kernel's fused
    linear cross-entropy does, and the backward only scales them; otherwise
    the backward sweeps the blocks again with the saved log-sum-exp.
    """

    @staticmethod
    def forward(ctx, H, W, b, y, valid, eps, zl, reduction, cn, cv, eager):  # type: ignore[override]
        scale = _row_scale(valid, reduction, H.dtype)
        stats, grads = _sweep(_TorchOps, H, W, b, y, eps, zl, cn, cv, scale=scale if eager else None)
        dtype = str(H.dtype).removeprefix("torch.")
        _check_no_overflow(_TorchOps, stats, valid, eps, zl, W.shape[0], dtype, grads or ())
        per = _per_token(stats, valid, eps, zl, W.shape[0])
        loss = _reduce(per, reduction, valid.sum())  # 0/0 = NaN when every target is ignored, as torch
        ctx.opts = (eps, zl, reduction, cn, cv, eager, b is not None)
        if eager:
            ctx.grads = grads
        else:
            ctx.save_for_backward(H, W, b, y, valid, *stats)
        return loss

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad_out):  # type: ignore[override]
        eps, zl, reduction, cn, cv, eager, has_bias = ctx.opts
        if eager:  # kept on ctx: a retained graph may be differentiated again
            grads = tuple(None if g is None else g * grad_out for g in ctx.grads)
        else:
            H, W, b, y, valid, lse, zy, zsum = ctx.saved_tensors
            scale = _row_scale(valid, reduction, H.dtype) * grad_out
            _, grads = _sweep(_TorchOps, H, W, b, y, eps, zl, cn, cv, stats=(lse, zy, zsum), scale=scale)
            _check_no_overflow(_TorchOps, (lse, zy, zsum), valid, eps, zl, W.shape[0], str(H.dtype).removeprefix("torch."), grads)
        gH, gW, gb = grads
        return gH, gW, gb if has_bias else None, None, None, None, None, None, None, None, None


def linear_cross_entropy(hidden: Tensor, weight: Tensor, target: Tensor, bias: Tensor | None = None, *,
                         ignore_index: int = -100, label_smoothing: float = 0.0, reduction: str = "mean",
                         z_loss: float = 0.0, chunk_size: int = 1024, vocab_chunk: int = 32768) -> Tensor:
    r"""Cross-entropy of ``hidden @ weight.T + bias`` in blocks, with an exact backward.

    .. math::

        \ell_n = \operatorname{LSE}_n - (1-\varepsilon) z_{ny_n}
        - \frac{\varepsilon}{V}\sum_v z_{nv} + \lambda \operatorname{LSE}_n^2,
        \qquad z_{nv} = h_n\cdot w_v + b_v ,

    equal to ``F.cross_entropy(hidden @ weight.T + bias, target, ...)`` (plus
    the z-loss :math:`\lambda\operatorname{LSE}_n^2`), but never holding more
    than a ``chunk_size`` x ``vocab_chunk`` block of logits.  The arguments are
    those of :func:`xentbook.linear_cross_entropy`; ``hidden``, ``weight`` and
    ``bias`` are floating tensors of one dtype and device, ``target`` an
    integer tensor.  Gradients flow to ``hidden``, ``weight`` and ``bias``
    (first order only).  With ``reduction="mean"`` and every target ignored
    the result is NaN and the gradients zero, as in torch.

    When the inputs need gradients and the reduction is ``"mean"`` or
    ``"sum"``, the gradients are computed during the forward pass (and only
    scaled by the backward); a single column block per row chunk
    (``vocab_chunk >= V``) is then reused instead of being recomputed.

    Raises
    ------
    TypeError
        Non-tensor or non-floating ``hidden``/``weight``/``bias``, mixed
        dtypes or devices, a non-integer ``target``, or bad option types.
    ValueError
        As :func:`xentbook.linear_cross_entropy`.

    Examples
    --------
    >>> import torch
    >>> from torch.nn import functional as F
    >>> from xentbook.nn import linear_cross_entropy
    >>> g = torch.Generator().manual_seed(0)
    >>> H = torch.randn(6, 4, dtype=torch.float64, generator=g, requires_grad=True)
    >>> W = torch.randn(9, 4, dtype=torch.float64, generator=g, requires_grad=True)
    >>> y = torch.tensor([0, 8, 3, -100, 3, 5])
    >>> loss = linear_cross_entropy(H, W, y, chunk_size=4, vocab_chunk=2)
    >>> ref = F.cross_entropy(H @ W.T, y)
    >>> bool(torch.isclose(loss, ref))
    True
    >>> loss.backward()
    >>> gH, gW = torch.autograd.grad(ref, (H, W))
    >>> bool(torch.allclose(H.grad, gH)), bool(torch.allclose(W.grad, gW))
    (True, True)
    """
    ignore_index, eps, reduction, zl, cn, cv = _check_options(
        ignore_index, label_smoothing, reduction, z_loss, chunk_size, vocab_chunk
    )
    floats = [(t, name) for t, name in ((hidden, "hidden"), (weight, "weight"), (bias, "bias"))
              if t is not None or name != "bias"]  # only bias is optional
    for t, name in floats:
        check_instance(t, name, Tensor, what="a floating torch.Tensor", when=Tensor.is_floating_point)
    check_instance(target, "target", Tensor, what="a torch.Tensor of integer class indices",
                   when=lambda t: not t.is_floating_point() and not t.is_complex() and t.dtype != torch.bool)
    for t, name in floats:
        if t.dtype != hidden.dtype or t.device != hidden.device:
            raise TypeError(
                f"{name} must have hidden's dtype and device ({hidden.dtype}, {hidden.device}), "
                f"got ({t.dtype}, {t.device})"
            )
    _check_shapes(hidden, weight, bias, target)
    for t, name in floats:
        if not _all_finite(t):  # the message from the shared check; no float64 copy when all is well
            check_finite(_numpy(t, name), name)
    y = target.to(device=hidden.device, dtype=torch.int64)
    valid = check_class_indices(y, weight.shape[0], ignore_index)
    y = torch.where(valid, y, torch.zeros((), dtype=torch.int64, device=y.device))
    needs = any(t is not None and t.requires_grad for t in (hidden, weight, bias))
    eager = torch.is_grad_enabled() and needs and reduction != "none"
    return _LinearCrossEntropy.apply(hidden, weight, bias, y, valid, eps, zl, reduction, cn, cv, eager)
