"""pytest configuration of the repository root (tests/conftest.py has the rest).

The doctests of the package modules that need torch are not collected where torch is not
installed (the NumPy-only install that `make test-core` tests).
"""

import importlib.util

collect_ignore: list[str] = []
if importlib.util.find_spec("torch") is None:
    collect_ignore += ["xentbook/nn.py", "xentbook/text.py"]
