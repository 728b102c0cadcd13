"""Sources: the feeds and pages the monitor watches, their polling state and failed items; add,
remove, poll now, and the background poller setting. The logic lives in conflict_monitor.monitor."""

from ui.navigation import require_app_navigation

require_app_navigation()  # before the imports below: see ui/navigation.py

import streamlit as st

from conflict_monitor.model.safety import compute_safe_url
from conflict_monitor.monitor.background import SETTING
from conflict_monitor.monitor.poller import Poller
from conflict_monitor.store.audit import record_audit
from conflict_monitor.store.feeds import compute_feed_name
from ui.loaders import clear_data_caches, get_store
from ui.monitor import get_background_poller, get_user_name
from ui.shell import require_shell
from ui.tables import render_table

require_shell()
store = get_store()

st.title("Sources")
st.caption("RSS and Atom feeds, and single pages, that the monitor polls. Each new item is fetched, "
           "cleaned, extracted and stored once (the same link or the same story in two feeds is "
           "stored once). `python -m conflict_monitor watch` polls them from the command line.")

with st.form("add_feed", clear_on_submit=True):
    left, middle, right = st.columns([3, 2, 1])
    url = left.text_input("Feed or page address", placeholder="https://example.org/world/rss")
    name = middle.text_input("Name (optional)")
    kind = right.selectbox("Kind", ["feed", "page"], help="page: one page watched for changes")
    if st.form_submit_button("Add", icon=":material/add:"):
        if compute_safe_url(url) is None:
            st.error("Give an http(s) address.")
        else:
            try:
                feed_name = name.strip() or compute_feed_name(url)
                store.add_feed(feed_name, url.strip(), kind)
                record_audit(store, get_user_name(), "feed", feed_name, 1, f"add {kind} {url.strip()}")
                clear_data_caches()
                st.success("Added; it is polled on the next round.")
            except ValueError as exc:
                st.error(str(exc))

feeds = store.query_feeds()
if feeds.empty:
    st.info("No sources yet: add a feed above.")
else:
    render_table(feeds[["name", "kind", "url", "last_poll", "next_poll", "items_found", "last_error"]],
                 column_config={"url": st.column_config.LinkColumn("Address"),
                                "items_found": st.column_config.NumberColumn("Items stored"),
                                "last_error": "Last error"},
                 hide_index=True, key="feeds_table")
    left, right = st.columns(2)
    gone = left.selectbox("Stop watching", list(feeds["name"]), index=None, key="feed_remove")
    if left.button("Remove", disabled=gone is None, key="feed_remove_button"):
        store.remove_feed(gone)
        record_audit(store, get_user_name(), "feed", gone, 1, "remove")
        clear_data_caches()
        st.rerun()
    if right.button("Poll every source now", type="primary", icon=":material/sync:", key="poll_now"):
        with st.status("Polling…", expanded=True) as status:
            def progress(feed: str, one) -> None:
                st.write(f"{feed}: {one.items_seen} items, {one.new_articles} new articles, "
                         f"{one.new_events} new events, {len(one.failures)} failures")

            summary = Poller(store).poll_all(progress=progress)
            status.update(label=summary.describe(), state="error" if summary.failures else "complete")
        clear_data_caches()

failed = store.query_feed_items(status="failed")
if not failed.empty:
    st.subheader("Failed items")
    st.caption("Each is tried again after a wait that doubles (15 minutes up to a day).")
    render_table(failed[["feed", "url", "last_error", "attempts", "last_try", "next_try"]],
                 column_config={"url": st.column_config.LinkColumn("Item")}, hide_index=True,
                 key="failed_items")

st.subheader("Background polling")
minutes = store.get_setting(SETTING)
on = st.toggle("Poll in the background while the dashboard runs", value=minutes > 0, key="bg_on")
every = st.number_input("Every (minutes)", min_value=1, max_value=24 * 60, value=minutes or 15,
                        key="bg_minutes", disabled=not on)
wanted = int(every) if on else 0
if wanted != minutes:
    store.set_setting(SETTING, wanted)
    record_audit(store, get_user_name(), "feed", SETTING, None, f"background polling every {wanted} min")
    clear_data_caches()
    if wanted:
        get_background_poller().start()
    st.rerun()
if on:
    poller = get_background_poller()
    st.caption(f"Last round: {poller.last_round or 'not yet'}. New events show on every page "
               "within a minute of being stored.")
