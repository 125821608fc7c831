"""A graded drawing beside its reference design: the statuses each picture is marked with, and the review
in words."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from interviewer.content.questions import QuestionBank
from interviewer.diagrams.mermaid import parse_mermaid
from interviewer.diagrams.reference import ReferenceDesign
from interviewer.grading.diagram import review_diagram
from interviewer.web.diagram_views import (
    CANDIDATE_TITLE,
    REFERENCE_TITLE,
    candidate_statuses,
    compare,
    reference_statuses,
)
from locations import KNOWLEDGE, TEST_DATA

BANK = QuestionBank.load(KNOWLEDGE)
DESIGN = BANK.get("youtube-recommendations").reference_design
assert isinstance(DESIGN, ReferenceDesign)


def drawing(name: str) -> str:
    return (TEST_DATA / "diagrams" / f"{name}.mmd").read_text(encoding="utf-8")


def test_the_reference_marks_each_component_and_flow_as_the_review_found_it() -> None:
    assert DESIGN is not None
    candidate = parse_mermaid(drawing("yt-sparse"))
    review = review_diagram(DESIGN, candidate)
    statuses = reference_statuses(review, DESIGN)
    for s in review.reference_status:
        assert statuses[s.id] == s.status
    flow_keys = {f"{f.source}->{f.target}" for f in DESIGN.flows}
    marked = {k: v for k, v in statuses.items() if "->" in k}
    assert set(marked) <= flow_keys and marked
    assert "missing" in marked.values()
    # A flow whose end was never drawn cannot have been found.
    for f in DESIGN.flows:
        if statuses[f.source] == "missing" or statuses[f.target] == "missing":
            assert marked[f"{f.source}->{f.target}"] == "missing"


def test_a_request_through_the_training_pipeline_marks_the_arrows_between_the_boxes_named() -> None:
    assert DESIGN is not None
    candidate = parse_mermaid(drawing("yt-train-in-path"))
    review = review_diagram(DESIGN, candidate)
    problems = [p for p in review.flow_problems if len(p.components) > 1]
    assert problems, [p.text for p in review.flow_problems]
    statuses = candidate_statuses(review, candidate)
    problem_flows = {k for k, v in statuses.items() if v == "problem"}
    assert problem_flows
    for key in problem_flows:
        source, target = key.split("->")
        assert any({source, target} <= set(p.components) for p in problems)
    for s in review.candidate_status:
        assert statuses[s.id] == s.status


def test_a_problem_about_one_box_leaves_its_arrows_unmarked() -> None:
    assert DESIGN is not None
    candidate = parse_mermaid(
        "flowchart LR\n  app([User app]) --> api[Recommendation service] --> rank{{Ranking model}}"
    )
    review = review_diagram(DESIGN, candidate)
    assert any(len(p.components) == 1 for p in review.flow_problems)
    assert "problem" not in candidate_statuses(review, candidate).values()


def test_the_comparison_draws_both_pictures_and_lists_the_review() -> None:
    assert DESIGN is not None
    candidate = parse_mermaid(drawing("yt-sparse"))
    review = review_diagram(DESIGN, candidate)
    comparison = compare(review, candidate, DESIGN)
    assert comparison.reference is not None
    assert comparison.candidate.title == CANDIDATE_TITLE and comparison.reference.title == REFERENCE_TITLE
    mine, theirs = ET.fromstring(comparison.candidate.svg), ET.fromstring(comparison.reference.svg)
    assert mine.get("aria-label") == CANDIDATE_TITLE and theirs.get("aria-label") == REFERENCE_TITLE
    assert f"level {review.level} / 5" in comparison.summary
    for label in review.missing:
        assert f"- {label}" in comparison.summary
    assert comparison.reference.mermaid.startswith("flowchart LR")
    assert compare(review, candidate, None).reference is None
