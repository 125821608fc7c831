"""The diagram model: labelled components of a kind, joined by directed, optionally labelled flows.

Independent of any drawing tool. The whiteboard, Mermaid text and the question bank's reference designs all
become a `Diagram`; the grader and the interviewer read only this.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

Kind = Literal["client", "service", "store", "queue", "cache", "model", "pipeline", "other"]
KINDS: tuple[Kind, ...] = get_args(Kind)


def check_ends(ids: list[str], ends: list[tuple[str, str]], *, what: str = "") -> None:
    """Raise `ValueError` unless the component ids are unique and every flow's ends are among them."""
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"{what}component ids must be unique; repeated: {', '.join(duplicates)}")
    known = set(ids)
    dangling = sorted({end for pair in ends for end in pair if end not in known})
    if dangling:
        raise ValueError(f"{what}flows name components that are not on the diagram: {', '.join(dangling)}")


class Component(BaseModel):
    """One box on the board. `id` is unique within its diagram; `label` is what the candidate wrote."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=64)
    label: str = Field(min_length=1, max_length=120)
    kind: Kind = "other"


class Flow(BaseModel):
    """One arrow, from the component with id `source` to the one with id `target`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(min_length=1, max_length=64)
    target: str = Field(min_length=1, max_length=64)
    label: str = Field(default="", max_length=120)


class Diagram(BaseModel):
    """Components and the flows between them. Every flow's ends name components of the same diagram."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    components: tuple[Component, ...] = ()
    flows: tuple[Flow, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Diagram:
        check_ends([c.id for c in self.components], [(f.source, f.target) for f in self.flows])
        return self

    @property
    def empty(self) -> bool:
        return not self.components

    def component(self, component_id: str) -> Component:
        for c in self.components:
            if c.id == component_id:
                return c
        raise KeyError(component_id)

    def label_of(self, component_id: str) -> str:
        return self.component(component_id).label
