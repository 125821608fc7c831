"""Named concepts: a question about a concept the notes never name is not covered by sections sharing its words."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from interviewer.config import Settings
from interviewer.llm.prompts import PromptLibrary
from interviewer.notes.ask import ABSTAIN, Answerer
from interviewer.notes.concepts import absent_concepts, named_concepts, normalise, phrase_text
from interviewer.notes.coverage import ABSENT_CONCEPT_WEIGHT, MIN_SIMILARITY, MIN_SUPPORT, Coverage
from interviewer.notes.index import NotesIndex
from interviewer.testing import FakeEmbedder, FakeLLM

NOTES = {
    "Features": (
        "Each model reads its features from the training tables; we store the features of every request "
        "so the next training run sees what serving saw."
    ),
    "Batching": "Serving groups requests into batches of 32 so the accelerator stays busy between requests.",
    "Experiments": "A/B tests compare the new model with the old one on live traffic for two weeks.",
}


def notes_text() -> str:
    return phrase_text("test-notes", lambda: (f"{h}\n{t}" for h, t in NOTES.items()))


def held(spellings: Sequence[str]) -> set[str]:
    text = notes_text()
    return {s for s in spellings if f" {s} " in text}


def test_spellings_meet_across_case_hyphens_slashes_and_endings() -> None:
    assert normalise("A/B tests") == normalise("a/b testing")
    assert normalise("KV-cache") == normalise("kv caches")
    assert normalise("In-batch negatives") != normalise("batch negatives")


def test_a_question_names_the_concept_in_any_of_its_spellings() -> None:
    assert named_concepts("How big should each arm of an A/B test be?") == named_concepts(
        "How long must a split test run?"
    )
    assert named_concepts("What is a two-tower model?") == named_concepts("How is a dual encoder trained?")


def test_the_longest_concept_wins_over_one_inside_it() -> None:
    (concept,) = named_concepts("When should I use fully sharded data parallel training?")

    assert concept[0] == normalise("fully sharded data parallel")


def test_a_plain_question_names_no_concept() -> None:
    assert named_concepts("Why do we store the features of every request?") == []


def test_a_concept_whose_words_are_all_in_the_notes_but_never_together_is_absent() -> None:
    # "feature" and "store" are both in the notes, never as "feature store"; A/B tests are named.
    question = (
        "How does a feature store keep training and serving consistent, and how long should an A/B test run?"
    )

    assert absent_concepts(question, held) == [normalise("feature store")]


def test_each_absent_concept_lowers_support_and_a_far_question_is_never_covered() -> None:
    base = Coverage(similarity=0.5, coverage=1.0, unknown=0.0, missing=(), unknown_terms=())
    absent = Coverage(0.5, 1.0, 0.0, (), (), absent_concepts=("featur stor", "a b test"))
    far = Coverage(MIN_SIMILARITY - 0.05, 1.0, 0.0, (), ())

    assert base.covered and base.support - absent.support == 2 * ABSENT_CONCEPT_WEIGHT
    assert far.support >= MIN_SUPPORT and not far.covered


@pytest.fixture
def index(settings: Settings, tmp_path: Path) -> NotesIndex:
    folder = tmp_path / "notes"
    folder.mkdir()
    text = "\n\n".join(f"## {heading}\n\n{body}" for heading, body in NOTES.items())
    (folder / "notes.md").write_text(f"# Serving\n\n{text}\n", encoding="utf-8")
    return NotesIndex(settings, FakeEmbedder(dim=256), [folder])


def test_the_offline_answerer_declines_a_concept_the_notes_never_name_and_answers_their_own_words(
    index: NotesIndex,
) -> None:
    answerer = Answerer(index, index.embedder, k=3)

    declined = answerer.answer("How does a feature store keep the features of training and serving the same?")
    answered = answerer.answer("Why do we store the features of every request for the next training run?")

    assert index.mentions([normalise("a/b test"), normalise("feature store")]) == {normalise("a/b test")}
    assert declined.grounded is False and declined.answer.startswith(ABSTAIN)
    assert answered.grounded is True and answered.citations[0].heading == "Features"


def test_with_a_model_a_concept_the_notes_never_name_is_declined_before_the_model_is_asked(
    settings: Settings, index: NotesIndex
) -> None:
    llm = FakeLLM(["A feature store keeps the features [1]."])
    answerer = Answerer(
        index, index.embedder, llm, PromptLibrary(settings.prompts_dir), k=3, min_similarity=0.0
    )

    declined = answerer.answer("How does a feature store keep the features of training and serving the same?")

    assert declined.grounded is False and declined.answer.startswith(ABSTAIN)
    assert llm.calls == []


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("A/B tests on the KV-cache", "a b test on the kv cach"),
        ("Caching, cached: CACHES!", "cach cach cach"),
        ("naïve café über-fast p99", "na ve caf ber fast p99"),
        ("  tabs\tand\nnew lines  ", "tab and new lin"),
    ],
)
def test_notes_and_questions_are_normalised_to_ascii_words(text: str, normalised: str) -> None:
    assert normalise(text) == normalised
