"""Speech fakes: a transcriber that returns a scripted transcript and a speaker that returns silence.

Both record what they were given, so tests assert on what the app sent to them.
"""

from __future__ import annotations

import io
import wave

from interviewer.errors import VoiceError
from interviewer.voice.speech import Transcript


class FakeTranscriber:
    """Returns `text` as the transcript of any recording, as if it lasted `duration_s` seconds."""

    def __init__(self, text: str, duration_s: float = 10.0) -> None:
        self.text = text
        self.duration_s = duration_s
        self.calls: list[tuple[bytes, str]] = []

    def transcribe(self, audio: bytes, filename: str = "answer.wav") -> Transcript:
        self.calls.append((audio, filename))
        if not audio:
            raise VoiceError("the recording is empty; record your answer again")
        return Transcript(text=self.text, duration_s=self.duration_s, engine="offline")


def silent_wav(seconds: float = 0.2, rate: int = 16_000) -> bytes:
    """A mono 16-bit WAV of silence."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(b"\0\0" * int(seconds * rate))
    return buffer.getvalue()


class FakeSpeaker:
    """Returns a short silent WAV for any text, and records every text it was asked to read."""

    def __init__(self) -> None:
        self.spoken: list[str] = []

    def speak(self, text: str) -> bytes:
        if not text.strip():
            raise VoiceError("there is no text to read aloud")
        self.spoken.append(text)
        return silent_wav()
