"""Duplicate keys and exact near-duplicate search for short texts.

:func:`normalize_text` and :func:`dedupe_key` say when two texts are the same
text; :func:`near_duplicate_pairs` finds every pair of texts whose character
n-gram sets have Jaccard similarity at or above a threshold (exactly, by
prefix filtering), and :func:`near_duplicate_groups` joins the pairs into
groups.  The review splits of :mod:`xentbook.data.reviews` are built on them.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from .._validation import check_int, check_number, check_str, check_texts

__all__ = ["normalize_text", "dedupe_key", "near_duplicate_pairs", "near_duplicate_groups"]


def normalize_text(text: str) -> str:
    """Normalise a text for duplicate detection.

    Unicode NFKC (full-width letters, digits and punctuation become their
    ordinary forms, ``U+3000`` becomes a space), case folding, then removal of
    all whitespace (Chinese does not separate words with spaces, so a space is
    formatting, not content).

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        The normalised text: what :func:`~xentbook.data.reviews.audit_reviews` counts as a repeat.

    Examples
    --------
    >>> normalize_text("Ｗｉｎｄｏｗｓ　ＸＰ 系统！")
    'windowsxp系统!'
    """
    check_str(text, "text")
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


_REPEAT_RE = re.compile(r"(.{1,32}?)\1+", re.DOTALL)


def dedupe_key(text: str) -> str:
    """The key under which two reviews count as the same text.

    :func:`normalize_text` (NFKC, case folding, no whitespace), then every
    character of a Unicode punctuation (``P*``) or symbol (``S*``) category is
    removed, then every run of a unit of 1 to 32 characters repeated
    back to back is replaced by one copy of the unit (shortest unit first,
    repeated until nothing changes).  ``性价比高。`` and ``性价比高；`` get
    the same key, and so do ``不错`` written 34 times and 26 times.  The
    collapse also merges reduplicated words (``谢谢`` -> ``谢``): for a
    duplicate key, erring towards "same text" is the safe side.

    Parameters
    ----------
    text : str
        A review (or any text).

    Returns
    -------
    str
        The key; empty when the text has nothing but punctuation, symbols
        and spaces.

    Examples
    --------
    >>> dedupe_key("１．做工很好！！") == dedupe_key("1. 做工很好；")
    True
    >>> dedupe_key("不错不错不错，"), dedupe_key("好好好 :-)")
    ('不错', '好')
    """
    s = "".join(c for c in normalize_text(text) if unicodedata.category(c)[0] not in "PS")
    while True:
        collapsed = _REPEAT_RE.sub(r"\1", s)
        if collapsed == s:
            return s
        s = collapsed


def _shingles(text: str, n: int) -> frozenset[str]:
    # Character n-grams; a non-empty text shorter than n is its own single shingle.
    if len(text) < n:
        return frozenset((text,)) if text else frozenset()
    return frozenset(text[i : i + n] for i in range(len(text) - n + 1))


def near_duplicate_pairs(texts: Sequence[str], *, threshold: float = 0.9, n: int = 3) -> list[tuple[int, int]]:
    """All pairs of texts whose character n-gram sets have Jaccard similarity >= ``threshold``.

    With :math:`G(x)` the set of character ``n``-grams of ``x`` (a non-empty
    text shorter than ``n`` is its own single n-gram; an empty text has none
    and is paired with nothing),

    .. math::

        J(x, y) = \\frac{|G(x) \\cap G(y)|}{|G(x) \\cup G(y)|} \\ge t .

    The search is *exact*, not sampled (unlike MinHash, it cannot miss a
    pair): prefix filtering (Chaudhuri, Ganti and Kaushik 2006; Bayardo,
    Ma and Srikant 2007).  Order the n-grams of every set from rare to
    frequent; if :math:`J(x, y) \\ge t` then :math:`|G(x) \\cap G(y)| \\ge
    \\lceil t\\,|G(x)| \\rceil` (and likewise for :math:`y`), so the two sets
    share one of the first :math:`|G(x)| - \\lceil t\\,|G(x)| \\rceil + 1`
    n-grams of :math:`G(x)` and of :math:`G(y)`.  Only pairs sharing such a rare prefix
    n-gram, and with :math:`|G(y)| \\ge t\\,|G(x)|`, are compared exactly.
    The result equals the brute-force comparison of all pairs (tested).

    Parameters
    ----------
    texts : sequence of str
        Compared as given (apply :func:`dedupe_key` first to ignore
        punctuation and repetitions).
    threshold : float
        :math:`t \\in (0, 1]`.  Compared with a tolerance of 1e-9, so that a
        ratio exactly equal to a decimal threshold (9/10 for 0.9) counts.
    n : int
        n-gram length, >= 1.

    Returns
    -------
    list of (int, int)
        Index pairs ``(i, j)``, ``i < j``, sorted.

    Examples
    --------
    >>> near_duplicate_pairs(["质量很好物流也很快", "质量很好物流也很快啊", "完全不同的评论"], threshold=0.8)
    [(0, 1)]
    """
    texts = check_texts(texts)
    t = check_number(threshold, "threshold", low=0.0, high=1.0, low_open=True)
    n = check_int(n, "n", low=1)
    return list(_pairs(texts, t, n))


@lru_cache(maxsize=4)
def _pairs(texts: tuple[str, ...], t: float, n: int) -> tuple[tuple[int, int], ...]:
    grams = [_shingles(x, n) for x in texts]
    df: Counter[str] = Counter(g for s in grams for g in s)
    rank = {g: r for r, g in enumerate(sorted(df, key=lambda g: (df[g], g)))}  # rare first
    sets = [frozenset(rank[g] for g in s) for s in grams]
    index: dict[int, list[int]] = {}
    pairs: list[tuple[int, int]] = []
    # Smaller sets first: each set is compared with the already indexed sets no larger than it.
    for i in sorted(range(len(sets)), key=lambda k: (len(sets[k]), k)):
        s = sets[i]
        if not s:
            continue
        size = len(s)
        prefix = sorted(s)[: size - math.ceil(t * size - 1e-9) + 1]
        low = t * size - 1e-9
        candidates: set[int] = set()
        for g in prefix:
            bucket = index.get(g)
            if bucket is not None:
                candidates.update(j for j in bucket if len(sets[j]) >= low)
        for j in candidates:
            inter = len(s & sets[j])
            if inter >= t * (size + len(sets[j]) - inter) - 1e-9:
                pairs.append((min(i, j), max(i, j)))
        for g in prefix:
            index.setdefault(g, []).append(i)
    return tuple(sorted(pairs))


def near_duplicate_groups(texts: Sequence[str], *, threshold: float = 0.9, n: int = 3) -> np.ndarray:
    """Group texts into connected components of the near-duplicate graph.

    Two texts are linked when :func:`near_duplicate_pairs` pairs them; a group
    is a connected component (so a chain of near-duplicates is one group even
    if its ends are not near-duplicates of each other).

    Parameters
    ----------
    texts : sequence of str
    threshold : float
    n : int
        As in :func:`near_duplicate_pairs`.

    Returns
    -------
    numpy.ndarray of int64
        ``groups[i]`` is the smallest index of the group of text ``i``.

    Examples
    --------
    >>> near_duplicate_groups(["abcdef", "abcdefg", "xyz", "abcdefgh"], threshold=0.8)
    array([0, 0, 2, 0])
    """
    texts = check_texts(texts)
    return _components(len(texts), near_duplicate_pairs(texts, threshold=threshold, n=n))


def _components(size: int, pairs: list[tuple[int, int]]) -> np.ndarray:
    # Union-find; each item is labelled by the smallest index of its component.
    parent = list(range(size))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for i, j in pairs:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    return np.array([find(i) for i in range(size)], dtype=np.int64)
