"""What the scorecard offers to download: the report as Markdown, HTML and JSON, and the whole transcript.

Diagrams go with them. The report (`grading.report_diagrams`) and the transcript carry each phase's last
drawing as a Mermaid block (which GitHub, GitLab and most Markdown editors draw); the Markdown report adds
the reference design each graded drawing was compared with. The HTML report draws every Mermaid block as
an inline SVG picture, a graded drawing beside its reference design with the differences marked, and
needs nothing from the network.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from interviewer.diagrams.mermaid import parse_mermaid, to_mermaid
from interviewer.diagrams.svg import render_svg
from interviewer.errors import BadInput
from interviewer.grading.report import clock_stamp
from interviewer.phases import PHASE_NAMES, PHASES, Phase

if TYPE_CHECKING:
    from interviewer.grading.report import Report
    from interviewer.web.diagram_views import DiagramComparison, Figure

HTML_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; line-height: 1.5;
       max-width: 1000px; margin: 2rem auto; padding: 0 1rem; color: #263238; }
pre { background: #f5f5f5; padding: .75rem; overflow-x: auto; }
blockquote { border-left: 3px solid #cfd8dc; margin-left: 0; padding-left: 1rem; color: #546e7a; }
.figures { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
figure { margin: 0 0 1rem 0; flex: 1 1 420px; overflow-x: auto; }
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


def downloads_for(report: Report, comparisons: Mapping[Phase, DiagramComparison] | None = None) -> Downloads:
    """The files, named `interview-<question>-<session>…`. `comparisons` are the graded drawings beside
    their reference designs, by phase."""
    ordered = {p: comparisons[p] for p in PHASES if comparisons and p in comparisons}
    return Downloads(
        stem=f"interview-{report.session.question_id}-{report.session.id}",
        markdown=report_markdown(report, ordered),
        json=report.model_dump_json(indent=2) + "\n",
        transcript=transcript_markdown(report),
        html=report_html(report, ordered),
    )


def report_markdown(report: Report, comparisons: Mapping[Phase, DiagramComparison]) -> str:
    """The Markdown report, then the reference design of each graded drawing as a Mermaid block."""
    markdown = report.to_markdown().rstrip() + "\n"
    for phase, comparison in comparisons.items():
        if comparison.reference is not None:
            block = comparison.reference.mermaid.rstrip()
            markdown += f"\n## Reference design: {PHASE_NAMES[phase]}\n\n```mermaid\n{block}\n```\n"
    return markdown


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
            said = t.text or ("*(the drawing)*" if t.seq in drawn else "*(said nothing)*")
            lines += [f"**You** [{stamp}]: {said}", ""]
            if t.seq in drawn:
                lines += ["```mermaid", drawn[t.seq].rstrip(), "```", ""]
    return "\n".join(lines).rstrip() + "\n"


def _figure(figure: Figure) -> str:
    return f"<figure><figcaption>{html.escape(figure.title)}</figcaption>{figure.svg}</figure>"


def _mermaid_picture(source: str, comparisons: Mapping[Phase, DiagramComparison]) -> str:
    """A Mermaid block as a picture: a graded drawing beside its reference design, any other one alone; a
    block that cannot be read stays code."""
    for comparison in comparisons.values():
        if to_mermaid(comparison.candidate.diagram).rstrip() == source.rstrip():
            figures = [f for f in (comparison.candidate, comparison.reference) if f is not None]
            pictures = "".join(_figure(f) for f in figures)
            return f'<div class="figures">{pictures}</div><p><small>{html.escape(LEGEND)}</small></p>\n'
    try:
        diagram = parse_mermaid(source)
    except BadInput:
        return f"<pre><code>{html.escape(source)}</code></pre>\n"
    return f"<figure>{render_svg(diagram)}</figure>\n"


def report_html(report: Report, comparisons: Mapping[Phase, DiagramComparison] | None = None) -> str:
    """The report as one self-contained HTML page: the Markdown report rendered (any HTML written in an
    answer shown as text), its Mermaid blocks drawn, a graded drawing beside its reference design."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table")

    def fence(renderer: Any, tokens: Sequence[Any], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        if token.info.strip() == "mermaid":
            return _mermaid_picture(token.content, comparisons or {})
        return str(renderer.fence(tokens, idx, options, env))

    md.add_render_rule("fence", fence)
    title = html.escape(f"Interview report: {report.session.title}")
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{HTML_STYLE}</style></head><body>\n{md.render(report.to_markdown())}"
        "</body></html>\n"
    )
