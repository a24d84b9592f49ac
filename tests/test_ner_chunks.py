"""Entity extraction of xentbook.ner: conlleval rules and strict schemes, against seqeval."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seqeval.metrics.sequence_labeling import get_entities as seqeval_get_entities
from seqeval.scheme import BILOU, IOB1, IOB2, IOBES, IOE1, IOE2, Entities

from strategies import span_corpora
from xentbook.ner import SCHEMES, Entity, get_entities, render_tags, split_tag

SEQEVAL_SCHEME = {"IOB1": IOB1, "IOB2": IOB2, "IOE1": IOE1, "IOE2": IOE2, "IOBES": IOBES, "BILOU": BILOU}
TYPES = ["PER", "LOC", "ORG"]


def tags_from(prefixes: str, types=TYPES):
    tag = st.one_of(
        st.just("O"),
        st.builds(lambda p, t: f"{p}-{t}", st.sampled_from(list(prefixes)), st.sampled_from(types)),
    )
    return st.lists(st.lists(tag, min_size=0, max_size=12), min_size=1, max_size=6).filter(
        lambda c: any(c)
    )


def seqeval_default(corpus):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ents = seqeval_get_entities([list(s) for s in corpus])
    # seqeval flattens with an "O" after every sentence and uses inclusive ends
    offsets = np.cumsum([0] + [len(s) + 1 for s in corpus])
    out = set()
    for t, a, b in ents:
        i = int(np.searchsorted(offsets, a, side="right") - 1)
        out.add(Entity(i, a - int(offsets[i]), b + 1 - int(offsets[i]), t))
    return out


def seqeval_strict(corpus, scheme):
    ents = Entities([list(s) for s in corpus], SEQEVAL_SCHEME[scheme]).entities
    return {Entity(e.sent_id, e.start, e.end, e.tag) for s in ents for e in s}


# ---------------------------------------------------------------- conlleval mode


@settings(max_examples=300, deadline=None)
@given(tags_from("BI"))
def test_conlleval_mode_matches_seqeval_default_on_iob_input(corpus):
    # on IOB1/IOB2 prefixes seqeval's default mode follows the conlleval rules
    assert set(get_entities(corpus)) == seqeval_default(corpus)


@settings(max_examples=200, deadline=None)
@given(span_corpora(TYPES), st.sampled_from(["IOB1", "IOB2", "IOE1", "IOE2"]))
def test_conlleval_mode_reads_every_conll_scheme(corpus, scheme):
    # the script was written for IOB1/IOB2/IOE1/IOE2: well-formed input in any
    # of them yields exactly the spans it encodes
    tags = [render_tags(s, n, scheme=scheme) for n, s in corpus]
    expected = {Entity(i, a, b, t) for i, (_, s) in enumerate(corpus) for a, b, t in s}
    assert set(get_entities(tags)) == expected


def test_conlleval_quirks_on_iobes_differ_from_seqeval():
    # the script has no rule for S-: two singletons become one chunk;
    # seqeval's default mode treats S- as a single-token chunk
    tags = ["S-PER", "S-PER", "O", "B-LOC", "E-LOC", "B-LOC", "E-LOC"]
    ours = get_entities(tags)
    assert ours == [Entity(0, 0, 2, "PER"), Entity(0, 3, 7, "LOC")]
    theirs = seqeval_default([tags])
    assert theirs == {
        Entity(0, 0, 1, "PER"),
        Entity(0, 1, 2, "PER"),
        Entity(0, 3, 5, "LOC"),
        Entity(0, 5, 7, "LOC"),
    }
    # E- followed by I- of the same type does start a chunk in conlleval
    assert get_entities(["B-PER", "E-PER", "I-PER"]) == [Entity(0, 0, 2, "PER"), Entity(0, 2, 3, "PER")]


@pytest.mark.parametrize(
    "tags, expected",
    [
        (["I-PER", "I-PER", "O"], [Entity(0, 0, 2, "PER")]),  # I after O starts
        (["B-PER", "I-LOC"], [Entity(0, 0, 1, "PER"), Entity(0, 1, 2, "LOC")]),
        (["B-PER", "B-PER"], [Entity(0, 0, 1, "PER"), Entity(0, 1, 2, "PER")]),
        (["B-ORG-X", "I-ORG-X"], [Entity(0, 0, 2, "ORG-X")]),  # split at first hyphen
        (["B-0", "I-0"], [Entity(0, 0, 2, "")]),  # "0" is false in Perl
        (["B", "I", "O"], [Entity(0, 0, 2, "")]),  # untyped chunks
        (["[-NP", "]-NP"], [Entity(0, 0, 1, "NP"), Entity(0, 1, 2, "NP")]),
        (["O", "O"], []),
    ],
)
def test_conlleval_rules_by_hand(tags, expected):
    assert get_entities(tags) == expected


def test_sentences_are_separated():
    # a chunk never continues into the next sentence (the boundary acts as O)
    assert get_entities([["B-PER"], ["I-PER"]]) == [Entity(0, 0, 1, "PER"), Entity(1, 0, 1, "PER")]
    # untyped non-B/I/E tags: the script's chunk runs on, we cut it at the sentence end
    assert get_entities([["X"], ["X"]]) == []


def test_split_tag():
    assert split_tag("B-PER") == ("B", "PER")
    assert split_tag("I-A-B") == ("I", "A-B")
    assert split_tag("PER") == ("PER", "")
    assert split_tag("-PER") == ("", "PER")
    assert split_tag("B-0") == ("B", "")
    assert split_tag("B-00") == ("B", "00")
    assert split_tag("B-PER\n") == ("B", "PER")  # Perl's $ before a final newline
    with pytest.raises(TypeError, match="tag must be a str"):
        split_tag(3)


# ---------------------------------------------------------------- strict mode


@settings(max_examples=150, deadline=None)
@given(span_corpora(TYPES), st.sampled_from(sorted(SCHEMES)))
def test_strict_mode_on_well_formed_input_matches_seqeval_and_spans(corpus, scheme):
    tags = [render_tags(s, n, scheme=scheme) for n, s in corpus]
    expected = {Entity(i, a, b, t) for i, (_, s) in enumerate(corpus) for a, b, t in s}
    ours = get_entities(tags, mode="strict", scheme=scheme)
    assert set(ours) == expected
    assert ours == sorted(ours)
    if scheme != "IOE1":  # seqeval's IOE1 is unfinished (its own TODO); see below
        assert seqeval_strict(tags, scheme) == expected


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_strict_mode_on_any_input_matches_seqeval(data):
    scheme = data.draw(st.sampled_from(["IOB2", "IOE2", "IOBES", "BILOU"]))
    corpus = data.draw(tags_from("".join(sorted(SCHEMES[scheme]))))
    assert set(get_entities(corpus, mode="strict", scheme=scheme)) == seqeval_strict(corpus, scheme)


def test_strict_mode_where_seqeval_iob1_ioe1_disagree():
    # IOB1: a B- after O is ill-formed, and so is the entity it begins; seqeval
    # starts a new entity at the following I-
    tags = ["O", "B-PER", "I-PER"]
    assert get_entities(tags, mode="strict", scheme="IOB1") == []
    assert seqeval_strict([tags], "IOB1") == {Entity(0, 2, 3, "PER")}
    # IOE1: "E-PER I-PER" is well formed (a one-token PER directly followed by
    # another PER); seqeval's IOE1, marked unfinished by its authors, loses the first
    tags = ["E-PER", "I-PER"]
    assert get_entities(tags, mode="strict", scheme="IOE1") == [Entity(0, 0, 1, "PER"), Entity(0, 1, 2, "PER")]
    assert seqeval_strict([tags], "IOE1") == {Entity(0, 1, 2, "PER")}


@pytest.mark.parametrize(
    "scheme, tags, expected",
    [
        ("IOB2", ["O", "I-PER", "I-PER"], []),
        ("IOB2", ["B-PER", "I-LOC"], [Entity(0, 0, 1, "PER")]),
        ("IOB1", ["I-PER", "B-PER"], [Entity(0, 0, 1, "PER"), Entity(0, 1, 2, "PER")]),
        ("IOB1", ["I-PER", "B-LOC"], [Entity(0, 0, 1, "PER")]),
        ("IOE2", ["I-PER", "O"], []),
        ("IOE1", ["E-PER", "O"], []),
        ("IOBES", ["B-PER", "I-PER", "S-PER"], [Entity(0, 2, 3, "PER")]),
        ("BILOU", ["B-PER", "L-PER", "U-LOC"], [Entity(0, 0, 2, "PER"), Entity(0, 2, 3, "LOC")]),
    ],
)
def test_strict_rules_by_hand(scheme, tags, expected):
    assert get_entities(tags, mode="strict", scheme=scheme) == expected


# ---------------------------------------------------------------- errors


def test_errors():
    with pytest.raises(ValueError, match="not a valid IOB2 tag"):
        get_entities(["O", "S-PER"], mode="strict", scheme="IOB2")
    with pytest.raises(ValueError, match=r"tags\[1\]\[0\] = 'PER'"):
        get_entities([["O"], ["PER"]], mode="strict", scheme="IOBES")
    with pytest.raises(ValueError, match="needs a scheme"):
        get_entities(["O"], mode="strict")
    with pytest.raises(ValueError, match="only used with mode='strict'"):
        get_entities(["O"], scheme="IOB2")
    with pytest.raises(ValueError, match="mode must be one of"):
        get_entities(["O"], mode="lenient")
    with pytest.raises(TypeError, match="mode must be a str"):
        get_entities(["O"], mode=1)
    with pytest.raises(ValueError, match="scheme must be one of"):
        get_entities(["O"], mode="strict", scheme="BIO3")
    with pytest.raises(TypeError, match="scheme must be a str"):
        get_entities(["O"], mode="strict", scheme=2)
    with pytest.raises(ValueError, match="tags is empty"):
        get_entities([])
    with pytest.raises(ValueError, match="contains no tags"):
        get_entities([[], []])
    with pytest.raises(TypeError, match=r"tags\[1\]\[0\] must be a str tag, got int"):
        get_entities([["O"], [1]])
    with pytest.raises(TypeError, match=r"tags\[0\]\[0\] must be a str tag, got list"):
        get_entities([[["O"]]])
    with pytest.raises(TypeError, match="mixes tags and sentences"):
        get_entities(["O", ["O"]])
    with pytest.raises(TypeError, match="got a single str"):
        get_entities("B-PER")
    with pytest.raises(TypeError, match="must be a sequence"):
        get_entities(5)
    with pytest.raises(TypeError, match=r"tags\[1\] must be a str tag or a sequence of str tags"):
        get_entities([["O"], 3])


def test_numpy_input():
    arr = np.array(["B-PER", "I-PER", "O"])
    assert get_entities(arr) == [Entity(0, 0, 2, "PER")]
    assert get_entities(np.array([["B-PER", "O"], ["O", "B-LOC"]])) == [
        Entity(0, 0, 1, "PER"),
        Entity(1, 1, 2, "LOC"),
    ]


def test_empty_sentences_keep_their_index():
    y = [[], ["B-PER", "I-PER"], [], ["O", "B-LOC"]]
    expected = [Entity(1, 0, 2, "PER"), Entity(3, 1, 2, "LOC")]
    assert get_entities(y) == expected
    assert get_entities(y, mode="strict", scheme="IOB2") == expected
