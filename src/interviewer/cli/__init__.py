"""`interviewer …`: the command line. Each command parses its flags and calls one library function.

Commands that return data take `--json` and then print exactly one JSON document on stdout.
Errors go to stderr: exit code 2 for bad input, 1 for other failures.
"""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys
from collections.abc import Callable, Sequence
from typing import Any

from interviewer import __version__
from interviewer.cli.notes import cmd_ask, cmd_index, cmd_search
from interviewer.cli.output import emit_json
from interviewer.config import Settings
from interviewer.errors import BadInput, InterviewerError, SessionNotFound, storage_error
from interviewer.logs import configure_logging
from interviewer.web.serve import add_serve_command

log = logging.getLogger(__name__)

Handler = Callable[[argparse.Namespace, Settings], int]


def _add_notes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--notes",
        action="append",
        metavar="DIR",
        default=None,
        help="a folder of Markdown or text notes (repeatable); default: the shipped knowledge/",
    )


def _add_engine(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine",
        choices=["auto", "offline", "openai"],
        default=None,
        help="override INTERVIEWER_ENGINE (auto: OpenAI-compatible when a key or base URL is set)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interviewer",
        description="Practise ML/AI system-design interviews, get rubric feedback, ask your notes.",
    )
    parser.add_argument("--version", action="version", version=f"interviewer {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("index", help="index notes folders for search (incremental)")
    _add_notes(p)
    p.add_argument("--rebuild", action="store_true", help="drop the index and build it again")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(handler=cmd_index)

    p = sub.add_parser("search", help="hybrid search over the notes")
    p.add_argument("query")
    _add_notes(p)
    p.add_argument("-k", type=int, default=5, help="number of results (default 5)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_search)

    p = sub.add_parser("ask", help="answer a question from the notes, with citations")
    p.add_argument("question")
    _add_notes(p)
    _add_engine(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_ask)

    p = sub.add_parser("questions", help="list the question bank")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_cmd_questions)

    p = sub.add_parser("interview", help="run a mock interview in the terminal")
    p.add_argument("--question", metavar="ID", help="a question id (default: a random one)")
    p.add_argument(
        "--minutes", type=int, default=None, help="length: 20, 45 or 60 (default 45, or 20 for a drill)"
    )
    p.add_argument("--drill", metavar="PHASE", help="spend the whole time on one phase")
    p.add_argument("--resume", metavar="SESSION_ID", help="continue an unfinished session")
    p.add_argument("--answers", metavar="FILE", help="scripted candidate turns separated by '---' lines")
    _add_engine(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_cmd_interview)

    p = sub.add_parser("sessions", help="list, export or delete saved sessions")
    p.add_argument("action", choices=["list", "export", "delete"], nargs="?", default="list")
    p.add_argument("session_id", nargs="?")
    p.add_argument("--format", choices=["md", "json"], default="md")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_cmd_sessions)

    p = sub.add_parser("grade", help="grade one answer for one phase")
    p.add_argument("--question", required=True, metavar="ID_OR_TEXT")
    p.add_argument("--phase", required=True)
    src = p.add_mutually_exclusive_group()
    src.add_argument("--answer", metavar="TEXT", help="the answer (may be empty when --diagram is given)")
    src.add_argument("--answer-file", metavar="FILE")
    p.add_argument("--diagram", metavar="FILE.mmd", help="a Mermaid flowchart drawn with the answer")
    _add_engine(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_cmd_grade)

    p = sub.add_parser("report", help="write the scorecard report of a session")
    p.add_argument("session_id")
    p.add_argument("--format", choices=["md", "json"], default="md")
    p.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(handler=_cmd_report)
    add_serve_command(sub)
    return parser


def _settings_for(args: argparse.Namespace) -> Settings:
    settings = Settings.from_env()
    engine = getattr(args, "engine", None)
    if engine:
        settings = settings.model_copy(update={"engine": engine})
    return settings


def _cmd_questions(args: argparse.Namespace, settings: Settings) -> int:
    from interviewer.content.questions import QuestionBank

    bank = QuestionBank.load(settings.knowledge_dir)
    rows = [{"id": q.id, "title": q.title, "topic": q.topic, "difficulty": q.difficulty} for q in bank]
    if args.json:
        emit_json({"questions": rows})
        return 0
    width = max((len(r["id"]) for r in rows), default=2)
    for r in rows:
        sys.stdout.write(f"{r['id']:<{width}}  {r['difficulty']:<6}  {r['title']}\n")
    return 0


def _session_parts(settings: Settings) -> tuple[Any, Any, Any]:
    """The question bank, the store and the hiring scale, for the session commands."""
    from interviewer.content.questions import QuestionBank
    from interviewer.content.rubrics import RubricSet
    from interviewer.store.sessions import open_store

    settings.ensure_home()
    bank = QuestionBank.load(settings.knowledge_dir)
    return bank, open_store(settings), RubricSet.load(settings.knowledge_dir).scale


def notice(text: str) -> None:
    """One line on stderr about what the app did on its own, such as using the offline engine."""
    sys.stderr.write(f"interviewer: {text}\n")
    sys.stderr.flush()


class FallbackNotices:
    """Says when a turn or a grade came from the offline engine, and once when the breaker opened (the
    turns it keeps offline are not announced one by one)."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.graded: set[str] = set()
        self.breaker_open = False

    def after(self, reply: Any, grades: Any) -> None:
        from interviewer.errors import FALLBACK_WORDS

        if self.engine.name != "openai":
            return
        until = self.engine.breaker_until()
        if reply.fallback_reason is not None and not (self.breaker_open and until is not None):
            notice(f"{FALLBACK_WORDS[reply.fallback_reason]}; the offline interviewer said this turn")
        for phase, grade in grades.items():
            if grade.fallback_reason is not None and phase not in self.graded:
                self.graded.add(phase)
                notice(f"{FALLBACK_WORDS[grade.fallback_reason]}; the {phase} grade is the offline grader's")
        if until is not None and not self.breaker_open:
            notice(
                "the model server keeps failing or does not answer; the offline engine takes over until "
                f"{until:%H:%M:%S}"
            )
        self.breaker_open = until is not None


def _cmd_interview(args: argparse.Namespace, settings: Settings) -> int:
    import random
    import time
    from pathlib import Path

    from interviewer.grading.report import render_markdown
    from interviewer.interview.clock import SpeakingClock
    from interviewer.interview.commands import act, parse_script, phase_banner
    from interviewer.interview.engine import build_engine
    from interviewer.interview.session import InterviewSession
    from interviewer.phases import PHASES

    if args.drill is not None and args.drill not in PHASES:
        raise BadInput(f"unknown phase {args.drill!r} for --drill; choose one of: {', '.join(PHASES)}")
    script: list[str] | None = None
    if args.answers:
        try:
            script = parse_script(Path(args.answers).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise BadInput(f"cannot read the answers file {args.answers} ({exc})") from None
    bank, store, _ = _session_parts(settings)
    engine = build_engine(settings)
    out = sys.stdout if not args.json else sys.stderr
    quiet = args.json
    notices = FallbackNotices(engine)
    # A script is typed all at once; its clock moves by how long each turn takes to say instead.
    clock = SpeakingClock() if script is not None else time.time

    def say(stream: Any) -> None:
        if quiet:
            notices.after(stream.reply, session.grades)
            _spoken(stream)
            return
        before = phase_banner(session)
        out.write(f"\n[{before}]\nInterviewer: ")
        for piece in stream:
            out.write(piece)
            out.flush()
        after = phase_banner(session) if session.phase else before
        out.write(f"\n  [{after}]\n" if after != before else "\n")
        out.flush()
        notices.after(stream.reply, session.grades)
        if stream.reply.grade is not None:
            g = stream.reply.grade
            out.write(f"  [{g.phase} graded {g.score:.1f} / 5]\n")
        _spoken(stream)

    def _spoken(stream: Any) -> None:
        if isinstance(clock, SpeakingClock):
            clock.interviewer(stream.reply.text)

    if args.resume:
        session = InterviewSession.resume(args.resume, engine, store, bank.get, clock=clock)
        pending = session.catch_up()
        if pending is not None and not quiet:
            out.write(f"Interviewer: {pending.text}\n")
    else:
        question = bank.get(args.question) if args.question else random.choice(list(bank))
        minutes = args.minutes if args.minutes is not None else (20 if args.drill else 45)
        session = InterviewSession.create(
            question, engine, store, minutes=minutes, drill=args.drill, clock=clock
        )
        if not quiet:
            out.write(f"Session {session.id} · {question.title} · {engine.name} engine ({engine.reason})\n")
            out.write("Type your answer and press Enter. Commands: /hint, /next, /end.\n")
        say(session.start_stream())
    while not session.done:
        if script is not None:
            if not script:
                say(session.end_stream())
                break
            text = script.pop(0)
            if isinstance(clock, SpeakingClock):
                clock.candidate(text)
            if not quiet:
                out.write(f"\nYou: {text}\n")
        else:
            try:
                text = input("\nYou: ")
            except EOFError:
                text = "/end"
        say(act(session, text))
    report = session.report()
    if args.json:
        emit_json(report.to_json())
    else:
        out.write("\n" + render_markdown(report, transcript=False))
        out.write(
            f"\nSaved as session {session.id}; `interviewer report {session.id}` writes the full report.\n"
        )
    return 0


def _cmd_sessions(args: argparse.Namespace, settings: Settings) -> int:
    from interviewer.grading.grade import saved_grades
    from interviewer.grading.report import report_for
    from interviewer.grading.trends import history

    bank, store, scale = _session_parts(settings)
    if args.action == "list":
        rows = []
        for record in store.list_sessions():
            grades = {phase: round(g.score, 2) for phase, g in saved_grades(store, record.id).items()}
            rows.append(
                {
                    "id": record.id,
                    "question_id": record.question_id,
                    "created": record.created,
                    "state": record.state,
                    "engine": record.engine,
                    "minutes": record.minutes,
                    "drill": record.drill,
                    "scores": grades,
                }
            )
        trend = history(store)
        if args.json:
            emit_json({"sessions": rows, "history": trend.to_json()})
            return 0
        for r in rows:
            scores = " ".join(f"{k[:4]}={v:.1f}" for k, v in r["scores"].items()) or "no scores yet"
            sys.stdout.write(
                f"{r['id']}  {r['created']}  {r['state']:<12}  {r['question_id']:<26}  {scores}\n"
            )
        if not rows:
            sys.stdout.write("No saved sessions yet; start one with `interviewer interview`.\n")
        elif trend.next_drill:
            sys.stdout.write(f"\nNext drill: {trend.next_drill}. {trend.reason}\n")
        return 0
    if not args.session_id:
        raise BadInput(
            f"`interviewer sessions {args.action}` needs a SESSION_ID; list them with `interviewer sessions`"
        )
    if args.action == "delete":
        store.delete_session(args.session_id)
        if args.json:
            emit_json({"deleted": args.session_id})
        else:
            sys.stdout.write(f"Deleted session {args.session_id}.\n")
        return 0
    report = report_for(store, args.session_id, bank.get, scale)
    if args.json or args.format == "json":
        emit_json(report.to_json())
    else:
        sys.stdout.write(report.to_markdown())
    return 0


def _cmd_grade(args: argparse.Namespace, settings: Settings) -> int:
    """`interviewer grade`: grade one answer for one phase, offline or with the LLM grader."""
    from pathlib import Path

    from interviewer.diagrams.mermaid import read_mermaid
    from interviewer.grading.grade import format_grade
    from interviewer.grading.standalone import diagram_summary, grade_answer

    if args.answer_file is not None:
        try:
            answer = Path(args.answer_file).read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise BadInput(f"cannot read the answer file {args.answer_file}: {exc.strerror}") from None
    else:
        answer = args.answer or ""
    diagram = read_mermaid(Path(args.diagram)) if args.diagram is not None else None
    if diagram is None and args.answer is None and args.answer_file is None:
        raise BadInput("give the answer with --answer or --answer-file, or a drawing with --diagram")
    grade = grade_answer(settings, args.question, args.phase, answer, diagram=diagram)
    if grade.fallback_reason is not None:
        from interviewer.errors import FALLBACK_WORDS

        notice(f"{FALLBACK_WORDS[grade.fallback_reason]}; this is the offline grader's grade")
    if args.json:
        document = grade.model_dump(mode="json")
        if diagram is not None:
            document["diagram"] = diagram_summary(grade, diagram)
        emit_json(document)
    else:
        sys.stdout.write(format_grade(grade))
    return 0


def _cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from interviewer.grading.report import report_for

    bank, store, scale = _session_parts(settings)
    text = report_for(store, args.session_id, bank.get, scale).render(args.format)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise BadInput(f"cannot write {args.output} ({exc})") from None
        sys.stderr.write(f"wrote {args.output}\n")
    else:
        sys.stdout.write(text)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        try:
            settings = _settings_for(args)
            configure_logging(settings, verbose=args.verbose)
            return int(args.handler(args, settings))
        except (OSError, sqlite3.Error) as exc:  # a full or read-only data folder: a message, no traceback
            if (problem := storage_error(exc, f"interviewer {args.command}")) is None:
                raise
            raise problem from None
    except SessionNotFound:
        wanted = getattr(args, "session_id", None) or getattr(args, "resume", None)
        sys.stderr.write(
            f"interviewer: no saved session {wanted!r}; run `interviewer sessions` to list them\n"
        )
        return SessionNotFound.exit_code
    except InterviewerError as err:
        sys.stderr.write(f"interviewer: {err}\n")
        return err.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("interviewer: interrupted\n")
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
