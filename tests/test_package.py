"""Packaging properties of xentbook as a whole."""

import subprocess
import sys


def test_import_does_not_pull_in_heavy_optional_libraries():
    """`import xentbook` stays light: scikit-learn, torch and matplotlib load only when used."""
    code = (
        "import sys, xentbook\n"
        "heavy = [m for m in ('sklearn', 'torch', 'matplotlib') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"imported at `import xentbook`: {out.stdout.strip()}"


def test_metrics_still_work_after_the_lazy_import():
    code = "import xentbook; print(xentbook.log_loss([0, 1], [[0.9, 0.1], [0.2, 0.8]]))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert abs(float(out.stdout) - 0.1642520335) < 1e-9


def test_test_tooling_is_not_in_the_installed_package():
    """The mpmath accuracy measurement is test tooling: it lives in tests/, not in xentbook/."""
    import importlib.util
    import pkgutil

    import xentbook

    names = {m.name for m in pkgutil.walk_packages(xentbook.__path__, "xentbook.")}
    assert "xentbook._accuracy" not in names
    assert importlib.util.find_spec("xentbook._accuracy") is None
    code = "import sys, xentbook, xentbook.ner\nprint('mpmath' in sys.modules)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_extras_cover_what_the_tests_import():
    """`test-core` holds the NumPy-only test requirements (no torch); `test` adds the rest."""
    import tomllib
    from pathlib import Path

    meta = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())["project"]
    extras = meta["optional-dependencies"]
    names = {key: {r.split(">")[0].split("=")[0].split("[")[0].strip().lower() for r in reqs} for key, reqs in extras.items()}
    assert not {"torch", "tqdm", "sentencepiece"} & names["test-core"]
    assert {"pytest", "pytest-xdist", "hypothesis", "mpmath", "seqeval", "nervaluate"} <= names["test-core"]
    assert "xentbook[test-core]" in extras["test"]
    assert {"torch", "tqdm", "nbformat", "nbclient", "jupytext", "pyyaml"} <= names["test"]
    assert {r.split(">")[0].lower() for r in meta["dependencies"]} == {"numpy", "scipy", "scikit-learn"}
