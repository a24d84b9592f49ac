"""Entity scores against seqeval, SemEval scenarios against nervaluate, error breakdown."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nervaluate import Evaluator
from seqeval.metrics import classification_report as seqeval_report
from seqeval.metrics.sequence_labeling import precision_recall_fscore_support as seqeval_prfs
from seqeval.scheme import BILOU, IOB2, IOBES, IOE2

from xentbook.ner import (
    ERROR_KINDS,
    SCENARIOS,
    SemEvalResult,
    classification_report,
    entity_scores,
    error_breakdown,
    f1_score,
    get_entities,
    precision_recall_fscore_support,
    semeval_scores,
    token_accuracy,
)

SEQEVAL_SCHEME = {"IOB2": IOB2, "IOE2": IOE2, "IOBES": IOBES, "BILOU": BILOU}


def corpus_pair(prefixes: str, types=("PER", "LOC", "ORG")):
    tag = st.one_of(
        st.just("O"), st.builds(lambda p, t: f"{p}-{t}", st.sampled_from(list(prefixes)), st.sampled_from(types))
    )
    sent = st.integers(1, 10).flatmap(lambda n: st.tuples(st.lists(tag, min_size=n, max_size=n), st.lists(tag, min_size=n, max_size=n)))
    return st.lists(sent, min_size=1, max_size=6).map(lambda c: ([a for a, _ in c], [b for _, b in c]))


def seqeval_dict(y_true, y_pred, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return seqeval_report(y_true, y_pred, output_dict=True, zero_division=0, **kw)


def check_against(ours, theirs):
    for key, row in theirs.items():
        for col in ("precision", "recall", "f1-score"):
            assert ours[key][col] == pytest.approx(row[col], abs=1e-12), (key, col)
        assert ours[key]["support"] == row["support"]
    assert set(ours) == set(theirs)


@settings(max_examples=200, deadline=None)
@given(corpus_pair("BI"))
def test_default_mode_matches_seqeval(pair):
    y_true, y_pred = pair
    if not any(t != "O" for s in y_true + y_pred for t in s):
        return  # seqeval's report has no rows at all then
    check_against(entity_scores(y_true, y_pred).to_dict(), seqeval_dict(y_true, y_pred))
    for avg in (None, "micro", "macro", "weighted"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = seqeval_prfs(y_true, y_pred, average=avg, zero_division=0)
        ours = precision_recall_fscore_support(y_true, y_pred, average=avg)
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), atol=1e-12)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_strict_mode_matches_seqeval(data):
    scheme = data.draw(st.sampled_from(sorted(SEQEVAL_SCHEME)))
    from xentbook.ner import SCHEMES

    y_true, y_pred = data.draw(corpus_pair("".join(sorted(SCHEMES[scheme]))))
    ours = entity_scores(y_true, y_pred, mode="strict", scheme=scheme)
    if ours.types == ():
        return
    theirs = seqeval_dict(y_true, y_pred, mode="strict", scheme=SEQEVAL_SCHEME[scheme])
    check_against(ours.to_dict(), theirs)


def test_token_level_looks_good_entity_level_does_not():
    # ten sentences, nine O tokens and one two-token entity each; the tagger
    # gets every O right and only the first token of each entity
    y_true = [["O"] * 9 + ["B-PER", "I-PER"]] * 10
    y_pred = [["O"] * 9 + ["B-PER", "O"]] * 10
    assert token_accuracy(y_true, y_pred) == pytest.approx(10 / 11)
    assert f1_score(y_true, y_pred) == 0.0


def test_zero_division_conventions():
    s = entity_scores(["B-PER", "O"], ["O", "B-LOC"])
    assert s.types == ("LOC", "PER")
    np.testing.assert_array_equal(s.precision, [0.0, 0.0])  # PER: nothing predicted
    np.testing.assert_array_equal(s.recall, [0.0, 0.0])  # LOC: no gold
    assert s.average("micro") == (0.0, 0.0, 0.0, 1)
    s = entity_scores(["O", "O"], ["O", "O"])
    assert s.types == () and s.average("macro") == (0.0, 0.0, 0.0, 0)
    assert s.average("weighted") == (0.0, 0.0, 0.0, 0)
    assert s.accuracy == 1.0


def test_report_and_accuracy():
    y_true = [["B-PER", "I-PER", "O"], ["B-LOC"]]
    y_pred = [["B-PER", "I-PER", "O"], ["B-ORG"]]
    text = classification_report(y_true, y_pred, digits=2)
    assert "PER       1.00       1.00       1.00        1" in text
    assert "micro avg       0.50       0.50       0.50        2" in text
    assert entity_scores(y_true, y_pred).accuracy == 0.75
    assert token_accuracy(y_true, y_pred) == 0.75
    # conlleval accuracy compares prefix and type after parsing: B-0 equals B
    assert entity_scores(["B-0"], ["B"]).accuracy == 1.0
    assert token_accuracy(["B-0"], ["B"]) == 0.0
    assert entity_scores(["B-PER"], ["B-PER"], mode="strict", scheme="IOB2").accuracy == 1.0


def test_score_errors():
    with pytest.raises(ValueError, match="average must be one of"):
        precision_recall_fscore_support(["O"], ["O"], average="samples")
    with pytest.raises(TypeError, match="average must be a string, one of"):
        f1_score(["O"], ["O"], average=None)
    with pytest.raises(ValueError, match="average must be one of"):
        entity_scores(["O"], ["O"]).average("binary")
    with pytest.raises(ValueError, match="digits must be >= 0"):
        entity_scores(["O"], ["O"]).report(digits=-1)
    with pytest.raises(TypeError, match="digits must be an integer"):
        entity_scores(["O"], ["O"]).report(digits=2.0)
    with pytest.raises(ValueError, match="same length"):
        token_accuracy(["O"], ["O", "O"])
    with pytest.raises(ValueError, match="needs a scheme"):
        entity_scores(["O"], ["O"], mode="strict")
    with pytest.raises(ValueError, match="not a valid IOB2 tag"):
        entity_scores(["S-PER"], ["O"], mode="strict", scheme="IOB2")
    with pytest.raises(TypeError, match=r"y_true\[0\] must be a str tag or a sequence of str tags \(a sentence\), got int"):
        entity_scores([0], ["O"])


# ---------------------------------------------------------------- SemEval / nervaluate


def nervaluate_results(y_true, y_pred, types):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = Evaluator(y_true, y_pred, tags=list(types), loader="list").evaluate()
    name = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}
    return res, name


@settings(max_examples=200, deadline=None)
@given(corpus_pair("BI"))
def test_semeval_matches_nervaluate(pair):
    y_true, y_pred = pair
    ours = semeval_scores(y_true, y_pred)
    types = sorted(ours["per_type"])
    if not types:
        return
    res, name = nervaluate_results(y_true, y_pred, types)
    for sc in SCENARIOS:
        a, b = ours["overall"][sc], res["overall"][name[sc]]
        assert (a.correct, a.incorrect, a.partial, a.missed, a.spurious) == (
            b.correct, b.incorrect, b.partial, b.missed, b.spurious
        ), sc
        assert (a.actual, a.possible) == (b.actual, b.possible)
        assert a.precision == pytest.approx(b.precision) and a.recall == pytest.approx(b.recall)
        assert a.f1 == pytest.approx(b.f1)
        for t in types:
            a, b = ours["per_type"][t][sc], res["entities"][t][name[sc]]
            assert (a.correct, a.incorrect, a.partial, a.missed, a.spurious) == (
                b.correct, b.incorrect, b.partial, b.missed, b.spurious
            ), (sc, t)


def test_semeval_by_hand():
    # gold PER[0,3) LOC[4,5); predicted PER[0,2) (boundary), ORG[4,5) (type), PER[6,7) (spurious)
    y_true = ["B-PER", "I-PER", "I-PER", "O", "B-LOC", "O", "O"]
    y_pred = ["B-PER", "I-PER", "O", "O", "B-ORG", "O", "B-PER"]
    r = semeval_scores(y_true, y_pred)["overall"]
    assert r["strict"] == SemEvalResult(correct=0, incorrect=2, partial=0, missed=0, spurious=1)
    assert r["exact"] == SemEvalResult(correct=1, incorrect=1, partial=0, missed=0, spurious=1)
    assert r["partial"] == SemEvalResult(correct=1, incorrect=0, partial=1, missed=0, spurious=1)
    assert r["type"] == SemEvalResult(correct=1, incorrect=1, partial=0, missed=0, spurious=1)
    assert r["partial"].precision == pytest.approx(1.5 / 3)
    assert r["partial"].recall == pytest.approx(1.5 / 2)
    assert (r["strict"].actual, r["strict"].possible) == (3, 2)
    assert SemEvalResult().f1 == 0.0 and SemEvalResult().precision == 0.0


def test_error_breakdown_by_hand():
    gold = [["B-PER", "I-PER", "O", "B-LOC", "O", "B-ORG"], ["B-LOC", "I-LOC", "O"]]
    pred = [["B-PER", "O", "O", "B-ORG", "B-LOC", "O"], ["B-ORG", "O", "O"]]
    out = error_breakdown(gold, pred)
    assert out["counts"] == {
        "correct": 0,
        "missed": 1,  # ORG in sentence 0
        "spurious": 1,  # LOC at token 4
        "wrong_type": 1,  # ORG on the LOC span
        "wrong_boundary": 1,  # PER cut short
        "wrong_type_and_boundary": 1,  # ORG on half of the LOC in sentence 1
    }
    kinds = [(r.kind, r.type) for r in out["records"]]
    assert ("missed", "ORG") in kinds and ("wrong_boundary", "PER") in kinds
    assert out["per_type"]["ORG"]["wrong_type"] == 1
    assert out["per_type"]["ORG"]["missed"] == 1


@settings(max_examples=150, deadline=None)
@given(corpus_pair("BI"), st.booleans())
def test_error_breakdown_accounts_for_everything(pair, strict):
    y_true, y_pred = pair
    kw = {"mode": "strict", "scheme": "IOB2"} if strict else {}
    out = error_breakdown(y_true, y_pred, **kw)
    c = out["counts"]
    gold = get_entities(y_true, **kw)
    pred = get_entities(y_pred, **kw)
    s = entity_scores(y_true, y_pred, **kw)
    assert c["correct"] == s.tp.sum()
    assert c["correct"] + sum(c[k] for k in ERROR_KINDS if k != "missed") == len(pred)
    assert c["missed"] <= len(gold) - c["correct"]
    assert sum(sum(v.values()) for v in out["per_type"].values()) == len(out["records"])
    # missed = gold entities that no prediction overlaps
    untouched = [g for g in gold if not any(p.sentence == g.sentence and p.start < g.end and g.start < p.end for p in pred)]
    assert c["missed"] == len(untouched)


def test_semeval_errors():
    with pytest.raises(ValueError, match="same length"):
        semeval_scores(["O"], ["O", "O"])
    with pytest.raises(ValueError, match="mode must be one of"):
        error_breakdown(["O"], ["O"], mode="x")


@settings(max_examples=100, deadline=None)
@given(corpus_pair("BI"))
def test_micro_f1_formula(pair):
    s = entity_scores(*pair)
    tp, n_pred, n_true = s.tp.sum(), s.n_pred.sum(), s.n_true.sum()
    expected = 2 * tp / (n_pred + n_true) if n_pred + n_true else 0.0
    assert f1_score(*pair) == pytest.approx(expected, abs=1e-12)
