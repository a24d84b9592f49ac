"""The conlleval replacement: hand-worked reports, the command line, bad input.

Every expected report below was worked out by hand from the script's rules
(the reasoning is in the comments); none needs the Perl script to run.
"""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xentbook.ner import (
    ConllevalCounts,
    ConllevalInputError,
    conlleval_counts,
    conlleval_report,
    entity_scores,
    main,
    read_conll,
)

# Three sentences, IOB2.  Gold chunks: ORG, MISC, PER (2 tokens), LOC = 4.
# Predicted: ORG, MISC (I- after O starts a chunk), PER, PER, LOC = 5.
# Correct: ORG, MISC, LOC = 3 (the gold PER is split in two).  9 tokens, two
# tags differ (I-MISC, B-PER): accuracy 7/9 = 77.78 %; precision 3/5 = 60 %,
# recall 3/4 = 75 %, FB1 = 2*60*75/135 = 66.67.  The per-type line ends with
# the number of *predicted* chunks.
FILE_A = (
    "EU B-ORG B-ORG\nrejects O O\nGerman B-MISC I-MISC\ncall O O\n. O O\n\n"
    "Peter B-PER B-PER\nBlackburn I-PER B-PER\n\n"
    "BRUSSELS B-LOC B-LOC\n1996-08-22 O O\n"
)
REPORT_A = (
    "processed 9 tokens with 4 phrases; found: 5 phrases; correct: 3.\n"
    "accuracy:  77.78%; precision:  60.00%; recall:  75.00%; FB1:  66.67\n"
    "              LOC: precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n"
    "             MISC: precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n"
    "              ORG: precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n"
    "              PER: precision:   0.00%; recall:   0.00%; FB1:   0.00  2\n"
)
LATEX_A = (
    "        & Precision &  Recall  & F$_{\\beta=1} \\\\\\hline\n"
    "LOC     &  100.00\\% & 100.00\\% & 100.00 \\\\\n"
    "MISC    &  100.00\\% & 100.00\\% & 100.00 \\\\\n"
    "ORG     &  100.00\\% & 100.00\\% & 100.00 \\\\\n"
    "PER     &    0.00\\% &   0.00\\% &   0.00 \\\\\\hline\n"
    "Overall &   60.00\\% &  75.00\\% &  66.67 \\\\\\hline\n"
)
SENTENCES_A = (
    [["B-ORG", "O", "B-MISC", "O", "O"], ["B-PER", "I-PER"], ["B-LOC", "O"]],
    [["B-ORG", "O", "I-MISC", "O", "O"], ["B-PER", "B-PER"], ["B-LOC", "O"]],
)

# IOBES input: S- has no rule in the script.  Gold "S-PER S-PER" is ONE chunk;
# the prediction "S-PER O" ends its chunk after one token (type changes to
# the empty type of O) while gold goes on, so the chunk is not correct.
FILE_B = "a S-PER S-PER\nb S-PER O\nc O O\n"
REPORT_B = (
    "processed 3 tokens with 1 phrases; found: 1 phrases; correct: 0.\n"
    "accuracy:  66.67%; precision:   0.00%; recall:   0.00%; FB1:   0.00\n"
    "              PER: precision:   0.00%; recall:   0.00%; FB1:   0.00  1\n"
)

# Raw tags (-r): every non-O tag is a one-token chunk B-tag.  Gold PER, PER;
# predicted PER, LOC, PER; only the first token is a correct chunk.
# precision 1/3 = 33.33, recall 1/2 = 50, FB1 = 2*(100/3)*50/(100/3+50) = 40.
FILE_C = "a PER PER\nb PER LOC\nc O PER\n"
REPORT_C = (
    "processed 3 tokens with 2 phrases; found: 3 phrases; correct: 1.\n"
    "accuracy:  33.33%; precision:  33.33%; recall:  50.00%; FB1:  40.00\n"
    "              LOC: precision:   0.00%; recall:   0.00%; FB1:   0.00  1\n"
    "              PER: precision:  50.00%; recall:  50.00%; FB1:  50.00  2\n"
)

# Untyped chunks (bare B / I tags) have the empty type, which the script's
# de-duplication of type names lets through twice.
FILE_D = "a B B\nb I I\nc O O\nd B-PER B-PER\n"
REPORT_D = (
    "processed 4 tokens with 2 phrases; found: 2 phrases; correct: 2.\n"
    "accuracy: 100.00%; precision: 100.00%; recall: 100.00%; FB1: 100.00\n"
    "                 : precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n"
    "                 : precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n"
    "              PER: precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n"
)

EMPTY_REPORT = "processed 0 tokens with 0 phrases; found: 0 phrases; correct: 0.\n"


def run(args, data: bytes):
    out, err = io.BytesIO(), io.StringIO()
    rc = main(args, stdin=io.BytesIO(data), stdout=out, stderr=err)
    return rc, out.getvalue(), err.getvalue()


# ---------------------------------------------------------------- reports


@pytest.mark.parametrize(
    "args, text, expected",
    [
        ([], FILE_A, REPORT_A),
        (["-l"], FILE_A, LATEX_A),
        ([], FILE_B, REPORT_B),
        (["-r"], FILE_C, REPORT_C),
        (["-r", "-o", "NIL"], FILE_C.replace(" O ", " NIL "), REPORT_C),
        ([], FILE_D, REPORT_D),
        ([], "", EMPTY_REPORT),
        ([], "\n\n", EMPTY_REPORT),
        (["-d", "\t"], FILE_A.replace(" ", "\t"), REPORT_A),
        (["-d", "\\t"], FILE_A.replace(" ", "\t"), REPORT_A),  # a regular expression
        (["-d", " +"], FILE_A.replace(" ", "   "), REPORT_A),
        # a -X- line is a boundary whatever its tags; a final line without \n counts
        ([], "-X- B-PER B-PER\n" + FILE_A.rstrip("\n"), REPORT_A),
    ],
)
def test_reports_by_hand(args, text, expected):
    rc, out, err = run(args, text.encode())
    assert (rc, err) == (0, "")
    assert out.decode() == expected


def test_api_reports_match_the_file_reports():
    assert conlleval_report(*SENTENCES_A) == REPORT_A
    assert conlleval_report(*SENTENCES_A, latex=True) == LATEX_A
    assert conlleval_report(["S-PER", "S-PER", "O"], ["S-PER", "O", "O"]) == REPORT_B
    assert conlleval_report(["PER", "PER", "O"], ["PER", "LOC", "PER"], raw=True) == REPORT_C
    assert (
        conlleval_report(["PER", "PER", "NIL"], ["PER", "LOC", "PER"], raw=True, o_tag="NIL") == REPORT_C
    )
    c = conlleval_counts(*SENTENCES_A)
    assert c == ConllevalCounts(
        9, 7, {"LOC": 1, "MISC": 1, "ORG": 1, "PER": 1}, {"LOC": 1, "MISC": 1, "ORG": 1, "PER": 2},
        {"LOC": 1, "MISC": 1, "ORG": 1},
    )
    assert (c.n_true, c.n_pred, c.n_correct) == (4, 5, 3)


def test_option_o_is_ignored_without_r():
    # the script uses the outside tag only in raw mode
    assert run(["-o", "NIL"], FILE_A.encode())[1].decode() == REPORT_A


def test_windows_line_ends_are_kept_in_the_last_tag():
    # "O\r" is not "O": it is a prefix with the empty type, so after B-PER it
    # starts a chunk (a change of type) on the predicted side only
    rc, out, _ = run([], b"a B-PER B-PER \nb O O\r\n")
    assert out.decode() == (
        "processed 2 tokens with 1 phrases; found: 2 phrases; correct: 1.\n"
        "accuracy:  50.00%; precision:  50.00%; recall: 100.00%; FB1:  66.67\n"
        "                 : precision:   0.00%; recall:   0.00%; FB1:   0.00  1\n"
        "              PER: precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n"
    )


def test_bytes_pass_through_and_sort_as_bytes():
    # UTF-8 type names come out unchanged; "Z" (0x5a) sorts before any
    # multi-byte character; Latin-1 bytes that are not UTF-8 survive too
    data = "a B-人名 B-人名\nb B-Z O\n".encode() + b"c B-\xe9 B-\xe9\n"
    rc, out, _ = run([], data)
    lines = out.split(b"\n")
    assert lines[2].strip().startswith(b"Z:")
    assert lines[3].strip().startswith("人名:".encode())  # 0xe4 ...
    assert lines[4].strip().startswith(b"\xe9:")  # ... before 0xe9
    width = 17 - len("人名".encode())  # padding counts bytes, as Perl's printf does
    assert lines[3].startswith(b" " * width + "人名".encode())


def test_field_splitting_follows_perl_split():
    # two spaces make an empty field, so the tags are still the last two fields
    # but the line has one field more than the first -> the script's error
    with pytest.raises(ConllevalInputError, match=r"unexpected number of features: 4 \(3\)") as exc:
        read_conll("a B-PER B-PER\nb  O O\n")
    assert exc.value.exit_status == 1
    # trailing separators are dropped; a leading one makes an empty first field
    assert read_conll("a B-PER B-PER   \n O O\n").tokens == 2
    # a zero-length-matching delimiter splits between characters, like Perl
    assert read_conll("aBB\n", delimiter="x*").n_correct == 1


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.lists(
            st.tuples(
                st.sampled_from(["O", "B-PER", "I-PER", "E-PER", "S-PER", "B-LOC", "I-LOC", "B", "X", "[-NP", "]-NP", ".-NP", "O-PER", "B-0"]),
                st.sampled_from(["O", "B-PER", "I-PER", "E-LOC", "S-LOC", "I-LOC", "I", "X", "[-NP", ".-NP", "B-0"]),
            ),
            min_size=1,
            max_size=8,
        ),
        min_size=1,
        max_size=5,
    )
)
def test_api_equals_file_on_quirky_alphabets(corpus):
    y_true = [[g for g, _ in s] for s in corpus]
    y_pred = [[p for _, p in s] for s in corpus]
    text = "".join("".join(f"w {g} {p}\n" for g, p in s) + "\n" for s in corpus)
    assert read_conll(text) == conlleval_counts(y_true, y_pred)
    rc, out, _ = run([], text.encode())
    assert rc == 0 and out.decode() == conlleval_report(y_true, y_pred)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(st.sampled_from(["O", "B-A", "I-A", "B-B", "I-B"]), st.sampled_from(["O", "B-A", "I-A", "B-B", "I-B"])), min_size=1, max_size=10),
        min_size=1,
        max_size=5,
    )
)
def test_report_numbers_equal_entity_scores(corpus):
    y_true = [[g for g, _ in s] for s in corpus]
    y_pred = [[p for _, p in s] for s in corpus]
    c = conlleval_counts(y_true, y_pred)
    s = entity_scores(y_true, y_pred)
    assert c.n_correct == s.tp.sum() and c.n_pred == s.n_pred.sum() and c.n_true == s.n_true.sum()
    p, r, f, _ = s.average("micro")
    line = conlleval_report(y_true, y_pred).split("\n")[1]
    assert line == "accuracy: %6.2f%%; precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f" % (
        100 * s.accuracy, 100 * p, 100 * r, 100 * f
    )


# ---------------------------------------------------------------- errors


def test_inconsistent_number_of_fields():
    rc, out, err = run([], b"a B-PER B-PER\nb O\n")
    assert (rc, out) == (1, b"")
    assert err == "unexpected number of features: 2 (3)\n"
    # empty lines never count; the first non-empty line sets the number
    rc, out, err = run([], b"\n\na O O\nb c O O\n")
    assert (rc, err) == (1, "unexpected number of features: 4 (3)\n")


def test_too_few_fields():
    rc, out, err = run([], b"B-PER\nO\n")
    assert (rc, out) == (255, b"")
    assert err.startswith("conlleval: unexpected number of features in line B-PER")
    assert err.count("\n") == 1  # one line: the message and the usage hint
    # a lone -X- is a boundary, not an error
    assert run([], b"-X-\n")[1] == EMPTY_REPORT.encode()


@pytest.mark.parametrize(
    "args, message",
    [
        (["-x"], "conlleval: unknown argument -x"),
        (["--"], "conlleval: unknown argument --"),
        (["-d"], "conlleval: -d requires an argument"),
        (["-o"], "conlleval: -o requires an argument"),
        (["a.txt", "b.txt"], "conlleval: expected at most one input file"),
        (["-r", "a.txt", "b.txt"], "conlleval: expected at most one input file"),
        (["-d", ""], "conlleval: the delimiter must not be empty"),
        (["-d", "("], "conlleval: bad delimiter regular expression"),
    ],
)
def test_bad_arguments(args, message):
    rc, out, err = run(args, FILE_A.encode())
    assert (rc, out) == (255, b"")
    assert err.startswith(message)
    assert err.count("\n") == 1  # one clear line, not the message and a usage block


def test_file_argument(tmp_path):
    path = tmp_path / "input.txt"
    path.write_bytes(FILE_A.encode())
    assert run([str(path)], b"") == run([], FILE_A.encode())
    assert run(["-r", str(path)], b"") == run(["-r"], FILE_A.encode())
    rc, out, err = run([str(tmp_path / "missing.txt")], b"")
    assert (rc, out) == (2, b"") and err.startswith("conlleval: cannot read") and err.count("\n") == 1


def test_api_errors():
    with pytest.raises(ValueError, match="o_tag only has an effect with raw=True"):
        conlleval_counts(["O"], ["O"], o_tag="NIL")
    with pytest.raises(TypeError, match="raw must be a bool"):
        conlleval_counts(["O"], ["O"], raw=1)
    with pytest.raises(TypeError, match="o_tag must be a str"):
        conlleval_counts(["O"], ["O"], raw=True, o_tag=0)
    with pytest.raises(TypeError, match="latex must be a bool"):
        conlleval_report(["O"], ["O"], latex="yes")
    with pytest.raises(ValueError, match="same length, got 2 and 1"):
        conlleval_counts(["O", "O"], ["O"])
    with pytest.raises(ValueError, match="sentence 1 has 1 tags in y_true but 2 in y_pred"):
        conlleval_counts([["O"], ["O"]], [["O"], ["O", "O"]])
    with pytest.raises(ValueError, match="same number of sentences, got 2 and 1"):
        conlleval_counts([["O"], ["O"]], [["O"]])
    with pytest.raises(ValueError, match="y_true is one sentence of tags but y_pred is a list of sentences"):
        conlleval_counts(["O"], [["O"]])
    with pytest.raises(TypeError, match=r"y_pred\[1\] must be a str tag, got NoneType"):
        conlleval_counts(["O", "O"], ["O", None])
    with pytest.raises(TypeError, match=r"y_pred\[0\] must be a str tag or a sequence of str tags"):
        conlleval_counts([["O"]], [None])
    with pytest.raises(ValueError, match="y_true is empty"):
        conlleval_counts([], [])
    with pytest.raises(TypeError, match="text must be str or bytes"):
        read_conll(["a O O"])
    with pytest.raises(TypeError, match="delimiter must be a str"):
        read_conll("a O O", delimiter=None)
    with pytest.raises(TypeError, match="argv must contain str"):
        main([1], stdin=io.BytesIO(b""), stdout=io.BytesIO(), stderr=io.StringIO())


def test_module_runs_as_a_program():
    proc = subprocess.run(
        [sys.executable, "-m", "xentbook.ner"], input=FILE_A.encode(), capture_output=True, check=False
    )
    assert proc.returncode == 0
    assert proc.stdout == REPORT_A.encode()
    proc = subprocess.run(
        [sys.executable, "-m", "xentbook.ner"], input=b"a B-PER B-PER\nb O\n", capture_output=True, check=False
    )
    assert proc.returncode == 1 and proc.stdout == b""
    assert proc.stderr == b"unexpected number of features: 2 (3)\n"
