"""Tests of xentbook.data.reviews: loading, the audit, leak-free splits and their audit."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from test_data_near_duplicates import _brute_pairs  # the brute-force oracle of the pair search
from xentbook.data import (
    Reviews,
    audit_review_split,
    audit_reviews,
    dedupe_key,
    load_reviews,
    normalize_text,
    split_reviews,
)


@pytest.fixture(scope="module")
def reviews() -> Reviews:
    return load_reviews()


# ----------------------------------------------------------------------------- reviews


def test_load_reviews_raw(reviews):
    assert len(reviews) == 16548 + 18576
    assert int(reviews.labels.sum()) == 16548
    assert reviews.labels[:16548].all() and not reviews.labels[16548:].any()
    assert reviews.texts[0] == "我正在写这本书的心得，勘误和疑点，有兴趣的朋友可以访问我的网站，交流切磋。www.smallstonesoft.com"
    assert reviews.texts[-1].endswith("XP系统！")
    assert not reviews.labels.flags.writeable


def test_normalize_text():
    assert normalize_text("ＡＢＣ　１２３") == "abc123"
    assert normalize_text(" 好 看\t\n ") == "好看"
    assert normalize_text("，！？") == ",!?"
    assert normalize_text("") == ""
    with pytest.raises(TypeError, match="text must be a str"):
        normalize_text(None)


def _brute_audit(texts, labels):
    nonempty = [(t, y) for t, y in zip(texts, labels) if t.strip()]
    norm = [("".join(normalize_text(t)), y) for t, y in nonempty]
    by_norm: dict[str, set] = {}
    for k, y in norm:
        by_norm.setdefault(k, set()).add(y)
    conflicts = [k for k, v in by_norm.items() if len(v) > 1]
    return {
        "n_empty": len(texts) - len(nonempty),
        "n_exact_duplicates": len(nonempty) - len({t for t, _ in nonempty}),
        "n_normalized_duplicates": len(norm) - len(by_norm),
        "n_conflicting_texts": len(conflicts),
        "n_conflicting_rows": sum(1 for k, _ in norm if k in conflicts),
        "n_usable": len(by_norm) - len(conflicts),
    }


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["好", "好 ", "ＯＫ", "ok", "差", "", "  ", "一般"]), st.integers(0, 1)), max_size=30))
def test_audit_matches_brute_force(rows):
    texts = [t for t, _ in rows]
    labels = [y for _, y in rows]
    a = audit_reviews(texts, np.array(labels, dtype=np.int64))
    for key, value in _brute_audit(texts, labels).items():
        assert getattr(a, key) == value, key
    reviews = Reviews(tuple(texts), np.array(labels, dtype=np.int64))
    s = split_reviews(reviews, val=0.25, test=0.25, near_duplicates=False)
    assert len(s.train) + len(s.val) + len(s.test) == a.n_usable
    assert s.n_dropped_empty == a.n_empty
    assert s.n_dropped_conflicting == a.n_conflicting_rows
    assert s.n_dropped_empty + s.n_dropped_duplicates + s.n_dropped_conflicting + a.n_usable == len(texts)


_PIECES = ["质量很好", "物流很快", "不错", "差评", "一般", "！", "。", " ", "好好"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.lists(st.sampled_from(_PIECES), max_size=5), st.integers(0, 1)), max_size=25), st.integers(0, 3))
def test_split_keeps_near_duplicates_together(rows, seed):
    texts = tuple("".join(p) for p, _ in rows)
    labels = np.array([y for _, y in rows], dtype=np.int64)
    s = split_reviews(Reviews(texts, labels), seed=seed, val=0.25, test=0.25)
    parts = {"train": s.train, "val": s.val, "test": s.test}
    where = {}
    for name, part in parts.items():
        for x, y in zip(part.texts, part.labels.tolist()):
            k = dedupe_key(x)
            assert k and k not in where  # no empty key, no key twice
            where[k] = name
    # brute force: every kept key that is a near-duplicate of another lies in its split
    keys = list(where)
    for i, j in _brute_pairs(keys, 0.9, 3):
        assert where[keys[i]] == where[keys[j]]
    by_key: dict[str, set] = {}
    for x, y in zip(texts, labels.tolist()):
        if dedupe_key(x):
            by_key.setdefault(dedupe_key(x), set()).add(y)
    assert set(keys) == {k for k, v in by_key.items() if len(v) == 1}
    assert s.n_dropped_empty == sum(1 for x in texts if not dedupe_key(x))
    assert s.n_dropped_conflicting == sum(1 for x in texts if dedupe_key(x) and len(by_key[dedupe_key(x)]) == 2)
    assert s.n_dropped_empty + s.n_dropped_duplicates + s.n_dropped_conflicting + len(keys) == len(texts)
    a = audit_review_split(Reviews(texts, labels), seed=seed, val=0.25, test=0.25)
    assert a.cross_pairs["after"] == a.cross_opposite_pairs["after"] == a.test_with_train_neighbour["after"] == 0
    assert a.n_pairs == len(_brute_pairs(keys, 0.9, 3))


def test_audit_review_split_toy():
    toy = Reviews(("好评！", "好评。", "好评", "很差", "很差很差", "质量很好物流很快包装也不错", "质量很好物流很快包装也不错啊", "一般般吧"),
                  [1, 1, 1, 0, 0, 1, 0, 1])
    a = audit_review_split(toy, val=0.0, test=0.5)
    assert (a.n_exact_duplicates, a.n_normalized_duplicates, a.n_key_duplicates) == (0, 0, 3)
    assert a.n_key_conflicts == 0
    # keys: 好评, 很差, 质量很好物流很快包装也不错 (+啊: Jaccard 11/12), 一般吧 -> one pair, opposite labels
    assert (a.n_pairs, a.n_groups, a.n_grouped_texts, a.n_opposite_pairs) == (1, 1, 2, 1)
    assert a.cross_pairs["after"] == 0
    assert "near-duplicate pairs across splits" in a.summary()
    with pytest.raises(TypeError, match="reviews must be a Reviews or None"):
        audit_review_split(["a"])
    with pytest.raises(TypeError, match="near_duplicates must be a bool"):
        split_reviews(toy, near_duplicates="yes")
    with pytest.raises(ValueError, match="threshold"):
        split_reviews(toy, threshold=0)


def test_reviews_none_is_the_whole_corpus(monkeypatch):
    """reviews=None loads the corpus (load_reviews), the documented default that the fuzz suite
    skips as too slow; checked here on a stand-in corpus."""
    import xentbook.data.reviews as module

    toy = Reviews(("好评！", "好评。", "很差", "很差很差", "一般般吧", "还不错哦"), np.array([1, 1, 0, 0, 1, 1]))
    monkeypatch.setattr(module, "load_reviews", lambda: toy)
    assert audit_review_split(val=0.0, test=0.5) == audit_review_split(toy, val=0.0, test=0.5)
    got, want = split_reviews(val=0.0, test=0.5), split_reviews(toy, val=0.0, test=0.5)
    assert got.summary() == want.summary()


def test_audit_real_reviews(reviews):
    a = audit_reviews(reviews)
    brute = _brute_audit(reviews.texts, reviews.labels.tolist())
    for key, value in brute.items():
        assert getattr(a, key) == value, key
    assert (a.n_texts, a.n_positive, a.n_negative, a.n_empty) == (35124, 16548, 18576, 1)
    # about half of the lines are copies of other lines: the headline finding of the audit
    assert a.n_exact_duplicates == 17713
    assert a.n_conflicting_texts == 47
    assert a.lengths["all"].count == 35123
    lens = np.array([len(t) for t in reviews.texts if t.strip()])
    assert a.lengths["all"].max == lens.max() and a.lengths["all"].median == np.median(lens)
    assert a.most_repeated[0][1] == max(Counter(normalize_text(t) for t in reviews.texts if t.strip()).values())
    assert all(normalize_text(t) in {normalize_text(x) for x, y in zip(reviews.texts, reviews.labels) if y == 1}
               for t in a.conflict_examples)
    assert "texts with both labels: 47" in a.summary()


def test_split_reviews_cannot_leak(reviews):
    s = split_reviews(reviews)
    parts = (s.train, s.val, s.test)
    keys = [{dedupe_key(t) for t in p.texts} for p in parts]
    assert all(len(k) == len(p) for k, p in zip(keys, parts))  # no duplicates inside a split
    assert not (keys[0] & keys[1]) and not (keys[0] & keys[2]) and not (keys[1] & keys[2])
    labels_of: dict[str, set] = {}
    for t, y in zip(reviews.texts, reviews.labels.tolist()):
        labels_of.setdefault(dedupe_key(t), set()).add(y)
    for p in parts:
        for t, y in zip(p.texts, p.labels.tolist()):
            assert labels_of[dedupe_key(t)] == {y}  # label agrees, no conflicting text kept
    usable = sum(1 for k, v in labels_of.items() if k and len(v) == 1)
    assert sum(map(len, parts)) == usable == 17310
    rates = [p.labels.mean() for p in parts]
    assert max(rates) - min(rates) < 0.01  # stratified
    assert abs(len(s.test) / usable - 0.1) < 0.002
    assert "dropped: 9 empty" in s.summary() and (s.n_groups, s.n_grouped_texts) == (12, 24)
    again = split_reviews(reviews)
    assert again.test.texts == s.test.texts and np.array_equal(again.test.labels, s.test.labels)
    other = split_reviews(reviews, seed=1)
    assert other.test.texts != s.test.texts
    # The older split (normalize_text only) is still available and unchanged.
    old = split_reviews(reviews, near_duplicates=False)
    assert (len(old.train), len(old.val), len(old.test)) == (13886, 1736, 1736)
    assert sum(map(len, (old.train, old.val, old.test))) == audit_reviews(reviews).n_usable


def test_audit_review_split_real(reviews):
    a = audit_review_split(reviews)
    assert (a.n_exact_duplicates, a.n_normalized_duplicates, a.n_key_duplicates) == (17713, 17718, 17751)
    assert (a.n_pairs, a.n_groups, a.n_grouped_texts) == (12, 12, 24)
    # What issue 14 found in the older split: 8 test texts with a near-duplicate in training.
    assert a.test_with_train_neighbour == {"before": 8, "after": 0}
    assert a.cross_pairs["before"] == 20 and a.cross_pairs["after"] == 0
    assert a.cross_opposite_pairs == {"before": 5, "after": 0}


def test_reviews_errors(reviews):
    with pytest.raises(ValueError, match="they must match"):
        Reviews(("a", "b"), [1])
    with pytest.raises(ValueError, match="labels must hold values <= 1"):
        Reviews(("a",), [2])
    with pytest.raises(ValueError, match="one-dimensional"):
        Reviews(("a",), [[1]])
    with pytest.raises(TypeError, match="labels must hold 0/1 labels"):
        Reviews(("a",), ["1"])
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        Reviews(("a", 3), [1, 0])
    with pytest.raises(TypeError, match="sequence of strings"):
        Reviews("ab", [1, 0])
    with pytest.raises(ValueError, match="labels is required"):
        audit_reviews(["a"])
    with pytest.raises(ValueError, match="labels must be omitted"):
        audit_reviews(reviews, [1])
    with pytest.raises(TypeError, match="reviews must be a Reviews or None"):
        split_reviews(["a"])
    with pytest.raises(ValueError, match="val \\+ test"):
        split_reviews(reviews, val=0.6, test=0.4)
    with pytest.raises(TypeError, match="seed must be an integer"):
        split_reviews(reviews, seed="0")
    with pytest.raises(ValueError, match="val must lie"):
        split_reviews(reviews, val=float("nan"))
