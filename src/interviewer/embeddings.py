"""Sentence embeddings: the `Embedder` Protocol and the offline all-MiniLM-L6-v2 ONNX embedder."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of shape (len(texts), dim)."""

    name: str
    dim: int
    max_tokens: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int:
        """How many model tokens (wordpieces, without special tokens) `text` takes."""
        ...
