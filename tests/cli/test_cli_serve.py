"""`interviewer serve` refuses to share the app without sign-in; the CLI reports a full or read-only data
folder as a message, never a traceback."""

from __future__ import annotations

import errno

import pytest

from interviewer.cli import main
from interviewer.web import serve as serve_module


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Commands `serve` would run, recorded instead of started."""
    commands: list[list[str]] = []
    folders: list[str] = []
    monkeypatch.setattr(serve_module.os, "execv", lambda path, command: commands.append(list(command)))
    monkeypatch.setattr(serve_module.os, "chdir", folders.append)
    return commands


def test_serve_refuses_every_interface_without_sign_in_and_says_how(
    launched: list[list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["serve", "--address", "0.0.0.0"])

    err = capsys.readouterr().err
    assert code == 2 and launched == []
    assert "INTERVIEWER_AUTH=header" in err and "Traceback" not in err


def test_serve_on_this_machine_starts_streamlit_with_small_uploads_and_no_error_details(
    launched: list[list[str]],
) -> None:
    assert main(["serve"]) == 0

    (command,) = launched
    flags = dict(zip(command[5::2], command[6::2], strict=False))
    assert command[2:4] == ["streamlit", "run"] and command[4].endswith("app.py")
    assert flags["--server.address"] == "localhost"
    assert flags["--server.maxUploadSize"] == "2"
    assert flags["--client.showErrorDetails"] == "none"


def test_serve_with_sign_in_may_listen_everywhere_and_dev_shows_details(
    launched: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERVIEWER_AUTH", "header")

    assert main(["serve", "--address", "0.0.0.0", "--port", "9000", "--dev"]) == 0
    flags = dict(zip(launched[0][5::2], launched[0][6::2], strict=False))
    assert flags["--server.address"] == "0.0.0.0" and flags["--server.port"] == "9000"
    assert flags["--client.showErrorDetails"] == "full"


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "free some space"),
        (errno.EROFS, "read-only file system"),
        (errno.EACCES, "write access"),
    ],
)
def test_a_full_or_read_only_data_folder_is_a_message_not_a_traceback(
    code: int, words: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from interviewer.config import Settings

    def refuse(self: Settings) -> None:
        raise OSError(code, "refused", "/srv/private/home")

    monkeypatch.setattr(Settings, "ensure_home", refuse)
    result = main(["sessions", "list"])

    err = capsys.readouterr().err
    assert result == 1
    assert words in err and "/srv/private" not in err and "Traceback" not in err
