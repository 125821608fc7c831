"""Break-even thresholds: "decline when p times 150 is more than one minus p times 20" solves to p > 20/170.

A candidate who sets a decision threshold from expected costs states the inequality and then its solution.
The solution of p x A > (1 - p) x B is p > B / (A + B); inverting it (A / (A + B)) is a common slip that turns
a 12% threshold into 88%. The inequality is read from the candidate's own numbers, so any costs work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from interviewer.grading.delivery import strip_fillers
from interviewer.grading.quantities import quantities, words_to_digits

_NUMBER = r"\$?(\d[\d,]*(?:\.\d+)?)(?:\s*dollars?)?"
_TIMES = r"\s*(?:times|×|\*|x)\s*"
_INEQUALITY = re.compile(
    rf"\bp{_TIMES}{_NUMBER}\s+(?:is\s+)?(?:more than|greater than|above|bigger than|beats|exceeds|outweighs|>)\s+"
    rf"(?:the\s+)?(?:\(\s*)?(?:one|1)\s*(?:minus|-|−)\s*p(?:\s*\))?{_TIMES}{_NUMBER}",
    re.I,
)

_BARE = re.compile(r"\bp\s*(?:>|≥|is above|above|over|exceeds)\s*(?:[\d.,/\s]+[≈=~]\s*)?(0?\.\d+)\b", re.I)


@dataclass(frozen=True)
class Threshold:
    stated: float  # the threshold the candidate gave, as a fraction
    solved: float  # what their own inequality solves to

    challenge: str = "Solve that inequality for p again: which cost goes on top?"

    @property
    def factor(self) -> float:
        return max(self.stated / self.solved, self.solved / self.stated)

    @property
    def why(self) -> str:
        return f"Your own inequality solves to about {self.solved:.0%}, not {self.stated:.0%}."


def threshold_slip(sentence: str) -> Threshold | None:
    """The threshold `sentence` states after its break-even inequality, when it is not the inequality's
    solution (off by more than a quarter); else None."""
    text = words_to_digits(strip_fillers(sentence))
    match = _INEQUALITY.search(text)
    if not match:
        return None
    gain, loss = (float(g.replace(",", "")) for g in match.groups())
    if gain <= 0 or loss <= 0:
        return None
    solved = loss / (gain + loss)
    stated = next((q.value for q in quantities(text[match.end() :]) if q.kind == "percent"), None)
    if stated is None and (bare := _BARE.search(text, match.end())):
        stated = float(bare.group(1))  # "p > 150/170 ≈ 0.88": the threshold as a plain fraction
    if stated is None or not 0 < stated < 1:
        return None
    found = Threshold(stated, solved)
    return found if found.factor > 1.25 else None
