"""The interviewer's own overhead per turn, and tokens and cost per 45-minute interview.

Run: `python bench/turn_overhead.py [--turns 60]` (about a minute; it indexes the shipped notes once
into a temporary data folder).

1. Overhead per turn, excluding the LLM: a session on the OpenAI-engine path whose chat model is a
   `FunctionLLM` with no latency, so everything measured is the interviewer's own work: note
   retrieval (the real hybrid index over `knowledge/`), prompt building, token counting and history
   trimming (real tiktoken encodings), key-point coverage (the offline grader on MiniLM) and saving
   to SQLite. Also the offline engine's turn. Turns that end a phase (and so run the grader) are
   reported apart. Target: p95 < 30 ms.
2. Tokens and estimated cost of a 45-minute interview (40 candidate turns, eight per phase) on a
   small and a large model, with history trimming on (3,000-token budget) and off. Prompt tokens are
   counted with the model's real encoding on exactly what was sent; the grader's five phase calls are
   estimated from its real prompt with a 400-token verdict.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from interviewer.config import Settings
from interviewer.content.questions import QuestionBank
from interviewer.content.rubrics import RubricSet
from interviewer.grading.llm_grader import build_grader_messages
from interviewer.grading.offline import OfflineGrader
from interviewer.interview.engine import Engine, token_counter
from interviewer.interview.interviewer import FallbackInterviewer, LLMInterviewer, OfflineInterviewer
from interviewer.interview.paraphrase import ParaphraseGuard
from interviewer.interview.session import InterviewSession
from interviewer.llm.prompts import PromptLibrary
from interviewer.llm.protocol import Usage
from interviewer.llm.tokens import TokenCounter, estimate_cost
from interviewer.notes.embeddings import MiniLMEmbedder
from interviewer.phases import PHASES
from interviewer.store.sessions import SessionStore
from interviewer.testing import FakeClock, FunctionLLM

# The model's turns vary, as a real model's do: the reply gate holds back a sentence said a third time.
_SUBJECTS = (
    "the ranking service",
    "the profile store",
    "the candidate generator",
    "the cache",
    "the feature pipeline",
    "the gateway",
)
_ASPECTS = (
    "the evening peak",
    "a regional outage",
    "a cold cache",
    "a new video",
    "a slow dependency",
    "a bad model push",
)
REPLIES = [f"Okay. How would {s} handle {a}?" for a in _ASPECTS for s in _SUBJECTS]
OPENING = "Welcome. Let's design the videos on a user's YouTube home page. Where would you like to start?"
ANSWERS = [
    "So I'd start by pinning down what we optimise. I think long-term watch time is better than clicks, "
    "because clicks reward clickbait, and I'd keep satisfaction surveys as a guardrail.",
    "For scale, with 500 million daily actives and maybe five home page loads each, that's 2.5 billion "
    "requests a day, so about 29K a second on average and roughly 50K at the evening peak.",
    "The API needs to come back in about 200 milliseconds, so ranking a thousand candidates has to fit in "
    "about 100, which means the candidates themselves should mostly come from a cache.",
    "Um, for new users with no history I'd show popular and trending videos per region, and keep an "
    "exploration slot so new uploads get some impressions and we learn about them.",
    "I'd split it into candidate generation and ranking. Candidate generation narrows a billion videos to "
    "about a thousand, using a two-tower model and an approximate nearest neighbour index.",
    "Features come from a feature store that both training and serving read, so we avoid training and "
    "serving skew, and the watch events stream through Kafka into the profile store within minutes.",
    "If the ranking service is down, we fall back to the cached candidate list or popular videos, so the "
    "page is never empty, which matters because an empty page counts as an outage.",
    "To cut cost I'd cache each user's list for five minutes; at a 60 percent hit rate, 50K QPS becomes "
    "about 20K that reach the backends, so the ranking fleet shrinks by more than half.",
]


class Timers:
    def __init__(self) -> None:
        self.spent: dict[str, float] = {}

    @contextmanager
    def time(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.spent[name] = self.spent.get(name, 0.0) + time.perf_counter() - start

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            with self.time(name):
                return fn(*args, **kwargs)

        return wrapped


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def build(
    settings: Settings,
    model: str,
    *,
    trim: bool,
    retrieve: Callable[[str], list[str]] | None,
    grader: OfflineGrader,
    counter: TokenCounter,
    timers: Timers | None = None,
    llm: bool = True,
    paraphrases: ParaphraseGuard | None = None,
) -> tuple[Engine, FunctionLLM]:
    said = itertools.count()

    def reply(call: Any) -> str:
        if "state the problem" in call.last_user:
            return OPENING
        return REPLIES[next(said) % len(REPLIES)]

    chat = FunctionLLM(reply, model=model)

    def trimmer(messages: list[Any], budget: int) -> list[Any]:
        return counter.trim(messages, budget, model)

    def count(text: str) -> int:
        return counter.count(text, model)

    if timers is not None:
        trimmer = timers.wrap("token counting + trimming", trimmer)
        count = timers.wrap("token counting + trimming", count)
        if retrieve is not None:
            retrieve = timers.wrap("retrieval", retrieve)
    interviewer: Any = OfflineInterviewer()
    if llm:
        inner = LLMInterviewer(
            chat,
            PromptLibrary(settings.prompts_dir),
            retrieve=retrieve,
            trim=trimmer if trim else None,
            paraphrases=paraphrases,
        )
        if timers is not None:
            inner.messages = timers.wrap("prompt building (incl. retrieval, trimming)", inner.messages)  # type: ignore[method-assign]
        interviewer = FallbackInterviewer(inner, OfflineInterviewer())
    engine = Engine(
        name="openai" if llm else "offline",
        interviewer=interviewer,
        grader=grader,
        offline_grader=grader,
        count_tokens=count,
        chats=(chat,) if llm else (),
    )
    return engine, chat


def overhead(
    settings: Settings,
    bank: QuestionBank,
    grader: OfflineGrader,
    counter: TokenCounter,
    retrieve: Callable[[str], list[str]],
    turns: int,
    *,
    llm: bool,
    paraphrases: ParaphraseGuard | None = None,
) -> list[float]:
    timers = Timers()
    engine, _ = build(
        settings,
        "gpt-4o-mini",
        trim=True,
        retrieve=retrieve,
        grader=grader,
        counter=counter,
        timers=timers,
        llm=llm,
        paraphrases=paraphrases,
    )
    if paraphrases is not None:
        paraphrases.findings = timers.wrap("paraphrase check", paraphrases.findings)  # type: ignore[method-assign]
    if llm:
        engine.coverage = timers.wrap("key-point coverage", engine.coverage)  # type: ignore[method-assign]
    store = SessionStore(settings.home / f"bench-{'llm' if llm else 'offline'}.db")
    store.append_turn = timers.wrap("saving", store.append_turn)  # type: ignore[method-assign]
    question = bank.get("youtube-recommendations")
    per_turn: list[float] = []
    phase_end: list[float] = []
    openings: list[float] = []

    def open_session() -> InterviewSession:
        started = time.perf_counter()
        s = InterviewSession.create(question, engine, store, clock=FakeClock(), minutes=60)
        s.start()
        openings.append((time.perf_counter() - started) * 1000)
        return s

    session = open_session()
    for i in range(turns):
        if session.done or session.state == "wrap_up":
            session = open_session()
        start = time.perf_counter()
        reply = session.submit(ANSWERS[i % len(ANSWERS)])
        took = (time.perf_counter() - start) * 1000
        (phase_end if reply.grade is not None else per_turn).append(took)
    name = "LLM path (FunctionLLM, 0 ms)" if llm else "offline engine"
    if llm:
        name += ", reply gate with the paraphrase check" if paraphrases else ", reply gate without it"
    print(f"\n### Overhead per turn: {name}, {len(per_turn)} turns (+{len(phase_end)} phase-end turns)\n")
    print("| measure | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|")
    print(
        f"| whole turn | {statistics.median(per_turn):.1f} | {pct(per_turn, 0.95):.1f} | {max(per_turn):.1f} |"
    )
    if phase_end:
        print(
            f"| phase-end turn (incl. offline grading) | {statistics.median(phase_end):.1f} | "
            f"{pct(phase_end, 0.95):.1f} | {max(phase_end):.1f} |"
        )
    print(
        f"| opening turn (first one fetches guidance for all phases) | {openings[0]:.1f} | "
        f"{max(openings):.1f} | {max(openings):.1f} |"
    )
    total = len(per_turn) + len(phase_end)
    print(
        "\nMean time per turn by part (ms):",
        ", ".join(f"{k}: {v * 1000 / total:.1f}" for k, v in sorted(timers.spent.items())),
    )
    return per_turn


def tokens_and_cost(
    settings: Settings,
    bank: QuestionBank,
    grader: OfflineGrader,
    counter: TokenCounter,
    retrieve: Callable[[str], list[str]],
) -> None:
    question = bank.get("youtube-recommendations")
    rubrics = RubricSet.load(settings.knowledge_dir)
    grader_prompt = PromptLibrary(settings.prompts_dir).get("grader")
    print("\n### Tokens and estimated cost of one 45-minute interview (40 candidate turns)\n")
    print("| model | history trimming | calls | prompt tokens | completion tokens | est. cost (USD) |")
    print("|---|---|---|---|---|---|")
    for model in ("gpt-4o-mini", "gpt-4o"):
        for trim in (True, False):
            engine, chat = build(
                settings, model, trim=trim, retrieve=retrieve, grader=grader, counter=counter
            )
            store = SessionStore(settings.home / f"cost-{model}-{trim}.db")
            session = InterviewSession.create(question, engine, store, clock=FakeClock(), minutes=45)
            session.start()
            answers_by_phase: dict[str, list[str]] = {}
            for phase in PHASES:
                for i in range(8):
                    if session.phase != phase:
                        break
                    text = ANSWERS[(PHASES.index(phase) * 3 + i) % len(ANSWERS)] + f" (point {i})"
                    answers_by_phase.setdefault(phase, []).append(text)
                    session.submit(text)
                # stay eight turns in each phase: move on by hand only when the phase has not advanced
                if session.phase == phase:
                    session.next_phase()
            usages = [
                Usage(model, counter.count_messages(call.messages, model), counter.count(REPLIES[0], model))
                for call in chat.calls
            ]
            for phase, answers in answers_by_phase.items():
                messages = build_grader_messages(
                    grader_prompt,
                    question,
                    phase,
                    rubrics.for_phase(phase),  # type: ignore[arg-type]
                    "\n\n".join(answers),
                )
                usages.append(Usage(model, counter.count_messages(messages, model), 400))
            cost = estimate_cost(usages)
            usd = f"{cost.total_usd:.4f}" if cost.total_usd is not None else "unpriced"
            print(
                f"| {model} | {'on (3,000)' if trim else 'off'} | {len(usages)} | {cost.prompt_tokens:,} | "
                f"{cost.completion_tokens:,} | {usd} |"
            )
    print(f"\nPrices as of {cost.as_of} (src/interviewer/llm/data/prices.yaml).")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=60)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="interviewer-bench-"))
    settings = Settings(home=home, engine="offline")
    bank = QuestionBank.load(settings.knowledge_dir)
    embedder = MiniLMEmbedder()
    grader = OfflineGrader(embedder, RubricSet.load(settings.knowledge_dir))
    counter = token_counter(settings)
    from interviewer.notes.index import NotesIndex

    index = NotesIndex(settings, embedder)
    started = time.perf_counter()
    index.ensure_synced()
    print(f"Indexed the shipped notes in {time.perf_counter() - started:.1f} s (set-up, not per turn).")

    def retrieve(query: str) -> list[str]:
        return [r.text for r in index.search(query, k=3)]

    # warm-up: encodings, the model session and the key-point embeddings load once per process
    question = bank.get("youtube-recommendations")
    for phase in PHASES:
        grader.coverage(question, phase, ANSWERS[0])
    retrieve("warm up")
    counter.count("warm up", "gpt-4o-mini")
    counter.count("warm up", "gpt-4o")
    guard = ParaphraseGuard(embedder)
    without = overhead(settings, bank, grader, counter, retrieve, args.turns, llm=True)
    with_check = overhead(settings, bank, grader, counter, retrieve, args.turns, llm=True, paraphrases=guard)
    print(
        f"\nThe paraphrase check in the reply gate, same run: ordinary LLM turn p50 "
        f"{statistics.median(without):.1f} -> {statistics.median(with_check):.1f} ms, p95 "
        f"{pct(without, 0.95):.1f} -> {pct(with_check, 0.95):.1f} ms "
        f"(x{statistics.median(with_check) / statistics.median(without):.2f} at p50)"
    )
    overhead(settings, bank, grader, counter, retrieve, args.turns, llm=False)
    tokens_and_cost(settings, bank, grader, counter, retrieve)
    return 0


if __name__ == "__main__":
    sys.exit(main())
