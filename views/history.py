"""History: past interviews with their scores, the per-phase trend, resume and delete."""

from __future__ import annotations

import streamlit as st

from interviewer.errors import InterviewerError
from interviewer.web.display import plain
from interviewer.web.history import TABLE_WIDTHS, history_rows, next_drill, table, trend_chart
from interviewer.web.workbench import WORKBENCH_KEY, Workbench

wb: Workbench = st.session_state[WORKBENCH_KEY]

st.title("History")
viewer = wb.viewer
rows = history_rows(wb.shared.store, wb.shared.bank, wb.shared.rubrics, owner=viewer.read_owner)
if viewer.instructor:
    st.caption("As an instructor you see every candidate's interviews, read-only.")
if not rows:
    st.info("No interviews yet. Start one on the Interview page; it appears here as soon as it begins.")
    st.stop()

st.dataframe(
    table(rows, with_owner=viewer.instructor),
    hide_index=True,
    width="stretch",
    column_config={name: st.column_config.TextColumn(width=w) for name, w in TABLE_WIDTHS.items()},
)

st.markdown("#### Scores per phase over time")
chart = trend_chart(rows)
if chart is not None:
    st.vega_lite_chart(chart, width="stretch")
else:
    st.caption("The trend appears once two interviews have been scored.")
st.caption(next_drill(wb.shared.store, viewer.user if viewer.signed_in else None))

st.markdown("#### Sessions")
for r in rows:
    score = f"{r.overall:.1f} / 5" if r.overall is not None else "not scored"
    with st.container(border=True):
        info, open_col, delete_col = st.columns([5, 1, 1])
        mine = r.owner == viewer.owner or not viewer.signed_in
        whose = "" if mine else f"{plain(r.owner)} · "
        info.markdown(f"{whose}**{r.title}** · {r.created} · {r.state} · {score}")
        label = ("Open scorecard" if r.finished else "Resume") if mine else "Read"
        if open_col.button(label, key=f"open-{r.session_id}", width="stretch"):
            try:
                wb.resume(r.session_id)
            except InterviewerError as err:
                st.error(str(err))
            else:
                st.switch_page("views/interview.py", query_params={"session": r.session_id})
        if not mine:
            continue  # an instructor reads another candidate's interview, never deletes it
        # Keyed by the session, so after a deletion the next row's confirmation starts closed, and its
        # button exists only while the user has it open.
        confirm = delete_col.popover(
            "Delete", width="stretch", key=f"confirm-delete-{r.session_id}", on_change="rerun"
        )
        if confirm.open:
            confirm.markdown("Delete this interview and its scores for good?")
            if confirm.button("Yes, delete it", key=f"delete-{r.session_id}", type="primary"):
                try:
                    wb.delete(r.session_id)
                except InterviewerError as err:
                    st.error(str(err))
                else:
                    st.rerun()
