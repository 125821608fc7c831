"""Architecture diagrams: the plain-Python model every drawing tool and the grader share."""

from interviewer.diagrams.model import KINDS, Component, Diagram, Flow, Kind

__all__ = ["KINDS", "Component", "Diagram", "Flow", "Kind"]
