"""The internals that the modules of :mod:`xentbook.ner` share (private).

* the grammar of the tagging schemes (:func:`segments`): which runs of tags
  are well-formed entities, used by :mod:`~xentbook.ner.schemes` (checks,
  conversion) and by the strict entity reader;
* the conlleval machine (:func:`conll_tables`, :func:`stream`,
  :func:`run_machine`): the chunk rules of the Perl script, used by
  :mod:`~xentbook.ner.chunks`, :mod:`~xentbook.ner.scores` and
  :mod:`~xentbook.ner.conlleval`;
* the entity readers of both modes (:func:`entities_encoded`,
  :func:`strict_arrays`) and the check of ``mode`` / ``scheme``.

The public modules document the rules; this one holds the one copy of the
code.
"""

from __future__ import annotations

import re
from typing import Any, Callable, NamedTuple, TypeVar

import numpy as np

from .._validation import check_choice, check_str
from ._input import Encoded, sentence_starts

__all__: list[str] = []

T = TypeVar("T")

#: The extraction modes (published as :data:`xentbook.ner.MODES`).
MODES = ("conlleval", "strict")

# The supported schemes and the prefixes each allows (besides the bare ``O``);
# published as xentbook.ner.SCHEMES.
SCHEMES: dict[str, frozenset[str]] = {
    "IOB1": frozenset("IB"),
    "IOB2": frozenset("BI"),
    "IOE1": frozenset("IE"),
    "IOE2": frozenset("IE"),
    "IOBES": frozenset("BIES"),
    "BILOU": frozenset("BILU"),
}

# prefix letters are coded as small integers; O is 0
_LETTERS = "OBIESLU"
_CODE = {c: k for k, c in enumerate(_LETTERS)}
_O, _B, _I, _E, _S, _L, _U = range(7)

# which (previous prefix, current prefix) pairs let the current token continue
# the entity of the previous token (types must also agree)
_CONT_CUR = {
    "IOB1": (_I,),
    "IOB2": (_I,),
    "IOE1": (_I, _E),
    "IOE2": (_I, _E),
    "IOBES": (_I, _E),
    "BILOU": (_I, _L),
}
_CONT_PREV = {
    "IOB1": (_B, _I),
    "IOB2": (_B, _I),
    "IOE1": (_I,),
    "IOE2": (_I,),
    "IOBES": (_B, _I),
    "BILOU": (_B, _I),
}

def check_scheme(scheme: Any, name: str = "scheme") -> str:
    """Validate a scheme name (case-insensitive); return it in upper case."""
    key = check_str(scheme, name).upper()
    if key not in SCHEMES:
        raise ValueError(f"{name} must be one of {sorted(SCHEMES)}, got {scheme!r}")
    return key


def parse_vocab(enc: Encoded, scheme: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Prefix codes and type ids of every vocabulary tag; raise on a tag the scheme forbids."""
    allowed = SCHEMES[scheme]
    prefix = np.zeros(len(enc.vocab), dtype=np.int8)
    type_names: dict[str, int] = {"": 0}
    type_id = np.zeros(len(enc.vocab), dtype=np.int32)
    bad: list[tuple[int, str]] = []
    for k, tag in enumerate(enc.vocab):
        if tag == "O":
            continue
        p, sep, t = tag.partition("-")
        if sep and p in allowed and t:
            prefix[k] = _CODE[p]
            type_id[k] = type_names.setdefault(t, len(type_names))
        else:
            bad.append((k, tag))
    if bad:
        bad_codes = np.array([k for k, _ in bad])
        first = None
        for i, codes in enumerate(enc.codes):
            hits = np.flatnonzero(np.isin(codes, bad_codes))
            if hits.size and (first is None or hits[0] < first[1]):
                first = (i, int(hits[0]))
        assert first is not None
        k_in, pos = first
        tag = enc.vocab[enc.codes[k_in][pos]]
        letters = " ".join(sorted(allowed))
        raise ValueError(
            f"{enc.where(k_in, pos)} = {tag!r} is not a valid {scheme} tag: use 'O' or "
            f"'P-TYPE' with a non-empty TYPE and P one of {letters}"
        )
    names = [""] * len(type_names)
    for t, i in type_names.items():
        names[i] = t
    return prefix, type_id, names


def segments(
    p: np.ndarray, ty: np.ndarray, starts: np.ndarray, scheme: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate entities of a coded corpus: ``(first, last, valid)`` token indices.

    A segment is a maximal run of non-O tokens in which every token continues
    its predecessor (allowed prefix pair, same type, same sentence).  It is a
    well-formed entity when its first and last prefixes (and, for IOB1/IOE1,
    its neighbours) are the ones the scheme prescribes.
    """
    n = p.size
    nonO = p != _O
    cont = np.zeros(n, dtype=bool)
    if n > 1:
        cont[1:] = (
            np.isin(p[1:], _CONT_CUR[scheme])
            & np.isin(p[:-1], _CONT_PREV[scheme])
            & (ty[1:] == ty[:-1])
        )
    cont &= ~starts
    first = np.flatnonzero(nonO & ~cont)
    cont_next = np.zeros(n, dtype=bool)
    cont_next[:-1] = cont[1:]
    last = np.flatnonzero(nonO & ~cont_next)
    pf, pl = p[first], p[last]
    if scheme == "IOB2":
        valid = pf == _B
    elif scheme == "IOE2":
        valid = pl == _E
    elif scheme == "IOBES":
        valid = ((first == last) & (pf == _S)) | ((first < last) & (pf == _B) & (pl == _E))
    elif scheme == "BILOU":
        valid = ((first == last) & (pf == _U)) | ((first < last) & (pf == _B) & (pl == _L))
    elif scheme == "IOB1":
        prev = np.maximum(first - 1, 0)
        follows_same = (
            ~starts[first] & np.isin(p[prev], (_B, _I)) & (ty[prev] == ty[first]) & (first > 0)
        )
        valid = (pf == _I) | ((pf == _B) & follows_same)
    else:  # IOE1
        nxt = np.minimum(last + 1, n - 1)
        has_next = (last + 1 < n) & ~starts[nxt]
        precedes_same = has_next & np.isin(p[nxt], (_I, _E)) & (ty[nxt] == ty[last])
        valid = (pl == _I) | ((pl == _E) & precedes_same)
    return first, last, valid



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


def split_conll_tag(tag: str) -> tuple[str, str]:
    """``(prefix, type)`` of a tag as the conlleval script splits it (see :func:`xentbook.ner.split_tag`)."""
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


class ConllTables(NamedTuple):
    category: np.ndarray  # per vocabulary code
    type_id: np.ndarray
    key: np.ndarray  # equal keys <=> equal (prefix, type)
    types: list[str]  # type id -> name; "" is id 0
    o_code: int  # code of the boundary tag "O"


def conll_tables(vocab: list[str], raw: bool = False, o_tag: str = "O") -> ConllTables:
    vocab = list(vocab)
    if "O" in vocab:
        o_code = vocab.index("O")
    else:
        o_code = len(vocab)
        vocab.append("O")
    parsed = [split_conll_tag(_raw_tag(t, o_tag) if raw else t) for t in vocab]
    types = sorted({t for _, t in parsed} | {""})
    tid = {t: i for i, t in enumerate(types)}
    keys: dict[tuple[str, str], int] = {}
    category = np.array([_CATEGORY.get(p, _C_OTHER) for p, _ in parsed], dtype=np.int8)
    type_id = np.array([tid[t] for _, t in parsed], dtype=np.int32)
    key = np.array([keys.setdefault(pt, len(keys)) for pt in parsed], dtype=np.int32)
    return ConllTables(category, type_id, key, types, o_code)


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


def transitions(cat: np.ndarray, ty: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(start, end)`` masks of a stream: chunk starts at ``t`` / ended between ``t-1`` and ``t``."""
    index = np.empty(cat.size, dtype=np.intp)
    index[0] = _C_O * 16 + cat[0] * 2 + (ty[0] != 0)
    np.multiply(cat[:-1], 16, out=index[1:], dtype=np.intp)
    index[1:] += cat[1:] * 2
    index[1:] += ty[1:] != ty[:-1]
    code = _PAIR[index]
    return (code & 1).astype(bool), (code & 2).astype(bool)


class Machine(NamedTuple):
    start_true: np.ndarray
    start_pred: np.ndarray
    end_true: np.ndarray
    end_pred: np.ndarray
    correct_types: np.ndarray  # type id (gold, last token) of every correct chunk


def run_machine(tc: np.ndarray, tt: np.ndarray, pc: np.ndarray, pt: np.ndarray) -> Machine:
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
    sc, ec = transitions(tc, tt)
    sg, eg = transitions(pc, pt)
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
    return Machine(sc, sg, ec, eg, correct_types)


def stream(enc: Encoded, tables: ConllTables) -> tuple[np.ndarray, ...]:
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
    start: np.ndarray, end: np.ndarray, ty: np.ndarray, types: list[str], enc: Encoded, entity: Callable[..., T]
) -> list[T]:
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
        out.append(entity(i, a - f, b - f, types[t]))
    return out


def check_mode(mode: Any, scheme: Any) -> tuple[str, str | None]:
    """Validate ``mode`` and ``scheme`` of the entity readers; return them with the scheme normalised."""
    mode = check_choice(mode, "mode", MODES)
    if mode == "strict":
        if scheme is None:
            raise ValueError("mode='strict' needs a scheme, one of IOB1, IOB2, IOE1, IOE2, IOBES, BILOU")
        return mode, check_scheme(scheme)
    if scheme is not None:
        raise ValueError("scheme is only used with mode='strict'; conlleval mode has fixed rules")
    return mode, None


def strict_arrays(enc: Encoded, scheme: str) -> tuple[list[tuple[np.ndarray, ...]], list[str]]:
    """Well-formed entities of every input as flat ``(start, end, type id)`` arrays, and the type names."""
    prefix, type_id, names = parse_vocab(enc, scheme)
    starts = sentence_starts(enc)
    out = []
    for codes in enc.codes:
        p, ty = prefix[codes], type_id[codes]
        first, last, valid = segments(p, ty, starts, scheme)
        first = first[valid]
        out.append((first, last[valid] + 1, ty[first]))
    return out, names


def _strict_entities(enc: Encoded, scheme: str, entity: Callable[..., T]) -> list[list[T]]:
    arrays, names = strict_arrays(enc, scheme)
    result = []
    for first, stop, ty in arrays:
        sent = np.searchsorted(enc.offsets, first, side="right") - 1
        off = enc.offsets[sent]
        result.append(
            [
                entity(s, f, e, names[t])
                for s, f, e, t in zip(sent.tolist(), (first - off).tolist(), (stop - off).tolist(), ty.tolist())
            ]
        )
    return result


def entities_encoded(enc: Encoded, mode: str, scheme: str | None, entity: Callable[..., T]) -> list[list[T]]:
    """Entities of every input of ``enc`` (one list per input), built as ``entity(sentence, start, end, type)``."""
    if mode == "strict":
        assert scheme is not None
        return _strict_entities(enc, scheme, entity)
    tables = conll_tables(enc.vocab)
    _, *streams = stream(enc, tables)
    out = []
    for s in streams:
        cat, ty = tables.category[s], tables.type_id[s]
        start, end = transitions(cat, ty)
        out.append(_conll_spans(start, end, ty, tables.types, enc, entity))
    return out
