"""Alerts: what the saved rules raised (unread first), their deliveries, and the rules
themselves. The logic lives in conflict_monitor.monitor.alerts and .delivery."""

from ui.navigation import require_app_navigation

require_app_navigation()  # before the imports below: see ui/navigation.py

import streamlit as st

from conflict_monitor.model.safety import compute_safe_url
from conflict_monitor.model.schema import ACTIONS
from conflict_monitor.monitor.alerts import create_rule
from conflict_monitor.monitor.delivery import deliver_due
from conflict_monitor.store.audit import record_audit
from ui.loaders import clear_data_caches, get_data_version, get_store, load_filter_options
from ui.monitor import get_user_name
from ui.shell import require_shell
from ui.tables import render_table

require_shell()
store = get_store()

st.title("Alerts")
st.caption("Saved rules raise one alert per new match: an event by an actor, in a country or "
           "within a distance of a place, of an action, with at least N deaths; a weekly surge of "
           "more than 25 % over the four weeks before (as on the Timeline); an ultimatum running "
           "out within N days; a site changing status. What a rule matched when it was saved does "
           "not alert.")

alerts = store.query_alerts()
unread = int(alerts["read_at"].isna().sum()) if not alerts.empty else 0
st.metric("Unread", unread)
if alerts.empty:
    st.info("No alerts yet.")
else:
    shown = alerts.assign(read=alerts["read_at"].notna())
    render_table(shown[["raised_at", "rule", "kind", "title", "detail", "delivery", "read"]],
                 hide_index=True, key="alerts_table")
    left, right = st.columns(2)
    if left.button("Mark all read", disabled=not unread, key="alerts_read"):
        store.mark_alerts_read()
        clear_data_caches()
        st.rerun()
    if right.button("Retry deliveries now", key="alerts_deliver"):
        result = deliver_due(store)
        st.info(f"{result.sent} delivered, {len(result.failed)} failed (tried again later).")
        for alert_id, channel, reason in result.failed:
            st.caption(f"{alert_id} by {channel}: {reason}")

st.subheader("Rules")
rules = store.query_alert_rules()
if not rules.empty:
    render_table(rules[["name", "kind", "params", "webhook_url", "email_to", "created_at",
                        "created_by"]], hide_index=True, key="rules_table")
    names = dict(zip(rules["rule_id"], rules["name"], strict=True))
    gone = st.selectbox("Switch off", list(names), format_func=names.get, index=None, key="rule_off")
    if st.button("Switch off", disabled=gone is None, key="rule_off_button"):
        store.remove_alert_rule(gone)
        record_audit(store, get_user_name(), "alert", gone, 1, f"switch off rule {names[gone]}")
        clear_data_caches()
        st.rerun()

options = load_filter_options(get_data_version())
with st.form("new_rule", clear_on_submit=True):
    st.write("New rule")
    c1, c2, c3 = st.columns(3)
    name = c1.text_input("Name")
    kind = c2.selectbox("Kind", ["event", "surge", "ultimatum", "site"])
    actor = c3.selectbox("Actor", options["actors"], index=None)
    country = c1.selectbox("Country", options["countries"], index=None)
    action = c2.selectbox("Action", ACTIONS, index=None)
    min_deaths = c3.number_input("Deaths at least", min_value=0, value=None, step=1)
    lat = c1.number_input("Place latitude", min_value=-90.0, max_value=90.0, value=None, format="%.4f")
    lon = c2.number_input("Place longitude", min_value=-180.0, max_value=180.0, value=None, format="%.4f")
    radius = c3.number_input("Within km", min_value=0.0, value=None)
    days = c1.number_input("Ultimatum: deadline within days", min_value=0, value=None, step=1)
    sites = store.query_sites()
    site = c2.selectbox("Site", list(sites["site_id"]) if not sites.empty else [], index=None)
    webhook = c1.text_input("Webhook URL (JSON POST)")
    email = c2.text_input("Email to (SMTP: CONFLICT_MONITOR_SMTP)")
    if st.form_submit_button("Save rule", type="primary"):
        if webhook and compute_safe_url(webhook) is None:
            st.error("The webhook must be an http(s) address.")
        else:
            params = {"actor": actor, "country": country, "action": action, "min_deaths": min_deaths,
                      "place_lat": lat, "place_lon": lon, "radius_km": radius, "days": days,
                      "site_id": site}
            try:
                rule_id = create_rule(store, name, kind, params, who=get_user_name(),
                                      webhook_url=webhook or None, email_to=email or None)
            except ValueError as exc:
                st.error(f"Not saved: {exc}")
            else:
                record_audit(store, get_user_name(), "alert", rule_id, 1, f"add {kind} rule {name}")
                clear_data_caches()
                st.rerun()
