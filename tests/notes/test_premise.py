"""A false premise is named, not answered around: when the cited passage contradicts it, the answer says so."""

from __future__ import annotations

from pathlib import Path

from interviewer.config import Settings
from interviewer.notes.ask import Answerer
from interviewer.notes.extract import units_of
from interviewer.notes.index import NotesIndex
from interviewer.notes.premise import contradiction, premise_of
from interviewer.testing import FakeEmbedder

BATCHING = (
    "Dynamic batching raises throughput because the accelerator works on many requests at once. "
    "Its cost is queue delay: a request waits until the batch fills or the timeout ends, so latency "
    "does not go down with bigger batches."
)


def test_a_premise_stated_with_since_is_read_up_to_the_comma() -> None:
    assert premise_of("Since batching always lowers latency, how big should batches be?") == (
        "batching always lowers latency"
    )


def test_an_absolute_claim_stated_before_the_question_is_read_as_a_premise() -> None:
    question = "A queue guarantees that results come back in order, so do I need ordering logic?"
    assert premise_of(question) == "A queue guarantees that results come back in order"


def test_an_absolute_word_inside_the_question_itself_is_no_premise() -> None:
    assert premise_of("How can I check that one tenant's documents never reach another tenant?") is None
    assert premise_of("What topics does a strong answer always touch?") is None


def test_an_ordinary_question_has_no_premise() -> None:
    assert premise_of("How big should batches be for a GPU model server?") is None
    assert premise_of("Can I rerun only the failed records?") is None


def test_a_passage_that_negates_the_premise_contradicts_it() -> None:
    found = contradiction("bigger batching always reduces latency", units_of(BATCHING))
    assert found is not None and "queue delay" in found.text


def test_a_passage_that_agrees_does_not_contradict() -> None:
    units = units_of(
        "Dynamic batching raises throughput because the accelerator works on many requests at once."
    )
    assert contradiction("batching raises throughput", units) is None


def test_a_contrast_about_something_else_does_not_contradict() -> None:
    units = units_of("Logs are not kept for long.")
    assert contradiction("bigger batching always reduces latency", units) is None


def note_index(settings: Settings, tmp_path: Path) -> NotesIndex:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "serving.md").write_text(
        f"# Serving\n\n## Batching\n\n{BATCHING}\n\n## Caching\n\nA cache keeps hot predictions in memory.\n",
        encoding="utf-8",
    )
    return NotesIndex(settings, FakeEmbedder(dim=256), [folder])


def test_the_offline_answer_says_the_notes_do_not_support_a_false_premise(
    settings: Settings, tmp_path: Path
) -> None:
    index = note_index(settings, tmp_path)
    result = Answerer(index, index.embedder, k=3).answer(
        "Since bigger batches always lower the latency of requests, how big should dynamic batching make them?"
    )
    premise = "bigger batches always lower the latency of requests"
    assert result.answer.startswith(f"Careful: the notes do not support the premise “{premise}”")
    assert "queue delay" in result.answer
    assert result.challenged_premise == premise


def test_a_question_without_a_premise_gets_no_warning(settings: Settings, tmp_path: Path) -> None:
    index = note_index(settings, tmp_path)
    result = Answerer(index, index.embedder, k=3).answer(
        "What does dynamic batching cost a request in latency?"
    )
    assert result.grounded and not result.answer.startswith("Careful")
    assert result.challenged_premise is None


def test_a_contradiction_in_another_retrieved_section_is_quoted_with_its_citation(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "async.md").write_text(
        "# Asynchronous pattern\n\n## Architecture\n\nThe client puts each request in a queue and polls "
        "the queue for its result later.\n\n## Needs consideration\n\nA queue between client and model does "
        "not keep results in the order the requests were sent; the workflow must order them.\n",
        encoding="utf-8",
    )
    index = NotesIndex(settings, FakeEmbedder(dim=256), [folder])
    result = Answerer(index, index.embedder, k=3).answer(
        "Because a queue guarantees results in the order the requests were sent, how does the client poll the queue?"
    )
    assert result.challenged_premise is not None
    assert "does not keep results in the order" in result.answer
