r"""Partial-match evaluation (SemEval-2013 task 9.1) and an error breakdown.

Exact entity matching gives no credit to a prediction with a boundary off by
one token.  The SemEval-2013 drug-NER evaluation (as implemented by the
``nervaluate`` package) scores four scenarios.  Within each sentence the
predictions are taken in order of position and each is matched to at most
one gold entity not matched yet:

``strict``  correct if an unmatched gold entity has the same span and type;
            otherwise *incorrect* if it overlaps an unmatched gold entity
            (the first one);
``exact``   correct if an unmatched gold entity has the same span, whatever
            the type; otherwise *incorrect* on overlap;
``partial`` correct on the same span (any type); otherwise *partial* on
            overlap;
``type``    correct if it overlaps an unmatched gold entity of the same type
            (the closest by :math:`|\Delta\text{start}| + |\Delta\text{end}|`);
            otherwise *incorrect* if it overlaps one of another type
            (nervaluate calls this scenario ``ent_type``).

A prediction matching nothing is *spurious*; a gold entity left unmatched is
*missed*.  With :math:`COR, INC, PAR, MIS, SPU` the counts,
:math:`ACT = COR + INC + PAR + SPU` predictions and
:math:`POS = COR + INC + PAR + MIS` gold entities,

.. math::

    \text{precision} = \frac{COR + \tfrac12 PAR}{ACT},\qquad
    \text{recall} = \frac{COR + \tfrac12 PAR}{POS}

(:math:`PAR = 0` except in ``partial``; a zero denominator gives 0).  Per
type, the four scenarios are run on the entities of that type alone.  Two
spans overlap when they share at least one token (nervaluate's default
minimum overlap of 1 % of the gold span is the same for entities shorter
than 100 tokens).

:func:`error_breakdown` classifies every prediction that is not exactly
right, and every gold entity that nothing touches:

* ``wrong_type`` -- the span of a gold entity, another type;
* ``wrong_boundary`` -- overlaps a gold entity of its type, other span;
* ``wrong_type_and_boundary`` -- overlaps only gold entities of other types
  (and none with its span);
* ``spurious`` -- overlaps no gold entity;
* ``missed`` -- a gold entity that no prediction overlaps.

The predictions therefore split as ``correct + wrong_type + wrong_boundary +
wrong_type_and_boundary + spurious``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._input import encode
from ._core import check_mode, entities_encoded
from .chunks import Entity

__all__ = [
    "SCENARIOS",
    "SemEvalResult",
    "semeval_scores",
    "ERROR_KINDS",
    "ErrorRecord",
    "error_breakdown",
]

#: The SemEval-2013 scenarios, in nervaluate's order.
SCENARIOS = ("strict", "exact", "partial", "type")

#: The categories of :func:`error_breakdown`.
ERROR_KINDS = ("missed", "spurious", "wrong_type", "wrong_boundary", "wrong_type_and_boundary")


@dataclass(frozen=True)
class SemEvalResult:
    """Counts and scores of one SemEval scenario.

    Attributes
    ----------
    correct, incorrect, partial, missed, spurious : int
        The five outcome counts.
    """

    correct: int = 0
    incorrect: int = 0
    partial: int = 0
    missed: int = 0
    spurious: int = 0

    @property
    def actual(self) -> int:
        """The number of predicted entities, ``correct + incorrect + partial + spurious``."""
        return self.correct + self.incorrect + self.partial + self.spurious

    @property
    def possible(self) -> int:
        """The number of gold entities, ``correct + incorrect + partial + missed``."""
        return self.correct + self.incorrect + self.partial + self.missed

    @property
    def precision(self) -> float:
        """``(correct + partial / 2) / actual`` (0 if nothing was predicted)."""
        return (self.correct + 0.5 * self.partial) / self.actual if self.actual else 0.0

    @property
    def recall(self) -> float:
        """``(correct + partial / 2) / possible`` (0 without gold entities)."""
        return (self.correct + 0.5 * self.partial) / self.possible if self.possible else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall (0 if both are 0)."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r > 0 else 0.0

    def __add__(self, other: "SemEvalResult") -> "SemEvalResult":
        return SemEvalResult(
            self.correct + other.correct,
            self.incorrect + other.incorrect,
            self.partial + other.partial,
            self.missed + other.missed,
            self.spurious + other.spurious,
        )


def _overlap(a: Entity, b: Entity) -> bool:
    return a.start < b.end and b.start < a.end


def _match(gold: list[Entity], pred: list[Entity], scenario: str) -> SemEvalResult:
    """One sentence, one scenario: greedy one-to-one matching in prediction order."""
    used = [False] * len(gold)
    cor = inc = par = spu = 0
    for p in pred:
        hit = None
        fallback = None
        best = None
        for k, g in enumerate(gold):
            if used[k]:
                continue
            if scenario == "type":
                if _overlap(p, g):
                    if p.type == g.type:
                        d = abs(p.start - g.start) + abs(p.end - g.end)
                        if best is None or d < best:
                            best, hit = d, k
                    elif fallback is None:
                        fallback = k
                continue
            same_span = p.start == g.start and p.end == g.end
            if same_span and (scenario != "strict" or p.type == g.type):
                hit = k
                break
            if fallback is None and _overlap(p, g):
                fallback = k
        if hit is not None:
            used[hit] = True
            cor += 1
        elif fallback is not None:
            used[fallback] = True
            if scenario == "partial":
                par += 1
            else:
                inc += 1
        else:
            spu += 1
    return SemEvalResult(cor, inc, par, used.count(False), spu)


def _by_sentence(ents: list[Entity], n: int) -> list[list[Entity]]:
    out: list[list[Entity]] = [[] for _ in range(n)]
    for e in ents:
        out[e.sentence].append(e)
    for lst in out:
        lst.sort(key=lambda e: (e.start, e.end, e.type))
    return out


def _pairs(y_true: Any, y_pred: Any, mode: str, scheme: str | None) -> tuple[list[list[Entity]], list[list[Entity]]]:
    mode, scheme = check_mode(mode, scheme)
    enc = encode([("y_true", y_true), ("y_pred", y_pred)])
    gold, pred = entities_encoded(enc, mode, scheme, Entity)
    return _by_sentence(gold, enc.n_sentences), _by_sentence(pred, enc.n_sentences)


def semeval_scores(
    y_true: Any, y_pred: Any, *, mode: str = "conlleval", scheme: str | None = None
) -> dict[str, Any]:
    r"""SemEval-2013 strict / exact / partial / type evaluation of a tagged corpus.

    Parameters
    ----------
    y_true, y_pred : sequence of str, or sequence of sequences of str
        Gold and predicted tags (one sentence or a corpus of the same shape).
    mode, scheme
        How entities are read (see :func:`xentbook.ner.get_entities`).

    Returns
    -------
    dict
        ``{"overall": {scenario: SemEvalResult}, "per_type": {type: {scenario:
        SemEvalResult}}}`` with scenarios :data:`SCENARIOS`; the matching
        rules and formulas are in the module docstring.

    Examples
    --------
    >>> r = semeval_scores(["B-PER", "I-PER", "O", "B-LOC"], ["B-PER", "O", "O", "B-ORG"])
    >>> r["overall"]["strict"]
    SemEvalResult(correct=0, incorrect=2, partial=0, missed=0, spurious=0)
    >>> r["overall"]["partial"].precision
    0.75
    >>> r["overall"]["type"]
    SemEvalResult(correct=1, incorrect=1, partial=0, missed=0, spurious=0)
    """
    gold, pred = _pairs(y_true, y_pred, mode, scheme)
    types = sorted({e.type for s in gold + pred for e in s})
    overall = {sc: SemEvalResult() for sc in SCENARIOS}
    per_type = {t: {sc: SemEvalResult() for sc in SCENARIOS} for t in types}
    for g, p in zip(gold, pred):
        if not g and not p:
            continue
        for sc in SCENARIOS:
            overall[sc] = overall[sc] + _match(g, p, sc)
        for t in {e.type for e in g} | {e.type for e in p}:
            gt = [e for e in g if e.type == t]
            pt = [e for e in p if e.type == t]
            for sc in SCENARIOS:
                per_type[t][sc] = per_type[t][sc] + _match(gt, pt, sc)
    return {"overall": overall, "per_type": per_type}


@dataclass(frozen=True)
class ErrorRecord:
    """One error of :func:`error_breakdown`.

    ``kind`` is one of :data:`ERROR_KINDS`; ``pred`` is the predicted entity
    (None for ``missed``), ``gold`` the gold entity it is compared with (None
    for ``spurious``; for the ``wrong_*`` kinds the first overlapping gold
    entity of the deciding kind).
    """

    kind: str
    pred: Entity | None
    gold: Entity | None

    @property
    def type(self) -> str:
        """The entity type the error is filed under (the predicted type, or the gold type if missed)."""
        return self.pred.type if self.pred is not None else self.gold.type  # type: ignore[union-attr]


def error_breakdown(
    y_true: Any, y_pred: Any, *, mode: str = "conlleval", scheme: str | None = None
) -> dict[str, Any]:
    """Classify the errors of a tagger: missed, spurious, wrong type, wrong boundary.

    Parameters
    ----------
    y_true, y_pred, mode, scheme
        As for :func:`semeval_scores`.

    Returns
    -------
    dict
        ``"counts"``: ``{kind: int}`` for every kind of :data:`ERROR_KINDS`
        plus ``"correct"``; ``"per_type"``: ``{type: {kind: int}}`` (errors
        filed under :attr:`ErrorRecord.type`); ``"records"``: the list of
        :class:`ErrorRecord`.

    Examples
    --------
    >>> gold = ["B-PER", "I-PER", "O", "B-LOC", "O", "B-ORG"]
    >>> pred = ["B-PER", "O", "O", "B-ORG", "B-LOC", "O"]
    >>> error_breakdown(gold, pred)["counts"]
    {'correct': 0, 'missed': 1, 'spurious': 1, 'wrong_type': 1, 'wrong_boundary': 1, 'wrong_type_and_boundary': 0}
    """
    gold, pred = _pairs(y_true, y_pred, mode, scheme)
    records: list[ErrorRecord] = []
    correct = 0
    for g, p in zip(gold, pred):
        gset = set(g)
        touched = [False] * len(g)
        for e in p:
            over = [k for k, x in enumerate(g) if _overlap(e, x)]
            for k in over:
                touched[k] = True
            if e in gset:
                correct += 1
                continue
            same_span = [g[k] for k in over if g[k].start == e.start and g[k].end == e.end]
            same_type = [g[k] for k in over if g[k].type == e.type]
            if not over:
                records.append(ErrorRecord("spurious", e, None))
            elif same_span:
                records.append(ErrorRecord("wrong_type", e, same_span[0]))
            elif same_type:
                records.append(ErrorRecord("wrong_boundary", e, same_type[0]))
            else:
                records.append(ErrorRecord("wrong_type_and_boundary", e, g[over[0]]))
        records.extend(ErrorRecord("missed", None, x) for k, x in enumerate(g) if not touched[k])
    counts = {"correct": correct, **{k: 0 for k in ERROR_KINDS}}
    per_type: dict[str, dict[str, int]] = {}
    for r in records:
        counts[r.kind] += 1
        per_type.setdefault(r.type, {k: 0 for k in ERROR_KINDS})[r.kind] += 1
    return {"counts": counts, "per_type": dict(sorted(per_type.items())), "records": records}
