"""A known slip in sizing an LLM's KV cache: the bytes per token worked out without the layer count.

Each layer keeps its own keys and values, so the cache per token is 2 × layers × KV heads × head dimension ×
bytes per value. A candidate who has said "32 layers" and then works out "2 × 8 KV heads × 128 dims × 2 bytes
≈ 4 KB per token" has a consistent product of the wrong inputs, which a recomputation from their own numbers
cannot see: the slip is the layer count said and left out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from interviewer.grading.delivery import strip_fillers
from interviewer.grading.quantities import quantities, words_to_digits

_LAYERS = re.compile(r"\b(\d{1,3})[\s-]*(?:transformer\s+)?layers?\b", re.I)
_HEADS = re.compile(r"\b(?:kv|key[- ]value)[\s-]*heads?\b|\bhead[\s-]*dim", re.I)
_PER_TOKEN = re.compile(r"\b(?:per|a|each|every)\s+token\b|/\s*tok(?:en)?\b|\bper-token\b", re.I)


@dataclass(frozen=True)
class LayerSlip:
    layers: int
    stated: float  # bytes per token, as the candidate gave it

    challenge: str = "Walk me through the KV cache per token: which dimensions go into it?"

    @property
    def why(self) -> str:
        return (
            f"Every one of the {self.layers} layers keeps its own keys and values, so the cache per token is "
            f"about {self.layers}× the {_size(self.stated)} worked out here, about {_size(self.stated * self.layers)}."
        )


def layer_slip(sentence: str, earlier: Sequence[str]) -> LayerSlip | None:
    """The layers left out of a KV cache's bytes per token that `sentence` works out, when a layer count was
    said in it or in the sentences before and its product comes out without it."""
    if not _HEADS.search(sentence):
        return None
    text = words_to_digits(strip_fillers(sentence))
    said = " ".join(words_to_digits(strip_fillers(s)) for s in (*earlier, sentence))
    counts = {int(m.group(1)) for m in _LAYERS.finditer(said) if int(m.group(1)) >= 8}
    qs = quantities(text)
    result = next((q for q in reversed(qs) if q.kind == "bytes" and q.value >= 100), None)
    if len(counts) != 1 or result is None or not _PER_TOKEN.search(text):
        return None
    layers = counts.pop()
    inputs = [q for q in qs if q.end <= result.start and q.kind in ("count", "bytes") and not q.per_seconds]
    if (
        len(inputs) < 3
        or any(q.value == layers for q in inputs)
        or not any(q.kind == "bytes" for q in inputs)
    ):
        return None
    product = math.prod(q.value for q in inputs)
    if not 0.7 <= result.value / product <= 1.4:
        return None  # not the product of what it names: a slip of another kind, or none
    return LayerSlip(layers, result.value)


def _size(value: float) -> str:
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if value >= size:
            return f"{value / size:.3g} {unit}"
    return f"{value:.0f} bytes"
