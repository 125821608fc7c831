"""Every key point in the bank has a follow-up probe aimed at it.

The offline interviewer chooses the probe for a missing key point by the content words the probe shares
with the point and its alternatives (`choose_probe`). A point whose best probe shares fewer than two words,
or whose chosen probe is aimed more squarely at another point, would get a generic follow-up instead.
"""

from __future__ import annotations

import pytest

from interviewer.content.questions import Question, QuestionBank
from interviewer.interview.interviewer import choose_probe
from interviewer.interview.reading import content_words
from interviewer.phases import PHASES
from locations import KNOWLEDGE

BANK = QuestionBank.load(KNOWLEDGE)


def _overlap(probe: str, words: set[str]) -> int:
    return len(content_words(probe) & words)


@pytest.mark.parametrize("question", list(BANK), ids=lambda q: q.id)
def test_each_key_points_chosen_probe_shares_at_least_two_salient_words_with_it(question: Question) -> None:
    weak = []
    for phase in PHASES:
        spec = question.phase(phase)
        for point in spec.key_points:
            probe = choose_probe(spec, point, used=[])
            words = content_words(" ".join([point.point, *point.alternatives]))
            if probe is None or _overlap(probe, words) < 2:
                weak.append(f"{phase}/{point.id}: {probe!r}")
    assert not weak, "key points without a probe aimed at them:\n" + "\n".join(weak)


@pytest.mark.parametrize("question", list(BANK), ids=lambda q: q.id)
def test_each_probe_is_one_question(question: Question) -> None:
    doubled = [
        f"{phase}: {probe}"
        for phase in PHASES
        for probe in question.phase(phase).probes
        if probe.count("?") > 1
    ]
    assert not doubled, "probes that ask more than one question:\n" + "\n".join(doubled)
