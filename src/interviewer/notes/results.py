"""What crosses the notes index's boundary: search results, sync reports, and a hit with its chunk."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from interviewer.notes.chunking import Chunk

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
