"""Offline speech speed: transcribing a ~30 s spoken answer, and speaking a ~3 s sentence.

The answer is spoken by piper (the packaged voice), then transcribed by whisper-base (faster-whisper,
CPU int8, greedy, VAD filter), both after their models have loaded. Each timing is the median of
`--repeats` runs; the word error rate of the transcript against the script is reported too.

    python bench/voice.py
    python bench/voice.py --repeats 3 --threads 2
"""

from __future__ import annotations

import argparse
import io
import re
import resource
import statistics
import tempfile
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from interviewer.config import Settings
from interviewer.voice.speech import PiperSpeaker, WhisperTranscriber

T = TypeVar("T")

# Written as whisper writes it (numerals, US spelling), so the error rate counts real mistakes only.
ANSWER = (
    "For the requirements, I would first ask who the users are and what we optimize for. "
    "Let's say we want to rank a home feed for 50 million daily users, with a latency budget "
    "of about 200 milliseconds. Offline, I would track normalized discounted cumulative gain, "
    "and online, the click-through rate and time spent. For the architecture, I would use two stages: "
    "a retrieval model finds a few hundred candidates in an approximate nearest neighbor index, "
    "and a gradient boosted ranker scores them with fresh features from the feature store."
)
SHORT = "Good. Let us move on to the deep dive on the ranking model."


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


def seconds_of(wav_bytes: bytes) -> float:
    with wave.open(io.BytesIO(wav_bytes)) as wav:
        return wav.getnframes() / wav.getframerate()


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(repeats: int, action: Callable[[], T]) -> tuple[float, float, T]:
    """Median wall time, median CPU time (all threads) and the result of `repeats` runs after a warm-up."""
    walls: list[float] = []
    cpus: list[float] = []
    result = action()
    for _ in range(repeats):
        cpu, started = cpu_seconds(), time.perf_counter()
        result = action()
        walls.append(time.perf_counter() - started)
        cpus.append(cpu_seconds() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--threads", type=int, default=None, help="whisper CPU threads (default: cores, at most 4)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home), engine="offline")
        speaker = PiperSpeaker(settings)
        transcriber = WhisperTranscriber(settings, threads=args.threads)
        started = time.perf_counter()
        speaker.load()
        piper_load = time.perf_counter() - started
        started = time.perf_counter()
        transcriber.load()
        whisper_load = time.perf_counter() - started

        tts_s, tts_cpu, short_wav = timed(args.repeats, lambda: speaker.speak(SHORT))
        answer_wav = speaker.speak(ANSWER)
        stt_s, stt_cpu, transcript = timed(args.repeats, lambda: transcriber.transcribe(answer_wav))

    audio_s = seconds_of(answer_wav)
    print(
        f"Model load (first use, including assembling the whisper weights): piper {piper_load:.2f} s, "
        f"whisper {whisper_load:.2f} s. Median of {args.repeats} runs.\n"
    )
    print("| task | audio (s) | wall time (s) | CPU time (s) | real-time factor |")
    print("|---|---:|---:|---:|---:|")
    print(
        f"| speak a short sentence (piper) | {seconds_of(short_wav):.1f} | {tts_s:.2f} | {tts_cpu:.2f} "
        f"| {tts_s / seconds_of(short_wav):.2f} |"
    )
    print(
        f"| transcribe a spoken answer (whisper-base) | {audio_s:.1f} | {stt_s:.2f} | {stt_cpu:.2f} "
        f"| {stt_s / audio_s:.2f} |"
    )
    print(
        f"\nWord error rate of the transcript: {word_error_rate(ANSWER, transcript.text):.1%} "
        f"({len(words(ANSWER))} words)."
    )


if __name__ == "__main__":
    main()
