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
from interviewer.web.auth import Viewer, serving_problem, viewer_for
from interviewer.web.display import plain
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


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _viewer(settings: Settings) -> Viewer:
    """Who is signed in; without anyone, the sign-in page and nothing else."""
    user_info = st.user.to_dict() if settings.auth == "oidc" else None
    viewer = viewer_for(settings, headers=st.context.headers, user_info=user_info)
    if viewer is not None:
        return viewer
    st.title("Sign in to practise")
    if settings.auth == "oidc" and not _oidc_configured():
        st.error(
            "Sign-in is set to OpenID Connect (INTERVIEWER_AUTH=oidc), but .streamlit/secrets.toml has no [auth] "
            "section; add redirect_uri, cookie_secret, client_id, client_secret and server_metadata_url there."
        )
    elif settings.auth == "oidc":
        st.markdown("Sign in with your organisation's account to start or resume an interview.")
        st.button("Sign in", type="primary", on_click=st.login)
    else:
        st.markdown(
            "Nobody is signed in. Open the app through your organisation's sign-in page (the proxy in front "
            "of it signs you in), not by its direct address."
        )
    st.stop()
    raise AssertionError("unreachable")  # st.stop() ends the run


def _workbench(settings: Settings, viewer: Viewer) -> Workbench:
    workbench: Workbench | None = st.session_state.get(WORKBENCH_KEY)
    if workbench is not None and workbench.viewer != viewer:
        workbench = None  # another user signed in in this tab: nothing of the last one's stays
    if workbench is None:
        overrides: Overrides | None = st.session_state.get(OVERRIDES_KEY)
        if overrides is not None:
            shared = Shared.build(settings, embedder=overrides.embedder)
        else:
            key = "|".join(str(p) for p in (settings.home, settings.knowledge_dir, settings.prompts_dir))
            shared = _shared(settings, key)
        workbench = Workbench(shared, overrides, viewer=viewer)
        if viewer.signed_in:
            shared.store.touch_user(viewer.user, viewer.role)
        st.session_state[WORKBENCH_KEY] = workbench
    return workbench


try:
    settings = Settings.from_env()
    refused = serving_problem(settings, st.get_option("server.address"))
    if refused:
        st.title("This app is not set up to be shared")
        st.error(refused)
        st.stop()
    wb = _workbench(settings, _viewer(settings))
    wb.restore(st.query_params.get("session"))
except InterviewerError as err:
    st.error(str(err))
    st.stop()

with st.sidebar:
    engine, reason = wb.engine_line()
    st.caption(f"**Engine: {engine}** · {reason}")
    if wb.viewer.signed_in:
        role = " (instructor: reads every candidate's interviews)" if wb.viewer.instructor else ""
        st.caption(f"Signed in as {plain(wb.viewer.user)}{role}")
        if settings.auth == "oidc":
            st.button("Sign out", on_click=st.logout)
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
