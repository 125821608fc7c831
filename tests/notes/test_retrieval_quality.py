"""Retrieval quality with the real MiniLM embedder, on questions no setting of the search was chosen on.

The questions come from `tests/data/retrieval_questions_fresh.yaml` (held out from all tuning). To stay
fast, only the notes files a fixed subset of them asks about are indexed: two chapters of `knowledge/`
and the System Design Primer's worked solutions (Donne Martin and contributors, CC BY 4.0).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass

import pytest
import yaml

from interviewer.config import Settings
from interviewer.notes.embeddings import MiniLMEmbedder
from interviewer.notes.index import NotesIndex, SearchMode
from locations import KNOWLEDGE, PRIMER, TEST_DATA

FRESH = TEST_DATA / "retrieval_questions_fresh.yaml"
SUBSET = {
    "knowledge": ("reliability_and_availability.md", "multi_tenant_ai_systems.md"),
    "primer": tuple(sorted(p.name for p in PRIMER.glob("solution_*.md"))),
}
SOURCES = {"knowledge": KNOWLEDGE, "primer": PRIMER}


@dataclass(frozen=True)
class Labelled:
    notes_set: str
    question: str
    file: str
    heading: str


def subset_questions() -> list[Labelled]:
    data = yaml.safe_load(FRESH.read_text(encoding="utf-8"))
    return [
        Labelled(q["set"], q["q"], q["file"], q["heading"])
        for q in data["questions"]
        if q["file"] in SUBSET[q["set"]]
    ]


@pytest.fixture(scope="module")
def indexes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, NotesIndex]:
    """One index per notes set, over copies of the subset's files only."""
    root = tmp_path_factory.mktemp("quality")
    settings = Settings(home=root / "home", engine="offline")
    embedder = MiniLMEmbedder()
    out = {}
    for name, files in SUBSET.items():
        folder = root / name
        folder.mkdir()
        for file in files:
            shutil.copy(SOURCES[name] / file, folder / file)
        out[name] = NotesIndex(settings, embedder, [folder])
        out[name].ensure_synced()
    return out


def answered_in_top_5(index: NotesIndex, item: Labelled, mode: SearchMode) -> bool:
    return any(
        r.source == item.file and f" › {item.heading} › " in f"{r.heading_path} › "
        for r in index.search(item.question, k=5, mode=mode)
    )


def hit_rate(indexes: dict[str, NotesIndex], mode: SearchMode) -> float:
    questions = subset_questions()
    return sum(answered_in_top_5(indexes[q.notes_set], q, mode) for q in questions) / len(questions)


def test_the_subset_is_large_enough_and_spans_both_notes_sets() -> None:
    questions = subset_questions()
    assert len(questions) >= 15
    assert {q.notes_set for q in questions} == {"knowledge", "primer"}


@pytest.mark.slow
def test_hybrid_search_answers_nine_in_ten_held_out_questions_in_its_top_five(
    indexes: dict[str, NotesIndex],
) -> None:
    assert hit_rate(indexes, "hybrid") >= 0.9


@pytest.mark.slow
def test_hybrid_search_answers_at_least_as_many_as_either_search_alone(
    indexes: dict[str, NotesIndex],
) -> None:
    hybrid = hit_rate(indexes, "hybrid")
    assert hybrid >= hit_rate(indexes, "dense")
    assert hybrid >= hit_rate(indexes, "bm25")
