"""A false premise is named, not answered around: when the cited passage contradicts it, the answer says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.config import Settings
from interviewer.notes.ask import Answerer, AnswerResult
from interviewer.notes.extract import units_of
from interviewer.notes.index import NotesIndex
from interviewer.notes.premise import contradiction, denial, premise_of, quantities, reversal
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


@pytest.mark.parametrize(
    ("question", "premise"),
    [
        (
            "Our engineers can look after the cluster between jobs, so we don't need a sysadmin, do we?",
            "Our engineers can look after the cluster between jobs, so we don't need a sysadmin",
        ),
        (
            "With a job array queued, every crash recovers on the next restart, correct?",
            "With a job array queued, every crash recovers on the next restart",
        ),
        ("A bigger batch lowers latency, right?", "A bigger batch lowers latency"),
    ],
)
def test_a_statement_put_for_confirmation_is_a_premise(question: str, premise: str) -> None:
    assert premise_of(question) == premise


def test_a_question_with_a_tag_like_ending_is_no_premise() -> None:
    assert premise_of("Is it true that a bigger batch lowers latency?") is None
    assert premise_of("How do I know the sharding is right?") is None


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


SLAS = (
    "Key validated components:\n"
    "- Response time: guarantee the first token within 1 minute.\n"
    "- Network latency to the vendor: 100-200ms.\n"
)


def test_amounts_are_read_with_their_kind_in_base_units() -> None:
    assert quantities("within one second, or 1 minute") == [("time", 1.0), ("time", 60.0)]
    assert quantities("300 ms and 2 GB, 5%") == [("time", 0.3), ("size", 2e9), ("share", 0.05)]
    assert quantities("version 2 of the model") == []


def test_a_passage_stating_another_amount_of_the_same_kind_contradicts_the_premise() -> None:
    found = contradiction("the chat must show its first token within one second", units_of(SLAS))
    assert found is not None and "1 minute" in found.text


def test_a_passage_stating_the_same_amount_does_not_contradict() -> None:
    units = units_of("Response time: guarantee the first token within 1 second.")
    assert contradiction("the chat must show its first token within one second", units) is None


def test_an_amount_of_another_kind_does_not_contradict() -> None:
    units = units_of("Each first token is logged for 5% of the requests.")
    assert contradiction("the chat must show its first token within one second", units) is None


GREEN_BLUE = (
    "Given our audience primarily consists of internal customers and the frequent batch jobs, there's no "
    "immediate need for green-blue deployment."
)


def test_a_passage_saying_the_step_asked_about_is_not_needed_denies_the_premise() -> None:
    question = "As the forecaster answers heavy live traffic from shoppers, how should its green-blue rollout be staged?"
    premise = premise_of(question)
    assert premise == "the forecaster answers heavy live traffic from shoppers"
    found = denial(question, premise, units_of(GREEN_BLUE))
    assert found is not None and "no immediate need for green-blue" in found.text


def test_a_denial_of_something_else_is_no_denial_of_the_step_asked_about() -> None:
    question = "As the forecaster answers heavy live traffic, how should its canary release be staged?"
    assert denial(question, "the forecaster answers heavy live traffic", units_of(GREEN_BLUE)) is None


def test_a_step_the_passage_says_is_not_done_denies_the_premise() -> None:
    question = "Given that the assistant deletes duplicate uploads, how does it choose which copy to keep?"
    units = units_of(
        "We don't perform duplicate removal, considering that a client has a reason to upload copies."
    )
    assert (
        denial(question, "the assistant deletes duplicate uploads", units) is None
    )  # only the premise names it
    asking = "Given that uploads are cleaned, how is duplicate removal ordered?"
    assert denial(asking, "uploads are cleaned", units) is not None


STOCK = "running out of stock is the cheaper mistake for the supermarket"


def test_a_comparison_that_ranks_the_premise_subject_the_other_way_reverses_it() -> None:
    units = units_of("We have an asymmetric cost: overstock is far less harmful than out-of-stock problems.")
    found = reversal(STOCK, units)
    assert found is not None and "less harmful" in found.text


def test_a_comparison_that_ranks_the_premise_subject_the_same_way_agrees() -> None:
    assert reversal(STOCK, units_of("Out-of-stock is far less harmful than overstock.")) is None
    assert reversal(STOCK, units_of("Out-of-stock is worse than overstock.")) is not None


def test_a_comparison_of_other_things_that_shares_a_word_is_no_reversal() -> None:
    units = units_of("An expert opinion is usually much quicker and cheaper than running those tests.")
    assert reversal(STOCK, units) is None


def test_a_premise_that_ranks_nothing_is_never_reversed() -> None:
    units = units_of("Overstock is far less harmful than out-of-stock problems.")
    assert reversal("running out of stock happens every week", units) is None


def answer_from(settings: Settings, tmp_path: Path, name: str, text: str, question: str) -> AnswerResult:
    """The offline answer to `question` over one note, `name`, holding `text`."""
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / name).write_text(text, encoding="utf-8")
    index = NotesIndex(settings, FakeEmbedder(dim=256), [folder])
    return Answerer(index, index.embedder, k=3).answer(question)


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
    result = answer_from(
        settings,
        tmp_path,
        "async.md",
        "# Asynchronous pattern\n\n## Architecture\n\nThe client puts each request in a queue and polls "
        "the queue for its result later.\n\n## Needs consideration\n\nA queue between client and model does "
        "not keep results in the order the requests were sent; the workflow must order them.\n",
        "Because a queue guarantees results in the order the requests were sent, how does the client poll the queue?",
    )
    assert result.challenged_premise is not None
    assert "does not keep results in the order" in result.answer


def test_the_offline_answer_challenges_a_premise_whose_amount_the_notes_contradict(
    settings: Settings, tmp_path: Path
) -> None:
    result = answer_from(
        settings,
        tmp_path,
        "chat.md",
        f"# Document chat\n\n## SLAs\n\nWhich vendor is fast enough for the chat depends on these.\n\n{SLAS}",
        "Since the chat must show its first token within one second, which vendor is fast enough?",
    )
    assert result.challenged_premise == "the chat must show its first token within one second"
    assert "within 1 minute" in result.answer


def test_the_offline_answer_challenges_a_premise_when_the_notes_say_the_step_is_not_needed(
    settings: Settings, tmp_path: Path
) -> None:
    result = answer_from(
        settings,
        tmp_path,
        "forecaster.md",
        f"# Forecaster\n\n## Green-blue deployment\n\nA green-blue rollout is staged by switching live traffic between two copies. {GREEN_BLUE}\n",
        "As the forecaster answers live traffic, how should its green-blue rollout be staged?",
    )
    assert result.challenged_premise == "the forecaster answers live traffic"
    assert result.answer.startswith("Careful: the notes do not support the premise")


def test_the_offline_answer_quotes_a_comparison_in_another_section_that_reverses_the_premise(
    settings: Settings, tmp_path: Path
) -> None:
    result = answer_from(
        settings,
        tmp_path,
        "forecaster.md",
        "# Forecaster\n\n## Reasons\n\nThe supermarket loses money on every mistake of the demand forecast, "
        "so the model should forecast demand well.\n\n## Residuals\n\nOverstock is far less harmful than "
        "out-of-stock problems, so a forecast a little high is preferred.\n",
        "Because running out of stock is the cheaper mistake for the supermarket, how do I make the demand "
        "model forecast low?",
    )
    assert result.challenged_premise == STOCK
    assert "far less harmful than out-of-stock" in result.answer
