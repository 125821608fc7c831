"""interviewer in the browser: `streamlit run app.py`.

A thin view. Each page reads its widgets, calls one method of this tab's `Workbench`
(`interviewer.web.workbench`) and renders what comes back. Only read-only resources (the question bank, the
embedder, the notes index, the session store) are cached across tabs; each tab has its own workbench.
"""

from __future__ import annotations

import streamlit as st

from interviewer.config import Settings
from interviewer.errors import InterviewerError
from interviewer.logs import configure_logging
from interviewer.web.shared import Overrides, Shared
from interviewer.web.status import breaker_notice
from interviewer.web.workbench import OVERRIDES_KEY, WORKBENCH_KEY, Workbench

# An emoji icon is drawn in the browser; a Material icon as favicon would be fetched from fonts.gstatic.com.
st.set_page_config(page_title="interviewer", page_icon="🎙️", layout="wide")


@st.cache_resource(show_spinner="Loading the question bank…")
def _shared(_settings: Settings, key: str) -> Shared:
    """One `Shared` per data folder and content folders; `key` names them for the cache."""
    configure_logging(_settings)
    shared = Shared.build(_settings)
    shared.warm_up()
    return shared


def _workbench() -> Workbench:
    workbench = st.session_state.get(WORKBENCH_KEY)
    if workbench is None:
        settings = Settings.from_env()
        overrides: Overrides | None = st.session_state.get(OVERRIDES_KEY)
        if overrides is not None:
            shared = Shared.build(settings, embedder=overrides.embedder)
        else:
            key = "|".join(str(p) for p in (settings.home, settings.knowledge_dir, settings.prompts_dir))
            shared = _shared(settings, key)
        workbench = Workbench(shared, overrides)
        st.session_state[WORKBENCH_KEY] = workbench
    return workbench


try:
    wb = _workbench()
    wb.restore(st.query_params.get("session"))
except InterviewerError as err:
    st.error(str(err))
    st.stop()

with st.sidebar:
    engine, reason = wb.engine_line()
    st.caption(f"**Engine: {engine}** · {reason}")
    notice = breaker_notice(wb.breaker.state())
    if notice:
        st.warning(notice, icon=":material/cloud_off:")

pages = [
    st.Page("views/interview.py", title="Interview", icon=":material/record_voice_over:", default=True),
    st.Page("views/ask.py", title="Ask the notes", icon=":material/menu_book:", url_path="ask"),
    st.Page("views/history.py", title="History", icon=":material/history:", url_path="history"),
    st.Page("views/status.py", title="Settings and status", icon=":material/settings:", url_path="status"),
]
st.navigation(pages).run()
