"""Tests of xentbook.coding: Kraft, prefix-freeness, optimality by brute force, bounds, round trips."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

import strategies
from xentbook.coding import (
    code_from_lengths,
    decode,
    encode,
    expected_code_length,
    huffman_code,
    is_prefix_free,
    kraft_sum,
    shannon_code,
)
from xentbook.information import cross_entropy, entropy


distributions = strategies.distributions


def _brute_force_prefix(words):
    words = [w for w in words if w is not None]
    return all(
        not (b.startswith(a)) for i, a in enumerate(words) for j, b in enumerate(words) if i != j
    )


def _lengths(code):
    return [None if w is None else len(w) for w in code]


# ---------------------------------------------------------------- structure


@settings(max_examples=200, deadline=None)
@given(distributions())
def test_codes_are_prefix_free_and_satisfy_kraft(q):
    for code in (shannon_code(q), huffman_code(q)):
        assert len(code) == q.size
        assert is_prefix_free(code)
        assert _brute_force_prefix(code)
        assert kraft_sum(code) <= 1.0 + 1e-12
        # exactly the symbols with positive model probability get codewords
        assert [w is not None for w in code] == list(q > 0)


@settings(max_examples=200, deadline=None)
@given(distributions())
def test_huffman_is_complete(q):
    code = huffman_code(q)
    if np.count_nonzero(q) >= 2:
        assert kraft_sum(code) == 1.0  # every internal node has two children
    else:
        assert kraft_sum(code) == 0.5  # single symbol: the 1-bit word "0"


@settings(max_examples=200, deadline=None)
@given(distributions())
def test_shannon_lengths_are_ceil_minus_log2(q):
    code = shannon_code(q)
    total = Fraction(1)
    if sum(Fraction(1, 2 ** _least_length(Fraction(float(x)))) for x in q if x > 0) > 1:
        total = sum(Fraction(float(x)) for x in q)  # the documented exact renormalisation
    for qi, w in zip(q, code):
        if qi == 0:
            assert w is None
            continue
        assert len(w) == max(1, _least_length(Fraction(float(qi)) / total))


def _least_length(x):
    """Brute force: the least l >= 0 with 2**-l <= x."""
    ell = 0
    while Fraction(1, 2**ell) > x:
        ell += 1
    return ell


def test_shannon_code_survives_rounding_in_q():
    # sums to 1 + 2**-1074 in exact arithmetic: float-wise lengths (1, 1, 1023) would break Kraft
    q = np.array([1.11253693e-308, 0.0, 0.5, 0.5])
    code = shannon_code(q)
    assert is_prefix_free(code) and kraft_sum(code) <= 1
    assert _lengths(code) == [1023, None, 2, 2]
    assert _lengths(shannon_code([0.5, 0.5])) == [1, 1]


def test_exact_powers_of_two():
    assert _lengths(shannon_code([0.5, 0.25, 0.125, 0.0625, 0.0625])) == [1, 2, 3, 4, 4]
    assert _lengths(huffman_code([0.5, 0.25, 0.125, 0.0625, 0.0625])) == [1, 2, 3, 4, 4]
    assert shannon_code([1.0]) == ("0",)
    assert huffman_code([0.0, 1.0, 0.0]) == (None, "0", None)


def test_huffman_deterministic_tie_breaking():
    q = [0.25, 0.25, 0.25, 0.25]
    assert huffman_code(q) == huffman_code(q) == ("00", "01", "10", "11")
    # Fibonacci weights give the deepest possible tree
    f = np.array([1, 1, 2, 3, 5, 8, 13, 21], dtype=float)
    assert _lengths(huffman_code(f / f.sum())) == [7, 7, 6, 5, 4, 3, 2, 1]


# ---------------------------------------------------------------- optimality


def _brute_force_min_length(q):
    """Smallest sum q_i l_i over all length vectors that satisfy Kraft (lengths 1..K-1)."""
    k = len(q)
    if k == 1:
        return q[0] * 1
    best = math.inf
    for ls in itertools.product(range(1, k), repeat=k):
        if sum(2.0**-ell for ell in ls) <= 1.0:
            best = min(best, sum(qi * ell for qi, ell in zip(q, ls)))
    return best


@settings(max_examples=40, deadline=None)
@given(distributions(min_k=1, max_k=6, zeros=False))
def test_huffman_is_optimal_by_brute_force(q):
    l_huff = expected_code_length(q, huffman_code(q))
    assert l_huff == pytest.approx(_brute_force_min_length(q), rel=1e-12)
    assert l_huff <= expected_code_length(q, shannon_code(q)) + 1e-12


@settings(max_examples=200, deadline=None)
@given(distributions(min_k=2, zeros=False))
def test_source_coding_bounds_for_matched_model(q):
    h = entropy(q, base=2)
    for code in (huffman_code(q), shannon_code(q)):
        ell = expected_code_length(q, code)
        assert h - 1e-12 <= ell < h + 1


@settings(max_examples=200, deadline=None)
@given(distributions(k=6), distributions(k=6, zeros=False))
def test_shannon_code_bounds_cross_entropy(p, q):
    hpq = cross_entropy(p, q, base=2)
    ell = expected_code_length(p, shannon_code(q))
    assert hpq - 1e-12 <= ell < hpq + 1


@settings(max_examples=200, deadline=None)
@given(distributions(k=6), distributions(k=6))
def test_every_code_costs_at_least_the_entropy(p, q):
    h = entropy(p, base=2)
    for code in (huffman_code(q), shannon_code(q)):
        assert expected_code_length(p, code) >= h - 1e-12


@settings(max_examples=200, deadline=None)
@given(distributions(k=5), distributions(k=5, zeros=False))
def test_code_length_is_cross_entropy_to_implied_distribution(p, q):
    # L_p = H_2(p, r) + log2(1 / Kraft sum), with r_i = 2^-l_i / Kraft sum
    code = shannon_code(q)
    lengths = np.array([len(w) for w in code], dtype=float)
    z = kraft_sum(code)
    r = 2.0**-lengths / z
    assert expected_code_length(p, code) == pytest.approx(cross_entropy(p, r, base=2) - math.log2(z), rel=1e-12, abs=1e-12)


def test_huffman_for_q_has_no_cross_entropy_guarantee_under_p():
    # below H(p, q): Huffman for q = (.5, .3, .2) has lengths (1, 2, 2)
    q = np.array([0.5, 0.3, 0.2])
    p = np.array([0.0, 0.5, 0.5])
    assert expected_code_length(p, huffman_code(q)) == 2.0
    assert cross_entropy(p, q, base=2) == pytest.approx(-0.5 * math.log2(0.3) - 0.5 * math.log2(0.2))
    assert cross_entropy(p, q, base=2) > 2.02
    # more than one bit above H(p, q): the rarest Fibonacci symbol
    f = np.array([1, 1, 2, 3, 5, 8, 13, 21], dtype=float) / 54
    p = np.eye(8)[0]
    excess = expected_code_length(p, huffman_code(f)) - cross_entropy(p, f, base=2)
    assert excess == pytest.approx(7 - math.log2(54))
    assert excess > 1
    # the Shannon code for the same q stays within one bit
    assert expected_code_length(p, shannon_code(f)) - cross_entropy(p, f, base=2) < 1


def test_missing_codeword_means_infinite_length():
    code = shannon_code([0.5, 0.5, 0.0])
    assert expected_code_length([0.2, 0.2, 0.6], code) == math.inf
    assert expected_code_length([0.5, 0.5, 0.0], code) == 1.0
    assert cross_entropy([0.2, 0.2, 0.6], [0.5, 0.5, 0.0]) == math.inf


# ---------------------------------------------------------------- encode / decode


@settings(max_examples=200, deadline=None)
@given(distributions(min_k=1, max_k=10), hs.integers(0, 2**32 - 1), hs.integers(0, 200))
def test_encode_decode_round_trip(q, seed, n):
    rng = np.random.default_rng(seed)
    x = rng.choice(q.size, size=n, p=q)
    for code in (huffman_code(q), shannon_code(q)):
        bits = encode(x, code)
        assert len(bits) == sum(len(code[s]) for s in x)
        np.testing.assert_array_equal(decode(bits, code), x)


def test_empirical_length_converges_to_expected_length():
    rng = np.random.default_rng(0)
    p = np.array([0.5, 0.2, 0.2, 0.1])
    q = np.array([0.1, 0.2, 0.3, 0.4])
    x = rng.choice(4, size=200_000, p=p)
    for code in (huffman_code(q), shannon_code(q)):
        empirical = len(encode(x, code)) / x.size
        assert empirical == pytest.approx(expected_code_length(p, code), abs=0.01)


def test_canonical_code_from_lengths():
    assert code_from_lengths([1, 2, 3, 3]) == ("0", "10", "110", "111")
    assert code_from_lengths([3, None, 1, 3]) == ("100", None, "0", "101")
    assert code_from_lengths([2, 2, 2]) == ("00", "01", "10")  # incomplete but prefix-free
    for ls in itertools.product([1, 2, 3, 4], repeat=4):
        if sum(2.0**-ell for ell in ls) <= 1:
            code = code_from_lengths(list(ls))
            assert _lengths(code) == list(ls)
            assert _brute_force_prefix(code)
        else:
            with pytest.raises(ValueError, match="Kraft"):
                code_from_lengths(list(ls))


# ---------------------------------------------------------------- errors


def test_code_from_lengths_errors():
    with pytest.raises(ValueError, match="lengths is empty"):
        code_from_lengths([])
    with pytest.raises(ValueError, match="at least one symbol"):
        code_from_lengths([None, None])
    with pytest.raises(ValueError, match=r"lengths\[1\] must be >= 1"):
        code_from_lengths([1, 0])
    with pytest.raises(TypeError, match=r"lengths\[0\] must be an integer"):
        code_from_lengths([1.0, 1])
    with pytest.raises(TypeError, match=r"lengths\[0\] must be an integer"):
        code_from_lengths([True, 1])
    with pytest.raises(TypeError, match="lengths must be a sequence"):
        code_from_lengths("12")
    with pytest.raises(ValueError, match="Kraft"):
        code_from_lengths([1, 1, 1])


@pytest.mark.parametrize("func", [shannon_code, huffman_code])
def test_code_builders_validate_q(func):
    with pytest.raises(ValueError, match="q must sum to 1"):
        func([0.5, 0.4])
    with pytest.raises(ValueError, match="q has negative"):
        func([1.5, -0.5])
    with pytest.raises(ValueError, match="q must be finite"):
        func([np.nan, 1.0])
    with pytest.raises(ValueError, match="q is empty"):
        func([])
    with pytest.raises(ValueError, match="q must be a 1-D"):
        func([[0.5, 0.5]])
    with pytest.raises(TypeError, match="q must contain real numbers"):
        func(["a"])


@pytest.mark.parametrize(
    "bad, exc, msg",
    [
        ([], ValueError, "code is empty"),
        ("0110", TypeError, "code must be a sequence"),
        (5, TypeError, "code must be a sequence"),
        (["0", ""], ValueError, r"code\[1\] must be a non-empty"),
        (["0", "12"], ValueError, r"code\[1\] must be a non-empty"),
        (["0", 10], TypeError, r"code\[1\] must be a str"),
    ],
)
def test_bad_codes(bad, exc, msg):
    for call in (lambda: kraft_sum(bad), lambda: is_prefix_free(bad), lambda: encode([0], bad), lambda: decode("0", bad)):
        with pytest.raises(exc, match=msg):
            call()


def test_expected_code_length_errors():
    with pytest.raises(ValueError, match="p has 3 entries but code has 2 codewords"):
        expected_code_length([0.2, 0.3, 0.5], ["0", "1"])
    with pytest.raises(ValueError, match="p must sum to 1"):
        expected_code_length([0.2, 0.3], ["0", "1"])


def test_encode_errors():
    code = ("0", "10", None)
    with pytest.raises(ValueError, match=r"symbol\(s\) \[2\] have no codeword"):
        encode([0, 2], code)
    with pytest.raises(ValueError, match=r"symbols must hold values <= 2"):
        encode([0, 3], code)
    with pytest.raises(ValueError, match=r"symbols must hold values"):
        encode([-1], code)
    with pytest.raises(TypeError, match="symbols must hold integer symbol indices"):
        encode([0.0], code)
    with pytest.raises(ValueError, match="symbols must be 1-D"):
        encode([[0]], code)
    with pytest.raises(ValueError, match="code is not prefix-free"):
        encode([0], ["0", "01"])
    assert encode(np.array([], dtype=int), code) == ""


def test_decode_errors():
    code = ("0", "10", None)  # incomplete: "11" starts no codeword
    with pytest.raises(ValueError, match="middle of a codeword"):
        decode("01", code)
    with pytest.raises(ValueError, match="position 1 start no codeword"):
        decode("011", code)
    with pytest.raises(ValueError, match="only '0' and '1'"):
        decode("0a", code)
    with pytest.raises(TypeError, match="bits must be a str"):
        decode(b"01", code)
    with pytest.raises(ValueError, match="code is not prefix-free"):
        decode("0", ["0", "01"])
    assert decode("", code).size == 0


def test_a_code_without_codewords_is_rejected_by_name():
    """decode('1', [None, None]) used to leak "max() arg is an empty sequence"."""
    from xentbook.coding import decode, encode, kraft_sum

    for call in (lambda: decode("1", [None, None]), lambda: encode([0], [None]), lambda: kraft_sum([None])):
        with pytest.raises(ValueError, match="code has no codeword"):
            call()
