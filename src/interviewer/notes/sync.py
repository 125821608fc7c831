"""Keeping a notes set's index in step with its files: Chroma vectors, the chunk store and BM25.

Each notes folder is one *notes set*: one Chroma collection (named from the folder's resolved path, see
`interviewer.notes.chroma`) and, under `settings.bm25_dir/<collection>/`, a manifest (file → content hash → chunk
ids), the chunk store and the BM25 index built from it (see `interviewer.notes.chunk_store` and
`interviewer.notes.lexical`). Syncing re-embeds only new or changed files and removes deleted ones. Embeddings
come from the injected `Embedder` and are passed to Chroma explicitly, so Chroma's own embedding function
is never used (it would download a model). The loaded state of each set is shared by every index in the
process.

A set may be given a collection name of its own (`NotesIndex(collections=...)`), the same on every replica,
such as an uploaded notes set's: on a Chroma server the replicas then share its vectors, and a replica that
syncs the set reuses the vectors another one stored for the same chunk text instead of embedding it again.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from interviewer.config import Settings
from interviewer.errors import BadInput, InterviewerError, NotesError, storage_error
from interviewer.notes import chroma
from interviewer.notes.chunk_store import FORMAT, ChunkStore, CorruptStore, FileEntry, Manifest
from interviewer.notes.chunking import CHUNKER_VERSION, Chunk, chunk_note
from interviewer.notes.embeddings import Embedder
from interviewer.notes.lexical import bm25_vocab, build_bm25, load_bm25, save_bm25
from interviewer.notes.reader import decode_note, scan_folder
from interviewer.notes.results import FileWarning, SkippedFile, SyncReport

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int, str], None]
"""Called as `progress(done, total, label)` while files are embedded."""

_EMBED_BATCH = 32

# --------------------------------------------------------------------------------------------------
# Naming


def collection_name(folder: Path) -> str:
    """A stable Chroma collection name for a notes folder: `notes-<slug>-<8 hex of its path>`."""
    resolved = str(Path(folder).expanduser().resolve())
    slug = re.sub(r"[^a-z0-9]+", "-", Path(resolved).name.lower()).strip("-")[:40] or "root"
    digest = hashlib.sha1(resolved.encode()).hexdigest()[:8]
    return f"notes-{slug}-{digest}"


# --------------------------------------------------------------------------------------------------
# Loaded state of one notes set, shared by every index in the process


@dataclass(frozen=True)
class _Snapshot:
    generation: str
    stamp: tuple[int, int] | None
    chunks: tuple[Chunk, ...]
    positions: dict[str, int]
    bm25: Any  # bm25s.BM25 or None when the set is empty
    vocab: frozenset[str]


_SNAPSHOTS: dict[str, _Snapshot] = {}


def _snapshot(
    generation: str, stamp: tuple[int, int] | None, chunks: Sequence[Chunk], bm25: Any
) -> _Snapshot:
    return _Snapshot(
        generation=generation,
        stamp=stamp,
        chunks=tuple(chunks),
        positions={c.chunk_id: i for i, c in enumerate(chunks)},
        bm25=bm25,
        vocab=bm25_vocab(bm25),
    )


class SyncedIndex:
    """The sync half of `NotesIndex`: bringing each notes set's index in step with its files."""

    settings: Settings
    embedder: Embedder
    notes_dirs: list[Path]
    max_file_bytes: int
    chunk_tokens: int
    overlap_tokens: int
    _synced: bool
    _sync_lock: threading.Lock
    collections: dict[Path, str]

    def collection_for(self, folder: Path) -> str:
        """The Chroma collection (and lexical-index folder) of a notes folder: its own name if it was given one,
        else one made from its path."""
        return self.collections.get(folder) or collection_name(folder)

    def ensure_synced(self, progress: ProgressCallback | None = None) -> list[SyncReport]:
        """Bring every notes folder's index in step with its files. One report per folder."""
        with self._sync_lock:
            reports = [self._sync(folder, progress, rebuild=False) for folder in self.notes_dirs]
            self._synced = True
            return reports

    def rebuild(self, progress: ProgressCallback | None = None) -> list[SyncReport]:
        """Drop every folder's index and build it again from the files."""
        with self._sync_lock:
            reports = [self._sync(folder, progress, rebuild=True) for folder in self.notes_dirs]
            self._synced = True
            return reports

    def _sync(self, folder: Path, progress: ProgressCallback | None, *, rebuild: bool) -> SyncReport:
        """Sync one folder. A full, read-only or forbidden data folder raises `StorageError` and leaves
        the index as it was: such a condition passes once fixed, so it is never a reason to rebuild."""
        try:
            return self._sync_folder(folder, progress, rebuild=rebuild)
        except InterviewerError:
            raise
        except Exception as exc:
            problem = storage_error(exc, "indexing the notes")
            if problem is None:
                raise
            log.warning("indexing %s stopped: %s", folder.name, exc)
            raise problem from None

    def _sync_folder(self, folder: Path, progress: ProgressCallback | None, *, rebuild: bool) -> SyncReport:
        started = time.perf_counter()
        if not folder.is_dir():
            raise BadInput(f"no notes folder at {folder}; check the path given with --notes")
        name = self.collection_for(folder)
        store = ChunkStore(self.settings.bm25_dir / name)
        with store.lock():
            scan = scan_folder(folder, max_file_bytes=self.max_file_bytes)
            reason: str | None = "a rebuild was requested" if rebuild else None
            manifest: Manifest | None = None
            old_chunks: list[Chunk] = []
            if reason is None:
                try:
                    manifest = store.load_manifest()
                    old_chunks = store.load_chunks() if manifest is not None else []
                except CorruptStore as exc:
                    reason = str(exc)
                    manifest = None
            collection, open_problem = self._collection(name)
            if open_problem:
                reason = open_problem
            if reason is None and manifest is not None:
                reason = self._inconsistency(manifest, old_chunks, collection)
            if reason is not None:
                log.warning("rebuilding the index of %s: %s", folder, reason)
                collection = self._recreate(name, collection)
                manifest, old_chunks = None, []
                store.clear()
            known = manifest.files if manifest else {}

            current = {f.source: f for f in scan.files}
            changed = [
                f for f in scan.files if f.source not in known or known[f.source].hash != f.content_hash
            ]
            unchanged = [s for s in current if s in known and known[s].hash == current[s].content_hash]
            removed = sorted(s for s in known if s not in current)
            stale_ids = [
                cid
                for s in (*removed, *(f.source for f in changed))
                if s in known
                for cid in known[s].chunk_ids
            ]
            if stale_ids:
                self._delete(collection, stale_ids)

            warnings: list[FileWarning] = []
            new_chunks: dict[str, list[Chunk]] = {}
            for note_file in changed:
                decoded = decode_note(note_file)
                warnings += [FileWarning(source=decoded.source, message=m) for m in decoded.warnings]
                new_chunks[note_file.source] = chunk_note(
                    decoded,
                    self.embedder.count_tokens,
                    max_tokens=self.chunk_tokens,
                    overlap_tokens=self.overlap_tokens,
                )
            self._embed_and_store(collection, new_chunks, progress)

            keep = {s for s in unchanged}
            chunks = [c for c in old_chunks if c.source in keep]
            for source in sorted(new_chunks):
                chunks.extend(new_chunks[source])
            chunks.sort(key=lambda c: (c.source, c.start_line, c.chunk_id))
            files = {s: known[s] for s in unchanged}
            for source, file_chunks in new_chunks.items():
                files[source] = FileEntry(
                    hash=current[source].content_hash, chunk_ids=[c.chunk_id for c in file_chunks]
                )
            new_manifest = Manifest(
                format=FORMAT,
                notes_dir=str(folder),
                embedder=self.embedder.name,
                dim=self.embedder.dim,
                max_tokens=self.chunk_tokens,
                chunker=CHUNKER_VERSION,
                files=dict(sorted(files.items())),
                chunk_count=len(chunks),
                generation=manifest.generation if manifest and not (changed or removed) else uuid.uuid4().hex,
            )
            dirty = manifest is None or bool(changed or removed)
            bm25 = None if dirty else self._cached_bm25(store, new_manifest.generation)
            if bm25 is None and not dirty and chunks:
                reason = reason or "the BM25 index was missing or unreadable"
                warnings.append(
                    FileWarning(source=".", message="rebuilt the BM25 index from the chunk store")
                )
            if bm25 is None:
                bm25 = build_bm25([c.embed_text for c in chunks])
                save_bm25(bm25, store.bm25_dir)
            if dirty:
                store.save(new_manifest, chunks)
            _SNAPSHOTS[str(store.dir)] = _snapshot(new_manifest.generation, store.stamp(), chunks, bm25)
        return SyncReport(
            notes_dir=str(folder),
            collection=name,
            indexed=[f.source for f in changed],
            unchanged=sorted(unchanged),
            removed=removed,
            skipped=[SkippedFile(source=s.source, reason=s.reason) for s in scan.skipped],
            warnings=warnings,
            chunks=len(chunks),
            rebuilt=reason is not None,
            rebuild_reason=reason,
            seconds=round(time.perf_counter() - started, 3),
        )

    def _inconsistency(self, manifest: Manifest, chunks: list[Chunk], collection: Any) -> str | None:
        if (manifest.format, manifest.embedder, manifest.dim, manifest.max_tokens, manifest.chunker) != (
            FORMAT,
            self.embedder.name,
            self.embedder.dim,
            self.chunk_tokens,
            CHUNKER_VERSION,
        ):
            return "the embedding model or the chunking changed"
        if len(chunks) != manifest.chunk_count:
            return "the chunk store did not match the manifest"
        try:
            count = collection.count()
        except Exception as exc:
            problem = storage_error(exc, "reading the notes index")
            if problem is not None:
                raise problem from None
            return f"the vector index was unreadable ({_short(exc)})"
        if count != manifest.chunk_count:
            return f"the vector index held {count} chunks where {manifest.chunk_count} were expected"
        return None

    def _collection(self, name: str) -> tuple[Any, str | None]:
        """Open (or create) the set's collection. An unusable embedded index is moved away and rebuilt."""
        try:
            return self._get_or_create(name), None
        except NotesError:
            raise
        except Exception as exc:
            transient = storage_error(exc, "opening the notes index")
            if transient is not None:  # the index is kept as it is: the condition passes once fixed
                raise transient from None
            if self.settings.chroma_host:
                raise NotesError(f"the Chroma server refused the collection {name}: {_short(exc)}") from None
            if isinstance(exc, chroma.IndexLocked):
                # A lock passes once its holder finishes or stops: never a reason to delete every notes set.
                raise NotesError(
                    f"the notes index is busy ({_short(exc)}); try again in a moment, or stop the other "
                    "interviewer process that uses this data folder"
                ) from None
            problem = f"the vector index was corrupt or locked ({_short(exc)})"
            log.warning("%s; building a fresh one", problem)
            chroma.reset_embedded(self.settings)
            return self._get_or_create(name), problem

    def _get_or_create(self, name: str) -> Any:
        return chroma.collection(self.settings, name, self.embedder.name)

    def _recreate(self, name: str, collection: Any) -> Any:
        chroma.drop_collection(self.settings, name)
        return self._get_or_create(name)

    def _delete(self, collection: Any, ids: list[str]) -> None:
        batch = chroma.client(self.settings).get_max_batch_size()
        for start in range(0, len(ids), batch):
            collection.delete(ids=ids[start : start + batch])

    def _embed_and_store(
        self, collection: Any, new_chunks: dict[str, list[Chunk]], progress: ProgressCallback | None
    ) -> None:
        total = len(new_chunks)
        if progress and total:
            progress(0, total, "")
        max_batch = chroma.client(self.settings).get_max_batch_size()
        stored = self._stored_already(collection, [c for cs in new_chunks.values() for c in cs], max_batch)
        pending: list[Chunk] = []
        for done, source in enumerate(sorted(new_chunks), start=1):
            pending.extend(c for c in new_chunks[source] if c.chunk_id not in stored)
            if pending and (len(pending) >= 256 or done == total):
                vectors = self.embed_texts([c.dense_text for c in pending])
                for start in range(0, len(pending), max_batch):
                    part = pending[start : start + max_batch]
                    collection.upsert(
                        ids=[c.chunk_id for c in part],
                        embeddings=vectors[start : start + max_batch],
                        metadatas=[_metadata(c) for c in part],
                        documents=[c.text for c in part],
                    )
                pending = []
            if progress:
                progress(done, total, source)

    def _stored_already(self, collection: Any, chunks: Sequence[Chunk], batch: int) -> set[str]:
        """The ids of `chunks` whose vectors `collection` already holds for the same text and headings, by the
        same embedder: another replica sharing the Chroma server embedded them."""
        if not chunks or (collection.metadata or {}).get("embedder") != self.embedder.name:
            return set()
        stored: set[str] = set()
        for start in range(0, len(chunks), batch):
            part = {c.chunk_id: c for c in chunks[start : start + batch]}
            found = collection.get(ids=list(part), include=["documents", "metadatas"])
            for cid, document, meta in zip(found["ids"], found["documents"], found["metadatas"], strict=True):
                chunk = part.get(cid)
                if chunk is not None and document == chunk.text and meta == _metadata(chunk):
                    stored.add(cid)
        return stored

    def embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        """Embed many texts in batches of similar length (less padding), in the input order."""
        if not texts:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.embedder.dim), dtype=np.float32)
        for start in range(0, len(order), _EMBED_BATCH):
            idx = order[start : start + _EMBED_BATCH]
            out[idx] = self.embedder.embed([texts[i] for i in idx])
        return out

    def _cached_bm25(self, store: ChunkStore, generation: str) -> Any:
        cached = _SNAPSHOTS.get(str(store.dir))
        if cached is not None and cached.generation == generation and cached.bm25 is not None:
            return cached.bm25
        return load_bm25(store.bm25_dir)

    def _loaded(self, folder: Path) -> tuple[str, _Snapshot]:
        """The set's snapshot, reloaded only when its manifest was rewritten (by any process)."""
        name = self.collection_for(folder)
        store = ChunkStore(self.settings.bm25_dir / name)
        snapshot = _SNAPSHOTS.get(str(store.dir))
        stamp = store.stamp()
        if snapshot is not None and stamp is not None and snapshot.stamp == stamp:
            return name, snapshot
        try:
            manifest = store.load_manifest()
            if manifest is None:
                raise CorruptStore("the manifest is missing")
            if snapshot is None or snapshot.generation != manifest.generation:
                chunks = store.load_chunks()
                bm25 = load_bm25(store.bm25_dir) if chunks else None
                if chunks and bm25 is None:
                    raise CorruptStore("the BM25 index is missing")
                snapshot = _snapshot(manifest.generation, stamp, chunks, bm25)
            else:
                snapshot = _snapshot(snapshot.generation, stamp, snapshot.chunks, snapshot.bm25)
        except CorruptStore:
            # Another process removed or damaged the index since it was synced: sync it again.
            self._sync(folder, None, rebuild=False)
            return name, _SNAPSHOTS[str(store.dir)]
        _SNAPSHOTS[str(store.dir)] = snapshot
        return name, snapshot


def _metadata(chunk: Chunk) -> dict[str, str | int]:
    return {
        "source": chunk.source,
        "heading": chunk.heading,
        "heading_path": chunk.heading_path,
        "start_line": chunk.start_line,
        "content_hash": chunk.content_hash,
    }


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
