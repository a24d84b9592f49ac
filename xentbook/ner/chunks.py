r"""Entity extraction from tag sequences: the ``conlleval`` rules and strict schemes.

Two modes are offered.

``mode="conlleval"`` (the default, as in seqeval)
    Exactly the chunk rules of the CoNLL ``conlleval`` Perl script (version
    2004-01-26).  A tag is split at its **first** hyphen into a prefix and a
    type (``B-ORG-X`` has prefix ``B`` and type ``ORG-X``; a tag without a
    hyphen is all prefix and has the empty type).  Between a previous tag
    :math:`(p', y')` and the current tag :math:`(p, y)`:

    * a chunk **ends** if :math:`(p', p)` is one of ``B→B``, ``B→O``,
      ``I→B``, ``I→O``, ``E→E``, ``E→I``, ``E→O``; or if :math:`p'` is
      neither ``O`` nor ``.`` and :math:`y' \ne y`; or if :math:`p'` is ``[``
      or ``]``;
    * a chunk **starts** if :math:`(p', p)` is one of ``B→B``, ``I→B``,
      ``O→B``, ``O→I``, ``E→E``, ``E→I``, ``O→E``; or if :math:`p` is neither
      ``O`` nor ``.`` and :math:`y' \ne y`; or if :math:`p` is ``[`` or ``]``.

    Sentences are separated as by a boundary line of the script (a token
    tagged ``O`` in both columns that is not counted), and the text begins
    as if preceded by ``O``.  The script was written for IOB1/IOB2/IOE1/IOE2
    input; on other prefixes it has **quirks**, reproduced here on purpose:

    * ``S-`` (IOBES) and ``U-``/``L-`` (BILOU) are not special: ``S-PER S-PER``
      is **one** chunk of two tokens, ``S-PER B-PER`` too (a chunk starts
      after ``O`` or on a change of type, never at ``S``/``U``/``L`` otherwise);
    * ``E-`` followed by ``B-`` of the same type neither ends nor starts a
      chunk, so ``B-PER E-PER B-PER E-PER`` is a single four-token chunk;
      ``E-`` followed by ``I-`` of the same type *does* start a new one;
    * an ``I-`` after ``O`` starts a chunk (IOB1 style) and a ``B-`` after
      ``E-`` does not;
    * the type ``0`` is read as the empty type (``B-0`` equals ``B``) because
      the Perl script treats the string ``"0"`` as false;
    * a tag without a hyphen other than ``O`` (``PER``, or ``O\r`` from a
      Windows line end) is a prefix with the empty type: it starts a chunk
      only on a change of type and such chunks may run across sentence
      boundaries;
    * the script counts a chunk as correct token by token (both sides start
      at the same token with the same type, no side ends or changes type
      before the other, and both end together).  For well-behaved tags this
      is the same as "identical span and type"; the scorer always uses the
      script's rule.

``mode="strict"`` with a ``scheme``
    An entity is counted only if it is well formed under the declared scheme
    (the grammar of :mod:`xentbook.ner.schemes`): ``O I-PER`` in IOB2, or a
    ``B-`` without its ``E-`` in IOBES, yields no entity.  Tags outside the
    scheme (``S-PER`` in IOB2, a bare ``PER``) raise :class:`ValueError`.
    This is seqeval's ``mode="strict"``.

Entities are :class:`Entity` tuples ``(sentence, start, end, type)`` with
``end`` exclusive.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .._validation import check_str
from . import _core
from ._core import check_mode, entities_encoded, split_conll_tag
from ._input import encode

__all__ = ["Entity", "MODES", "split_tag", "get_entities"]

#: The extraction modes.
MODES: tuple[str, ...] = _core.MODES


class Entity(NamedTuple):
    """A typed span: tokens ``start <= i < end`` of sentence ``sentence``.

    The package's one span type: :func:`get_entities` returns it,
    :func:`~xentbook.ner.render_tags` accepts it, and the People's Daily
    sentences of :mod:`xentbook.data` carry their entities as ``Entity``
    tuples (``sentence=0``, character offsets).
    """

    sentence: int
    start: int
    end: int
    type: str


def split_tag(tag: str) -> tuple[str, str]:
    """Split a tag into ``(prefix, type)`` exactly as the conlleval script does.

    The prefix is everything before the first hyphen and the type everything
    after it (up to a final newline, as Perl's ``$`` allows); a tag without a
    hyphen is all prefix with the empty type; the type ``"0"`` becomes the
    empty type (Perl reads ``"0"`` as false).

    Parameters
    ----------
    tag : str

    Returns
    -------
    (str, str)

    Examples
    --------
    >>> split_tag("B-ORG-X")
    ('B', 'ORG-X')
    >>> split_tag("O")
    ('O', '')
    >>> split_tag("B-0")
    ('B', '')
    """
    return split_conll_tag(check_str(tag, "tag"))


def get_entities(tags: Any, *, mode: str = "conlleval", scheme: str | None = None) -> list[Entity]:
    r"""Extract the entities of one sentence or of a corpus.

    Parameters
    ----------
    tags : sequence of str, or sequence of sequences of str
        One sentence of tags, or a corpus (list of sentences).
    mode : {"conlleval", "strict"}
        ``"conlleval"``: the chunk rules of the conlleval script (see the module
        docstring, quirks included).  ``"strict"``: only entities well formed
        under ``scheme``.
    scheme : str, optional
        Required with ``mode="strict"`` and refused otherwise.

    Returns
    -------
    list of Entity
        ``(sentence, start, end, type)``, ``end`` exclusive, sorted by
        sentence and start; ``sentence`` is 0 for a single sentence.  In
        conlleval mode a chunk runs from a start to the next end,

        .. math:: [s, \min\{e > s : \text{end}(t_{e-1}, t_e)\}),

        cut at the end of its sentence.

    Examples
    --------
    >>> get_entities(["B-PER", "I-PER", "O", "I-LOC"])
    [Entity(sentence=0, start=0, end=2, type='PER'), Entity(sentence=0, start=3, end=4, type='LOC')]
    >>> get_entities(["B-PER", "I-PER", "O", "I-LOC"], mode="strict", scheme="IOB2")
    [Entity(sentence=0, start=0, end=2, type='PER')]
    >>> get_entities(["S-PER", "S-PER"])  # conlleval quirk: S- is not special
    [Entity(sentence=0, start=0, end=2, type='PER')]
    >>> get_entities(["S-PER", "S-PER"], mode="strict", scheme="IOBES")
    [Entity(sentence=0, start=0, end=1, type='PER'), Entity(sentence=0, start=1, end=2, type='PER')]
    """
    mode, scheme = check_mode(mode, scheme)
    enc = encode([("tags", tags)])
    return entities_encoded(enc, mode, scheme, Entity)[0]
