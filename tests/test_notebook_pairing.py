"""Chapter sources (book/*.md) and executed notebooks (notebooks/*.ipynb) must agree.

The markdown source is what authors edit; the notebook is what the site shows
and what nbval re-executes.  Editing one and forgetting the other is caught here.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("xentbook_nb_script", ROOT / "scripts" / "nb.py")
nbscript = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nbscript)

CHAPTERS = nbscript.chapter_sources()


def _toc_files() -> set[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    found = {toc["root"]}
    for part in toc.get("parts", []):
        for ch in part.get("chapters", []):
            found.add(ch["file"])
    return found


def test_there_are_chapters():
    assert len(CHAPTERS) >= 1


@pytest.mark.parametrize("md", CHAPTERS, ids=[m.stem for m in CHAPTERS])
def test_source_and_notebook_agree(md: Path):
    diff = nbscript.pair_differences(md)
    assert diff is None, f"{md.name}: {diff}\nfix: python scripts/nb.py run {md.stem}"


def test_every_chapter_is_in_the_toc_and_every_notebook_has_a_source():
    toc = _toc_files()
    for md in CHAPTERS:
        assert f"notebooks/{md.stem}" in toc, f"{md.name} is not listed in _toc.yml"
    for ipynb in (ROOT / "notebooks").glob("*.ipynb"):
        assert (ROOT / "book" / f"{ipynb.stem}.md").exists(), f"{ipynb.name} has no source in book/"


def test_pairing_check_catches_an_edit(tmp_path, monkeypatch):
    """The check itself can fail: edit a source without re-executing and it must complain."""
    md = CHAPTERS[0]
    book, notebooks = tmp_path / "book", tmp_path / "notebooks"
    book.mkdir()
    notebooks.mkdir()
    shutil.copy(md, book / md.name)
    shutil.copy(nbscript.notebook_for(md), notebooks / f"{md.stem}.ipynb")
    monkeypatch.setattr(nbscript, "BOOK", book)
    monkeypatch.setattr(nbscript, "NOTEBOOKS", notebooks)
    monkeypatch.setattr(nbscript, "ROOT", tmp_path)
    assert nbscript.pair_differences(book / md.name) is None
    text = (book / md.name).read_text()
    (book / md.name).write_text(text.replace("```{code-cell} ipython3\n", "```{code-cell} ipython3\nx_edited = 1\n", 1))
    assert "differs" in nbscript.pair_differences(book / md.name)
    # An unexecuted notebook is caught too.
    nb = nbformat.read(notebooks / f"{md.stem}.ipynb", as_version=4)
    (book / md.name).write_text(text)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.execution_count = None
            cell.outputs = []
    nbformat.write(nb, notebooks / f"{md.stem}.ipynb")
    assert "never executed" in nbscript.pair_differences(book / md.name)


def test_pairing_check_catches_a_non_canonical_notebook(tmp_path, monkeypatch):
    """Re-executing must leave git clean: a notebook whose stdout is split in two chunks
    (as the kernel does at random, by timing) or that carries timing metadata is rejected,
    and canonical() restores the committed bytes exactly."""
    md = CHAPTERS[0]
    book, notebooks = tmp_path / "book", tmp_path / "notebooks"
    book.mkdir()
    notebooks.mkdir()
    shutil.copy(md, book / md.name)
    target = notebooks / f"{md.stem}.ipynb"
    shutil.copy(nbscript.notebook_for(md), target)
    monkeypatch.setattr(nbscript, "BOOK", book)
    monkeypatch.setattr(nbscript, "NOTEBOOKS", notebooks)
    monkeypatch.setattr(nbscript, "ROOT", tmp_path)
    committed = target.read_text()
    nb = nbformat.read(target, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and any(o.output_type == "stream" for o in c.outputs))
    k = next(i for i, o in enumerate(cell.outputs) if o.output_type == "stream")
    out = cell.outputs[k]
    half = len(out.text) // 2
    second = nbformat.v4.new_output("stream", name=out.name, text=out.text[half:])
    out.text = out.text[:half]
    cell.outputs.insert(k + 1, second)
    cell.metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00Z"}
    nbformat.write(nb, target)
    assert "canonical" in nbscript.pair_differences(book / md.name)
    assert nbformat.writes(nbscript.canonical(nb, md.stem)) + "\n" == committed
