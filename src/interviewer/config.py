"""`Settings`: the one settings object, built once from the environment and passed down."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from interviewer.errors import ConfigError

EngineChoice = Literal["auto", "openai", "offline"]
Engine = Literal["openai", "offline"]
AuthMode = Literal["none", "header", "oidc"]
ENGINE_CHOICES: tuple[EngineChoice, ...] = ("auto", "offline", "openai")

_URL_CREDENTIALS = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/@\s:]*(?::[^/@\s]*)?@", re.IGNORECASE)


def redact_url(text: str) -> str:
    """`text` with the `user:password@` of every URL in it replaced by `***@`, for display and logs."""
    return _URL_CREDENTIALS.sub(r"\g<scheme>***@", text)


_PACKAGE_DIR = Path(__file__).resolve().parent
_REPO_ROOT = _PACKAGE_DIR.parent.parent


def _content_dir(name: str) -> Path:
    """`knowledge/` or `prompts/`: the checkout's copy when running from source, else the bundled one."""
    for candidate in (_REPO_ROOT / name, _PACKAGE_DIR / "_bundled" / name):
        if candidate.is_dir():
            return candidate
    return _REPO_ROOT / name


class ReplyTokens(BaseModel):
    """The `max_tokens` sent with each kind of model call: the one place these budgets are set.

    A reply that reaches its budget is cut (`finish_reason=length`) and the offline engine is used for
    that step instead, so each budget leaves room for a complete reply of its kind. Override any of them
    with `INTERVIEWER_REPLY_TOKENS`, e.g. `turn=300,grade=2000`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    turn: int = Field(default=220, ge=16, le=8192, description="an interviewer turn: a question or a fact")
    hint: int = Field(default=300, ge=16, le=8192, description="a hint, which may point at the notes")
    wrap_up: int = Field(default=350, ge=16, le=8192, description="a wrap-up or closing turn with a summary")
    answer: int = Field(default=700, ge=16, le=8192, description="an answer from the notes, with citations")
    grade: int = Field(default=1500, ge=64, le=16384, description="a structured grade of one phase")

    @classmethod
    def parse(cls, text: str) -> ReplyTokens:
        """`turn=300,grade=2000` (any subset, in any order)."""
        values: dict[str, str] = {}
        for item in text.split(","):
            name, sep, value = item.partition("=")
            if not sep:
                raise ValueError(f"expected name=tokens, got {item.strip()!r}")
            values[name.strip()] = value.strip()
        return cls.model_validate(values)


class Settings(BaseModel):
    """Everything configurable. Build it with `Settings.from_env()`; tests build it directly."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    home: Path = Field(default_factory=lambda: Path.home() / ".interviewer")
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    engine: EngineChoice = "auto"
    chat_model: str = "gpt-4o-mini"
    grader_model: str = "gpt-4o-mini"
    transcribe_model: str = "gpt-4o-mini-transcribe"
    tts_model: str = "gpt-4o-mini-tts"
    tts_voice: str = "alloy"
    request_timeout: float = Field(default=30.0, gt=0, le=600)
    first_token_timeout: float = Field(default=10.0, gt=0, le=600)
    max_retries: int = Field(default=2, ge=0, le=10)
    reply_tokens: ReplyTokens = Field(default_factory=ReplyTokens)
    database_url: SecretStr | None = None
    """Postgres for sessions when set (a team deployment); unset keeps them in SQLite under `home`."""
    chroma_host: str | None = None
    chroma_port: int = Field(default=8000, ge=1, le=65535)
    knowledge_dir: Path = Field(default_factory=lambda: _content_dir("knowledge"))
    prompts_dir: Path = Field(default_factory=lambda: _content_dir("prompts"))
    extra_notes: tuple[Path, ...] = ()
    log_level: str = "WARNING"
    # Sign-in and limits: see the README's "Sign-in and limits".
    auth: AuthMode = "none"
    auth_header: str = "X-Forwarded-User"
    instructors: tuple[str, ...] = ()
    engines: tuple[EngineChoice, ...] = ENGINE_CHOICES
    turns_per_minute: int | None = Field(default=None, ge=0, le=10_000)
    daily_tokens: int | None = Field(default=None, ge=0)
    upload_max_files: int = Field(default=100, ge=0, le=100_000)
    upload_max_mb: float = Field(default=20.0, ge=0)
    index_max_files: int = Field(default=2000, ge=1)
    index_max_mb: float = Field(default=50.0, gt=0)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        mapping = {
            "INTERVIEWER_HOME": "home",
            "OPENAI_API_KEY": "openai_api_key",
            "OPENAI_BASE_URL": "openai_base_url",
            "INTERVIEWER_ENGINE": "engine",
            "INTERVIEWER_CHAT_MODEL": "chat_model",
            "INTERVIEWER_GRADER_MODEL": "grader_model",
            "INTERVIEWER_TRANSCRIBE_MODEL": "transcribe_model",
            "INTERVIEWER_TTS_MODEL": "tts_model",
            "INTERVIEWER_TTS_VOICE": "tts_voice",
            "INTERVIEWER_TIMEOUT": "request_timeout",
            "INTERVIEWER_FIRST_TOKEN_TIMEOUT": "first_token_timeout",
            "INTERVIEWER_MAX_RETRIES": "max_retries",
            "INTERVIEWER_DATABASE_URL": "database_url",
            "CHROMA_HOST": "chroma_host",
            "CHROMA_PORT": "chroma_port",
            "INTERVIEWER_KNOWLEDGE": "knowledge_dir",
            "INTERVIEWER_PROMPTS": "prompts_dir",
            "INTERVIEWER_LOG_LEVEL": "log_level",
            "INTERVIEWER_AUTH": "auth",
            "INTERVIEWER_AUTH_HEADER": "auth_header",
            "INTERVIEWER_TURNS_PER_MINUTE": "turns_per_minute",
            "INTERVIEWER_DAILY_TOKENS": "daily_tokens",
            "INTERVIEWER_UPLOAD_MAX_FILES": "upload_max_files",
            "INTERVIEWER_UPLOAD_MAX_MB": "upload_max_mb",
            "INTERVIEWER_INDEX_MAX_FILES": "index_max_files",
            "INTERVIEWER_INDEX_MAX_MB": "index_max_mb",
        }
        for var, field in mapping.items():
            raw = env.get(var, "").strip()
            if raw:
                values[field] = raw
        notes = env.get("INTERVIEWER_NOTES", "").strip()
        if notes:
            values["extra_notes"] = tuple(Path(p).expanduser() for p in notes.split(os.pathsep) if p)
        for var, field in (("INTERVIEWER_INSTRUCTORS", "instructors"), ("INTERVIEWER_ENGINES", "engines")):
            raw = env.get(var, "").strip()
            if raw:
                values[field] = tuple(item.strip() for item in raw.split(",") if item.strip())
        budgets = env.get("INTERVIEWER_REPLY_TOKENS", "").strip()
        if budgets:
            try:
                values["reply_tokens"] = ReplyTokens.parse(budgets)
            except ValueError as exc:
                raise ConfigError(
                    f"invalid INTERVIEWER_REPLY_TOKENS ({exc}); write it as turn=220,hint=300,grade=1500"
                ) from None
        if "home" in values:
            values["home"] = Path(str(values["home"])).expanduser()
        try:
            return cls(**values)  # type: ignore[arg-type]
        except ValidationError as exc:
            problems = [f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()]
            raise ConfigError("invalid settings in the environment: " + "; ".join(problems)) from None

    @property
    def resolved_engine(self) -> Engine:
        """`auto` means OpenAI-compatible when a key or a base URL is set, else offline."""
        if self.engine == "auto":
            return "openai" if (self.openai_api_key or self.openai_base_url) else "offline"
        if self.engine == "openai" and not (self.openai_api_key or self.openai_base_url):
            raise ConfigError(
                "the openai engine needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local server); "
                "set one, or choose the offline engine"
            )
        return self.engine

    @property
    def engine_reason(self) -> str:
        """Why the engine in use was chosen, in words for the status bar."""
        if self.engine != "auto":
            return f"chosen explicitly ({self.engine})"
        if self.openai_base_url:
            return f"OPENAI_BASE_URL is set ({redact_url(self.openai_base_url)})"
        if self.openai_api_key:
            return "OPENAI_API_KEY is set"
        return "no OPENAI_API_KEY or OPENAI_BASE_URL, so everything runs offline"

    @property
    def signed_in(self) -> bool:
        """Whether users sign in (through a proxy's header or OpenID Connect): the team mode."""
        return self.auth != "none"

    @property
    def token_budget(self) -> int:
        """Model tokens a user may spend a day (0: no limit). Unset: none on one's own machine, 500,000
        a user a day once users sign in."""
        if self.daily_tokens is not None:
            return self.daily_tokens
        return 500_000 if self.signed_in else 0

    @property
    def turn_limit(self) -> int:
        """Turns a user may send a minute (0: no limit). Unset: none on one's own machine, 12 once users
        sign in."""
        if self.turns_per_minute is not None:
            return self.turns_per_minute
        return 12 if self.signed_in else 0

    @property
    def uploads_dir(self) -> Path:
        return self.home / "uploads"

    @property
    def has_key(self) -> bool:
        return self.openai_api_key is not None

    # Paths inside the data folder. Nothing is written outside `home`.
    @property
    def chroma_dir(self) -> Path:
        return self.home / "chroma"

    @property
    def bm25_dir(self) -> Path:
        return self.home / "bm25"

    @property
    def db_path(self) -> Path:
        return self.home / "sessions.db"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    @property
    def models_dir(self) -> Path:
        """Model files assembled from packages (the whisper weights are shipped in two parts)."""
        return self.home / "models"

    @property
    def tiktoken_cache_dir(self) -> Path:
        return self.home / "tiktoken"

    def ensure_home(self) -> Path:
        self.home.mkdir(parents=True, exist_ok=True)
        return self.home
