"""Prompt templates: `prompts/NAME.md`, loaded by name, versioned, with checked placeholders.

A template's first line is `<!-- prompt: NAME v3 -->`. Placeholders are written `{{ name }}`. Rendering
with a missing placeholder raises one error that names every missing name; extra values are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from interviewer.errors import ContentError

_HEADER = re.compile(r"^<!--\s*prompt:\s*(?P<name>[\w-]+)\s+v(?P<version>\d+)\s*-->\s*$")
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


@dataclass(frozen=True)
class Prompt:
    name: str
    version: int
    template: str

    @property
    def id(self) -> str:
        """`name@vN`, recorded with every grade and turn that used the prompt."""
        return f"{self.name}@v{self.version}"

    @property
    def placeholders(self) -> frozenset[str]:
        return frozenset(_PLACEHOLDER.findall(self.template))

    def render(self, **values: object) -> str:
        missing = sorted(self.placeholders - values.keys())
        if missing:
            raise ContentError(f"prompt {self.id} is missing values for: {', '.join(missing)}")
        return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), self.template)


def parse_prompt(text: str, source: str) -> Prompt:
    first, _, body = text.partition("\n")
    match = _HEADER.match(first.strip())
    if not match:
        raise ContentError(f"{source}: the first line must be `<!-- prompt: NAME vN -->`")
    return Prompt(match["name"], int(match["version"]), body.strip() + "\n")


class PromptLibrary:
    """Loads prompts from a folder by name and caches them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get(self, name: str) -> Prompt:
        return _load(self.folder / f"{name}.md")

    def names(self) -> list[str]:
        return sorted(p.stem for p in self.folder.glob("*.md"))


@cache
def _load(path: Path) -> Prompt:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(f"no prompt file at {path}") from None
    prompt = parse_prompt(text, str(path))
    if prompt.name != path.stem:
        raise ContentError(f"{path}: header names {prompt.name!r} but the file is {path.stem!r}")
    return prompt
