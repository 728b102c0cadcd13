"""Review: the analyst checks what the machine coded. Accept, edit or reject extracted events,
one at a time or in bulk; rejected ones stay restorable. The logic lives in store/review.py."""

from ui.navigation import require_app_navigation

require_app_navigation()  # before the imports below: see ui/navigation.py

import streamlit as st

from conflict_monitor.model.schema import ACTIONS
from conflict_monitor.store.audit import record_audit
from conflict_monitor.store.review import EDITABLE
from ui.loaders import clear_data_caches, get_store
from ui.monitor import get_user_name
from ui.review import compute_edit_changes, compute_form_defaults, make_evidence_html
from ui.shell import require_shell
from ui.tables import render_table

require_shell()
store = get_store()
who = get_user_name()

st.title("Review")
st.caption("Events the extractor coded from articles start unreviewed. Accept them, correct them "
           "(the machine's coding is kept beside yours, and every change is recorded), or reject "
           "them: rejected events are hidden from every page, never deleted, and can be restored. "
           "The sidebar's *Reviewed events only* shows accepted and corrected ones.")

status = st.segmented_control("Show", ["unreviewed", "accepted", "edited", "rejected"],
                              default="unreviewed", key="review_status")
queue = store.query_review_queue(status or "unreviewed")
if queue.empty:
    st.info(f"No {status} events.")
    st.stop()

shown = ["event_date", "action", "actor1", "actor2", "location", "fatalities", "victims", "source",
         "evidence", "reviewer", "event_id"]
picked = render_table(queue[shown], hide_index=True, on_select="rerun", selection_mode="multi-row",
                      key="review_table")
rows = list(getattr(getattr(picked, "selection", None), "rows", []) or [])
ids = [queue["event_id"].iloc[i] for i in rows]
st.caption(f"{len(queue):,} {status} events (the 200 newest); {len(ids)} selected.")

left, middle, right = st.columns(3)
if status != "rejected":
    if left.button(f"Accept selected ({len(ids)})", disabled=not ids, key="bulk_accept"):
        n = store.accept_events(ids, who)
        record_audit(store, who, "review", "events", n, "accept (bulk)")
        clear_data_caches()
        st.rerun()
    if middle.button(f"Reject selected ({len(ids)})", disabled=not ids, key="bulk_reject"):
        n = store.reject_events(ids, who)
        record_audit(store, who, "review", "events", n, "reject (bulk)")
        clear_data_caches()
        st.rerun()
elif left.button(f"Restore selected ({len(ids)})", disabled=not ids, key="bulk_restore"):
    n = store.restore_events(ids, who)
    record_audit(store, who, "review", "events", n, "restore (bulk)")
    clear_data_caches()
    st.rerun()

st.subheader("One event")
labels = {r["event_id"]: " · ".join(v or "?" for v in (compute_form_defaults(r)[f] for f in
                                   ("event_date", "action", "actor1", "location")))
          for r in queue.to_dict("records")}
event_id = st.selectbox("Event", list(labels), format_func=labels.get, key="review_event")
event = queue.set_index("event_id").loc[event_id].to_dict() | {"event_id": event_id}
article = store.get_article(event["article_id"]) if isinstance(event.get("article_id"), str) else None
st.markdown(make_evidence_html(article, event), unsafe_allow_html=True)  # escaped in make_evidence_html

if status == "rejected":
    if st.button("Restore this event", key="restore_one"):
        store.restore_events([event_id], who)
        record_audit(store, who, "review", event_id, 1, "restore")
        clear_data_caches()
        st.rerun()
else:
    with st.form("edit_event"):
        now = compute_form_defaults(event)
        c1, c2, c3 = st.columns(3)
        values = {
            "actor1": c1.text_input("Actor 1", now["actor1"]),
            "actor2": c2.text_input("Actor 2", now["actor2"]),
            "action": c3.selectbox("Action", ACTIONS, index=ACTIONS.index(now["action"])
                                   if now["action"] in ACTIONS else ACTIONS.index("other")),
            "location": c1.text_input("Place", now["location"]),
            "event_date": c2.text_input("Date (YYYY-MM-DD)", now["event_date"]),
            "victims": c3.text_input("Victims", now["victims"]),
            "fatalities": c1.text_input("Deaths (low)", now["fatalities"]),
            "fatalities_high": c2.text_input("Deaths (high)", now["fatalities_high"]),
        }
        accept, save, reject = st.columns(3)
        if accept.form_submit_button("Accept as coded", type="primary"):
            store.accept_events([event_id], who)
            record_audit(store, who, "review", event_id, 1, "accept")
            clear_data_caches()
            st.rerun()
        if save.form_submit_button("Save my corrections"):
            changes = compute_edit_changes(event, values, EDITABLE)
            try:
                store.edit_event(event_id, changes, who)
            except (ValueError, KeyError) as exc:
                st.error(f"Not saved: {exc}")
            else:
                record_audit(store, who, "review", event_id, 1, "edit " + ", ".join(sorted(changes)))
                clear_data_caches()
                st.rerun()
        if reject.form_submit_button("Reject"):
            store.reject_events([event_id], who)
            record_audit(store, who, "review", event_id, 1, "reject")
            clear_data_caches()
            st.rerun()

history = store.query_review_log(event_id)
if not history.empty:
    st.caption("History of this event")
    render_table(history[["changed_at", "what", "field", "value_before", "value_after", "who"]],
                 hide_index=True, key="review_history")
