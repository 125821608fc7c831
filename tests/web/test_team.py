"""A shared app: each signed-in user sees and changes only their own interviews and notes, instructors read
everyone's, limits hold per user, and a stale tab reloads instead of overwriting."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.config import Settings
from interviewer.errors import BadInput, LimitReached, SessionNotFound, StaleSession
from interviewer.llm.breaker import CircuitBreaker
from interviewer.llm.protocol import Usage
from interviewer.testing import FakeClock, FakeEmbedder, FakeSpeaker, FunctionLLM
from interviewer.web.auth import Viewer
from interviewer.web.history import history_rows
from interviewer.web.workbench import NOT_FOUND, RELOADED, Overrides, Shared, Workbench

QUESTION = "youtube-recommendations"
ANSWER = "We optimise long-term watch time, with 50K requests per second at peak and a 200 ms budget."


@pytest.fixture(scope="module")
def embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", auth="header", instructors=("carol@example.com",))


@pytest.fixture
def shared(settings: Settings, embedder: FakeEmbedder) -> Shared:
    return Shared.build(settings, embedder=embedder)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def tab(shared: Shared, user: str, clock: FakeClock, **overrides: object) -> Workbench:
    role = "instructor" if user in shared.settings.instructors else "candidate"
    return Workbench(
        shared,
        Overrides(clock=clock, speaker=FakeSpeaker(), breaker=CircuitBreaker(), **overrides),  # type: ignore[arg-type]
        viewer=Viewer(user, role),
    )


def started(wb: Workbench) -> str:
    "".join(wb.start(QUESTION, 45, engine="offline"))
    assert wb.session_id is not None
    return wb.session_id


def test_a_user_sees_only_their_own_interviews(shared: Shared, clock: FakeClock) -> None:
    alice, bob = tab(shared, "alice@example.com", clock), tab(shared, "bob@example.com", clock)
    mine, theirs = started(alice), started(bob)

    rows = history_rows(shared.store, shared.bank, shared.rubrics, owner=alice.viewer.read_owner)

    assert [r.session_id for r in rows] == [mine]
    assert theirs not in {r.session_id for r in rows}


def test_someone_elses_interview_in_the_url_reads_as_not_found(shared: Shared, clock: FakeClock) -> None:
    alice, bob = tab(shared, "alice@example.com", clock), tab(shared, "bob@example.com", clock)
    theirs = started(bob)

    alice.restore(theirs)

    assert alice.session is None
    assert [n.text for n in alice.take_notices()] == [NOT_FOUND]
    with pytest.raises(SessionNotFound):
        alice.resume(theirs)


def test_nobody_deletes_another_users_interview(shared: Shared, clock: FakeClock) -> None:
    alice, bob = tab(shared, "alice@example.com", clock), tab(shared, "bob@example.com", clock)
    theirs = started(bob)

    with pytest.raises(SessionNotFound):
        alice.delete(theirs)
    assert shared.store.get_session(theirs).owner == "bob@example.com"


def test_an_instructor_reads_every_candidates_interview_but_cannot_answer_or_delete(
    shared: Shared, clock: FakeClock
) -> None:
    alice, bob = tab(shared, "alice@example.com", clock), tab(shared, "bob@example.com", clock)
    carol = tab(shared, "carol@example.com", clock)
    first, second = started(alice), started(bob)
    turns_before = len(shared.store.turns(first))

    rows = history_rows(shared.store, shared.bank, shared.rubrics, owner=carol.viewer.read_owner)
    carol.resume(first)

    assert {r.session_id for r in rows} == {first, second}
    assert carol.read_only and carol.chat()
    with pytest.raises(BadInput, match="read it, not answer"):
        carol.submit("I would shard the index.")
    with pytest.raises(SessionNotFound):
        carol.delete(first)
    assert len(shared.store.turns(first)) == turns_before


def test_a_candidates_own_interview_is_not_read_only(shared: Shared, clock: FakeClock) -> None:
    alice = tab(shared, "alice@example.com", clock)
    session_id = started(alice)
    alice.close()

    alice.resume(session_id)

    assert not alice.read_only
    assert "".join(alice.submit(ANSWER))


def test_a_stale_tab_reloads_the_interview_instead_of_overwriting_it(
    shared: Shared, clock: FakeClock
) -> None:
    first = tab(shared, "alice@example.com", clock)
    session_id = started(first)
    second = tab(shared, "alice@example.com", clock)
    second.resume(session_id)
    "".join(second.submit(ANSWER))  # the second tab moves the interview on
    saved = len(shared.store.turns(session_id))

    with pytest.raises(StaleSession):  # the first tab's answer is refused, not saved over the second's
        "".join(first.submit("An answer typed in the stale tab."))

    assert len(shared.store.turns(session_id)) == saved
    assert first.take_reload() is True
    assert RELOADED in [n.text for n in first.take_notices()]
    assert [line.text for line in first.chat()] == [line.text for line in second.chat()]
    assert "".join(first.submit("Now the first tab carries on."))  # and it can carry on


def test_a_user_sending_turns_too_fast_is_told_to_wait(tmp_path: Path, embedder: FakeEmbedder) -> None:
    settings = Settings(home=tmp_path / "home", auth="header", turns_per_minute=3)
    shared = Shared.build(settings, embedder=embedder)
    clock = FakeClock()
    alice, bob = tab(shared, "alice@example.com", clock), tab(shared, "bob@example.com", clock)
    started(alice)
    started(bob)
    for _ in range(3):
        "".join(alice.submit(ANSWER))

    with pytest.raises(LimitReached, match="3 turns in the last minute"):
        alice.submit(ANSWER)
    assert "".join(bob.submit(ANSWER)), "another user is not slowed down"
    clock.advance(minutes=1.1)
    assert "".join(alice.submit(ANSWER)), "after a minute the user may go on"


def test_a_spent_daily_budget_moves_the_interview_to_the_offline_engine(
    tmp_path: Path, embedder: FakeEmbedder
) -> None:
    settings = Settings(home=tmp_path / "home", auth="header", daily_tokens=1000)
    shared = Shared.build(settings, embedder=embedder)
    clock = FakeClock()
    llm = FunctionLLM(lambda call: "What is the peak load you expect?")
    alice = tab(shared, "alice@example.com", clock, chat=llm)
    "".join(alice.start(QUESTION, 45, engine="auto"))
    assert alice.session is not None and alice.session.engine.name == "openai"
    session_id = alice.session_id or ""
    shared.store.add_usage(
        session_id, [Usage(model="m", prompt_tokens=900, completion_tokens=200)], at=clock()
    )
    calls = len(llm.calls)

    "".join(alice.submit(ANSWER))

    assert alice.session.engine.name == "offline"
    assert len(llm.calls) == calls, "no model call once the budget is spent"
    assert any("budget for today (1,000 tokens) is used up" in n.text for n in alice.take_notices())
    assert alice.limits.budget().left == 0
    assert alice._answer_chat() is None  # Ask the notes answers offline too


def test_without_sign_in_there_are_no_limits_and_everything_is_the_local_users(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")

    assert settings.turn_limit == 0 and settings.token_budget == 0
    signed = Settings(home=tmp_path / "home", auth="oidc")
    assert signed.turn_limit == 12 and signed.token_budget == 500_000
    assert Settings(home=tmp_path, auth="oidc", daily_tokens=0).token_budget == 0


def test_only_the_engines_the_operator_allows_are_offered(tmp_path: Path, embedder: FakeEmbedder) -> None:
    settings = Settings(home=tmp_path / "home", engine="auto", engines=("offline",))
    wb = Workbench(Shared.build(settings, embedder=embedder))

    assert wb.engines() == ["offline"]
    assert wb.engine_choice == "offline"
    assert wb.engine_info("openai").problem == "this app offers only these engines: offline"
    with pytest.raises(Exception, match="offers only these engines"):
        wb.start(QUESTION, 45, engine="openai")


def test_engines_are_read_from_the_environment() -> None:
    settings = Settings.from_env(
        {"INTERVIEWER_ENGINES": "offline, auto", "INTERVIEWER_INSTRUCTORS": "a@x, b@x"}
    )

    assert settings.engines == ("offline", "auto")
    assert settings.instructors == ("a@x", "b@x")


def test_questions_to_the_notes_count_against_the_same_rate(tmp_path: Path, embedder: FakeEmbedder) -> None:
    settings = Settings(home=tmp_path / "home", auth="header", turns_per_minute=2)
    shared = Shared.build(settings, embedder=embedder)
    clock = FakeClock()
    dana = tab(shared, "dana@example.com", clock)
    for _ in range(2):
        "".join(dana.notes.ask("What is cache-aside?"))

    with pytest.raises(LimitReached, match="2 turns in the last minute"):
        dana.notes.ask("What is write-through?")
    clock.advance(minutes=1.1)
    assert "".join(dana.notes.ask("What is write-through?"))


def test_once_the_budget_is_spent_the_notes_answer_without_the_model(
    tmp_path: Path, embedder: FakeEmbedder
) -> None:
    settings = Settings(home=tmp_path / "home", auth="header", daily_tokens=100)
    shared = Shared.build(settings, embedder=embedder)
    clock = FakeClock()
    llm = FunctionLLM(lambda call: "Cache-aside loads on a miss [1].")
    erin = tab(shared, "erin@example.com", clock, chat=llm)
    "".join(erin.start(QUESTION, 45, engine="auto"))
    shared.store.add_usage(
        erin.session_id or "", [Usage(model="m", prompt_tokens=90, completion_tokens=20)], at=clock()
    )
    calls = len(llm.calls)

    answer = erin.notes.ask("What is cache-aside?")
    "".join(answer)

    assert len(llm.calls) == calls
    assert answer.result.engine == "offline"


def test_answers_from_a_model_in_ask_the_notes_count_against_the_daily_budget(
    tmp_path: Path, embedder: FakeEmbedder
) -> None:
    settings = Settings(home=tmp_path / "home", auth="header", daily_tokens=100_000)
    shared = Shared.build(settings, embedder=embedder)
    clock = FakeClock()
    llm = FunctionLLM(lambda call: "Cache-aside reads the cache first and fills it on a miss [1].")
    alice = tab(shared, "alice@example.com", clock, chat=llm)
    assert alice.limits.budget().left == 100_000

    answer = alice.notes.ask("What does the cache hit rate do to the load on ranking?")
    "".join(answer)

    assert llm.calls, "the answer came from the model"
    spent = 100_000 - (alice.limits.budget().left or 0)
    assert spent == sum(u.prompt_tokens + u.completion_tokens for u in llm.usage) > 0
    bob = tab(shared, "bob@example.com", clock, chat=llm)
    assert bob.limits.budget().left == 100_000, "another user's budget is untouched"
