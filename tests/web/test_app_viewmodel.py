"""The browser app's view-model, driven directly: one `Workbench` (`interviewer.web.workbench`) per browser tab, with
its notes desk and dictation, and the History page's rows (`interviewer.web.history`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interviewer.config import Settings
from interviewer.errors import BadInput, ConfigError, LLMUnavailable
from interviewer.llm.breaker import CircuitBreaker
from interviewer.testing import FakeClock, FakeEmbedder, FakeSpeaker, FakeTranscriber, FunctionLLM, silent_wav
from interviewer.web.display import chart_data, gap_lines, plain, safe_markdown
from interviewer.web.history import history_rows, session_label, table, trend_chart, trends
from interviewer.web.timeline import clock_text
from interviewer.web.uploads import MARKER
from interviewer.web.workbench import Overrides, Shared, Workbench

QUESTION = "youtube-recommendations"
REQUIREMENTS = (
    "We optimise long-term watch time rather than clicks. With 500 million daily active users and about "
    "50K requests per second at peak, the home page needs an answer within 200 milliseconds."
)


@pytest.fixture(scope="module")
def embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def shared(tmp_path: Path, embedder: FakeEmbedder) -> Shared:
    return Shared.build(Settings(home=tmp_path / "home"), embedder=embedder)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def wb(shared: Shared, clock: FakeClock) -> Workbench:
    return Workbench(shared, Overrides(clock=clock, speaker=FakeSpeaker(), breaker=CircuitBreaker()))


def started(wb: Workbench, minutes: int = 45, **kwargs: object) -> Workbench:
    "".join(wb.start(QUESTION, minutes, **kwargs))  # type: ignore[arg-type]
    return wb


# -- the start screen -----------------------------------------------------------------------------------


def test_questions_filter_by_difficulty_and_topic(wb: Workbench) -> None:
    everything = wb.questions()
    hard = wb.questions(["hard"])
    topic = everything[0].topic

    assert len(everything) == len(wb.shared.bank)
    assert hard and all(q.difficulty == "hard" for q in hard)
    assert all(q.topic == topic for q in wb.questions(topics=[topic]))
    assert wb.questions(["easy", "medium", "hard"], [topic]) == wb.questions(topics=[topic])


def test_the_difficulties_offered_are_those_the_bank_holds_easiest_first(wb: Workbench) -> None:
    offered = wb.difficulties()

    assert offered == sorted({q.difficulty for q in wb.shared.bank}, key=["easy", "medium", "hard"].index)
    assert all(wb.questions([d]) for d in offered)


def test_without_a_key_the_engine_is_offline_and_says_why(wb: Workbench) -> None:
    info = wb.engine_info("auto")

    assert info.name == "offline"
    assert "OPENAI_API_KEY" in info.reason
    assert info.problem is None


def test_choosing_openai_without_a_key_names_the_fix_and_refuses_to_start(wb: Workbench) -> None:
    info = wb.engine_info("openai")

    assert info.name is None
    assert info.problem is not None and "OPENAI_API_KEY" in info.problem
    with pytest.raises(ConfigError):
        wb.start(QUESTION, 45, engine="openai")
    assert wb.session is None


def test_a_random_question_comes_from_the_filtered_pool(wb: Workbench) -> None:
    pool = [q.id for q in wb.questions(["hard"])]
    "".join(wb.start(None, 45, pool=pool))

    assert wb.session is not None
    assert wb.session.question.id in pool


def test_only_the_offered_lengths_are_accepted(wb: Workbench) -> None:
    with pytest.raises(BadInput, match="20, 45, 60"):
        wb.start(QUESTION, 30)


# -- the interview ----------------------------------------------------------------------------------------


def test_starting_streams_the_opening_question_and_saves_it(wb: Workbench) -> None:
    live = wb.start(QUESTION, 45)
    pieces = list(live)

    assert len(pieces) > 1
    opener = "".join(pieces).strip()
    lines = wb.chat()
    assert lines[0].role == "event" and "Requirements" in lines[0].text
    assert lines[1].role == "interviewer" and lines[1].text == opener
    assert live.reply.text == opener


def test_the_timeline_shows_the_five_phases_and_the_time_left(wb: Workbench, clock: FakeClock) -> None:
    started(wb)
    clock.advance(minutes=2)
    t = wb.timeline()

    assert [s.letter for s in t.slots] == ["R", "A", "D", "I", "O"]
    assert [s.status for s in t.slots] == ["current", "next", "next", "next", "next"]
    assert t.phase == "requirements"
    assert t.phase_left_min == pytest.approx(t.slots[0].planned_min - 2)
    assert t.total_left_min == pytest.approx(45 - 2)
    assert t.urgency == "calm" and t.message is None


def test_the_timeline_warns_when_time_runs_short_and_when_it_is_up(wb: Workbench, clock: FakeClock) -> None:
    started(wb)
    planned = wb.timeline().slots[0].planned_min

    clock.advance(minutes=planned - 0.5)
    short = wb.timeline()
    clock.advance(minutes=1)
    over = wb.timeline()

    assert short.urgency == "short" and "0:30 left" in (short.message or "")
    assert over.urgency == "over" and "Time is up" in (over.message or "")
    assert clock_text(over.phase_left_min) == "-0:30"


def test_a_drill_has_one_phase_on_its_timeline(wb: Workbench) -> None:
    started(wb, minutes=20, drill="deep_dive")
    t = wb.timeline()

    assert [s.phase for s in t.slots] == ["deep_dive"]
    assert t.slots[0].planned_min == 20


def test_answer_hint_and_next_phase_show_in_the_chat_with_a_feedback_card(wb: Workbench) -> None:
    started(wb)
    "".join(wb.submit(REQUIREMENTS))
    "".join(wb.hint())
    reply = wb.next_phase().reply
    lines = wb.chat()

    assert [line.text for line in lines if line.role == "candidate"] == [REQUIREMENTS]
    assert any(line.role == "interviewer" and line.note == "hint" for line in lines)
    assert any(line.role == "event" and line.text == "Asked for a hint" for line in lines)
    assert lines[-2].role == "event" and "Architecture" in lines[-2].text
    assert reply.ended_phase == "requirements"
    cards = wb.feedback()
    assert len(cards) == 1 and cards[0].title.startswith("Requirements:")
    assert cards[0].grade.score == reply.grade.score  # type: ignore[union-attr]
    assert [s.status for s in wb.timeline().slots][:2] == ["done", "current"]
    assert any("Feedback on requirements" in n.text for n in wb.take_notices())


def test_an_empty_answer_is_refused_before_reaching_the_interviewer(wb: Workbench) -> None:
    started(wb)
    with pytest.raises(BadInput):
        wb.submit("   ")


def test_long_input_is_capped_with_a_notice(wb: Workbench) -> None:
    started(wb)
    "".join(wb.submit("word " * 3000))

    notices = [n for n in wb.take_notices() if n.level == "warning"]
    assert any("only the first 8,000" in n.text for n in notices)
    assert wb.chat()[-2].note == "cut to 8,000 characters"


def test_ending_gives_the_scorecard_and_the_downloads(wb: Workbench) -> None:
    started(wb)
    "".join(wb.submit(REQUIREMENTS))
    "".join(wb.end())
    report = wb.report()
    files = wb.downloads()

    assert wb.session is not None and wb.session.done
    assert report.scorecard.phases[0].score is not None
    assert chart_data(report)["Phase"][0] == "Requirements"
    assert files.markdown.startswith("# Interview report: Design YouTube video recommendations")
    assert json.loads(files.json)["session"]["id"] == wb.session_id
    assert REQUIREMENTS in files.transcript
    assert files.stem == f"interview-{QUESTION}-{wb.session_id}"


def test_the_scorecard_says_no_gaps_only_when_every_criterion_is_at_the_top(wb: Workbench) -> None:
    started(wb)
    "".join(wb.submit(REQUIREMENTS))
    "".join(wb.end())
    card = wb.report().scorecard
    assert card.below_top  # a short interview leaves criteria below 5

    with_gaps = gap_lines(card)
    no_points_missed = gap_lines(card.model_copy(update={"gaps": []}))
    all_top = gap_lines(card.model_copy(update={"gaps": [], "below_top": []}))

    assert with_gaps[0].startswith("1. **") and "Study *" in with_gaps[0]
    assert not any("No gaps found" in line for line in with_gaps + no_points_missed)
    assert no_points_missed[0].startswith("No key point was missed")
    assert f"{card.below_top[0].score} / 5" in no_points_missed[1]
    assert all_top == ["No gaps found: every criterion is at the top level."]


# -- failures --------------------------------------------------------------------------------------------------


def test_a_failing_model_is_replaced_by_the_offline_interviewer_with_a_notice(shared: Shared) -> None:
    def down(call: object) -> str:
        raise LLMUnavailable("the server did not answer")

    llm = FunctionLLM(down)
    wb = Workbench(shared, Overrides(chat=llm, breaker=CircuitBreaker()))
    opener = "".join(wb.start(QUESTION, 45))

    assert wb.session is not None and wb.session.engine.name == "openai"
    assert llm.calls, "the model was asked first"
    assert "design the system" in opener.lower()
    notices = [n.text for n in wb.take_notices()]
    assert any(
        n.startswith("The model server could not be reached, so the offline interviewer replied")
        for n in notices
    )
    assert not any("the server did not answer" in n for n in notices), "no exception text"
    assert wb.chat()[1].text == opener.strip()


def test_the_status_reports_an_open_breaker_with_the_time_it_closes(shared: Shared) -> None:
    breaker = CircuitBreaker(threshold=1)
    wb = Workbench(shared, Overrides(breaker=breaker))
    assert wb.status().breaker_notice is None

    breaker.record_failure()
    status = wb.status()

    assert status.breaker.status == "open"
    assert status.breaker_notice is not None and "offline engine until" in status.breaker_notice


def test_the_status_never_shows_the_key(tmp_path: Path, embedder: FakeEmbedder) -> None:
    settings = Settings(home=tmp_path / "home", openai_api_key="sk-secret-value", engine="offline")
    status = Workbench(Shared.build(settings, embedder=embedder)).status()

    assert status.key_set is True
    assert "sk-secret-value" not in repr(status)
    assert status.data_folder == str(tmp_path / "home")


# -- refresh, resume, history ------------------------------------------------------------------------------


def test_another_workbench_restores_the_interview_from_its_id(wb: Workbench, shared: Shared) -> None:
    started(wb)
    "".join(wb.submit(REQUIREMENTS))
    other = Workbench(shared)
    other.restore(wb.session_id)

    assert other.session_id == wb.session_id
    assert [line.text for line in other.chat()] == [line.text for line in wb.chat()]


def test_a_restored_interview_on_automatic_keeps_the_automatic_reason(wb: Workbench, shared: Shared) -> None:
    started(wb)
    before = wb.engine_line()
    other = Workbench(shared)
    other.restore(wb.session_id)

    assert other.engine_line() == before == ("offline", shared.settings.engine_reason)
    assert "chosen explicitly" not in other.engine_line()[1]
    assert "chosen explicitly" not in other.status().engine_reason


def test_an_offline_interview_resumed_where_automatic_means_openai_says_it_continues_offline(
    wb: Workbench, tmp_path: Path, embedder: FakeEmbedder
) -> None:
    started(wb)
    keyed = Settings(home=wb.settings.home, openai_api_key="sk-test")
    other = Workbench(Shared.build(keyed, embedder=embedder))
    other.resume(wb.session_id or "")

    name, reason = other.engine_line()
    assert name == "offline"
    assert reason == "this interview was started on the offline engine, so it continues on it"


def test_the_status_names_the_offline_strategies_not_the_configured_models(wb: Workbench) -> None:
    started(wb)
    status = wb.status()

    assert status.engine == "offline"
    assert "gpt" not in status.interviewer + status.grader
    assert "offline engine's own interviewer" in status.interviewer
    assert "offline engine's own grader" in status.grader


def test_the_status_names_the_configured_models_on_the_openai_engine(shared: Shared) -> None:
    wb = Workbench(shared, Overrides(chat=FunctionLLM(lambda call: "Tell me more.")))
    status = wb.status()

    assert status.engine == "openai"
    assert status.interviewer == f"`{shared.settings.chat_model}`"
    assert status.grader == f"`{shared.settings.grader_model}`"


def test_restoring_a_deleted_interview_leaves_a_notice(wb: Workbench) -> None:
    wb.restore("no-such-id")

    assert wb.session is None
    assert any("Interview not found" in n.text for n in wb.take_notices())


def test_a_reply_cut_off_by_a_refresh_is_given_on_resume(wb: Workbench, shared: Shared) -> None:
    started(wb)
    wb.submit(REQUIREMENTS)  # never iterated: the tab was refreshed before the reply streamed
    other = Workbench(shared)
    reply = other.resume(wb.session_id or "")

    assert reply is not None and reply.text
    assert other.chat()[-1].role == "interviewer"


def test_history_lists_sessions_newest_first_with_scores_and_trends(
    wb: Workbench, shared: Shared, clock: FakeClock
) -> None:
    started(wb)
    "".join(wb.submit(REQUIREMENTS))
    "".join(wb.end())
    first = wb.session_id
    clock.advance(minutes=60)
    started(wb)
    rows = history_rows(shared.store, shared.bank, shared.rubrics)

    assert [r.session_id for r in rows] == [wb.session_id, first]
    assert rows[0].finished is False and rows[0].overall is None
    assert rows[1].finished is True and rows[1].overall is not None
    assert rows[1].scores["Requirements"] is not None
    trend = trends(rows)
    assert len(trend["Session"]) == 1 and trend["Requirements"] == [rows[1].scores["Requirements"]]
    assert "Architecture" not in trend
    assert trend_chart(rows) is None
    shown = table(rows)
    assert shown[0]["Overall"] == "—" and "None" not in shown[0].values()
    assert shown[1]["Overall"] == f"{rows[1].overall:.1f}" and shown[1]["Signal"] == rows[1].signal


def test_the_trend_chart_draws_a_phase_scored_once_as_a_point_with_whole_axis_labels(
    wb: Workbench, shared: Shared, clock: FakeClock
) -> None:
    started(wb)
    "".join(wb.submit(REQUIREMENTS))
    "".join(wb.end())
    clock.advance(minutes=60)
    started(wb, 20, drill="architecture")
    "".join(wb.submit("Candidate generation, then a ranker, with a feature store and a cache."))
    "".join(wb.end())
    rows = history_rows(shared.store, shared.bank, shared.rubrics)

    chart = trend_chart(rows)

    assert chart is not None
    points = chart["data"]["values"]
    assert [p["Session"] for p in points if p["Phase"] == "Architecture"] == [session_label(rows[0])]
    assert chart["mark"]["point"]
    assert chart["encoding"]["x"]["sort"] == [session_label(rows[1]), session_label(rows[0])]
    assert chart["encoding"]["x"]["axis"]["labelLimit"] == 0


def test_deleting_the_open_interview_closes_it(wb: Workbench) -> None:
    started(wb)
    session_id = wb.session_id or ""
    wb.delete(session_id)

    assert wb.session is None
    assert history_rows(wb.shared.store, wb.shared.bank, wb.shared.rubrics) == []
    with pytest.raises(BadInput):
        wb.delete(session_id)


# -- notes -------------------------------------------------------------------------------------------------------


def test_a_lookup_during_the_interview_is_marked_in_the_transcript(wb: Workbench) -> None:
    started(wb)
    progress: list[tuple[int, int]] = []
    lookup = wb.lookup("feature store", progress=lambda done, total, label: progress.append((done, total)))

    assert lookup.logged and lookup.results
    assert any("feature store" in r.heading.lower() or "feature" in r.text.lower() for r in lookup.results)
    assert wb.chat()[-1] == type(wb.chat()[-1])("event", "Looked up the notes: “feature store”")
    saved = wb.shared.store.turns(wb.session_id or "")[-1]
    assert saved.kind == "notes_lookup" and saved.text.startswith("feature store\n")
    assert progress and progress[-1][0] == progress[-1][1]


def test_uploaded_notes_are_saved_indexed_and_answered_from_with_citations(wb: Workbench) -> None:
    note = b"# Caching\n\n## Cache hit rate\n\nA result cache with a 60% hit rate cuts the load on the ranking service by more than half.\n"
    folder = wb.notes.save_uploads([("../caching notes.md", note), ("image.png", b"\x89PNG")])
    reports = wb.notes.index_notes()
    answer = wb.notes.ask("What does the cache hit rate do to the load on ranking?")
    text = "".join(answer)

    assert folder.parent.parent == wb.settings.home / "uploads"
    assert folder.parent.name.startswith("local-"), "uploads are kept per user"
    assert [p.name for p in folder.iterdir() if p.name != MARKER] == ["caching_notes.md"]
    assert reports[0].indexed == ["caching_notes.md"]
    assert "[1]" in text
    assert answer.result.citations[0].heading == "Cache hit rate"
    assert wb.notes.conversation[-1].question.startswith("What does the cache hit rate")


def test_uploads_without_markdown_are_refused(wb: Workbench) -> None:
    with pytest.raises(BadInput, match="Markdown"):
        wb.notes.save_uploads([("photo.png", b"\x89PNG")])


def test_a_missing_notes_folder_is_refused_with_the_path(wb: Workbench, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="no folder at"):
        wb.notes.use_folder(str(tmp_path / "nowhere"))


# -- voice ---------------------------------------------------------------------------------------------------------


def test_a_recording_is_transcribed_once_and_its_delivery_measured(shared: Shared) -> None:
    transcriber = FakeTranscriber("Um, we need, uh, 500 million users and a 200 ms budget.", duration_s=6.0)
    wb = Workbench(shared, Overrides(transcriber=transcriber))
    audio = silent_wav()
    first = wb.voice.transcribe(audio)
    again = wb.voice.transcribe(audio)
    figures = wb.voice.delivery(first.text, first.seconds)

    assert again is first and len(transcriber.calls) == 1
    assert figures.words == 12  # fillers are words said, so they count towards the pace
    assert figures.words_per_minute == pytest.approx(120.0)
    assert figures.fillers == 2 and figures.fillers_per_minute == pytest.approx(20.0)


def test_a_spoken_answer_is_sent_as_corrected_with_its_delivery(shared: Shared) -> None:
    transcriber = FakeTranscriber("We optimise watch time with 500 million users.", duration_s=4.0)
    wb = Workbench(shared, Overrides(transcriber=transcriber))
    started(wb)
    wb.voice.transcribe(silent_wav())
    "".join(wb.submit_spoken("We optimise watch time for 500 million daily users."))

    turn = [t for t in wb.shared.store.turns(wb.session_id or "") if t.role == "candidate"][-1]
    assert turn.text == "We optimise watch time for 500 million daily users."
    assert turn.meta["delivery"]["spoken"] is True and turn.meta["delivery"]["seconds"] == 4.0
    assert wb.voice.draft is None and wb.voice.round == 1
    assert wb.chat()[-2].note == "spoken · 135 words per minute"  # 9 words in 4 s


def test_reading_aloud_speaks_each_reply_once(shared: Shared) -> None:
    speaker = FakeSpeaker()
    wb = Workbench(shared, Overrides(speaker=speaker))
    wb.voice.read_aloud = True
    opener = "".join(wb.start(QUESTION, 45)).strip()

    audio = wb.voice.take_speech()

    assert audio is not None and audio[:4] == b"RIFF"
    assert speaker.spoken == [opener]
    assert wb.voice.take_speech() is None


def _guidance(system_prompt: str) -> str:
    """The notes section of the interviewer's system prompt."""
    return system_prompt.split("never recite it):\n", 1)[1].split("\n\n", 1)[0].strip()


def test_the_llm_interviewer_gets_notes_guidance_only_once_the_notes_are_indexed(shared: Shared) -> None:
    llm = FunctionLLM(
        lambda call: "For YouTube video recommendations on the home page, which numbers should we plan for?"
    )
    "".join(Workbench(shared, Overrides(chat=llm)).start(QUESTION, 45))
    before = _guidance(llm.calls[-1].messages[0]["content"])
    indexed_before = shared.notes_ready()

    shared.index.ensure_synced()
    wb = Workbench(shared, Overrides(chat=llm))
    "".join(wb.start(QUESTION, 45))
    after = _guidance(llm.calls[-1].messages[0]["content"])

    assert not indexed_before and before == "(none)"
    assert shared.notes_ready()
    assert after != "(none)" and len(after) > 20
    assert (
        wb.chat()[-1].text
        == "For YouTube video recommendations on the home page, which numbers should we plan for?"
    )


def test_warming_up_indexes_the_shipped_notes_in_the_background(shared: Shared) -> None:
    assert not shared.notes_ready()
    from interviewer.notes import concepts

    concepts._TEXTS.clear()
    shared.warm_up().join(timeout=60)
    assert shared.notes_ready()
    # the named-concept check's text is read during the warm-up, not on the first question
    held = next(iter(concepts._TEXTS.values()))
    assert len(concepts._TEXTS) == 1 and f" {concepts.normalise('feature store')} " in held
    assert shared.guidance("feature store point-in-time correctness")


def test_a_feedback_card_holds_the_whole_grade_as_markdown_and_is_built_once(wb: Workbench) -> None:
    started(wb)
    "".join(wb.submit(REQUIREMENTS))
    "".join(wb.next_phase())
    first, again = wb.feedback(), wb.feedback()
    card = first[0]
    grade = card.grade

    assert again[0] is card
    assert card.body.startswith(safe_markdown(grade.feedback))
    for criterion in grade.criteria:
        assert f"**{criterion.name}**: {criterion.score} / 5" in card.body
        assert all(f"> {plain(quote)}" in card.body for quote in criterion.evidence)
        assert all(f"- Missing: {m.point}" in card.body for m in criterion.missing)
    assert any(c.missing for c in grade.criteria), "a 3 / 5 answer misses something to study"


def test_the_chat_shows_each_new_turn_after_earlier_reads(wb: Workbench) -> None:
    started(wb)
    before = wb.chat()
    "".join(wb.submit(REQUIREMENTS))
    after = wb.chat()

    assert after[: len(before)] == before
    assert [line.role for line in after[len(before) :]] == ["candidate", "interviewer"]
    assert after[len(before)].text == REQUIREMENTS
