"""Tagging schemes: validation, rendering and conversion."""

from __future__ import annotations

import itertools

import numpy as np

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seqeval.scheme import BILOU, IOB1, IOB2, IOBES, IOE1, IOE2, Tokens

from strategies import span_corpora
from xentbook.ner import (
    SCHEMES,
    allowed_transitions,
    check_tags,
    constrained_decode,
    convert_scheme,
    get_entities,
    is_well_formed,
    render_tags,
)

SEQEVAL = {"IOB1": IOB1, "IOB2": IOB2, "IOE1": IOE1, "IOE2": IOE2, "IOBES": IOBES, "BILOU": BILOU}
TYPES = ["PER", "LOC"]


def spans(max_len=10):
    """One sentence of random non-overlapping spans: ``(length, spans)``."""
    return span_corpora(TYPES, max_len=max_len, max_sentences=1).map(lambda corpus: corpus[0])


@settings(max_examples=150, deadline=None)
@given(spans(), st.sampled_from(sorted(SCHEMES)), st.sampled_from(sorted(SCHEMES)))
def test_render_check_convert_round_trip(item, a, b):
    n, sp = item
    tags = render_tags(sp, n, scheme=a)
    check_tags(tags, scheme=a)
    assert is_well_formed(tags, scheme=a)
    assert [tuple(e[1:]) for e in get_entities(tags, mode="strict", scheme=a)] == sp
    other = convert_scheme(tags, from_scheme=a, to_scheme=b)
    assert other == render_tags(sp, n, scheme=b)
    assert convert_scheme(other, from_scheme=b, to_scheme=a) == tags
    # the decoder's Entity tuples are accepted by the encoder as they are (one span type)
    assert render_tags(get_entities(tags, mode="strict", scheme=a), n, scheme=a) == tags
    assert render_tags(set(sp), n, scheme=a) == tags  # any order, any collection


def test_well_formed_is_exactly_the_image_of_render():
    # brute force over every sequence of length <= 4 on one type: a sequence is
    # well formed iff rendering its strict entities gives it back
    for scheme, prefixes in SCHEMES.items():
        one = ["O"] + [f"{p}-PER" for p in sorted(prefixes)]
        two = one + [f"{p}-LOC" for p in sorted(prefixes)]
        for n in range(1, 5):
            for tags in itertools.product(two if n <= 3 else one, repeat=n):
                tags = list(tags)
                ents = [tuple(e[1:]) for e in get_entities(tags, mode="strict", scheme=scheme)]
                expected = render_tags(ents, n, scheme=scheme) == tags
                assert is_well_formed(tags, scheme=scheme) == expected, (scheme, tags)


def test_render_by_hand():
    sp = [(0, 2, "PER"), (2, 3, "PER"), (4, 5, "LOC")]
    assert render_tags(sp, 6, scheme="IOB2") == ["B-PER", "I-PER", "B-PER", "O", "B-LOC", "O"]
    assert render_tags(sp, 6, scheme="IOB1") == ["I-PER", "I-PER", "B-PER", "O", "I-LOC", "O"]
    assert render_tags(sp, 6, scheme="IOE2") == ["I-PER", "E-PER", "E-PER", "O", "E-LOC", "O"]
    assert render_tags(sp, 6, scheme="IOE1") == ["I-PER", "E-PER", "I-PER", "O", "I-LOC", "O"]
    assert render_tags(sp, 6, scheme="IOBES") == ["B-PER", "E-PER", "S-PER", "O", "S-LOC", "O"]
    assert render_tags(sp, 6, scheme="bilou") == ["B-PER", "L-PER", "U-PER", "O", "U-LOC", "O"]
    assert render_tags([], 2, scheme="IOB2") == ["O", "O"]


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_seqeval_reads_our_rendering(scheme):
    sp = [(0, 1, "PER"), (1, 3, "PER"), (3, 4, "LOC"), (5, 8, "LOC")]
    tags = render_tags(sp, 8, scheme=scheme)
    ents = {(e.start, e.end, e.tag) for e in Tokens(tags, SEQEVAL[scheme]).entities}
    if scheme == "IOE1":  # seqeval's IOE1 loses an entity here (see test_ner_chunks)
        assert ents == set(sp) - {(0, 1, "PER")}
    else:
        assert ents == set(sp)


@pytest.mark.parametrize(
    "scheme, tags, where",
    [
        ("IOB2", ["O", "I-PER"], r"tags\[1\] = 'I-PER'"),
        ("IOB2", ["B-PER", "I-LOC"], r"tags\[1\] = 'I-LOC'"),
        ("IOB1", ["O", "B-PER"], r"tags\[1\] = 'B-PER'"),
        ("IOE2", ["I-PER", "O"], r"tags\[0\] = 'I-PER'"),
        ("IOE1", ["I-PER", "E-PER"], r"tags\[0\] = 'I-PER'"),
        ("IOBES", ["B-PER", "O"], r"tags\[0\] = 'B-PER'"),
        ("IOBES", ["B-PER", "I-PER", "S-PER"], r"tags\[0\] = 'B-PER'"),
        ("BILOU", ["O", "L-PER"], r"tags\[1\] = 'L-PER'"),
    ],
)
def test_check_tags_names_the_ill_formed_entity(scheme, tags, where):
    with pytest.raises(ValueError, match=where + f" begins an ill-formed {scheme} entity"):
        check_tags(tags, scheme=scheme)
    assert not is_well_formed(tags, scheme=scheme)
    with pytest.raises(ValueError, match="ill-formed"):
        convert_scheme(tags, from_scheme=scheme, to_scheme="IOB2")


def test_corpus_positions_in_messages():
    with pytest.raises(ValueError, match=r"tags\[1\]\[0\] = 'I-PER'"):
        check_tags([["B-PER"], ["I-PER"]], scheme="IOB2")  # no entity runs across sentences
    assert convert_scheme([["B-PER"], ["B-PER", "I-PER"]], from_scheme="IOB2", to_scheme="IOBES") == [["S-PER"], ["B-PER", "E-PER"]]


def test_errors():
    with pytest.raises(ValueError, match="not a valid IOB2 tag"):
        check_tags(["S-PER"], scheme="IOB2")
    with pytest.raises(ValueError, match="not a valid IOBES tag"):
        is_well_formed(["B-"], scheme="IOBES")  # empty type
    with pytest.raises(ValueError, match="not a valid IOB2 tag"):
        check_tags(["PER"], scheme="IOB2")
    with pytest.raises(ValueError, match="scheme must be one of"):
        check_tags(["O"], scheme="BIO")
    with pytest.raises(ValueError, match="to_scheme must be one of"):
        convert_scheme(["O"], from_scheme="IOB2", to_scheme="XYZ")
    with pytest.raises(TypeError, match="from_scheme must be a str"):
        convert_scheme(["O"], from_scheme=None, to_scheme="IOB2")
    with pytest.raises(ValueError, match="overlap"):
        render_tags([(0, 2, "PER"), (1, 3, "LOC")], 3, scheme="IOB2")
    with pytest.raises(ValueError, match="0 <= start < end <= length"):
        render_tags([(2, 4, "PER")], 3, scheme="IOB2")
    with pytest.raises(ValueError, match="0 <= start < end <= length"):
        render_tags([(1, 1, "PER")], 3, scheme="IOB2")
    with pytest.raises(ValueError, match="type must be a non-empty str"):
        render_tags([(0, 1, "")], 3, scheme="IOB2")
    with pytest.raises(TypeError, match="type must be a str"):
        render_tags([(0, 1, 7)], 3, scheme="IOB2")
    with pytest.raises(TypeError, match="start must be an int"):
        render_tags([(0.0, 1, "PER")], 3, scheme="IOB2")
    with pytest.raises(TypeError, match=r"triple"):
        render_tags([(0, 1)], 3, scheme="IOB2")
    with pytest.raises(TypeError, match="spans must be a sequence of"):
        render_tags("PER", 3, scheme="IOB2")
    with pytest.raises(TypeError, match="positional"):
        render_tags([], 3, "IOB2")  # options are keyword-only
    with pytest.raises(TypeError, match="length must be an int"):
        render_tags([], 2.0, scheme="IOB2")
    with pytest.raises(ValueError, match="length must be >= 0"):
        render_tags([], -1, scheme="IOB2")


# ---------------------------------------------------------------- transitions and decoding

def alphabet(scheme, types=("PER", "LOC")):
    return ["O"] + [f"{p}-{t}" for t in types for p in sorted(SCHEMES[scheme])]


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_transitions_characterise_well_formedness(scheme):
    labels = alphabet(scheme)
    allowed, start, end = allowed_transitions(labels, scheme=scheme)
    idx = {t: i for i, t in enumerate(labels)}
    for n in range(1, 4):
        for tags in itertools.product(labels, repeat=n):
            k = [idx[t] for t in tags]
            local = start[k[0]] and end[k[-1]] and all(allowed[a, b] for a, b in zip(k, k[1:]))
            assert local == is_well_formed(list(tags), scheme=scheme), (scheme, tags)


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_constrained_decode_is_the_best_well_formed_sequence(scheme):
    labels = alphabet(scheme, ("PER",))
    rng = np.random.default_rng(len(scheme))
    k = len(labels)
    for n in (1, 2, 4):
        scores = rng.normal(size=(n, k))
        best = max(
            (sum(scores[i, j] for i, j in enumerate(seq)), seq)
            for seq in itertools.product(range(k), repeat=n)
            if is_well_formed([labels[j] for j in seq], scheme=scheme)
        )
        out = constrained_decode(scores, labels, scheme=scheme)
        assert tuple(out) == best[1]
        assert is_well_formed([labels[j] for j in out], scheme=scheme)


def test_constrained_decode_batch_with_lengths():
    labels = alphabet("IOB2")
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(3, 6, len(labels)))
    lengths = np.array([6, 2, 4])
    out = constrained_decode(scores, labels, scheme="IOB2", lengths=lengths)
    for b, n in enumerate(lengths):
        np.testing.assert_array_equal(out[b, :n], constrained_decode(scores[b, :n], labels, scheme="IOB2"))
        assert (out[b, n:] == -1).all()
    # -inf forbids a tag
    s = np.zeros((2, 3))
    s[:, 0] = -np.inf
    assert constrained_decode(s, ["O", "B-PER", "I-PER"], scheme="IOB2").tolist() == [1, 1]


def test_decode_errors():
    labels = ["O", "B-PER", "I-PER"]
    with pytest.raises(ValueError, match="3 columns but labels has 2"):
        constrained_decode(np.zeros((2, 3)), labels[:2], scheme="IOB2")
    with pytest.raises(ValueError, match="shape"):
        constrained_decode(np.zeros(3), labels, scheme="IOB2")
    with pytest.raises(ValueError, match="NaN"):
        constrained_decode(np.full((2, 3), np.nan), labels, scheme="IOB2")
    with pytest.raises(ValueError, match=r"\+inf"):
        constrained_decode(np.full((2, 3), np.inf), labels, scheme="IOB2")
    with pytest.raises(ValueError, match="no well-formed"):
        constrained_decode(np.array([[-np.inf, -np.inf, 0.0]]), labels, scheme="IOB2")
    with pytest.raises(ValueError, match="lengths must hold values <= 2"):
        constrained_decode(np.zeros((1, 2, 3)), labels, scheme="IOB2", lengths=np.array([3]))
    with pytest.raises(ValueError, match="lengths must hold values >= 1"):
        constrained_decode(np.zeros((1, 2, 3)), labels, scheme="IOB2", lengths=np.array([0]))
    with pytest.raises(TypeError, match="lengths must hold sentence lengths"):
        constrained_decode(np.zeros((1, 2, 3)), labels, scheme="IOB2", lengths=np.array([1.5]))
    with pytest.raises(ValueError, match="one per batch row"):
        constrained_decode(np.zeros((1, 2, 3)), labels, scheme="IOB2", lengths=np.array([1, 2]))
    with pytest.raises(ValueError, match="lengths is only used"):
        constrained_decode(np.zeros((2, 3)), labels, scheme="IOB2", lengths=np.array([2]))
    with pytest.raises(ValueError, match="scores is empty"):
        constrained_decode(np.zeros((1, 0, 3)), labels, scheme="IOB2")
    with pytest.raises(TypeError, match="real numbers"):
        constrained_decode([["a", "b", "c"]], labels, scheme="IOB2")
    with pytest.raises(ValueError, match="not a valid IOB2 tag"):
        allowed_transitions(["O", "S-PER"], scheme="IOB2")
    with pytest.raises(ValueError, match="twice"):
        allowed_transitions(["O", "O"], scheme="IOB2")
    with pytest.raises(ValueError, match="labels is empty"):
        allowed_transitions([], scheme="IOB2")
    with pytest.raises(TypeError, match="labels must be a sequence"):
        allowed_transitions("O", scheme="IOB2")
    with pytest.raises(TypeError, match=r"but labels\[1\] is int"):
        allowed_transitions(["O", 1], scheme="IOB2")
