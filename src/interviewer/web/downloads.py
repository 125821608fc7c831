"""What the scorecard offers to download: the report as Markdown, HTML and JSON, and the whole transcript.

Diagrams go with them: the Markdown report and the transcript carry each drawing as a Mermaid block (which
GitHub, GitLab and most Markdown editors draw), the HTML report as an inline SVG picture beside the
reference design, with nothing to fetch.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from interviewer.diagrams.mermaid import to_mermaid
from interviewer.grading.report import clock_stamp
from interviewer.phases import PHASE_NAMES, PHASES, Phase
from interviewer.web.diagram_views import comparison_markdown

if TYPE_CHECKING:
    from interviewer.diagrams.model import Diagram
    from interviewer.grading.report import Report
    from interviewer.web.diagram_views import DiagramComparison

HTML_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; line-height: 1.5;
       max-width: 1000px; margin: 2rem auto; padding: 0 1rem; color: #263238; }
pre { background: #f5f5f5; padding: .75rem; overflow-x: auto; }
blockquote { border-left: 3px solid #cfd8dc; margin-left: 0; padding-left: 1rem; color: #546e7a; }
.figures { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
figure { margin: 0; flex: 1 1 420px; }
figcaption { font-weight: 600; margin-bottom: .25rem; }
"""
LEGEND = "Green: matched · red, dashed: missing · grey: out of place · orange: check this flow."


@dataclass(frozen=True)
class Downloads:
    stem: str
    markdown: str
    json: str
    transcript: str
    html: str


def downloads_for(
    report: Report,
    comparisons: Mapping[Phase, DiagramComparison] | None = None,
    drawings: Mapping[int, Diagram] | None = None,
) -> Downloads:
    """The files, named `interview-<question>-<session>…`. `comparisons` are the graded drawings beside the
    reference design, by phase; `drawings` the diagram each candidate turn carried, by turn number."""
    comparisons = {p: comparisons[p] for p in PHASES if comparisons and p in comparisons}
    markdown = report.to_markdown().rstrip() + "\n"
    for phase, comparison in comparisons.items():
        markdown += "\n" + comparison_markdown(comparison, f"Diagram: {PHASE_NAMES[phase]}")
    return Downloads(
        stem=f"interview-{report.session.question_id}-{report.session.id}",
        markdown=markdown,
        json=report.model_dump_json(indent=2) + "\n",
        transcript=transcript_markdown(report, drawings or {}),
        html=report_html(report, comparisons),
    )


def transcript_markdown(report: Report, drawings: Mapping[int, Diagram] | None = None) -> str:
    """The whole conversation, as Markdown, with timestamps from the start of the interview."""
    drawings = drawings or {}
    lines = [
        f"# Transcript: {report.session.title}",
        "",
        f"Session `{report.session.id}` · {report.session.created}",
        "",
    ]
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
            drawn = drawings.get(t.seq)
            said = t.text or ("*(the drawing)*" if drawn is not None else "*(said nothing)*")
            lines += [f"**You** [{stamp}]: {said}", ""]
            if drawn is not None:
                lines += ["```mermaid", to_mermaid(drawn).rstrip(), "```", ""]
    return "\n".join(lines).rstrip() + "\n"


def report_html(report: Report, comparisons: Mapping[Phase, DiagramComparison] | None = None) -> str:
    """The report as one self-contained HTML page: the Markdown report rendered (any HTML in it shown as
    text), then each graded drawing beside the reference design as inline SVG."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    body = [md.render(report.to_markdown())]
    for phase, comparison in (comparisons or {}).items():
        figures = [f for f in (comparison.candidate, comparison.reference) if f is not None]
        body.append(f"<h2>Diagram: {html.escape(PHASE_NAMES[phase])}</h2>")
        body.append('<div class="figures">')
        body += [f"<figure><figcaption>{html.escape(f.title)}</figcaption>{f.svg}</figure>" for f in figures]
        body.append(f"</div><p><small>{html.escape(LEGEND)}</small></p>")
        body.append(md.render(comparison.summary))
    title = html.escape(f"Interview report: {report.session.title}")
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{HTML_STYLE}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )
