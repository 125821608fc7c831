"""The Streamlit app, run headless with `streamlit.testing.v1.AppTest`.

Each test opens the app with an `Overrides` in `st.session_state[OVERRIDES_KEY]` (see `interviewer.web.workbench`):
a `FakeEmbedder` always, and a fake chat model, speech models, clock or circuit breaker where the test needs
one. The data folder is the temporary one the autouse fixture sets, so every test starts with no history.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from interviewer.errors import LLMUnavailable
from interviewer.llm.breaker import CircuitBreaker
from interviewer.testing import (
    Call,
    FakeClock,
    FakeEmbedder,
    FakeSpeaker,
    FakeTranscriber,
    FunctionLLM,
    silent_wav,
)
from interviewer.web.history import history_rows
from interviewer.web.workbench import OVERRIDES_KEY, WORKBENCH_KEY, Overrides, Workbench

APP = str(Path(__file__).resolve().parents[2] / "app.py")
QUESTION = "youtube-recommendations"
REQUIREMENTS = (
    "We optimise long-term watch time rather than clicks. With 500 million daily active users and about "
    "50K requests per second at peak, the home page needs an answer within 200 milliseconds."
)


@pytest.fixture(scope="module")
def embedder() -> FakeEmbedder:
    return FakeEmbedder()


def open_app(embedder: FakeEmbedder, **overrides: Any) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[OVERRIDES_KEY] = Overrides(embedder=embedder, **overrides)
    return at.run()


def workbench(at: AppTest) -> Workbench:
    return at.session_state[WORKBENCH_KEY]  # type: ignore[no-any-return]


def history_sources(at: AppTest) -> tuple[Any, Any, Any]:
    shared = workbench(at).shared
    return shared.store, shared.bank, shared.rubrics


def click(at: AppTest, label: str) -> AppTest:
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r}; buttons: {[b.label for b in at.button]}"
    return matches[0].click().run()


def start(at: AppTest, question: str = QUESTION, minutes: int = 45, drill: str | None = None) -> AppTest:
    at.selectbox(key="question-pick").set_value(question)
    at.segmented_control(key="length").set_value(minutes).run()
    if drill is not None:
        at.selectbox(key="drill-phase").set_value(drill)
    return click(at, "Start the interview")


def say(at: AppTest, text: str) -> AppTest:
    return at.chat_input[0].set_value(text).run()


def messages(at: AppTest) -> list[tuple[str, str]]:
    """(speaker, text) for each chat bubble on the page."""
    return [(m.name, "\n".join(md.value for md in m.markdown)) for m in at.chat_message]


def texts(elements: Any) -> list[str]:
    return [e.value for e in elements]


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


# -- the start screen ---------------------------------------------------------------------------------------


def test_the_start_screen_offers_the_bank_lengths_and_the_engine_with_its_reason(
    embedder: FakeEmbedder,
) -> None:
    at = open_app(embedder)

    no_exception(at)
    assert texts(at.title) == ["Practise an ML system-design interview"]
    options = at.selectbox(key="question-pick").options
    assert len(options) == 1 + len(workbench(at).shared.bank)
    assert "A random question (16 match)" in options[0]
    assert at.segmented_control(key="length").options == ["20 min drill", "45 min", "60 min"]
    assert any("Active engine: **offline**" in c and "OPENAI_API_KEY" in c for c in texts(at.caption))


def test_filtering_by_difficulty_narrows_the_questions(embedder: FakeEmbedder) -> None:
    at = open_app(embedder)
    at.pills[0].set_value(["hard"]).run()

    hard = [q.id for q in workbench(at).questions(["hard"])]
    assert len(at.selectbox(key="question-pick").options) == 1 + len(hard)


def test_the_difficulty_filter_offers_only_difficulties_the_bank_has(embedder: FakeEmbedder) -> None:
    at = open_app(embedder)
    bank = workbench(at).shared.bank
    held = {q.difficulty for q in bank}

    offered = at.pills[0].options
    assert set(offered) == held and "easy" not in offered  # the shipped bank has no easy question
    for difficulty in offered:
        at.pills[0].set_value([difficulty]).run()
        assert "No question matches these filters." not in texts(at.warning)
        assert len(at.selectbox(key="question-pick").options) > 1


def test_choosing_openai_without_a_key_explains_the_fix_and_disables_start(embedder: FakeEmbedder) -> None:
    at = open_app(embedder)
    at.selectbox(key="engine").set_value("openai").run()

    assert any("OPENAI_API_KEY" in e for e in texts(at.error))
    assert next(b for b in at.button if b.label == "Start the interview").disabled


def test_a_20_minute_interview_is_a_drill_on_the_chosen_phase(embedder: FakeEmbedder) -> None:
    at = start(open_app(embedder), minutes=20, drill="architecture")

    no_exception(at)
    session = workbench(at).session
    assert session is not None and session.order == ("architecture",)
    assert "— Phase: Architecture —" in texts(at.caption)


# -- a typed interview ------------------------------------------------------------------------------------------


def test_a_typed_interview_goes_from_start_through_hints_and_phases_to_the_scorecard(
    embedder: FakeEmbedder,
) -> None:
    at = start(open_app(embedder))
    no_exception(at)
    opener = messages(at)
    assert opener[0][0] == "assistant" and "YouTube home page" in opener[0][1]
    assert at.query_params["session"] == workbench(at).session_id

    at = say(at, "How many users do we have, and what latency does the page need?")
    assert messages(at)[-2] == ("user", "How many users do we have, and what latency does the page need?")
    assert "500 million" in messages(at)[-1][1]

    at = say(at, REQUIREMENTS)
    at = click(at, "Hint")
    assert "hint" in texts(at.caption)

    at = click(at, "Next phase")
    assert "— Phase: Architecture —" in texts(at.caption)
    assert any(e.label.startswith("Requirements:") for e in at.expander)
    assert any("Feedback on requirements is ready" in i for i in texts(at.info))

    at = say(at, "Candidate generation then ranking, with a feature store shared by training and serving.")
    at = click(at, "End interview")
    no_exception(at)

    assert texts(at.header) == ["Scorecard: Design YouTube video recommendations"]
    labels = {m.label: m.value for m in at.metric}
    assert labels["Overall"].endswith("/ 5")
    assert labels["Hiring signal"] == "Not enough evidence to call"  # two answers in a few minutes
    assert any(c.startswith("Evidence: ") for c in texts(at.caption))
    assert {b.label for b in at.get("download_button")} >= {
        "Report (Markdown)",
        "Report (JSON)",
        "Transcript",
    }
    assert any(e.label == "The whole transcript" for e in at.expander)
    assert any(e.label.startswith("Architecture:") for e in at.expander)
    assert any(line.startswith("#### Model answer outline") for line in texts(at.markdown))


def test_the_clock_warns_when_the_phase_runs_short(embedder: FakeEmbedder) -> None:
    clock = FakeClock()
    at = start(open_app(embedder, clock=clock))
    planned = workbench(at).timeline().slots[0].planned_min

    clock.advance(minutes=planned - 0.5)
    at.run()
    assert any("0:30 left for requirements" in w for w in texts(at.warning))

    clock.advance(minutes=1)
    at.run()
    assert any("Time is up for requirements" in e for e in texts(at.error))


def test_moving_on_early_keeps_the_unused_time_in_the_time_left_overall(embedder: FakeEmbedder) -> None:
    clock = FakeClock()
    at = start(open_app(embedder, clock=clock))
    clock.advance(minutes=2)
    at = click(at, "Next phase")

    no_exception(at)
    timer = next(m for m in texts(at.markdown) if "left overall" in m)
    assert "**43:00** left overall" in timer


def test_long_input_is_capped_with_a_message(embedder: FakeEmbedder) -> None:
    at = start(open_app(embedder))
    at = say(at, "latency " * 2000)

    assert any("only the first 8,000 were used" in w for w in texts(at.warning))
    saved = workbench(at).shared.store.turns(workbench(at).session_id or "")
    assert max(len(t.text) for t in saved if t.role == "candidate") <= 8_000


def test_interviewer_markdown_is_rendered_without_html(embedder: FakeEmbedder) -> None:
    llm = FunctionLLM(
        lambda call: (
            "**Let's design YouTube video recommendations for the home page.** <script>alert(1)</script> What is the peak QPS?"
        )
    )
    at = start(open_app(embedder, chat=llm))

    assert not at.get("html")
    assert all(not m.proto.allow_html for m in at.markdown)
    shown = messages(at)[0][1]
    assert "\\<script\\>alert(1)" in shown  # escaped, so Markdown shows it as text, never runs it
    assert shown.startswith("**Let's design")  # the interviewer's emphasis is kept


# -- the LLM engine and its failures ------------------------------------------------------------------------------


def test_the_injected_model_phrases_the_interviewers_turns(embedder: FakeEmbedder) -> None:
    def reply(call: Call) -> str:
        return (
            "Let's begin with video recommendations for the YouTube home page. Who are the users?"
            if len(llm.calls) == 1
            else "Which latency budget do you assume?"
        )

    llm = FunctionLLM(reply)
    at = open_app(embedder, chat=llm)
    assert "Active engine: **openai** · a chat model was supplied directly" in texts(at.caption)
    at = start(at)
    at = say(at, "I'd start with the users and the scale.")

    assert messages(at)[0] == (
        "assistant",
        "Let's begin with video recommendations for the YouTube home page. Who are the users?",
    )
    assert messages(at)[-1] == ("assistant", "Which latency budget do you assume?")
    assert "Design YouTube video recommendations" in llm.calls[0].system
    assert "I'd start with the users and the scale." in llm.calls[-1].messages[-2]["content"]


def test_an_llm_failure_shows_a_notice_and_the_interview_continues_offline(embedder: FakeEmbedder) -> None:
    failing = {"on": False}

    def reply(call: Call) -> str:
        if failing["on"]:
            raise LLMUnavailable("the model server did not answer")
        return "Let's design YouTube video recommendations for the home page. Where would you like to start?"

    llm = FunctionLLM(reply)
    at = start(open_app(embedder, chat=llm, breaker=CircuitBreaker()))
    failing["on"] = True
    at = say(at, "How many users do we have?")

    no_exception(at)
    assert any("offline interviewer replied" in w for w in texts(at.warning))
    assert "500 million" in messages(at)[-1][1]
    at = say(at, REQUIREMENTS)
    saved = workbench(at).shared.store.turns(workbench(at).session_id or "")
    spoken = [t.text for t in saved if t.role != "system"]
    assert (
        spoken[0]
        == "Let's design YouTube video recommendations for the home page. Where would you like to start?"
    )
    assert spoken[1] == "How many users do we have?" and spoken[3] == REQUIREMENTS
    assert len([t for t in saved if t.role != "system"]) == len(messages(at))  # every turn is shown


def test_an_open_circuit_breaker_is_announced_in_the_sidebar(embedder: FakeEmbedder) -> None:
    breaker = CircuitBreaker(threshold=1)
    breaker.record_failure()
    at = open_app(embedder, breaker=breaker)

    assert any("offline engine until" in w for w in texts(at.sidebar.warning))


# -- voice ------------------------------------------------------------------------------------------------------------


def test_a_recorded_answer_is_transcribed_corrected_and_sent_with_its_delivery(
    embedder: FakeEmbedder,
) -> None:
    transcriber = FakeTranscriber(
        "Um, we have 500 million daily users and, uh, a 200 ms budget.", duration_s=6.0
    )
    at = start(open_app(embedder, transcriber=transcriber))
    at.audio_input[0].set_value(("answer.wav", silent_wav(), "audio/wav")).run()

    box = at.text_area(key="voice-text")
    assert box.value == transcriber.text
    # 13 words, 2 of them fillers, in 6 s
    assert any("| 130 wpm | 20.0/min | 6 s |" in m for m in texts(at.markdown))
    assert "13 words, 2 filler words; pace: steady." in texts(at.caption)

    box.set_value("We have 500 million daily users and a 200 ms budget.").run()
    at = click(at, "Send spoken answer")

    no_exception(at)
    assert ("user", "We have 500 million daily users and a 200 ms budget.") in messages(at)
    assert "spoken · 110 words per minute" in texts(at.caption)
    assert len(transcriber.calls) == 1
    assert at.audio_input[0].value is None  # a fresh recorder for the next answer


def test_reading_aloud_plays_the_next_interviewer_reply(embedder: FakeEmbedder) -> None:
    speaker = FakeSpeaker()
    at = start(open_app(embedder, speaker=speaker))
    at.toggle[0].set_value(True).run()
    at = say(at, "How many users do we have?")

    assert len(speaker.spoken) == 1 and "500 million" in speaker.spoken[0]
    assert at.get("audio")


# -- the notes drawer and Ask the notes --------------------------------------------------------------------------------


def test_the_notes_drawer_searches_the_notes_and_marks_the_lookup(embedder: FakeEmbedder) -> None:
    at = start(open_app(embedder))
    at.sidebar.text_input[0].set_value("feature store")
    at = click(at, "Search the notes")

    no_exception(at)
    assert any("feature" in e.label.lower() for e in at.sidebar.expander)
    assert "— Looked up the notes: “feature store” —" in texts(at.caption)


def notes_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "my-notes"
    folder.mkdir()
    (folder / "caching.md").write_text(
        "# Caching\n\n## Cache hit rate\n\nA result cache with a 60% hit rate cuts the load on the ranking "
        "service by more than half.\n\n## Eviction\n\nLeast recently used eviction keeps hot keys in memory.\n"
    )
    return folder


def ask_page(embedder: FakeEmbedder, **overrides: Any) -> AppTest:
    at = open_app(embedder, **overrides)
    at.switch_page("views/ask.py").run()
    no_exception(at)
    return at


def test_ask_the_notes_answers_from_a_chosen_folder_with_expandable_citations(
    embedder: FakeEmbedder, tmp_path: Path
) -> None:
    at = ask_page(embedder)
    at.radio(key="notes-source").set_value("folder").run()
    at.text_input(key="notes-path").set_value(str(notes_folder(tmp_path))).run()
    at = at.chat_input[0].set_value("What does a cache hit rate do to the load on ranking?").run()

    no_exception(at)
    question, answer = messages(at)[-2:]
    assert question == ("user", "What does a cache hit rate do to the load on ranking?")
    assert "60% hit rate" in answer[1] and "[1]" in answer[1]
    labels = [e.label for e in at.expander]
    assert labels[0] == "[1] caching.md › Cache hit rate"  # the quoted section, then the "see also" ones
    assert all(label.startswith(f"[{n}] ") for n, label in enumerate(labels, start=1))


def test_ask_the_notes_indexes_uploaded_markdown_files(embedder: FakeEmbedder, tmp_path: Path) -> None:
    at = ask_page(embedder)
    at.radio(key="notes-source").set_value("upload").run()
    note = (notes_folder(tmp_path) / "caching.md").read_bytes()
    at.file_uploader(key="notes-upload").set_value([("caching.md", note, "text/markdown")]).run()
    at = click(at, "Index these files")
    at = at.chat_input[0].set_value("Which eviction keeps hot keys in memory?").run()

    no_exception(at)
    assert "Least recently used eviction" in messages(at)[-1][1]
    assert "Notes: the files you uploaded" in texts(at.caption)  # never the server's path


def test_ask_the_notes_streams_the_model_answer_and_drops_unknown_citations(
    embedder: FakeEmbedder, tmp_path: Path
) -> None:
    llm = FunctionLLM(lambda call: "It cuts the load by more than half [1], as measured in [7].")
    at = ask_page(embedder, chat=llm)
    at.radio(key="notes-source").set_value("folder").run()
    at.text_input(key="notes-path").set_value(str(notes_folder(tmp_path))).run()
    at = at.chat_input[0].set_value("What does a cache hit rate do to the load on ranking?").run()

    answer = messages(at)[-1][1]
    assert "[1]" in answer and "[7]" not in answer
    assert "60% hit rate" in llm.calls[-1].system


# -- refresh, tabs, history, status --------------------------------------------------------------------------------------


def reopen(embedder: FakeEmbedder, session_id: str, page: str | None = None) -> AppTest:
    """A browser refresh: a new tab state, with the URL's query parameters."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[OVERRIDES_KEY] = Overrides(embedder=embedder)
    at.query_params["session"] = session_id
    return at.run()


def test_a_refresh_keeps_the_interview_from_the_url(embedder: FakeEmbedder) -> None:
    at = start(open_app(embedder))
    at = say(at, REQUIREMENTS)
    session_id = workbench(at).session_id or ""
    before = messages(at)

    again = reopen(embedder, session_id)

    no_exception(again)
    assert workbench(again).session_id == session_id
    assert messages(again) == before
    engine = next(c for c in texts(again.sidebar.caption) if c.startswith("**Engine:"))
    assert engine == "**Engine: offline** · no OPENAI_API_KEY or OPENAI_BASE_URL, so everything runs offline"


def test_two_tabs_hold_independent_interviews(embedder: FakeEmbedder) -> None:
    first = start(open_app(embedder), question=QUESTION)
    second = start(open_app(embedder), question="fraud-detection")
    first = say(first, "How many users do we have?")

    assert workbench(first) is not workbench(second)
    assert workbench(first).session_id != workbench(second).session_id
    assert len(messages(second)) == 1 and "fraud" in messages(second)[0][1].lower()
    assert len(messages(first)) == 3


def finished_interview(embedder: FakeEmbedder) -> AppTest:
    at = start(open_app(embedder))
    at = say(at, REQUIREMENTS)
    return click(at, "End interview")


def test_history_lists_past_interviews_with_scores_and_resumes_an_unfinished_one(
    embedder: FakeEmbedder,
) -> None:
    at = finished_interview(embedder)
    done_id = workbench(at).session_id
    at = click(at, "Start a new interview")
    at = start(at, question="fraud-detection")
    open_id = workbench(at).session_id
    at.switch_page("views/history.py").run()

    no_exception(at)
    bank = workbench(at).shared.bank
    table = at.dataframe[0].value
    assert list(table["Question"]) == [bank.get("fraud-detection").title, bank.get(QUESTION).title]
    assert list(table["State"]) == ["in progress (Requirements)", "finished"]
    assert float(table["Overall"].iloc[1]) > 0 and float(table["Requirements"].iloc[1]) > 0
    assert [b.label for b in at.button if b.label in ("Resume", "Open scorecard")] == [
        "Resume",
        "Open scorecard",
    ]

    other = open_app(embedder)
    other.switch_page("views/history.py").run()
    other = click(other, "Resume")

    no_exception(other)
    assert workbench(other).session_id == open_id != done_id
    assert "fraud" in messages(other)[0][1].lower()


def confirm_delete(at: AppTest, session_id: str) -> AppTest:
    """Open the Delete popover of one row, as a click on it does."""
    at.session_state[f"confirm-delete-{session_id}"] = True
    return at.run()


def test_deleting_an_interview_removes_it_from_history(embedder: FakeEmbedder) -> None:
    at = finished_interview(embedder)
    at.switch_page("views/history.py").run()
    at = confirm_delete(at, workbench(at).session_id or "")
    at = click(at, "Yes, delete it")

    no_exception(at)
    assert any("No interviews yet" in i for i in texts(at.info))
    assert workbench(at).session is None


def test_after_a_deletion_the_next_interviews_confirmation_is_closed(embedder: FakeEmbedder) -> None:
    at = finished_interview(embedder)
    kept = workbench(at).session_id or ""
    at = click(at, "Start a new interview")
    at = start(at, question="fraud-detection")
    doomed = workbench(at).session_id or ""
    at.switch_page("views/history.py").run()
    assert not [b for b in at.button if b.label == "Yes, delete it"]

    at = confirm_delete(at, doomed)
    assert len([b for b in at.button if b.label == "Yes, delete it"]) == 1
    at = click(at, "Yes, delete it")

    no_exception(at)
    assert [r.session_id for r in history_rows(*history_sources(at))] == [kept]
    assert not [b for b in at.button if b.label == "Yes, delete it"]
    assert [p.proto.popover.open for p in at.get("popover")] == [False]


def test_the_history_table_shows_the_whole_signal_and_no_none_for_an_open_interview(
    embedder: FakeEmbedder,
) -> None:
    at = finished_interview(embedder)
    at = click(at, "Start a new interview")
    at = start(at, question="fraud-detection")
    at.switch_page("views/history.py").run()

    no_exception(at)
    table = at.dataframe[0].value
    open_row, done_row = table.iloc[0], table.iloc[1]
    assert "None" not in [str(v) for v in open_row] and open_row["Overall"] == "—"
    signals = {"Strong no hire", "No hire", "Lean hire", "Hire", "Strong hire", "Not enough evidence to call"}
    assert done_row["Signal"] in signals
    assert list(table.columns)[:4] == ["Date", "Question", "Overall", "Signal"]
    widths = json.loads(at.dataframe[0].proto.columns)
    assert widths["Signal"]["width"] == "large"


def test_the_status_page_shows_engine_key_data_folder_and_session_cost(embedder: FakeEmbedder) -> None:
    at = start(open_app(embedder))
    at.switch_page("views/status.py").run()

    no_exception(at)
    figures = {m.label: m.value for m in at.metric}
    assert figures["Engine"] == "offline"
    assert figures["API key"] == "not set"
    assert figures["Estimated cost"] == "no API cost"
    assert any(str(workbench(at).settings.home) in m for m in texts(at.markdown))
    models = next(m for m in texts(at.markdown) if "- Interviewer:" in m)
    assert "gpt-4o-mini" not in models
    assert "offline engine's own interviewer" in models and "offline engine's own grader" in models


def test_the_history_trend_appears_once_two_interviews_are_scored(embedder: FakeEmbedder) -> None:
    at = finished_interview(embedder)
    at.switch_page("views/history.py").run()
    assert "The trend appears once two interviews have been scored." in texts(at.caption)
    assert not at.get("vega_lite_chart")

    at = start(open_app(embedder), minutes=20, drill="architecture")
    at = say(at, "A two-stage design: candidate generation, then a ranker, behind a feature store.")
    at = click(at, "End interview")
    at.switch_page("views/history.py").run()

    no_exception(at)
    assert "The trend appears once two interviews have been scored." not in texts(at.caption)
    assert all(v == "—" or v == f"{float(v):.1f}" for v in at.dataframe[0].value["Overall"])
    chart = at.get("vega_lite_chart")[0].proto
    spec = json.loads(chart.spec)
    points = pa.ipc.open_stream(chart.data.data).read_all().to_pylist()
    # Architecture was scored in one session only: it is drawn as a point, not lost as a one-point line.
    assert [p["Phase"] for p in points].count("Architecture") == 1
    assert spec["mark"]["point"]
    assert spec["encoding"]["x"]["axis"]["labelLimit"] == 0
