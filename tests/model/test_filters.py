"""Filters: query-string round trips, dropped values, and SQL built with parameters only."""

import datetime as dt

import pytest

from conflict_monitor.model.filters import (
    EventFilter,
    compute_query_params,
    compute_where,
    parse_filter_params,
)


def test_round_trip_through_query_params():
    flt = EventFilter().with_changes(date_from=dt.date(2020, 2, 1), actors=["Turkey", "Russia"],
                                     actions=["kill"], origins=["reference"])
    parsed, notices = parse_filter_params(compute_query_params(flt))
    assert parsed == flt
    assert notices == []


@pytest.mark.parametrize("params, notice_part", [
    ({"from": ["2020-13-45"]}, "from=2020-13-45"),
    ({"action": ["bombard"]}, "action 'bombard'"),
    ({"zoom": ["3"]}, "'zoom'"),
    ({"actor": ["Atlantis"]}, "actor 'Atlantis'"),
    ({"from": ["2020-03-01"], "to": ["2020-02-01"]}, "'from' is after 'to'"),
])
def test_malformed_values_are_dropped_with_a_notice(params, notice_part):
    flt, notices = parse_filter_params(params, {"actors": ["Turkey"]})
    assert flt == EventFilter()
    assert any(notice_part in n for n in notices), notices


def test_where_clause_is_parameterised():
    hostile = "x'); DROP TABLE events; --"
    where, params = compute_where(EventFilter().with_changes(actors=[hostile], countries=["SYR"]))
    assert hostile not in where
    assert params.count(hostile) == 2  # actor1 or actor2
    assert params.count("SYR") == 3  # country, actor1_country, actor2_country
    assert where.count("?") == len(params)


def test_empty_filter_selects_everything():
    assert compute_where(EventFilter()) == ("TRUE", [])
