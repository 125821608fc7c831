"""Answering from the notes at the edges: odd citation markers, broken streams, empty replies, misuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.answer import ABSTAIN, Answerer, CitationFilter, check_citations
from interviewer.config import Settings
from interviewer.errors import LLMRefused, LLMUnavailable
from interviewer.index import NotesIndex
from interviewer.prompts import PromptLibrary
from interviewer.testing import FakeEmbedder, FakeLLM

NOTES = {
    "sharding.md": (
        "# Sharding\n\nSharding splits the rows of a table across several database machines by a shard key. "
        "Each machine holds a subset of the rows.\n\n## Rebalancing\n\nConsistent hashing moves only a few keys "
        "when a machine joins or leaves the cluster.\n"
    ),
    "queues.md": "# Queues\n\nMessage queues decouple producers from consumers and absorb bursts of traffic.\n",
}
QUESTION = "how does consistent hashing help when a machine joins the cluster"


@pytest.fixture
def index(settings: Settings, tmp_path: Path) -> NotesIndex:
    folder = tmp_path / "notes"
    folder.mkdir()
    for name, text in NOTES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return NotesIndex(settings, FakeEmbedder(dim=256), [folder])


@pytest.fixture
def prompts(settings: Settings) -> PromptLibrary:
    return PromptLibrary(settings.prompts_dir)


def answerer(index: NotesIndex, llm: FakeLLM | None = None, prompts: PromptLibrary | None = None) -> Answerer:
    return Answerer(index, index.embedder, llm, prompts, k=3, min_similarity=0.2)


# -- citation markers ------------------------------------------------------------------------------


def test_a_group_keeps_its_valid_numbers_and_drops_the_rest() -> None:
    text, cited, dropped = check_citations("Keys move [1, 4, 2].", allowed=3)
    assert text == "Keys move [1][2]."
    assert cited == [1, 2] and dropped == [4]


def test_a_number_repeated_in_one_group_is_cited_once() -> None:
    text, cited, dropped = check_citations("Keys move [2, 2].", allowed=3)
    assert text == "Keys move [2]."
    assert cited == [2] and dropped == []


def test_citation_zero_is_never_valid() -> None:
    text, cited, dropped = check_citations("See [0] and [1].", allowed=2)
    assert text == "See and [1]."
    assert cited == [1] and dropped == [0]


def test_a_number_dropped_twice_is_recorded_once() -> None:
    _, cited, dropped = check_citations("One [9]. Two [9]. Three [8].", allowed=1)
    assert cited == [] and dropped == [9, 8]


@pytest.mark.parametrize(
    "text",
    [
        "An array index like xs[3] is code, not a citation.",
        "A year in brackets [2024] has four digits.",
        "Empty brackets [] and words [like this] pass through.",
        "An unfinished marker at the end [3",
    ],
)
def test_brackets_that_are_not_citations_pass_through_unchanged(text: str) -> None:
    out, cited, dropped = check_citations(text, allowed=1)
    assert out == text
    assert cited == [] and dropped == []


def test_a_marker_split_over_many_pieces_is_checked_as_one() -> None:
    checker = CitationFilter(allowed=2)
    pieces = ["Keys move ", "[", "1", ",", " ", "5", "]", " cheaply."]
    out = "".join(checker.feed(p) for p in pieces) + checker.close()
    assert out == "Keys move [1] cheaply."
    assert checker.cited == [1] and checker.dropped == [5]


# -- the model misbehaving ---------------------------------------------------------------------------


def test_an_empty_reply_from_the_model_is_an_abstention(index: NotesIndex, prompts: PromptLibrary) -> None:
    result = answerer(index, FakeLLM([""]), prompts).answer(QUESTION)
    assert result.answer == ABSTAIN
    assert result.grounded is False and result.citations == []
    assert result.engine == "llm"


def test_an_abstaining_model_that_still_cites_gets_no_citations(
    index: NotesIndex, prompts: PromptLibrary
) -> None:
    llm = FakeLLM(["The notes do not mention a machine joining [1]."])
    result = answerer(index, llm, prompts).answer(QUESTION)
    assert result.grounded is False and result.citations == []


def test_a_stream_broken_after_some_text_keeps_the_text_and_adds_the_offline_answer(
    index: NotesIndex, prompts: PromptLibrary
) -> None:
    llm = FakeLLM([LLMUnavailable("the connection dropped; try again", partial="Consistent hashing [1] ")])
    stream = answerer(index, llm, prompts).stream(QUESTION)
    streamed = "".join(stream)
    result = stream.result
    assert streamed.startswith(
        "Consistent hashing [1] \n\nThe model could not answer (the connection dropped"
    )
    assert result.engine == "offline" and result.grounded is True
    assert result.notice is not None and "connection dropped" in result.notice
    assert streamed.endswith(result.answer)


def test_a_refusal_falls_back_to_the_offline_answer(index: NotesIndex, prompts: PromptLibrary) -> None:
    llm = FakeLLM([LLMRefused("the model refused to answer; rephrase the question")])
    result = answerer(index, llm, prompts).answer(QUESTION)
    assert result.engine == "offline"
    assert result.notice is not None and "refused" in result.notice
    assert any(c.heading == "Rebalancing" for c in result.citations)


def test_the_result_can_be_read_before_iterating_and_the_stream_is_then_spent(
    index: NotesIndex, prompts: PromptLibrary
) -> None:
    llm = FakeLLM(["Only a few keys move [1]."])
    stream = answerer(index, llm, prompts).stream(QUESTION)
    assert stream.result.answer == "Only a few keys move [1]."
    assert list(stream) == []
    assert len(llm.calls) == 1


# -- questions and setup -------------------------------------------------------------------------------


def test_a_question_of_only_spaces_abstains_without_searching(
    index: NotesIndex, prompts: PromptLibrary
) -> None:
    llm = FakeLLM([])
    result = answerer(index, llm, prompts).answer("   \n\t ")
    assert result.answer == ABSTAIN
    assert llm.calls == []


def test_the_question_sent_to_the_model_is_trimmed(index: NotesIndex, prompts: PromptLibrary) -> None:
    llm = FakeLLM(["Few keys move [1]."])
    answerer(index, llm, prompts).answer(f"  {QUESTION}\n")
    assert llm.calls[0].last_user == QUESTION


def test_an_llm_answerer_without_prompts_is_refused(index: NotesIndex) -> None:
    with pytest.raises(ValueError, match="prompt library"):
        Answerer(index, index.embedder, FakeLLM([]), None)


def test_an_empty_notes_folder_abstains_offline(settings: Settings, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    index = NotesIndex(settings, FakeEmbedder(dim=64), [empty])
    result = Answerer(index, index.embedder).answer(QUESTION)
    assert result.answer == ABSTAIN
    assert result.grounded is False and result.engine == "offline"
