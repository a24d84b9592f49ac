"""Shared numpydoc fragments: one text for a parameter that many functions take.

A docstring names a fragment with a placeholder alone on its line,
``%(name)s``, indented as the text it stands for.  :func:`fill_doc` replaces
each such line by the fragment, every line of it indented like the
placeholder, so the rendered docstring is ordinary numpydoc.  An unknown
placeholder raises :class:`KeyError` at import time.
"""

from __future__ import annotations

import re
import textwrap
from typing import Callable, TypeVar

T = TypeVar("T")

_PLACEHOLDER = re.compile(r"^(?P<indent>[ \t]*)%\((?P<name>\w+)\)s[ \t]*$", re.MULTILINE)


def fill_doc(fragments: dict[str, str]) -> Callable[[T], T]:
    """A decorator that fills the ``%(name)s`` placeholder lines of ``__doc__`` from ``fragments``."""

    def decorate(obj: T) -> T:
        doc = obj.__doc__ or ""

        def expand(match: re.Match) -> str:
            text = textwrap.dedent(fragments[match["name"]]).strip("\n")
            return textwrap.indent(text, match["indent"])

        obj.__doc__ = _PLACEHOLDER.sub(expand, doc)
        return obj

    return decorate


def section(title: str, *fragments: str) -> str:
    """A numpydoc section: ``title``, its underline, then the (dedented) non-empty ``fragments``."""
    body = [textwrap.dedent(f).strip("\n") for f in fragments if f and f.strip()]
    return "\n".join([title, "-" * len(title), *body])
