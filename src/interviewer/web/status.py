"""What the Settings and status page and the sidebar show: the engine and why, the models, whether a key
is set (never the key), the data and notes folders, the circuit breaker, and this interview's tokens and cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from interviewer.config import redact_url

if TYPE_CHECKING:
    from interviewer.config import Settings
    from interviewer.grading.report import UsageSummary
    from interviewer.llm.breaker import BreakerState


@dataclass(frozen=True)
class Status:
    engine: str
    engine_reason: str
    interviewer: str
    grader: str
    base_url: str | None
    key_set: bool
    data_folder: str
    notes_folders: tuple[str, ...]
    voice: str
    session_id: str | None
    usage: UsageSummary | None
    breaker: BreakerState
    breaker_notice: str | None


def breaker_notice(breaker: BreakerState) -> str | None:
    """Why the app runs offline for now, and until when; None while the model server is trusted."""
    if breaker.status != "open" or breaker.until is None:
        return None
    return (
        "The model server keeps failing or does not answer, so the app runs on the offline engine until "
        f"{breaker.until:%H:%M:%S}."
    )


OFFLINE_INTERVIEWER = (
    "the offline engine's own interviewer (questions, probes and hints from the question bank)"
)
OFFLINE_GRADER = (
    "the offline engine's own grader (key-point coverage against the rubrics, with MiniLM embeddings)"
)


def model_lines(settings: Settings, engine: str) -> tuple[str, str]:
    """What interviews and what grades: the configured models on the OpenAI engine, else the offline
    engine's own strategies (the configured model names are not in use then, so they are not shown)."""
    if engine == "openai":
        return f"`{settings.chat_model}`", f"`{settings.grader_model}`"
    return OFFLINE_INTERVIEWER, OFFLINE_GRADER


def voice_line(settings: Settings, engine: str) -> str:
    if engine == "openai" and settings.has_key:
        return f"OpenAI ({settings.transcribe_model}, {settings.tts_model}), offline when it fails"
    return "offline: faster-whisper (whisper-base) and piper (joe)"


def build_status(
    settings: Settings,
    *,
    engine: str,
    reason: str,
    breaker: BreakerState,
    notes_folders: Sequence[str] = (),
    session_id: str | None = None,
    usage: UsageSummary | None = None,
) -> Status:
    interviewer, grader = model_lines(settings, engine)
    return Status(
        engine=engine,
        engine_reason=reason,
        interviewer=interviewer,
        grader=grader,
        base_url=redact_url(settings.openai_base_url) if settings.openai_base_url else None,
        key_set=settings.has_key,
        data_folder=str(settings.home),
        notes_folders=tuple(notes_folders),
        voice=voice_line(settings, engine),
        session_id=session_id,
        usage=usage,
        breaker=breaker,
        breaker_notice=breaker_notice(breaker),
    )
