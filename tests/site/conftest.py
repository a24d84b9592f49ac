import pytest


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-site"):
        return
    skip = pytest.mark.skip(reason="site checks run in `make test` after the build (--run-site)")
    for item in items:
        item.add_marker(skip)
