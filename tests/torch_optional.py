"""torch for the tests that compare with it, or None where it is not installed.

The NumPy core is tested without torch (`make test-core`): a test module imports
``torch`` and ``F`` from here instead of at its top, and marks the tests that use
them with ``@needs_torch``, so that only those skip without torch.
"""

from __future__ import annotations

import pytest

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # the NumPy-only install
    torch = F = None
else:
    torch.set_num_threads(1)

needs_torch = pytest.mark.skipif(torch is None, reason="torch is not installed (a comparison with torch)")

__all__ = ["F", "needs_torch", "torch"]
