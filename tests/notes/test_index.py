"""The notes index: incremental sync, hybrid search, several notes sets, rebuilds, server mode."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

import team_servers
from interviewer.config import Settings
from interviewer.errors import BadInput, NotesError
from interviewer.notes.index import NotesIndex, question_parts
from interviewer.notes.lexical import (
    bm25_feedback_search,
    bm25_search,
    bm25_vocab,
    build_bm25,
    feedback_terms,
    lexical_tokens,
)
from interviewer.notes.results import Hit, SearchResult
from interviewer.notes.sync import collection_name
from interviewer.testing import FakeEmbedder

NOTES = {
    "cache.md": (
        "# Caching\n\n## Cache-aside\n\nThe application reads the cache first and loads from the database "
        "on a miss, then stores the row in the cache.\n\n## Write-through\n\nEvery write goes to the cache "
        "and the database together, so reads are never stale.\n"
    ),
    "db/sharding.md": (
        "# Sharding\n\nSplit the rows of a table across several database machines by a shard key.\n\n"
        "## Rebalancing\n\nConsistent hashing moves few keys when a machine joins.\n"
    ),
    "queues.txt": "Message queues decouple producers from consumers and absorb bursts of traffic.\n",
}


class CountingEmbedder(FakeEmbedder):
    """The fake embedder, counting how many texts it embedded."""

    def __init__(self) -> None:
        super().__init__(dim=128)
        self.embedded = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded += len(texts)
        return super().embed(texts)


def write_notes(folder: Path, notes: dict[str, str] = NOTES) -> Path:
    for name, text in notes.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    return write_notes(tmp_path / "notes")


@pytest.fixture
def embedder() -> CountingEmbedder:
    return CountingEmbedder()


def make_index(settings: Settings, embedder: CountingEmbedder, *folders: Path) -> NotesIndex:
    return NotesIndex(settings, embedder, list(folders))


# ---- sync ----------------------------------------------------------------------------------------


def test_the_first_sync_indexes_every_file_and_the_next_finds_nothing_to_do(
    settings: Settings, embedder: CountingEmbedder, notes: Path
) -> None:
    index = make_index(settings, embedder, notes)
    (first,) = index.ensure_synced()
    embedded = embedder.embedded

    started = time.perf_counter()
    (second,) = NotesIndex(settings, embedder, [notes]).ensure_synced()
    elapsed = time.perf_counter() - started

    assert sorted(first.indexed) == ["cache.md", "db/sharding.md", "queues.txt"]
    assert first.chunks == 5 and first.rebuilt is False
    assert second.indexed == [] and sorted(second.unchanged) == sorted(first.indexed)
    assert embedder.embedded == embedded, "an unchanged corpus is not embedded again"
    assert elapsed < 1.0


def test_only_a_changed_file_is_embedded_again(
    settings: Settings, embedder: CountingEmbedder, notes: Path
) -> None:
    index = make_index(settings, embedder, notes)
    index.ensure_synced()
    before = embedder.embedded
    (notes / "queues.txt").write_text("Queues buffer work; a dead-letter queue keeps poison messages.\n")

    (report,) = index.ensure_synced()

    assert report.indexed == ["queues.txt"]
    assert embedder.embedded - before == 1
    assert index.search("poison messages dead-letter", k=1)[0].source == "queues.txt"


def test_a_deleted_file_leaves_the_index(settings: Settings, embedder: CountingEmbedder, notes: Path) -> None:
    index = make_index(settings, embedder, notes)
    index.ensure_synced()
    (notes / "db" / "sharding.md").unlink()

    (report,) = index.ensure_synced()
    sources = {r.source for r in index.search("shard key consistent hashing machines", k=10)}

    assert report.removed == ["db/sharding.md"]
    assert report.chunks == 3
    assert "db/sharding.md" not in sources


def test_a_new_file_is_found_after_the_next_sync(
    settings: Settings, embedder: CountingEmbedder, notes: Path
) -> None:
    index = make_index(settings, embedder, notes)
    index.ensure_synced()
    (notes / "cdn.md").write_text(
        "# CDN\n\nA pull CDN fetches content from the origin on the first request.\n"
    )

    (report,) = index.ensure_synced()

    assert report.indexed == ["cdn.md"]
    assert index.search("pull CDN origin first request", k=1)[0].heading == "CDN"


def test_skipped_files_and_repairs_appear_in_the_report(
    settings: Settings, embedder: CountingEmbedder, notes: Path
) -> None:
    (notes / "blob.md").write_bytes(b"\x00\x00\x00")
    (notes / "bad.md").write_bytes(b"# Bad\n\nlatency \xff budget\n")
    (notes / "moji.md").write_text("# Moji\n\nFilter 1B videos ‚Üí 1K candidates.\n", encoding="utf-8")

    (report,) = make_index(settings, embedder, notes).ensure_synced()
    warnings = {w.source: w.message for w in report.warnings}

    assert [(s.source, s.reason) for s in report.skipped] == [("blob.md", "binary file, not text")]
    assert "invalid UTF-8" in warnings["bad.md"]
    assert "mojibake" in warnings["moji.md"]
    assert "skipped blob.md: binary file, not text" in report.summary()


def test_a_missing_notes_folder_is_bad_input(
    settings: Settings, embedder: CountingEmbedder, tmp_path: Path
) -> None:
    with pytest.raises(BadInput, match="no notes folder"):
        make_index(settings, embedder, tmp_path / "nowhere").ensure_synced()


def test_progress_is_reported_per_embedded_file(
    settings: Settings, embedder: CountingEmbedder, notes: Path
) -> None:
    seen: list[tuple[int, int, str]] = []
    make_index(settings, embedder, notes).ensure_synced(
        lambda done, total, label: seen.append((done, total, label))
    )
    assert seen[0] == (0, 3, "")
    assert seen[-1][:2] == (3, 3)
    assert [s[2] for s in seen[1:]] == ["cache.md", "db/sharding.md", "queues.txt"]


# ---- search --------------------------------------------------------------------------------------


def test_search_results_have_exactly_the_documented_fields(
    settings: Settings, embedder: CountingEmbedder, notes: Path
) -> None:
    (hit,) = make_index(settings, embedder, notes).search(
        "write goes to the cache and the database together", k=1
    )

    assert set(hit.model_dump()) == {"source", "heading", "heading_path", "score", "text", "chunk_id"}
    assert (hit.source, hit.heading) == ("cache.md", "Write-through")
    assert hit.heading_path == "cache.md › Caching › Write-through"
    assert hit.text.startswith("Every write goes to the cache")
    assert hit.score > 0


def test_the_first_search_on_a_new_folder_indexes_it(
    settings: Settings, embedder: CountingEmbedder, notes: Path
) -> None:
    results = make_index(settings, embedder, notes).search("consistent hashing", k=3)
    assert embedder.embedded >= 5
    assert results[0].heading == "Rebalancing"


def test_results_are_ranked_and_limited_to_k(
    settings: Settings, embedder: CountingEmbedder, notes: Path
) -> None:
    results = make_index(settings, embedder, notes).search("cache database", k=4)
    assert len(results) == 4
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
    assert len({r.chunk_id for r in results}) == 4


def test_hybrid_search_finds_what_only_the_words_match(
    settings: Settings, embedder: CountingEmbedder, notes: Path
) -> None:
    index = make_index(settings, embedder, notes)
    lexical = index.retrieve("bursts", k=3, mode="bm25")
    hybrid = index.retrieve("bursts", k=3, mode="hybrid")

    assert lexical[0].chunk.source == "queues.txt" and lexical[0].lexical is not None
    assert hybrid[0].chunk.source == "queues.txt"
    assert hybrid[0].similarity is not None and hybrid[0].lexical is not None


def test_dense_only_search_reports_cosine_similarity(
    settings: Settings, embedder: CountingEmbedder, notes: Path
) -> None:
    hits = make_index(settings, embedder, notes).retrieve(
        "message queues decouple producers", k=2, mode="dense"
    )
    assert hits[0].chunk.source == "queues.txt"
    assert 0 < hits[0].similarity <= 1.0  # type: ignore[operator]
    assert hits[0].lexical is None, "dense-only search runs no lexical search"


def test_a_search_for_one_word_form_finds_notes_that_use_another(
    settings: Settings, embedder: CountingEmbedder, notes: Path
) -> None:
    hits = make_index(settings, embedder, notes).retrieve("caching", k=5, mode="bm25")
    assert hits, "'caching' and the notes' 'cache' share a stem"
    assert {h.chunk.source for h in hits} == {"cache.md"}


WARM_QUERY = "how do I warm the cache"
WARM_NOTES = {
    "tips.md": (
        "# Warming\n\nWarm the cache before moving traffic, warm it well.\n\n"
        "# Preloading\n\nWarm the cache with hot keys from the logs (the zebra trick).\n\n"
        "# Eviction\n\nThe cache evicts the least recently used keys.\n\n"
        "# Sizing\n\nSize the cache for the working set.\n\n"
        "# Queues\n\nQueues absorb bursts.\n"
    )
}


class LeaningEmbedder(FakeEmbedder):
    """Bag-of-words vectors, except along one axis: the query and 'zebra' texts lie on it, 'warm' ones lean."""

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = super().embed(texts)
        for row, text in enumerate(texts):
            out[row, 0] = 0.0
            out[row] /= max(float(np.linalg.norm(out[row])), 1e-9)
            lean = 1.0 if text == WARM_QUERY or "zebra" in text else 0.2 if "warm" in text.lower() else 0.0
            out[row] *= np.sqrt(1.0 - lean**2)
            out[row, 0] = lean
        return out


def test_score_fusion_follows_a_search_whose_winner_stands_far_ahead(
    settings: Settings, tmp_path: Path
) -> None:
    # Dense search puts Preloading far ahead of Warming; BM25 puts Warming only a little ahead of it.
    folder = write_notes(tmp_path / "warm", WARM_NOTES)
    rrf = NotesIndex(settings, LeaningEmbedder(dim=64), [folder])
    zscore = NotesIndex(settings, LeaningEmbedder(dim=64), [folder], fusion="zscore")

    dense = rrf.retrieve(WARM_QUERY, k=2, mode="dense")
    lexical = rrf.retrieve(WARM_QUERY, k=2, mode="bm25")
    assert [h.chunk.heading for h in dense] == ["Preloading", "Warming"]
    assert [h.chunk.heading for h in lexical] == ["Warming", "Preloading"]
    assert dense[0].score - dense[1].score > lexical[0].score - lexical[1].score

    assert rrf.retrieve(WARM_QUERY, k=1)[0].chunk.heading == "Warming", "rank fusion sees only the ranks"
    best = zscore.retrieve(WARM_QUERY, k=1)[0]
    assert best.chunk.heading == "Preloading"
    assert best.similarity == pytest.approx(1.0) and best.lexical is not None


def test_score_fusion_ranks_what_only_one_search_found(
    settings: Settings, embedder: CountingEmbedder, notes: Path
) -> None:
    index = NotesIndex(settings, embedder, [notes], fusion="zscore")
    hits = index.retrieve("bursts", k=3)
    assert hits[0].chunk.source == "queues.txt"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len({h.chunk.chunk_id for h in hits}) == 3


def test_score_fusion_falls_back_to_dense_ranking_when_no_word_matches(
    settings: Settings, embedder: CountingEmbedder, notes: Path
) -> None:
    index = NotesIndex(settings, embedder, [notes], fusion="zscore")
    query = "zyxx qwvv"  # no word of it is in the notes
    assert index.retrieve(query, k=3, mode="bm25") == []
    hybrid = [h.chunk.chunk_id for h in index.retrieve(query, k=3)]
    assert hybrid == [h.chunk.chunk_id for h in index.retrieve(query, k=3, mode="dense")]


BREAKER_QUERY = "what if a dependency keeps timing out"
BREAKER_NOTES = {
    "resilience.md": (
        "# Timeouts\n\nWhen a dependency keeps timing out, a circuit breaker trips open and fails calls "
        "fast.\n\n"
        "# Breaker states\n\nA circuit breaker around a dependency is closed, open or half-open.\n\n"
        "# Breaker metrics\n\nCount how often each dependency trips its circuit breaker open.\n\n"
        "# Cooldown\n\nA tripped circuit breaker fails calls fast; after a cooldown one half-open probe is "
        "let through.\n"
    ),
    # Phrased like the query, so they embed closer to it than the answer does, but share no word with it.
    "storage.md": (
        "# Hot shards\n\nWhat if a shard is hot? Split it in two.\n\n"
        "# Cold caches\n\nWhat if a cache is cold? Warm it first.\n\n"
        "# Slow disks\n\nWhat if a disk is slow? Move it to flash.\n"
    ),
}


@pytest.fixture
def breaker_notes(tmp_path: Path) -> Path:
    return write_notes(tmp_path / "breakers", BREAKER_NOTES)


def headings(hits: Sequence[Hit]) -> list[str]:
    return [h.chunk.heading for h in hits]


def test_feedback_finds_a_section_that_shares_no_word_with_the_query_but_shares_its_topic(
    settings: Settings, breaker_notes: Path
) -> None:
    with_feedback = NotesIndex(settings, FakeEmbedder(dim=128), [breaker_notes])
    without = NotesIndex(settings, FakeEmbedder(dim=128), [breaker_notes], feedback=False)
    answer = with_feedback.retrieve(BREAKER_QUERY, k=10)
    cooldown = next(h.chunk for h in answer if h.chunk.heading == "Cooldown")
    assert not set(lexical_tokens(cooldown.text)) & set(lexical_tokens(BREAKER_QUERY))

    assert "Cooldown" not in headings(without.retrieve(BREAKER_QUERY, k=4)), "the storage notes embed closer"
    found = headings(with_feedback.retrieve(BREAKER_QUERY, k=4))
    assert found[:3] == headings(without.retrieve(BREAKER_QUERY, k=3)), "the first hits keep their places"
    assert found[3] == "Cooldown", "the breaker words of the first hits lead to it"


def test_without_feedback_hybrid_search_is_rank_fusion_of_the_dense_and_the_bm25_rankings(
    settings: Settings, breaker_notes: Path
) -> None:
    index = NotesIndex(settings, FakeEmbedder(dim=128), [breaker_notes], feedback=False)
    dense = index.retrieve(BREAKER_QUERY, k=10, mode="dense")
    lexical = index.retrieve(BREAKER_QUERY, k=10, mode="bm25")
    fused: dict[str, float] = {}
    for weight, ranking in ((index.dense_weight, dense), (index.lexical_weight, lexical)):
        for rank, hit in enumerate(ranking, start=1):
            fused[hit.chunk.heading] = fused.get(hit.chunk.heading, 0.0) + weight / (index.rrf_k + rank)
    expected = sorted(fused, key=lambda heading: -fused[heading])

    hybrid = index.retrieve(BREAKER_QUERY, k=10)
    assert headings(hybrid) == expected
    assert [h.score for h in hybrid] == pytest.approx([fused[h] for h in expected])


def test_feedback_changes_neither_dense_nor_bm25_search(settings: Settings, breaker_notes: Path) -> None:
    on = NotesIndex(settings, FakeEmbedder(dim=128), [breaker_notes])
    off = NotesIndex(settings, FakeEmbedder(dim=128), [breaker_notes], feedback=False)
    for mode in ("dense", "bm25"):
        assert on.retrieve(BREAKER_QUERY, k=10, mode=mode) == off.retrieve(BREAKER_QUERY, k=10, mode=mode)


def test_feedback_adds_nothing_when_no_word_of_the_query_is_in_the_notes(
    settings: Settings, embedder: CountingEmbedder, notes: Path
) -> None:
    index = make_index(settings, embedder, notes)
    query = "zyxx qwvv"
    hybrid = [h.chunk.chunk_id for h in index.retrieve(query, k=3)]
    assert hybrid == [h.chunk.chunk_id for h in index.retrieve(query, k=3, mode="dense")]


def test_feedback_words_favour_the_first_hits_and_words_rare_in_the_notes() -> None:
    texts = [
        "circuit breaker trips open on timeouts",
        "breaker cooldown then probe",
        "timeouts everywhere in the cluster",
        "cluster cluster cluster nodes",
        "cluster capacity planning",
    ]
    bm25 = build_bm25(texts)
    docs = [(lexical_tokens(texts[0]), bm25), (lexical_tokens(texts[2]), bm25)]
    weights = feedback_terms(docs, lexical_tokens("timeouts"), count=20)

    assert "timeout" not in weights, "the query's own words are not added again"
    assert sum(weights.values()) == pytest.approx(1.0)
    assert weights["circuit"] > weights["everywher"], "a word of the first hit outweighs one of the second"
    assert weights["everywher"] > weights["cluster"], "a word in few notes outweighs one in many"
    best_two = feedback_terms(docs, lexical_tokens("timeouts"), count=2)
    assert list(best_two) == sorted(weights, key=lambda w: -weights[w])[:2]
    assert sum(best_two.values()) == pytest.approx(1.0)


def test_the_feedback_query_ranks_what_shares_the_added_words() -> None:
    texts = ["circuit breaker timeouts", "breaker cooldown probe", "disk flash storage", "timeouts of disks"]
    bm25 = build_bm25(texts)
    vocab = bm25_vocab(bm25)
    plain = bm25_search(bm25, vocab, len(texts), ["timeout"], pool=10)
    expanded = bm25_feedback_search(bm25, vocab, len(texts), ["timeout"], {"breaker": 1.0}, pool=10)

    assert {i for i, _ in plain} == {0, 3}
    assert [i for i, _ in expanded] == [0, 3, 1], "the breaker text joins, below those with the query word"
    assert bm25_feedback_search(bm25, vocab, len(texts), ["zyxx"], {"breaker": 1.0}, pool=10) == []


def test_lexical_tokens_bring_word_forms_together() -> None:
    assert lexical_tokens("Caching caches cached cache") == ["cach"] * 4
    assert lexical_tokens("Queries and the query") == ["queri", "queri"]
    assert lexical_tokens("what is the") == []


def test_chromas_default_embedding_function_is_never_used(
    settings: Settings, embedder: CountingEmbedder, notes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chromadb.utils import embedding_functions

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("Chroma's default embedding function was called")

    monkeypatch.setattr(embedding_functions.DefaultEmbeddingFunction, "__call__", refuse)
    results = make_index(settings, embedder, notes).search("shard key", k=2)
    assert results[0].source == "db/sharding.md"


def test_a_question_in_several_parts_is_split_where_it_asks_something_new() -> None:
    assert question_parts(
        "How long must an experiment run, and what mistakes like peeking should I avoid?"
    ) == ["How long must an experiment run", "what mistakes like peeking should I avoid"]
    assert question_parts("Is the cache stale? How do I refresh it before it expires?") == [
        "Is the cache stale",
        "How do I refresh it before it expires",
    ]
    assert question_parts("How does consistent hashing move keys when a machine joins?") == []
    assert question_parts("Sharding, and why?") == []  # a part needs two words that carry meaning


def test_each_part_of_a_question_is_searched_and_fused(
    settings: Settings, embedder: CountingEmbedder, notes: Path
) -> None:
    question = (
        "which rows does a shard key split across database machines, and how do message queues absorb bursts"
    )
    index = make_index(settings, embedder, notes)
    index.ensure_synced()
    before = embedder.embedded

    with_parts = index.retrieve(question, k=2)
    embedded = embedder.embedded - before
    index.clause_weight = 0.0
    without = {h.chunk.chunk_id: h.score for h in index.retrieve(question, k=5)}

    assert embedded == 3  # the question and its two parts, in one call
    assert {h.chunk.source for h in with_parts} == {"db/sharding.md", "queues.txt"}
    # The parts' ranking adds to the fused score of the chunks it found.
    assert all(h.score > without[h.chunk.chunk_id] for h in with_parts)


# ---- notes sets ----------------------------------------------------------------------------------


def test_collection_names_are_stable_valid_and_distinct_per_folder(tmp_path: Path) -> None:
    a = collection_name(tmp_path / "My Notes!")
    again = collection_name(tmp_path / "My Notes!" / ".." / "My Notes!")
    b = collection_name(tmp_path / "other")

    assert a == again
    assert a != b
    assert a.startswith("notes-my-notes-")
    assert 3 <= len(a) <= 63 and a[0].isalnum() and a[-1].isalnum()
    assert set(a) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")


def test_several_notes_sets_coexist_and_are_searched_together(
    settings: Settings, embedder: CountingEmbedder, notes: Path, tmp_path: Path
) -> None:
    other = write_notes(
        tmp_path / "other", {"ml.md": "# Drift\n\nFeature drift shows when input distributions shift.\n"}
    )
    both = make_index(settings, embedder, notes, other)
    reports = both.ensure_synced()

    assert [r.collection for r in reports] == [collection_name(notes), collection_name(other)]
    assert both.search("feature drift distributions", k=1)[0].source == "ml.md"
    assert both.search("shard key machines", k=1)[0].source == "db/sharding.md"
    alone = make_index(settings, embedder, notes).search("feature drift distributions", k=10)
    assert all(r.source != "ml.md" for r in alone)


# ---- corrupt indexes -----------------------------------------------------------------------------


def _forget_open_clients() -> None:
    """Drop this process's open Chroma clients, as a new process would start without them."""
    from interviewer.notes import chroma
    from interviewer.notes import sync as sync_module

    chroma.forget_clients()
    sync_module._SNAPSHOTS.clear()


def test_a_corrupt_vector_store_is_rebuilt_and_reported(
    settings: Settings, embedder: CountingEmbedder, notes: Path
) -> None:
    make_index(settings, embedder, notes).ensure_synced()
    _forget_open_clients()
    (settings.chroma_dir / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)

    index = make_index(settings, embedder, notes)
    (report,) = index.ensure_synced()

    assert report.rebuilt is True
    assert "corrupt or locked" in (report.rebuild_reason or "")
    assert sorted(report.indexed) == ["cache.md", "db/sharding.md", "queues.txt"]
    assert index.search("shard key", k=1)[0].source == "db/sharding.md"


_LOCKERS = {
    "sqlite": "import sqlite3\nc = sqlite3.connect(sys.argv[1], isolation_level=None)\nc.execute('BEGIN EXCLUSIVE')\n",
    "flock": "import fcntl\nhandle = open(sys.argv[1], 'a')\nfcntl.flock(handle, fcntl.LOCK_EX)\n",
}


def _hold_lock(path: Path, seconds: float, kind: str = "sqlite") -> subprocess.Popen[str]:
    """Another process that holds `path` locked (an exclusive SQLite transaction, or `flock`) for
    `seconds`, returned once the lock is taken."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import sys, time\n{_LOCKERS[kind]}print('locked', flush=True)\ntime.sleep(float(sys.argv[2]))\n",
            str(path),
            str(seconds),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def test_a_vector_store_locked_for_a_moment_is_waited_for_not_rebuilt(
    settings: Settings, embedder: CountingEmbedder, notes: Path
) -> None:
    make_index(settings, embedder, notes).ensure_synced()
    _forget_open_clients()
    holder = _hold_lock(settings.chroma_dir / "chroma.sqlite3", 0.5)
    try:
        (report,) = make_index(settings, embedder, notes).ensure_synced()
    finally:
        holder.wait()

    assert report.rebuilt is False
    assert report.unchanged and not report.indexed


def test_a_sync_waits_for_another_process_indexing_the_same_notes_and_says_so(
    settings: Settings, embedder: CountingEmbedder, notes: Path, caplog: pytest.LogCaptureFixture
) -> None:
    make_index(settings, embedder, notes).ensure_synced()
    holder = _hold_lock(settings.bm25_dir / collection_name(notes) / ".lock", 1, kind="flock")
    started = time.monotonic()
    try:
        (report,) = make_index(settings, embedder, notes).ensure_synced()
    finally:
        holder.wait()

    assert time.monotonic() - started > 0.5, "the sync waited for the other process"
    assert report.rebuilt is False and len(report.unchanged) == 3
    assert any("waiting for another process" in r.getMessage() for r in caplog.records)


def test_a_vector_store_another_process_keeps_locked_is_reported_busy_and_kept(
    settings: Settings, embedder: CountingEmbedder, notes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from interviewer.notes import chroma

    make_index(settings, embedder, notes).ensure_synced()
    _forget_open_clients()
    monkeypatch.setattr(chroma, "LOCK_WAIT_SECONDS", 0.5)
    holder = _hold_lock(settings.chroma_dir / "chroma.sqlite3", 60)
    try:
        with pytest.raises(NotesError, match="notes index is busy"):
            make_index(settings, embedder, notes).ensure_synced()
    finally:
        holder.kill()
        holder.wait()

    # Once the other process lets go, the same index is used as it was: nothing was deleted or rebuilt.
    _forget_open_clients()
    embedded = embedder.embedded
    index = make_index(settings, embedder, notes)
    (report,) = index.ensure_synced()
    assert report.rebuilt is False and len(report.unchanged) == 3
    assert embedder.embedded == embedded
    assert index.search("shard key", k=1)[0].source == "db/sharding.md"


def test_a_vector_store_out_of_step_with_the_manifest_is_rebuilt(
    settings: Settings, embedder: CountingEmbedder, notes: Path
) -> None:
    make_index(settings, embedder, notes).ensure_synced()
    _forget_open_clients()
    shutil.rmtree(settings.chroma_dir)

    (report,) = make_index(settings, embedder, notes).ensure_synced()

    assert report.rebuilt is True and "expected" in (report.rebuild_reason or "")
    assert report.chunks == 5


def test_a_corrupt_manifest_is_rebuilt_and_reported(
    settings: Settings, embedder: CountingEmbedder, notes: Path
) -> None:
    make_index(settings, embedder, notes).ensure_synced()
    (settings.bm25_dir / collection_name(notes) / "manifest.json").write_text("{not json")

    (report,) = make_index(settings, embedder, notes).ensure_synced()

    assert report.rebuilt is True and "manifest" in (report.rebuild_reason or "")
    assert len(report.indexed) == 3


def test_a_damaged_bm25_index_is_rebuilt_from_the_chunk_store(
    settings: Settings, embedder: CountingEmbedder, notes: Path
) -> None:
    make_index(settings, embedder, notes).ensure_synced()
    _forget_open_clients()
    bm25_dir = settings.bm25_dir / collection_name(notes) / "bm25"
    for path in bm25_dir.iterdir():
        path.write_bytes(b"garbage")
    before = embedder.embedded

    index = make_index(settings, embedder, notes)
    (report,) = index.ensure_synced()

    assert report.rebuilt is True and "BM25" in (report.rebuild_reason or "")
    assert embedder.embedded == before, "the vectors were fine, so nothing is embedded again"
    assert index.retrieve("bursts", k=1, mode="bm25")[0].chunk.source == "queues.txt"


def test_rebuild_starts_over_on_request(settings: Settings, embedder: CountingEmbedder, notes: Path) -> None:
    index = make_index(settings, embedder, notes)
    index.ensure_synced()
    (report,) = index.rebuild()
    assert report.rebuilt is True and report.rebuild_reason == "a rebuild was requested"
    assert len(report.indexed) == 3 and report.chunks == 5


# ---- server mode ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """A Chroma server: the shared one CI starts (INTERVIEWER_TEST_CHROMA_HOST/PORT), else one of our own.

    With INTERVIEWER_REQUIRE_CHROMA=1 the shared server must be there; these tests then fail rather than skip.
    """
    if os.environ.get("INTERVIEWER_TEST_CHROMA_HOST") or os.environ.get("INTERVIEWER_REQUIRE_CHROMA") == "1":
        yield team_servers.chroma_server()
        return
    chroma = Path(sys.executable).with_name("chroma")
    if not chroma.exists():
        pytest.skip("the `chroma` command is not installed")
    port = _free_port()
    process = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import httpx

        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail("the Chroma server did not start")
            time.sleep(0.2)
        yield "127.0.0.1", port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.server
def test_server_mode_indexes_and_searches_through_a_chroma_server(
    settings: Settings, embedder: CountingEmbedder, notes: Path, chroma_server: tuple[str, int]
) -> None:
    host, port = chroma_server
    remote = settings.model_copy(update={"chroma_host": host, "chroma_port": port})
    index = make_index(remote, embedder, notes)

    (report,) = index.ensure_synced()
    results = index.search("shard key machines", k=2)

    assert len(report.indexed) == 3
    assert results[0].source == "db/sharding.md"
    assert not settings.chroma_dir.exists(), "nothing was written to the embedded store"
    import chromadb

    client = chromadb.HttpClient(host=host, port=port)
    assert client.get_collection(collection_name(notes)).count() == 5


@pytest.mark.server
def test_a_second_replica_on_the_same_chroma_server_finds_the_same_notes_without_duplicates(
    settings: Settings,
    embedder: CountingEmbedder,
    notes: Path,
    chroma_server: tuple[str, int],
    tmp_path: Path,
) -> None:
    host, port = chroma_server
    first = settings.model_copy(update={"chroma_host": host, "chroma_port": port})
    second = first.model_copy(update={"home": tmp_path / "replica-2"})
    make_index(first, embedder, notes).ensure_synced()
    (report,) = make_index(second, CountingEmbedder(), notes).ensure_synced()
    results = make_index(second, CountingEmbedder(), notes).search("shard key machines", k=2)

    assert report.chunks == 5
    assert results[0].source == "db/sharding.md"
    import chromadb

    assert chromadb.HttpClient(host=host, port=port).get_collection(collection_name(notes)).count() == 5


@pytest.mark.server
def test_a_second_replica_reuses_the_vectors_the_first_stored_under_a_shared_collection_name(
    settings: Settings,
    embedder: CountingEmbedder,
    notes: Path,
    chroma_server: tuple[str, int],
    tmp_path: Path,
) -> None:
    host, port = chroma_server
    first = settings.model_copy(update={"chroma_host": host, "chroma_port": port})
    second = first.model_copy(update={"home": tmp_path / "replica-2"})
    copy = tmp_path / "replica-2-notes"
    shutil.copytree(notes, copy)  # each replica has the files in its own data folder
    shared_name = f"upload-test-{uuid.uuid4().hex[:8]}"
    NotesIndex(first, embedder, [notes], collections={notes: shared_name}).ensure_synced()
    again = CountingEmbedder()

    (report,) = NotesIndex(second, again, [copy], collections={copy: shared_name}).ensure_synced()
    results = NotesIndex(second, again, [copy], collections={copy: shared_name}).search(
        "shard key machines", k=2
    )

    assert report.collection == shared_name and report.chunks == 5 and len(report.indexed) == 3
    assert again.embedded == 1, "the second replica embedded only the query, never the notes"
    assert results[0].source == "db/sharding.md"
    import chromadb

    assert chromadb.HttpClient(host=host, port=port).get_collection(shared_name).count() == 5


def test_an_unreachable_chroma_server_is_a_clear_error(
    settings: Settings, embedder: CountingEmbedder, notes: Path
) -> None:
    from interviewer.errors import NotesError

    remote = settings.model_copy(update={"chroma_host": "127.0.0.1", "chroma_port": _free_port()})
    with pytest.raises(NotesError, match="cannot reach the Chroma server"):
        make_index(remote, embedder, notes).ensure_synced()


def test_search_results_serialise_to_the_cli_shape() -> None:
    result = SearchResult(
        source="a.md", heading="A", heading_path="a.md › A", score=0.5, text="t", chunk_id="x"
    )
    assert list(result.model_dump()) == ["source", "heading", "heading_path", "score", "text", "chunk_id"]
