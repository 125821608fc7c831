"""The notes index: hybrid search over Chroma vectors and BM25 words, fused by reciprocal rank fusion.

Keeping each notes set in step with its files is the job of `interviewer.notes.sync`, which `NotesIndex`
builds on.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Literal

import numpy as np

from interviewer.config import Settings
from interviewer.errors import NotesError
from interviewer.notes.chunking import Chunk
from interviewer.notes.concepts import phrase_text
from interviewer.notes.embeddings import Embedder
from interviewer.notes.lexical import (
    bm25_document_frequency,
    bm25_feedback_search,
    bm25_search,
    feedback_terms,
    lexical_tokens,
)
from interviewer.notes.reader import DEFAULT_MAX_FILE_BYTES
from interviewer.notes.results import Hit, SearchResult
from interviewer.notes.sync import SyncedIndex, _Snapshot

log = logging.getLogger(__name__)

_FEEDBACK_HITS = 3
"""How many of the first hybrid hits the feedback query learns its words from."""

SearchMode = Literal["hybrid", "dense", "bm25"]
FusionMethod = Literal["rrf", "zscore"]


# --------------------------------------------------------------------------------------------------
# The index


class NotesIndex(SyncedIndex):
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

    Rank fusion also takes the first `zscore_depth` candidates of z-score fusion as one more ranked list,
    weighted `zscore_weight`. Ranks alone cannot tell a clear winner of one search from the first of
    near-equals; the z-score leaders can, and lifting them ranks the answer first more often without
    pushing other answers out of the top five (see `bench/retrieval.py`).

    A question in several parts ("how long must the test run, and what mistakes should I avoid?") blends
    its parts in one vector. Rank fusion also searches each part on its own (see `question_parts`) and
    fuses their merged dense ranking with weight `clause_weight`.

    The first search syncs the folders (indexing them if they have never been indexed); `ensure_synced`
    does it on demand and reports what changed. `collections` gives a folder a collection name of its own,
    the same on every replica (an uploaded notes set's), instead of one made from its path.
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
        collections: Mapping[Path, str] | None = None,
        zscore_weight: float = 2.0,
        zscore_depth: int = 3,
    ) -> None:
        self.settings = settings
        if embedder is None:
            from interviewer.notes.embeddings import MiniLMEmbedder

            embedder = MiniLMEmbedder()
        self.embedder: Embedder = embedder
        dirs = list(notes_dirs) if notes_dirs else [settings.knowledge_dir, *settings.extra_notes]
        self.notes_dirs = [Path(d).expanduser().resolve() for d in dict.fromkeys(dirs)]
        self.collections = {Path(d).expanduser().resolve(): n for d, n in (collections or {}).items()}
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
        self.zscore_weight = zscore_weight
        self.zscore_depth = zscore_depth
        self._synced = False
        self._sync_lock = threading.Lock()

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

    def following(self, chunk: Chunk) -> Chunk | None:
        """The next chunk of `chunk`'s section, where a section longer than one chunk goes on; None at its end."""
        if not self._synced:
            self.ensure_synced()
        for _, snapshot in (self._loaded(folder) for folder in self.notes_dirs):
            later = [
                c
                for c in snapshot.chunks
                if c.source == chunk.source
                and c.heading_path == chunk.heading_path
                and c.start_line > chunk.start_line
            ]
            if later:
                return min(later, key=lambda c: c.start_line)
        return None

    def document_frequencies(self, terms: Sequence[str]) -> tuple[dict[str, int], int]:
        """How many chunks hold each of `terms` (as `lexical_tokens` spells them), and how many chunks there are."""
        if not self._synced:
            self.ensure_synced()
        counts = dict.fromkeys(terms, 0)
        documents = 0
        for _, snapshot in (self._loaded(folder) for folder in self.notes_dirs):
            documents += len(snapshot.chunks)
            for term in counts:
                counts[term] += bm25_document_frequency(snapshot.bm25, term)
        return counts, documents

    def mentions(self, spellings: Sequence[str]) -> set[str]:
        """Which of `spellings` (normalised by `concepts.normalise`) occur, word for word, anywhere in the notes."""
        if not self._synced:
            self.ensure_synced()
        held: set[str] = set()
        for _, snapshot in (self._loaded(folder) for folder in self.notes_dirs):
            text = phrase_text(snapshot.generation, partial(_texts, snapshot.chunks))
            held.update(s for s in spellings if f" {s} " in text)
        return held

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
            leaders: list[tuple[Chunk, float]] = []
            if self.zscore_weight:
                mixed = sorted(_zscore_fusion(dense, lexical, self.dense_share).items(), key=lambda i: -i[1])
                leaders = [(chunks[cid], score) for cid, score in mixed[: self.zscore_depth]]
            rankings = (
                (self.dense_weight, dense),
                (self.lexical_weight, lexical),
                (self.feedback_weight, feedback),
                (self.clause_weight, clauses),
                (self.zscore_weight, leaders),
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


_PART_BREAK = re.compile(
    r"[?;:]"
    r"|,\s*(?:and|or|but)\s+"
    r"|\s+and\s+(?=(?:what|how|why|when|which|where|who|is|are|can|should|do|does)\b)"
    r"|,\s*(?=(?:what|how|why|when|which|where|who)\b)",
    re.IGNORECASE,
)


def _texts(chunks: Sequence[Chunk]) -> Iterator[str]:
    return (c.embed_text for c in chunks)


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
