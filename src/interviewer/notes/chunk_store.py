"""The files of one notes set on disk, under `settings.bm25_dir/<collection>/`.

A manifest (file -> content hash -> chunk ids, plus what the chunks were made with), the chunk store
(`chunks.jsonl`) and the folder of the BM25 index. Files are written atomically, and one writer at a time
holds the set's lock, across threads and (where `fcntl` exists) across processes.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import threading
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from interviewer.notes.chunking import Chunk

FORMAT = 1

log = logging.getLogger(__name__)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FileEntry(_Model):
    hash: str
    chunk_ids: list[str]


class Manifest(_Model):
    format: int
    notes_dir: str
    embedder: str
    dim: int
    max_tokens: int
    chunker: int
    files: dict[str, FileEntry]
    chunk_count: int
    generation: str


class CorruptStore(Exception):
    """The set's files cannot be read; the index rebuilds them."""


class ChunkStore:
    """The files of one notes set under `settings.bm25_dir/<collection>/`."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.manifest_path = directory / "manifest.json"
        self.chunks_path = directory / "chunks.jsonl"
        self.bm25_dir = directory / "bm25"

    def load_manifest(self) -> Manifest | None:
        if not self.manifest_path.exists():
            return None
        try:
            return Manifest.model_validate_json(self.manifest_path.read_bytes())
        except (OSError, ValidationError, ValueError) as exc:
            raise CorruptStore(f"the manifest was unreadable ({type(exc).__name__})") from None

    def load_chunks(self) -> list[Chunk]:
        try:
            with self.chunks_path.open(encoding="utf-8") as handle:
                return [Chunk(**json.loads(line)) for line in handle if line.strip()]
        except (OSError, ValueError, TypeError) as exc:
            raise CorruptStore(f"the chunk store was unreadable ({type(exc).__name__})") from None

    def save(self, manifest: Manifest, chunks: Sequence[Chunk]) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        lines = (json.dumps(c.__dict__, ensure_ascii=False) for c in chunks)
        _atomic_write(self.chunks_path, "\n".join(lines) + "\n")
        _atomic_write(self.manifest_path, manifest.model_dump_json())

    def clear(self) -> None:
        for path in (self.manifest_path, self.chunks_path):
            path.unlink(missing_ok=True)
        shutil.rmtree(self.bm25_dir, ignore_errors=True)

    def stamp(self) -> tuple[int, int] | None:
        """Changes whenever the manifest is rewritten: (mtime in ns, size), or None when absent."""
        try:
            info = self.manifest_path.stat()
        except OSError:
            return None
        return (info.st_mtime_ns, info.st_size)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """One writer at a time, across threads and (where `fcntl` exists) across processes."""
        with _thread_lock(str(self.dir)):
            self.dir.mkdir(parents=True, exist_ok=True)
            with (self.dir / ".lock").open("a") as handle:
                try:
                    import fcntl
                except ImportError:  # pragma: no cover - not POSIX
                    yield
                    return
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    log.warning("waiting for another process to finish indexing %s", self.dir.name)
                    fcntl.flock(handle, fcntl.LOCK_EX)
                yield


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _thread_lock(key: str) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(key, threading.Lock())
