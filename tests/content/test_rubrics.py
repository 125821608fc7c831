"""The shipped rubrics: five phase rubrics, the communication rubric and the hiring-signal mapping."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from interviewer.content.rubrics import RubricSet
from interviewer.errors import ContentError
from interviewer.phases import PHASES

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


@pytest.fixture(scope="module")
def rubrics() -> RubricSet:
    return RubricSet.load(KNOWLEDGE)


def test_every_phase_has_a_rubric(rubrics: RubricSet) -> None:
    assert set(rubrics.phases) == set(PHASES)


@pytest.mark.parametrize("phase", PHASES)
def test_phase_rubrics_have_three_to_six_weighted_criteria(rubrics: RubricSet, phase: str) -> None:
    rubric = rubrics.for_phase(phase)  # type: ignore[arg-type]
    assert 3 <= len(rubric.criteria) <= 6
    assert sum(c.weight for c in rubric.criteria) == pytest.approx(1.0)
    for criterion in rubric.criteria:
        assert sorted(criterion.levels) == [1, 2, 3, 4, 5]
        assert all(len(text) > 20 for text in criterion.levels.values())


@pytest.mark.parametrize("phase", PHASES)
def test_content_coverage_carries_the_most_weight_in_each_phase(rubrics: RubricSet, phase: str) -> None:
    rubric = rubrics.for_phase(phase)  # type: ignore[arg-type]
    heaviest = max(rubric.criteria, key=lambda c: c.weight)
    assert heaviest.measure == "coverage"


@pytest.mark.parametrize("phase", PHASES)
def test_delivery_never_weighs_on_a_phase_grade(rubrics: RubricSet, phase: str) -> None:
    assert all(c.measure != "delivery" for c in rubrics.for_phase(phase).criteria)  # type: ignore[arg-type]


def test_communication_rubric_covers_structure_clarity_numbers_tradeoffs_and_delivery(
    rubrics: RubricSet,
) -> None:
    measures = {c.measure for c in rubrics.communication.criteria}
    assert measures == {"structure", "clarity", "quantification", "tradeoffs", "delivery"}
    delivery = next(c for c in rubrics.communication.criteria if c.measure == "delivery")
    assert "filler" in delivery.description.lower()


@pytest.mark.parametrize(
    ("score", "signal"),
    [
        (1.0, "strong_no_hire"),
        (1.9, "strong_no_hire"),
        (2.5, "no_hire"),
        (3.2, "lean_hire"),
        (3.8, "hire"),
        (4.6, "strong_hire"),
        (5.0, "strong_hire"),
    ],
)
def test_hiring_signal_bands_rise_with_the_score(rubrics: RubricSet, score: float, signal: str) -> None:
    assert rubrics.scale.signal_for(score).signal == signal


def test_communication_is_a_minor_share_of_the_overall_score(rubrics: RubricSet) -> None:
    assert 0 < rubrics.scale.communication_weight <= 0.3


def test_a_rubric_with_bad_weights_and_levels_reports_every_problem(tmp_path: Path) -> None:
    folder = tmp_path / "rubrics"
    folder.mkdir()
    for path in (KNOWLEDGE / "rubrics").glob("*.yaml"):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    data = yaml.safe_load((folder / "issues.yaml").read_text(encoding="utf-8"))
    data["criteria"][0]["weight"] = 0.9
    del data["criteria"][1]["levels"][5]
    (folder / "issues.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        RubricSet.load(tmp_path)
    text = str(err.value)
    assert "issues.yaml" in text
    assert "levels must describe exactly 1, 2, 3, 4 and 5" in text
