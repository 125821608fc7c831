"""The RADIO phases: their ids, names, goals and the interview's pacing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

Phase = Literal["requirements", "architecture", "deep_dive", "issues", "optimization"]
PHASES: tuple[Phase, ...] = get_args(Phase)

PHASE_NAMES: dict[Phase, str] = {
    "requirements": "Requirements",
    "architecture": "Architecture",
    "deep_dive": "Deep dive",
    "issues": "Issues",
    "optimization": "Optimization",
}

PHASE_LETTERS: dict[Phase, str] = {
    "requirements": "R",
    "architecture": "A",
    "deep_dive": "D",
    "issues": "I",
    "optimization": "O",
}

PHASE_GOALS: dict[Phase, str] = {
    "requirements": (
        "Clarify what the system must do and the constraints: users and use cases, inputs and outputs, "
        "scale (QPS, users, data volume), latency, availability, consistency, budget and the goal metric."
    ),
    "architecture": (
        "Lay out the high-level components and the data flow: data sources, pipelines, features, "
        "training, serving and monitoring, with how a request moves through them."
    ),
    "deep_dive": (
        "Go deep on two or three components: storage and database choices, caching, batch versus "
        "real-time serving, features and the model, with trade-offs and numbers."
    ),
    "issues": (
        "Find what can go wrong (model, data pipeline, infrastructure, drift) and how to detect and "
        "mitigate it: fallbacks, circuit breakers, monitoring and alerts."
    ),
    "optimization": (
        "Improve the design: caching, load balancing, horizontal scaling and cost, backed by estimates."
    ),
}


@dataclass(frozen=True)
class Pacing:
    """Minutes allotted to each phase. Issues and Optimization share the last block by default."""

    minutes: dict[Phase, float]

    @property
    def total(self) -> float:
        return sum(self.minutes.values())


def pacing_for(total_minutes: int, drill: Phase | None = None) -> Pacing:
    """The default split follows the 10 / 15 / 15 / 10 format, scaled to `total_minutes`.

    A drill spends the whole time on one phase.
    """
    if total_minutes <= 0:
        raise ValueError("an interview needs a positive number of minutes")
    if drill is not None:
        return Pacing({p: (float(total_minutes) if p == drill else 0.0) for p in PHASES})
    base: dict[Phase, float] = {
        "requirements": 10,
        "architecture": 15,
        "deep_dive": 15,
        "issues": 5,
        "optimization": 5,
    }
    scale = total_minutes / sum(base.values())
    return Pacing({p: round(m * scale, 1) for p, m in base.items()})
