"""An engine: the interviewer and grader strategies of one interview, built once from `Settings`.

The OpenAI engine (any OpenAI-compatible server) uses a chat model for each strategy; the offline
engine uses templates, the offline grader and the notes. Everything above the engine is the same for
both, and the fault path is simply "this call failed, so use the offline strategy for it". The third
strategy, answering from the notes, is `answer.Answerer`, which follows the same rule.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from interviewer.config import Settings
from interviewer.content.questions import Question
from interviewer.content.rubrics import RubricSet
from interviewer.diagrams.model import Diagram
from interviewer.errors import ConfigError, LLMError
from interviewer.grading.delivery import Delivery
from interviewer.grading.diagram_grade import review_for, with_review
from interviewer.grading.diagram_match import prepare_reference
from interviewer.grading.grade import Grade, Grader, PointCoverage, offline_stand_in
from interviewer.interview.interviewer import (
    FallbackInterviewer,
    Interviewer,
    LLMInterviewer,
    OfflineInterviewer,
)
from interviewer.llm.prompts import PromptLibrary
from interviewer.llm.protocol import ChatModel, Usage
from interviewer.phases import Phase
from interviewer.store.sessions import EngineName

log = logging.getLogger(__name__)

Retrieve = Callable[[str], list[str]]
HISTORY_BUDGET = 3_000


@dataclass
class Engine:
    """The strategies one interview uses. `grader` may be an LLM grader; `offline_grader` never is."""

    name: EngineName
    interviewer: Interviewer
    grader: Grader
    offline_grader: Grader
    rubrics: RubricSet | None = None
    count_tokens: Callable[[str], int] = field(default=lambda text: len(text.split()))
    chats: Sequence[ChatModel] = ()
    reason: str = ""

    def prepare(self, question: Question) -> None:
        """Warm the grader for `question` (key-point embeddings), so the first answer is as fast as the rest."""
        prepare = getattr(self.offline_grader, "prepare", None)
        if prepare is not None:
            prepare(question)
        if question.reference_design is not None:
            prepare_reference(
                question.reference_design.components, getattr(self.offline_grader, "embedder", None)
            )

    def coverage(self, question: Question, phase: Phase, answer: str) -> list[PointCoverage]:
        """Key-point coverage for choosing the next probe. Always offline: it runs on every turn."""
        return self.offline_grader.coverage(question, phase, answer)

    def grade(
        self, question: Question, phase: Phase, answer: str, *, diagram: Diagram | None = None
    ) -> Grade:
        """Grade `answer`; with a `diagram` (whose sentences the answer already holds), the review of the
        drawing adjusts the grade (see `grading.diagram_grade`)."""
        try:
            grade = self.grader.grade(question, phase, answer)
        except LLMError as err:
            log.warning("grading fell back to the offline grader: %s", type(err).__name__)
            grade = offline_stand_in(self.offline_grader.grade(question, phase, answer), err)
        if diagram is None:
            return grade
        review = review_for(question, diagram, getattr(self.offline_grader, "embedder", None))
        return with_review(grade, phase, review, self.rubrics)

    def grade_communication(
        self, question: Question, answers: list[str], delivery: Delivery | None = None
    ) -> Grade | None:
        """The cross-cutting communication grade over all the answers, when the grader offers one.

        `delivery` carries measured pace and fillers of spoken answers; without it the text is measured.
        """
        for grader in (self.grader, self.offline_grader):
            method = getattr(grader, "grade_communication", None)
            if method is None:
                continue
            try:
                return method(answers, delivery, question_id=question.id)
            except LLMError as err:
                log.warning("communication grading fell back: %s", type(err).__name__)
        return None

    def breaker_until(self) -> datetime | None:
        """When the model server is tried again, while a breaker keeps calls on the offline engine."""
        for chat in self.chats:
            breaker = getattr(chat, "breaker", None)
            until = breaker.opens_until if breaker is not None else None
            if until is not None:
                return until
        return None

    def usage_mark(self) -> tuple[int, ...]:
        return tuple(len(c.usage) for c in self.chats)

    def usage_since(self, mark: tuple[int, ...]) -> list[Usage]:
        out: list[Usage] = []
        for chat, start in zip(self.chats, mark, strict=False):
            out.extend(chat.usage[start:])
        return out


def notes_retriever(settings: Settings, embedder: Any = None, k: int = 3) -> Retrieve:
    """A `retrieve(query)` over the indexed notes, built on first use; it returns [] if the index fails."""
    state: dict[str, Any] = {}

    def retrieve(query: str) -> list[str]:
        if "failed" in state:
            return []
        try:
            if "index" not in state:
                from interviewer.notes.index import NotesIndex  # heavy; only when a turn needs guidance

                if embedder is None:
                    from interviewer.notes.embeddings import MiniLMEmbedder

                    state["index"] = NotesIndex(settings, MiniLMEmbedder())
                else:
                    state["index"] = NotesIndex(settings, embedder)
            return [r.text for r in state["index"].search(query, k=k)]
        except Exception as exc:  # guidance is optional; the interview must go on without it
            log.warning("the notes index is unavailable (%s); the interviewer continues without it", exc)
            state["failed"] = True
            return []

    return retrieve


def token_counter(settings: Settings) -> Any:
    from interviewer.llm.tokens import TokenCounter

    return TokenCounter.from_settings(settings)


def build_engine(
    settings: Settings,
    *,
    embedder: Any = None,
    chat: ChatModel | None = None,
    grader_chat: ChatModel | None = None,
    retrieve: Retrieve | None = None,
    offline_grader: Grader | None = None,
) -> Engine:
    """The engine `settings` asks for. Pass fakes for any strategy's dependencies in tests.

    A `chat` model passed in always gets the LLM engine, even when `settings` alone would be offline
    (the app's tests inject a fake model this way).
    """
    counter = token_counter(settings)
    model = settings.chat_model

    def count(text: str) -> int:
        return counter.count(text, model)

    rubrics = RubricSet.load(settings.knowledge_dir)
    if offline_grader is None:
        from interviewer.grading.offline import OfflineGrader

        if embedder is None:
            from interviewer.notes.embeddings import MiniLMEmbedder

            embedder = MiniLMEmbedder()
        offline_grader = OfflineGrader(embedder, rubrics)
    name: EngineName = "openai" if chat is not None else settings.resolved_engine
    if name == "offline":
        return Engine(
            name="offline",
            interviewer=OfflineInterviewer(),
            grader=offline_grader,
            offline_grader=offline_grader,
            rubrics=rubrics,
            count_tokens=count,
            reason=settings.engine_reason,
        )

    from interviewer.llm.openai_client import make_chat_model

    chat = chat or make_chat_model(settings, "chat", live=True)
    grader_chat = grader_chat or make_chat_model(settings, "grader", live=True)
    prompts = PromptLibrary(settings.prompts_dir)
    retrieve = retrieve or notes_retriever(settings, embedder)

    def trim(messages: list[Any], budget: int) -> list[Any]:
        return counter.trim(messages, budget, model)

    if chat is None:
        raise ConfigError(
            "the openai engine has no chat model; set OPENAI_API_KEY or choose the offline engine"
        )
    llm = LLMInterviewer(
        chat,
        prompts,
        retrieve=retrieve,
        trim=trim,
        history_budget=HISTORY_BUDGET,
        budgets=settings.reply_tokens,
    )
    from interviewer.grading.llm_grader import LLMGrader
    from interviewer.grading.offline import OfflineGrader

    if grader_chat is None or not isinstance(offline_grader, OfflineGrader):
        grader: Grader = offline_grader
    else:
        grader = LLMGrader(
            grader_chat,
            rubrics,
            prompts,
            offline_grader,
            retrieve=retrieve,
            max_tokens=settings.reply_tokens.grade,
        )
    return Engine(
        name="openai",
        interviewer=FallbackInterviewer(llm, OfflineInterviewer()),
        grader=grader,
        offline_grader=offline_grader,
        rubrics=rubrics,
        count_tokens=count,
        chats=tuple(c for c in (chat, grader_chat) if c is not None),
        reason=(
            settings.engine_reason
            if settings.openai_api_key or settings.openai_base_url
            else "a chat model was supplied directly"
        ),
    )
