"""Add articles: paste text, upload .txt/.html files or fetch a URL; review the extracted events
with their evidence highlighted; store them. The logic lives in conflict_monitor.extract."""

from ui.navigation import require_app_navigation

require_app_navigation()  # before the imports below: see ui/navigation.py

import datetime as dt

import streamlit as st

from conflict_monitor.extract.errors import ExtractionError
from conflict_monitor.extract.fetch import check_article_bytes, compute_looks_like_html, fetch_url
from conflict_monitor.extract.pipeline import ExtractionResult, extract_article
from conflict_monitor.extract.preview import apply_actor_aliases, highlight_evidence, new_actor_frame, preview_frame
from conflict_monitor.model.actors import all_actors
from conflict_monitor.model.safety import escape_markdown
from conflict_monitor.store.audit import record_audit
from conflict_monitor.store.base import ImportRejected, StoreError
from ui.access import require_write_access
from ui.auth import get_actor_name
from ui.loaders import clear_data_caches, get_store
from ui.shell import require_shell
from ui.tables import render_table

require_shell()
require_write_access()  # viewers and read-only mode get a notice, whatever the URL


@st.cache_data(max_entries=32, show_spinner="Reading the article…")
def extract_cached(raw: str | bytes, published: dt.date | None, source: str | None, url: str | None,
                   is_html: bool | None) -> ExtractionResult:
    return extract_article(raw, published=published, source=source or None, url=url, is_html=is_html)


st.title("Add articles")
st.caption("Paste an article, upload saved pages or text files, or give a web address. Events are "
           "extracted by the coding rules (who did what to whom, where, when, how many died, who says "
           "so); review them below, then store them. Storing the same article again adds nothing.")

kind = st.radio("Article from", ["Paste text", "Upload files", "Web address"], horizontal=True, key="add_kind")
left, right = st.columns(2)
published = left.date_input("Publication date (optional)", value=None, key="add_published",
                            help="Relative dates (\"on Wednesday\", \"since December\") are resolved "
                                 "against it. Without it, the date found in the article is used.")
source = right.text_input("Outlet (optional)", key="add_source", placeholder="e.g. AFP")

inputs: list[tuple[str, str | bytes, bool | None, str | None]] = []
if kind == "Paste text":
    text = st.text_area("Article text", key="add_text", height=260)
    if text.strip():
        inputs.append(("Pasted article", text, None, None))
elif kind == "Upload files":
    for upload in st.file_uploader("Article files", type=["txt", "html", "htm"], accept_multiple_files=True,
                                   key="add_files") or []:
        data = upload.getvalue()
        try:  # judged by content: a renamed archive or image is refused, HTML is read as HTML
            check_article_bytes(upload.name, data)
        except ExtractionError as exc:
            st.error(escape_markdown(exc))
            continue
        is_html = upload.name.lower().endswith((".html", ".htm")) or compute_looks_like_html(data)
        inputs.append((upload.name, data, True if is_html else None, None))
else:
    url = st.text_input("Web address", key="add_url", placeholder="https://…")
    if url and st.button("Fetch", key="add_fetch", icon=":material/download:"):
        try:
            st.session_state["add_fetched"] = (url, fetch_url(url))
        except ExtractionError as exc:
            st.error(escape_markdown(exc))
    fetched = st.session_state.get("add_fetched")
    if fetched and fetched[0] == url:
        inputs.append((url, fetched[1], True, url))

results: list[tuple[str, ExtractionResult]] = []
for label, raw, is_html, link in inputs:
    try:
        results.append((label, extract_cached(raw, published, source, link, is_html)))
    except ExtractionError as exc:
        st.error(escape_markdown(f"{label}: {exc}"))

store_actors = get_store().list_actors() if results else []
aliases = get_store().load_actor_aliases() if results else {}
known_actors = sorted({a.canonical for a in all_actors()} | set(store_actors))
choices: dict[str, str] = {}  # new actor -> the known actor the user maps it to
reviewed: list[tuple[ExtractionResult, list[dict]]] = []
for label, result in results:
    article = result.article
    events, new_actors = apply_actor_aliases(result.events, result.new_actors, aliases, store_actors)
    reviewed.append((result, events))
    st.subheader(escape_markdown(article.get("title") or label))
    st.caption(escape_markdown(" · ".join(str(v) for v in (article.get("source"), article.get("published"),
                                                           article.get("dateline")) if v))
               or "No outlet or date found")
    for warning in result.warnings:
        st.warning(escape_markdown(warning))
    if events:
        render_table(preview_frame(events), key=f"add_table_{article['id']}")
    else:
        st.info("No events found in this article.")
    if new_actors:
        st.caption("Actors new to the store, with the country and kind read from the text. Map one to a "
                   "known actor to store it under that name; the choice is remembered for later articles.")
        render_table(new_actor_frame(new_actors), key=f"add_new_actors_{article['id']}")
        for i, actor in enumerate(new_actors):
            pick = st.selectbox(f"Map new actor {i + 1} to", ["Keep as a new actor", *known_actors],
                                key=f"add_map_{article['id']}_{i}",
                                help="The row of the same number in the table of new actors.")
            if pick != "Keep as a new actor":
                choices[actor["name"]] = pick
    with st.expander("Article text, evidence highlighted", expanded=not events):
        st.markdown(highlight_evidence(article["text"], events), unsafe_allow_html=True)

total = sum(len(events) for _, events in reviewed)
if results and st.button(f"Store {total} events from {len(results)} article(s)", type="primary",
                         key="add_store", icon=":material/save:"):
    store = get_store()
    added = present = 0
    try:
        for alias, actor in choices.items():
            store.save_actor_alias(alias, actor)
            record_audit(store, get_actor_name(), "alias", alias, 1, f"mapped to {actor}")
        for result, events in reviewed:
            events, _ = apply_actor_aliases(events, [], choices)
            outcome = store.ingest_article(result.article, events)
            added, present = added + outcome.added, present + outcome.already_present
            label = result.article.get("url") or result.article.get("title") or "pasted article"
            record_audit(store, get_actor_name(), "ingest", label,
                         outcome.added, f"{outcome.already_present} already present; article "
                         f"{result.article.get('id')}")
    except (ImportRejected, StoreError) as exc:  # each article is all or nothing
        st.error(f"{escape_markdown(exc)} Articles before it were stored ({added} events added).",
                 icon=":material/error:")
    else:
        st.success(f"Stored: {added} events added, {present} already present.",
                   icon=":material/check_circle:")
    clear_data_caches()
