"""Depth: follow-ups built on the candidate's own design, once a phase's basics are covered.

A real interviewer who has heard the key points does not stop; they push on what the candidate chose:
"You put the profiles in Postgres. What happens at 50K reads a second?" `components` (in
`interview.design`) reads the candidate's answers for the components and choices they named, in their words.
`next_follow_up` builds the next question from per-phase templates over those components and
angles (scale, failure, cost, alternatives, freshness, latency, ...), grounded in the phase's goal and in
facts the candidate has already been told. Every follow-up names what the candidate said, never a key
point, and each (component, angle) pair is asked once, so the well holds far more questions than a phase
has time for. Generic questions of the phase follow when the candidate has named nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from interviewer.interview.design import Component as Component
from interviewer.interview.design import Kind as Kind
from interviewer.interview.design import alternative
from interviewer.interview.design import components as components
from interviewer.interview.design import describe_components as describe_components
from interviewer.interview.design import load_phrase as load_phrase
from interviewer.phases import Phase

Angle = Literal[
    "scale",
    "failure",
    "cost",
    "alternatives",
    "freshness",
    "latency",
    "consistency",
    "monitoring",
    "training",
    "rollout",
    "target",
]


@dataclass(frozen=True)
class FollowUp:
    """A depth question: its text, the component it builds on (None for a generic one) and its angle."""

    key: str
    text: str
    component: Component | None
    angle: Angle | str


# -- templates ----------------------------------------------------------------------------------------------

# Angles worth asking about each kind of component, in order of interest.
_ANGLES: dict[Kind, tuple[Angle, ...]] = {
    "store": (
        "scale",
        "failure",
        "alternatives",
        "freshness",
        "consistency",
        "latency",
        "cost",
        "monitoring",
    ),
    "cache": ("freshness", "failure", "scale", "alternatives", "cost", "consistency", "monitoring"),
    "index": ("freshness", "latency", "scale", "alternatives", "failure", "cost"),
    "queue": ("failure", "scale", "alternatives", "consistency", "monitoring", "cost"),
    "pipeline": ("failure", "freshness", "alternatives", "cost", "monitoring", "scale"),
    "model": ("alternatives", "training", "latency", "rollout", "failure", "cost", "monitoring", "freshness"),
    "service": ("failure", "scale", "latency", "cost", "alternatives", "monitoring"),
    "safeguard": ("failure", "monitoring", "alternatives"),
    "choice": ("alternatives", "cost", "failure", "freshness"),
    "number": ("target",),
}
# Offline parts are not asked about request rates: storage and batch jobs have their own angles.
_NAME_ANGLES: dict[str, tuple[Angle, ...]] = {
    "object-store": ("cost", "failure", "alternatives", "freshness"),
    "warehouse": ("cost", "freshness", "alternatives", "latency"),
    "batch": ("failure", "freshness", "alternatives", "cost", "monitoring"),
}
# The angles each phase leans on; the phase's goal decides which questions come first.
_PHASE_ANGLES: dict[Phase, tuple[Angle, ...]] = {
    "requirements": ("target", "scale", "latency", "cost", "freshness", "alternatives"),
    "architecture": ("alternatives", "failure", "freshness", "latency", "scale", "training", "consistency"),
    "deep_dive": (
        "scale",
        "alternatives",
        "freshness",
        "latency",
        "training",
        "consistency",
        "cost",
        "failure",
    ),
    "issues": ("failure", "monitoring", "rollout", "consistency", "freshness", "scale"),
    "optimization": ("cost", "scale", "latency", "alternatives", "freshness", "monitoring"),
}
# Each question names the component ({it}), so no two components share a sentence.
_QUESTIONS: dict[str, tuple[str, ...]] = {
    "scale": ("What happens to {it} at {load}?", "How many machines does {it} need at {load}, roughly?"),
    "failure": (
        "What does the user see when {it} times out?",
        "What happens when {it} is down for ten minutes?",
        "What fails first in {it} when traffic spikes?",
    ),
    "cost": ("What does {it} cost at this traffic, and how would you bring that down?",),
    "alternatives": ("Why {it} rather than {alt}?", "What would make you switch from {it} to {alt}?"),
    "freshness": ("How stale can {it} get, and what keeps it up to date?",),
    "latency": ("How much of the latency budget does {it} take, and how do you know?",),
    "consistency": ("What happens if a write to {it} is lost or arrives late?",),
    "monitoring": ("How would you know {it} is misbehaving before users notice?",),
    "training": ("How do you make sure {it} sees the same features in training as in serving?",),
    "rollout": ("How would you roll out a new version of {it} safely?",),
    "target": (
        "Is {it} a hard limit or a target, and what happens to the design when we miss it?",
        "Where does {it} come from, and what changes if it doubles?",
    ),
}
_LEADS = (
    "You put {holds} in {said}.",
    "You mentioned {said}.",
    "You chose {said}.",
    "Going back to {it}.",
    "Let's stay with {it}.",
)
GENERIC: dict[Phase, tuple[str, ...]] = {
    "requirements": (
        "Which of these requirements would you trade away first if you had to?",
        "What would make this project a failure even if the system works?",
        "What's out of scope for a first version?",
        "How would you measure success in the first month after launch?",
        "Which requirement worries you most, and why?",
        "Who else depends on this system, and what do they need from it?",
    ),
    "architecture": (
        "What breaks first at ten times the traffic?",
        "Where is the single point of failure in this design?",
        "Which part would you build first, and why?",
        "How does a new model get from training into serving?",
        "What's the simplest version of this that would still work?",
        "Where does the training data come from, end to end?",
    ),
    "deep_dive": (
        "Which number in this design are you least sure about?",
        "How would you test this component before launch?",
        "What's the hardest trade-off you made in this part?",
        "If you had to halve the latency of this part, what would you change?",
        "How would you know this component is doing its job in production?",
        "What breaks first at ten times the traffic?",
    ),
    "issues": (
        "What does the user see when the model times out?",
        "What happens if a day of training data is corrupt?",
        "How would you catch a bad model before every user sees it?",
        "What's your plan when a dependency is slow rather than down?",
        "Which alert would wake someone at night, and which would wait until morning?",
        "What breaks first at ten times the traffic?",
    ),
    "optimization": (
        "What breaks first at ten times the traffic?",
        "Where does most of the money go in this design?",
        "What would you precompute, and what must stay on the request path?",
        "How would you serve the same quality on half the hardware?",
        "Which optimisation would you not do yet, and why?",
        "What would you measure to know an optimisation worked?",
    ),
}


def _it(component: Component) -> str:
    """The component as a question names it: `the feature store`, `Postgres`, `that choice`."""
    if component.kind == "choice":
        return "that choice"
    if component.kind == "number":
        return "that number"
    said = re.sub(r"^(?:a|an)\s+", "the ", component.said, flags=re.I)
    return said if said[:1].isupper() or said.lower().startswith("the ") else f"the {said}"


def _lead(component: Component, nth: int) -> str:
    options = [lead for lead in _LEADS if component.holds or "{holds}" not in lead]
    if component.holds and nth % 2 == 0:
        options = [_LEADS[0]]
    if component.kind == "number":
        options = ["You said {said}.", "You gave {said}.", "Back to your {said}."]
    elif component.kind == "choice":
        options = ["You said \u201c{said}\u201d.", "Back to \u201c{said}\u201d."]
    said = component.said
    if (
        component.kind not in ("choice", "number")
        and said[:1].islower()
        and not re.match(r"(?:an?|the)\s", said)
    ):
        said = _it(
            component
        )  # "You chose the recommendation service", not "You chose recommendation service"
    return options[nth % len(options)].format(said=said, holds=component.holds, it=_it(component))


def follow_ups(
    phase: Phase,
    mine: Sequence[Component],
    earlier: Sequence[Component],
    *,
    load: str,
) -> list[FollowUp]:
    """Every depth question for `phase`, best first: the phase's own components (newest first) on the
    angles the phase leans on, then components from earlier phases, then the phase's generic questions."""
    order = _PHASE_ANGLES[phase]
    seen: set[str] = set()
    pool: list[Component] = []
    for c in [*reversed(mine), *reversed(earlier)]:
        if c.name not in seen and (c.kind != "number" or phase == "requirements" or c in mine):
            seen.add(c.name)
            pool.append(c)
    out: list[FollowUp] = []
    for rank, angle in enumerate(order):
        for i, c in enumerate(pool):
            if angle not in _NAME_ANGLES.get(c.name, _ANGLES[c.kind]):
                continue
            alt = alternative(c)
            if "{alt}" in "".join(_QUESTIONS[angle]) and not alt:
                continue
            texts = _QUESTIONS[angle]
            question = texts[(i + rank) % len(texts)].format(load=load, alt=alt, it=_it(c))
            # A lead that says where the candidate put what, or every other time, which component.
            lead = _lead(c, i + rank) if c.holds or c.kind in ("choice", "number") or (i + rank) % 2 else ""
            text = f"{lead} {question}".strip()
            out.append(FollowUp(key=f"{phase}/{c.name}/{angle}", text=text, component=c, angle=angle))
    # Interleave the components so one is not asked about many times in a row.
    out.sort(key=lambda f: _spread(f, pool, order))
    out += [
        FollowUp(key=f"{phase}/-/{i}", text=t, component=None, angle="generic")
        for i, t in enumerate(GENERIC[phase])
    ]
    return out


def _spread(f: FollowUp, pool: Sequence[Component], order: Sequence[Angle | str]) -> tuple[int, int]:
    assert f.component is not None
    return (order.index(f.angle) // 2, pool.index(f.component))


def next_follow_up(
    phase: Phase,
    mine: Sequence[Component],
    earlier: Sequence[Component],
    asked: Iterable[str],
    *,
    load: str,
    last_component: str | None = None,
    last_angle: str | None = None,
) -> FollowUp | None:
    """The best follow-up not asked yet. The questions move around the design as a real interviewer's do:
    the angle asked least in this phase first (scale, then alternatives, freshness, latency, ...), on the
    component asked about least, never the component or the angle asked about last when another will do.
    So a long deep dive covers every angle once before it asks one again, rather than scale and
    alternatives of every component in turn."""
    done = set(asked)
    left = [f for f in follow_ups(phase, mine, earlier, load=load) if f.key not in done]
    if not left:
        return None
    mine_done = [key.split("/") for key in done if key.startswith(f"{phase}/")]
    angles = Counter(parts[2] for parts in mine_done if len(parts) == 3 and parts[1] != "-")
    named = Counter(parts[1] for parts in mine_done if len(parts) == 3)
    fresh = [f for f in left if f.component is None or f.component.name != last_component]
    varied = [f for f in fresh if f.angle != last_angle]
    pool = varied or fresh or left
    rank = {id(f): i for i, f in enumerate(pool)}
    specific = [f for f in pool if f.component is not None]
    if not specific:
        return pool[0]
    return min(
        specific,
        key=lambda f: (angles[str(f.angle)], named[f.component.name if f.component else "-"], rank[id(f)]),
    )
