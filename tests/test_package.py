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
