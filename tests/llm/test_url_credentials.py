"""Credentials in OPENAI_BASE_URL never reach an error message or a log line."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import pytest

from interviewer.config import Settings
from interviewer.errors import LLMError
from interviewer.llm.breaker import CircuitBreaker
from interviewer.llm.openai_client import OpenAIChat
from interviewer.llm.protocol import Message


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_base_url_with_a_password_is_redacted_in_errors_and_logs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    url = f"http://proxyuser:s3cret@127.0.0.1:{_closed_port()}/v1"
    chat = OpenAIChat(Settings(home=tmp_path, openai_base_url=url, max_retries=0), breaker=CircuitBreaker())

    with pytest.raises(LLMError) as caught:
        chat.complete([Message(role="user", content="hello")])

    for text in (str(caught.value), caplog.text):
        assert "s3cret" not in text and "proxyuser" not in text
    assert "***@127.0.0.1" in str(caught.value) or "***@127.0.0.1" in caplog.text
