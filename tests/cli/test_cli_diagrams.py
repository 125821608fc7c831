"""Diagrams in scripted interviews and in the reports: a turn holding a fenced ```mermaid block submits that
diagram, the JSON report carries it with its review, and the Markdown report shows it as a mermaid block with
what matched and what is missing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.locations import TEST_DATA

from interviewer.cli import main
from interviewer.interview.commands import parse_script

BLOCK = (TEST_DATA / "diagrams" / "yt-gap.mmd").read_text(encoding="utf-8")
SCRIPT = f"""\
I'd optimise long-term watch time, with about 50K requests a second at peak and a 200 ms budget.
---
/next
---
Here is my architecture: two stages, candidates then ranking, with profiles in Redis fed by Kafka.

```mermaid
{BLOCK}
```
---
/end
"""


def test_a_fenced_block_is_one_turn_even_with_dashes_inside() -> None:
    turns = parse_script(
        "first\n---\n```mermaid\n---\ntitle: x\n---\nflowchart LR\n  A --> B\n```\n---\nlast\n"
    )
    assert len(turns) == 3
    assert turns[1].startswith("```mermaid") and "title: x" in turns[1]


def _interview(tmp_path: Path, capsys: pytest.CaptureFixture[str], script: str) -> tuple[int, str, str]:
    path = tmp_path / "answers.txt"
    path.write_text(script, encoding="utf-8")
    code = main(["interview", "--question", "youtube-recommendations", "--answers", str(path), "--json"])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_scripted_turn_with_a_mermaid_block_submits_the_diagram(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _interview(tmp_path, capsys, SCRIPT)
    assert code == 0, err
    report = json.loads(out)
    [entry] = report["diagrams"]
    assert entry["phase"] == "architecture"
    assert "Redis profile" in entry["mermaid"]
    assert entry["reviewed"] and entry["level"] >= 2
    assert {"candidate": "Ranker", "reference": "Ranking model"} in entry["matched"]
    spoken = [t["text"] for t in report["turns"] if t["role"] == "candidate" and t["phase"] == "architecture"]
    assert spoken and "```" not in spoken[0]  # the block left the words and became the diagram
    assert report["grades"]["architecture"]["diagram"]["components"]

    session_id = report["session"]["id"]
    assert main(["report", session_id, "--format", "md"]) == 0
    markdown = capsys.readouterr().out
    assert "## Diagrams" in markdown and "```mermaid" in markdown
    assert "- Matched:" in markdown and "- Missing:" in markdown


def test_a_bad_block_in_a_script_fails_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = _interview(tmp_path, capsys, "Here:\n```mermaid\nflowchart LR\n  A -->\n```\n")
    assert code == 2
    assert "Mermaid line 4" in err
