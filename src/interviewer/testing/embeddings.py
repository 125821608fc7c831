"""`FakeEmbedder`: deterministic hashed bag-of-words vectors, for small fast retrieval tests."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from itertools import pairwise

import numpy as np

_WORD = re.compile(r"\w+")


class FakeEmbedder:
    """Hashed bag of lower-cased word unigrams and bigrams, L2-normalised; implements `Embedder`.

    The same text always gives the same vector, in every process. Texts that share words get a
    positive cosine similarity, shared word pairs raise it further, and a text with no words is the
    zero vector.
    """

    name = "fake-hashed-bag-of-words"
    max_tokens = 512

    def __init__(self, dim: int = 64) -> None:
        if dim < 2:
            raise ValueError("dim must be >= 2")
        self.dim = dim

    def count_tokens(self, text: str) -> int:
        """Words in `text`."""
        return len(_WORD.findall(text))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts, not a single string")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = _WORD.findall(text.lower())[: self.max_tokens]
            features = [*words, *(f"{a} {b}" for a, b in pairwise(words))]
            for feature in features:
                digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
                out[row, int.from_bytes(digest[:4], "little") % self.dim] += 1.0
            norm = float(np.linalg.norm(out[row]))
            if norm > 0:
                out[row] /= norm
        return out
