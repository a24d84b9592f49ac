"""Input handling shared by the modules of :mod:`xentbook.ner` (private).

Tag input is either one sentence (a sequence of ``str`` tags) or a corpus (a
sequence of sentences).  :func:`encode` checks the structure once, flattens
the corpus and turns every tag into an integer code into a sorted vocabulary
of the distinct tags, so that everything downstream is NumPy work on small
integer arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any, Callable

import numpy as np

__all__: list[str] = []


@dataclass(frozen=True)
class Encoded:
    """Integer-coded tag sequences sharing one vocabulary.

    ``codes[k][j]`` is the index into ``vocab`` of the ``j``-th tag (corpus
    order, sentences concatenated) of input ``k``; ``lengths[i]`` is the
    number of tags of sentence ``i``; ``offsets[i]`` where it starts.
    """

    vocab: list[str]
    codes: tuple[np.ndarray, ...]
    lengths: np.ndarray
    offsets: np.ndarray
    single: bool
    names: tuple[str, ...]
    sentences: tuple[list[Sequence[Any]], ...]

    @property
    def n_tokens(self) -> int:
        return int(self.lengths.sum())

    @property
    def n_sentences(self) -> int:
        return int(self.lengths.size)

    def locate(self, flat_index: int) -> tuple[int, int]:
        """Return ``(sentence, position)`` of a flat token index."""
        i = int(np.searchsorted(self.offsets, flat_index, side="right") - 1)
        return i, int(flat_index - self.offsets[i])

    def where(self, k: int, flat_index: int) -> str:
        """A readable reference such as ``y_pred[3][5]`` for error messages."""
        i, j = self.locate(flat_index)
        if self.single:
            return f"{self.names[k]}[{j}]"
        return f"{self.names[k]}[{i}][{j}]"


def _is_sentence(obj: Any) -> bool:
    cls = type(obj)
    if cls is list or cls is tuple:  # the common case, without the slow ABC check
        return True
    if isinstance(obj, (str, bytes)):
        return False
    if isinstance(obj, np.ndarray):
        return obj.ndim == 1
    return isinstance(obj, Sequence)


def as_sentences(y: Any, name: str) -> tuple[list[Sequence[Any]], bool]:
    """Return ``(sentences, single)``: the input as a list of sentences.

    A sequence whose elements are all ``str`` is one sentence (``single`` is
    then true); a sequence of sequences is a corpus.  Anything else raises
    :class:`TypeError`; an empty input raises :class:`ValueError`.
    """
    if isinstance(y, (str, bytes)):
        raise TypeError(
            f"{name} must be a sequence of str tags or a sequence of sentences, "
            f"got a single {type(y).__name__}"
        )
    if isinstance(y, np.ndarray):
        if y.ndim == 0:
            raise TypeError(f"{name} must be a sequence of tags or sentences, got a 0-d array")
        y = list(y)
    elif not isinstance(y, Sequence):
        raise TypeError(
            f"{name} must be a sequence (list or tuple) of tags or of sentences, "
            f"got {type(y).__name__}"
        )
    if len(y) == 0:
        raise ValueError(f"{name} is empty")
    is_str = [isinstance(s, str) for s in y]
    if all(is_str):
        return [y], True
    if any(is_str):
        i = is_str.index(True)
        j = is_str.index(False)
        if not _is_sentence(y[j]):
            raise TypeError(f"{name}[{j}] must be a str tag, got {type(y[j]).__name__}")
        raise TypeError(
            f"{name} mixes tags and sentences: {name}[{i}] is a str but {name}[{j}] is a "
            f"{type(y[j]).__name__}"
        )
    sentences = list(y)
    ok = list(map(_is_sentence, sentences))
    if not all(ok):
        i = ok.index(False)
        raise TypeError(
            f"{name}[{i}] must be a str tag or a sequence of str tags (a sentence), "
            f"got {type(sentences[i]).__name__}"
        )
    return sentences, False


def _first_bad(sentences: list[Sequence[Any]], bad: Callable[[Any], bool]) -> tuple[int, int, Any]:
    for i, s in enumerate(sentences):
        for j, t in enumerate(s):
            if bad(t):
                return i, j, t
    raise AssertionError("no offending element found")  # pragma: no cover


def encode(inputs: Sequence[tuple[str, Any]], *, allow_no_tokens: bool = False) -> Encoded:
    """Check and integer-code one or more tag inputs of identical shape.

    Parameters
    ----------
    inputs
        ``(name, value)`` pairs, e.g. ``[("y_true", y_true), ("y_pred", y_pred)]``;
        the names appear in error messages.
    allow_no_tokens
        Accept a corpus whose sentences are all empty.
    """
    names = tuple(n for n, _ in inputs)
    converted = [as_sentences(v, n) for n, v in inputs]
    sents0, single0 = converted[0]
    for (name, _), (sents, single) in zip(inputs[1:], converted[1:]):
        if single != single0:
            kinds = ("one sentence of tags", "a list of sentences")
            raise ValueError(
                f"{names[0]} is {kinds[not single0]} but {name} is {kinds[not single]}"
            )
        if len(sents) != len(sents0):
            what = "tags" if single0 else "sentences"
            raise ValueError(
                f"{names[0]} and {name} must have the same number of {what}, "
                f"got {len(sents0) if not single0 else len(sents0[0])} and "
                f"{len(sents) if not single else len(sents[0])}"
            )
    lengths = np.fromiter(map(len, sents0), dtype=np.int64, count=len(sents0))
    for (name, _), (sents, _) in zip(inputs[1:], converted[1:]):
        other = np.fromiter(map(len, sents), dtype=np.int64, count=len(sents))
        diff = np.flatnonzero(other != lengths)
        if diff.size:
            i = int(diff[0])
            if single0:
                raise ValueError(
                    f"{names[0]} and {name} must have the same length, "
                    f"got {lengths[i]} and {other[i]}"
                )
            raise ValueError(
                f"sentence {i} has {lengths[i]} tags in {names[0]} but {other[i]} in {name}"
            )
    n = int(lengths.sum())
    if n == 0 and not allow_no_tokens:
        raise ValueError(f"{names[0]} contains no tags (every sentence is empty)")
    flats = [list(chain.from_iterable(s)) for s, _ in converted]
    vocab_set: set[Any] = set()
    for (name, _), (sents, _), flat in zip(inputs, converted, flats):
        try:
            uniq = set(flat)
        except TypeError:
            i, j, t = _first_bad(sents, lambda t: not isinstance(t, str))
            where = f"{name}[{j}]" if single0 else f"{name}[{i}][{j}]"
            raise TypeError(f"{where} must be a str tag, got {type(t).__name__}") from None
        if any(not isinstance(u, str) for u in uniq):
            i, j, t = _first_bad(sents, lambda t: not isinstance(t, str))
            where = f"{name}[{j}]" if single0 else f"{name}[{i}][{j}]"
            raise TypeError(f"{where} must be a str tag, got {type(t).__name__}")
        vocab_set |= uniq
    vocab = sorted(str(v) for v in vocab_set)
    index = {v: k for k, v in enumerate(vocab)}
    codes = tuple(
        np.fromiter(map(index.__getitem__, flat), dtype=np.int32, count=n) for flat in flats
    )
    offsets = np.zeros(lengths.size, dtype=np.int64)
    if lengths.size > 1:
        np.cumsum(lengths[:-1], out=offsets[1:])
    return Encoded(
        vocab=vocab,
        codes=codes,
        lengths=lengths,
        offsets=offsets,
        single=single0,
        names=names,
        sentences=tuple(s for s, _ in converted),
    )


def sentence_starts(enc: Encoded) -> np.ndarray:
    """Boolean mask over the flat tokens: true at the first token of a sentence."""
    mask = np.zeros(enc.n_tokens, dtype=bool)
    nonempty = enc.lengths > 0
    mask[enc.offsets[nonempty]] = True
    return mask
