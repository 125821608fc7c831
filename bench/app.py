"""The browser app's speed: first render, a typed turn's overhead, offline transcription of a 30 s answer.

Run: `python bench/app.py` (a few minutes: it indexes the shipped notes once, with the real MiniLM
embedder, into a temporary data folder unless `--home` names one that is already indexed).

1. First render: `streamlit run app.py` on a free loopback port, then the time from opening the page
   in Chromium to the start screen's title being visible. "Cold" is the first page of a freshly
   started server (it imports the library and loads the question bank); "warm" is a new tab later.
2. A typed turn's overhead, excluding the LLM: the app script driven by `AppTest`, on the LLM engine
   with a `FunctionLLM` that answers at once, the real MiniLM embedder and the real SQLite store. One
   turn is everything from submitting the chat input to the redrawn page: the run that streams the
   reply and the rerun that redraws the timeline, chat and feedback. Turns that end a phase (and so
   run the grader) are reported apart. Target: p95 < 50 ms.
3. Offline transcription of a ~30 s spoken answer (piper speaks it, whisper-base transcribes it),
   after the model has loaded. Target: < 5 s.

Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ANSWERS = [
    "I'd like to clarify the scale first: how many daily users, and what latency do we need?",
    "Let's optimise long-term watch time rather than clicks, because clicks reward clickbait.",
    "With 500 million daily users and five page loads each, that is about 29K requests per second.",
    "I'd use candidate generation from several sources, then a ranking model over a few hundred items.",
    "Features come from a feature store shared by training and serving, so they cannot drift apart.",
    "The ranker is a gradient-boosted model trained on watch logs, with watch time as the label.",
    "If ranking fails we fall back to popular videos, and we alert when click-through drops.",
    "A result cache with a 60% hit rate halves the load, and serving autoscales with traffic.",
]
SPOKEN = (
    "For the requirements, I would first ask who the users are and what we optimize for. Let's say we "
    "want to rank a home feed for 50 million daily users, with a latency budget of about 200 milliseconds. "
    "Offline, I would track normalized discounted cumulative gain, and online, the click-through rate and "
    "time spent. For the architecture, I would use two stages: a retrieval model finds a few hundred "
    "candidates in an approximate nearest neighbor index, and a gradient boosted ranker scores them."
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def prepare_home(home: Path) -> float:
    """Index the shipped notes with the real embedder (skipped when already indexed). Returns seconds."""
    from interviewer.config import Settings
    from interviewer.index import NotesIndex

    started = time.perf_counter()
    NotesIndex(Settings(home=home, engine="offline")).ensure_synced()
    return time.perf_counter() - started


# -- 1. first render ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(home: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env.update(INTERVIEWER_HOME=str(home), INTERVIEWER_ENGINE="offline", HF_HUB_OFFLINE="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("streamlit did not start")


def first_render(home: Path, cold_runs: int, warm_runs: int) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    cold: list[float] = []
    warm: list[float] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        for run in range(cold_runs):
            proc, url = _serve(home)
            try:
                for tab in range(1 + (warm_runs if run == 0 else 0)):
                    page = browser.new_page()
                    started = time.perf_counter()
                    page.goto(url)
                    page.get_by_text("Practise an ML system-design interview").wait_for(timeout=60_000)
                    (cold if tab == 0 else warm).append(time.perf_counter() - started)
                    page.close()
            finally:
                proc.terminate()
                proc.wait(timeout=10)
        browser.close()
    return cold, warm


# -- 2. a typed turn -------------------------------------------------------------------------------------


def typed_turns(home: Path, turns: int) -> tuple[list[float], list[float]]:
    from streamlit.testing.v1 import AppTest

    from interviewer.testing import FunctionLLM
    from interviewer.webapp import OVERRIDES_KEY, WORKBENCH_KEY, Overrides

    os.environ["INTERVIEWER_HOME"] = str(home)
    llm = FunctionLLM(lambda call: "Okay. What numbers would you put on that?")
    plain: list[float] = []
    grading: list[float] = []
    at = None
    while len(plain) + len(grading) < turns:
        if at is None or at.session_state[WORKBENCH_KEY].session.done:
            at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
            at.session_state[OVERRIDES_KEY] = Overrides(chat=llm)
            at.run()
            at.selectbox(key="question-pick").set_value("youtube-recommendations")
            next(b for b in at.button if b.label == "Start the interview").click().run()
            at.chat_input[0].set_value(ANSWERS[0]).run()  # warm-up: loads the embedder
        wb = at.session_state[WORKBENCH_KEY]
        answer = ANSWERS[(len(plain) + len(grading)) % len(ANSWERS)]
        graded_before = len(wb.session.grades)
        started = time.perf_counter()
        at.chat_input[0].set_value(answer).run()
        took = time.perf_counter() - started
        assert not at.exception, at.exception
        (grading if len(wb.session.grades) > graded_before else plain).append(took)
        if len(plain) % 6 == 5:
            next(b for b in at.button if b.label == "Next phase").click().run()
    return plain, grading


def viewmodel_turns(home: Path, turns: int) -> list[float]:
    """The same turns through the view-model alone: the session's work plus the data the page draws."""
    from interviewer.config import Settings
    from interviewer.testing import FunctionLLM
    from interviewer.webapp import Overrides, Shared, Workbench

    shared = Shared.build(Settings(home=home))
    llm = FunctionLLM(lambda call: "Okay. What numbers would you put on that?")
    times: list[float] = []
    wb = None
    while len(times) < turns:
        if wb is None or wb.session is None or wb.session.done:
            wb = Workbench(shared, Overrides(chat=llm))
            "".join(wb.start("youtube-recommendations", 60))
            "".join(wb.submit(ANSWERS[0]))
        answer = ANSWERS[len(times) % len(ANSWERS)] + f" ({len(times)})"
        started = time.perf_counter()
        live = wb.submit(answer)
        "".join(live)
        if live.reply.ended_phase is None:
            wb.chat(), wb.timeline(), wb.feedback(), wb.status(with_usage=False), wb.take_notices()
            times.append(time.perf_counter() - started)
    return times


# -- 3. transcription -------------------------------------------------------------------------------------


def transcription(home: Path, repeats: int) -> tuple[float, float, list[float], str]:
    from interviewer.config import Settings
    from interviewer.voice import PiperSpeaker, WhisperTranscriber

    settings = Settings(home=home, engine="offline")
    audio = PiperSpeaker(settings).speak(SPOKEN)
    transcriber = WhisperTranscriber(settings)
    started = time.perf_counter()
    transcriber.load()
    load = time.perf_counter() - started
    times = []
    text = ""
    duration = 0.0
    for _ in range(repeats):
        started = time.perf_counter()
        transcript = transcriber.transcribe(audio)
        times.append(time.perf_counter() - started)
        text, duration = transcript.text, transcript.duration_s
    return duration, load, times, text


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--home", type=Path, help="a data folder (default: a new temporary one)")
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument("--cold", type=int, default=2, help="server starts for the cold first render")
    parser.add_argument("--warm", type=int, default=5, help="new tabs for the warm first render")
    parser.add_argument("--repeats", type=int, default=3, help="transcriptions of the 30 s answer")
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="interviewer-bench-"))
    indexing = prepare_home(home)
    rows = [f"| Index the shipped notes (once, MiniLM) | {indexing:.1f} s | |"]
    if not args.skip_browser:
        cold, warm = first_render(home, args.cold, args.warm)
        rows.append(
            f"| First render, cold server (n={len(cold)}) | median {statistics.median(cold):.2f} s, "
            f"max {max(cold):.2f} s | < 3 s |"
        )
        rows.append(
            f"| First render, new tab (n={len(warm)}) | median {statistics.median(warm):.2f} s, "
            f"max {max(warm):.2f} s | < 3 s |"
        )
    plain, grading = typed_turns(home, args.turns)
    ms = [t * 1000 for t in plain]
    rows.append(
        f"| Typed turn through the app script, without the LLM (n={len(ms)}) | p50 {percentile(ms, 0.5):.0f} ms, "
        f"p95 {percentile(ms, 0.95):.0f} ms | p95 < 50 ms |"
    )
    vm = [t * 1000 for t in viewmodel_turns(home, args.turns)]
    rows.append(
        f"| Typed turn in the view-model and session alone (n={len(vm)}) | p50 {percentile(vm, 0.5):.0f} ms, "
        f"p95 {percentile(vm, 0.95):.0f} ms | |"
    )
    if grading:
        gm = [t * 1000 for t in grading]
        rows.append(
            f"| Typed turn that ends a phase (grading, n={len(gm)}) | p50 {percentile(gm, 0.5):.0f} ms, "
            f"max {max(gm):.0f} ms | |"
        )
    duration, load, times, text = transcription(home, args.repeats)
    rows.append(f"| Whisper-base load (once per process) | {load:.1f} s | |")
    rows.append(
        f"| Offline transcription of a {duration:.0f} s answer (n={len(times)}) | "
        f"median {statistics.median(times):.1f} s | < 5 s |"
    )
    print(f"Data folder: {home}; {os.cpu_count()} CPU(s)\n")
    print("| Measure | Result | Target |\n|---|---|---|")
    print("\n".join(rows))
    print(f"\nTranscript: {text}")


if __name__ == "__main__":
    main()
