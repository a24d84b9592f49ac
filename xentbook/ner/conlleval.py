r"""A drop-in replacement for the CoNLL ``conlleval`` Perl script.

``python -m xentbook.ner [-l] [-r] [-d DELIM] [-o OTAG] < file`` reads the
script's input and prints its report byte for byte.  The rules, all taken
from the script (version 2004-01-26) and re-implemented here:

Input
    One token per line; fields are separated by ``DELIM``, which is a
    **regular expression** (default a single space, so two spaces make an
    empty field and a tab-separated file needs ``-d '\t'``); trailing empty
    fields are dropped.  The last two fields are the gold and the predicted
    tag.  An empty line, or a line whose first field is ``-X-``, is a
    sentence boundary: it ends chunks like an ``O`` in both columns and is
    not counted as a token.  Only ``\n`` ends a line (a Windows ``\r`` stays
    in the last tag).  Input is handled as bytes: any encoding passes
    through unchanged and types sort by their bytes.

Errors
    The first non-empty line fixes the number of fields.  A later non-empty
    line with another number prints ``unexpected number of features: N (M)``
    on standard error and exits with status 1; a token line with fewer than
    two fields exits with status 255, as do bad command-line arguments.

Options
    ``-r`` (raw): tags carry no prefix; every tag other than ``O`` (or the
    ``-o`` tag) becomes ``B-tag``, i.e. every token is its own chunk.
    ``-o OTAG``: the outside tag, **used only together with -r** (the
    script ignores it otherwise, and so does this tool).  ``-d DELIM``: the
    field separator.  ``-l``: the LaTeX table instead of the text report.

Report
    ``processed T tokens with G phrases; found: P phrases; correct: C.``,
    then (if ``T > 0``) accuracy, precision, recall and FB1 in percent with
    two decimals, then one line per chunk type, sorted by bytes.  With
    :math:`C, P, G` the correct, found (predicted) and gold chunk counts,

    .. math::

        \text{precision} = 100\,\frac{C}{P}\ (0 \text{ if } P = 0),\quad
        \text{recall} = 100\,\frac{C}{G}\ (0 \text{ if } G = 0),\quad
        F_{\beta=1} = \frac{2\,\text{precision}\cdot\text{recall}}
                           {\text{precision} + \text{recall}}\ (0 \text{ if both are } 0),

    and the per-type line ends with the number of *predicted* chunks of
    the type (not the gold support).  A chunk type that is empty (untyped
    tags such as a bare ``B``) is printed twice when it occurs on both sides
    -- another quirk of the script's de-duplication, kept.

Not reproduced: the warnings Perl prints on standard error for two-column
input (``Use of uninitialized value``); the "at ... line N." suffix of the
script's fatal messages.
"""

from __future__ import annotations

import io
import os
import re
import sys
from dataclasses import dataclass, field
from typing import IO, Any, Sequence

import numpy as np

from .._validation import check_bool, check_sequence, check_str
from ._input import encode
from ._core import conll_tables, run_machine, stream

__all__ = [
    "ConllevalCounts",
    "ConllevalInputError",
    "conlleval_counts",
    "conlleval_report",
    "read_conll",
    "main",
]

BOUNDARY = "-X-"


class ConllevalInputError(ValueError):
    """Input the conlleval script rejects; ``exit_status`` is the script's exit status."""

    def __init__(self, message: str, exit_status: int):
        super().__init__(message)
        self.exit_status = exit_status


@dataclass(frozen=True)
class ConllevalCounts:
    """The counts behind a conlleval report.

    Attributes
    ----------
    tokens : int
        Tokens counted (boundary lines excluded).
    correct_tags : int
        Tokens whose gold and predicted tags agree (same prefix and type).
    found_correct, found_guessed, correct_chunks : dict of str to int
        Gold chunks, predicted chunks and correct chunks per type (types
        with a zero count are absent, as in the script).
    """

    tokens: int
    correct_tags: int
    found_correct: dict[str, int] = field(default_factory=dict)
    found_guessed: dict[str, int] = field(default_factory=dict)
    correct_chunks: dict[str, int] = field(default_factory=dict)

    @property
    def n_true(self) -> int:
        """Number of gold chunks."""
        return sum(self.found_correct.values())

    @property
    def n_pred(self) -> int:
        """Number of predicted chunks."""
        return sum(self.found_guessed.values())

    @property
    def n_correct(self) -> int:
        """Number of correct chunks."""
        return sum(self.correct_chunks.values())

    def report(self, *, latex: bool = False) -> str:
        """The script's report (``latex=True``: its ``-l`` table) as a string."""
        return _format_report(self, latex=check_bool(latex, "latex"))


def _counts(types: list[str], true_types: np.ndarray, pred_types: np.ndarray, correct_types: np.ndarray) -> tuple[dict, ...]:
    out = []
    for arr in (true_types, pred_types, correct_types):
        c = np.bincount(arr, minlength=len(types))
        out.append({types[k]: int(c[k]) for k in np.flatnonzero(c)})
    return tuple(out)


def _counts_from_stream(tables: Any, true_s: np.ndarray, pred_s: np.ndarray, token: np.ndarray) -> ConllevalCounts:
    tc, tt = tables.category[true_s], tables.type_id[true_s]
    pc, pt = tables.category[pred_s], tables.type_id[pred_s]
    if true_s.size == 0:
        return ConllevalCounts(0, 0, {}, {}, {})
    m = run_machine(tc, tt, pc, pt)
    fc, fg, cc = _counts(tables.types, tt[m.start_true], pt[m.start_pred], m.correct_types)
    correct_tags = int(np.count_nonzero(tables.key[true_s][token] == tables.key[pred_s][token]))
    return ConllevalCounts(int(np.count_nonzero(token)), correct_tags, fc, fg, cc)


def conlleval_counts(y_true: Any, y_pred: Any, *, raw: bool = False, o_tag: str = "O") -> ConllevalCounts:
    r"""Count tokens and chunks exactly as the conlleval script does.

    The corpus is read as a CoNLL file in which every sentence is followed by
    an empty line; see :mod:`xentbook.ner.chunks` for the chunk rules.  A
    chunk is correct when both sides start it at the same token with the same
    type and end it at the same token, with equal types in between.

    Parameters
    ----------
    y_true, y_pred : sequence of str, or sequence of sequences of str
        Gold and predicted tags: one sentence or a corpus, same shape.
    raw : bool
        The script's ``-r``: tags have no prefix and every non-``O`` token is a
        one-token chunk (``PER`` is read as ``B-PER``).
    o_tag : str
        The script's ``-o``: the outside tag in raw mode.  Only allowed with
        ``raw=True`` (the script silently ignores it otherwise).

    Returns
    -------
    ConllevalCounts

    Examples
    --------
    >>> c = conlleval_counts(["B-PER", "I-PER", "O", "B-LOC"], ["B-PER", "I-PER", "O", "B-ORG"])
    >>> c.n_true, c.n_pred, c.n_correct, c.correct_chunks
    (2, 2, 1, {'PER': 1})
    >>> print(c.report())
    processed 4 tokens with 2 phrases; found: 2 phrases; correct: 1.
    accuracy:  75.00%; precision:  50.00%; recall:  50.00%; FB1:  50.00
                  LOC: precision:   0.00%; recall:   0.00%; FB1:   0.00  0
                  ORG: precision:   0.00%; recall:   0.00%; FB1:   0.00  1
                  PER: precision: 100.00%; recall: 100.00%; FB1: 100.00  1
    <BLANKLINE>
    """
    raw = check_bool(raw, "raw")
    o_tag = check_str(o_tag, "o_tag")
    if not raw and o_tag != "O":
        raise ValueError("o_tag only has an effect with raw=True (as the script's -o with -r)")
    enc = encode([("y_true", y_true), ("y_pred", y_pred)])
    tables = conll_tables(enc.vocab, raw=raw, o_tag=o_tag)
    pos, true_s, pred_s = stream(enc, tables)
    token = np.zeros(true_s.size, dtype=bool)
    token[pos] = True
    return _counts_from_stream(tables, true_s, pred_s, token)


def conlleval_report(
    y_true: Any, y_pred: Any, *, raw: bool = False, o_tag: str = "O", latex: bool = False
) -> str:
    """The conlleval report of a tagged corpus, as the script prints it.

    Equivalent to writing the corpus as a CoNLL file (one sentence per block,
    an empty line after each) and running the script on it.  See
    :func:`conlleval_counts` for the parameters; ``latex=True`` gives the
    script's ``-l`` table.

    Examples
    --------
    >>> print(conlleval_report([["B-PER", "O"], ["I-LOC"]], [["B-PER", "O"], ["O"]]))
    processed 3 tokens with 2 phrases; found: 1 phrases; correct: 1.
    accuracy:  66.67%; precision: 100.00%; recall:  50.00%; FB1:  66.67
                  LOC: precision:   0.00%; recall:   0.00%; FB1:   0.00  0
                  PER: precision: 100.00%; recall: 100.00%; FB1: 100.00  1
    <BLANKLINE>
    """
    latex = check_bool(latex, "latex")
    return conlleval_counts(y_true, y_pred, raw=raw, o_tag=o_tag).report(latex=latex)


def _sorted_types(c: ConllevalCounts) -> list[str]:
    out: list[str] = []
    last: str | None = None
    for t in sorted([*c.found_correct, *c.found_guessed]):
        # the script compares with the previous name only when that name is
        # "true" for Perl: after "" (or "0") the next name is always kept
        if not last or last != t:
            out.append(t)
        last = t
    return out


def _prf(correct: int, found: int, gold: int) -> tuple[float, float, float]:
    p = 100 * correct / found if found > 0 else 0.0
    r = 100 * correct / gold if gold > 0 else 0.0
    f = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return p, r, f


def _format_report(c: ConllevalCounts, *, latex: bool = False) -> str:
    lines: list[str] = []
    if not latex:
        p, r, f = _prf(c.n_correct, c.n_pred, c.n_true)
        lines.append(
            f"processed {c.tokens} tokens with {c.n_true} phrases; "
            f"found: {c.n_pred} phrases; correct: {c.n_correct}.\n"
        )
        if c.tokens > 0:
            acc = 100 * c.correct_tags / c.tokens
            lines.append(
                "accuracy: %6.2f%%; precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f\n" % (acc, p, r, f)
            )
        for t in _sorted_types(c):
            found = c.found_guessed.get(t, 0)
            p, r, f = _prf(c.correct_chunks.get(t, 0), found, c.found_correct.get(t, 0))
            lines.append("%17s: precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f  %d\n" % (t, p, r, f, found))
        return "".join(lines)
    lines.append("        & Precision &  Recall  & F$_{\\beta=1} \\\\\\hline")
    for t in _sorted_types(c):
        p, r, f = _prf(c.correct_chunks.get(t, 0), c.found_guessed.get(t, 0), c.found_correct.get(t, 0))
        lines.append("\n%-7s &  %6.2f\\%% & %6.2f\\%% & %6.2f \\\\" % (t, p, r, f))
    lines.append("\\hline\n")
    p, r, f = _prf(c.n_correct, c.n_pred, c.n_true)
    lines.append("Overall &  %6.2f\\%% & %6.2f\\%% & %6.2f \\\\\\hline\n" % (p, r, f))
    return "".join(lines)


def _splitter(delimiter: str):
    if delimiter == "":
        raise ConllevalInputError("conlleval: the delimiter must not be empty", 255)
    if re.escape(delimiter) == delimiter:  # a literal: str.split is the same split, faster

        def split(line: str) -> list[str]:
            if not line:
                return []
            fields = line.split(delimiter)
            while fields and fields[-1] == "":
                fields.pop()
            return fields

        return split
    try:
        rx = re.compile(delimiter, re.ASCII)
    except re.error as exc:
        raise ConllevalInputError(f"conlleval: bad delimiter regular expression {delimiter!r}: {exc}", 255) from None

    def split_rx(line: str) -> list[str]:
        # Perl's split: no empty leading field from a zero-length match, no
        # empty field from a zero-length match where the last one ended,
        # captured groups are returned too, trailing empty fields dropped
        if not line:
            return []
        fields: list[str] = []
        pos = 0
        for m in rx.finditer(line):
            a, b = m.span()
            if a == b and (a == pos or a == len(line)):
                continue
            fields.append(line[pos:a])
            fields.extend("" if g is None else g for g in m.groups())
            pos = b
        fields.append(line[pos:])
        while fields and fields[-1] == "":
            fields.pop()
        return fields

    return split_rx


def read_conll(
    text: str | bytes, *, delimiter: str = " ", raw: bool = False, o_tag: str = "O"
) -> ConllevalCounts:
    r"""Evaluate the text of a conlleval input file.

    ``bytes`` are read as the script reads them (byte strings; decoded here as
    Latin-1 so that every byte is one character and sorts as a byte).

    Parameters
    ----------
    text : str or bytes
        The file's contents.
    delimiter : str
        Field separator, a regular expression (the script's ``-d``).
    raw : bool
        The script's ``-r``.
    o_tag : str
        The script's ``-o``; ignored unless ``raw`` (as in the script).

    Returns
    -------
    ConllevalCounts

    Raises
    ------
    ConllevalInputError
        On a line with an unexpected number of fields (``exit_status`` 1) or
        a token line with fewer than two fields (``exit_status`` 255).

    Examples
    --------
    >>> c = read_conll("John B-PER B-PER\nlives O O\n\nParis B-LOC B-ORG\n")
    >>> c.tokens, c.n_true, c.n_pred, c.n_correct
    (3, 2, 2, 1)
    """
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("latin-1")
    if not isinstance(text, str):
        raise TypeError(f"text must be str or bytes, got {type(text).__name__}")
    delimiter = check_str(delimiter, "delimiter")
    o_tag = check_str(o_tag, "o_tag")
    raw = check_bool(raw, "raw")
    split = _splitter(delimiter)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    gold: list[str] = []
    pred: list[str] = []
    token: list[bool] = []
    n_fields = -1
    for line in lines:
        fields = split(line)
        if n_fields < 0:
            n_fields = len(fields) - 1
        elif n_fields != len(fields) - 1 and fields:
            raise ConllevalInputError(
                "unexpected number of features: %d (%d)" % (len(fields), n_fields + 1), 1
            )
        if not fields or fields[0] == BOUNDARY:
            gold.append("O")
            pred.append("O")
            token.append(False)
            continue
        if len(fields) < 2:
            raise ConllevalInputError(f"conlleval: unexpected number of features in line {line}", 255)
        gold.append(fields[-2])
        pred.append(fields[-1])
        token.append(True)
    if not gold:
        return ConllevalCounts(0, 0, {}, {}, {})
    vocab = sorted(set(gold) | set(pred))
    index = {v: k for k, v in enumerate(vocab)}
    tables = conll_tables(vocab, raw=raw, o_tag=o_tag)
    true_s = np.fromiter(map(index.__getitem__, gold), dtype=np.int32, count=len(gold))
    pred_s = np.fromiter(map(index.__getitem__, pred), dtype=np.int32, count=len(pred))
    tok = np.array(token, dtype=bool)
    # boundary lines are "O O" whatever -r/-o say; use the code of "O" itself
    true_s[~tok] = tables.o_code
    pred_s[~tok] = tables.o_code
    return _counts_from_stream(tables, true_s, pred_s, tok)


_USAGE = "usage: python -m xentbook.ner [-l] [-r] [-d delimiter] [-o outside-tag] [file]  (or < file)"


def _to_bytes_str(arg: str) -> str:
    return os.fsencode(arg).decode("latin-1")


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: IO[bytes] | None = None,
    stdout: IO[bytes] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Run the conlleval replacement; return the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        Command-line arguments without the program name (default
        ``sys.argv[1:]``).  Options: ``-l``, ``-r``, ``-d DELIM``, ``-o OTAG``,
        read as the script reads them (options first; anything else is an
        error).
    stdin, stdout : binary streams, optional
        Default ``sys.stdin.buffer`` and ``sys.stdout.buffer``.
    stderr : text stream, optional
        Default ``sys.stderr``.

    Examples
    --------
    >>> import io
    >>> out = io.BytesIO()
    >>> main([], stdin=io.BytesIO(b"a B-PER B-PER\\nb O O\\n"), stdout=out)
    0
    >>> print(out.getvalue().decode())
    processed 2 tokens with 1 phrases; found: 1 phrases; correct: 1.
    accuracy: 100.00%; precision: 100.00%; recall: 100.00%; FB1: 100.00
                  PER: precision: 100.00%; recall: 100.00%; FB1: 100.00  1
    <BLANKLINE>
    """
    args = list(check_sequence(sys.argv[1:] if argv is None else argv, "argv", of=str, what="str arguments"))
    stdin = sys.stdin.buffer if stdin is None else stdin
    stdout = sys.stdout.buffer if stdout is None else stdout
    stderr = sys.stderr if stderr is None else stderr
    for stream, name, method, binary in ((stdin, "stdin", "read", True), (stdout, "stdout", "write", True), (stderr, "stderr", "write", False)):
        if not callable(getattr(stream, method, None)) or getattr(stream, "closed", False):
            raise TypeError(f"{name} must be an open {'binary' if binary else 'text'} stream with a {method}() method, got {type(stream).__name__}")
        if isinstance(stream, io.TextIOBase) == binary:
            raise TypeError(f"{name} must be a {'binary' if binary else 'text'} stream, got {type(stream).__name__}")

    def fail(message: str, status: int) -> int:
        # one line: the message, then where to look (the CLI habit), never the usage block
        message = message.rstrip("\n").replace("\n", " ")
        if status == 255:
            message += f" ({_USAGE})"
        stderr.write(message + "\n")
        stderr.flush()
        return status

    latex = raw = False
    delimiter, o_tag = " ", "O"
    while args and args[0].startswith("-"):
        opt = args.pop(0)
        if opt == "-l":
            latex = True
        elif opt == "-r":
            raw = True
        elif opt in ("-d", "-o"):
            if not args:
                return fail(f"conlleval: {opt} requires an argument", 255)
            value = _to_bytes_str(args.pop(0))
            if opt == "-d":
                delimiter = value
            else:
                o_tag = value
        else:
            return fail(f"conlleval: unknown argument {opt}", 255)
    if len(args) > 1:
        return fail(f"conlleval: expected at most one input file, got {len(args)} arguments", 255)
    if args:  # a file argument, as well as standard input (the script reads only stdin)
        try:
            with open(args[0], "rb") as fh:
                data = fh.read()
        except OSError as exc:
            return fail(f"conlleval: cannot read {args[0]}: {exc.strerror or exc}", 2)
    else:
        data = stdin.read()
    try:
        counts = read_conll(data, delimiter=delimiter, raw=raw, o_tag=o_tag)
    except ConllevalInputError as exc:
        return fail(str(exc), exc.exit_status)
    stdout.write(counts.report(latex=latex).encode("latin-1"))
    stdout.flush()
    return 0
