"""The interview page: the start screen, the interview itself, and the scorecard at the end."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from interviewer.diagrams.model import KINDS, Diagram
from interviewer.diagrams.svg import render_svg
from interviewer.errors import InterviewerError
from interviewer.phases import PHASE_NAMES, PHASES
from interviewer.web.display import (
    ChatLine,
    FeedbackCard,
    LiveReply,
    chart_data,
    gap_lines,
    input_limit,
    plain,
    safe_markdown,
    safe_stream,
)
from interviewer.web.timeline import clock_text
from interviewer.web.workbench import DRILL_MINUTES, LENGTHS, WORKBENCH_KEY, Workbench

wb: Workbench = st.session_state[WORKBENCH_KEY]
PENDING_KEY = "interview-pending"  # actions taken outside the conversation, in order, for it to carry out
ANSWER_BOX_KEY = "answer-box"
CHAT_HEIGHT = 460
SHORT_CHAT = 2  # the phase and the opening question; from the first answer on, the chat scrolls
STATUS_ICON = {
    "done": ":material/check_circle:",
    "current": ":material/play_circle:",
    "next": ":material/radio_button_unchecked:",
}


def show_notices() -> None:
    for notice in wb.take_notices():
        {"info": st.info, "warning": st.warning, "error": st.error}[notice.level](notice.text)


def sync_url() -> None:
    """The URL names the interview on screen, so a refresh brings it back."""
    wanted = wb.session_id
    if wanted and st.query_params.get("session") != wanted:
        st.query_params["session"] = wanted
    elif not wanted and "session" in st.query_params:
        del st.query_params["session"]


def diagram_picture(diagram: Diagram, *, title: str = "") -> None:
    """A diagram drawn inline as SVG: no script, nothing fetched, every label escaped by `render_svg`.
    (`st.html` keeps only HTML, not SVG, so the picture goes through Markdown as raw HTML.) Beside the
    whiteboard the chat is narrow, so the layers run top to bottom there."""
    direction = "TB" if wb.board_open else "LR"
    st.markdown(render_svg(diagram, title=title, direction=direction), unsafe_allow_html=True)


def chat_line(line: ChatLine) -> None:
    if line.role == "event":
        st.caption(f"— {plain(line.text)} —")
        return
    with st.chat_message("assistant" if line.role == "interviewer" else "user"):
        if line.note:
            st.caption(line.note)
        if line.text:
            # The candidate's words show exactly as typed; the interviewer's keep emphasis but no links or images.
            st.markdown(safe_markdown(line.text) if line.role == "interviewer" else plain(line.text))
        if line.diagram is not None:
            diagram_picture(line.diagram, title="The candidate's diagram")


def feedback_card(card: FeedbackCard, *, expanded: bool = False, side_by_side: bool = True) -> None:
    """A graded phase; a graded drawing beside the reference design (one above the other in the narrow
    side panel)."""
    with st.expander(card.title, expanded=expanded):
        st.markdown(card.body)
        comparison = card.diagram
        if comparison is None:
            return
        figures = [f for f in (comparison.candidate, comparison.reference) if f is not None]
        places = st.columns(len(figures)) if side_by_side else [st.container() for _ in figures]
        for place, figure in zip(places, figures, strict=True):
            place.markdown(f"**{figure.title}**")
            place.markdown(f'<div style="overflow-x:auto">{figure.svg}</div>', unsafe_allow_html=True)
        st.caption("Green: matched · red, dashed: missing · grey: out of place · orange: check this flow.")
        st.markdown(comparison.summary)


def stream_reply(start: Callable[[], LiveReply], said: str | None = None, *, redraw: bool = False) -> None:
    """Show what the candidate said and stream the interviewer's reply.

    Afterwards the whole page is drawn again only when something outside the conversation changed (a
    phase ended, a notice or speech is waiting, or `redraw`); an ordinary reply is already on screen.
    """
    if said is not None:
        with st.chat_message("user"):
            st.markdown(plain(said))
    try:
        live = start()
        sync_url()
        with st.chat_message("assistant"):
            st.write_stream(safe_stream(live))
    except InterviewerError as err:
        if wb.take_reload():  # another tab moved the interview on: draw it as it is now, with the notice
            st.rerun()
        st.error(str(err))
        return
    if redraw or wb.needs_redraw(live.reply):
        st.rerun()


# ------------------------------------------------------------------------------------------ start screen


def start_screen() -> None:
    st.title("Practise an ML system-design interview")
    st.markdown(
        "An interviewer takes you through the five RADIO phases: **R**equirements, **A**rchitecture, "
        "**D**eep dive, **I**ssues and **O**ptimization. Answer by typing or by voice, and get feedback "
        "on each phase from the rubrics and the notes."
    )
    left, right = st.columns(2)
    with left:
        difficulties = st.pills("Difficulty", wb.difficulties(), selection_mode="multi")
        topics = st.multiselect("Topic", wb.topics(), placeholder="Any topic")
        choices = wb.questions(difficulties or (), topics or ())
        options = ["random", *(c.id for c in choices)]
        labels = {c.id: c.label for c in choices} | {"random": f"A random question ({len(choices)} match)"}
        picked = st.selectbox("Question", options, format_func=labels.__getitem__, key="question-pick")
    with right:
        minutes = st.segmented_control(
            "Length",
            LENGTHS,
            default=45,
            format_func=lambda m: f"{m} min" + (" drill" if m == DRILL_MINUTES else ""),
            key="length",
        )
        minutes = minutes or 45
        drill = None
        if minutes == DRILL_MINUTES:
            drill = st.selectbox(
                "Phase to drill", PHASES, format_func=PHASE_NAMES.__getitem__, key="drill-phase"
            )
            st.caption("A 20-minute drill spends the whole time on one phase.")
        offered = wb.engines()
        engine = st.selectbox(
            "Engine",
            offered,
            index=offered.index(wb.engine_choice) if wb.engine_choice in offered else 0,
            format_func={
                "auto": "Automatic",
                "offline": "Offline (no API key needed)",
                "openai": "OpenAI-compatible",
            }.__getitem__,
            key="engine",
        )
        info = wb.engine_info(engine)
        if info.problem:
            st.error(info.problem)
        else:
            st.caption(f"Active engine: **{info.name}** · {info.reason}")
    if not choices:
        st.warning("No question matches these filters.")
    if st.button("Start the interview", type="primary", disabled=bool(info.problem or not choices)):
        question = None if picked == "random" else picked
        pool = [c.id for c in choices]
        stream_reply(lambda: wb.start(question, minutes, drill=drill, engine=engine, pool=pool), redraw=True)


# ------------------------------------------------------------------------------------------- interview


@st.fragment(run_every=2)
def timeline() -> None:
    if wb.session is None or wb.session.done:
        return
    t = wb.timeline()
    for column, slot in zip(st.columns(len(t.slots)), t.slots, strict=True):
        name = f"**{slot.letter}** · {slot.name}"
        if slot.status == "current":
            name = f":blue[{name}]"
        column.markdown(f"{STATUS_ICON[slot.status]} {name}")
        spent = f"{clock_text(slot.spent_min)} of {slot.planned_min:g} min"
        if slot.score is not None:
            spent += f" · scored {slot.score:.1f}"
        if slot.status == "next":
            column.caption(f"{slot.planned_min:g} min")
        else:
            column.progress(
                min(1.0, slot.spent_min / slot.planned_min) if slot.planned_min else 0.0, text=spent
            )
    if t.phase is not None:
        st.markdown(
            f":material/timer: **{clock_text(t.phase_left_min)}** left in {PHASE_NAMES[t.phase].lower()} · "
            f"**{clock_text(t.total_left_min)}** left overall"
        )
    else:
        st.markdown(":material/timer: Wrap-up: answer the last question, or end the interview.")
    if t.urgency == "over":
        st.error(t.message or "Time is up for this phase.", icon=":material/alarm:")
    elif t.urgency == "short":
        st.warning(t.message or "Time is running short.", icon=":material/hourglass_bottom:")


def notes_drawer() -> None:
    with st.sidebar:
        st.subheader(":material/menu_book: Notes drawer")
        st.caption("Look something up, as you could in a take-home practice. The transcript notes it.")
        with st.form("lookup", clear_on_submit=True):
            query = st.text_input("Look up", placeholder="e.g. feature store", label_visibility="collapsed")
            searched = st.form_submit_button("Search the notes")
        if searched and query.strip():
            bar = st.progress(0.0, text="Checking the notes index…")
            try:
                wb.lookup(
                    query, progress=lambda d, n, label: bar.progress(d / max(n, 1), text=f"Indexing {label}")
                )
            except InterviewerError as err:
                st.error(str(err))
            bar.empty()
        for lookup in wb.notes.lookups:
            st.markdown(f"**{plain(lookup.query)}**")
            if not lookup.results:
                st.caption("Nothing found.")
            for r in lookup.results:
                with st.expander(plain(f"{r.heading} · {r.source}")):
                    st.markdown(safe_markdown(r.text))


def voice_panel() -> tuple[str, str] | None:
    """Record, transcribe, correct, send. Returns ("spoken", text) when the answer is sent."""
    st.markdown("**Answer by voice**")
    audio = st.audio_input("Record your answer", key=f"voice-{wb.voice.round}")
    if audio is None:
        st.caption("Record, check the transcript, then send it. Pace and filler words are measured.")
        return None
    try:
        with st.spinner("Transcribing…"):
            draft = wb.voice.transcribe(audio.getvalue(), audio.name or "answer.wav")
    except InterviewerError as err:
        st.error(str(err))
        return None
    if st.session_state.get("voice-digest") != draft.digest:
        st.session_state["voice-digest"] = draft.digest
        st.session_state["voice-text"] = draft.text
    text = st.text_area("Check the transcript, then send it", key="voice-text", height=150)
    figures = wb.voice.delivery(text, draft.seconds)
    pace = f"{figures.words_per_minute:.0f} wpm" if figures.words_per_minute else "–"
    fillers = f"{figures.fillers_per_minute:.1f}/min" if figures.fillers_per_minute is not None else "–"
    st.markdown(
        f"| Pace | Fillers | Length |\n|---|---|---|\n| {pace} | {fillers} | {figures.seconds:.0f} s |"
    )
    st.caption(f"{figures.words} words, {figures.fillers} filler words; pace: {figures.pace}.")
    if st.button("Send spoken answer", type="primary", disabled=not text.strip()):
        return ("spoken", text)
    return None


BOARD_HEIGHT = 420
BOARD_SENT_KEY = "board-sent"  # how many drawings this tab has sent
BOARD_ERROR_KEY = "board-error"  # why the last change asked of the controls was refused


@st.fragment
def whiteboard() -> None:
    """The whiteboard: the drawing component, controls that do the same without dragging, and submit."""
    from streamlit_flow import streamlit_flow
    from streamlit_flow.elements import StreamlitFlowEdge, StreamlitFlowNode
    from streamlit_flow.state import StreamlitFlowState

    board = wb.board
    st.markdown("**:material/draw: Whiteboard**")
    st.caption(
        "Drag boxes to move them; drag from a box's right edge to another box to draw an arrow; right-click "
        "a box or an arrow to edit or delete it, or the board to add a box."
    )
    flow = board.flow()
    # The component takes these nodes only when their timestamp is no older than its own last change, and
    # then reports back, which reruns this. Timestamp 0 makes it take them once, when it mounts (a new key
    # after each change made here), and keep its own state afterwards, so a drag is never reset.
    state = StreamlitFlowState(
        nodes=[StreamlitFlowNode.from_dict(n) for n in flow.nodes],
        edges=[StreamlitFlowEdge.from_dict(e) for e in flow.edges],
        timestamp=0,
    )
    shown = streamlit_flow(
        board.key,
        state,
        height=BOARD_HEIGHT,
        fit_view=True,
        allow_new_edges=True,
        enable_pane_menu=True,
        enable_node_menu=True,
        enable_edge_menu=True,
        min_zoom=0.3,
    )
    revision = board.revision
    changed = shown is not state and board.drawn(
        [n.asdict() for n in shown.nodes], [e.asdict() for e in shown.edges], float(shown.timestamp)
    )
    if changed and board.revision != revision:  # drawn there: draw it again in the board's style
        st.rerun()
    board_controls()  # after the board took in what was done on it, so the choices list it
    words_key = f"board-words-{st.session_state.get(BOARD_SENT_KEY, 0)}"  # a fresh, empty box after each send
    st.text_area(
        "Words to go with the drawing (optional)",
        key=words_key,
        height=80,
        placeholder="e.g. Requests go through the gateway to the ranker, which reads the feature store.",
    )
    if st.button(
        "Submit the drawing",
        type="primary",
        icon=":material/send:",
        disabled=board.diagram.empty,
        help="Send the whiteboard to the interviewer as your answer",
    ):
        queue_action("drawing", st.session_state.get(words_key) or "")
        st.session_state[BOARD_SENT_KEY] = st.session_state.get(BOARD_SENT_KEY, 0) + 1
        st.rerun()
    if board.submitted is not None and not board.changed_since_submitted:
        st.caption(":material/check: The interviewer has this drawing.")


def board_change(change: Callable[[], object]) -> None:
    """Make a change from the controls (in their callbacks, before the page is drawn again), keeping the
    reason one is refused to show under them."""
    try:
        change()
    except InterviewerError as err:
        st.session_state[BOARD_ERROR_KEY] = str(err)


def board_controls() -> None:
    """Add a box, add an arrow, delete either: the whiteboard without drag gestures. The changes are made in
    the buttons' callbacks, so the board and every control show them on the very next run."""
    board = wb.board
    state = st.session_state
    with st.form("board-box", clear_on_submit=True, border=False):
        st.text_input("Box label", placeholder="e.g. Feature store", key="board-box-label")
        kind_col, go = st.columns([3, 2], vertical_alignment="bottom")
        kind_col.selectbox("Kind", KINDS, index=KINDS.index("service"), key="board-box-kind")
        go.form_submit_button(
            "Add box",
            width="stretch",
            on_click=board_change,
            args=(lambda: board.add_box(state["board-box-label"], state["board-box-kind"]),),
        )
    names = board.box_labels()
    if len(names) >= 2:
        with st.form("board-arrow", clear_on_submit=True, border=False):
            source_col, target_col = st.columns(2)
            ids = list(names)
            source_col.selectbox("From", ids, format_func=names.__getitem__, key="board-arrow-from")
            target_col.selectbox("To", ids, index=1, format_func=names.__getitem__, key="board-arrow-to")
            label_col, go = st.columns([3, 2], vertical_alignment="bottom")
            label_col.text_input("Arrow label", placeholder="optional", key="board-arrow-label")
            go.form_submit_button(
                "Add arrow",
                width="stretch",
                on_click=board_change,
                args=(
                    lambda: board.add_arrow(
                        state["board-arrow-from"], state["board-arrow-to"], state["board-arrow-label"]
                    ),
                ),
            )
    if names:
        arrows = board.arrow_labels()
        choices = [("box", cid) for cid in names] + [("arrow", str(i)) for i in range(len(arrows))]
        shown = {("box", cid): f"Box: {label}" for cid, label in names.items()}
        shown |= {("arrow", str(i)): f"Arrow: {words}" for i, words in enumerate(arrows)}

        def delete() -> None:
            what, which = state["board-pick"]
            if what == "box":
                board.remove_box(which)
            else:
                board.remove_arrow(int(which))

        pick_col, go_col = st.columns([3, 2], vertical_alignment="bottom")
        pick_col.selectbox("Delete", choices, format_func=shown.__getitem__, key="board-pick")
        go_col.button("Delete", width="stretch", key="board-delete", on_click=board_change, args=(delete,))
    refused = state.pop(BOARD_ERROR_KEY, None)
    if refused:
        st.error(refused)


def queue_action(kind: str, text: str = "") -> None:
    """Queue an action for the conversation to carry out, after any queued before it."""
    st.session_state.setdefault(PENDING_KEY, []).append((kind, text))


def take_typed() -> None:
    """The answer box's submit callback. It runs first in whichever run carries the answer, before any part
    of the page that could start the page again, so an answer sent while the page is being redrawn (just
    after "Next phase", say) is queued, never dropped."""
    typed = st.session_state.get(ANSWER_BOX_KEY)
    if typed:
        queue_action("typed", typed)


@st.fragment
def conversation() -> None:
    """The buttons, the chat and the answer box. A typed answer reruns only this part; when a phase
    ends, the whole page is drawn again (see `stream_reply`)."""
    narrow = wb.board_open  # beside the whiteboard the buttons go without icons, so their words fit
    hint, move_on, end, _ = st.columns([2, 3, 3, 0.01] if narrow else [1, 1, 1, 1])
    if hint.button("Hint", icon=None if narrow else ":material/lightbulb:", width="stretch"):
        queue_action("hint")
    if move_on.button("Next phase", icon=None if narrow else ":material/skip_next:", width="stretch"):
        queue_action("next")
    if end.button("End interview", icon=None if narrow else ":material/flag:", width="stretch"):
        queue_action("end")
    lines = wb.chat()
    # A short chat takes the room it needs; a longer one scrolls, kept at its newest reply.
    log = st.container(height=CHAT_HEIGHT if len(lines) > SHORT_CHAT else "content", border=False)
    st.chat_input(
        "Your answer, or a clarifying question",
        max_chars=4 * input_limit(),
        key=ANSWER_BOX_KEY,
        on_submit=take_typed,
    )
    queued: list[tuple[str, str]] = st.session_state.get(PENDING_KEY) or []
    with log:
        for line in lines:
            chat_line(line)
        if not queued:
            return
        kind, text = queued.pop(0)
        if kind == "typed":  # a typed Mermaid block is drawn once the turn is saved
            stream_reply(lambda: wb.submit(text), said=text, redraw="```mermaid" in text or bool(queued))
        elif kind == "spoken":
            stream_reply(lambda: wb.submit_spoken(text), said=text, redraw=True)
        elif kind == "drawing":
            stream_reply(lambda: wb.submit_drawing(text), said=text or "(the drawing)", redraw=True)
        elif kind == "hint":
            stream_reply(wb.hint, redraw=True)  # draws the request and the reply's "hint" note
        elif kind == "next":
            stream_reply(wb.next_phase, redraw=bool(queued))
        else:
            stream_reply(wb.end, redraw=bool(queued))


def read_only() -> None:
    """Another candidate's interview, as an instructor reads it: the transcript and feedback, no input."""
    session = wb.session
    assert session is not None
    st.subheader(session.question.title)
    st.info(
        f"You are reading {plain(session.record.owner)}'s interview; it cannot be answered or changed from here."
    )
    show_notices()
    chat_col, side = st.columns([2, 1], gap="large")
    with side:
        st.markdown("**Feedback**")
        cards = wb.feedback()
        if not cards:
            st.caption("No phase has been scored yet.")
        for card in cards:
            feedback_card(card)
    with chat_col:
        for line in wb.chat():
            chat_line(line)


def interview() -> None:
    session = wb.session
    assert session is not None
    st.subheader(session.question.title)
    with st.expander("The question"):  # the interviewer's opening turn says it too
        st.markdown(session.question.prompt)
    # The clock and the notices vary in how many elements they draw; each in a container of its own, they
    # leave the chat where it was, so the answer box is not drawn afresh (emptied) when a phase ends.
    with st.container():
        timeline()
    with st.container():
        show_notices()
    notes_drawer()
    if wb.board_open:  # the whiteboard between the chat and the side panel, all three in view
        chat_col, board_col, side = st.columns([5, 5, 3], gap="small")
        with board_col:
            whiteboard()
    else:
        chat_col, side = st.columns([2, 1], gap="large")
    with side:
        wb.voice.read_aloud = st.toggle("Read the interviewer's replies aloud", value=wb.voice.read_aloud)
        speech = wb.voice.take_speech()
        if speech:
            st.audio(speech, format="audio/wav", autoplay=True)
        spoken = voice_panel()
        if spoken:
            queue_action(*spoken)
        cards = wb.feedback()
        st.divider()
        st.markdown("**Feedback**")
        if not cards:
            st.caption("Each phase is scored when it ends; its feedback card appears here.")
        for i, card in enumerate(cards):
            feedback_card(card, expanded=i == len(cards) - 1, side_by_side=False)
    with chat_col:
        conversation()


# ------------------------------------------------------------------------------------------- scorecard


def scorecard() -> None:
    import altair as alt  # only the scorecard draws a chart; importing it takes half a second

    report = wb.report()
    card = report.scorecard
    st.header(f"Scorecard: {report.session.title}")
    show_notices()
    a, b, c, d = st.columns([1, 3, 1, 1])  # the signal's label is the longest value
    a.metric("Overall", f"{card.overall:.1f} / 5" if card.overall is not None else "n/a")
    b.metric("Hiring signal", card.signal_label or "n/a")
    c.metric("Communication", f"{card.communication:.1f} / 5" if card.communication is not None else "n/a")
    d.metric("Hints used", card.hints_used)
    if card.evidence is not None:
        st.caption(f"Evidence: {card.evidence.why}.")
    if not card.complete:
        st.caption("Some phases were not reached, so the overall score covers only the phases assessed.")
    files = wb.downloads()
    x, h, y, z, new = st.columns(5)
    download = ":material/download:"
    x.download_button("Report (Markdown)", files.markdown, f"{files.stem}.md", "text/markdown", icon=download)
    h.download_button("Report (HTML)", files.html, f"{files.stem}.html", "text/html", icon=download)
    y.download_button("Report (JSON)", files.json, f"{files.stem}.json", "application/json", icon=download)
    z.download_button(
        "Transcript", files.transcript, f"{files.stem}-transcript.md", "text/markdown", icon=download
    )
    if new.button("Start a new interview", type="primary"):
        wb.close()
        sync_url()
        st.rerun()
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown("#### Score per phase")
        data = chart_data(report)
        rows = [{"Phase": p, "Score": v} for p, v in zip(data["Phase"], data["Score"], strict=True)]
        bars = (
            alt.Chart(alt.Data(values=rows))
            .mark_bar()
            .encode(
                x=alt.X("Score:Q", scale=alt.Scale(domain=[0, 5]), title="Score (1 to 5)"),
                y=alt.Y("Phase:N", sort=data["Phase"], title=None),
                tooltip=["Phase:N", "Score:Q"],
            )
            .properties(height=40 * len(rows) + 40)
        )
        st.altair_chart(bars, width="stretch")
    with right:
        st.markdown("#### Top gaps")
        for line in gap_lines(card):
            st.markdown(line)
        if card.weakest_phase:
            st.markdown(f"#### Model answer outline: {PHASE_NAMES[card.weakest_phase]}")
            st.markdown("\n".join(f"- {line}" for line in card.model_outline))
    st.markdown("#### Feedback per phase")
    for item in wb.feedback():
        feedback_card(item, expanded=item.diagram is not None)  # a graded drawing is shown open
    with st.expander("The whole transcript"):
        for line in wb.chat():
            chat_line(line)


if wb.session is None:
    show_notices()
    sync_url()
    start_screen()
elif wb.session.done:
    sync_url()
    scorecard()
elif wb.read_only:
    sync_url()
    read_only()
else:
    sync_url()
    interview()
