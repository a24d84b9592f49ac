"""``python -m xentbook.ner``: the conlleval replacement (see :mod:`xentbook.ner.conlleval`)."""

from __future__ import annotations

import sys

from .conlleval import main

if __name__ == "__main__":
    sys.exit(main())
