"""Alert rules: what each kind matches, and checking every saved rule (issue 14).

Kinds and their parameters (all optional unless said):
- event: actor, country (ISO3), action, min_deaths, and a place: place_lat, place_lon,
  radius_km (the great-circle distance of geo/distance.py). A match is an event stored after the
  rule was saved (events.added_at): from feeds, ingest, the Add articles page or an imported
  file; new reports, never the archive.
- surge: actor, country, action narrow the events; a match is a week whose escalation index
  is more than 25 % above the mean of the four weeks before it, exactly the weeks the Timeline
  flags (metrics.timeline.compute_weekly_change, after ACLED's Conflict Change Map).
- ultimatum: days (required): an ultimatum whose deadline falls within the next N days.
- site: site_id: a site (observation post) taking a new status.
When a rule is saved, what it matches already is recorded as its baseline, unseen; from then
on each new match raises one alert, once (the store keys alerts by rule and match).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import pandas as pd

from conflict_monitor.geo.distance import compute_distances_km
from conflict_monitor.metrics.timeline import compute_weekly_change, query_daily
from conflict_monitor.model.filters import EventFilter, compute_where
from conflict_monitor.model.schema import ACTIONS

EVENT_PARAMS = ("actor", "country", "action", "min_deaths", "place_lat", "place_lon", "radius_km")


def compute_rule_params(kind: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Checked parameters of a rule (empty values dropped); ValueError names the bad one."""
    params = {k: v for k, v in raw.items() if v not in (None, "", [])}
    for key in ("min_deaths", "days"):
        if key in params:
            try:
                params[key] = int(params[key])
            except (TypeError, ValueError):
                raise ValueError(f"{key}: expected a whole number, got {params[key]!r}") from None
            if params[key] < 0:
                raise ValueError(f"{key}: expected a number >= 0, got {params[key]}")
    for key, low, high in (("place_lat", -90, 90), ("place_lon", -180, 180), ("radius_km", 0, 20_000)):
        if key in params:
            try:
                params[key] = float(params[key])
            except (TypeError, ValueError):
                raise ValueError(f"{key}: expected a number, got {params[key]!r}") from None
            if not low <= params[key] <= high:
                raise ValueError(f"{key}: expected a number from {low} to {high}, got {params[key]}")
    place = [k for k in ("place_lat", "place_lon", "radius_km") if k in params]
    if place and len(place) != 3:
        raise ValueError("a place needs place_lat, place_lon and radius_km together")
    if "action" in params and params["action"] not in ACTIONS:
        raise ValueError(f"action: expected one of {', '.join(ACTIONS)}, got {params['action']!r}")
    if kind == "ultimatum" and "days" not in params:
        raise ValueError("an ultimatum rule needs days: how far ahead a deadline counts")
    if kind == "event" and not set(params) & set(EVENT_PARAMS):
        raise ValueError("an event rule needs at least one condition (actor, country, action, "
                         "deaths or a place)")
    return params


def _filter(params: Mapping[str, Any]) -> EventFilter:
    return EventFilter().with_changes(
        actors=[params["actor"]] if params.get("actor") else [],
        countries=[params["country"]] if params.get("country") else [],
        actions=[params["action"]] if params.get("action") else [])


def _event_matches(store: Any, rule: Mapping[str, Any], params: Mapping[str, Any]) -> list[dict]:
    where, values = compute_where(_filter(params), "e")
    sql = (f"SELECT e.event_id, e.event_date, e.action, e.actor1, e.actor2, e.location, e.latitude, "
           f"e.longitude, e.fatalities, e.source FROM events e WHERE e.added_at > ? AND {where}")
    params_sql: list[Any] = [pd.Timestamp(rule["created_at"]).to_pydatetime(), *values]
    if "min_deaths" in params:
        sql += " AND e.fatalities >= ?"
        params_sql.append(params["min_deaths"])
    frame = store.query_sql(sql + " ORDER BY e.event_id", params_sql)
    if "radius_km" in params and not frame.empty:
        has_point = frame["latitude"].notna() & frame["longitude"].notna()
        frame = frame[has_point]
        distance = compute_distances_km(params["place_lat"], params["place_lon"],
                                        frame["latitude"], frame["longitude"])
        frame = frame[distance <= params["radius_km"]]
    return [{"match_key": r["event_id"], "event_id": r["event_id"],
             "title": f"{r['actor1'] or 'someone'} {r['action'] or 'acted'}"
                      f"{' ' + str(r['actor2']) if isinstance(r['actor2'], str) else ''}"
                      f" at {r['location'] or 'an unknown place'}",
             "detail": f"{_day(r['event_date'])}; deaths: {_int(r['fatalities'])}; "
                       f"source: {r['source'] or 'unknown'}"}
            for r in frame.to_dict("records")]


def _surge_matches(store: Any, params: Mapping[str, Any]) -> list[dict]:
    weekly = compute_weekly_change(query_daily(store, _filter(params)))
    if weekly.empty:
        return []
    flagged = weekly[weekly["flagged"]]
    return [{"match_key": f"week:{_day(r['period'])}",
             "title": f"Weekly surge: week of {_day(r['period'])}",
             "detail": f"escalation index {r['intensity']:.1f}, {r['change']:+.0%} over the four "
                       f"weeks before ({r['baseline']:.1f})"}
            for r in flagged.to_dict("records")]


def _ultimatum_matches(store: Any, params: Mapping[str, Any], today: dt.date) -> list[dict]:
    frame = store.query_sql(
        "SELECT event_id, actor1, actor2, deadline, location FROM events WHERE action = 'ultimatum' "
        "AND deadline BETWEEN ? AND ? ORDER BY event_id",
        [today, today + dt.timedelta(days=params["days"])])
    return [{"match_key": r["event_id"], "event_id": r["event_id"],
             "title": f"Ultimatum by {r['actor1'] or 'someone'} runs out on {_day(r['deadline'])}",
             "detail": f"to {r['actor2'] or 'unknown'}; place: {r['location'] or 'unknown'}"}
            for r in frame.to_dict("records")]


def _site_matches(store: Any, params: Mapping[str, Any]) -> list[dict]:
    where, values = ("s.site_id = ?", [params["site_id"]]) if params.get("site_id") else ("TRUE", [])
    frame = store.query_sql(
        "SELECT s.site_id, s.status, s.status_from, t.name FROM site_status s LEFT JOIN sites t "
        f"ON t.site_id = s.site_id WHERE {where} ORDER BY s.site_id, s.status_from", values)
    return [{"match_key": f"{r['site_id']}|{r['status']}|{_day(r['status_from'])}",
             "title": f"{r['name'] or r['site_id']}: {r['status']} from {_day(r['status_from'])}",
             "detail": "site status change"}
            for r in frame.to_dict("records")]


def compute_matches(store: Any, rule: Mapping[str, Any], today: dt.date | None = None) -> list[dict]:
    """What the rule matches in the store now (each with its match_key)."""
    params = json.loads(rule["params"] or "{}")
    today = today or dt.date.today()
    kind = rule["kind"]
    if kind == "event":
        return _event_matches(store, rule, params)
    if kind == "surge":
        return _surge_matches(store, params)
    if kind == "ultimatum":
        return _ultimatum_matches(store, params, today)
    if kind == "site":
        return _site_matches(store, params)
    raise ValueError(f"unknown rule kind {kind!r}")


def create_rule(store: Any, name: str, kind: str, raw_params: Mapping[str, Any], *, who: str,
                webhook_url: str | None = None, email_to: str | None = None,
                today: dt.date | None = None) -> str:
    """Save a rule and record what it matches already as its baseline; returns the rule id."""
    params = compute_rule_params(kind, raw_params)
    rule_id = store.add_alert_rule(name, kind, params, who=who, webhook_url=webhook_url,
                                   email_to=email_to)
    rule = store.query_alert_rules().set_index("rule_id").loc[rule_id].to_dict() | {"rule_id": rule_id}
    store.raise_alerts(rule, compute_matches(store, rule, today), baseline=True)
    return rule_id


def check_rules(store: Any, today: dt.date | None = None) -> list[str]:
    """Check every active rule; returns the ids of the alerts raised now."""
    raised: list[str] = []
    for rule in store.query_alert_rules().to_dict("records"):
        raised += store.raise_alerts(rule, compute_matches(store, rule, today))
    return raised


def _day(value: Any) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return "date unknown"
    return pd.Timestamp(value).date().isoformat()


def _int(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return "not given"
    return str(int(value))
