"""The interview as typed in a terminal or a script: `/hint`, `/next`, `/end`, scripts and the phase banner."""

from __future__ import annotations

from interviewer.interview.replies import ReplyStream
from interviewer.interview.session import InterviewSession
from interviewer.phases import PHASE_NAMES


def phase_banner(session: InterviewSession) -> str:
    """`Requirements · 7 min left` for the terminal and the status bar."""
    if session.phase is None:
        return "Wrap-up" if session.state == "wrap_up" else session.state.replace("_", " ").capitalize()
    left = session.minutes_left
    when = f"{left:.0f} min left" if left >= 0 else f"{-left:.0f} min over"
    position = session.order.index(session.phase) + 1
    return f"{PHASE_NAMES[session.phase]} ({position}/{len(session.order)}) \u00b7 {when}"


COMMANDS = ("/hint", "/next", "/end")


def act(session: InterviewSession, text: str) -> ReplyStream:
    """One candidate turn as typed: `/hint`, `/next` and `/end` are commands, anything else is submitted."""
    command = text.strip().lower()
    if command == "/hint":
        return session.hint_stream()
    if command == "/next":
        return session.next_phase_stream()
    if command == "/end":
        return session.end_stream()
    return session.submit_stream(text)


def parse_script(text: str) -> list[str]:
    """Candidate turns separated by lines holding only `---` (outside fenced blocks, so a ```mermaid block
    keeps its own `---` lines). Blank turns stay (they are silences), except a trailing one left by a final
    separator."""
    turns: list[str] = []
    current: list[str] = []
    fence = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped[:3] in ("```", "~~~") and (not fence or stripped.startswith(fence)):
            fence = "" if fence else stripped[:3]  # a fenced block (a ```mermaid diagram) is one turn's
        if stripped == "---" and not fence:
            turns.append("\n".join(current).strip())
            current = []
        else:
            current.append(line)
    tail = "\n".join(current).strip()
    if tail or not turns:
        turns.append(tail)
    if turns == [""]:
        return []
    return turns
