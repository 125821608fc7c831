"""The browser app's speed: first render, a typed turn's overhead, offline transcription of a 30 s answer.

Run: `python bench/app.py` (a few minutes: it indexes the shipped notes once, with the real MiniLM
embedder, into a temporary data folder unless `--home` names one that is already indexed).

1. First render: `streamlit run app.py` on a free loopback port, then the time from opening the page
   in Chromium to the start screen's title being visible. "Cold" is the first page of a freshly
   started server (it imports the library and loads the question bank); "warm" is a new tab later.
2. A typed turn's overhead, excluding the LLM, two ways:
   - In Chromium, against `streamlit run app.py` on the offline engine (which has no LLM: its
     interviewer reads the answer and phrases the reply itself, embedding the answer with MiniLM to
     check which key points it covers). One turn is the time from the Enter key to the reply on screen
     with the app idle again, measured in the page. This is what a candidate waits for. Only the
     conversation fragment reruns for an ordinary answer; turns that end a phase redraw the page and
     are reported apart.
   - Through the app script with `AppTest`, on the LLM engine with a `FunctionLLM` that answers at
     once, the real MiniLM embedder and the real SQLite store: the server-side cost of the whole
     script. `AppTest` always reruns the whole script (it has no fragment reruns), and, unlike
     `streamlit run`, it compiles the page scripts again on every run; the main row keeps their
     bytecode between runs as the server does, and a second row shows `AppTest` as it comes.
   The view-model alone (the session's work and the data the page draws) is reported too.
   Target: p95 < 50 ms.
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
    from interviewer.notes.index import NotesIndex

    started = time.perf_counter()
    NotesIndex(Settings(home=home, engine="offline")).ensure_synced()
    return time.perf_counter() - started


# -- 1. first render ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(home: Path, script: Path = REPO / "app.py") -> tuple[subprocess.Popen[bytes], str]:
    """`streamlit run` from the repository (so with its `.streamlit/config.toml`), offline."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env.update(INTERVIEWER_HOME=str(home), INTERVIEWER_ENGINE="offline", HF_HUB_OFFLINE="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
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


def typed_turns(home: Path, turns: int, *, cache_scripts: bool = True) -> tuple[list[float], list[float]]:
    """Typed turns through the whole app script in `AppTest`: (ordinary turns, turns that end a phase)."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import AppTest, app_test

    from interviewer.testing import FunctionLLM
    from interviewer.web.workbench import OVERRIDES_KEY, WORKBENCH_KEY, Overrides

    os.environ["INTERVIEWER_HOME"] = str(home)
    shipped = app_test.ScriptCache
    if cache_scripts:
        # `streamlit run` compiles each page script once per server; AppTest makes a new cache per run.
        scripts = ScriptCache()
        app_test.ScriptCache = lambda: scripts  # type: ignore[assignment,misc]
    llm = FunctionLLM(lambda call: "Okay. What numbers would you put on that?")
    plain: list[float] = []
    grading: list[float] = []
    at = None
    try:
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
    finally:
        app_test.ScriptCache = shipped  # type: ignore[misc]
    return plain, grading


# In the page: resolves with the milliseconds from the next Enter key to the reply on screen, with the
# app idle and nothing stale, once the chat has grown by the answer and the reply.
TURN_TIMER = """() => {
    const count = () => document.querySelectorAll('[data-testid="stChatMessage"]').length;
    const phases = () => [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
        .filter(e => e.innerText.startsWith('— Phase:')).length;
    const before = count(), phasesBefore = phases();
    let started = null;
    window.__turn = new Promise(resolve => {
        document.addEventListener('keydown', e => { if (e.key === 'Enter') started = performance.now(); },
                                  {capture: true, once: true});
        const done = () => {
            if (started === null || count() < before + 2) return false;
            if (!document.querySelector('[data-test-script-state="notRunning"]')) return false;
            if (document.querySelector('[data-stale="true"]')) return false;
            resolve([performance.now() - started, phases() > phasesBefore]);
            return true;
        };
        const watch = new MutationObserver(() => { if (done()) watch.disconnect(); });
        watch.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
    });
}"""


# The framework's floor: the same chat layout (a fragment with the chat and its input) with nothing behind
# it, so the reply is an echo.
MINIMAL_CHAT = """
import streamlit as st

st.title("A minimal chat")


@st.fragment
def conversation():
    said = st.session_state.setdefault("said", [])
    log = st.container(height=460, border=False)
    typed = st.chat_input("Your answer, or a clarifying question")
    with log:
        for i, text in enumerate(said):
            with st.chat_message("user" if i % 2 == 0 else "assistant"):
                st.markdown(text)
        if typed:
            said += [typed, f"You said: {typed}"]
            for role, text in zip(("user", "assistant"), said[-2:]):
                with st.chat_message(role):
                    st.markdown(text)


conversation()
"""


def browser_turns(home: Path, turns: int, *, minimal: bool = False) -> tuple[list[float], list[float]]:
    """Typed turns in Chromium against `streamlit run`, offline engine: (ordinary, ending a phase).

    With `minimal`, the turns go to `MINIMAL_CHAT` instead of the app.
    """
    from playwright.sync_api import sync_playwright

    plain: list[float] = []
    grading: list[float] = []
    script = REPO / "app.py"
    if minimal:
        script = home / "minimal_chat.py"
        script.write_text(MINIMAL_CHAT, encoding="utf-8")
    proc, url = _serve(home, script)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
            page = None
            warm_up = False
            while len(plain) + len(grading) < turns:
                if page is None or page.get_by_text("Hiring signal").count():
                    page = browser.new_page(viewport={"width": 1400, "height": 1000})
                    page.goto(url)
                    if not minimal:
                        page.get_by_role("button", name="Start the interview").click()
                    page.get_by_placeholder("Your answer, or a clarifying question").wait_for(timeout=60_000)
                    if not plain and not grading:
                        page.wait_for_timeout(5_000)  # the server's background warm-up ends first
                    warm_up = True
                box = page.get_by_placeholder("Your answer, or a clarifying question")
                answer = ANSWERS[(len(plain) + len(grading)) % len(ANSWERS)]
                box.fill(f"{answer} ({len(plain) + len(grading)})")
                page.evaluate(TURN_TIMER)
                box.press("Enter")
                ms, ended_phase = page.evaluate("window.__turn")
                page.wait_for_timeout(700)  # a redraw after a phase change finishes before the next turn
                if warm_up:  # the first answer of a page is not counted, as in `typed_turns`
                    warm_up = False
                    continue
                (grading if ended_phase else plain).append(ms / 1000)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return plain, grading


def viewmodel_turns(home: Path, turns: int) -> list[float]:
    """The same turns through the view-model alone: the session's work plus the data the page draws."""
    from interviewer.config import Settings
    from interviewer.testing import FunctionLLM
    from interviewer.web.workbench import Overrides, Shared, Workbench

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
    from interviewer.voice.speech import PiperSpeaker, WhisperTranscriber

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
    parser.add_argument("--skip-voice", action="store_true", help="leave out the transcription")
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
        plain, ended = browser_turns(home, args.turns)
        ms = [t * 1000 for t in plain]
        rows.append(
            f"| Typed turn in Chromium, offline engine, Enter to reply on screen (n={len(ms)}) | "
            f"p50 {percentile(ms, 0.5):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms | p95 < 50 ms |"
        )
        if ended:
            em = [t * 1000 for t in ended]
            rows.append(
                f"| Typed turn in Chromium that ends a phase (grading, page redrawn, n={len(em)}) | "
                f"p50 {percentile(em, 0.5):.0f} ms, max {max(em):.0f} ms | |"
            )
        floor, _ = browser_turns(home, args.turns, minimal=True)
        fm = [t * 1000 for t in floor]
        rows.append(
            f"| The same in a minimal Streamlit chat that echoes (the framework's floor, n={len(fm)}) | "
            f"p50 {percentile(fm, 0.5):.0f} ms, p95 {percentile(fm, 0.95):.0f} ms | |"
        )
    plain, grading = typed_turns(home, args.turns)
    ms = [t * 1000 for t in plain]
    rows.append(
        f"| Typed turn through the whole app script, without the LLM (n={len(ms)}) | "
        f"p50 {percentile(ms, 0.5):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms | p95 < 50 ms |"
    )
    raw, _ = typed_turns(home, args.turns, cache_scripts=False)
    rm = [t * 1000 for t in raw]
    rows.append(
        f"| The same in `AppTest` as it comes, compiling the page scripts every run (n={len(rm)}) | "
        f"p50 {percentile(rm, 0.5):.0f} ms, p95 {percentile(rm, 0.95):.0f} ms | |"
    )
    vm = [t * 1000 for t in viewmodel_turns(home, args.turns)]
    rows.append(
        f"| Typed turn in the view-model and session alone (n={len(vm)}) | p50 {percentile(vm, 0.5):.0f} ms, "
        f"p95 {percentile(vm, 0.95):.0f} ms | |"
    )
    if grading:
        gm = [t * 1000 for t in grading]
        rows.append(
            f"| Typed turn through the app script that ends a phase (grading, n={len(gm)}) | "
            f"p50 {percentile(gm, 0.5):.0f} ms, max {max(gm):.0f} ms | |"
        )
    if not args.skip_voice:
        duration, load, times, text = transcription(home, args.repeats)
        rows.append(f"| Whisper-base load (once per process) | {load:.1f} s | |")
        rows.append(
            f"| Offline transcription of a {duration:.0f} s answer (n={len(times)}) | "
            f"median {statistics.median(times):.1f} s | < 5 s |"
        )
    print(f"Data folder: {home}; {os.cpu_count()} CPU(s)\n")
    print("| Measure | Result | Target |\n|---|---|---|")
    print("\n".join(rows))
    if not args.skip_voice:
        print(f"\nTranscript: {text}")


if __name__ == "__main__":
    main()
