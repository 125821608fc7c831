"""What the bank says is wrong: the wrong claims a candidate may assert, and the constraints a design must meet.

Both are read by the claim checker (`interviewer.grading.claims`): a `WrongClaim` belongs to a key point,
a `Constraint` to a hidden fact that sets a target.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ConstraintKind = Literal["latency", "availability", "freshness", "ordering", "nonblocking", "cap"]

# "@goal" in a cue group stands for these: the ways a candidate says that a metric is what the system is for
GOAL_TERMS = (
    "optimi",
    "maximi",
    "objective",
    "goal",
    "target",
    "north star",
    "success metric",
    "aim at",
    "aim for",
    "aiming at",
    "aiming for",
    "primary metric",
    "main metric",
    "key metric",
    "headline",
    "judged on",
    "judged by",
    "judge it by",
    "judge a launch",
    "judge the model",
    "count a win",
    "counts as a win",
    "call it a win",
    "what we optimi",
    "what we're optimi",
    "success is",
    "measure success",
    "the number we",
    "the number a launch",
    "top-line",
    "topline",
    "top line",
    "call the winner",
    "the proxy is",
    "cleanest proxy",
    "best proxy",
    "how we're judged",
    "we're judged on",
    "we're judged by",
    "ship whichever",
    "whichever one",
    "the winner",
    "decides the test",
    "decide the test",
    "i'd read the",
    "we'd read the",
    "read the experiment",
    "pick the winner",
    "declare the winner",
    "decide the test",
    "read it on",
    "read the test on",
    "read the experiment on",
    "the number i'd",
    "the number we'd",
    "the number the whole",
    "the one number",
    "the metric i'd",
    "the metric we'd",
    "push up",
    "drive up",
    "is a win",
    "is the win",
    "anchor it on",
    "anchor on",
    "scorecard",
    "define quality",
    "define success",
    "what we actually want",
    "what we really want",
    # the generic second person: "what you want is total time spent", "what you're after is saves"
    "what you actually want",
    "what you really want",
    "what you want is",
    "what you're after",
    "what you care about",
    "your north star",
    "i'd call it",
    # a formal register: "the quantity the ranker is ultimately meant to raise", "success is best measured by"
    "meant to raise",
    "meant to increase",
    "meant to improve",
    "meant to maximi",
    "best measured by",
    "principal metric",
    "principal dashboard",
    "anchored to",
    "training target",
    # a statistician's words: "the primary estimand is ...", "the numerator is any play start"
    "estimand",
    "primary outcome",
    "outcome of interest",
    "quantity of interest",
    "primary endpoint",
    "the numerator is",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WrongClaim(_Strict):
    """A wrong alternative a candidate may assert for a key point, and how an interviewer answers it.

    A clause says it when it holds a term of every `cues` group and asserts (does not negate) the first
    group's term, unless it also asserts one of the `unless` terms. Terms match at a word start, so
    "optimi" matches optimise and optimizing. A term written "~term" is said when the clause denies it
    ("~fallback": "there is no fallback"), for a claim that leaves something out; "@goal" stands for the shared
    `GOAL_TERMS`. The `example` and each of the `paraphrases` must be caught.
    """

    claim: str = Field(min_length=3, description="the wrong claim, stated plainly")
    cues: list[list[str]] = Field(min_length=1, description="term groups a clause must all hold")
    unless: list[str] = Field(
        default_factory=list, description="asserted in the clause, the claim is not made"
    )
    why: str = Field(min_length=3, description="why it is wrong, as feedback says it")
    challenge: str = Field(min_length=3, description="the question an interviewer asks to make them reason")
    example: str = Field(min_length=3, description="a sentence a candidate might say that makes the claim")
    paraphrases: list[str] = Field(
        default_factory=list,
        description="other sentences that make the same claim in other words, as candidates say it",
    )
    serious: bool = False

    @field_validator("cues", mode="after")
    @classmethod
    def _expand(cls, cues: list[list[str]]) -> list[list[str]]:
        """ "@goal" stands for `GOAL_TERMS`, shared by every claim about what a system optimises."""
        return [
            list(dict.fromkeys(t for term in group for t in (GOAL_TERMS if term == "@goal" else (term,))))
            for group in cues
        ]

    @model_validator(mode="after")
    def _nonempty_groups(self) -> WrongClaim:
        if any(not group or any(not t.lstrip("~").strip() for t in group) for group in self.cues):
            raise ValueError("every cue group needs at least one non-empty term")
        return self


class Constraint(_Strict):
    """A target a design must meet, as the checker reads it.

    - `latency`: `max` milliseconds for a request on the serving path (for the part `subject` names, if any);
    - `availability`: `min` percent;
    - `freshness`: `max` seconds of staleness for what `subject` names (features, a profile, an index);
    - `ordering`: what `subject` names (a safety check, a filter) must happen `before` an event;
    - `nonblocking`: what `before` names (checkout, playback) never waits on what `subject` names (the
      estimate, the recommender);
    - `cap`: what `subject` names (a refund) is done by the system itself only up to `max` dollars.
    """

    kind: ConstraintKind
    says: str = Field(min_length=3, description="the constraint in words, as feedback quotes it")
    max: float | None = Field(default=None, gt=0)
    min: float | None = Field(default=None, gt=0)
    subject: list[str] = Field(default_factory=list, description="terms naming what it applies to")
    before: list[str] = Field(default_factory=list, description="terms naming the event it must precede")
    challenge: str | None = Field(
        default=None,
        min_length=10,
        description="what an interviewer asks when it is broken, if not the kind's",
    )

    @model_validator(mode="after")
    def _complete(self) -> Constraint:
        needs = {
            "latency": self.max is not None,
            "availability": self.min is not None,
            "freshness": self.max is not None and bool(self.subject),
            "ordering": bool(self.subject) and bool(self.before),
            "nonblocking": bool(self.subject) and bool(self.before),
            "cap": self.max is not None and bool(self.subject),
        }
        if not needs[self.kind]:
            raise ValueError(
                f"a {self.kind} constraint needs "
                + {
                    "latency": "max (milliseconds)",
                    "availability": "min (percent)",
                    "freshness": "max (seconds) and subject",
                    "ordering": "subject and before",
                    "nonblocking": "subject and before",
                    "cap": "max (dollars) and subject",
                }[self.kind]
            )
        return self


class CommonWrongClaim(WrongClaim):
    """A method error that is wrong in any question's design, except the questions `skip` names."""

    skip: list[str] = Field(default_factory=list, description="question ids where it is not an error")

    def claim_for(self) -> WrongClaim:
        return WrongClaim(**self.model_dump(exclude={"skip"}))


class CommonWrongClaims(_Strict):
    """`knowledge/wrong_claims.yaml`: the method errors every question's checker looks for."""

    claims: list[CommonWrongClaim] = Field(min_length=1)
