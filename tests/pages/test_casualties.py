"""AppTest of the Casualties page on the shipped data: the Balyun claims side by side (33 and
34), ranges that use the lowest figure per incident, running totals never added, link filters."""



from conflict_monitor.metrics import casualties as cm
from conflict_monitor.store.factory import open_store
from tests.conftest import metric_value, run_dashboard

PAGE = "pages/casualties.py"


def _run(query=None):
    return run_dashboard(query, PAGE)


_metric = metric_value


def test_balyun_claims_side_by_side(store_path):
    at = _run()
    assert not at.exception
    assert at.title[0].value == "Casualties"
    claims = at.table[0].value.reset_index()
    balyun = claims[claims["Place"].str.startswith("Balyun")].iloc[0]
    assert balyun["Date"] == "2020-02-27"
    assert "Hatay governor Rahmi Dogan: 33" in balyun["Claims (source: deaths)"]
    assert "SOHR: 34" in balyun["Claims (source: deaths)"]
    assert (balyun["Counted (lowest)"], balyun["Highest"]) == (33, 34)
    assert "lowest" in " ".join(m.value for m in at.markdown)  # the rule is stated on the page


def test_running_totals_are_not_added(store_path):
    at = _run()
    store = open_store(str(store_path))
    summary = cm.query_casualty_summary(store)
    overall = summary.totals[summary.totals["dim"] == "all"].iloc[0]
    shown = _metric(at, "Deaths in incidents")
    assert shown == f"{int(overall['low']):,}–{int(overall['high']):,}"
    # the shipped running totals (380 civilians since December, 1,000 in Apr-Aug 2019, ...) sum
    # to far more than the incident range: none of them is in it
    running = int(summary.running["low"].sum())
    assert running > 2000 and int(overall["high"]) < 500
    assert int(_metric(at, "Running totals (not added)")) == len(summary.running) >= 5
    tallies = [df.value for df in at.dataframe if "period_start" in df.value.columns][0]
    assert 380 in tallies["low"].tolist()


def test_casualties_follow_the_link_filters(store_path):
    at = _run({"actor": "Turkish forces"})
    assert not at.exception
    assert "actors: Turkish forces" in " ".join(c.value for c in at.caption)
    claims = at.table[0].value.reset_index()
    assert set(claims["Victims"]) == {"soldiers (TUR)"}  # civilians' claims are filtered out
    assert at.query_params["actor"] == "Turkish forces"


def test_casualties_with_nothing_to_show(store_path):
    at = _run({"action": "consult"})
    assert not at.exception
    assert "No reports of deaths" in at.info[0].value
