"""What the Settings and status page and the sidebar show: the engine and why, the models, whether a key
is set (never the key), the data and notes folders, the circuit breaker, and this interview's tokens and cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from interviewer.config import Settings
    from interviewer.grading.report import UsageSummary
    from interviewer.llm.breaker import BreakerState


@dataclass(frozen=True)
class Status:
    engine: str
    engine_reason: str
    chat_model: str
    grader_model: str
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
    return Status(
        engine=engine,
        engine_reason=reason,
        chat_model=settings.chat_model,
        grader_model=settings.grader_model,
        base_url=settings.openai_base_url,
        key_set=settings.has_key,
        data_folder=str(settings.home),
        notes_folders=tuple(notes_folders),
        voice=voice_line(settings, engine),
        session_id=session_id,
        usage=usage,
        breaker=breaker,
        breaker_notice=breaker_notice(breaker),
    )
