r"""Entity-level precision, recall, F1 and support; token accuracy.

An entity counts as correct only if its span *and* its type match a gold
entity.  Per type :math:`c`, with :math:`TP_c` correct entities,
:math:`P_c` predicted and :math:`G_c` gold ones (the support),

.. math::

    \text{precision}_c = \frac{TP_c}{P_c},\qquad
    \text{recall}_c = \frac{TP_c}{G_c},\qquad
    F_{1,c} = \frac{2\,\text{precision}_c\,\text{recall}_c}{\text{precision}_c + \text{recall}_c},

with the conlleval zero-division convention: a ratio with a zero
denominator is 0, and :math:`F_1 = 0` when precision and recall are both 0
(seqeval's default ``zero_division="warn"`` gives the same numbers).  The
**micro** average pools the counts of all types, the **macro** average is
the unweighted mean over types and the **weighted** average weighs each type
by its support; the types are those occurring in the gold *or* the predicted
entities.  Unlike a token-level report, ``O`` is never a class here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import check_choice, check_int
from ._input import encode
from ._core import check_mode, conll_tables, run_machine, strict_arrays, stream

__all__ = [
    "EntityScores",
    "entity_scores",
    "precision_recall_fscore_support",
    "f1_score",
    "classification_report",
    "token_accuracy",
]

_AVERAGES = (None, "micro", "macro", "weighted")


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    out = np.zeros(np.broadcast(num, den).shape)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _f1(p: np.ndarray, r: np.ndarray) -> np.ndarray:
    return _ratio(2 * p * r, p + r)


@dataclass(frozen=True)
class EntityScores:
    """Entity counts per type and the scores derived from them.

    Attributes
    ----------
    types : tuple of str
        Entity types, sorted (those occurring in gold or prediction).
    tp, n_pred, n_true : numpy.ndarray of int64
        Correct, predicted and gold entities per type (``n_true`` is the
        support).
    n_tokens, n_correct_tokens : int
        Tokens, and tokens whose tags agree (see :func:`token_accuracy`).
    mode : str
        ``"conlleval"`` or ``"strict"``.
    """

    types: tuple[str, ...]
    tp: np.ndarray
    n_pred: np.ndarray
    n_true: np.ndarray
    n_tokens: int
    n_correct_tokens: int
    mode: str

    @property
    def precision(self) -> np.ndarray:
        """Per-type precision (0 where nothing was predicted)."""
        return _ratio(self.tp, self.n_pred)

    @property
    def recall(self) -> np.ndarray:
        """Per-type recall (0 where there is no gold entity)."""
        return _ratio(self.tp, self.n_true)

    @property
    def f1(self) -> np.ndarray:
        """Per-type F1."""
        return _f1(self.precision, self.recall)

    @property
    def support(self) -> np.ndarray:
        """Gold entities per type."""
        return self.n_true

    @property
    def accuracy(self) -> float:
        """Token accuracy (fraction of tokens whose tags agree)."""
        return self.n_correct_tokens / self.n_tokens if self.n_tokens else 0.0

    def average(self, average: str) -> tuple[float, float, float, int]:
        """``(precision, recall, f1, support)`` averaged as ``"micro"``, ``"macro"`` or ``"weighted"``."""
        average = check_choice(average, "average", _AVERAGES[1:])
        support = int(self.n_true.sum())
        if average == "micro":
            p = float(_ratio(self.tp.sum(), self.n_pred.sum()))
            r = float(_ratio(self.tp.sum(), support))
            return p, r, float(_f1(np.float64(p), np.float64(r))), support
        if not self.types:
            return 0.0, 0.0, 0.0, support
        if average == "macro":
            w = np.full(len(self.types), 1.0 / len(self.types))
        else:
            w = self.n_true / support if support else np.zeros(len(self.types))
        return (
            float(np.dot(w, self.precision)),
            float(np.dot(w, self.recall)),
            float(np.dot(w, self.f1)),
            support,
        )

    def to_dict(self) -> dict[str, dict[str, float]]:
        """Per-type and averaged scores, keyed like seqeval's ``output_dict`` report."""
        out: dict[str, dict[str, float]] = {}
        for k, t in enumerate(self.types):
            out[t] = {
                "precision": float(self.precision[k]),
                "recall": float(self.recall[k]),
                "f1-score": float(self.f1[k]),
                "support": int(self.n_true[k]),
            }
        for avg in ("micro", "macro", "weighted"):
            p, r, f, s = self.average(avg)
            out[f"{avg} avg"] = {"precision": p, "recall": r, "f1-score": f, "support": s}
        return out

    def report(self, *, digits: int = 3) -> str:
        """A plain-text table: one row per type, then the three averages."""
        digits = check_int(digits, "digits", low=0, high=100)
        rows = self.to_dict()
        width = max([len(k) for k in rows] + [12])
        head = f"{'':>{width}}  {'precision':>9}  {'recall':>9}  {'f1-score':>9}  {'support':>7}\n\n"
        lines = [head]
        for k, v in rows.items():
            if k == "micro avg":
                lines.append("\n")
            lines.append(
                f"{k:>{width}}  {v['precision']:>9.{digits}f}  {v['recall']:>9.{digits}f}  "
                f"{v['f1-score']:>9.{digits}f}  {v['support']:>7d}\n"
            )
        return "".join(lines)


def _scores(y_true: Any, y_pred: Any, mode: str, scheme: str | None) -> EntityScores:
    enc = encode([("y_true", y_true), ("y_pred", y_pred)])
    if mode == "conlleval":
        tables = conll_tables(enc.vocab)
        _, ts, ps = stream(enc, tables)
        tt, pt = tables.type_id[ts], tables.type_id[ps]
        m = run_machine(tables.category[ts], tt, tables.category[ps], pt)
        names = tables.types  # sorted
        true_types, pred_types, correct_types = tt[m.start_true], pt[m.start_pred], m.correct_types
        key = tables.key
        n_ok = int(np.count_nonzero(key[enc.codes[0]] == key[enc.codes[1]]))
    else:
        assert scheme is not None
        arrays, names = strict_arrays(enc, scheme)
        (g_first, g_stop, true_types), (p_first, p_stop, pred_types) = arrays
        # one integer key per entity: (start, end, type) in the flat token index
        width, k = np.int64(enc.n_tokens + 1), len(names)
        g_key = (g_first.astype(np.int64) * width + g_stop) * k + true_types
        p_key = (p_first.astype(np.int64) * width + p_stop) * k + pred_types
        correct_types = pred_types[np.isin(p_key, g_key)]
        n_ok = int(np.count_nonzero(enc.codes[0] == enc.codes[1]))
    counts = [np.bincount(t, minlength=len(names)).astype(np.int64) for t in (correct_types, pred_types, true_types)]
    keep = np.flatnonzero((counts[0] > 0) | (counts[1] > 0) | (counts[2] > 0))
    order = keep[np.argsort([names[i] for i in keep], kind="stable")]
    tp, n_pred, n_true = (c[order] for c in counts)
    return EntityScores(tuple(names[i] for i in order), tp, n_pred, n_true, enc.n_tokens, n_ok, mode)


def entity_scores(
    y_true: Any, y_pred: Any, *, mode: str = "conlleval", scheme: str | None = None
) -> EntityScores:
    r"""Entity-level counts and scores of a tagged corpus.

    Parameters
    ----------
    y_true, y_pred : sequence of str, or sequence of sequences of str
        Gold and predicted tags, one sentence or a corpus of the same shape.
    mode : {"conlleval", "strict"}
        How entities are read (see :mod:`xentbook.ner.chunks`).  In
        conlleval mode the correct entities are counted by the script's
        token-by-token rule, so the numbers equal the script's report.
    scheme : str, optional
        The tagging scheme, required with ``mode="strict"``.

    Returns
    -------
    EntityScores

    Examples
    --------
    >>> s = entity_scores([["B-PER", "I-PER", "O"], ["B-LOC"]], [["B-PER", "I-PER", "O"], ["B-ORG"]])
    >>> s.types, s.tp.tolist(), s.n_pred.tolist(), s.n_true.tolist()
    (('LOC', 'ORG', 'PER'), [0, 0, 1], [0, 1, 1], [1, 0, 1])
    >>> s.average("micro")
    (0.5, 0.5, 0.5, 2)
    """
    mode, scheme = check_mode(mode, scheme)
    return _scores(y_true, y_pred, mode, scheme)


def precision_recall_fscore_support(
    y_true: Any,
    y_pred: Any,
    *,
    average: str | None = None,
    mode: str = "conlleval",
    scheme: str | None = None,
) -> tuple[Any, Any, Any, Any]:
    """Entity-level precision, recall, F1 and support, like seqeval's function.

    Parameters
    ----------
    y_true, y_pred, mode, scheme
        See :func:`entity_scores`.
    average : {None, "micro", "macro", "weighted"}
        ``None`` returns one value per type (types sorted).

    Returns
    -------
    precision, recall, f1, support
        Arrays over the types if ``average`` is None, else floats and an int.

    Examples
    --------
    >>> precision_recall_fscore_support(["B-PER", "O", "B-LOC"], ["B-PER", "O", "O"], average="macro")
    (0.5, 0.5, 0.5, 2)
    """
    if average is not None:
        check_choice(average, "average", _AVERAGES[1:])
    s = entity_scores(y_true, y_pred, mode=mode, scheme=scheme)
    if average is None:
        return s.precision, s.recall, s.f1, s.n_true
    return s.average(average)


def f1_score(
    y_true: Any,
    y_pred: Any,
    *,
    average: str = "micro",
    mode: str = "conlleval",
    scheme: str | None = None,
) -> float:
    r"""Entity-level F1 (micro-averaged by default).

    With pooled counts (micro average) :math:`TP`, :math:`P` predicted and
    :math:`G` gold entities,

    .. math:: F_1 = \frac{2\,TP}{P + G}

    (0 when :math:`P + G = 0`); see :func:`precision_recall_fscore_support`
    for the other averages and the parameters.

    Examples
    --------
    >>> f1_score(["B-PER", "I-PER", "O"], ["B-PER", "O", "O"])
    0.0
    >>> f1_score(["B-PER", "I-PER", "O"], ["B-PER", "I-PER", "O"])
    1.0
    """
    average = check_choice(average, "average", _AVERAGES[1:])
    return precision_recall_fscore_support(y_true, y_pred, average=average, mode=mode, scheme=scheme)[2]


def classification_report(
    y_true: Any,
    y_pred: Any,
    *,
    digits: int = 3,
    mode: str = "conlleval",
    scheme: str | None = None,
) -> str:
    """A text table of entity-level scores per type and averaged.

    Examples
    --------
    >>> print(classification_report(["B-PER", "O", "B-LOC"], ["B-PER", "O", "O"]))
                  precision     recall   f1-score  support
    <BLANKLINE>
             LOC      0.000      0.000      0.000        1
             PER      1.000      1.000      1.000        1
    <BLANKLINE>
       micro avg      1.000      0.500      0.667        2
       macro avg      0.500      0.500      0.500        2
    weighted avg      0.500      0.500      0.500        2
    <BLANKLINE>
    """
    return entity_scores(y_true, y_pred, mode=mode, scheme=scheme).report(digits=digits)


def token_accuracy(y_true: Any, y_pred: Any) -> float:
    r"""Fraction of tokens whose predicted tag equals the gold tag.

    .. math:: \text{accuracy} = \frac{1}{n}\sum_{i=1}^n [t_i = \hat t_i]

    ``O`` tokens count like any other, which is why this number is high
    even for a tagger that finds few entities.  (The accuracy line of the
    conlleval report compares prefix and type after the script's parsing;
    :attr:`EntityScores.accuracy` in conlleval mode does the same.)

    Examples
    --------
    >>> token_accuracy(["O", "O", "O", "B-PER"], ["O", "O", "O", "O"])
    0.75
    """
    enc = encode([("y_true", y_true), ("y_pred", y_pred)])
    return float(np.count_nonzero(enc.codes[0] == enc.codes[1]) / enc.n_tokens)
