"""`interviewer serve`: run the browser app with the flags a served app needs, or refuse before starting.

It refuses an address beyond this machine unless users sign in (see `interviewer.web.auth`), caps uploads at
the size the notes index reads, and hides error details (tracebacks name server paths) unless `--dev`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from interviewer.config import Settings
from interviewer.errors import ConfigError, SignInRequired
from interviewer.web.auth import serving_problem

CHECKOUT_APP = Path(__file__).resolve().parents[3] / "app.py"
"""`app.py` of the checkout this package runs from (an editable install); else the one in the current folder."""
UPLOAD_MB = 2
"""Streamlit's `server.maxUploadSize`, in MB: the largest notes file the index reads."""


def add_serve_command(sub: Any) -> None:
    """Register `serve` on the CLI's subcommands."""
    p = sub.add_parser(
        "serve", help="run the browser app (refuses to listen beyond this machine without sign-in)"
    )
    p.add_argument("--address", default="localhost", help="the address to listen on (default: localhost)")
    p.add_argument("--port", type=int, default=8501, help="the port (default 8501)")
    p.add_argument("--dev", action="store_true", help="show error details and tracebacks in the page")
    p.set_defaults(handler=serve)


def streamlit_command(settings: Settings, address: str, port: int, *, dev: bool = False) -> list[str]:
    """The `streamlit run` command line for these settings; raises `SignInRequired` where it must not run."""
    problem = serving_problem(settings, address)
    if problem is not None:
        raise SignInRequired(problem)
    app = app_script()
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.address",
        address,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.maxUploadSize",
        str(UPLOAD_MB),
        "--client.showErrorDetails",
        "full" if dev else "none",
        "--browser.gatherUsageStats",
        "false",
    ]


def app_script() -> Path:
    for app in (CHECKOUT_APP, Path.cwd() / "app.py"):
        if app.is_file():
            return app
    raise ConfigError("no app.py here: run `interviewer serve` from the folder that holds app.py and views/")


def serve(args: argparse.Namespace, settings: Settings) -> int:
    """Become `streamlit run` (so a signal to this process reaches the server), from the app's folder,
    whose `.streamlit/config.toml` Streamlit reads."""
    command = streamlit_command(settings, args.address, args.port, dev=args.dev)
    os.chdir(Path(command[4]).parent)
    os.execv(command[0], command)
    return 0  # only reached where exec is replaced, as in tests
