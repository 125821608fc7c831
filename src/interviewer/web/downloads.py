"""What the scorecard offers to download: the report as Markdown and JSON, and the whole transcript."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from interviewer.grading.report import clock_stamp

if TYPE_CHECKING:
    from interviewer.grading.report import Report


@dataclass(frozen=True)
class Downloads:
    stem: str
    markdown: str
    json: str
    transcript: str


def downloads_for(report: Report) -> Downloads:
    """The three files, named `interview-<question>-<session>…`."""
    return Downloads(
        stem=f"interview-{report.session.question_id}-{report.session.id}",
        markdown=report.to_markdown(),
        json=report.model_dump_json(indent=2) + "\n",
        transcript=transcript_markdown(report),
    )


def transcript_markdown(report: Report) -> str:
    """The whole conversation, as Markdown, with timestamps from the start of the interview."""
    lines = [
        f"# Transcript: {report.session.title}",
        "",
        f"Session `{report.session.id}` · {report.session.created}",
        "",
    ]
    drawn = {d.seq: d.mermaid for d in report.diagrams}  # each phase's last diagram, under its turn
    for t in report.turns:
        stamp = clock_stamp(t.elapsed_s)
        if t.role == "system":
            lines += [f"**— {t.text} —**", ""]
        elif t.role == "interviewer":
            label = " (hint)" if t.kind == "hint" else ""
            lines += [f"**Interviewer**{label} [{stamp}]: {t.text}", ""]
        elif t.kind == "notes_lookup":
            query, _, found = t.text.partition("\n")
            lines += [f"*[{stamp}] looked up the notes: {query}*", "", found.strip(), ""]
        elif t.kind in ("hint", "system"):
            lines += [f"*[{stamp}] {t.text}*", ""]
        else:
            lines += [f"**You** [{stamp}]: {t.text or '*(said nothing)*'}", ""]
            if t.seq in drawn:
                lines += ["```mermaid", drawn[t.seq].rstrip(), "```", ""]
    return "\n".join(lines).rstrip() + "\n"
