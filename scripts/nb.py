"""Sync chapter sources (book/*.md) to notebooks (notebooks/*.ipynb) and execute them.

The MyST markdown file in ``book/`` is the source you edit; the notebook in
``notebooks/`` is generated from it and carries the executed outputs that the
site shows and that nbval checks.  Execution is deterministic: no timing
metadata, stable cell ids, stream outputs coalesced (how the kernel splits
stdout into messages depends on timing), and (the chapters' job) seeded
randomness, so re-executing an unchanged chapter leaves ``git status`` clean.
``check`` also fails on a notebook that is not in this canonical form.

Usage::

    python scripts/nb.py run information_theory   # one chapter (name or path)
    python scripts/nb.py run --all                 # every paired chapter
    python scripts/nb.py check                     # exit 1 if any pair disagrees
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
NOTEBOOKS = ROOT / "notebooks"
TIMEOUT_S = 600


def chapter_sources() -> list[Path]:
    """Every book/*.md that is a jupytext notebook (has a kernelspec)."""
    out = []
    for md in sorted(BOOK.glob("*.md")):
        nb = jupytext.read(md)
        if "kernelspec" in nb.metadata:
            out.append(md)
    return out


def notebook_for(md: Path) -> Path:
    return NOTEBOOKS / (md.stem + ".ipynb")


def _cells(nb) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source.strip()) for c in nb.cells]


def pair_differences(md: Path) -> str | None:
    """Describe how book/X.md and notebooks/X.ipynb disagree, or None if they agree."""
    ipynb = notebook_for(md)
    if not ipynb.exists():
        return f"{ipynb.relative_to(ROOT)} is missing"
    src = _cells(jupytext.read(md))
    nb = nbformat.read(ipynb, as_version=4)
    dst = _cells(nb)
    if src != dst:
        for i, (a, b) in enumerate(zip(src, dst)):
            if a != b:
                return f"cell {i} differs:\n--- {md.name}\n{a[1][:300]}\n--- {ipynb.name}\n{b[1][:300]}"
        return f"{md.name} has {len(src)} cells, {ipynb.name} has {len(dst)}"
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and cell.source.strip() and cell.get("execution_count") is None:
            return f"{ipynb.name} cell {i} was never executed; run: python scripts/nb.py run {md.stem}"
    if nbformat.writes(canonical(nb, md.stem)) + "\n" != ipynb.read_text(encoding="utf-8"):
        return f"{ipynb.name} is not in canonical form (split streams, timing metadata or cell ids); run: python scripts/nb.py run {md.stem}"
    return None


def _merge_streams(outputs: list) -> list:
    """Join adjacent stdout (or stderr) chunks: how the kernel splits them depends on timing."""
    merged: list = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (
            out.get("output_type") == "stream"
            and prev is not None
            and prev.get("output_type") == "stream"
            and prev.get("name") == out.get("name")
        ):
            prev["text"] = prev["text"] + out["text"]
        else:
            merged.append(out)
    return merged


def canonical(nb, stem: str):
    """Put ``nb`` in the one form the repository stores (in place; returns ``nb``).

    Stable cell ids derived from the chapter name, position and source; no
    execution-timing metadata; adjacent stream outputs of one name joined.
    Everything here is incidental to what the notebook computes.
    """
    nb.metadata.pop("jupytext", None)
    nb.metadata["jupytext"] = {"formats": "book///md:myst,notebooks///ipynb"}
    for i, cell in enumerate(nb.cells):
        digest = hashlib.sha1(f"{stem}:{i}:{cell.source}".encode()).hexdigest()[:12]
        cell["id"] = f"c{i:03d}-{digest}"
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = _merge_streams(cell.outputs)
    return nb


def execute(md: Path) -> Path:
    """Regenerate notebooks/<md.stem>.ipynb from ``md`` and execute it in place."""
    nb = canonical(jupytext.read(md), md.stem)
    NOTEBOOKS.mkdir(exist_ok=True)
    client = NotebookClient(
        nb,
        timeout=TIMEOUT_S,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()
    out = notebook_for(md)
    nbformat.write(canonical(nb, md.stem), out)
    return out


def _resolve(name: str) -> Path:
    p = Path(name)
    candidates = [p, BOOK / p.name, BOOK / f"{p.stem}.md"]
    for c in candidates:
        if c.suffix == ".md" and c.exists():
            return c.resolve()
    raise SystemExit(f"no chapter source for {name!r} in {BOOK.relative_to(ROOT)}/")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    run = sub.add_parser("run", help="sync book/X.md to notebooks/X.ipynb and execute it")
    run.add_argument("chapters", nargs="*")
    run.add_argument("--all", action="store_true")
    sub.add_parser("check", help="fail if a chapter source and its notebook disagree")
    args = parser.parse_args(argv)

    if args.cmd == "check":
        bad = [(md, d) for md in chapter_sources() if (d := pair_differences(md))]
        for md, d in bad:
            print(f"{md.relative_to(ROOT)}: {d}", file=sys.stderr)
        return 1 if bad else 0

    mds = chapter_sources() if args.all else [_resolve(c) for c in args.chapters]
    if not mds:
        parser.error("name a chapter or pass --all")
    for md in mds:
        t0 = time.perf_counter()
        out = execute(md)
        print(f"{out.relative_to(ROOT)}: executed in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
