"""Ask the notes: answers stream from the chosen notes, with inline citations whose sources expand."""

from __future__ import annotations

import streamlit as st

from interviewer.errors import InterviewerError
from interviewer.notes.ask import AnswerResult
from interviewer.web.workbench import WORKBENCH_KEY, Workbench

wb: Workbench = st.session_state[WORKBENCH_KEY]
notes = wb.notes
SOURCES = {
    "shipped": "The shipped notes (knowledge/)",
    "folder": "A folder on this computer",
    "upload": "Markdown files I upload",
}


def sources(result: AnswerResult) -> None:
    if result.notice:
        st.caption(result.notice)
    for c in result.citations:
        with st.expander(f"[{c.n}] {c.source} › {c.heading}"):
            st.markdown(c.snippet)


def index_with_progress() -> bool:
    bar = st.progress(0.0, text="Checking the notes index…")
    try:
        reports = notes.index_notes(
            progress=lambda done, total, label: bar.progress(
                done / max(total, 1), text=f"Indexing {label} ({done}/{total})"
            )
        )
    except InterviewerError as err:
        bar.empty()
        st.error(str(err))
        return False
    bar.empty()
    indexed = sum(len(r.indexed) for r in reports)
    if indexed:
        st.toast(f"Indexed {indexed} file{'' if indexed == 1 else 's'}.")
    for r in reports:
        for skipped in r.skipped:
            st.caption(f"Skipped {skipped.source}: {skipped.reason}")
    return True


st.title("Ask the notes")
st.caption("Answers come only from the notes, with numbered citations; open a source to see the passage.")

choice = st.radio(
    "Answer from", list(SOURCES), format_func=SOURCES.__getitem__, horizontal=True, key="notes-source"
)
try:
    if choice == "shipped":
        notes.use_folder(None)
    elif choice == "folder":
        path = st.text_input("Notes folder", placeholder="/path/to/my/notes", key="notes-path")
        if path:
            notes.use_folder(path)
    else:
        uploads = st.file_uploader(
            "Markdown notes", type=["md", "markdown", "txt"], accept_multiple_files=True, key="notes-upload"
        )
        if uploads and st.button("Index these files", type="primary"):
            notes.save_uploads([(f.name, f.getvalue()) for f in uploads])
            index_with_progress()
except InterviewerError as err:
    st.error(str(err))

folder = notes.folder
st.caption(f"Notes: `{folder}`" if folder else "Notes: the shipped knowledge/ folder and INTERVIEWER_NOTES")

for notice in wb.take_notices():
    st.warning(notice.text)

for asked in notes.conversation:
    with st.chat_message("user"):
        st.markdown(asked.question)
    with st.chat_message("assistant"):
        st.markdown(asked.result.answer)
        sources(asked.result)

question = st.chat_input("Ask a question about the notes")
if question:
    with st.chat_message("user"):
        st.markdown(question)
    if index_with_progress():
        try:
            live = notes.ask(question)
            with st.chat_message("assistant"):
                st.write_stream(live)
                sources(live.result)
        except InterviewerError as err:
            st.error(str(err))
        else:
            st.rerun()
