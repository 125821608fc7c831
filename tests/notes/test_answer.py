"""Ask the notes: grounded LLM answers with checked citations, extractive offline answers, abstention."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from interviewer.config import ReplyTokens, Settings
from interviewer.errors import LLMRefused, LLMUnavailable
from interviewer.llm.prompts import PromptLibrary
from interviewer.notes.ask import ABSTAIN, EXTRACT_NOTICE, Answerer, lexical_coverage
from interviewer.notes.chunking import Chunk
from interviewer.notes.citations import CitationFilter, check_citations
from interviewer.notes.index import NotesIndex
from interviewer.notes.results import Hit
from interviewer.testing import FakeEmbedder, FakeLLM

NOTES = {
    "cache.md": (
        "# Caching\n\n## Cache-aside\n\nThe application reads the cache first. On a miss it loads the row from "
        "the database and stores it in the cache. Stale entries expire after a time-to-live.\n\n"
        "## Write-through\n\nEvery write goes to the cache and the database together. Reads are never stale, "
        "but each write pays for two stores.\n"
    ),
    "sharding.md": (
        "# Sharding\n\nSharding splits the rows of a table across several database machines by a shard key. "
        "Each machine holds a subset of the rows.\n\n## Rebalancing\n\nConsistent hashing moves only a few keys "
        "when a machine joins or leaves the cluster.\n"
    ),
    "queues.md": "# Queues\n\nMessage queues decouple producers from consumers and absorb bursts of traffic.\n",
}
QUESTION = "how does consistent hashing help when a machine joins the cluster"
OFF_TOPIC = "recipe sourdough bread oven temperature"


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


# ---- with a chat model ---------------------------------------------------------------------------


def test_the_model_sees_numbered_excerpts_and_its_citations_map_to_retrieved_chunks(
    index: NotesIndex, prompts: PromptLibrary
) -> None:
    hits = index.retrieve(QUESTION, k=3)
    n = 1 + [h.chunk.heading for h in hits].index("Rebalancing")
    llm = FakeLLM([f"Consistent hashing moves only a few keys when a machine joins [{n}]."])

    result = answerer(index, llm, prompts).answer(QUESTION)

    (call,) = llm.calls
    assert call.last_user == QUESTION
    assert "[1] " in call.system and f"[{len(hits)}] " in call.system
    assert "Consistent hashing moves only a few keys" in call.system
    assert result.engine == "llm" and result.grounded is True
    assert result.prompt == "answer@v1"
    assert [(c.n, c.source, c.heading) for c in result.citations] == [(n, "sharding.md", "Rebalancing")]
    assert result.citations[0].chunk_id == hits[n - 1].chunk.chunk_id
    assert "Consistent hashing moves only a few keys" in result.citations[0].snippet


def test_a_citation_to_a_chunk_that_was_not_retrieved_is_dropped_and_recorded(
    index: NotesIndex, prompts: PromptLibrary
) -> None:
    llm = FakeLLM(["Few keys move [1]. Also see the appendix [7]."])

    result = answerer(index, llm, prompts).answer(QUESTION)

    assert result.answer == "Few keys move [1]. Also see the appendix."
    assert [c.n for c in result.citations] == [1]
    assert result.dropped_citations == [7]


def test_when_the_model_says_the_notes_do_not_cover_it_the_answer_is_not_grounded(
    index: NotesIndex, prompts: PromptLibrary
) -> None:
    llm = FakeLLM(["The notes don't cover this."])

    result = answerer(index, llm, prompts).answer(QUESTION)

    assert result.answer == ABSTAIN
    assert result.grounded is False and result.citations == []


def test_an_answer_without_any_citation_is_not_called_grounded(
    index: NotesIndex, prompts: PromptLibrary
) -> None:
    result = answerer(index, FakeLLM(["Consistent hashing is good."]), prompts).answer(QUESTION)
    assert result.grounded is False and result.citations == []


def test_weak_retrieval_abstains_without_asking_the_model(index: NotesIndex, prompts: PromptLibrary) -> None:
    llm = FakeLLM([])

    result = answerer(index, llm, prompts).answer(OFF_TOPIC)

    assert llm.calls == []
    assert result.answer.startswith(ABSTAIN)
    assert result.grounded is False and result.citations == []


def test_the_answer_request_carries_its_token_budget(index: NotesIndex, prompts: PromptLibrary) -> None:
    llm = FakeLLM(["Consistent hashing moves few keys [1].", "Again [1]."])
    answerer(index, llm, prompts).answer(QUESTION)
    Answerer(index, index.embedder, llm, prompts, k=3, min_similarity=0.2, max_tokens=99).answer(QUESTION)
    assert [c.max_tokens for c in llm.calls] == [ReplyTokens().answer, 99]


def test_a_failed_model_call_falls_back_to_the_offline_answer_and_says_so(
    index: NotesIndex, prompts: PromptLibrary
) -> None:
    llm = FakeLLM([LLMUnavailable("the server timed out; check OPENAI_BASE_URL")])

    stream = answerer(index, llm, prompts).stream(QUESTION)
    streamed = "".join(stream)
    result = stream.result

    assert result.engine == "offline" and result.grounded is True
    assert result.notice is not None and "could not be reached" in result.notice
    assert "OPENAI_BASE_URL" not in result.notice and "OPENAI_BASE_URL" not in streamed
    assert "offline answer" in streamed
    assert result.answer in streamed
    assert any(c.heading == "Rebalancing" for c in result.citations)


def test_the_llm_answer_streams_in_pieces_that_join_to_the_answer(
    index: NotesIndex, prompts: PromptLibrary
) -> None:
    llm = FakeLLM(["Only a few keys move when a machine joins [1], which keeps rebalancing cheap [2]."])

    stream = answerer(index, llm, prompts).stream(QUESTION)
    pieces = list(stream)

    assert len(pieces) > 3
    assert "".join(pieces).strip() == stream.result.answer
    assert [c.n for c in stream.result.citations] == [1, 2]


# ---- offline -------------------------------------------------------------------------------------


def test_the_offline_answer_quotes_the_passage_that_answers_under_its_heading_and_file(
    index: NotesIndex,
) -> None:
    result = answerer(index).answer(QUESTION)

    assert result.engine == "offline" and result.grounded is True
    assert result.answer.startswith("From your notes, “Rebalancing” in sharding.md:\n\n")
    assert (
        "Consistent hashing moves only a few keys when a machine joins or leaves the cluster. [1]"
        in result.answer
    )
    by_number = {c.n: c for c in result.citations}
    assert (by_number[1].source, by_number[1].heading) == ("sharding.md", "Rebalancing")
    # Every cited number is a retrieved chunk, and the other sections are offered as "see also".
    retrieved = {h.chunk.chunk_id for h in index.retrieve(QUESTION, k=3)}
    assert all(c.chunk_id in retrieved for c in result.citations)
    assert "See also “" in result.answer and "[2]" in result.answer


def test_the_offline_answer_says_it_is_an_extract_not_a_generated_answer(index: NotesIndex) -> None:
    assert answerer(index).answer(QUESTION).answer.endswith(EXTRACT_NOTICE)


def test_the_offline_answer_is_a_few_sentences_not_a_wall_of_chunks(index: NotesIndex) -> None:
    result = answerer(index).answer("what happens on a cache miss and when is the cache stale")
    retrieved = sum(len(h.chunk.text) for h in index.retrieve("what happens on a cache miss", k=3))

    assert 1 <= result.answer.count("[") <= 3
    passage = result.answer.split("\n\n")[1]
    assert len(passage) < retrieved
    assert "#" not in result.answer


def one_note_index(settings: Settings, tmp_path: Path, text: str) -> NotesIndex:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "note.md").write_text(text, encoding="utf-8")
    return NotesIndex(settings, FakeEmbedder(dim=256), [folder])


def test_an_offline_sentence_that_leans_on_the_one_before_brings_it_along(
    settings: Settings, tmp_path: Path
) -> None:
    index = one_note_index(
        settings,
        tmp_path,
        "# Write-behind\n\nThe cache queues each write and flushes the queue to the database later. "
        "This cuts write latency but loses queued writes if the cache node crashes.\n",
    )

    result = answerer(index).answer(
        "does it cut write latency and lose queued writes if the cache node crashes"
    )

    assert (
        "The cache queues each write and flushes the queue to the database later. "
        "This cuts write latency but loses queued writes if the cache node crashes. [1]"
    ) in result.answer


def test_a_lesser_offline_sentence_that_leans_on_an_unquoted_one_is_left_out(
    settings: Settings, tmp_path: Path
) -> None:
    index = one_note_index(
        settings,
        tmp_path,
        "# Windows\n\nTumbling windows are fixed buckets that never overlap, such as clicks per minute. "
        "Features for training are computed from events before the label. That is an event-time rule.\n",
    )

    result = answerer(index).answer("tumbling windows: fixed buckets that never overlap, an event-time rule")

    assert "\nTumbling windows are fixed buckets" in result.answer
    assert "That is an event-time rule" not in result.answer


def test_the_offline_answer_abstains_when_nothing_is_relevant(index: NotesIndex) -> None:
    result = answerer(index).answer(OFF_TOPIC)
    assert result.answer.startswith(ABSTAIN) and "closest sections" in result.answer
    assert result.grounded is False and result.citations == []


def test_an_empty_question_abstains(index: NotesIndex) -> None:
    assert answerer(index).answer("   ").grounded is False


def test_the_offline_answer_streams_line_by_line(index: NotesIndex) -> None:
    stream = answerer(index).stream(QUESTION)
    pieces = list(stream)
    assert "".join(pieces).strip() == stream.result.answer
    assert len(pieces) >= 3 and all(p.endswith("\n") for p in pieces[:-1])


# ---- citation checking ---------------------------------------------------------------------------


def test_citations_split_across_streamed_pieces_are_still_checked() -> None:
    checker = CitationFilter(allowed=2)
    out = "".join(checker.feed(p) for p in ["Keys move [", "1", "] and [", "9]", " but [2, 5] holds."])
    out += checker.close()

    assert out == "Keys move [1] and but [2] holds."
    assert checker.cited == [1, 2] and checker.dropped == [9, 5]


def test_brackets_that_are_not_citations_pass_through() -> None:
    text, cited, dropped = check_citations("Use a list [a, b] or arr[0] then [3].", allowed=1)
    assert text == "Use a list [a, b] or arr[0] then."
    assert cited == [] and dropped == [3]


def test_lexical_coverage_is_the_best_share_of_question_words_one_hit_contains(index: NotesIndex) -> None:
    hits = index.retrieve("consistent hashing keys", k=3)
    assert lexical_coverage("consistent hashing keys", hits) == 1.0
    assert lexical_coverage("sourdough oven", hits) == 0.0
    assert lexical_coverage("what is it", hits) == 0.0


# --- the edges: odd citation markers, broken streams, empty replies, misuse ---

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
        "Consistent hashing [1] \n\nThe model server could not be reached, so this is the offline answer"
    )
    assert result.engine == "offline" and result.grounded is True
    assert result.notice is not None and "connection dropped" not in result.notice
    assert streamed.endswith(result.answer)


def test_a_refusal_falls_back_to_the_offline_answer(index: NotesIndex, prompts: PromptLibrary) -> None:
    llm = FakeLLM([LLMRefused("the model refused to answer; rephrase the question")])
    result = answerer(index, llm, prompts).answer(QUESTION)
    assert result.engine == "offline"
    assert result.notice is not None and "declined" in result.notice
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


class RankedRetriever:
    """Returns fixed hits in a fixed order, as a search would rank them."""

    def __init__(self, hits: list[Hit]) -> None:
        self.hits = hits

    def retrieve(self, query: str, k: int = 5) -> list[Hit]:
        return self.hits[:k]

    def document_frequencies(self, terms: Sequence[str]) -> tuple[dict[str, int], int]:
        return dict.fromkeys(terms, 1), 10


def ranked_hit(heading: str, text: str) -> Hit:
    chunk = Chunk(
        chunk_id=heading,
        source="notes.md",
        heading=heading,
        heading_path=f"notes.md › {heading}",
        start_line=1,
        content_hash="h",
        text=text,
    )
    return Hit(chunk=chunk, score=1.0, similarity=0.6, lexical=None)


def test_the_offline_answer_quotes_the_top_ranked_section_unless_another_matches_far_better() -> None:
    first = ranked_hit(
        "Retries", "Rerun only the failed records when each record is independent of the others."
    )
    second = ranked_hit(
        "Jobs", "When a nightly job fails, rerun the failed records listed in the scheduler error log."
    )
    question = "When a nightly job fails, can I rerun only the failed records?"

    trusted = Answerer(RankedRetriever([first, second]), FakeEmbedder(dim=256)).answer(question)
    untrusted = Answerer(RankedRetriever([first, second]), FakeEmbedder(dim=256), rank_prior=0.0).answer(
        question
    )

    assert trusted.citations[0].heading == "Retries"
    assert untrusted.citations[0].heading == "Jobs"


def test_the_rank_of_the_quoted_section_does_not_pad_its_passage() -> None:
    first = ranked_hit(
        "Retries",
        "Rerun only the failed records when each record is independent of the others. "
        "Dashboards are drawn with a plotting library. Logs rotate every week on the disk.",
    )
    result = Answerer(RankedRetriever([first]), FakeEmbedder(dim=256)).answer(
        "Can I rerun only the failed records when each record is independent?"
    )
    assert "Rerun only the failed records" in result.answer
    assert "Dashboards" not in result.answer and "Logs rotate" not in result.answer


class SectionReader(RankedRetriever):
    """Fixed hits, and the next chunk of a section, as `NotesIndex.following` gives it."""

    def __init__(self, hits: list[Hit], following: dict[str, Chunk]) -> None:
        super().__init__(hits)
        self.next = following

    def following(self, chunk: Chunk) -> Chunk | None:
        return self.next.get(chunk.chunk_id)


def test_a_lead_in_that_ends_its_chunk_is_completed_from_the_section_s_next_chunk() -> None:
    first = ranked_hit(
        "Checks", "Before a training run starts on the cluster, the job runs these preflight checks:"
    )
    rest = Chunk(
        chunk_id="Checks-2",
        source="notes.md",
        heading="Checks",
        heading_path="notes.md › Checks",
        start_line=9,
        content_hash="h2",
        text="- disk space for checkpoints\n- a write to the shared store\n- the NCCL all-reduce test\n\nLater prose.",
    )
    question = "Which preflight checks does the job run before a training run starts?"

    read_on = Answerer(SectionReader([first], {"Checks": rest}), FakeEmbedder(dim=256)).answer(question)
    cut = Answerer(RankedRetriever([first]), FakeEmbedder(dim=256)).answer(question)

    assert "- disk space for checkpoints\n- a write to the shared store\n- the NCCL all-reduce test [1]" in (
        read_on.answer
    )
    assert "Later prose" not in read_on.answer
    assert "preflight checks: [1]" in cut.answer


def test_an_answer_ending_in_a_code_block_cites_it_after_the_closing_fence() -> None:
    hit = ranked_hit(
        "TF32",
        "To turn TF32 on in PyTorch for matmuls and cuDNN, set these two flags:\n\n"
        "```\ntorch.backends.cuda.matmul.allow_tf32 = True\ntorch.backends.cudnn.allow_tf32 = True\n```\n",
    )
    result = Answerer(RankedRetriever([hit]), FakeEmbedder(dim=256)).answer(
        "Which PyTorch flags turn TF32 on for matmuls and cuDNN?"
    )
    assert "torch.backends.cudnn.allow_tf32 = True\n```\n[1]\n" in result.answer
    assert "``` [1]" not in result.answer
