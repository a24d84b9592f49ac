"""Shared pytest configuration."""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]


def pytest_addoption(parser):
    parser.addoption(
        "--run-site",
        action="store_true",
        default=False,
        help="run the headless-browser checks of the built site (make test builds it first)",
    )


# One hypothesis profile for every property test: derandomized so CI runs are repeatable.
settings.register_profile(
    "xentbook",
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "xentbook"))


# --------------------------------------------------------------------------- optional dependencies
# The core of xentbook needs only NumPy, SciPy and scikit-learn (`make test-core` tests it in a
# virtual environment without torch).  Without an optional library, the test modules that import
# it (or a package module that needs it) at the top are not collected; a test module that needs
# it only in some tests skips those with pytest.importorskip.  The package modules' own doctests
# are left out by the conftest.py of the repository root.  Test modules that compare the NumPy
# functions with torch import it from tests/torch_optional.py and mark those tests
# @needs_torch; the fuzz suite leaves out the torch modules (xentbook.nn, xentbook.text)
# where torch is missing.

_OPTIONAL = {
    "torch": (),
    "matplotlib": (),
    "snownlp": (),
    "nbformat": (),
    "yaml": (),
}
# a top-level import of the library, or of a package module that needs it
_TOP_IMPORT = r"^(?:import {0}\b|from {0}[. ]|(?:from|import) xentbook\.(?:{1})\b|from xentbook import [^\n]*\b(?:{1})\b)"
_PACKAGE_MODULES = {"torch": "nn|text"}


def _missing(name: str) -> bool:
    return importlib.util.find_spec(name) is None


collect_ignore: list[str] = []
_ignored: dict[str, list[str]] = {}
for _lib, _modules in _OPTIONAL.items():
    if not _missing(_lib):
        continue
    pattern = re.compile(
        _TOP_IMPORT.format(re.escape(_lib), _PACKAGE_MODULES.get(_lib, "(?!)")), re.MULTILINE
    )
    found = [str(ROOT / m) for m in _modules]
    for path in sorted((ROOT / "tests").glob("*.py")) + sorted((ROOT / "tests").glob("*/test_*.py")):
        if str(path) not in found and pattern.search(path.read_text(encoding="utf-8")):
            found.append(str(path))
    collect_ignore += found
    _ignored[_lib] = [os.path.relpath(p, ROOT) for p in found]


def pytest_report_header(config):
    if not _ignored:
        return None
    return [f"{lib} is not installed: not collected: {', '.join(paths)}" for lib, paths in _ignored.items()]
