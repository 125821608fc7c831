"""A small OpenAI-compatible HTTP server for tests, bound to 127.0.0.1 on a free port.

It plays a scripted queue of behaviours, one per request, and records every request so tests can
assert on what the real `openai` client sent:

    with FakeOpenAIServer() as server:
        server.script(rate_limited(retry_after="0.25"), Reply("Hello"))
        chat = OpenAIChat(server.settings(), sleep=naps.append)
        assert chat.complete([...]) == "Hello"
        assert len(server.requests) == 2

A `Reply` answers as JSON, or as server-sent events ending in `data: [DONE]` when the request asked
to stream. `Status` answers an HTTP error with an OpenAI-style error body. `Slow` waits before
replying, `CutStream` drops the connection in the middle of a stream. `Hang` accepts and never answers;
`Pings` opens a stream and keeps it alive with SSE comments and no tokens, `Trickle` with a token now
and then, both for ever; `hang_all()` makes every request hang, the model list included. `GET /models`
answers with a model list (it is not scripted, but it is recorded). An empty script answers 418, so
a test that sends more requests than it scripted fails loudly. Connection refused is `closed_port()`.
"""

from __future__ import annotations

import json
import socket
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from interviewer.config import Settings

DEFAULT_USAGE = {"prompt_tokens": 21, "completion_tokens": 5, "prompt_tokens_details": {"cached_tokens": 3}}


@dataclass(frozen=True)
class Reply:
    """A completion: JSON, or SSE in chunks of `chunk_chars` characters when the request streams."""

    content: str | None = "OK"
    finish_reason: str = "stop"
    refusal: str | None = None
    usage: dict[str, Any] | None = field(default_factory=lambda: dict(DEFAULT_USAGE))
    chunk_chars: int = 4


@dataclass(frozen=True)
class Status:
    """An HTTP error with an OpenAI-style body `{"error": {...}}`."""

    status: int
    message: str = "error"
    code: str | None = None
    type: str = "invalid_request_error"
    param: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Slow:
    """Wait `seconds` (longer than the client's timeout, usually), then behave as `then`."""

    seconds: float
    then: Reply = field(default_factory=Reply)


@dataclass(frozen=True)
class CutStream:
    """Stream `content` in chunks, then drop the connection without finishing the body."""

    content: str = "The first half of a repl"
    chunk_chars: int = 4


@dataclass(frozen=True)
class Hang:
    """Accept the request and never answer (until the server stops)."""


@dataclass(frozen=True)
class Pings:
    """Start a stream, send `content` if any, then only `: ping` comments every `interval` s, for ever."""

    interval: float = 0.2
    content: str = ""


@dataclass(frozen=True)
class Trickle:
    """Start a stream and send `piece` every `interval` s, for ever, never finishing the reply."""

    piece: str = "and "
    interval: float = 0.2


@dataclass(frozen=True)
class RawBody:
    """Any body at all, for servers that answer 200 with something that is not a completion."""

    body: bytes = b"<html>Bad gateway</html>"
    content_type: str = "application/json"


@dataclass(frozen=True)
class Speech:
    """The body of an `/audio/speech` answer."""

    audio: bytes


Behaviour = Reply | Status | Slow | CutStream | Speech | RawBody | Hang | Pings | Trickle


def rate_limited(retry_after: str | None = "1", retry_after_ms: str | None = None) -> Status:
    headers = {}
    if retry_after is not None:
        headers["retry-after"] = retry_after
    if retry_after_ms is not None:
        headers["retry-after-ms"] = retry_after_ms
    return Status(
        429, "Rate limit reached for requests", code="rate_limit_exceeded", type="requests", headers=headers
    )


def server_error(status: int = 500) -> Status:
    return Status(status, "The server had an error while processing your request.", type="server_error")


def context_too_long() -> Status:
    return Status(
        400,
        "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
        code="context_length_exceeded",
        param="messages",
    )


def json_schema_rejected() -> Status:
    """What llama.cpp-style servers answer to `response_format={"type": "json_schema", ...}`."""
    return Status(400, "response_format type 'json_schema' is not supported", param="response_format")


def json_schema_unsupported(status: int = 500) -> Status:
    """What llama.cpp's server answered in practice: a 500 (or 422) whose body names the allowed types."""
    return Status(
        status,
        "1 validation error: response_format.type: Input should be 'text' or 'json_object'",
        type="server_error",
    )


def unauthorized(key: str) -> Status:
    """A 401 that echoes the key back, as careless servers do, to prove it is scrubbed."""
    return Status(401, f"Incorrect API key provided: {key}.", code="invalid_api_key")


def refusal(text: str = "I'm sorry, I can't help with that.") -> Reply:
    return Reply(content=None, refusal=text)


def truncated(content: str = "The answer starts well but") -> Reply:
    return Reply(content=content, finish_reason="length")


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.json()["messages"])


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on, for connection-refused tests."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        owner = self.server.owner
        owner._record(RecordedRequest("GET", self.path, {k.lower(): v for k, v in self.headers.items()}, b""))
        if owner.hung.is_set():
            owner._stopping.wait()
            return
        try:
            self._send_json(200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]})
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length)
        owner = self.server.owner
        owner._record(
            RecordedRequest("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        )
        behaviour = Hang() if owner.hung.is_set() else owner._next()
        try:
            self._play(behaviour, body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _play(self, behaviour: Behaviour | None, body: bytes) -> None:
        if behaviour is None:
            self._send_json(418, {"error": {"message": "fake server: the script is empty", "type": "test"}})
            return
        stopping = self.server.owner._stopping
        if isinstance(behaviour, Hang):
            stopping.wait()
            return
        if isinstance(behaviour, Pings | Trickle):
            self._start_stream()
            first = behaviour.content if isinstance(behaviour, Pings) else ""
            if first:
                self._event(_chunk_event(_model(body), {"content": first}, None))
            while not stopping.wait(behaviour.interval):
                if isinstance(behaviour, Pings):
                    self._chunk(b": ping\n\n")
                else:
                    self._event(_chunk_event(_model(body), {"content": behaviour.piece}, None))
            return
        if isinstance(behaviour, Slow):
            if self.server.owner._stopping.wait(behaviour.seconds):
                return
            behaviour = behaviour.then
        if isinstance(behaviour, Status):
            error = {"message": behaviour.message, "type": behaviour.type, "param": behaviour.param}
            error["code"] = behaviour.code
            self._send_json(behaviour.status, {"error": error}, behaviour.headers)
        elif isinstance(behaviour, RawBody):
            self._send_bytes(200, behaviour.body, behaviour.content_type)
        elif isinstance(behaviour, Speech):
            self._send_bytes(200, behaviour.audio, "audio/wav")
        elif isinstance(behaviour, CutStream):
            self._cut_stream(behaviour, body)
        elif self.path.endswith("/audio/transcriptions"):
            self._send_json(200, {"text": behaviour.content or ""})
        elif _wants_stream(body):
            self._stream(behaviour, body)
        else:
            self._send_json(200, _completion(behaviour, _model(body)))

    # Plain answers.

    def _send_bytes(
        self, status: int, data: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self._send_bytes(status, json.dumps(payload).encode(), "application/json", headers)

    # Server-sent events, in HTTP/1.1 chunked encoding.

    def _start_stream(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _event(self, payload: Any) -> None:
        text = payload if isinstance(payload, str) else json.dumps(payload)
        self._chunk(f"data: {text}\n\n".encode())

    def _stream(self, reply: Reply, body: bytes) -> None:
        model = _model(body)
        self._start_stream()
        self._event(_chunk_event(model, {"role": "assistant", "content": ""}, None))
        for piece in _pieces(reply.content or "", reply.chunk_chars):
            self._event(_chunk_event(model, {"content": piece}, None))
        if reply.refusal:
            self._event(_chunk_event(model, {"refusal": reply.refusal}, None))
        self._event(_chunk_event(model, {}, reply.finish_reason))
        if reply.usage is not None and json.loads(body).get("stream_options", {}).get("include_usage"):
            self._event({**_chunk_event(model, {}, None), "choices": [], "usage": reply.usage})
        self._event("[DONE]")
        self._chunk(b"")

    def _cut_stream(self, cut: CutStream, body: bytes) -> None:
        model = _model(body)
        self._start_stream()
        for piece in _pieces(cut.content, cut.chunk_chars):
            self._event(_chunk_event(model, {"content": piece}, None))
        # Half a chunk, then the connection drops: the body never completes.
        self.wfile.write(b'40\r\ndata: {"id"')
        self.wfile.flush()
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)


def _wants_stream(body: bytes) -> bool:
    try:
        return bool(json.loads(body).get("stream"))
    except (ValueError, AttributeError):
        return False


def _model(body: bytes) -> str:
    try:
        return str(json.loads(body).get("model", "fake-model"))
    except (ValueError, AttributeError):
        return "fake-model"


def _pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def _chunk_event(model: str, delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 1_700_000_000,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _completion(reply: Reply, model: str) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.content, "refusal": reply.refusal},
                "finish_reason": reply.finish_reason,
            }
        ],
    }
    if reply.usage is not None:
        payload["usage"] = reply.usage
    return payload


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: FakeOpenAIServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Dropped connections are part of the script; stay quiet about them."""


class FakeOpenAIServer:
    """Start on enter (or `start()`), stop on exit (or `close()`)."""

    def __init__(self) -> None:
        self._queue: deque[Behaviour] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.hung = threading.Event()
        self.requests: list[RecordedRequest] = []
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-openai", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def settings(self, home: Path | None = None, **overrides: Any) -> Settings:
        """Settings that point the openai engine at this server, with a short timeout."""
        values: dict[str, Any] = {
            "engine": "openai",
            "openai_base_url": self.base_url,
            "openai_api_key": "sk-test-fake-server-key",
            "request_timeout": 2.0,
            "max_retries": 2,
        }
        if home is not None:
            values["home"] = home
        return Settings(**{**values, **overrides})

    def script(self, *behaviours: Behaviour) -> FakeOpenAIServer:
        with self._lock:
            self._queue.extend(behaviours)
        return self

    def hang_all(self) -> FakeOpenAIServer:
        """From now on every request is accepted and never answered, as by a wedged server."""
        self.hung.set()
        return self

    @property
    def posts(self) -> list[RecordedRequest]:
        """The completion requests, without the model-list probes."""
        return [r for r in self.requests if r.method == "POST"]

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def _next(self) -> Behaviour | None:
        with self._lock:
            return self._queue.popleft() if self._queue else None

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def start(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
