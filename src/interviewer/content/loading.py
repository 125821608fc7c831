"""Loading YAML content files with every problem reported, not just the first."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from interviewer.errors import ContentError

M = TypeVar("M", bound=BaseModel)

# libyaml's loader when PyYAML was built with it: the same result as `yaml.safe_load`, ten times faster,
# which keeps the app's first page quick.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """Refuses a key said twice in one mapping, which YAML would otherwise settle silently by keeping the
    last (a second `wrong:` under one key point drops the first list)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} is given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_yaml_model(path: Path, model: type[M]) -> M:
    """Parse `path` as YAML into `model`. Raises `ContentError` listing each bad field with its path."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"{path}: cannot read the file ({exc})") from None
    except yaml.YAMLError as exc:
        raise ContentError(f"{path}: not valid YAML", [str(exc)]) from None
    if not isinstance(data, dict):
        raise ContentError(f"{path}: expected a mapping at the top level, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ContentError(f"{path}: {exc.error_count()} problem(s)", format_errors(exc, path)) from None


def format_errors(exc: ValidationError, path: Path) -> list[str]:
    problems = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        problems.append(f"{path.name}: {where}: {err['msg']}")
    return problems


def load_folder(folder: Path, model: type[M], pattern: str = "*.yaml") -> list[M]:
    """Load every file matching `pattern`; if any fail, raise one `ContentError` with all problems."""
    items: list[M] = []
    problems: list[str] = []
    for path in sorted(folder.glob(pattern)):
        try:
            items.append(load_yaml_model(path, model))
        except ContentError as err:
            problems.extend(err.problems or [str(err)])
    if problems:
        raise ContentError(f"{folder}: {len(problems)} problem(s) in the content files", problems)
    return items
