"""The engine's fault paths: a failing LLM grader, a failing notes index, and how the engine is chosen."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from interviewer.config import Settings
from interviewer.content.questions import Question
from interviewer.errors import ConfigError, LLMRateLimited, LLMUnavailable
from interviewer.grading.grade import Grade
from interviewer.interview.engine import build_engine, notes_retriever
from interviewer.interview.interviewer import FallbackInterviewer, OfflineInterviewer
from interviewer.phases import Phase
from interviewer.testing import FakeEmbedder, FakeLLM, KeywordGrader, keyword_engine, tiny_question

ANSWER = "We should optimise watch time, not clicks, because clicks reward clickbait."


class FailingGrader:
    """An LLM grader whose server is down: every call raises."""

    def __init__(self) -> None:
        self.calls = 0

    def grade(self, question: Question, phase: Phase, answer: str) -> Grade:
        self.calls += 1
        raise LLMUnavailable("the grader timed out; check OPENAI_BASE_URL")

    def grade_communication(
        self, answers: Sequence[str], delivery: object | None = None, *, question_id: str = ""
    ) -> Grade:
        self.calls += 1
        raise LLMRateLimited("rate limited; wait a minute", retry_after=60)


def test_a_failing_llm_grader_falls_back_to_the_offline_grade_and_says_why() -> None:
    offline = KeywordGrader()
    engine = keyword_engine(grader=offline)
    engine.grader = FailingGrader()
    question = tiny_question()

    grade = engine.grade(question, "requirements", ANSWER)

    expected = offline.grade(question, "requirements", ANSWER)
    assert grade.score == expected.score
    assert grade.grader == "llm+offline-fallback"
    assert grade.flags[-1] == "This grade is the offline grader's: the model server could not be reached."
    assert grade.fallback_reason == "unavailable"
    assert "OPENAI_BASE_URL" not in " ".join([*grade.flags, grade.feedback])


def test_a_failing_communication_grade_falls_back_to_the_offline_one() -> None:
    engine = keyword_engine()
    failing = FailingGrader()
    engine.grader = failing

    grade = engine.grade_communication(tiny_question(), [ANSWER])

    assert failing.calls == 1
    assert grade is not None and grade.phase == "communication"
    assert grade.question_id == "video-recs"


def test_without_any_communication_grader_there_is_no_communication_grade() -> None:
    engine = keyword_engine()

    class PhaseOnly:
        def grade(self, question: Question, phase: Phase, answer: str) -> Grade:
            return KeywordGrader().grade(question, phase, answer)

    engine.grader = engine.offline_grader = PhaseOnly()  # type: ignore[assignment]
    assert engine.grade_communication(tiny_question(), [ANSWER]) is None


def test_the_notes_retriever_gives_up_quietly_after_the_index_fails(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    class BrokenEmbedder(FakeEmbedder):
        def embed(self, texts: Sequence[str]) -> np.ndarray:
            raise RuntimeError("embedding model missing")

    retrieve = notes_retriever(settings, BrokenEmbedder(dim=32))
    with caplog.at_level("WARNING", logger="interviewer.interview.engine"):
        assert retrieve("feature store") == []
        assert retrieve("feature store") == []
    warnings = [r for r in caplog.records if "notes index is unavailable" in r.getMessage()]
    assert len(warnings) == 1


def test_the_notes_retriever_returns_text_from_the_shipped_notes(settings: Settings) -> None:
    retrieve = notes_retriever(settings, FakeEmbedder(dim=64), k=2)
    texts = retrieve("feature store training serving skew")
    assert len(texts) == 2
    assert all(isinstance(t, str) and t for t in texts)


def test_the_offline_engine_says_why_it_was_chosen(settings: Settings) -> None:
    engine = build_engine(settings, offline_grader=KeywordGrader())
    assert engine.name == "offline"
    assert isinstance(engine.interviewer, OfflineInterviewer)
    assert engine.chats == ()
    assert engine.reason == "chosen explicitly (offline)"
    assert engine.rubrics is not None


def test_a_supplied_chat_model_gets_the_llm_engine_with_the_offline_fallback(settings: Settings) -> None:
    chat = FakeLLM([], model="chat-model")
    engine = build_engine(settings, chat=chat, offline_grader=KeywordGrader(), retrieve=lambda q: [])
    assert engine.name == "openai"
    assert isinstance(engine.interviewer, FallbackInterviewer)
    assert engine.reason == "a chat model was supplied directly"
    assert engine.chats == (chat,)


def test_usage_is_counted_only_for_calls_after_the_mark(settings: Settings) -> None:
    chat = FakeLLM(["first reply", "second reply"], model="chat-model")
    engine = build_engine(settings, chat=chat, offline_grader=KeywordGrader(), retrieve=lambda q: [])
    chat.complete([{"role": "user", "content": "one"}])
    mark = engine.usage_mark()
    chat.complete([{"role": "user", "content": "two"}])
    since = engine.usage_since(mark)
    assert len(since) == 1 and since[0].model == "chat-model"


def test_asking_for_the_openai_engine_without_a_key_names_the_fix(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", engine="openai")
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        build_engine(settings, offline_grader=KeywordGrader())


class EmbeddingGrader(KeywordGrader):
    """A keyword grader that carries an embedder, as the offline grader does."""

    def __init__(self) -> None:
        super().__init__()
        self.embedder = FakeEmbedder(dim=128)
        self.embedded: list[str] = []
        embed = self.embedder.embed

        def counting(texts: Sequence[str]) -> np.ndarray:
            self.embedded.extend(texts)
            return embed(texts)

        self.embedder.embed = counting  # type: ignore[method-assign]


def test_the_engine_measures_closeness_in_meaning_with_the_graders_embedder_and_remembers_it() -> None:
    grader = EmbeddingGrader()
    engine = keyword_engine()
    engine.offline_grader = grader
    same = engine.similarity("how much traffic do we get", "how much traffic do we get")
    other = engine.similarity("how much traffic do we get", "who pays for the servers")
    assert same == pytest.approx(1.0, abs=1e-5)
    assert other < same
    engine.similarity("how much traffic do we get", "who pays for the servers")
    assert grader.embedded.count("how much traffic do we get") == 1  # embedded once, then remembered


def test_without_an_embedder_closeness_in_meaning_is_zero_and_keywords_decide() -> None:
    assert keyword_engine().similarity("how much traffic", "how much traffic") == 0.0
