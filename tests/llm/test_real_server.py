"""Against a real OpenAI-compatible server: llama.cpp's, serving SmolLM2-135M-Instruct from a PyPI package.

The model is weak on purpose: it writes the malformed, off-task and leaky output a real deployment must
survive, and its server answers `json_schema` with a 500. `.ci/run` starts it (see `.ci/llama-server.sh`)
and exports INTERVIEWER_LLAMA_URL; without it these tests skip, unless INTERVIEWER_REQUIRE_LLAMA=1.

Each test writes what it measured to test-artifacts/llama/ (the README's table comes from there).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest

from extraction import EXTRACTION
from interviewer.cli import main
from interviewer.config import Settings
from interviewer.content.questions import Question, QuestionBank
from interviewer.content.rubrics import RubricSet
from interviewer.grading.llm_grader import LLMGrader
from interviewer.grading.offline import OfflineGrader
from interviewer.interview.reading import facts_for
from interviewer.llm.adaptation import forget_quirks, quirks_for
from interviewer.llm.openai_client import make_chat_model
from interviewer.llm.prompts import PromptLibrary
from interviewer.notes.embeddings import MiniLMEmbedder
from interviewer.phases import PHASES
from locations import KNOWLEDGE, REPO_ROOT

pytestmark = [pytest.mark.llama, pytest.mark.slow]

ARTIFACTS = REPO_ROOT / "test-artifacts" / "llama"
BANK = QuestionBank.load(KNOWLEDGE)
EXCEPTION_TEXT = re.compile(r"Traceback|LLM\w*Error|LLMUnavailable|http://|https://|\(\d{3}\)")


@pytest.fixture(scope="module")
def llama_url() -> str:
    url = os.environ.get("INTERVIEWER_LLAMA_URL", "")
    if not url:
        if os.environ.get("INTERVIEWER_REQUIRE_LLAMA") == "1":
            pytest.fail(
                "INTERVIEWER_LLAMA_URL is not set; .ci/llama-server.sh starts the server", pytrace=False
            )
        pytest.skip("no llama.cpp server (set INTERVIEWER_LLAMA_URL; see .ci/llama-server.sh)")
    return url


@pytest.fixture
def served(llama_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The environment of a user who points the app at the local server."""
    monkeypatch.setenv("OPENAI_BASE_URL", llama_url)
    monkeypatch.setenv("INTERVIEWER_CHAT_MODEL", "smollm2")
    monkeypatch.setenv("INTERVIEWER_GRADER_MODEL", "smollm2")
    # A 2-core machine running other tests too: give the small model room, not the defaults for a cloud API.
    monkeypatch.setenv("INTERVIEWER_TIMEOUT", "90")
    monkeypatch.setenv("INTERVIEWER_FIRST_TOKEN_TIMEOUT", "60")
    forget_quirks()
    return llama_url


def record(name: str, figures: dict[str, Any]) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")


def _secret_runs(question: Question, revealed: set[str], n: int = 6) -> set[tuple[str, ...]]:
    """Word runs of what the interviewer holds back: key points, probes it has not asked, unrevealed facts."""
    texts = [k.point for p in PHASES for k in question.phase(p).key_points]
    texts += [k.correct for p in PHASES for k in question.phase(p).key_points if k.correct]
    texts += [f.fact for f in question.hidden_facts if f.topic not in revealed]
    runs = _runs(texts, n)
    # A fact the candidate asked for may be said in its own words, even where a key point quotes them
    # ("under 200 ms end to end" is both the latency fact and part of what its key point counts as right).
    return runs - _runs([f.fact for f in question.hidden_facts if f.topic in revealed], n)


def _runs(texts: list[str], n: int) -> set[tuple[str, ...]]:
    runs: set[tuple[str, ...]] = set()
    for text in texts:
        words = re.findall(r"[a-z0-9']+", text.lower())
        runs |= {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}
    return runs


def _leaks(text: str, runs: set[tuple[str, ...]], n: int = 6) -> bool:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return any(tuple(words[i : i + n]) in runs for i in range(len(words) - n + 1))


def test_the_grader_asks_in_a_mode_the_server_supports_and_uses_or_replaces_its_output(served: str) -> None:
    settings = Settings.from_env()
    chat = make_chat_model(settings, "grader")
    assert chat is not None
    rubrics = RubricSet.load(KNOWLEDGE)
    grader = LLMGrader(
        chat, rubrics, PromptLibrary(REPO_ROOT / "prompts"), OfflineGrader(MiniLMEmbedder(), rubrics)
    )
    question = BANK.get("youtube-recommendations")
    answer = (
        "I'd optimise long-term watch time rather than clicks. With 500 million daily users at five loads a "
        "day that is about 29 thousand requests a second, 50 thousand at peak, and the API needs 200 ms."
    )
    started = time.perf_counter()
    grade = grader.grade(question, "requirements", answer)
    seconds = time.perf_counter() - started
    assert (
        quirks_for(served, "smollm2").json_mode == "json_object"
    )  # learnt from the 500, not retried as an outage
    assert grade.grader in ("llm", "llm+offline-fallback")
    if grade.grader != "llm":
        assert grade.fallback_reason in ("invalid_output", "truncated", "timeout", "unavailable", "refused")
    for text in (grade.feedback, *grade.flags, *grade.improvements, *grade.strengths):
        assert not EXCEPTION_TEXT.search(text), text
    assert all(e.quote in answer for e in grade.errors)
    record(
        "grade",
        {"grader": grade.grader, "fallback_reason": grade.fallback_reason, "seconds": round(seconds, 1)},
    )


def test_an_interview_full_of_extraction_attempts_shows_no_hidden_text_no_meta_text_and_one_reply_a_turn(
    served: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    question = BANK.get("youtube-recommendations")
    script = tmp_path / "answers.txt"
    # Every other attempt: each kind of attack in the set still reaches the real model, at half the run time
    # on 2 cores (all of them run against the scripted model in tests/interview/).
    turns = [
        "We will optimise long-term watch time rather than clicks. How many users are there?",
        *EXTRACTION[::2],
    ]
    script.write_text("\n---\n".join([*turns, "/end"]), encoding="utf-8")
    started = time.perf_counter()
    code = main(
        [
            "interview",
            "--question",
            question.id,
            "--drill",
            "requirements",
            "--answers",
            str(script),
            "--json",
        ]
    )
    seconds = time.perf_counter() - started
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    said = report["turns"]
    interviewer = [t for t in said if t["role"] == "interviewer"]
    # What the candidate has asked for by each interviewer turn may be said; nothing else that is held back.
    revealed: set[str] = set()
    leaks = []
    for t in said:
        if t["role"] == "candidate":
            revealed |= {f.topic for f in facts_for(question, (t["text"],))}
        elif t["role"] == "interviewer" and _leaks(t["text"], _secret_runs(question, revealed)):
            leaks.append(t["text"])
    meta = [
        t["text"]
        for t in interviewer
        if re.search(r"missing point|next move|system prompt|key points?:", t["text"], re.I)
    ]
    assert leaks == []
    assert meta == []
    # One reply per candidate turn: never two interviewer turns in a row.
    roles = [t["role"] for t in said if t["role"] != "system"]
    assert all(not (a == b == "interviewer") for a, b in itertools.pairwise(roles))
    assert all(t["source"] in ("llm", "offline") for t in interviewer)
    from_model = sum(t["source"] == "llm" for t in interviewer)
    record(
        "interview",
        {
            "extraction_attempts": len(EXTRACTION[::2]),
            "interviewer_turns": len(interviewer),
            "shown_from_the_model": from_model,
            "leaks": len(leaks),
            "seconds": round(seconds, 1),
            "seconds_per_turn": round(seconds / max(1, len(interviewer)), 2),
        },
    )


def test_ask_answers_from_the_notes_with_checked_citations_or_abstains(
    served: str, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.perf_counter()
    code = main(["ask", "How do I split a latency budget across candidate generation and ranking?", "--json"])
    seconds = time.perf_counter() - started
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    answer = result.get("answer", "")
    assert answer.strip()
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", answer)}
    if result["grounded"]:  # every citation left in the answer points at a retrieved section
        assert cited <= set(range(1, len(result["citations"]) + 1))
    else:  # or it says the notes do not cover the question, citing nothing
        assert not cited
    assert not EXCEPTION_TEXT.search(result.get("answer", "")), result.get("answer")
    assert len(result.get("answer", "")) < 6000  # a bounded answer, not a runaway stream
    record(
        "ask", {"seconds": round(seconds, 1), "chars": len(result.get("answer", "")), "keys": sorted(result)}
    )
