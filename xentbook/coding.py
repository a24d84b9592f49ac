"""Prefix codes: the operational meaning of entropy and cross-entropy.

A binary *prefix code* gives every symbol a codeword of ``0``/``1`` digits,
no codeword being a prefix of another, so a concatenation of codewords can be
decoded left to right without separators.  Here a code is a tuple of
codewords, one per symbol ``0 .. K-1``; a symbol that the code cannot encode
(because its model probability is zero) has the codeword ``None``.  Bit
strings are Python ``str`` of ``"0"`` and ``"1"`` -- clear rather than compact.

What the lengths mean, for a code built for a model ``q`` and used on data
from ``p`` (Cover & Thomas, ch. 5):

* **Shannon code** for ``q``, lengths :math:`\\lceil -\\log_2 q_i \\rceil`:
  :math:`H_2(p, q) \\le L_p < H_2(p, q) + 1` bits per symbol.
* **Huffman code** for ``q``: optimal (smallest :math:`L_q`) for data from
  ``q`` itself, :math:`H_2(q) \\le L_q < H_2(q) + 1`; but used on data from
  :math:`p \\ne q` its average length :math:`L_p` can fall below
  :math:`H_2(p, q)` *or* exceed :math:`H_2(p, q) + 1`: Huffman lengths are not
  tied to :math:`-\\log_2 q_i` symbol by symbol.
* **Any** prefix code satisfies Kraft's inequality
  :math:`\\sum_i 2^{-\\ell_i} \\le 1` and therefore :math:`L_p \\ge H_2(p)`.
"""

from __future__ import annotations

import heapq
import math
from fractions import Fraction
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._validation import (
    as_float_array,
    as_int_array,
    check_distribution,
    check_instance,
    check_int,
    check_lengths,
    check_ndim,
    check_sequence,
)

#: Longest codeword :func:`code_from_lengths` builds (its codewords are strings of bits).
_MAX_CODEWORD = 2**16

__all__ = [
    "code_from_lengths",
    "shannon_code",
    "huffman_code",
    "kraft_sum",
    "is_prefix_free",
    "expected_code_length",
    "encode",
    "decode",
]

Code = tuple[str | None, ...]


def _probabilities(q: Any, name: str) -> np.ndarray:
    arr = as_float_array(q, name)
    check_ndim(arr, name, 1, what="a 1-D probability vector")
    check_distribution(arr, name)
    return arr.astype(np.float64, copy=False)


def _entries(seq: Any, name: str, what: str) -> list[tuple[int, Any]]:
    """``(index, entry)`` of the entries of a non-empty sequence that are not None."""
    seq = check_sequence(seq, name, what=what, allow_empty=False)
    return [(i, item) for i, item in enumerate(seq) if item is not None]


def _check_bits(bits: str, name: str, *, allow_empty: bool) -> None:
    """The one rule of a bit string: only the characters '0' and '1' (and not empty for a codeword)."""
    if (not bits and not allow_empty) or set(bits) - {"0", "1"}:
        empty = "" if allow_empty else "non-empty "
        raise ValueError(f"{name} must be a {empty}string of only '0' and '1', got {bits!r}")


def _check_code(code: Any) -> Code:
    for i, word in _entries(code, "code", "codewords"):
        check_instance(word, f"code[{i}]", str, what="a str of '0'/'1' or None")
        _check_bits(word, f"code[{i}]", allow_empty=False)
    if all(word is None for word in code):
        raise ValueError("code has no codeword: every entry is None")
    return tuple(code)


def _check_prefix_code(code: Any) -> Code:
    """:func:`_check_code`, and the code must be prefix-free (what encoding and decoding need)."""
    words = _check_code(code)
    if not is_prefix_free(words):
        raise ValueError("code is not prefix-free")
    return words


def code_from_lengths(lengths: Sequence[int | None]) -> Code:
    r"""The canonical binary prefix code with the given codeword lengths.

    Symbols are sorted by (length, index) and given consecutive binary
    numbers, shifted left whenever the length grows.  This succeeds exactly
    when the lengths satisfy Kraft's inequality

    .. math::

        \sum_i 2^{-\ell_i} \le 1 ,

    which is the content of Kraft's theorem: any lengths that satisfy it are
    the lengths of some prefix code.

    Parameters
    ----------
    lengths : sequence of int or None
        Codeword length :math:`\ell_i \ge 1` per symbol; ``None`` for a
        symbol that gets no codeword.

    Returns
    -------
    tuple of str or None
        The codewords, symbol by symbol.

    Raises
    ------
    ValueError
        If the sequence is empty, has no codeword at all, a length is below 1,
        or the lengths violate Kraft's inequality.
    TypeError
        If a length is not an integer or ``None``.

    Examples
    --------
    >>> from xentbook.coding import code_from_lengths
    >>> code_from_lengths([2, 1, 3, 3])
    ('10', '0', '110', '111')
    """
    for i, ell in _entries(lengths, "lengths", "integers or None"):
        check_int(ell, f"lengths[{i}]", low=1, high=_MAX_CODEWORD)
    used = sorted((int(ell), i) for i, ell in enumerate(lengths) if ell is not None)
    if not used:
        raise ValueError("lengths must give at least one symbol a codeword")
    # Exact Kraft sum with integers: sum 2^(L - l_i) <= 2^L.
    top = used[-1][0]
    if sum(1 << (top - ell) for ell, _ in used) > (1 << top):
        raise ValueError("lengths violate Kraft's inequality sum(2**-l) <= 1; no prefix code has them")
    words: list[str | None] = [None] * len(lengths)
    value, prev = 0, used[0][0]
    for ell, i in used:
        value <<= ell - prev
        prev = ell
        words[i] = format(value, f"0{ell}b")
        value += 1
    return tuple(words)


def _shannon_lengths(arr: np.ndarray, total: Fraction) -> list[int | None]:
    """Least l >= 1 with 2**-l <= q_i / total, exactly (floats are exact rationals)."""
    lengths: list[int | None] = []
    for qi in arr:
        if qi == 0:
            lengths.append(None)
            continue
        exact = Fraction(float(qi)) / total
        ell = max(0, math.ceil(-math.log2(float(exact))))
        while Fraction(1, 2**ell) > exact:
            ell += 1
        while ell > 0 and Fraction(1, 2 ** (ell - 1)) <= exact:
            ell -= 1
        lengths.append(max(1, ell))
    return lengths


def _kraft_exceeds_one(lengths: list[int | None]) -> bool:
    used = [ell for ell in lengths if ell is not None]
    top = max(used)
    return sum(1 << (top - ell) for ell in used) > (1 << top)


def shannon_code(q: ArrayLike) -> Code:
    r"""Shannon code for the model ``q``: codeword lengths :math:`\lceil -\log_2 q_i \rceil`.

    .. math::

        \ell_i = \max\bigl(1, \lceil -\log_2 q_i \rceil\bigr), \qquad
        H_2(p, q) \le \sum_i p_i \ell_i < H_2(p, q) + 1

    for every data distribution ``p`` (whenever :math:`H_2(p, q) < \infty`).
    The lengths satisfy Kraft's inequality because
    :math:`2^{-\ell_i} \le q_i` (checked in exact arithmetic).  Should ``q``
    sum to slightly more than one -- allowed within the validation tolerance --
    so that these lengths break Kraft's inequality, they are recomputed for
    ``q / q.sum()`` in exact rational arithmetic (which can cost a symbol one
    extra bit).  Symbols with :math:`q_i = 0` get no codeword
    (``None``).  The ``max(1, ...)`` only matters when ``q`` is a point mass,
    where a 0-bit codeword could not be decoded; then :math:`L = 1`.

    Parameters
    ----------
    q : array_like
        1-D probability vector.

    Returns
    -------
    tuple of str or None
        Canonical codewords (see :func:`code_from_lengths`).

    Raises
    ------
    ValueError
        If ``q`` is not a 1-D probability vector.
    TypeError
        If ``q`` is not real-valued.

    Examples
    --------
    >>> from xentbook.coding import shannon_code
    >>> shannon_code([0.5, 0.25, 0.125, 0.125])
    ('0', '10', '110', '111')
    >>> shannon_code([0.6, 0.4, 0.0])
    ('0', '10', None)
    """
    arr = _probabilities(q, "q")
    lengths = _shannon_lengths(arr, Fraction(1))
    if _kraft_exceeds_one(lengths):
        # q sums to slightly more than one (allowed by the validation tolerance) and the
        # rounding-up left no slack: redo it for q / sum(q) in exact rational arithmetic.
        lengths = _shannon_lengths(arr, sum(Fraction(float(qi)) for qi in arr))
    return code_from_lengths(lengths)


def huffman_code(q: ArrayLike) -> Code:
    r"""Huffman code for the model ``q``: the prefix code of least expected length under ``q``.

    Repeatedly merges the two least probable nodes (with a :mod:`heapq`);
    ties are broken deterministically (leaves by symbol index, before any
    merged node; merged nodes in creation order).  The resulting lengths are
    turned into the canonical code of :func:`code_from_lengths`, which has the
    same lengths and so the same optimality.  Symbols with :math:`q_i = 0` get
    no codeword (``None``); if only one symbol has positive probability it
    gets the 1-bit codeword ``"0"``.

    .. math::

        L_q = \sum_i q_i \ell_i = \min_{\ell \text{ prefix}} \sum_i q_i \ell_i,
        \qquad H_2(q) \le L_q < H_2(q) + 1 .

    Used on data from another distribution ``p``, a Huffman code for ``q``
    has no such guarantee relative to :math:`H_2(p, q)`: only
    :math:`L_p \ge H_2(p)` holds.

    Parameters
    ----------
    q : array_like
        1-D probability vector, the model the code is built for; invalid
        input raises as in :func:`shannon_code`.

    Returns
    -------
    tuple of str or None
        Canonical codewords, symbol by symbol (``None`` where :math:`q_i = 0`).

    Examples
    --------
    >>> huffman_code([0.4, 0.3, 0.2, 0.1])
    ('0', '10', '110', '111')
    """
    arr = _probabilities(q, "q")
    support = [i for i, qi in enumerate(arr) if qi > 0]
    lengths: list[int | None] = [None] * arr.size
    if len(support) == 1:
        lengths[support[0]] = 1
        return code_from_lengths(lengths)
    # Heap entries: (weight, tie-break rank, symbols in the subtree).
    heap: list[tuple[float, int, list[int]]] = [(float(arr[i]), rank, [i]) for rank, i in enumerate(support)]
    heapq.heapify(heap)
    depth = {i: 0 for i in support}
    rank = len(support)
    while len(heap) > 1:
        w1, _, s1 = heapq.heappop(heap)
        w2, _, s2 = heapq.heappop(heap)
        for i in s1 + s2:
            depth[i] += 1
        heapq.heappush(heap, (w1 + w2, rank, s1 + s2))
        rank += 1
    for i in support:
        lengths[i] = depth[i]
    return code_from_lengths(lengths)


def kraft_sum(code: Sequence[str | None]) -> float:
    r"""Kraft sum of a code, :math:`\sum_i 2^{-\ell_i}` over the symbols that have codewords.

    Every prefix code (indeed every uniquely decodable code) has
    :math:`\sum_i 2^{-\ell_i} \le 1`; a Huffman code has equality (it is
    *complete*).

    Parameters
    ----------
    code : sequence of str or None
        Codewords of ``"0"``/``"1"`` per symbol.

    Returns
    -------
    float
        At most 1 for a prefix code.

    Raises
    ------
    ValueError
        If ``code`` is empty or holds an empty or non-binary codeword.
    TypeError
        If ``code`` is not a sequence of str/None.

    Examples
    --------
    >>> from xentbook.coding import kraft_sum
    >>> kraft_sum(["0", "10", "11"])
    1.0
    """
    words = _check_code(code)
    return math.fsum(2.0 ** -len(w) for w in words if w is not None)


def is_prefix_free(code: Sequence[str | None]) -> bool:
    """Whether no codeword is a prefix of (or equal to) another.

    Sorting the codewords puts any prefix immediately before some word that
    extends it, so checking neighbours is enough.

    Parameters
    ----------
    code : sequence of str or None
        Codewords per symbol (``None`` entries are ignored).

    Returns
    -------
    bool

    Raises
    ------
    ValueError, TypeError
        As :func:`kraft_sum`.

    Examples
    --------
    >>> from xentbook.coding import is_prefix_free
    >>> is_prefix_free(["0", "10", "11"]), is_prefix_free(["0", "01"])
    (True, False)
    """
    words = sorted(w for w in _check_code(code) if w is not None)
    return all(not b.startswith(a) for a, b in zip(words, words[1:]))


def expected_code_length(p: ArrayLike, code: Sequence[str | None]) -> float:
    r"""Average codeword length in bits per symbol for data drawn from ``p``.

    .. math::

        L_p = \sum_i p_i \ell_i ,

    ``inf`` if ``p`` gives positive probability to a symbol without a
    codeword.

    Parameters
    ----------
    p : array_like
        1-D probability vector of the data.
    code : sequence of str or None
        Codewords per symbol, as many as ``p`` has entries.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``p`` is not a 1-D probability vector, the code is invalid, or
        their lengths differ.
    TypeError
        If ``p`` is not real-valued or ``code`` not a sequence of str/None.

    Examples
    --------
    >>> from xentbook.coding import expected_code_length
    >>> expected_code_length([0.5, 0.25, 0.25], ["0", "10", "11"])
    1.5
    """
    arr = _probabilities(p, "p")
    words = _check_code(code)
    check_lengths(arr, len(words), "p", "code", what="entries", of="codewords")
    total = []
    for pi, w in zip(arr, words):
        if pi == 0:
            continue
        if w is None:
            return math.inf
        total.append(pi * len(w))
    return math.fsum(total)


def _symbols(symbols: Any, size: int) -> np.ndarray:
    arr = as_int_array(symbols, "symbols", allow_empty=True, low=0, high=size - 1, what="integer symbol indices")
    check_ndim(arr, "symbols", 1)
    return arr


def encode(symbols: ArrayLike, code: Sequence[str | None]) -> str:
    """Concatenate the codewords of a sequence of symbols.

    Parameters
    ----------
    symbols : array_like of int
        1-D sequence of symbol indices in ``0 .. len(code) - 1``.
    code : sequence of str or None
        A prefix code (checked with :func:`is_prefix_free`).

    Returns
    -------
    str
        The bit string; its length divided by ``len(symbols)`` is the
        empirical average code length.

    Raises
    ------
    ValueError
        If the code is not prefix-free or invalid, a symbol is out of range,
        or a symbol has no codeword.
    TypeError
        If ``symbols`` is not an integer array or ``code`` not a sequence of
        str/None.

    Examples
    --------
    >>> from xentbook.coding import encode
    >>> encode([0, 2, 1], ["0", "10", "11"])
    '01110'
    """
    words = _check_prefix_code(code)
    arr = _symbols(symbols, len(words))
    missing = [int(s) for s in np.unique(arr) if words[s] is None]
    if missing:
        raise ValueError(f"symbol(s) {missing} have no codeword in this code (zero model probability)")
    return "".join([words[s] for s in arr.tolist()])  # type: ignore[misc]


def decode(bits: str, code: Sequence[str | None]) -> np.ndarray:
    """Decode a bit string produced by :func:`encode` with the same prefix code.

    Reads left to right and emits a symbol as soon as the bits read so far
    form a codeword, which is unambiguous because no codeword is a prefix of
    another.

    Parameters
    ----------
    bits : str
        A string of ``"0"`` and ``"1"``.
    code : sequence of str or None
        The prefix code used to encode.

    Returns
    -------
    numpy.ndarray
        The decoded symbol indices (int64).

    Raises
    ------
    ValueError
        If the code is not prefix-free or invalid, ``bits`` contains other
        characters, or it ends in the middle of a codeword / contains a bit
        pattern that starts no codeword.
    TypeError
        If ``bits`` is not a str.

    Examples
    --------
    >>> from xentbook.coding import decode
    >>> decode("01110", ["0", "10", "11"])
    array([0, 2, 1])
    """
    check_instance(bits, "bits", str, what="a str of '0'/'1'")
    words = _check_prefix_code(code)
    _check_bits(bits, "bits", allow_empty=True)
    lookup = {w: i for i, w in enumerate(words) if w is not None}
    longest = max(len(w) for w in lookup)
    out: list[int] = []
    start, n = 0, len(bits)
    while start < n:
        for end in range(start + 1, min(start + longest, n) + 1):
            sym = lookup.get(bits[start:end])
            if sym is not None:
                out.append(sym)
                start = end
                break
        else:
            rest = bits[start:]
            if any(w.startswith(rest) for w in lookup):
                raise ValueError(f"bits end in the middle of a codeword (at bit {start})")
            raise ValueError(f"bits at position {start} start no codeword of this code")
    return np.asarray(out, dtype=np.int64)
