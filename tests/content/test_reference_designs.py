"""Every question's reference design: it loads, its flows name its components, and it agrees with the
question's key points (each point it cites exists, and each architecture key point is drawn somewhere)."""

from __future__ import annotations

import re

import pytest
from tests.locations import KNOWLEDGE

from interviewer.content.questions import Question, QuestionBank
from interviewer.diagrams.reference import PATHS, ReferenceDesign

BANK = QuestionBank.load(KNOWLEDGE)
QUESTIONS = sorted(BANK, key=lambda q: q.id)
_WORD = re.compile(r"[a-z0-9]+")


def _design(question: Question) -> ReferenceDesign:
    assert question.reference_design is not None, f"{question.id} has no reference_design"
    return question.reference_design


def _point_texts(question: Question) -> dict[str, str]:
    texts: dict[str, str] = {}
    for phase in question.phases.values():
        for k in phase.key_points:
            texts[k.id] = " ".join([k.point, k.correct, *k.alternatives]).lower()
    return texts


def test_every_question_has_a_reference_design() -> None:
    assert len(QUESTIONS) >= 15
    assert [q.id for q in QUESTIONS if q.reference_design is None] == []


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_flows_name_its_components_and_every_component_is_joined(question: Question) -> None:
    design = _design(question)
    ids = {c.id for c in design.components}
    for f in design.flows:
        assert f.source in ids and f.target in ids
        assert f.path in PATHS
    joined = {end for f in design.flows for end in (f.source, f.target)}
    assert sorted(ids - joined) == []
    assert design.diagram().components  # it converts to a plain Diagram
    assert {f.path for f in design.flows} & {"request", "data"}


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_essential_flows_join_essential_components(question: Question) -> None:
    design = _design(question)
    essential = {c.id for c in design.components if c.essential}
    loose = [
        f"{f.source} -> {f.target}"
        for f in design.flows
        if f.essential and not {f.source, f.target} <= essential
    ]
    assert loose == []


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_no_name_belongs_to_two_components(question: Question) -> None:
    owners: dict[str, set[str]] = {}
    for c in _design(question).components:
        for name in (c.label, *c.aliases):
            owners.setdefault(name.lower(), set()).add(c.id)
    assert {n: sorted(o) for n, o in owners.items() if len(o) > 1} == {}


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_cited_key_points_exist_and_every_architecture_point_is_drawn(question: Question) -> None:
    design = _design(question)
    texts = _point_texts(question)
    cited = [p for c in design.components for p in c.points] + [p for f in design.flows for p in f.points]
    assert sorted(set(cited) - set(texts)) == []
    architecture = {k.id for k in question.phase("architecture").key_points}
    assert sorted(architecture - set(cited)) == []


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_a_component_shares_words_with_the_key_points_it_cites(question: Question) -> None:
    """A component citing a key point is named, by its label or an alias, in words that point uses."""
    design = _design(question)
    texts = _point_texts(question)
    unrelated = []
    for c in design.components:
        names = {w for n in (c.label, *c.aliases) for w in _WORD.findall(n.lower()) if len(w) > 2}
        for point in c.points:
            if not names & set(_WORD.findall(texts[point])):
                unrelated.append(f"{c.id} -> {point}")
    assert unrelated == []
