"""Which engine a browser tab runs on, and why: the operator's allowed choices, the key or server that makes
OpenAI usable, the daily model budget, and the engine a saved interview continues on.

`Workbench` mixes this in; it supplies the settings, the overrides, the shared resources, its engine cache,
its limits and its notices.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from interviewer.config import ENGINE_CHOICES, EngineChoice, Settings
from interviewer.errors import ConfigError
from interviewer.web.display import EngineInfo, NoticeLevel
from interviewer.web.limits import UserLimits
from interviewer.web.shared import Overrides, Shared

if TYPE_CHECKING:
    from interviewer.interview.engine import Engine
    from interviewer.interview.session import InterviewSession
    from interviewer.llm.protocol import ChatModel
    from interviewer.store.sessions import SessionRecord

CONTINUES_OFFLINE = "this interview was started on the offline engine, so it continues on it"
CONTINUES_OPENAI = "this interview was started on the OpenAI engine, so it continues on it"
OPENAI_GONE = "this interview used the OpenAI engine, but no key or server is configured now"
BUDGET_SPENT = "the daily model budget is used up, so the offline engine carries on"


class Engines:
    """The engine choices of one tab."""

    settings: Settings
    overrides: Overrides
    shared: Shared
    engine_choice: EngineChoice
    limits: UserLimits
    session: InterviewSession | None
    _engines: dict[EngineChoice, Engine]

    def notify(self, level: NoticeLevel, text: str) -> None:
        raise NotImplementedError

    def engines(self) -> list[EngineChoice]:
        """The engine choices the operator allows (`INTERVIEWER_ENGINES`), in the start screen's order."""
        allowed = [c for c in ENGINE_CHOICES if c in self.settings.engines]
        return allowed or ["offline"]

    def engine_info(self, choice: EngineChoice | None = None) -> EngineInfo:
        choice = choice or self.engine_choice
        if choice not in self.engines() and choice != "offline":  # offline stays the fallback of every engine
            names = ", ".join(self.engines())
            return EngineInfo(
                choice, None, "not offered here", f"this app offers only these engines: {names}"
            )
        if self.overrides.chat is not None and choice != "offline":
            return EngineInfo(choice, "openai", "a chat model was supplied directly")
        settings = self.settings.model_copy(update={"engine": choice})
        try:
            return EngineInfo(choice, settings.resolved_engine, settings.engine_reason)
        except ConfigError as err:
            return EngineInfo(choice, None, settings.engine_reason, str(err))

    def _engine(self, choice: EngineChoice) -> Engine:
        engine = self._engines.get(choice)
        if engine is None:
            info = self.engine_info(choice)
            if info.problem:
                raise ConfigError(info.problem)
            from interviewer.interview.engine import build_engine

            settings = self.settings.model_copy(update={"engine": choice})
            engine = build_engine(
                settings,
                embedder=self.shared.embedder,
                chat=self.overrides.chat if info.name == "openai" else None,
                grader_chat=self.overrides.grader_chat if info.name == "openai" else None,
                offline_grader=self.shared.grader,
                retrieve=self.shared.guidance,
            )
            self._engines[choice] = engine
        return engine

    def _answer_chat(self) -> ChatModel | None:
        """The model that phrases answers from the notes: the injected one, OpenAI, or none (offline, also
        once the user's daily model budget is spent)."""
        if self.limits.budget().exhausted:
            return None
        if self.overrides.chat is not None:
            return self.overrides.chat
        if self.engine_info().name != "openai":
            return None
        from interviewer.llm.openai_client import make_chat_model

        return make_chat_model(self.settings.model_copy(update={"engine": self.engine_choice}), "chat")

    def _within_budget(self, engine: Engine) -> Engine:
        """`engine`, or the offline one once the user's daily model budget is spent (said once)."""
        if engine.name != "openai":
            return engine
        budget = self.limits.budget()
        if not budget.exhausted:
            return engine
        self.notify("warning", budget.notice())
        return replace(self._engine("offline"), reason=BUDGET_SPENT)

    def _engine_for_record(self, record: SessionRecord) -> Engine:
        """The engine a saved interview continues on, with the reason it is in use now.

        The engine this tab would choose (Automatic unless the user picked one) carries its own reason when
        it is the engine the interview ran on; otherwise the interview keeps its engine, and the reason says so.
        """
        current = self.engine_info(self.engine_choice)
        if current.problem is None and current.name == record.engine:
            return self._engine(self.engine_choice)
        if record.engine == "offline":
            return replace(self._engine("offline"), reason=CONTINUES_OFFLINE)
        if self.engine_info("openai").problem is None:
            return replace(self._engine("openai"), reason=CONTINUES_OPENAI)
        self.notify(
            "warning",
            "This interview used the OpenAI engine, but no key or server is configured now, "
            "so it continues on the offline engine.",
        )
        return replace(self._engine("offline"), reason=OPENAI_GONE)

    def engine_line(self) -> tuple[str, str]:
        """The engine this tab runs on, and why, for the sidebar."""
        if self.session is not None:
            engine = self.session.engine
            return engine.name, engine.reason or self.settings.engine_reason
        info = self.engine_info()
        return info.name or "unavailable", info.problem or info.reason
