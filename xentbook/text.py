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
* :class:`FastTextClassifier`, a scikit-learn-style estimator that does the
  bookkeeping (texts in, arbitrary labels in, input checks at the door).

This module needs ``torch`` and ``tqdm``; it is not imported by
``import xentbook``.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, NamedTuple

import numpy as np
import scipy.sparse as sp
import torch
import torch.nn.functional as F
from torch import nn
from tqdm import tqdm

from ._validation import check_size, check_seed, check_number, check_size_product, check_finite, as_int_array, check_bool  # noqa: F401
from ._validation import check_positive, check_probability

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


def _check_int(value: Any, name: str, *, minimum: int) -> int:
    return check_size(value, name, low=minimum)


def _check_sparse(X: Any, name: str) -> sp.csr_matrix:
    """Return ``X`` as a canonical float CSR matrix, or raise a clear error."""
    if not sp.issparse(X):
        raise TypeError(
            f"{name} must be a scipy.sparse matrix (what a fitted scikit-learn vectorizer's "
            f"transform returns), got {type(X).__name__}"
        )
    if X.ndim != 2:  # scipy sparse arrays (not matrices) may be 1-D
        raise ValueError(f"{name} must be 2-D, got {X.ndim} dimension(s)")
    if X.shape[0] == 0:
        raise ValueError(f"{name} has no rows")
    if X.shape[1] == 0:
        raise ValueError(f"{name} has no columns (an empty vocabulary?)")
    if X.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {X.dtype}")
    X = sp.csr_matrix(X, dtype=np.float64 if X.dtype.kind != "f" else X.dtype)
    if not np.all(np.isfinite(X.data)):
        raise ValueError(f"{name} must be finite, but it contains NaN or an infinite value")
    if X.data.size and np.abs(X.data).max() > np.finfo(np.float32).max:
        raise ValueError(f"{name} has values too large for the model's float32 arithmetic")
    return X


def _check_targets(y: Any, name: str, n_rows: int, rows_name: str, num_classes: int) -> np.ndarray:
    """Class indices: 1-D integers in ``[0, num_classes)``, one per row."""
    arr = np.asarray(y)
    if arr.dtype == object or arr.dtype.kind not in "biu":
        raise TypeError(f"{name} must hold integer class indices, got dtype {arr.dtype}")
    if arr.dtype.kind == "b":
        arr = arr.astype(np.int64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if arr.shape[0] != n_rows:
        raise ValueError(
            f"{name} has {arr.shape[0]} labels but {rows_name} has {n_rows} rows; they must match"
        )
    if arr.size and (arr.min() < 0 or arr.max() >= num_classes):
        bad = arr[(arr < 0) | (arr >= num_classes)][0]
        raise ValueError(
            f"{name} must hold class indices in [0, {num_classes}) for a model with "
            f"{num_classes} classes, found {bad}"
        )
    return arr.astype(np.int64)


def _check_model(model: Any) -> FastTextModel:
    if not isinstance(model, FastTextModel):
        raise TypeError(f"model must be a FastTextModel, got {type(model).__name__}")
    return model


def _check_features(X: sp.csr_matrix, name: str, model: FastTextModel) -> None:
    if X.shape[1] != model.num_features:
        raise ValueError(
            f"{name} has {X.shape[1]} columns but the model was built for "
            f"{model.num_features} features; use the same fitted vectorizer"
        )


def _check_texts(texts: Any, name: str) -> list[str]:
    if isinstance(texts, (str, bytes)):
        raise TypeError(f"{name} must be a sequence of strings, not a single {type(texts).__name__}")
    if not isinstance(texts, Iterable):
        raise TypeError(f"{name} must be a sequence of strings, got {type(texts).__name__}")
    out = list(texts)
    if not out:
        raise ValueError(f"{name} is empty; give at least one text")
    for i, t in enumerate(out):
        if not isinstance(t, str):
            raise TypeError(f"{name}[{i}] must be a str, got {type(t).__name__}")
    return out


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
    X = _check_sparse(X, "X").copy()
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
        when not given).  Any integers are accepted here (no range check).
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
    X = _check_sparse(X, "X")
    n = X.shape[0]
    batch_size = _check_int(batch_size, "batch_size", minimum=1)
    targets = None
    if y is not None:
        arr = np.asarray(y)
        if arr.dtype == object or arr.dtype.kind not in "biu":
            raise TypeError(f"y must hold integer class indices, got dtype {arr.dtype}")
        if arr.ndim != 1 or arr.shape[0] != n:
            raise ValueError(f"y must be 1-D with one label per row of X ({n}), got shape {arr.shape}")
        targets = torch.from_numpy(arr.astype(np.int64))
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
    num_features : int
        Vocabulary size :math:`V` (columns of the vectorizer's output).
    num_classes : int
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
    >>> model = FastTextModel(num_features=5, num_classes=3, embedding_dim=4, seed=0)
    >>> logits = model(torch.tensor([0, 2, 4]), torch.tensor([0, 2]), torch.tensor([1.0, 1.0, 0.5]))
    >>> tuple(logits.shape)
    (2, 3)
    """

    def __init__(
        self,
        num_features: int,
        num_classes: int,
        embedding_dim: int = 32,
        *,
        sparse: bool = True,
        seed: int | None = None,
    ) -> None:
        super().__init__()
        self.num_features = _check_int(num_features, "num_features", minimum=1)
        self.num_classes = _check_int(num_classes, "num_classes", minimum=2)
        self.embedding_dim = _check_int(embedding_dim, "embedding_dim", minimum=1)
        if not isinstance(sparse, bool):
            raise TypeError(f"sparse must be a bool, got {type(sparse).__name__}")
        check_size_product("num_features * embedding_dim", self.num_features, self.embedding_dim)
        check_size_product("num_classes * embedding_dim", self.num_classes, self.embedding_dim)
        seed = check_seed(seed, allow_none=True)
        # skip_init: the default initialisers would draw from the global RNG; ours follow below.
        self.embedding = nn.utils.skip_init(
            nn.EmbeddingBag, self.num_features, self.embedding_dim, mode="sum", sparse=sparse
        )
        self.linear = nn.utils.skip_init(nn.Linear, self.embedding_dim, self.num_classes)
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
        """Logits, shape (n_bags, num_classes); the arguments are those of a :class:`BagBatch`."""
        for t, name in ((indices, "indices"), (offsets, "offsets")):
            if not isinstance(t, torch.Tensor) or t.dtype not in (torch.int64, torch.int32):
                raise TypeError(f"{name} must be an int64 or int32 tensor, got {getattr(t, 'dtype', type(t).__name__)}")
            if t.ndim != 1:
                raise ValueError(f"{name} must be 1-D, got shape {tuple(t.shape)}")
        if indices.numel() and (int(indices.min()) < 0 or int(indices.max()) >= self.num_features):
            raise ValueError(f"indices must lie in [0, num_features = {self.num_features})")
        if offsets.numel() == 0 or int(offsets[0]) != 0 or bool((offsets[1:] < offsets[:-1]).any()) or int(offsets[-1]) > indices.numel():
            raise ValueError("offsets must start at 0, be non-decreasing and not exceed len(indices)")
        if per_sample_weights is not None:
            if not isinstance(per_sample_weights, torch.Tensor) or not per_sample_weights.is_floating_point():
                raise TypeError(f"per_sample_weights must be a floating-point tensor or None, got {getattr(per_sample_weights, 'dtype', type(per_sample_weights).__name__)}")
            if per_sample_weights.shape != indices.shape:
                raise ValueError(f"per_sample_weights must have the shape of indices {tuple(indices.shape)}, got {tuple(per_sample_weights.shape)}")
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
    """Validation cross-entropy (NLL, never smoothed) after the epoch."""
    val_accuracy: list[float] = field(default_factory=list)
    """Validation accuracy after the epoch."""
    best_epoch: int = -1
    """0-based index of the epoch whose weights were restored."""
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
    X_val: Any,
    y_val: Any,
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
    weights (and is in eval mode).

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
    X_train, X_val : scipy.sparse matrix, shape (n, model.num_features)
        Rows from the same fitted vectorizer.
    y_train, y_val : array-like of int
        Class indices in ``[0, model.num_classes)``.
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
    Xtr = _check_sparse(X_train, "X_train")
    Xva = _check_sparse(X_val, "X_val")
    _check_features(Xtr, "X_train", model)
    _check_features(Xva, "X_val", model)
    ytr = _check_targets(y_train, "y_train", Xtr.shape[0], "X_train", model.num_classes)
    yva = _check_targets(y_val, "y_val", Xva.shape[0], "X_val", model.num_classes)
    epochs = _check_int(epochs, "epochs", minimum=1)
    batch_size = _check_int(batch_size, "batch_size", minimum=1)
    lr = check_positive(lr, "lr")
    label_smoothing = check_probability(label_smoothing, "label_smoothing", closed_right=False)
    feature_dropout = check_probability(feature_dropout, "feature_dropout", closed_right=False)
    patience = _check_int(patience, "patience", minimum=1)
    min_delta = check_positive(min_delta, "min_delta", allow_zero=True)
    seed = check_seed(seed)
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be a bool, got {type(progress).__name__}")
    if not isinstance(desc, str):
        raise TypeError(f"desc must be a str, got {type(desc).__name__}")

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
            val_loss, val_acc = _mean_val(model, val_bag, val_y)
            history.train_loss.append(total / count)
            history.val_loss.append(val_loss)
            history.val_accuracy.append(val_acc)
            if val_loss < best_loss - min_delta:
                best_loss, waited = val_loss, 0
                history.best_epoch = epoch
                best_state = copy.deepcopy(model.state_dict())
            else:
                waited += 1
            bar.set_postfix_str(
                f"train {total / count:.3f}  val NLL {val_loss:.3f}  val acc {val_acc:.3f}", refresh=False
            )
            bar.update(1)
            if waited >= patience:
                history.stopped_early = epoch < epochs - 1
                break
    finally:
        bar.close()
    if best_state is None:
        raise ValueError(
            "training diverged: the validation loss was never finite; lower lr (or rescale X_train)"
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
    X : scipy.sparse matrix, shape (n, model.num_features)
    batch_size : int, default 8192
        Rows per forward pass (memory only; results agree up to float32 rounding).

    Returns
    -------
    numpy.ndarray, shape (n, model.num_classes)

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> model = FastTextModel(4, 2, embedding_dim=3, seed=0)
    >>> predict_logits(model, sp.csr_matrix((5, 4))).tolist()[0]  # empty bags: the bias, 0
    [0.0, 0.0]
    """
    model = _check_model(model)
    X = _check_sparse(X, "X")
    _check_features(X, "X", model)
    batch_size = _check_int(batch_size, "batch_size", minimum=1)
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
    X : scipy.sparse matrix, shape (n, model.num_features)
    temperature : float > 0, default 1
        :math:`T` of temperature scaling (Guo et al., 2017); :math:`T > 1`
        softens, :math:`T < 1` sharpens, the argmax never changes.
    batch_size : int, default 8192

    Returns
    -------
    numpy.ndarray, shape (n, model.num_classes), rows summing to 1.

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


class FastTextClassifier:
    r"""Texts and labels in, probabilities out: a fitted vectorizer + :class:`FastTextModel`.

    The vectorizer (a *fitted* scikit-learn ``CountVectorizer`` /
    ``TfidfVectorizer`` or anything with ``transform`` returning sparse rows)
    is used as is, so the torch model sees the very features the scikit-learn
    baselines were trained on.  Labels may be any sortable values; they are
    encoded as indices into ``classes_`` (sorted, as in scikit-learn).

    Parameters
    ----------
    vectorizer : fitted scikit-learn vectorizer
    embedding_dim, sparse :
        See :class:`FastTextModel`.
    epochs, batch_size, lr, label_smoothing, feature_dropout, patience, min_delta, progress, desc :
        See :func:`train_fasttext`.
    seed : int, default 0
        Seeds both the initialisation and the shuffling.

    Attributes
    ----------
    classes_ : numpy.ndarray
        The labels seen in ``fit``, sorted.
    model_ : FastTextModel
        The trained model (best validation epoch).
    history_ : FitHistory

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> texts = ["很好", "不错", "很差", "太差"] * 3
    >>> labels = ["pos", "pos", "neg", "neg"] * 3
    >>> vec = CountVectorizer(analyzer="char").fit(texts)
    >>> clf = FastTextClassifier(vec, embedding_dim=4, epochs=40, lr=0.1, patience=40, progress=False)
    >>> clf.fit(texts, labels, texts, labels).predict(["很好", "太差"]).tolist()
    ['pos', 'neg']
    >>> clf.classes_.tolist()
    ['neg', 'pos']
    """

    def __init__(
        self,
        vectorizer: Any,
        *,
        embedding_dim: int = 32,
        sparse: bool = True,
        epochs: int = 10,
        batch_size: int = 64,
        lr: float = 2e-3,
        label_smoothing: float = 0.0,
        feature_dropout: float = 0.0,
        patience: int = 2,
        min_delta: float = 0.0,
        seed: int = 0,
        progress: bool = True,
        desc: str = "fastText",
    ) -> None:
        if not hasattr(vectorizer, "transform"):
            raise TypeError(
                f"vectorizer must be a fitted scikit-learn vectorizer with a transform method, "
                f"got {type(vectorizer).__name__}"
            )
        self.vectorizer = vectorizer
        self.embedding_dim = embedding_dim
        self.sparse = sparse
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.label_smoothing = label_smoothing
        self.feature_dropout = feature_dropout
        self.patience = patience
        self.min_delta = min_delta
        self.seed = seed
        self.progress = progress
        self.desc = desc

    def _transform(self, texts: Any, name: str) -> sp.csr_matrix:
        texts = _check_texts(texts, name)
        try:
            X = self.vectorizer.transform(texts)
        except Exception as exc:
            from sklearn.exceptions import NotFittedError

            if isinstance(exc, NotFittedError):
                raise ValueError(
                    "vectorizer is not fitted; fit it on the training texts first "
                    "(the same fitted vectorizer then feeds every model)"
                ) from exc
            raise
        return _check_sparse(X, f"vectorizer.transform({name})")

    def _encode(self, labels: Any, name: str, n: int, texts_name: str) -> np.ndarray:
        if isinstance(labels, (str, bytes)):
            raise TypeError(f"{name} must be a sequence of labels, not a single {type(labels).__name__}")
        arr = np.asarray(list(labels) if not isinstance(labels, np.ndarray) else labels)
        if arr.ndim != 1:
            raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
        if arr.shape[0] != n:
            raise ValueError(f"{name} has {arr.shape[0]} labels but {texts_name} has {n} texts; they must match")
        if not hasattr(self, "classes_"):  # fitting: this defines the classes
            return arr
        known = np.isin(arr, self.classes_)
        if not known.all():
            unknown = sorted({str(v) for v in arr[~known]})
            raise ValueError(
                f"{name} contains labels not seen in training: {unknown[:5]}"
                f"{' ...' if len(unknown) > 5 else ''}; known classes are {self.classes_.tolist()}"
            )
        return np.searchsorted(self.classes_, arr)

    def fit(self, texts: Any, labels: Any, val_texts: Any, val_labels: Any) -> FastTextClassifier:
        """Train on (``texts``, ``labels``), early-stopping on (``val_texts``, ``val_labels``)."""
        for attr in ("classes_", "model_", "history_"):
            self.__dict__.pop(attr, None)
        X = self._transform(texts, "texts")
        raw = self._encode(labels, "labels", X.shape[0], "texts")
        if raw.dtype == object:
            try:
                sorted(set(raw.tolist()))
            except TypeError as exc:
                raise TypeError(f"labels must be mutually comparable (sortable): {exc}") from exc
        classes = np.unique(raw)
        if classes.size < 2:
            raise ValueError(f"labels must contain at least 2 classes, got {classes.tolist()}")
        self.classes_ = classes
        y = np.searchsorted(classes, raw)
        Xv = self._transform(val_texts, "val_texts")
        yv = self._encode(val_labels, "val_labels", Xv.shape[0], "val_texts")
        model = FastTextModel(
            X.shape[1], classes.size, self.embedding_dim, sparse=self.sparse, seed=self.seed
        )
        self.history_ = train_fasttext(
            model, X, y, Xv, yv,
            epochs=self.epochs, batch_size=self.batch_size, lr=self.lr,
            label_smoothing=self.label_smoothing, feature_dropout=self.feature_dropout, patience=self.patience,
            min_delta=self.min_delta, seed=self.seed, progress=self.progress, desc=self.desc,
        )  # fmt: skip
        self.model_ = model
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise ValueError("this FastTextClassifier is not fitted yet; call fit first")

    def predict_logits(self, texts: Any) -> np.ndarray:
        """Logits, shape (n_texts, n_classes), columns in the order of ``classes_``."""
        self._check_fitted()
        return predict_logits(self.model_, self._transform(texts, "texts"))

    def predict_proba(self, texts: Any, *, temperature: float = 1.0) -> np.ndarray:
        """Probabilities ``softmax(logits / temperature)``, columns in the order of ``classes_``."""
        self._check_fitted()
        return predict_proba(self.model_, self._transform(texts, "texts"), temperature=temperature)

    def predict(self, texts: Any) -> np.ndarray:
        """The most probable label of each text."""
        self._check_fitted()
        return self.classes_[self.predict_logits(texts).argmax(axis=1)]
