r"""Tagging schemes for named-entity recognition: validation and conversion.

A tagging scheme turns a set of non-overlapping, typed spans into one tag per
token.  Every non-``O`` tag is ``PREFIX-TYPE``; the schemes differ in the
prefixes and in when they are used:

=========  ==============  ===================================================
scheme     prefixes        rule
=========  ==============  ===================================================
``IOB1``   ``I B O``       ``I-`` everywhere; ``B-`` only on the first token of
                           an entity that directly follows an entity of the
                           same type
``IOB2``   ``B I O``       ``B-`` on the first token of every entity
``IOE1``   ``I E O``       ``I-`` everywhere; ``E-`` only on the last token of
                           an entity directly followed by one of the same type
``IOE2``   ``I E O``       ``E-`` on the last token of every entity
``IOBES``  ``B I E S O``   ``S-`` single-token entity; otherwise ``B- I-* E-``
``BILOU``  ``B I L U O``   the same with ``U-`` (unit) and ``L-`` (last)
=========  ==============  ===================================================

A *well-formed* sequence is one the scheme could have produced from some set
of spans.  :func:`check_tags` raises at the first ill-formed entity,
:func:`is_well_formed` answers yes/no, :func:`render_tags` writes spans in a
scheme and :func:`convert_scheme` rewrites a well-formed sequence from one
scheme into another (through its spans).  The strict entity extraction of
:mod:`xentbook.ner.chunks` uses the same grammar.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._validation import as_float_array, as_int_array, check_finite, check_int, check_sequence, check_size, check_str
from . import _core
from ._core import check_scheme, parse_vocab, segments
from ._input import Encoded, encode, sentence_starts
from .chunks import Entity

__all__ = [
    "SCHEMES",
    "check_tags",
    "is_well_formed",
    "render_tags",
    "convert_scheme",
    "allowed_transitions",
    "constrained_decode",
]

#: The supported schemes and the prefixes each allows (besides the bare ``O``).
SCHEMES: dict[str, frozenset[str]] = _core.SCHEMES

_HINTS = {
    "IOB1": "an entity starts with I- unless it directly follows an entity of the same "
    "type, when it starts with B-",
    "IOB2": "every entity starts with B-, and I- continues an entity of the same type",
    "IOE1": "an entity ends with I- unless it is directly followed by an entity of the "
    "same type, when it ends with E-",
    "IOE2": "every entity ends with E-, and I- is followed by I- or E- of the same type",
    "IOBES": "an entity is S- alone or B- I-* E- of one type",
    "BILOU": "an entity is U- alone or B- I-* L- of one type",
}


def _coded(y: Any, name: str, scheme: str) -> tuple[Encoded, np.ndarray, np.ndarray, list[str]]:
    enc = encode([(name, y)])
    prefix, type_id, names = parse_vocab(enc, scheme)
    codes = enc.codes[0]
    return enc, prefix[codes], type_id[codes], names


def check_tags(tags: Any, *, scheme: str, name: str = "tags") -> None:
    r"""Raise :class:`ValueError` unless ``tags`` is well formed under ``scheme``.

    Every tag must be ``"O"`` or ``P-TYPE`` with ``P`` a prefix of the scheme
    and a non-empty ``TYPE``; every maximal run of tokens that continue one
    another must form one entity exactly as the scheme writes it (see the
    module docstring).  A tag sequence :math:`t_1\dots t_n` is well formed iff

    .. math::

        t = \operatorname{render}_{\text{scheme}}\bigl(\operatorname{spans}(t)\bigr),

    which is what the tests check against :func:`render_tags`.

    Parameters
    ----------
    tags : sequence of str, or sequence of sequences of str
        One sentence or a corpus of sentences.
    scheme : {"IOB1", "IOB2", "IOE1", "IOE2", "IOBES", "BILOU"}
        Case-insensitive.
    name : str
        How to call the argument in error messages.

    Raises
    ------
    ValueError
        At the first ill-formed tag or entity, naming its position.

    Examples
    --------
    >>> check_tags(["B-PER", "I-PER", "O", "B-LOC"], scheme="IOB2")
    >>> check_tags(["O", "I-PER"], scheme="IOB2")
    Traceback (most recent call last):
    ...
    ValueError: tags[1] = 'I-PER' begins an ill-formed IOB2 entity ['I-PER']: every entity starts with B-, and I- continues an entity of the same type
    """
    scheme = check_scheme(scheme)
    enc, p, ty, _ = _coded(tags, name, scheme)
    first, last, valid = segments(p, ty, sentence_starts(enc), scheme)
    bad = np.flatnonzero(~valid)
    if bad.size:
        f, l = int(first[bad[0]]), int(last[bad[0]])
        codes = enc.codes[0]
        piece = [enc.vocab[c] for c in codes[f : l + 1]]
        raise ValueError(
            f"{enc.where(0, f)} = {enc.vocab[codes[f]]!r} begins an ill-formed {scheme} "
            f"entity {piece}: {_HINTS[scheme]}"
        )


def is_well_formed(tags: Any, *, scheme: str) -> bool:
    """Return whether ``tags`` is well formed under ``scheme`` (see :func:`check_tags`).

    Tags that the scheme does not know (``S-PER`` under IOB2, a bare ``PER``)
    still raise :class:`ValueError`: they are not a sequence of the scheme at
    all.

    Examples
    --------
    >>> is_well_formed(["S-PER", "B-LOC", "E-LOC"], scheme="IOBES")
    True
    >>> is_well_formed(["B-LOC", "O"], scheme="IOBES")
    False
    """
    scheme = check_scheme(scheme)
    enc, p, ty, _ = _coded(tags, "tags", scheme)
    _, _, valid = segments(p, ty, sentence_starts(enc), scheme)
    return bool(valid.all())


def _check_spans(spans: Any, length: int, name: str) -> list[tuple[int, int, str]]:
    if isinstance(spans, (set, frozenset)):
        spans = list(spans)
    items = check_sequence(spans, name, of=tuple, what="(start, end, type) triples or Entity tuples")
    out = []
    for k, s in enumerate(items):
        if isinstance(s, Entity):
            s = (s.start, s.end, s.type)
        elif len(s) != 3:
            raise TypeError(f"{name}[{k}] must be a (start, end, type) triple or an Entity, got {s!r}")
        a = check_int(s[0], f"{name}[{k}] start")
        b = check_int(s[1], f"{name}[{k}] end")
        t = check_str(s[2], f"{name}[{k}] type", allow_empty=False)
        if not 0 <= a < b <= length:
            raise ValueError(f"{name}[{k}] = {s!r} must satisfy 0 <= start < end <= length = {length}")
        out.append((a, b, t))
    out.sort()
    for (a0, b0, _), (a1, b1, _) in zip(out, out[1:]):
        if a1 < b0:
            raise ValueError(f"{name} overlap: [{a0}, {b0}) and [{a1}, {b1}); a tag sequence cannot hold both")
    return out


def render_tags(spans: Any, length: int, *, scheme: str) -> list[str]:
    r"""Write non-overlapping spans as one tag per token in ``scheme``.

    Each span ``(start, end, type)`` -- a triple or an
    :class:`~xentbook.ner.Entity` (whose ``sentence`` is ignored) -- covers
    tokens ``start <= i < end`` (``end`` exclusive).  This is the package's
    one encoder from spans to tags; :func:`xentbook.ner.get_entities` is the
    decoder, and ``render_tags(get_entities(t, mode="strict", scheme=s),
    len(t), scheme=s) == t`` for every well-formed ``t``.  With :math:`[a, b)` an entity of type :math:`T`:

    * IOB2: :math:`t_a = \text{B-}T`, :math:`t_i = \text{I-}T` for :math:`a < i < b`;
    * IOB1: as IOB2 but :math:`t_a = \text{I-}T` unless an entity of type
      :math:`T` ends at :math:`a`;
    * IOE2 / IOE1: the mirror images (``E-`` on :math:`t_{b-1}`);
    * IOBES / BILOU: ``S-``/``U-`` if :math:`b = a + 1`, else ``B-``, ``I-``\ ..., ``E-``/``L-``.

    Parameters
    ----------
    spans : collection of (int, int, str) or of Entity
        Non-overlapping spans, in any order.
    length : int
        Number of tokens.
    scheme : str
        One of :data:`SCHEMES`.

    Returns
    -------
    list of str

    Examples
    --------
    >>> render_tags([(0, 2, "PER"), (2, 3, "PER"), (4, 5, "LOC")], 5, scheme="IOB1")
    ['I-PER', 'I-PER', 'B-PER', 'O', 'I-LOC']
    >>> render_tags([(0, 2, "PER"), (2, 3, "PER"), (4, 5, "LOC")], 5, scheme="BILOU")
    ['B-PER', 'L-PER', 'U-PER', 'O', 'U-LOC']
    """
    scheme = check_scheme(scheme)
    length = check_size(length, "length", low=0)
    items = _check_spans(spans, length, "spans")
    tags = ["O"] * int(length)
    ends_at = {b: t for a, b, t in items}
    starts_at = {a: t for a, b, t in items}
    for a, b, t in items:
        if scheme in ("IOB2", "IOB1"):
            tags[a:b] = [f"I-{t}"] * (b - a)
            if scheme == "IOB2" or ends_at.get(a) == t:
                tags[a] = f"B-{t}"
        elif scheme in ("IOE2", "IOE1"):
            tags[a:b] = [f"I-{t}"] * (b - a)
            if scheme == "IOE2" or starts_at.get(b) == t:
                tags[b - 1] = f"E-{t}"
        else:
            single, begin, inside, end = ("S", "B", "I", "E") if scheme == "IOBES" else ("U", "B", "I", "L")
            if b - a == 1:
                tags[a] = f"{single}-{t}"
            else:
                tags[a:b] = [f"{inside}-{t}"] * (b - a)
                tags[a] = f"{begin}-{t}"
                tags[b - 1] = f"{end}-{t}"
    return tags


def _spans_of_valid(tags: Any, scheme: str, name: str) -> tuple[Encoded, list[list[tuple[int, int, str]]]]:
    enc, p, ty, names = _coded(tags, name, scheme)
    first, last, valid = segments(p, ty, sentence_starts(enc), scheme)
    bad = np.flatnonzero(~valid)
    if bad.size:
        check_tags(tags, scheme=scheme, name=name)  # raises with the detailed message
    out: list[list[tuple[int, int, str]]] = [[] for _ in range(enc.n_sentences)]
    sent = np.searchsorted(enc.offsets, first, side="right") - 1
    for s, f, l in zip(sent.tolist(), first.tolist(), last.tolist()):
        o = int(enc.offsets[s])
        out[s].append((f - o, l + 1 - o, names[ty[f]]))
    return enc, out


def convert_scheme(tags: Any, *, from_scheme: str, to_scheme: str) -> list:
    """Rewrite well-formed tags from one scheme into another.

    The input is checked with :func:`check_tags` (ill-formed input raises
    :class:`ValueError`), its spans are read and written again with
    :func:`render_tags`; conversion therefore never changes the entities, and
    converting back gives the input.

    Parameters
    ----------
    tags : sequence of str, or sequence of sequences of str
        One sentence or a corpus.
    from_scheme, to_scheme : str
        Schemes from :data:`SCHEMES`.

    Returns
    -------
    list of str, or list of lists of str (the shape of the input)

    Examples
    --------
    >>> convert_scheme(["B-PER", "I-PER", "B-PER", "O"], from_scheme="IOB2", to_scheme="IOBES")
    ['B-PER', 'E-PER', 'S-PER', 'O']
    >>> convert_scheme(["B-PER", "I-PER", "B-PER", "O"], from_scheme="IOB2", to_scheme="IOB1")
    ['I-PER', 'I-PER', 'B-PER', 'O']
    """
    from_scheme = check_scheme(from_scheme, "from_scheme")
    to_scheme = check_scheme(to_scheme, "to_scheme")
    enc, spans = _spans_of_valid(tags, from_scheme, "tags")
    rendered = [render_tags(s, int(n), scheme=to_scheme) for s, n in zip(spans, enc.lengths.tolist())]
    return rendered[0] if enc.single else rendered



def _label_list(labels: Any, scheme: str) -> list[tuple[str, str]]:
    if isinstance(labels, np.ndarray) and labels.ndim == 1:
        labels = labels.tolist()
    labels = check_sequence(labels, "labels", of=str, what="str tags (the tag of each score column)")
    if not labels:
        raise ValueError("labels is empty")
    allowed = SCHEMES[scheme]
    out = []
    for k, tag in enumerate(labels):
        if tag == "O":
            out.append(("O", ""))
            continue
        p, sep, t = tag.partition("-")
        if not (sep and p in allowed and t):
            raise ValueError(f"labels[{k}] = {tag!r} is not a valid {scheme} tag")
        out.append((p, t))
    if len(set(labels)) != len(labels):
        raise ValueError("labels contains a tag twice")
    return out


def allowed_transitions(labels: Any, *, scheme: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Which tags may begin, follow each other and end a well-formed sequence.

    Every scheme here is a first-order language: a sequence
    :math:`t_1 \dots t_n` is well formed (:func:`is_well_formed`) iff

    .. math::

        \text{start}[t_1] \wedge \bigwedge_{i=2}^{n} \text{allowed}[t_{i-1}, t_i]
        \wedge \text{end}[t_n].

    For example under IOB2, ``I-X`` may only follow ``B-X`` or ``I-X``; under
    IOE2, ``I-X`` must be followed by ``I-X`` or ``E-X`` and cannot end the
    sentence.

    Parameters
    ----------
    labels : sequence of str
        The tag set, e.g. the output classes of a tagger, in column order.
    scheme : str
        One of :data:`SCHEMES`.

    Returns
    -------
    allowed : numpy.ndarray of bool, shape (K, K)
        ``allowed[i, j]``: ``labels[j]`` may follow ``labels[i]``.
    start, end : numpy.ndarray of bool, shape (K,)
        The tags that may begin / end a sentence.

    Examples
    --------
    >>> allowed, start, end = allowed_transitions(["O", "B-PER", "I-PER"], scheme="IOB2")
    >>> allowed.astype(int)
    array([[1, 1, 0],
           [1, 1, 1],
           [1, 1, 1]])
    >>> start.tolist(), end.tolist()
    ([True, True, False], [True, True, True])
    """
    scheme = check_scheme(scheme)
    lab = _label_list(labels, scheme)
    k = len(lab)
    allowed = np.ones((k, k), dtype=bool)
    start = np.ones(k, dtype=bool)
    end = np.ones(k, dtype=bool)
    inside = {"IOB1": "BI", "IOB2": "BI", "IOBES": "BI", "BILOU": "BI"}
    for j, (p, t) in enumerate(lab):
        if scheme == "IOB2" and p == "I" or scheme == "IOB1" and p == "B":
            start[j] = False
            allowed[:, j] = [q in inside[scheme] and u == t for q, u in lab]
        if scheme in ("IOBES", "BILOU"):
            cont = "IE" if scheme == "IOBES" else "IL"
            opens = p in "BI"
            start[j] = p not in cont
            end[j] = not opens
            for i, (q, u) in enumerate(lab):
                if q in "BI":  # an open entity must go on with the same type
                    allowed[i, j] = p in cont and u == t
                else:
                    allowed[i, j] = p not in cont
        if scheme in ("IOE2", "IOE1"):
            closing = "I" if scheme == "IOE2" else "E"
            end[j] = p != closing
            if p == closing:
                allowed[j, :] = [q in "IE" and u == t for q, u in lab]
    return allowed, start, end


def constrained_decode(scores: Any, labels: Any, *, scheme: str, lengths: Any = None) -> np.ndarray:
    r"""The best-scoring *well-formed* tag sequence (Viterbi decoding).

    A tagger trained with per-token cross-entropy predicts each token on its
    own; the per-token argmax can be ill-formed (``O I-PER`` under IOB2).
    With :math:`s_{i,k}` the score of tag :math:`k` at token :math:`i` (for
    instance a log-probability), this returns

    .. math::

        \hat t = \arg\max_{t \text{ well formed}} \sum_{i=1}^{n} s_{i, t_i},

    computed by dynamic programming over :func:`allowed_transitions` in
    :math:`O(n K^2)`.  Ties go to the lowest tag index.

    Parameters
    ----------
    scores : array_like, shape (n, K) or (B, T, K)
        Scores of one sentence, or of a padded batch.  NaN and ``+inf`` are
        refused; ``-inf`` (a forbidden tag) is allowed.
    labels : sequence of str, length K
        The tag of each score column.
    scheme : str
        One of :data:`SCHEMES`.
    lengths : array_like of int, shape (B,), optional
        True lengths of a batch (default: all ``T``); positions beyond a
        length are ignored and returned as ``-1``.

    Returns
    -------
    numpy.ndarray of int64
        Tag indices, shape (n,) or (B, T).

    Raises
    ------
    ValueError
        If no well-formed sequence has a finite score.

    Examples
    --------
    >>> import numpy as np
    >>> labels = ["O", "B-PER", "I-PER"]
    >>> logp = np.log([[0.5, 0.4, 0.1], [0.3, 0.1, 0.6]])
    >>> logp.argmax(1)  # "O I-PER" is ill-formed under IOB2
    array([0, 2])
    >>> constrained_decode(logp, labels, scheme="IOB2")  # "B-PER I-PER"
    array([1, 2])
    """
    scheme = check_scheme(scheme)
    arr = as_float_array(scores, "scores")
    check_finite(arr, "scores", allow_posinf=True, allow_neginf=True)
    if np.isposinf(arr).any():
        raise ValueError("scores contains +inf")
    if arr.ndim not in (2, 3):
        raise ValueError(f"scores must have shape (n, K) or (B, T, K), got {arr.shape}")
    allowed, start, end = allowed_transitions(labels, scheme=scheme)
    k = allowed.shape[0]
    if arr.shape[-1] != k:
        raise ValueError(f"scores has {arr.shape[-1]} columns but labels has {k} tags")
    single = arr.ndim == 2
    x = arr[None] if single else arr
    b, t_max, _ = x.shape
    if lengths is None:
        lens = np.full(b, t_max, dtype=np.int64)
    else:
        if single:
            raise ValueError("lengths is only used with a batch of shape (B, T, K)")
        lens = as_int_array(lengths, "lengths", low=1, high=t_max, what="sentence lengths")
        if lens.shape != (b,):
            raise ValueError(f"lengths must hold {b} sentence lengths (one per batch row), got shape {lens.shape}")
    x = x.astype(np.float64)
    trans = np.where(allowed, 0.0, -np.inf)
    delta = x[:, 0, :] + np.where(start, 0.0, -np.inf)
    back = np.zeros((b, t_max, k), dtype=np.int64)
    ident = np.arange(k)
    for i in range(1, t_max):
        cand = delta[:, :, None] + trans[None]  # (b, from, to)
        best = cand.argmax(axis=1)
        new = np.take_along_axis(cand, best[:, None, :], axis=1)[:, 0, :] + x[:, i, :]
        active = i < lens
        delta = np.where(active[:, None], new, delta)
        back[:, i, :] = np.where(active[:, None], best, ident)
    delta = delta + np.where(end, 0.0, -np.inf)
    if not np.isfinite(delta.max(axis=1)).all():
        raise ValueError("no well-formed tag sequence has a finite score")
    out = np.empty((b, t_max), dtype=np.int64)
    cur = delta.argmax(axis=1)
    for i in range(t_max - 1, -1, -1):
        out[:, i] = cur
        cur = back[np.arange(b), i, cur]
    out[np.arange(t_max)[None, :] >= lens[:, None]] = -1
    return out[0] if single else out
