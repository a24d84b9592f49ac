"""NER evaluation: tagging schemes, conlleval-exact chunking and entity-level scores.

Import it explicitly (``import xentbook.ner``); it needs only NumPy.

=====================  ======================================================
module                 contents
=====================  ======================================================
``schemes``            IOB1, IOB2, IOE1, IOE2, IOBES, BILOU: validation,
                       rendering of spans, conversion
``chunks``             entity extraction: the conlleval script's rules
                       (quirks included) or strict per-scheme parsing
``scores``             entity-level precision / recall / F1 / support per
                       type, micro / macro / weighted; token accuracy
``semeval``            SemEval-2013 strict / exact / partial / type
                       scenarios; error breakdown
``conlleval``          the conlleval report and a drop-in command-line
                       replacement: ``python -m xentbook.ner < file``
=====================  ======================================================
"""

from __future__ import annotations

from . import chunks, conlleval, schemes, scores, semeval
from .chunks import *  # noqa: F401,F403
from .conlleval import *  # noqa: F401,F403
from .schemes import *  # noqa: F401,F403
from .scores import *  # noqa: F401,F403
from .semeval import *  # noqa: F401,F403

__all__ = [
    *schemes.__all__,
    *chunks.__all__,
    *scores.__all__,
    *semeval.__all__,
    *conlleval.__all__,
]
