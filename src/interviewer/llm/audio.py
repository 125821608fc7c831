"""`OpenAIAudio`: speech to text and text to speech on an OpenAI-compatible server."""

from __future__ import annotations

import time
from collections.abc import Callable

from interviewer.config import Settings
from interviewer.llm.breaker import AUDIO_BREAKER, CircuitBreaker
from interviewer.llm.openai_client import Transport


class OpenAIAudio:
    """Speech to text and text to speech on the same server, with the same faults as the chat model."""

    def __init__(
        self,
        settings: Settings,
        *,
        breaker: CircuitBreaker | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._settings = settings
        self._transport = Transport(settings, breaker or AUDIO_BREAKER, sleep)

    def __repr__(self) -> str:
        return f"OpenAIAudio(server={self._transport.where!r})"

    def transcribe(self, audio: bytes, filename: str) -> str:
        """The text spoken in `audio` (any format the server accepts, named by `filename`'s extension)."""
        model = self._settings.transcribe_model
        result = self._transport.call(
            lambda: self._transport.client.audio.transcriptions.create(model=model, file=(filename, audio)),
            model=model,
        )
        return str(getattr(result, "text", result)).strip()

    def speak(self, text: str) -> bytes:
        """`text` read aloud, as WAV bytes."""
        model = self._settings.tts_model
        response = self._transport.call(
            lambda: self._transport.client.audio.speech.create(
                model=model,
                voice=self._settings.tts_voice,
                input=text,
                response_format="wav",
            ),
            model=model,
        )
        return bytes(response.content)
