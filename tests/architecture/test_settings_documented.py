"""Every setting the app reads from the environment is documented in the README."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_environment_variable_the_settings_read_is_in_the_readme() -> None:
    source = (ROOT / "src" / "interviewer" / "config.py").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = set(re.findall(r'"((?:INTERVIEWER|OPENAI|CHROMA)_[A-Z_]+)"', source))

    assert {"INTERVIEWER_AUTH", "INTERVIEWER_ENGINES", "INTERVIEWER_DAILY_TOKENS"} <= names
    assert sorted(n for n in names if f"`{n}`" not in readme) == []
