"""Tests of xentbook.data.near_duplicates: normalisation, duplicate keys, exact near-duplicate search."""

from __future__ import annotations

import unicodedata
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xentbook.data import dedupe_key, load_reviews, near_duplicate_groups, near_duplicate_pairs


# ----------------------------------------------------------------------------- near-duplicates


def test_dedupe_key_examples():
    assert dedupe_key("性价比高。") == dedupe_key("性价比高；") == "性价比高"
    assert dedupe_key("１．做工很好，") == dedupe_key("1. 做工很好；") == "1做工很好"
    assert dedupe_key("不错" * 34) == dedupe_key("不错" * 26) == dedupe_key("不错！不错。") == "不错"
    assert dedupe_key("好好好好好 ^_^ ☆") == "好"
    assert dedupe_key("ab" * 3 + "c" * 4) == "abc"
    assert dedupe_key("！？…… ￥+=") == ""
    assert dedupe_key("") == ""
    with pytest.raises(TypeError, match="text must be a str"):
        dedupe_key(3)


def _has_repeat(s: str) -> bool:
    return any(s[i : i + m] == s[i + m : i + 2 * m] for m in range(1, 33) for i in range(len(s) - 2 * m + 1))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="好差不错。，！ 1１aAＡ☆", max_size=40))
def test_dedupe_key_properties(text):
    key = dedupe_key(text)
    assert dedupe_key(key) == key  # idempotent
    assert not any(unicodedata.category(c)[0] in "PS" for c in key)
    assert not _has_repeat(key)  # no unit of <= 32 characters repeated back to back
    assert dedupe_key("，" + text.replace("好", "好 ")) == key  # punctuation and spaces never matter


def _brute_pairs(texts, t, n):
    def grams(x):
        if len(x) < n:
            return {x} if x else set()
        return {x[i : i + n] for i in range(len(x) - n + 1)}

    g = [grams(x) for x in texts]
    out = []
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            if g[i] and g[j] and Fraction(len(g[i] & g[j]), len(g[i] | g[j])) >= Fraction(str(t)):
                out.append((i, j))
    return out


def _brute_components(size, pairs):
    adj = {i: set() for i in range(size)}
    for i, j in pairs:
        adj[i].add(j)
        adj[j].add(i)
    label = [-1] * size
    for i in range(size):
        if label[i] < 0:
            stack, comp = [i], set()
            while stack:
                a = stack.pop()
                if a not in comp:
                    comp.add(a)
                    stack.extend(adj[a] - comp)
            for a in comp:
                label[a] = min(comp)
    return label


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet="abcd", max_size=9), max_size=14),
    st.sampled_from([0.2, 0.5, 0.6, 2 / 3, 0.75, 0.8, 0.9, 1.0]),
    st.integers(1, 3),
)
def test_near_duplicate_pairs_match_brute_force(texts, t, n):
    pairs = near_duplicate_pairs(texts, threshold=t, n=n)
    assert pairs == _brute_pairs(texts, t, n)
    assert near_duplicate_groups(texts, threshold=t, n=n).tolist() == _brute_components(len(texts), pairs)


def test_near_duplicate_pairs_real_reviews():
    reviews = load_reviews()
    # Brute force on a slice of real keys that contains near-duplicates.
    keys = sorted({dedupe_key(x) for x in reviews.texts[:3000]} - {""})
    assert near_duplicate_pairs(keys) == _brute_pairs(keys, 0.9, 3)


def test_near_duplicate_errors():
    with pytest.raises(ValueError, match="threshold"):
        near_duplicate_pairs(["a"], threshold=0.0)
    with pytest.raises(ValueError, match="threshold"):
        near_duplicate_pairs(["a"], threshold=1.5)
    with pytest.raises(ValueError, match="n must"):
        near_duplicate_groups(["a"], n=0)
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        near_duplicate_pairs(["a", 1])
    with pytest.raises(TypeError, match="sequence of strings"):
        near_duplicate_groups("abc")
    assert near_duplicate_pairs([]) == [] and near_duplicate_groups([]).tolist() == []
