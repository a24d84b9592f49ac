"""Shared pytest configuration."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings


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
