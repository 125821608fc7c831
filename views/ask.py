"""Ask the notes: answers stream from the chosen notes, with inline citations whose sources expand."""

from __future__ import annotations

import streamlit as st

from interviewer.errors import InterviewerError
from interviewer.notes.ask import AnswerResult
from interviewer.web.display import plain, safe_markdown, safe_stream
from interviewer.web.workbench import WORKBENCH_KEY, Workbench

wb: Workbench = st.session_state[WORKBENCH_KEY]
notes = wb.notes
SOURCES = {
    "shipped": "The shipped notes (knowledge/)",
    "folder": "A folder on this computer",
    "upload": "Markdown files I upload",
}
if not notes.folders_allowed:  # a shared app never opens the server's folders to the web
    del SOURCES["folder"]
    SOURCES["shipped"] = "The shared notes"


def sources(result: AnswerResult) -> None:
    if result.notice:
        st.caption(result.notice)
    for c in result.citations:
        with st.expander(f"[{c.n}] {plain(c.source)} › {plain(c.heading)}"):
            st.markdown(safe_markdown(c.snippet))


def index_with_progress() -> bool:
    if notes.indexing_elsewhere():
        st.info("Your notes are being indexed in another tab; wait for it, or cancel it.")
        st.button("Cancel indexing", key="cancel-other", on_click=notes.cancel_indexing)
        return False
    bar = st.progress(0.0, text="Checking the notes index…")
    # Pressing Cancel cancels the job (the callback runs first on the next run) and stops this run at its next
    # progress step.
    cancel = st.empty()
    cancel.button("Cancel", key="cancel-indexing", icon=":material/cancel:", on_click=notes.cancel_indexing)
    try:
        reports = notes.index_notes(
            progress=lambda done, total, label: bar.progress(
                done / max(total, 1), text=f"Indexing {plain(label)} ({done}/{total})"
            )
        )
    except InterviewerError as err:
        bar.empty()
        cancel.empty()
        st.error(str(err))
        return False
    bar.empty()
    cancel.empty()
    indexed = sum(len(r.indexed) for r in reports)
    if indexed:
        st.toast(f"Indexed {indexed} file{'' if indexed == 1 else 's'}.")
    for r in reports:
        for skipped in r.skipped:
            st.caption(f"Skipped {plain(skipped.source)}: {plain(skipped.reason)}")
    return True


def upload_sets() -> None:
    """This user's uploaded notes sets: answer from one, or delete it with its index."""
    for upload in notes.upload_sets():
        names = ", ".join(upload.files[:3]) + (
            f" and {len(upload.files) - 3} more" if len(upload.files) > 3 else ""
        )
        info, use, delete = st.columns([5, 1, 1])
        info.caption(plain(f"{names} ({upload.size / 1000:.0f} kB)"))
        if use.button("Use", key=f"use-{upload.name}"):
            notes.use_upload(upload.name)
        if delete.button("Delete", key=f"delete-{upload.name}"):
            notes.delete_upload(upload.name)
            st.rerun()


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
            "Markdown notes (up to 2 MB a file)",
            type=["md", "markdown", "txt"],
            accept_multiple_files=True,
            key="notes-upload",
        )
        # Streamlit refuses a file over server.maxUploadSize (2 MB); saving checks the size and the quota again.
        if uploads and st.button("Index these files", type="primary"):
            notes.save_uploads([(f.name, f.getvalue()) for f in uploads])
            index_with_progress()
        upload_sets()
except InterviewerError as err:
    st.error(str(err))

folder = notes.folder
if folder is None:
    st.caption("Notes: the shipped knowledge/ folder and INTERVIEWER_NOTES")
elif folder.parent == notes.uploads_root:
    st.caption("Notes: the files you uploaded")
else:
    st.caption(f"Notes: {plain(str(folder))}")

for notice in wb.take_notices():
    st.warning(notice.text)

for asked in notes.conversation:
    with st.chat_message("user"):
        st.markdown(plain(asked.question))
    with st.chat_message("assistant"):
        st.markdown(safe_markdown(asked.result.answer))
        sources(asked.result)

question = st.chat_input("Ask a question about the notes")
if question:
    with st.chat_message("user"):
        st.markdown(plain(question))
    if index_with_progress():
        try:
            live = notes.ask(question)
            with st.chat_message("assistant"):
                st.write_stream(safe_stream(live))
                sources(live.result)
        except InterviewerError as err:
            st.error(str(err))
        else:
            st.rerun()
