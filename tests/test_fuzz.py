"""Fuzz the whole public API with bad input (see ``tests/fuzz_engine.py``).

The default run makes a few hundred seeded calls (seconds).  ``make fuzz`` runs the large
profile: ``XENTBOOK_FUZZ_CALLS=12000`` calls, a full sweep of every bad-input family of every
argument of every public callable followed by random combinations.
"""

from __future__ import annotations

import os

import pytest

import fuzz_engine as fe
from fuzz_registry import SPECS

N_CALLS = int(os.environ.get("XENTBOOK_FUZZ_CALLS", "600"))
SEED = int(os.environ.get("XENTBOOK_FUZZ_SEED", "20240612"))

OBJECTS = fe.public_callables()


def test_registry_covers_every_public_callable():
    missing = sorted(set(OBJECTS) - set(SPECS))
    stale = sorted(set(SPECS) - set(OBJECTS))
    assert not missing, f"public callables without a fuzz spec in tests/fuzz_registry.py: {missing}"
    assert not stale, f"fuzz specs for names that are not public (renamed?): {stale}"


def test_discovery_walks_the_submodules():
    mods = fe.public_modules()
    for name in ("xentbook", "xentbook.nn", "xentbook.text", "xentbook.ner", "xentbook.ner.conlleval", "xentbook.data"):
        assert name in mods
    assert len(OBJECTS) > 100


@pytest.mark.parametrize("name", sorted(k for k in SPECS if SPECS[k].record is None))
def test_baseline_call_is_valid(name):
    spec = SPECS[name]
    outcome = fe.judge_call(fe.make_call(spec, OBJECTS[name], {a.name: a.value() for a in spec.args}), spec, {}, [])
    assert outcome.ok and outcome.kind == "result", f"{name}: the baseline arguments fail: {outcome}"


def test_fuzz_public_api():
    calls = fe.run_fuzz(SPECS, OBJECTS, N_CALLS, SEED)
    n, defects, distinct = fe.summarise(calls)
    print(f"\nfuzz: {n} calls, {len(defects)} defects ({len(distinct)} distinct)")
    assert not defects, f"{len(defects)} of {n} calls were defects ({len(distinct)} distinct):\n" + fe.format_defects(distinct)
