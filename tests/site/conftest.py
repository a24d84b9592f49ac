from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Skip the site checks unless --run-site (make test builds the site first, then runs them)."""
    if config.getoption("--run-site"):
        return
    skip = pytest.mark.skip(reason="site checks run in `make test` after the build (--run-site)")
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(skip)
