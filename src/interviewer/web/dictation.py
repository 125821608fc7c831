"""Answering by voice in the browser: a recording becomes a draft to correct, with its delivery figures,
and the interviewer's replies can be read aloud.

`Dictation` is one browser tab's voice state. The speech models (`interviewer.voice.speech`) load on first use,
offline or through OpenAI as the settings say, unless a test supplies its own.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from interviewer.errors import InterviewerError

if TYPE_CHECKING:
    from collections.abc import Callable

    from interviewer.config import Settings
    from interviewer.grading.delivery import Delivery
    from interviewer.voice.speech import Speaker, Transcriber

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VoiceDraft:
    """A transcribed recording, waiting for the candidate to correct and send it."""

    digest: str
    text: str
    seconds: float
    engine: str


@dataclass(frozen=True)
class DeliveryFigures:
    words: int
    seconds: float
    words_per_minute: float | None
    fillers: int
    fillers_per_minute: float | None
    pace: str
    delivery: Delivery


def delivery_figures(text: str, seconds: float) -> DeliveryFigures:
    """How a (corrected) spoken answer was delivered, from its words and the recording's length."""
    from interviewer.grading.delivery import measure

    d = measure(text, seconds=seconds if seconds > 0 else None, spoken=True)
    minutes = seconds / 60.0 if seconds > 0 else 0.0
    return DeliveryFigures(
        words=d.words,
        seconds=seconds,
        words_per_minute=d.words_per_minute,
        fillers=d.filler_count,
        fillers_per_minute=round(d.filler_count / minutes, 1) if minutes else None,
        pace=d.pace,
        delivery=d,
    )


class Dictation:
    """One tab's recordings and read-aloud replies.

    `round` counts the spoken answers sent, so the page can offer a fresh recorder after each one.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        transcriber: Transcriber | None = None,
        speaker: Speaker | None = None,
        notify: Callable[[str], None] = lambda text: None,
    ) -> None:
        self.settings = settings
        self.read_aloud = False
        self.round = 0
        self.draft: VoiceDraft | None = None
        self._transcriber = transcriber
        self._speaker = speaker
        self._notify = notify
        self._speech: str | None = None

    def transcribe(self, audio: bytes, filename: str = "answer.wav") -> VoiceDraft:
        """Transcribe a recording once; the same recording again returns the same draft."""
        digest = hashlib.sha256(audio).hexdigest()[:16]
        if self.draft is not None and self.draft.digest == digest:
            return self.draft
        if self._transcriber is None:
            from interviewer.voice.speech import make_transcriber

            self._transcriber = make_transcriber(self.settings)
        transcript = self._transcriber.transcribe(audio, filename)
        self.draft = VoiceDraft(digest, transcript.text, transcript.duration_s, transcript.engine)
        return self.draft

    def delivery(self, text: str, seconds: float) -> DeliveryFigures:
        return delivery_figures(text, seconds)

    def sent(self) -> None:
        """The draft went out as an answer: clear it and offer a fresh recorder."""
        self.draft = None
        self.round += 1

    def clear(self) -> None:
        self.draft = None
        self._speech = None

    def queue(self, text: str) -> None:
        """Keep an interviewer reply to read aloud, when reading aloud is on."""
        if self.read_aloud and text:
            self._speech = text

    @property
    def waiting(self) -> bool:
        return self._speech is not None

    def take_speech(self) -> bytes | None:
        """The last interviewer reply read aloud, once, when reading aloud is on."""
        text, self._speech = self._speech, None
        if not text or not self.read_aloud:
            return None
        if self._speaker is None:
            from interviewer.voice.speech import make_speaker

            self._speaker = make_speaker(self.settings)
        try:
            return self._speaker.speak(text)
        except InterviewerError as err:
            log.warning("could not read the reply aloud: %s", err)
            self._notify(f"Could not read the reply aloud: {err}")
            return None
