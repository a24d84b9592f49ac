"""Text classification with a fastText-style model in PyTorch.

The pieces of the text-classification chapter that are worth reusing:

* :func:`csr_to_bag` turns the sparse rows that a fitted scikit-learn
  vectorizer (``CountVectorizer``, ``TfidfVectorizer``, ...) returns into the
  ``(indices, offsets, per_sample_weights)`` triple that
  :class:`torch.nn.EmbeddingBag` consumes, so that the torch model sees exactly
  the features the scikit-learn baselines see;
* :class:`FastTextModel`, an ``EmbeddingBag`` (``mode="sum"``) followed by a
  linear layer, i.e. the architecture of fastText (Joulin et al., 2017);
* :func:`train_fasttext`, a mini-batch training loop on
  :func:`torch.nn.functional.cross_entropy` (with ``label_smoothing``), a
  progress bar whose text is the same on every run, and early stopping on the
  validation loss that restores the best weights;
* :func:`predict_logits` and :func:`predict_proba` (with a temperature);
* :class:`FastTextClassifier`, a scikit-learn classifier that does the
  bookkeeping (texts in, arbitrary labels in, input checks at the door).

This module needs ``torch``, ``tqdm`` and scikit-learn; it is not imported by
``import xentbook``.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any, NamedTuple

import numpy as np
import scipy.sparse as sp
import torch
import torch.nn.functional as F
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted
from torch import nn
from tqdm import tqdm

from ._validation import (
    as_int_array,
    as_labels,
    as_sparse_rows,
    check_bool,
    check_instance,
    check_lengths,
    check_ndim,
    check_number,
    check_positive,
    check_probability,
    check_seed,
    check_shape,
    check_size,
    check_size_product,
    check_str,
    check_texts,
    check_two_classes,
)

__all__ = [
    "BagBatch",
    "FastTextModel",
    "FitHistory",
    "csr_to_bag",
    "iter_bag_batches",
    "train_fasttext",
    "predict_logits",
    "predict_proba",
    "FastTextClassifier",
]


# --------------------------------------------------------------------------- checks


def _check_targets(y: Any, name: str, n_rows: int, rows_name: str, n_classes: int | None = None) -> np.ndarray:
    """Class indices: 1-D integers (booleans as 0/1) in ``[0, n_classes)``, one per row."""
    high = None if n_classes is None else n_classes - 1
    arr = as_int_array(y, name, allow_bool=True, low=0, high=high, what="integer class indices")
    check_ndim(arr, name, 1)
    check_lengths(arr, n_rows, name, rows_name, what="labels", of="rows")
    return arr


def _check_model(model: Any) -> FastTextModel:
    return check_instance(model, "model", FastTextModel)


def _check_features(X: sp.csr_matrix, name: str, model: FastTextModel) -> None:
    if X.shape[1] != model.n_features:
        raise ValueError(
            f"{name} has {X.shape[1]} columns but the model was built for "
            f"{model.n_features} features; use the same fitted vectorizer"
        )


# --------------------------------------------------------------------------- batches


class BagBatch(NamedTuple):
    """The three tensors :class:`torch.nn.EmbeddingBag` takes for a batch of bags.

    ``model(*batch)`` calls a :class:`FastTextModel` on it.
    """

    indices: torch.Tensor
    """Column (feature) indices of the non-zero entries, row after row, ``int64``."""
    offsets: torch.Tensor
    """Where each row's bag starts in ``indices``, one entry per row, ``int64``."""
    per_sample_weights: torch.Tensor
    """The non-zero values themselves (counts or TF-IDF weights)."""


def csr_to_bag(X: Any, *, dtype: torch.dtype = torch.float32) -> BagBatch:
    r"""Turn sparse feature rows into ``EmbeddingBag`` input.

    A fitted scikit-learn vectorizer maps each text to a sparse row
    :math:`x_i` (counts, or TF-IDF weights).  Row :math:`i` becomes the bag
    of its non-zero columns :math:`\{j : x_{ij} \ne 0\}` with weights
    :math:`x_{ij}`, so that an ``EmbeddingBag(mode="sum")`` with embedding
    matrix :math:`E` computes exactly the dense product

    .. math::

        h_i = \sum_{j:\, x_{ij} \ne 0} x_{ij}\, E_{j,:} = (X E)_{i,:}

    without ever materialising :math:`X`.  A row with no non-zero entry gives
    an empty bag, whose sum is the zero vector.

    Parameters
    ----------
    X : scipy.sparse matrix or array, shape (n_rows, n_features)
        Any sparse format (it is converted to canonical CSR; duplicate
        entries are summed, explicit zeros dropped).  Entries must be finite.
    dtype : torch.dtype, default torch.float32
        Floating dtype of ``per_sample_weights``.

    Returns
    -------
    BagBatch
        ``indices`` (nnz,), ``offsets`` (n_rows,), ``per_sample_weights``
        (nnz,).

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> vec = CountVectorizer(analyzer="char").fit(["好评", "差评"])
    >>> sorted(vec.vocabulary_.items())
    [('好', 0), ('差', 1), ('评', 2)]
    >>> bag = csr_to_bag(vec.transform(["好好", "差评"]))
    >>> bag.indices.tolist(), bag.offsets.tolist(), bag.per_sample_weights.tolist()
    ([0, 1, 2], [0, 1], [2.0, 1.0, 1.0])
    """
    X = as_sparse_rows(X, "X").copy()
    if not (isinstance(dtype, torch.dtype) and dtype.is_floating_point):
        raise TypeError(f"dtype must be a floating torch.dtype, got {dtype!r}")
    X.sum_duplicates()
    X.eliminate_zeros()
    return BagBatch(
        indices=torch.from_numpy(X.indices.astype(np.int64)),
        offsets=torch.from_numpy(X.indptr[:-1].astype(np.int64)),
        per_sample_weights=torch.from_numpy(X.data).to(dtype),
    )


def iter_bag_batches(
    X: Any,
    y: Any = None,
    *,
    batch_size: int = 64,
    shuffle: bool = False,
    seed: int | np.random.Generator | None = None,
    dtype: torch.dtype = torch.float32,
) -> Iterator[tuple[BagBatch, torch.Tensor | None]]:
    r"""Yield mini-batches of sparse rows as :class:`BagBatch` (and their labels).

    The rows are visited in order, or in the order of a permutation drawn from
    ``numpy.random.default_rng(seed)`` when ``shuffle``; the batches
    partition the rows, the last one may be smaller.

    Parameters
    ----------
    X : scipy.sparse matrix, shape (n_rows, n_features)
    y : array-like of int, shape (n_rows,), optional
        Labels; yielded as an ``int64`` tensor alongside each batch (``None``
        when not given).  Any integers >= 0 are accepted here (no upper bound).
    batch_size : int, default 64
    shuffle : bool, default False
    seed : int, numpy Generator or None
        Source of the shuffling permutation.
    dtype : torch.dtype, default torch.float32

    Yields
    ------
    (BagBatch, torch.Tensor or None)

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> X = sp.csr_matrix([[1.0, 0.0], [0.0, 2.0], [3.0, 4.0]])
    >>> [(b.offsets.tolist(), t.tolist()) for b, t in iter_bag_batches(X, [0, 1, 1], batch_size=2)]
    [([0, 1], [0, 1]), ([0], [1])]
    """
    X = as_sparse_rows(X, "X")
    n = X.shape[0]
    batch_size = check_size(batch_size, "batch_size")
    shuffle = check_bool(shuffle, "shuffle")
    targets = None if y is None else torch.from_numpy(_check_targets(y, "y", n, "X"))
    if not isinstance(seed, np.random.Generator):
        seed = check_seed(seed, allow_none=True)
    order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
    for start in range(0, n, batch_size):
        rows = order[start : start + batch_size]
        yield csr_to_bag(X[rows], dtype=dtype), (targets[rows] if targets is not None else None)


# --------------------------------------------------------------------------- model


class FastTextModel(nn.Module):
    r"""fastText-style classifier: a weighted bag of feature embeddings, then a linear layer.

    For a sparse feature row :math:`x` (see :func:`csr_to_bag`) the logits are

    .. math::

        z = W\,(E^\top x) + b, \qquad p = \operatorname{softmax}(z),

    with embedding matrix :math:`E \in \mathbb{R}^{V \times d}` (an
    :class:`torch.nn.EmbeddingBag` in ``mode="sum"``), :math:`W \in
    \mathbb{R}^{C \times d}` and :math:`b \in \mathbb{R}^C`.  The model is
    linear in :math:`x`: it is a logistic (softmax) regression whose weight
    matrix :math:`W E^\top` has rank at most :math:`d`.

    Parameters
    ----------
    n_features : int
        Vocabulary size :math:`V` (columns of the vectorizer's output).
    n_classes : int
        Number of classes :math:`C \ge 2`.
    embedding_dim : int, default 32
        :math:`d`.
    sparse : bool, default True
        Sparse embedding gradients (only the rows in a batch are touched);
        :func:`train_fasttext` then updates the embedding with
        :class:`torch.optim.SparseAdam`.
    seed : int or None, default None
        Seed of the initialisation (a private :class:`torch.Generator`; the
        global RNG is left alone).  ``None`` draws from the global RNG.

    Notes
    -----
    Initialisation: :math:`E_{jk}, W_{ck} \sim U(-1/\sqrt d, 1/\sqrt d)`,
    :math:`b = 0`.

    Examples
    --------
    >>> import torch
    >>> model = FastTextModel(n_features=5, n_classes=3, embedding_dim=4, seed=0)
    >>> logits = model(torch.tensor([0, 2, 4]), torch.tensor([0, 2]), torch.tensor([1.0, 1.0, 0.5]))
    >>> tuple(logits.shape)
    (2, 3)
    """

    def __init__(
        self,
        n_features: int,
        n_classes: int,
        *,
        embedding_dim: int = 32,
        sparse: bool = True,
        seed: int | None = None,
    ) -> None:
        super().__init__()
        self.n_features = check_size(n_features, "n_features")
        self.n_classes = check_size(n_classes, "n_classes", low=2)
        self.embedding_dim = check_size(embedding_dim, "embedding_dim")
        sparse = check_bool(sparse, "sparse")
        check_size_product("n_features * embedding_dim", self.n_features, self.embedding_dim)
        check_size_product("n_classes * embedding_dim", self.n_classes, self.embedding_dim)
        seed = check_seed(seed, allow_none=True)
        # skip_init: the default initialisers would draw from the global RNG; ours follow below.
        self.embedding = nn.utils.skip_init(
            nn.EmbeddingBag, self.n_features, self.embedding_dim, mode="sum", sparse=sparse
        )
        self.linear = nn.utils.skip_init(nn.Linear, self.embedding_dim, self.n_classes)
        gen = torch.Generator().manual_seed(seed) if seed is not None else None
        bound = 1.0 / self.embedding_dim**0.5
        with torch.no_grad():
            nn.init.uniform_(self.embedding.weight, -bound, bound, generator=gen)
            nn.init.uniform_(self.linear.weight, -bound, bound, generator=gen)
            nn.init.zeros_(self.linear.bias)

    def forward(
        self,
        indices: torch.Tensor,
        offsets: torch.Tensor,
        per_sample_weights: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Logits, shape (n_bags, n_classes); the arguments are those of a :class:`BagBatch`."""
        for t, name in ((indices, "indices"), (offsets, "offsets")):
            check_instance(t, name, torch.Tensor, what="an int64 or int32 tensor",
                           when=lambda t: t.dtype in (torch.int64, torch.int32))
            check_ndim(t, name, 1)
        if indices.numel() and (int(indices.min()) < 0 or int(indices.max()) >= self.n_features):
            raise ValueError(f"indices must lie in [0, n_features = {self.n_features})")
        if offsets.numel() == 0 or int(offsets[0]) != 0 or bool((offsets[1:] < offsets[:-1]).any()) or int(offsets[-1]) > indices.numel():
            raise ValueError("offsets must start at 0, be non-decreasing and not exceed len(indices)")
        if per_sample_weights is not None:
            check_instance(per_sample_weights, "per_sample_weights", torch.Tensor,
                           what="a floating-point tensor or None", when=lambda t: t.is_floating_point())
            check_shape(per_sample_weights, tuple(indices.shape), "per_sample_weights (the shape of indices)")
            per_sample_weights = per_sample_weights.to(self.embedding.weight.dtype)
            if not torch.isfinite(per_sample_weights).all():
                raise ValueError("per_sample_weights must be finite (in the model's dtype)")
        return self.linear(self.embedding(indices, offsets, per_sample_weights=per_sample_weights))


# --------------------------------------------------------------------------- training


@dataclass
class FitHistory:
    """What :func:`train_fasttext` saw, one entry per epoch that ran."""

    train_loss: list[float] = field(default_factory=list)
    """Mean training objective of the epoch (with label smoothing if used)."""
    val_loss: list[float] = field(default_factory=list)
    """Validation cross-entropy (NLL, never smoothed) after the epoch (empty without validation)."""
    val_accuracy: list[float] = field(default_factory=list)
    """Validation accuracy after the epoch (empty without validation)."""
    best_epoch: int = -1
    """0-based index of the epoch whose weights were restored (the last one without validation)."""
    stopped_early: bool = False
    """Whether training stopped before ``epochs`` because of ``patience``."""

    @property
    def epochs_run(self) -> int:
        """Number of epochs that ran."""
        return len(self.train_loss)


def _mean_val(model: FastTextModel, bag: BagBatch, y: torch.Tensor) -> tuple[float, float]:
    was_training = model.training
    model.eval()
    with torch.no_grad():
        logits = model(*bag)
        loss = F.cross_entropy(logits, y).item()
        acc = (logits.argmax(dim=1) == y).double().mean().item()
    model.train(was_training)
    return loss, acc


def train_fasttext(
    model: FastTextModel,
    X_train: Any,
    y_train: Any,
    X_val: Any = None,
    y_val: Any = None,
    *,
    epochs: int = 10,
    batch_size: int = 64,
    lr: float = 2e-3,
    label_smoothing: float = 0.0,
    feature_dropout: float = 0.0,
    patience: int = 2,
    min_delta: float = 0.0,
    seed: int = 0,
    progress: bool = True,
    progress_file: IO[str] | None = None,
    desc: str = "fastText",
) -> FitHistory:
    r"""Train a :class:`FastTextModel` with mini-batch Adam and early stopping.

    Each step minimises the mean cross-entropy of a shuffled mini-batch
    :math:`B`, computed by :func:`torch.nn.functional.cross_entropy`:

    .. math::

        L = -\frac{1}{|B|} \sum_{i \in B} \sum_{c} q_{ic} \log \operatorname{softmax}(z_i)_c,
        \qquad q_{ic} = (1 - \varepsilon)\,[c = y_i] + \frac{\varepsilon}{C},

    where :math:`\varepsilon` is ``label_smoothing``.  With
    ``feature_dropout`` :math:`\rho > 0`, each non-zero feature of a training
    row is dropped with probability :math:`\rho` and the kept ones are scaled by
    :math:`1/(1-\rho)` (dropout on the bag's ``per_sample_weights``, so the
    expected bag sum is unchanged); evaluation never drops.  After every epoch the
    validation NLL (plain cross-entropy, :math:`\varepsilon = 0`) is
    computed; the weights of the epoch with the lowest validation NLL are kept,
    and training stops once ``patience`` epochs in a row failed to improve it by
    more than ``min_delta``.  On return the model holds the best epoch's
    weights (and is in eval mode).  Without validation data (``X_val`` and
    ``y_val`` both ``None``) all ``epochs`` run and the weights of the last
    epoch (with a finite training loss) are kept.

    Optimiser: :class:`torch.optim.Adam` on the dense parameters, plus
    :class:`torch.optim.SparseAdam` on the embedding when the model has
    sparse gradients.  Shuffling uses ``numpy.random.default_rng(seed)``;
    together with a seeded model and ``torch.set_num_threads(1)`` two runs
    give identical weights.

    The progress bar (``tqdm``, one tick per epoch, on ``progress_file``,
    default ``sys.stderr``) shows no rate or time, and every update is written,
    so its text is the same on every run (notebook output tests compare it).

    Parameters
    ----------
    model : FastTextModel
        Trained in place.
    X_train : scipy.sparse matrix, shape (n, model.n_features)
        Rows from a fitted vectorizer.
    y_train : array-like of int, shape (n,)
        Class indices in ``[0, model.n_classes)``.
    X_val, y_val : sparse matrix and array-like of int, optional
        Validation rows (from the same vectorizer) and their class indices,
        for early stopping; give both or neither.
    epochs : int, default 10
        Maximum number of passes over the training set.
    batch_size : int, default 64
    lr : float, default 2e-3
        Learning rate of both optimisers.
    label_smoothing : float in [0, 1), default 0
    feature_dropout : float in [0, 1), default 0
        Probability of dropping each n-gram occurrence of a training row.
    patience : int, default 2
        Epochs without improvement tolerated before stopping (>= 1).
    min_delta : float, default 0
        Improvement smaller than this does not count.
    seed : int, default 0
    progress : bool, default True
    progress_file : text stream, optional
    desc : str, default "fastText"
        Label of the progress bar.

    Returns
    -------
    FitHistory

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> X = sp.csr_matrix([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]] * 4)
    >>> y = [0, 1] * 4
    >>> model = FastTextModel(3, 2, embedding_dim=4, seed=0)
    >>> hist = train_fasttext(model, X, y, X, y, epochs=30, lr=0.1, patience=30, progress=False)
    >>> hist.val_accuracy[hist.best_epoch]
    1.0
    """
    model = _check_model(model)
    Xtr = as_sparse_rows(X_train, "X_train")
    _check_features(Xtr, "X_train", model)
    ytr = _check_targets(y_train, "y_train", Xtr.shape[0], "X_train", model.n_classes)
    validate = X_val is not None or y_val is not None
    if validate:
        if X_val is None or y_val is None:
            raise ValueError("X_val and y_val go together: give both (early stopping) or neither")
        Xva = as_sparse_rows(X_val, "X_val")
        _check_features(Xva, "X_val", model)
        yva = _check_targets(y_val, "y_val", Xva.shape[0], "X_val", model.n_classes)
    epochs = check_size(epochs, "epochs")
    batch_size = check_size(batch_size, "batch_size")
    lr = check_positive(lr, "lr")
    label_smoothing = check_probability(label_smoothing, "label_smoothing", closed_right=False)
    feature_dropout = check_probability(feature_dropout, "feature_dropout", closed_right=False)
    patience = check_size(patience, "patience")
    min_delta = check_positive(min_delta, "min_delta", allow_zero=True)
    seed = check_seed(seed)
    progress = check_bool(progress, "progress")
    desc = check_str(desc, "desc")

    dtype = model.embedding.weight.dtype
    emb_params = list(model.embedding.parameters())
    dense_params = list(model.linear.parameters())
    if model.embedding.sparse:
        optimizers: list[torch.optim.Optimizer] = [
            torch.optim.SparseAdam(emb_params, lr=lr),
            torch.optim.Adam(dense_params, lr=lr),
        ]
    else:
        optimizers = [torch.optim.Adam(emb_params + dense_params, lr=lr)]

    rng = np.random.default_rng(seed)
    dropout_gen = torch.Generator().manual_seed(seed)
    if validate:
        val_bag = csr_to_bag(Xva, dtype=dtype)
        val_y = torch.from_numpy(yva)
    history = FitHistory()
    best_loss = float("inf")
    best_state: dict[str, torch.Tensor] | None = None
    waited = 0
    bar = tqdm(
        total=epochs,
        desc=desc,
        unit="epoch",
        file=progress_file if progress_file is not None else sys.stderr,
        disable=not progress,
        bar_format="{desc}: {n_fmt}/{total_fmt} epochs{postfix} |{bar}|",
        ncols=100,
        ascii=True,
        mininterval=0,
        miniters=1,
        dynamic_ncols=False,
        leave=True,
    )
    try:
        for epoch in range(epochs):
            model.train()
            total, count = 0.0, 0
            for bag, target in iter_bag_batches(Xtr, ytr, batch_size=batch_size, shuffle=True, seed=rng, dtype=dtype):
                if feature_dropout > 0:
                    w = bag.per_sample_weights
                    keep = torch.rand(w.shape, generator=dropout_gen, dtype=w.dtype) >= feature_dropout
                    bag = bag._replace(per_sample_weights=w * keep / (1.0 - feature_dropout))
                for opt in optimizers:
                    opt.zero_grad()
                loss = F.cross_entropy(model(*bag), target, label_smoothing=label_smoothing)
                loss.backward()
                for opt in optimizers:
                    opt.step()
                total += loss.item() * len(target)
                count += len(target)
            history.train_loss.append(total / count)
            postfix = f"train {total / count:.3f}"
            if validate:
                val_loss, val_acc = _mean_val(model, val_bag, val_y)
                history.val_loss.append(val_loss)
                history.val_accuracy.append(val_acc)
                postfix += f"  val NLL {val_loss:.3f}  val acc {val_acc:.3f}"
            else:  # no early stopping: the last epoch is kept, if its training loss is finite
                val_loss = total / count if np.isfinite(total / count) else float("inf")
                best_loss = float("inf")
            if val_loss < best_loss - min_delta:
                best_loss, waited = val_loss, 0
                history.best_epoch = epoch
                best_state = copy.deepcopy(model.state_dict())
            else:
                waited += 1
            bar.set_postfix_str(postfix, refresh=False)
            bar.update(1)
            if validate and waited >= patience:
                history.stopped_early = epoch < epochs - 1
                break
    finally:
        bar.close()
    if best_state is None:
        raise ValueError(
            "training diverged: the validation loss was never finite (the training loss, without "
            "validation data); lower lr (or rescale X_train)"
        )
    model.load_state_dict(best_state)
    model.eval()
    return history


# --------------------------------------------------------------------------- prediction


def predict_logits(model: FastTextModel, X: Any, *, batch_size: int = 8192) -> np.ndarray:
    r"""Logits :math:`z = W E^\top x + b` for every row of ``X``, as a float64 array.

    Parameters
    ----------
    model : FastTextModel
    X : scipy.sparse matrix, shape (n, model.n_features)
    batch_size : int, default 8192
        Rows per forward pass (memory only; results agree up to float32 rounding).

    Returns
    -------
    numpy.ndarray, shape (n, model.n_classes)

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> model = FastTextModel(4, 2, embedding_dim=3, seed=0)
    >>> predict_logits(model, sp.csr_matrix((5, 4))).tolist()[0]  # empty bags: the bias, 0
    [0.0, 0.0]
    """
    model = _check_model(model)
    X = as_sparse_rows(X, "X")
    _check_features(X, "X", model)
    batch_size = check_size(batch_size, "batch_size")
    dtype = model.embedding.weight.dtype
    was_training = model.training
    model.eval()
    out = []
    with torch.no_grad():
        for bag, _ in iter_bag_batches(X, batch_size=batch_size, dtype=dtype):
            out.append(model(*bag).double())
    model.train(was_training)
    return torch.cat(out).numpy()


def predict_proba(
    model: FastTextModel, X: Any, *, temperature: float = 1.0, batch_size: int = 8192
) -> np.ndarray:
    r"""Class probabilities :math:`\operatorname{softmax}(z / T)` for every row of ``X``.

    Parameters
    ----------
    model : FastTextModel
    X : scipy.sparse matrix, shape (n, model.n_features)
    temperature : float > 0, default 1
        :math:`T` of temperature scaling (Guo et al., 2017); :math:`T > 1`
        softens, :math:`T < 1` sharpens, the argmax never changes.
    batch_size : int, default 8192

    Returns
    -------
    numpy.ndarray, shape (n, model.n_classes), rows summing to 1.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> model = FastTextModel(4, 2, embedding_dim=3, seed=0)
    >>> predict_proba(model, sp.csr_matrix((1, 4))).tolist()
    [[0.5, 0.5]]
    """
    temperature = check_positive(temperature, "temperature")
    logits = predict_logits(model, X, batch_size=batch_size)
    with np.errstate(over="ignore"):  # shifted logits are <= 0: a tiny T gives -inf, i.e. probability 0
        scaled = (logits - logits.max(axis=1, keepdims=True)) / temperature
    return torch.softmax(torch.from_numpy(scaled), dim=1).numpy()


# --------------------------------------------------------------------------- estimator


class FastTextClassifier(ClassifierMixin, BaseEstimator):
    r"""Texts and labels in, probabilities out: a text vectorizer + :class:`FastTextModel`.

    A scikit-learn classifier whose input ``X`` is a sequence of raw texts.
    ``fit`` fits a clone of ``vectorizer`` on the training texts (wrap an
    already fitted vectorizer in :class:`sklearn.frozen.FrozenEstimator` to
    use it as is, so the torch model sees the very features other models were
    trained on), encodes the labels with
    :class:`sklearn.preprocessing.LabelEncoder` (any hashable labels of one
    type; ``predict`` returns them) and trains a :class:`FastTextModel` with
    :func:`train_fasttext`, early-stopping on the validation NLL.

    The validation data are ``eval_set=(texts, labels)`` when given to
    ``fit``; otherwise a stratified ``validation_fraction`` of the training
    data drawn with ``seed`` is held out, as
    :class:`sklearn.neural_network.MLPClassifier` does with
    ``early_stopping=True``; ``validation_fraction=None`` trains all
    ``epochs`` on all of it without early stopping.

    Parameters
    ----------
    vectorizer : scikit-learn text vectorizer, optional
        Anything with ``fit`` and ``transform`` that maps texts to sparse
        rows.  Default: ``CountVectorizer(analyzer="char", ngram_range=(1, 2))``.
    embedding_dim, sparse :
        See :class:`FastTextModel`.
    label_smoothing, feature_dropout, lr, batch_size, epochs :
        See :func:`train_fasttext`.
    validation_fraction : float in (0, 1) or None, default 0.1
        Share of the training data held out for early stopping when ``fit``
        gets no ``eval_set``.
    patience, min_delta, progress, desc :
        See :func:`train_fasttext`.
    seed : int, default 0
        Seeds the initialisation, the shuffling and the validation split.

    Attributes
    ----------
    classes_ : numpy.ndarray
        The labels seen in ``fit``, sorted (``LabelEncoder.classes_``).
    vectorizer_ : the fitted vectorizer
    model_ : FastTextModel
        The trained model (best validation epoch).
    history_ : FitHistory

    Notes
    -----
    scikit-learn's estimator checks (:func:`sklearn.utils.estimator_checks.check_estimator`)
    feed numeric 2-D arrays, and this estimator's input is raw text; so its
    tags say ``input_tags.two_d_array=False, string=True`` (``check_estimator`` then
    skips it).  The test suite runs every check against it anyway; the
    API checks (cloning, ``get_params``/``set_params``, ``__init__`` only
    storing parameters, ``NotFittedError`` before ``fit``, tags, repr,
    pickling) pass, and the checks that do not apply are those that fit or
    predict on numeric arrays (they get a ``TypeError``: ``X[0] must be a
    str``), those that check ``n_features_in_`` (a text has no fixed number of
    features) and those that test ``sample_weight`` (not supported).
    ``tests/test_text.py`` lists each of them with its reason.

    Examples
    --------
    >>> texts = ["很好", "不错", "很差", "太差"] * 3
    >>> labels = ["pos", "pos", "neg", "neg"] * 3
    >>> clf = FastTextClassifier(embedding_dim=4, epochs=40, lr=0.1, patience=40, progress=False)
    >>> clf.fit(texts, labels, eval_set=(texts, labels)).predict(["很好", "太差"]).tolist()
    ['pos', 'neg']
    >>> clf.classes_.tolist()
    ['neg', 'pos']
    """

    def __init__(
        self,
        vectorizer=None,
        *,
        embedding_dim=32,
        sparse=True,
        label_smoothing=0.0,
        feature_dropout=0.0,
        lr=2e-3,
        batch_size=64,
        epochs=10,
        validation_fraction=0.1,
        patience=2,
        min_delta=0.0,
        seed=0,
        progress=True,
        desc="fastText",
    ):  # scikit-learn style: no annotations, __init__ only stores
        self.vectorizer = vectorizer
        self.embedding_dim = embedding_dim
        self.sparse = sparse
        self.label_smoothing = label_smoothing
        self.feature_dropout = feature_dropout
        self.lr = lr
        self.batch_size = batch_size
        self.epochs = epochs
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.min_delta = min_delta
        self.seed = seed
        self.progress = progress
        self.desc = desc

    def __sklearn_tags__(self):  # noqa: D105 - scikit-learn protocol
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.input_tags.sparse = False
        tags.non_deterministic = False
        return tags

    def _transform(self, texts: Any, name: str) -> sp.csr_matrix:
        X = self.vectorizer_.transform(check_texts(texts, name, allow_empty=False))
        return as_sparse_rows(X, f"vectorizer.transform({name})")

    def _encode(self, labels: Any, name: str, n: int, texts_name: str) -> np.ndarray:
        arr = as_labels(labels, name, n, texts_name)
        known = np.isin(arr, self.classes_)
        if not known.all():
            unknown = sorted({str(v) for v in arr[~known]})
            raise ValueError(
                f"{name} contains labels not seen in training: {unknown[:5]}"
                f"{' ...' if len(unknown) > 5 else ''}; the classes of the training labels (fit's y) are "
                f"{self.classes_.tolist()}"
            )
        return self._label_encoder.transform(arr)

    def fit(self, X: Any, y: Any, *, eval_set: tuple[Any, Any] | None = None) -> FastTextClassifier:
        """Train on texts ``X`` with labels ``y``, early-stopping on ``eval_set`` (or a held-out share).

        Parameters
        ----------
        X : sequence of str
        y : array-like, shape (len(X),)
            Class labels (at least two distinct).
        eval_set : (sequence of str, array-like), optional
            Validation texts and labels for early stopping; when given,
            ``validation_fraction`` is not used and all of ``X`` is trained on.

        Returns
        -------
        self
        """
        from sklearn.base import clone
        from sklearn.feature_extraction.text import CountVectorizer
        from sklearn.model_selection import train_test_split
        from sklearn.preprocessing import LabelEncoder

        for attr in ("classes_", "vectorizer_", "model_", "history_", "_label_encoder"):
            self.__dict__.pop(attr, None)
        vectorizer = self.vectorizer
        if vectorizer is None:
            vectorizer = CountVectorizer(analyzer="char", ngram_range=(1, 2))
        check_instance(vectorizer, "vectorizer", object,
                       what="a scikit-learn text vectorizer (with fit and transform)",
                       when=lambda v: hasattr(v, "fit") and hasattr(v, "transform"))
        embedding_dim = check_size(self.embedding_dim, "embedding_dim")
        sparse = check_bool(self.sparse, "sparse")
        fraction = self.validation_fraction
        if fraction is not None:
            fraction = check_number(fraction, "validation_fraction", low=0.0, high=1.0, low_open=True, high_open=True)
        seed = check_seed(self.seed)
        texts = check_texts(X, "X", allow_empty=False)
        labels = as_labels(y, "y", len(texts), "X")
        encoder = LabelEncoder().fit(labels)
        check_two_classes(encoder.classes_, "y")
        self.classes_, self._label_encoder = encoder.classes_, encoder
        codes = encoder.transform(labels)
        if eval_set is not None:
            check_instance(eval_set, "eval_set", (tuple, list), what="a pair (validation texts, validation labels)",
                           when=lambda e: len(e) == 2)
            val_texts = check_texts(eval_set[0], "eval_set[0]", allow_empty=False)
            val_codes = self._encode(eval_set[1], "eval_set[1]", len(val_texts), "eval_set[0]")
        elif fraction is not None:
            # a stratified split, seeded like the rest of the fit (MLPClassifier's early_stopping)
            split_seed = int(np.random.default_rng(seed).integers(2**32))
            try:
                train_idx, val_idx = train_test_split(
                    np.arange(len(texts)), test_size=fraction, random_state=split_seed, stratify=codes
                )
            except ValueError as exc:  # too few texts per class for a stratified hold-out
                raise ValueError(
                    f"validation_fraction={fraction:g} cannot hold out a stratified share of the {len(texts)} "
                    f"texts of X ({exc}); pass eval_set, or set validation_fraction=None"
                ) from None
            val_texts, val_codes = [texts[i] for i in val_idx], codes[val_idx]
            texts, codes = [texts[i] for i in train_idx], codes[train_idx]
        else:
            val_texts, val_codes = None, None
        self.vectorizer_ = clone(vectorizer).fit(texts, codes)
        Xtr = self._transform(texts, "X")
        Xva = None if val_texts is None else self._transform(val_texts, "eval_set[0]")
        model = FastTextModel(Xtr.shape[1], self.classes_.size, embedding_dim=embedding_dim, sparse=sparse, seed=seed)
        self.history_ = train_fasttext(
            model, Xtr, codes, Xva, val_codes,
            epochs=self.epochs, batch_size=self.batch_size, lr=self.lr,
            label_smoothing=self.label_smoothing, feature_dropout=self.feature_dropout, patience=self.patience,
            min_delta=self.min_delta, seed=seed, progress=self.progress, desc=self.desc,
        )  # fmt: skip
        self.model_ = model
        return self

    def predict_logits(self, X: Any) -> np.ndarray:
        """Logits, shape (n_texts, n_classes), columns in the order of ``classes_``."""
        check_is_fitted(self, "model_")
        return predict_logits(self.model_, self._transform(X, "X"))

    def predict_proba(self, X: Any, *, temperature: float = 1.0) -> np.ndarray:
        """Probabilities ``softmax(logits / temperature)``, columns in the order of ``classes_``."""
        check_is_fitted(self, "model_")
        return predict_proba(self.model_, self._transform(X, "X"), temperature=temperature)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable label of each text (one of ``classes_``)."""
        logits = self.predict_logits(X)
        return self.classes_[logits.argmax(axis=1)]
