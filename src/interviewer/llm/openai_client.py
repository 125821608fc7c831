"""`OpenAIChat` and its `Transport`: the only module that imports `openai`.

- It implements the `ChatModel` protocol of `interviewer.llm.protocol`, which is all the rest of the app sees.
- `OpenAIChat.structured` runs the validate-and-re-ask loop of `interviewer.llm.structured`, as the fakes
  in `interviewer.testing` do, so tests with fakes exercise the same logic.
- `OpenAIChat` talks to OpenAI or any OpenAI-compatible server. It retries 429 (honouring
  `retry-after`), 5xx and refused connections itself, trims the history once when the prompt is too
  long, adapts to servers that reject `json_schema`, `stream_options` or `temperature`, and turns every
  fault into a typed `LLMError` whose message names the fix. The API key never appears in a message.
- Every call goes through a `CircuitBreaker` (see `breaker.py`), shared per process by default, and has a
  deadline, streaming included (see `streaming.py`).
- `Transport` is shared with `OpenAIAudio` (in `audio`), so speech has the same retries and faults.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal, TypeVar, cast

import openai
from openai.types.chat import ChatCompletionMessageParam
from pydantic import BaseModel

from interviewer.config import Settings, redact_url
from interviewer.errors import (
    LLMAuthError,
    LLMContextTooLong,
    LLMError,
    LLMRateLimited,
    LLMTimeout,
    LLMUnavailable,
)
from interviewer.llm.adaptation import JsonMode, quirks_for
from interviewer.llm.breaker import DEFAULT_BREAKER, CircuitBreaker
from interviewer.llm.faults import (
    MAX_RETRY_AFTER_S,
    NO_KEY,
    SK_PATTERN,
    check_network_allowed,
    finish_fault,
    is_context_error,
    retry_after,
    server_message,
)
from interviewer.llm.protocol import ChatModel, Message, Trimmer, Usage, drop_oldest_half, usage_from
from interviewer.llm.streaming import PROBE_TIMEOUT_S, Deadline, EventReader, StreamedReply, is_timeout
from interviewer.llm.structured import json_text, structured_reply, with_schema_instruction

T = TypeVar("T", bound=BaseModel)
R = TypeVar("R")

log = logging.getLogger(__name__)

# --- The OpenAI-compatible transport -----------------------------------------------------------------


class Transport:
    """One OpenAI SDK client plus retries, the breaker and error mapping; shared by chat and audio."""

    def __init__(
        self,
        settings: Settings,
        breaker: CircuitBreaker,
        sleep: Callable[[float], None],
        *,
        trip_on_timeout: bool = False,
    ) -> None:
        check_network_allowed(settings.openai_base_url)
        self._secret = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        self.where = self.scrub(settings.openai_base_url or "api.openai.com")
        self.timeout = settings.request_timeout
        self.first_token_timeout = settings.first_token_timeout
        self.trip_on_timeout = trip_on_timeout
        self.max_retries = settings.max_retries
        self.breaker = breaker
        self._sleep = sleep
        self.client = openai.OpenAI(
            api_key=self._secret or NO_KEY,
            base_url=settings.openai_base_url,
            timeout=settings.request_timeout,
            max_retries=0,
        )

    def scrub(self, text: str) -> str:
        """`text` without the API key, anything shaped like one, or a URL's `user:password@`."""
        if self._secret:
            text = text.replace(self._secret, "sk-***")
        return SK_PATTERN.sub("sk-***", redact_url(text))

    def fail(self, err: LLMError, *, server_fault: bool = True) -> LLMError:
        """Scrub the message, count the failure on the breaker when the server is at fault, and log."""
        err.args = (self.scrub(str(err)),)
        if server_fault:
            self.breaker.record_failure(trip=self.trip_on_timeout and isinstance(err, LLMTimeout))
        else:
            self.breaker.record_success()
        log.warning("model call failed: %s", err)
        return err

    def call(
        self,
        op: Callable[[], R],
        *,
        model: str,
        recover: Callable[[openai.APIStatusError], bool] | None = None,
        settle: bool = True,
        deadline: Deadline | None = None,
    ) -> R:
        """Run `op` with the breaker, retries and error mapping, within `deadline` when one is given.

        `recover` may fix an error answer (change a parameter, trim the history) and return True to send
        again; it sees every status, since some servers reject a parameter with a 422 or a 500.
        With `settle=False` a success is not yet recorded on the breaker (a stream is only a success
        once it has finished). Timeouts are not retried: the user has already waited the whole timeout;
        nor is anything once the deadline would pass. After the breaker's cooldown the server is probed
        with a cheap request first.
        """
        if self.breaker.check():
            self._probe()
        attempt = 0
        while True:
            if deadline is not None and deadline.expired:
                raise self.fail(self.timed_out())
            try:
                result = op()
            except openai.APIError as exc:
                if isinstance(exc, openai.APIStatusError) and recover is not None and recover(exc):
                    continue
                delay = self._retry_delay(exc, attempt)
                if delay is not None and (deadline is None or delay < deadline.left()):
                    attempt += 1
                    log.info("retrying in %.2f s after %s", delay, type(exc).__name__)
                    self._sleep(delay)
                    continue
                err = self._map(exc, model=model, attempts=attempt + 1, deadline=deadline)
                server_fault = not isinstance(err, LLMContextTooLong)
                raise self.fail(err, server_fault=server_fault) from None
            except ValueError:  # a 200 whose body is not JSON
                raise self.fail(
                    LLMUnavailable(
                        f"the model server at {self.where} sent a reply that is not JSON; check that "
                        "OPENAI_BASE_URL points at an OpenAI-compatible API, or choose the offline engine"
                    )
                ) from None
            if settle:
                self.breaker.record_success()
            return result

    def timed_out(self, partial: str = "", *, stalled: bool = False) -> LLMTimeout:
        limit, name = (self.first_token_timeout, "_FIRST_TOKEN") if stalled else (self.timeout, "")
        return LLMTimeout(
            f"the model server at {self.where} did not answer within {min(limit, self.timeout):g} s; try "
            f"again, raise INTERVIEWER{name}_TIMEOUT, or choose the offline engine (INTERVIEWER_ENGINE=offline)",
            partial=partial,
        )

    def _probe(self) -> None:
        """Ask a server that was failing something cheap (its model list) before trusting it again."""
        try:
            self.client.models.list(timeout=PROBE_TIMEOUT_S)
        except (openai.APIStatusError, ValueError):
            return  # it answered, if only to refuse: it is up
        except openai.APIError as exc:
            log.warning("the model server still does not answer (%s)", type(exc).__name__)
            self.breaker.record_failure(trip=True)
            self.breaker.check()

    def _retry_delay(self, exc: openai.APIError, attempt: int) -> float | None:
        if attempt >= self.max_retries or isinstance(exc, openai.APITimeoutError):
            return None
        backoff = min(0.5 * 2**attempt, 8.0)
        if isinstance(exc, openai.APIConnectionError):
            return backoff
        if not isinstance(exc, openai.APIStatusError):
            return None
        if exc.code == "insufficient_quota":
            return None
        if exc.status_code == 429 or exc.status_code >= 500:
            hint = retry_after(exc.response.headers)
            if hint is None:
                return backoff
            return hint if hint <= MAX_RETRY_AFTER_S else None
        return None

    def _map(self, exc: openai.APIError, *, model: str, attempts: int, deadline: Deadline | None) -> LLMError:
        where = self.where
        offline = "or choose the offline engine (INTERVIEWER_ENGINE=offline)"
        if isinstance(exc, openai.APITimeoutError):  # before the deadline: a stream that never started
            return self.timed_out(stalled=deadline is not None and deadline.left() > 0.05)
        if isinstance(exc, openai.APIConnectionError):
            return LLMUnavailable(
                f"could not connect to the model server at {where} after {attempts} attempts; check the "
                f"network or OPENAI_BASE_URL, {offline}"
            )
        if not isinstance(exc, openai.APIStatusError):
            return LLMUnavailable(f"the model server at {where} reported an error: {server_message(exc)}")
        status = exc.status_code
        if isinstance(exc, openai.AuthenticationError):
            return LLMAuthError(
                f"the model server rejected the API key (401); set a valid OPENAI_API_KEY, {offline}"
            )
        if isinstance(exc, openai.PermissionDeniedError):
            return LLMAuthError(
                f"the API key may not use the model '{model}' (403); choose another model with "
                f"INTERVIEWER_CHAT_MODEL or INTERVIEWER_GRADER_MODEL, {offline}"
            )
        if isinstance(exc, openai.RateLimitError):
            hint = retry_after(exc.response.headers)
            if exc.code == "insufficient_quota":
                return LLMRateLimited(
                    f"the account behind OPENAI_API_KEY has no quota left (429); add credit, {offline}"
                )
            return LLMRateLimited(
                f"the model server is rate-limiting requests (429) after {attempts} attempts; wait a "
                f"minute and try again, {offline}",
                retry_after=hint,
            )
        if isinstance(exc, openai.NotFoundError):
            return LLMError(
                f"the model server at {where} does not serve '{model}' (404); set INTERVIEWER_CHAT_MODEL, "
                f"INTERVIEWER_GRADER_MODEL or the speech models to one it serves, {offline}"
            )
        if isinstance(exc, openai.BadRequestError) and is_context_error(exc):
            return LLMContextTooLong(
                "the conversation is too long for the model's context window, even after dropping the "
                "oldest turns; start a new session, or use a model with a larger context window"
            )
        if status >= 500:
            return LLMUnavailable(
                f"the model server at {where} kept failing ({status}) after {attempts} attempts; try again "
                f"later, {offline}"
            )
        return LLMError(f"the model server rejected the request ({status}): {server_message(exc)}")


# --- The chat model ------------------------------------------------------------------------------------


def _wire(messages: Sequence[Message]) -> list[ChatCompletionMessageParam]:
    """Our messages as the SDK's parameter type (the same dicts: role and content)."""
    return [cast(ChatCompletionMessageParam, dict(m)) for m in messages]


class OpenAIChat:
    """A `ChatModel` for OpenAI or any OpenAI-compatible server (`OPENAI_BASE_URL`).

    `stream` is a generator: the request is sent, and errors are raised, on the first `next()`. A request
    has one deadline (`INTERVIEWER_TIMEOUT`), retries and streaming included; a stream must start within
    `INTERVIEWER_FIRST_TOKEN_TIMEOUT` and may not stall longer. With `trip_on_timeout` (a live interview)
    the first timeout opens the breaker."""

    def __init__(
        self,
        settings: Settings,
        model: str | None = None,
        *,
        breaker: CircuitBreaker | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        trimmer: Trimmer = drop_oldest_half,
        trip_on_timeout: bool = False,
    ) -> None:
        self.model = model or settings.chat_model
        self.usage: list[Usage] = []
        self._clock = clock
        self._trimmer = trimmer
        self._transport = Transport(
            settings, breaker or DEFAULT_BREAKER, sleep, trip_on_timeout=trip_on_timeout
        )
        self._client = self._transport.client
        # What this server turned out not to accept, shared by every client of the same server and model.
        self.quirks = quirks_for(settings.openai_base_url, self.model)

    def __repr__(self) -> str:
        return f"OpenAIChat(model={self.model!r}, server={self._transport.where!r})"

    @property
    def breaker(self) -> CircuitBreaker:
        return self._transport.breaker

    @property
    def json_mode(self) -> JsonMode:
        return self.quirks.json_mode

    # The three calls of the Protocol.

    def stream(
        self, messages: Sequence[Message], *, temperature: float | None = None, max_tokens: int | None = None
    ) -> Iterator[str]:
        deadline = Deadline.after(self._transport.timeout)

        def op(history: list[Message]) -> Any:
            extra: dict[str, Any] = (
                {"stream_options": {"include_usage": True}} if self.quirks.stream_usage else {}
            )
            left = max(0.05, deadline.left())
            return self._client.chat.completions.create(
                model=self.model,
                messages=_wire(history),
                stream=True,
                timeout=openai.Timeout(left, read=min(self._transport.first_token_timeout, left)),
                **self._sampling(temperature, max_tokens),
                **extra,
            )

        started = self._clock()
        sent, chunks = self._send(op, messages, settle=False, deadline=deadline)
        got = StreamedReply()
        reader = EventReader()
        try:
            for data in chunks.response.iter_bytes():
                for event in reader.feed(data):
                    piece = got.take(event)
                    if piece:
                        yield piece
                if got.done:
                    break
                if deadline.expired:  # checked on every read, pings included
                    raise self._transport.fail(self._transport.timed_out(partial=got.text))
        except LLMError:
            raise
        except Exception as exc:  # the transport broke or timed out mid-reply, or sent garbage
            if is_timeout(exc):
                stalled = not deadline.expired  # a read waited the whole first-token timeout
                raise self._transport.fail(self._transport.timed_out(got.text, stalled=stalled)) from None
            raise self._transport.fail(
                LLMUnavailable(
                    "the connection to the model server broke in the middle of a reply; the partial reply "
                    "is kept; try again, or choose the offline engine (INTERVIEWER_ENGINE=offline)",
                    partial=got.text,
                )
            ) from None
        finally:
            chunks.close()
        text = got.text
        self.usage.append(usage_from(self.model, got.usage, sent, text))
        log.debug("streamed %d chars in %.2f s", len(text), self._clock() - started)
        if got.finish is None:
            raise self._transport.fail(
                LLMUnavailable(
                    "the reply stream ended before the model finished; the partial reply is kept; try again, "
                    "or choose the offline engine (INTERVIEWER_ENGINE=offline)",
                    partial=text,
                )
            )
        self.breaker.record_success()
        self._check_finish(got.finish, "".join(got.refusal), text)

    def complete(
        self, messages: Sequence[Message], *, temperature: float | None = None, max_tokens: int | None = None
    ) -> str:
        deadline = Deadline.after(self._transport.timeout)

        def op(history: list[Message]) -> dict[str, Any]:
            completion = self._client.chat.completions.create(
                model=self.model,
                messages=_wire(history),
                timeout=max(0.05, deadline.left()),
                **self._sampling(temperature, max_tokens),
            )
            return completion.to_dict()

        sent, data = self._send(op, messages, deadline=deadline)
        return self._reply_text(data, sent)

    def structured(
        self,
        messages: Sequence[Message],
        schema: type[T],
        *,
        temperature: float | None = 0.0,
        max_tokens: int | None = None,
    ) -> T:
        deadline = Deadline.after(self._transport.timeout)

        def op(history: list[Message]) -> dict[str, Any]:
            sampling = {**self._sampling(temperature, max_tokens), "timeout": max(0.05, deadline.left())}
            if self.json_mode == "json_schema":
                raw = self._client.chat.completions.with_raw_response.parse(
                    model=self.model,
                    messages=_wire(history),
                    response_format=schema,
                    **sampling,
                )
                data: dict[str, Any] = raw.http_response.json()
                return data
            completion = self._client.chat.completions.create(
                model=self.model,
                messages=_wire(with_schema_instruction(history, schema)),
                response_format={"type": "json_object"},
                **sampling,
            )
            return completion.to_dict()

        def ask(history: list[Message]) -> str:
            nonlocal deadline
            deadline = Deadline.after(self._transport.timeout)  # each attempt is a request of its own
            sent, data = self._send(op, history, structured=True, deadline=deadline)
            raw = self._reply_text(data, sent)
            if self.json_mode == "json_schema" and not json_text(raw).startswith(("{", "[")):
                log.warning("%s ignored the JSON schema; using json_object mode from now on", self.model)
                self.quirks.json_mode = "json_object"
            return raw

        return structured_reply(ask, messages, schema)

    # Plumbing.

    def _sampling(self, temperature: float | None, max_tokens: int | None) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if temperature is not None and self.quirks.send_temperature:
            params["temperature"] = temperature
        if max_tokens is not None:
            params[self.quirks.max_tokens_param] = max_tokens
        return params

    def _send(
        self,
        op: Callable[[list[Message]], R],
        messages: Sequence[Message],
        *,
        settle: bool = True,
        structured: bool = False,
        deadline: Deadline | None = None,
    ) -> tuple[list[Message], R]:
        """Send through the transport, adapting to what the server rejects and trimming once on
        `context_length_exceeded`; return what was sent too."""
        history = list(messages)
        trimmed = False

        def recover(exc: openai.APIStatusError) -> bool:
            nonlocal history, trimmed
            sent_schema = structured and self.quirks.json_mode == "json_schema"
            if self.quirks.adapt(
                exc.status_code, exc.param, server_message(exc), sent_json_schema=sent_schema
            ):
                return True
            if isinstance(exc, openai.BadRequestError) and is_context_error(exc) and not trimmed:
                shorter = self._trimmer(history)
                trimmed = True
                if len(shorter) < len(history):
                    log.warning(
                        "prompt too long: trimmed %d of %d messages",
                        len(history) - len(shorter),
                        len(history),
                    )
                    history = shorter
                    return True
            return False

        result = self._transport.call(
            lambda: op(history), model=self.model, recover=recover, settle=settle, deadline=deadline
        )
        return history, result

    def _reply_text(self, data: dict[str, Any], sent: Sequence[Message]) -> str:
        choices = data.get("choices") or []
        if not choices:
            raise self._transport.fail(
                LLMUnavailable(
                    "the model server sent a reply with no choices; try again, or choose the offline engine"
                )
            )
        choice = choices[0]
        message = choice.get("message") or {}
        text = message.get("content") or ""
        self.usage.append(usage_from(self.model, data.get("usage"), sent, text))
        self._check_finish(choice.get("finish_reason"), message.get("refusal") or "", text)
        return str(text)

    def _check_finish(self, finish: str | None, refusal: str, text: str) -> None:
        fault = finish_fault(finish, refusal, text)
        if fault is not None:
            raise self._transport.fail(fault, server_fault=False)


# --- Choosing a model ----------------------------------------------------------------------------------


def make_chat_model(
    settings: Settings,
    purpose: Literal["chat", "grader"],
    *,
    breaker: CircuitBreaker | None = None,
    live: bool = False,
) -> ChatModel | None:
    """The chat model for `purpose`, or None when the engine in use is offline.

    Every model shares `DEFAULT_BREAKER` unless `breaker` is given (tests pass their own). A `live` model
    serves a candidate who is waiting: its first timeout opens the breaker.
    """
    if settings.resolved_engine == "offline":
        return None
    model = settings.grader_model if purpose == "grader" else settings.chat_model
    return OpenAIChat(settings, model, breaker=breaker, trip_on_timeout=live)
