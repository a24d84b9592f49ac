"""Entity-level scoring of ~1 M tokens: xentbook.ner against seqeval.

Builds a synthetic corpus (IOB2 gold tags, a "prediction" with realistic
errors: dropped, truncated, retyped and spurious entities, and some
ill-formed I- starts), scores it with seqeval's default (conlleval-compatible)
mode and strict IOB2 mode and with xentbook.ner, checks that the per-type
counts and scores are identical, and prints the speed ratios.

    python benchmarks/bench_ner.py [--tokens 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from seqeval.metrics import classification_report
from seqeval.scheme import IOB2

from xentbook.ner import entity_scores

TYPES = ("PER", "LOC", "ORG", "MISC")


def make_corpus(n_tokens: int, seed: int = 0) -> tuple[list[list[str]], list[list[str]]]:
    rng = np.random.default_rng(seed)
    y_true: list[list[str]] = []
    y_pred: list[list[str]] = []
    total = 0
    while total < n_tokens:
        n = int(rng.integers(5, 40))
        gold = ["O"] * n
        pred = ["O"] * n
        i = 0
        while i < n:
            if rng.random() < 0.15:
                length = int(min(n - i, rng.integers(1, 4)))
                t = TYPES[int(rng.integers(len(TYPES)))]
                gold[i] = f"B-{t}"
                for j in range(i + 1, i + length):
                    gold[j] = f"I-{t}"
                r = rng.random()
                if r < 0.80:  # correct
                    pred[i : i + length] = gold[i : i + length]
                elif r < 0.85:  # missed
                    pass
                elif r < 0.90:  # wrong type
                    u = TYPES[int(rng.integers(len(TYPES)))]
                    pred[i] = f"B-{u}"
                    for j in range(i + 1, i + length):
                        pred[j] = f"I-{u}"
                elif r < 0.95:  # ill-formed start: I- instead of B-
                    pred[i : i + length] = [f"I-{t}"] * length
                else:  # truncated
                    pred[i] = f"B-{t}"
                i += length
            else:
                if rng.random() < 0.01:  # spurious
                    pred[i] = f"B-{TYPES[int(rng.integers(len(TYPES)))]}"
                i += 1
        y_true.append(gold)
        y_pred.append(pred)
        total += n
    return y_true, y_pred


def best_time(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def compare(ours, theirs) -> None:
    for t in ours.types:
        row = theirs[t]
        k = ours.types.index(t)
        assert ours.n_true[k] == row["support"], t
        for name, val in (("precision", ours.precision[k]), ("recall", ours.recall[k]), ("f1-score", ours.f1[k])):
            assert abs(val - row[name]) < 1e-12, (t, name)
    assert set(ours.types) == {k for k in theirs if not k.endswith(" avg")}
    p, r, f, s = ours.average("micro")
    m = theirs["micro avg"]
    assert abs(p - m["precision"]) < 1e-12 and abs(r - m["recall"]) < 1e-12 and abs(f - m["f1-score"]) < 1e-12


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tokens", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    y_true, y_pred = make_corpus(args.tokens)
    n = sum(map(len, y_true))
    print(f"corpus: {len(y_true)} sentences, {n} tokens")
    warnings.simplefilter("ignore")
    for label, kw, skw in (
        ("default (conlleval rules)", {}, {}),
        ("strict IOB2", {"mode": "strict", "scheme": "IOB2"}, {"mode": "strict", "scheme": IOB2}),
    ):
        t_ours, ours = best_time(lambda: entity_scores(y_true, y_pred, **kw), args.repeat)
        t_ref, theirs = best_time(
            lambda: classification_report(y_true, y_pred, output_dict=True, zero_division=0, **skw), 1
        )
        compare(ours, theirs)
        f1 = ours.average("micro")[2]
        print(
            f"{label:28s} micro F1 {f1:.4f} (identical)  seqeval {t_ref:6.2f} s  "
            f"xentbook.ner {t_ours:6.3f} s  speed-up {t_ref / t_ours:5.1f}x"
        )


if __name__ == "__main__":
    main()
