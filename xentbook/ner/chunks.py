r"""Entity extraction from tag sequences: the ``conlleval`` rules and strict schemes.

Two modes are offered.

``mode="conlleval"`` (the default, as in seqeval)
    Exactly the chunk rules of the CoNLL ``conlleval`` Perl script (version
    2004-01-26).  A tag is split at its **first** hyphen into a prefix and a
    type (``B-ORG-X`` has prefix ``B`` and type ``ORG-X``; a tag without a
    hyphen is all prefix and has the empty type).  Between a previous tag
    :math:`(p', y')` and the current tag :math:`(p, y)`:

    * a chunk **ends** if :math:`(p', p)` is one of ``B→B``, ``B→O``,
      ``I→B``, ``I→O``, ``E→E``, ``E→I``, ``E→O``; or if :math:`p'` is
      neither ``O`` nor ``.`` and :math:`y' \ne y`; or if :math:`p'` is ``[``
      or ``]``;
    * a chunk **starts** if :math:`(p', p)` is one of ``B→B``, ``I→B``,
      ``O→B``, ``O→I``, ``E→E``, ``E→I``, ``O→E``; or if :math:`p` is neither
      ``O`` nor ``.`` and :math:`y' \ne y`; or if :math:`p` is ``[`` or ``]``.

    Sentences are separated as by a boundary line of the script (a token
    tagged ``O`` in both columns that is not counted), and the text begins
    as if preceded by ``O``.  The script was written for IOB1/IOB2/IOE1/IOE2
    input; on other prefixes it has **quirks**, reproduced here on purpose:

    * ``S-`` (IOBES) and ``U-``/``L-`` (BILOU) are not special: ``S-PER S-PER``
      is **one** chunk of two tokens, ``S-PER B-PER`` too (a chunk starts
      after ``O`` or on a change of type, never at ``S``/``U``/``L`` otherwise);
    * ``E-`` followed by ``B-`` of the same type neither ends nor starts a
      chunk, so ``B-PER E-PER B-PER E-PER`` is a single four-token chunk;
      ``E-`` followed by ``I-`` of the same type *does* start a new one;
    * an ``I-`` after ``O`` starts a chunk (IOB1 style) and a ``B-`` after
      ``E-`` does not;
    * the type ``0`` is read as the empty type (``B-0`` equals ``B``) because
      the Perl script treats the string ``"0"`` as false;
    * a tag without a hyphen other than ``O`` (``PER``, or ``O\r`` from a
      Windows line end) is a prefix with the empty type: it starts a chunk
      only on a change of type and such chunks may run across sentence
      boundaries;
    * the script counts a chunk as correct token by token (both sides start
      at the same token with the same type, no side ends or changes type
      before the other, and both end together).  For well-behaved tags this
      is the same as "identical span and type"; the scorer always uses the
      script's rule.

``mode="strict"`` with a ``scheme``
    An entity is counted only if it is well formed under the declared scheme
    (the grammar of :mod:`xentbook.ner.schemes`): ``O I-PER`` in IOB2, or a
    ``B-`` without its ``E-`` in IOBES, yields no entity.  Tags outside the
    scheme (``S-PER`` in IOB2, a bare ``PER``) raise :class:`ValueError`.
    This is seqeval's ``mode="strict"``.

Entities are :class:`Entity` tuples ``(sentence, start, end, type)`` with
``end`` exclusive.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import numpy as np

from ._input import Encoded, encode, sentence_starts
from .schemes import _check_scheme, _parse_vocab, _segments

__all__ = ["Entity", "MODES", "split_tag", "get_entities"]

#: The extraction modes.
MODES = ("conlleval", "strict")


class Entity(NamedTuple):
    """A typed span: tokens ``start <= i < end`` of sentence ``sentence``."""

    sentence: int
    start: int
    end: int
    type: str


_TAG_RE = re.compile(r"([^-]*)-(.*)$")

# prefix categories of the conlleval rules
_C_O, _C_B, _C_I, _C_E, _C_OPEN, _C_CLOSE, _C_DOT, _C_OTHER = range(8)
_CATEGORY = {"O": _C_O, "B": _C_B, "I": _C_I, "E": _C_E, "[": _C_OPEN, "]": _C_CLOSE, ".": _C_DOT}


def _table(pairs: tuple[tuple[int, int], ...]) -> np.ndarray:
    t = np.zeros((8, 8), dtype=bool)
    for a, b in pairs:
        t[a, b] = True
    return t


_END = _table(
    ((_C_B, _C_B), (_C_B, _C_O), (_C_I, _C_B), (_C_I, _C_O), (_C_E, _C_E), (_C_E, _C_I), (_C_E, _C_O))
)
_START = _table(
    ((_C_B, _C_B), (_C_I, _C_B), (_C_O, _C_B), (_C_O, _C_I), (_C_E, _C_E), (_C_E, _C_I), (_C_O, _C_E))
)
_TYPED = np.ones(8, dtype=bool)  # categories whose type change ends/starts a chunk
_TYPED[[_C_O, _C_DOT]] = False
_BRACKET = np.zeros(8, dtype=bool)
_BRACKET[[_C_OPEN, _C_CLOSE]] = True


def split_tag(tag: str) -> tuple[str, str]:
    """Split a tag into ``(prefix, type)`` exactly as the conlleval script does.

    The prefix is everything before the first hyphen and the type everything
    after it (up to a final newline, as Perl's ``$`` allows); a tag without a
    hyphen is all prefix with the empty type; the type ``"0"`` becomes the
    empty type (Perl reads ``"0"`` as false).

    Parameters
    ----------
    tag : str

    Returns
    -------
    (str, str)

    Examples
    --------
    >>> split_tag("B-ORG-X")
    ('B', 'ORG-X')
    >>> split_tag("O")
    ('O', '')
    >>> split_tag("B-0")
    ('B', '')
    """
    if not isinstance(tag, str):
        raise TypeError(f"tag must be a str, got {type(tag).__name__}")
    m = _TAG_RE.match(tag)
    if m is None:
        return tag, ""
    prefix, typ = m.group(1), m.group(2)
    return prefix, ("" if typ == "0" else typ)


def _raw_tag(tag: str, o_tag: str) -> str:
    """The script's ``-r`` rewriting: ``o_tag`` -> ``O``; anything else but ``O`` gets ``B-``."""
    if tag == o_tag:
        tag = "O"
    return tag if tag == "O" else "B-" + tag


class _ConllTables(NamedTuple):
    category: np.ndarray  # per vocabulary code
    type_id: np.ndarray
    key: np.ndarray  # equal keys <=> equal (prefix, type)
    types: list[str]  # type id -> name; "" is id 0
    o_code: int  # code of the boundary tag "O"


def _conll_tables(vocab: list[str], raw: bool = False, o_tag: str = "O") -> _ConllTables:
    vocab = list(vocab)
    if "O" in vocab:
        o_code = vocab.index("O")
    else:
        o_code = len(vocab)
        vocab.append("O")
    parsed = [split_tag(_raw_tag(t, o_tag) if raw else t) for t in vocab]
    types = sorted({t for _, t in parsed} | {""})
    tid = {t: i for i, t in enumerate(types)}
    keys: dict[tuple[str, str], int] = {}
    category = np.array([_CATEGORY.get(p, _C_OTHER) for p, _ in parsed], dtype=np.int8)
    type_id = np.array([tid[t] for _, t in parsed], dtype=np.int32)
    key = np.array([keys.setdefault(pt, len(keys)) for pt in parsed], dtype=np.int32)
    return _ConllTables(category, type_id, key, types, o_code)


def _pair_table() -> np.ndarray:
    """Bit 1: a chunk starts, bit 2: a chunk ends, indexed by (prev category, category, type changed)."""
    table = np.zeros((8, 8, 2), dtype=np.uint8)
    for a in range(8):
        for b in range(8):
            for changed in (0, 1):
                start = _START[a, b] or (_TYPED[b] and changed) or _BRACKET[b]
                end = _END[a, b] or (_TYPED[a] and changed) or _BRACKET[a]
                table[a, b, changed] = int(start) | (int(end) << 1)
    return table.ravel()


_PAIR = _pair_table()


def _transitions(cat: np.ndarray, ty: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(start, end)`` masks of a stream: chunk starts at ``t`` / ended between ``t-1`` and ``t``."""
    index = np.empty(cat.size, dtype=np.intp)
    index[0] = _C_O * 16 + cat[0] * 2 + (ty[0] != 0)
    np.multiply(cat[:-1], 16, out=index[1:], dtype=np.intp)
    index[1:] += cat[1:] * 2
    index[1:] += ty[1:] != ty[:-1]
    code = _PAIR[index]
    return (code & 1).astype(bool), (code & 2).astype(bool)


class _Machine(NamedTuple):
    start_true: np.ndarray
    start_pred: np.ndarray
    end_true: np.ndarray
    end_pred: np.ndarray
    correct_types: np.ndarray  # type id (gold, last token) of every correct chunk


def _run_machine(tc: np.ndarray, tt: np.ndarray, pc: np.ndarray, pt: np.ndarray) -> _Machine:
    """The script's token-by-token chunk comparison, vectorised.

    The script keeps a flag "the chunk under way is correct so far".  It is
    raised at ``t`` when both sides start a chunk of the same type; it is
    cleared at the next *event* -- either side ends a chunk or the types
    differ -- and the chunk counts as correct iff at that event both sides
    end.  A flag still up after the last token counts too.  With ``J`` the
    joint starts and ``V`` the events, the flag is up before ``t`` iff the
    last joint start before ``t`` is not older than the last event before
    ``t``.
    """
    sc, ec = _transitions(tc, tt)
    sg, eg = _transitions(pc, pt)
    m = tc.size
    same_type = tt == pt
    joint = sc & sg & same_type
    event = ec | eg | ~same_type
    idx = np.arange(m)
    last_joint = np.maximum.accumulate(np.where(joint, idx, -1))
    last_event = np.maximum.accumulate(np.where(event, idx, -1))
    # flag up before t (t >= 1): based on positions < t
    up_before = np.zeros(m, dtype=bool)
    up_before[1:] = (last_joint[:-1] >= 0) & (last_joint[:-1] >= last_event[:-1])
    counted = np.flatnonzero(up_before & ec & eg)
    correct_types = tt[counted - 1]
    if m and last_joint[-1] >= 0 and last_joint[-1] >= last_event[-1]:
        correct_types = np.append(correct_types, tt[-1])
    return _Machine(sc, sg, ec, eg, correct_types)


def _stream(enc: Encoded, tables: _ConllTables) -> tuple[np.ndarray, ...]:
    """Interleave a boundary token after every sentence, as in a CoNLL file."""
    n, s = enc.n_tokens, enc.n_sentences
    sent_of = np.repeat(np.arange(s), enc.lengths)
    pos = np.arange(n) + sent_of
    out = []
    for codes in enc.codes:
        arr = np.full(n + s, tables.o_code, dtype=np.int32)
        arr[pos] = codes
        out.append(arr)
    return (pos, *out)


def _conll_spans(
    start: np.ndarray, end: np.ndarray, ty: np.ndarray, types: list[str], enc: Encoded, pos: np.ndarray
) -> list[Entity]:
    """Chunks of one side of a stream: from each start to the next end (cut at the sentence end)."""
    starts = np.flatnonzero(start)
    ends = np.flatnonzero(end)
    if ends.size:
        k = np.searchsorted(ends, starts, side="right")
        stop = np.where(k < ends.size, ends[np.minimum(k, ends.size - 1)], start.size)
    else:
        stop = np.full(starts.shape, start.size)
    # stream position -> sentence; a sentence i occupies [offsets[i] + i, offsets[i] + i + len_i)
    stream_first = enc.offsets + np.arange(enc.n_sentences)
    sent = np.searchsorted(stream_first, starts, side="right") - 1
    stop = np.minimum(stop, stream_first[sent] + enc.lengths[sent])
    out = []
    for i, a, b, t in zip(sent.tolist(), starts.tolist(), stop.tolist(), ty[starts].tolist()):
        f = int(stream_first[i])
        out.append(Entity(i, a - f, b - f, types[t]))
    return out


def _check_mode(mode: Any, scheme: Any) -> tuple[str, str | None]:
    if not isinstance(mode, str):
        raise TypeError(f"mode must be a str, one of {MODES}, got {type(mode).__name__}")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if mode == "strict":
        if scheme is None:
            raise ValueError("mode='strict' needs a scheme, one of IOB1, IOB2, IOE1, IOE2, IOBES, BILOU")
        return mode, _check_scheme(scheme)
    if scheme is not None:
        raise ValueError("scheme is only used with mode='strict'; conlleval mode has fixed rules")
    return mode, None


def _strict_arrays(enc: Encoded, scheme: str) -> tuple[list[tuple[np.ndarray, ...]], list[str]]:
    """Well-formed entities of every input as flat ``(start, end, type id)`` arrays, and the type names."""
    prefix, type_id, names = _parse_vocab(enc, scheme)
    starts = sentence_starts(enc)
    out = []
    for codes in enc.codes:
        p, ty = prefix[codes], type_id[codes]
        first, last, valid = _segments(p, ty, starts, scheme)
        first = first[valid]
        out.append((first, last[valid] + 1, ty[first]))
    return out, names


def _strict_entities(enc: Encoded, scheme: str) -> list[list[Entity]]:
    arrays, names = _strict_arrays(enc, scheme)
    result = []
    for first, stop, ty in arrays:
        sent = np.searchsorted(enc.offsets, first, side="right") - 1
        off = enc.offsets[sent]
        result.append(
            [
                Entity(s, f, e, names[t])
                for s, f, e, t in zip(sent.tolist(), (first - off).tolist(), (stop - off).tolist(), ty.tolist())
            ]
        )
    return result


def _entities_encoded(enc: Encoded, mode: str, scheme: str | None) -> list[list[Entity]]:
    """Entities of every input of ``enc`` (one list per input)."""
    if mode == "strict":
        assert scheme is not None
        return _strict_entities(enc, scheme)
    tables = _conll_tables(enc.vocab)
    pos, *streams = _stream(enc, tables)
    out = []
    for s in streams:
        cat, ty = tables.category[s], tables.type_id[s]
        start, end = _transitions(cat, ty)
        out.append(_conll_spans(start, end, ty, tables.types, enc, pos))
    return out


def get_entities(tags: Any, *, mode: str = "conlleval", scheme: str | None = None) -> list[Entity]:
    r"""Extract the entities of one sentence or of a corpus.

    Parameters
    ----------
    tags : sequence of str, or sequence of sequences of str
        One sentence of tags, or a corpus (list of sentences).
    mode : {"conlleval", "strict"}
        ``"conlleval"``: the chunk rules of the conlleval script (see the module
        docstring, quirks included).  ``"strict"``: only entities well formed
        under ``scheme``.
    scheme : str, optional
        Required with ``mode="strict"`` and refused otherwise.

    Returns
    -------
    list of Entity
        ``(sentence, start, end, type)``, ``end`` exclusive, sorted by
        sentence and start; ``sentence`` is 0 for a single sentence.  In
        conlleval mode a chunk runs from a start to the next end,

        .. math:: [s, \min\{e > s : \text{end}(t_{e-1}, t_e)\}),

        cut at the end of its sentence.

    Examples
    --------
    >>> get_entities(["B-PER", "I-PER", "O", "I-LOC"])
    [Entity(sentence=0, start=0, end=2, type='PER'), Entity(sentence=0, start=3, end=4, type='LOC')]
    >>> get_entities(["B-PER", "I-PER", "O", "I-LOC"], mode="strict", scheme="IOB2")
    [Entity(sentence=0, start=0, end=2, type='PER')]
    >>> get_entities(["S-PER", "S-PER"])  # conlleval quirk: S- is not special
    [Entity(sentence=0, start=0, end=2, type='PER')]
    >>> get_entities(["S-PER", "S-PER"], mode="strict", scheme="IOBES")
    [Entity(sentence=0, start=0, end=1, type='PER'), Entity(sentence=0, start=1, end=2, type='PER')]
    """
    mode, scheme = _check_mode(mode, scheme)
    enc = encode([("tags", tags)])
    return _entities_encoded(enc, mode, scheme)[0]
