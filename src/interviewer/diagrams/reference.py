"""A question's reference design: the components and flows of a strong architecture, with other names.

Written in each question's YAML under `reference_design`. Each component carries the names a candidate may
give it (`aliases`: "ANN index", "vector search", "FAISS"); each flow says which path it belongs to:

- `request`: what happens while a user waits (client → API → ranker → feature store);
- `data`: how data moves in the background (events → Kafka → feature pipeline → feature store);
- `training`: how models are built and shipped (warehouse → training → model registry → ranker).

A component or flow marked `essential: false` is good to have; its absence costs little. `points` names the
key points (any phase) that a component or flow speaks to, which the knowledge tests check exist.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from interviewer.diagrams.model import Component, Diagram, Flow, Kind, check_ends

PathKind = Literal["request", "data", "training"]
PATHS: tuple[PathKind, ...] = get_args(PathKind)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReferenceComponent(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)
    label: str = Field(min_length=1, max_length=120)
    kind: Kind
    aliases: tuple[str, ...] = Field(default=(), description="other names a candidate may write for it")
    essential: bool = True
    points: tuple[str, ...] = Field(default=(), description="key point ids this component speaks to")
    role: str = Field(default="", description="what it does, in one short clause (for sentences and tests)")


class ReferenceFlow(_Strict):
    source: str
    target: str
    path: PathKind
    label: str = Field(
        default="", max_length=120, description="what moves or is asked, e.g. 'reads features'"
    )
    essential: bool = True
    points: tuple[str, ...] = ()


class ReferenceDesign(_Strict):
    """The reference architecture of one question."""

    components: tuple[ReferenceComponent, ...] = Field(min_length=2)
    flows: tuple[ReferenceFlow, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> ReferenceDesign:
        ends = [(f.source, f.target) for f in self.flows]
        check_ends([c.id for c in self.components], ends, what="reference ")
        loops = [f.source for f in self.flows if f.source == f.target]
        if loops:
            raise ValueError(f"a reference flow goes from a component to itself: {', '.join(loops)}")
        return self

    def component(self, component_id: str) -> ReferenceComponent:
        for c in self.components:
            if c.id == component_id:
                return c
        raise KeyError(component_id)

    def diagram(self) -> Diagram:
        """The reference design as a plain `Diagram` (paths and aliases dropped)."""
        seen: set[tuple[str, str]] = set()
        flows = []
        for f in self.flows:
            if (f.source, f.target) not in seen:
                seen.add((f.source, f.target))
                flows.append(Flow(source=f.source, target=f.target, label=f.label))
        return Diagram(
            components=tuple(Component(id=c.id, label=c.label, kind=c.kind) for c in self.components),
            flows=tuple(flows),
        )

    def paths_of(self, component_id: str) -> set[PathKind]:
        """The paths the flows into and out of a component belong to."""
        return {f.path for f in self.flows if component_id in (f.source, f.target)}
