"""The notes index: Chroma for vectors, BM25 for words, reciprocal rank fusion, and incremental sync.

Each notes folder is one *notes set*: one Chroma collection (named from the folder's resolved path, see
`interviewer.notes.chroma`) and, under `settings.bm25_dir/<collection>/`, a manifest (file → content hash → chunk
ids), the chunk store and the BM25 index built from it (see `interviewer.notes.chunk_store` and
`interviewer.notes.lexical`). Syncing re-embeds only new or changed files and removes deleted ones. Embeddings
come from the injected `Embedder` and are passed to Chroma explicitly, so Chroma's own embedding function
is never used (it would download a model).
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
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from interviewer.notes import chroma
from interviewer.notes.chunk_store import FORMAT, ChunkStore, CorruptStore, FileEntry, Manifest
from interviewer.notes.chunking import CHUNKER_VERSION, Chunk, chunk_note
from interviewer.config import Settings
from interviewer.notes.embeddings import Embedder
from interviewer.errors import BadInput, NotesError
from interviewer.notes.lexical import (
    bm25_feedback_search,
    bm25_search,
    bm25_vocab,
    build_bm25,
    feedback_terms,
    lexical_tokens,
    load_bm25,
    save_bm25,
)
from interviewer.notes.reader import DEFAULT_MAX_FILE_BYTES, decode_note, scan_folder

log = logging.getLogger(__name__)

SearchMode = Literal["hybrid", "dense", "bm25"]
FusionMethod = Literal["rrf", "zscore"]
ProgressCallback = Callable[[int, int, str], None]
"""Called as `progress(done, total, label)` while files are embedded."""

_EMBED_BATCH = 32
_FEEDBACK_HITS = 3
"""How many of the first hybrid hits the feedback query learns its words from."""


# --------------------------------------------------------------------------------------------------
# What crosses the boundary


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SearchResult(_Model):
    """One search hit, as printed by `interviewer search --json`."""

    source: str
    heading: str
    heading_path: str
    score: float
    text: str
    chunk_id: str


class SkippedFile(_Model):
    source: str
    reason: str


class FileWarning(_Model):
    source: str
    message: str


class SyncReport(_Model):
    """What one sync of one notes folder did."""

    notes_dir: str
    collection: str
    indexed: list[str]
    unchanged: list[str]
    removed: list[str]
    skipped: list[SkippedFile]
    warnings: list[FileWarning]
    chunks: int
    rebuilt: bool = False
    rebuild_reason: str | None = None
    seconds: float

    def summary(self) -> str:
        lines = [
            f"{self.notes_dir}: {len(self.indexed)} indexed, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed, {len(self.skipped)} skipped; {self.chunks} chunks "
            f"({self.seconds:.1f} s)"
        ]
        if self.rebuilt:
            lines.append(f"  rebuilt the index: {self.rebuild_reason}")
        lines += [f"  skipped {s.source}: {s.reason}" for s in self.skipped]
        lines += [f"  note {w.source}: {w.message}" for w in self.warnings]
        return "\n".join(lines)


@dataclass(frozen=True)
class Hit:
    """A search hit with the evidence behind its rank, for callers that judge relevance."""

    chunk: Chunk
    score: float
    similarity: float | None  # cosine similarity to the query, when the dense search found it
    lexical: float | None  # BM25 score, when the lexical search found it

    def result(self) -> SearchResult:
        c = self.chunk
        return SearchResult(
            source=c.source,
            heading=c.heading,
            heading_path=c.heading_path,
            score=round(self.score, 6),
            text=c.text,
            chunk_id=c.chunk_id,
        )


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


# --------------------------------------------------------------------------------------------------
# The index


class NotesIndex:
    """Hybrid search over one or more notes folders, kept in step with the files on disk.

    `embedder` defaults to the offline MiniLM embedder; `notes_dirs` defaults to the shipped
    `knowledge/` plus `settings.extra_notes`.

    Hybrid ranking fuses the top `candidates` of the dense and the lexical search. By default (`fusion="rrf"`)
    it is weighted reciprocal rank fusion, `dense_weight / (rrf_k + dense rank) + lexical_weight /
    (rrf_k + BM25 rank)`; the defaults (a small `rrf_k`, the dense side weighted 0.8) were chosen on the
    tuning half of the labelled questions in `tests/data/retrieval_questions.yaml`. `fusion="zscore"`
    mixes each candidate's scores standardised over each search's candidates instead, `dense_share` of
    the dense one and the rest lexical, so a clear winner of one search counts for more than a narrow
    one. On held-out questions it ranks the answer first as often or more often, while rank fusion with
    feedback (below) finds it in the top five more often; see `bench/retrieval.py`.

    With `feedback` (the default) rank fusion adds a third ranked list, from pseudo-relevance feedback:
    the 20 words that best describe the first three hybrid hits (see `interviewer.notes.lexical.feedback_terms`)
    are added to the query, together weighing 0.3 times as much as its own words, and the BM25 ranking
    of that expanded query is fused with weight `feedback_weight`. It finds sections that answer a
    question in other words than the question's, through the words they share with the first hits.
    Z-score fusion and the dense and BM25 modes do not use it.

    A question in several parts ("how long must the test run, and what mistakes should I avoid?") blends
    its parts in one vector. Rank fusion also searches each part on its own (see `question_parts`) and
    fuses their merged dense ranking with weight `clause_weight`.

    The first search syncs the folders (indexing them if they have never been indexed); `ensure_synced`
    does it on demand and reports what changed.
    """

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder | None = None,
        notes_dirs: Sequence[Path] | None = None,
        *,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        chunk_tokens: int | None = None,
        overlap_tokens: int = 32,
        fusion: FusionMethod = "rrf",
        rrf_k: int = 5,
        dense_weight: float = 0.8,
        lexical_weight: float = 1.0,
        dense_share: float = 0.5,
        candidates: int = 40,
        feedback: bool = True,
        feedback_weight: float = 1.0,
        clause_weight: float = 0.3,
    ) -> None:
        self.settings = settings
        if embedder is None:
            from interviewer.notes.embeddings import MiniLMEmbedder

            embedder = MiniLMEmbedder()
        self.embedder: Embedder = embedder
        dirs = list(notes_dirs) if notes_dirs else [settings.knowledge_dir, *settings.extra_notes]
        self.notes_dirs = [Path(d).expanduser().resolve() for d in dict.fromkeys(dirs)]
        self.max_file_bytes = max_file_bytes
        # Chunks may be shorter than the model's window: short texts embed more sharply.
        self.chunk_tokens = min(chunk_tokens or self.embedder.max_tokens, self.embedder.max_tokens)
        self.overlap_tokens = overlap_tokens
        self.rrf_k = rrf_k
        self.dense_weight = dense_weight
        self.lexical_weight = lexical_weight
        self.fusion: FusionMethod = fusion
        self.dense_share = dense_share
        self.candidates = candidates
        self.feedback = feedback
        self.feedback_weight = feedback_weight
        self.clause_weight = clause_weight
        self._synced = False
        self._sync_lock = threading.Lock()

    # ---- sync ----------------------------------------------------------------------------------

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
        started = time.perf_counter()
        if not folder.is_dir():
            raise BadInput(f"no notes folder at {folder}; check the path given with --notes")
        name = collection_name(folder)
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
            if self.settings.chroma_host:
                raise NotesError(f"the Chroma server refused the collection {name}: {_short(exc)}") from None
            state = "locked" if isinstance(exc, chroma.IndexLocked) else "corrupt or locked"
            problem = f"the vector index was {state} ({_short(exc)})"
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
        pending: list[Chunk] = []
        for done, source in enumerate(sorted(new_chunks), start=1):
            pending.extend(new_chunks[source])
            if len(pending) >= 256 or done == total:
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

    # ---- search --------------------------------------------------------------------------------

    def search(self, query: str, k: int = 5, *, mode: SearchMode = "hybrid") -> list[SearchResult]:
        """The `k` best chunks for `query` across every notes folder."""
        return [hit.result() for hit in self.retrieve(query, k, mode=mode)]

    def retrieve(self, query: str, k: int = 5, *, mode: SearchMode = "hybrid") -> list[Hit]:
        """Like `search`, with each hit's chunk and its dense and lexical evidence."""
        if k < 1:
            raise NotesError("k must be at least 1")
        if not self._synced:
            self.ensure_synced()
        sets = [self._loaded(folder) for folder in self.notes_dirs]
        pool = max(self.candidates, k)
        dense: list[tuple[Chunk, float]] = []
        lexical: list[tuple[Chunk, float]] = []
        tokens = lexical_tokens(query)
        parts: np.ndarray = np.zeros((0, self.embedder.dim), dtype=np.float32)
        if mode in ("hybrid", "dense"):
            part_texts = question_parts(query) if mode == "hybrid" and self.clause_weight else []
            vectors = self.embedder.embed([query, *part_texts])
            vector, parts = vectors[0], vectors[1:]
            dense = self._dense_ranking(sets, vector, pool)
        if mode in ("hybrid", "bm25"):
            for _, snapshot in sets:
                found = bm25_search(snapshot.bm25, snapshot.vocab, len(snapshot.chunks), tokens, pool)
                lexical += [(snapshot.chunks[i], score) for i, score in found]
            lexical.sort(key=lambda pair: -pair[1])
        dense, lexical = dense[:pool], lexical[:pool]
        if mode != "hybrid" or self.fusion != "rrf":
            return self._fuse(dense, lexical, k, mode)
        clauses = self._clause_search(sets, parts, pool)
        if not self.feedback:
            return self._fuse(dense, lexical, k, mode, clauses=clauses)
        first = self._fuse(dense, lexical, _FEEDBACK_HITS, mode, clauses=clauses)
        expanded = self._feedback_search([s for _, s in sets], tokens, [h.chunk for h in first], pool)
        return self._fuse(dense, lexical, k, mode, expanded, clauses)

    def _clause_search(
        self, sets: Sequence[tuple[str, _Snapshot]], vectors: np.ndarray, pool: int
    ) -> list[tuple[Chunk, float]]:
        """The dense rankings of a question's parts, merged by reciprocal rank fusion (none for one part)."""
        if len(vectors) < 2:
            return []
        merged: dict[str, float] = {}
        chunks: dict[str, Chunk] = {}
        for vector in vectors:
            for rank, (chunk, _) in enumerate(self._dense_ranking(sets, vector, pool), start=1):
                merged[chunk.chunk_id] = merged.get(chunk.chunk_id, 0.0) + 1.0 / (self.rrf_k + rank)
                chunks[chunk.chunk_id] = chunk
        ranked = sorted(merged.items(), key=lambda item: -item[1])[:pool]
        return [(chunks[cid], score) for cid, score in ranked]

    def _feedback_search(
        self, sets: Sequence[_Snapshot], tokens: list[str], first: Sequence[Chunk], pool: int
    ) -> list[tuple[Chunk, float]]:
        """The BM25 ranking of the query expanded with the words that describe its `first` hits."""
        home = {c.chunk_id: s for s in sets for c in first if c.chunk_id in s.positions}
        expansion = feedback_terms(
            [(lexical_tokens(c.embed_text), home[c.chunk_id].bm25) for c in first if c.chunk_id in home],
            tokens,
        )
        if not expansion:
            return []
        found: list[tuple[Chunk, float]] = []
        for snapshot in sets:
            size = len(snapshot.chunks)
            ranked = bm25_feedback_search(snapshot.bm25, snapshot.vocab, size, tokens, expansion, pool)
            found += [(snapshot.chunks[i], score) for i, score in ranked]
        found.sort(key=lambda pair: -pair[1])
        return found[:pool]

    def _fuse(
        self,
        dense: list[tuple[Chunk, float]],
        lexical: list[tuple[Chunk, float]],
        k: int,
        mode: SearchMode,
        feedback: Sequence[tuple[Chunk, float]] = (),
        clauses: Sequence[tuple[Chunk, float]] = (),
    ) -> list[Hit]:
        similarity = {c.chunk_id: s for c, s in dense}
        bm25 = {c.chunk_id: s for c, s in lexical}
        chunks = {c.chunk_id: c for c, _ in (*dense, *lexical, *feedback, *clauses)}
        if mode == "dense":
            ranked = [(c.chunk_id, s) for c, s in dense]
        elif mode == "bm25":
            ranked = [(c.chunk_id, s) for c, s in lexical]
        elif self.fusion == "zscore":
            fused = _zscore_fusion(dense, lexical, self.dense_share)
            ranked = sorted(fused.items(), key=lambda item: (-item[1], -similarity.get(item[0], -1.0)))
        else:
            fused = {}
            rankings = (
                (self.dense_weight, dense),
                (self.lexical_weight, lexical),
                (self.feedback_weight, feedback),
                (self.clause_weight, clauses),
            )
            for weight, ranking in rankings:
                for rank, (chunk, _) in enumerate(ranking, start=1):
                    fused[chunk.chunk_id] = fused.get(chunk.chunk_id, 0.0) + weight / (self.rrf_k + rank)
            ranked = sorted(fused.items(), key=lambda item: (-item[1], -similarity.get(item[0], -1.0)))
        return [
            Hit(chunk=chunks[cid], score=score, similarity=similarity.get(cid), lexical=bm25.get(cid))
            for cid, score in ranked[:k]
        ]

    def _dense_ranking(
        self, sets: Sequence[tuple[str, _Snapshot]], vector: np.ndarray, pool: int
    ) -> list[tuple[Chunk, float]]:
        """The `pool` chunks nearest to `vector` across every notes set, nearest first."""
        ranking = [pair for name, snapshot in sets for pair in self._dense(name, snapshot, vector, pool)]
        ranking.sort(key=lambda pair: -pair[1])
        return ranking[:pool]

    def _dense(
        self, name: str, snapshot: _Snapshot, vector: np.ndarray, pool: int
    ) -> list[tuple[Chunk, float]]:
        if not snapshot.chunks:
            return []
        collection = self._get_or_create(name)
        found = collection.query(
            query_embeddings=[vector.astype(np.float32)],
            n_results=min(pool, len(snapshot.chunks)),
            include=["distances"],
        )
        pairs = []
        for cid, distance in zip(found["ids"][0], found["distances"][0], strict=True):
            position = snapshot.positions.get(cid)
            if position is not None:
                pairs.append((snapshot.chunks[position], 1.0 - float(distance)))
        return pairs

    def _loaded(self, folder: Path) -> tuple[str, _Snapshot]:
        """The set's snapshot, reloaded only when its manifest was rewritten (by any process)."""
        name = collection_name(folder)
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


_PART_BREAK = re.compile(
    r"[?;:]"
    r"|,\s*(?:and|or|but)\s+"
    r"|\s+and\s+(?=(?:what|how|why|when|which|where|who|is|are|can|should|do|does)\b)"
    r"|,\s*(?=(?:what|how|why|when|which|where|who)\b)",
    re.IGNORECASE,
)


def question_parts(query: str) -> list[str]:
    """The parts of a question that asks several things, each with at least two content words.

    Parts break at `?`, `;` and `:`, at ", and" / ", or" / ", but", and before a new question word
    (", what ...", "and how ..."). A question in one part gives an empty list.
    """
    parts = [p.strip() for p in _PART_BREAK.split(query)]
    parts = [p for p in parts if len(lexical_tokens(p)) >= 2]
    return parts if len(parts) >= 2 else []


def _zscore_fusion(
    dense: list[tuple[Chunk, float]], lexical: list[tuple[Chunk, float]], dense_share: float
) -> dict[str, float]:
    """Each candidate's standardised scores, mixed: `dense_share` of its dense z-score, the rest lexical.

    Scores are standardised over each search's own candidates, so a candidate far ahead of the others in
    one search gains more than one that merely ranks first among near-equals (which rank fusion cannot
    tell apart). A candidate one search did not return gets that search's lowest returned score: its
    true score is at most that.
    """
    fused: dict[str, float] = {}
    for share, ranking in ((dense_share, dense), (1.0 - dense_share, lexical)):
        if not ranking:
            continue
        scores = np.array([score for _, score in ranking])
        spread = float(scores.std())
        z = (scores - scores.mean()) / spread if spread > 0 else np.zeros_like(scores)
        floor = float(z.min())
        found = {chunk.chunk_id: float(value) for (chunk, _), value in zip(ranking, z, strict=True)}
        for chunk, _ in (*dense, *lexical):
            fused[chunk.chunk_id] = fused.get(chunk.chunk_id, 0.0) + share * found.get(chunk.chunk_id, floor)
    return fused


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
