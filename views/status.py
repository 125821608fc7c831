"""Settings and status: the engine and models, the key (set or not, never its value), data and cost."""

from __future__ import annotations

import streamlit as st

from interviewer.web.workbench import WORKBENCH_KEY, Workbench

wb: Workbench = st.session_state[WORKBENCH_KEY]
s = wb.status()

st.title("Settings and status")
if s.breaker_notice:
    st.warning(s.breaker_notice, icon=":material/cloud_off:")

a, b, c = st.columns(3)
a.metric("Engine", s.engine)
b.metric("API key", "set" if s.key_set else "not set")
c.metric("Circuit breaker", s.breaker.status.replace("_", " "))
st.caption(f"Why this engine: {s.engine_reason}.")

st.markdown("#### Models")
st.markdown(
    "\n".join(
        [
            f"- Interviewer: {s.interviewer}",
            f"- Grader: {s.grader}",
            f"- Server: `{s.base_url}`" if s.base_url else "- Server: the OpenAI API (when a key is set)",
            f"- Voice: {s.voice}",
        ]
    )
)
st.caption("Change them with environment variables (OPENAI_API_KEY, INTERVIEWER_ENGINE, ...) and restart.")

st.markdown("#### Data")
if wb.viewer.signed_in and not wb.viewer.instructor:  # a shared app keeps its server's paths to itself
    st.markdown("- Data and notes folders: on the server, set by its operator")
else:
    st.markdown(
        "\n".join([f"- Data folder: `{s.data_folder}`", *(f"- Notes folder: `{d}`" for d in s.notes_folders)])
    )

st.markdown("#### This interview")
if s.session_id is None or s.usage is None:
    st.markdown("No interview is open.")
else:
    u = s.usage
    cost = (
        "no API cost"
        if u.calls == 0
        else (f"about ${u.cost_usd:.4f}" if u.cost_usd is not None else "unknown (no price for the model)")
    )
    x, y, z = st.columns(3)
    x.metric("Model calls", u.calls)
    y.metric("Tokens in / out", f"{u.prompt_tokens:,} / {u.completion_tokens:,}")
    z.metric("Estimated cost", cost)
    st.caption(f"Session `{s.session_id}`" + (f"; prices as of {u.prices_as_of}" if u.prices_as_of else ""))
