"""Whether the notes cover a question: decided by its salient terms and the evidence, not word overlap alone."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from interviewer.config import Settings
from interviewer.notes.ask import ABSTAIN, Answerer
from interviewer.notes.chunking import Chunk
from interviewer.notes.coverage import Coverage, assess, subject_words
from interviewer.notes.index import NotesIndex
from interviewer.notes.lexical import lexical_tokens
from interviewer.notes.results import Hit
from interviewer.testing import FakeEmbedder

SECTIONS = {
    "Batch vs streaming": (
        "Batch processing runs over a bounded data set on a schedule; streaming processes each event as it "
        "arrives, so results are fresher but the pipeline must handle late and out-of-order events."
    ),
    "Locality-sensitive hashing": (
        "Locality-sensitive hashing puts similar vectors in the same bucket with high probability, so an "
        "approximate nearest-neighbour search only compares a query with the vectors of its buckets."
    ),
    "Caching": "A cache keeps hot rows in memory. Cached entries expire after a time-to-live.",
    "Retries": "A failed job can be retried from the start, or only its failed records can be run again.",
    "Queues": "A queue decouples producers from consumers and absorbs bursts of traffic.",
    "Overfitting": (
        "A deep neural network that overfits learns the noise of its training data; more data and early "
        "stopping reduce overfitting."
    ),
    "Vector database": (
        "The vector database keeps the embedding vectors of every product description and runs a "
        "similarity search over them for each query."
    ),
    "Serving costs": "Batching requests and quantization of the weights make serving cheaper.",
}


def hit(heading: str, similarity: float = 0.5) -> Hit:
    chunk = Chunk(
        chunk_id=heading,
        source="notes.md",
        heading=heading,
        heading_path=f"notes.md › {heading}",
        start_line=1,
        content_hash="h",
        text=SECTIONS[heading],
    )
    return Hit(chunk=chunk, score=1.0, similarity=similarity, lexical=None)


def frequencies() -> tuple[Counter[str], int]:
    counts: Counter[str] = Counter()
    for heading, text in SECTIONS.items():
        counts.update(set(lexical_tokens(f"{heading} {text}")))
    return counts, len(SECTIONS)


def judge(question: str, *headings: str, similarity: float = 0.5) -> Coverage:
    counts, documents = frequencies()
    return assess(question, [hit(h, similarity) for h in headings], counts, documents)


def test_comparing_tools_the_notes_never_name_is_not_covered_by_a_section_on_the_topic() -> None:
    coverage = judge("Flink vs Spark Streaming: which one should I pick?", "Batch vs streaming")
    assert coverage.covered is False
    assert {"Flink", "Spark"} <= set(coverage.unknown_terms)


def test_consistent_hashing_is_not_covered_by_a_section_on_locality_sensitive_hashing() -> None:
    coverage = judge("How does consistent hashing place keys on nodes?", "Locality-sensitive hashing")
    assert coverage.covered is False
    assert "consistent" in coverage.missing


def test_a_paraphrase_whose_rare_terms_are_in_the_evidence_is_covered_despite_one_unknown_word() -> None:
    coverage = judge("If my job fails, can I rerun only the failed records?", "Retries", similarity=0.4)
    assert coverage.covered is True
    assert coverage.unknown_terms == ("rerun",)


def test_terms_match_across_inflections_and_spellings() -> None:
    assert "cached" not in judge("How long do cached entries live?", "Caching").missing
    assert judge("caches expiring", "Caching").missing == ()
    coverage = judge("How do I decouple producers?", "Queues")
    assert coverage.coverage == 1.0


def test_a_rare_term_the_evidence_lacks_costs_more_than_a_common_one() -> None:
    rare_missing = judge("queue bursts hashing", "Queues")
    common_missing = judge("queue bursts traffic", "Queues")
    assert rare_missing.coverage < common_missing.coverage


def test_a_tool_named_in_the_question_that_the_notes_never_mention_counts_against_coverage() -> None:
    named = judge("How does Kafka absorb bursts between producers and consumers?", "Queues", similarity=0.45)
    plain = judge(
        "How does a broker absorb bursts between producers and consumers?", "Queues", similarity=0.45
    )
    assert named.unknown_names == 1 and plain.unknown_names == 0
    assert named.support < plain.support


def test_the_subject_of_a_how_question_is_the_concept_it_asks_about() -> None:
    assert subject_words("How does product quantization compress vectors?") == ["product", "quantization"]
    assert subject_words("How is a two-tower model trained?") == ["two-tower", "model"]
    assert subject_words("How does dropout reduce overfitting?") == ["dropout", "reduce"]


def test_a_pronoun_subject_gives_way_to_the_object_only_when_asked() -> None:
    question = "How should I pick a learning-rate warmup schedule?"
    assert subject_words(question) == []
    assert subject_words(question, objects=True) == ["learning-rate", "warmup"]


def test_questions_that_do_not_ask_how_something_works_have_no_subject() -> None:
    assert subject_words("What is dropout?") == []
    assert subject_words("Why does the cache expire?") == []
    assert subject_words("How many replicas do I need?") == []


def test_a_method_the_notes_never_name_as_the_subject_is_not_covered_by_a_section_on_its_topic() -> None:
    asked = judge(
        "How does dropout reduce overfitting in a deep neural network?", "Overfitting", similarity=0.3
    )
    known = judge(
        "How does early stopping reduce overfitting in a deep neural network?", "Overfitting", similarity=0.3
    )
    assert asked.unknown_subject == 1 and asked.covered is False
    assert known.unknown_subject == 0 and known.covered is True


def test_an_unknown_word_outside_the_subject_of_a_how_question_costs_no_more_than_before() -> None:
    coverage = judge("Does dropout reduce overfitting in a deep neural network?", "Overfitting")
    assert coverage.unknown_terms == ("dropout",)
    assert coverage.unknown_subject == 0


def test_a_short_plain_word_in_the_subject_is_not_taken_for_a_method() -> None:
    coverage = judge("How are old cached entries removed?", "Caching")
    assert "old" in coverage.unknown_terms
    assert coverage.unknown_subject == 0


def test_the_object_of_a_how_should_i_question_counts_as_its_subject() -> None:
    coverage = judge("How should I pick a warmup for early stopping?", "Overfitting", similarity=0.3)
    assert coverage.unknown_subject == 1


def test_a_subject_the_notes_name_once_elsewhere_must_be_in_the_evidence() -> None:
    question = "How does product quantization compress embedding vectors for faster similarity search?"
    elsewhere = judge(question, "Vector database", similarity=0.48)
    with_it = judge(question, "Vector database", "Serving costs", similarity=0.48)
    assert elsewhere.absent_subject == 1 and elsewhere.covered is False
    assert with_it.absent_subject == 0


def test_a_common_subject_word_the_evidence_lacks_is_no_absent_subject() -> None:
    coverage = judge("How does a product search use embedding vectors?", "Vector database")
    assert coverage.absent_subject == 0


def test_a_capitalised_first_word_joined_to_a_name_counts_as_a_name() -> None:
    named = judge("Flink or Spark: which handles late events better?", "Batch vs streaming", similarity=0.35)
    plain = judge(
        "Batch or streaming: which handles late events better?", "Batch vs streaming", similarity=0.35
    )
    assert named.unknown_names == 2 and named.covered is False
    assert plain.unknown_names == 0 and plain.covered is True


def test_a_possessive_does_not_hide_a_word_the_notes_use() -> None:
    assert judge("What is the queue's job?", "Queues").unknown_terms == ()


def test_a_close_embedding_alone_does_not_cover_a_question_about_something_the_notes_never_mention() -> None:
    coverage = judge("How does Raft elect a leader?", "Queues", similarity=0.45)
    assert coverage.covered is False


def test_no_evidence_covers_nothing() -> None:
    counts, documents = frequencies()
    assert assess("How do caches expire?", [], counts, documents).covered is False


def test_the_offline_answerer_declines_a_near_topic_question_the_notes_do_not_cover(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    text = "\n\n".join(f"## {heading}\n\n{body}" for heading, body in SECTIONS.items())
    (folder / "notes.md").write_text(f"# Systems\n\n{text}\n", encoding="utf-8")
    index = NotesIndex(settings, FakeEmbedder(dim=256), [folder])
    answerer = Answerer(index, index.embedder, k=3)

    declined = answerer.answer(
        "Which engine, Flink or Spark Streaming, handles late and out-of-order events better?"
    )
    answered = answerer.answer("Which records should a failed job run again?")

    assert declined.grounded is False and declined.answer.startswith(ABSTAIN)
    assert answered.grounded is True and answered.citations[0].heading == "Retries"


class LexicalOnlyRetriever:
    """Returns hits as only the lexical searches found them: no dense similarity."""

    def __init__(self, hits: list[Hit]) -> None:
        self.hits = hits

    def retrieve(self, query: str, k: int = 5) -> list[Hit]:
        return self.hits[:k]

    def document_frequencies(self, terms: Sequence[str]) -> tuple[dict[str, int], int]:
        counts, documents = frequencies()
        return {t: counts[t] for t in terms}, documents


def test_hits_found_only_by_bm25_are_embedded_so_a_close_match_still_counts() -> None:
    lexical = Hit(chunk=hit("Retries").chunk, score=1.0, similarity=None, lexical=3.0)
    answerer = Answerer(LexicalOnlyRetriever([lexical]), FakeEmbedder(dim=256))
    question = "Can a failed job be retried from the start, or only its failed records?"

    coverage = answerer.coverage(question, [lexical])

    assert coverage.similarity > 0.5 and coverage.covered
    assert answerer.answer(question).grounded
