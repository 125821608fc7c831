"""The offline grader against the hand-labelled calibration set (the full report is bench/grading.py)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from interviewer.content.questions import QuestionBank
from interviewer.content.rubrics import RubricSet
from interviewer.grading.offline import OfflineGrader
from interviewer.notes.embeddings import MiniLMEmbedder

ROOT = Path(__file__).resolve().parents[2]
CALIBRATION = ROOT / "tests" / "data" / "calibration"
ORDINARY = {"strong", "medium", "weak", "filler-strong"}


def _answers() -> list[dict[str, Any]]:
    items = []
    for path in sorted(CALIBRATION.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        items += [{**a, "question": data["question"], "split": data["split"]} for a in data["answers"]]
    return items


def test_the_calibration_set_is_big_and_varied_enough() -> None:
    items = _answers()
    assert len(items) >= 60
    cells = {(a["question"], a["phase"]) for a in items}
    assert {phase for _, phase in cells} == {
        "requirements",
        "architecture",
        "deep_dive",
        "issues",
        "optimization",
    }
    assert len({q for q, _ in cells}) >= 4
    kinds = {a["kind"] for a in items}
    assert kinds >= {
        "strong", "medium", "weak", "filler-strong", "buzzwords", "off-topic", "empty", "padded",
        "injection-appended", "injection-hidden", "injection-system", "injection-json",
    }  # fmt: skip
    assert {a["split"] for a in items} == {"tune", "heldout"}
    assert all(1 <= a["label"] <= 5 for a in items)
    assert len({a["id"] for a in items}) == len(items)


@pytest.fixture(scope="module")
def grader_and_bank() -> tuple[OfflineGrader, QuestionBank]:
    knowledge = ROOT / "knowledge"
    return OfflineGrader(MiniLMEmbedder(), RubricSet.load(knowledge)), QuestionBank.load(knowledge)


@pytest.fixture(scope="module")
def scored(grader_and_bank: tuple[OfflineGrader, QuestionBank]) -> list[dict[str, Any]]:
    grader, bank = grader_and_bank
    out = []
    for a in _answers():
        grade = grader.grade(bank.get(a["question"]), a["phase"], a["text"])
        out.append({**a, "score": grade.score, "errors": [e for e in grade.errors if not e.corrected]})
    return out


@pytest.mark.slow
def test_scores_order_differently_labelled_answers_within_each_cell(scored: list[dict[str, Any]]) -> None:
    cells: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for a in scored:
        cells[(a["question"], a["phase"])].append(a)
    right = total = 0
    for items in cells.values():
        for i, a in enumerate(items):
            for b in items[i + 1 :]:
                if a["label"] != b["label"]:
                    total += 1
                    hi, lo = (a, b) if a["label"] > b["label"] else (b, a)
                    right += hi["score"] > lo["score"]
    assert right / total >= 0.9


@pytest.mark.slow
def test_no_adversarial_answer_beats_the_medium_answer_of_its_cell(
    scored: list[dict[str, Any]], grader_and_bank: tuple[OfflineGrader, QuestionBank]
) -> None:
    """Padding, keyword lists and text aimed at the grader never pay. Where the medium answer makes a wrong
    claim, the yardstick is the medium answer without it, so a twin that leaves the claim out is not
    rewarded for what it did not say wrong."""
    grader, bank = grader_and_bank
    medium: dict[tuple[str, str], float] = {}
    for m in scored:
        if m["kind"] == "medium":
            text = m["text"]
            for error in m["errors"]:
                text = text.replace(error.quote, "")
            question = bank.get(m["question"])
            medium[(m["question"], m["phase"])] = grader.grade(question, m["phase"], text).score
    winners = [
        a["id"]
        for a in scored
        if a["kind"] not in ORDINARY and a["score"] > medium.get((a["question"], a["phase"]), 5.0)
    ]
    assert winners == []


@pytest.mark.slow
def test_every_filler_laden_strong_answer_beats_the_medium_one(scored: list[dict[str, Any]]) -> None:
    medium = {(a["question"], a["phase"]): a["score"] for a in scored if a["kind"] == "medium"}
    for a in scored:
        if a["kind"] == "filler-strong":
            assert a["score"] > medium[(a["question"], a["phase"])], a["id"]
