"""History: past interviews with their scores, the per-phase trend, resume and delete."""

from __future__ import annotations

import streamlit as st

from interviewer.errors import InterviewerError
from interviewer.web.history import history_rows, next_drill, trends
from interviewer.web.workbench import WORKBENCH_KEY, Workbench

wb: Workbench = st.session_state[WORKBENCH_KEY]

st.title("History")
rows = history_rows(wb.shared.store, wb.shared.bank, wb.shared.rubrics)
if not rows:
    st.info("No interviews yet. Start one on the Interview page; it appears here as soon as it begins.")
    st.stop()

st.dataframe(
    [
        {
            "Date": r.created,
            "Question": r.title,
            "Length": f"{r.minutes} min" + (f" drill: {r.drill}" if r.drill else ""),
            "State": r.state,
            "Overall": None if r.overall is None else round(r.overall, 1),
            "Signal": r.signal or "",
            **{name: None if score is None else round(score, 1) for name, score in r.scores.items()},
        }
        for r in rows
    ],
    hide_index=True,
    width="stretch",
)

trend = trends(rows)
st.markdown("#### Scores per phase over time")
if len(trend["Session"]) >= 2 and len(trend) > 1:
    st.line_chart(trend, x="Session", y=[k for k in trend if k != "Session"], y_label="Score (1 to 5)")
else:
    st.caption("The trend appears once two interviews have been scored.")
st.caption(next_drill(wb.shared.store))

st.markdown("#### Sessions")
for r in rows:
    score = f"{r.overall:.1f} / 5" if r.overall is not None else "not scored"
    with st.container(border=True):
        info, open_col, delete_col = st.columns([5, 1, 1])
        info.markdown(f"**{r.title}** · {r.created} · {r.state} · {score}")
        label = "Open scorecard" if r.finished else "Resume"
        if open_col.button(label, key=f"open-{r.session_id}", width="stretch"):
            try:
                wb.resume(r.session_id)
            except InterviewerError as err:
                st.error(str(err))
            else:
                st.switch_page("views/interview.py", query_params={"session": r.session_id})
        with delete_col.popover("Delete", width="stretch"):
            st.markdown("Delete this interview and its scores for good?")
            if st.button("Yes, delete it", key=f"delete-{r.session_id}", type="primary"):
                try:
                    wb.delete(r.session_id)
                except InterviewerError as err:
                    st.error(str(err))
                else:
                    st.rerun()
