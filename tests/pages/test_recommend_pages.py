"""Would recommend on the pages: the Overview tile and trend, the Segments breakdown and heat-map, the drivers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from kpitools import by_label, charts, groups_table, open_app, stored, survey_frame, texts

from portal import metrics
from portal.metrics import drivers, group_frame
from portal.services.imports import import_frame
from portal.store import Store

ONLY = "Cabin survey"  # would recommend is the only score
BOTH = "Survey with both"  # NPS and would recommend
QUESTION = "Would you recommend us?"


def recommend_frame(rows: int = 1200, seed: int = 5) -> pd.DataFrame:
    """Return a generated survey: id, date, plan, region, a 1-5 seat comfort and a yes/no would-recommend answer.

    Plus customers and comfortable seats say yes more often (fixed seed), so both show as real differences.
    """
    rng = np.random.default_rng(seed)
    plan = rng.choice(["Basic", "Plus"], rows)
    comfort = rng.integers(1, 6, rows)
    p_yes = 0.15 + 0.12 * comfort + np.where(plan == "Plus", 0.15, 0.0)
    dates = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 180, rows), unit="D")
    return pd.DataFrame({
        "Response ID": [f"c{i}" for i in range(rows)],
        "Date": dates.strftime("%Y-%m-%d"),
        "Plan": plan,
        "Region": rng.choice(["North", "South"], rows),
        "Comfort level": [f"{c} of 5" for c in comfort],
        QUESTION: np.where(rng.random(rows) < np.clip(p_yes, 0, 1), "Yes", "No"),
    })


@pytest.fixture(scope="module")
def recommend_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store with a would-recommend-only survey and a survey with NPS and would recommend (made once)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('recommend') / 'portal.db'}"
    both = survey_frame(800, seed=9)
    both[QUESTION] = np.where(both["How likely are you to recommend us?"].astype(int) >= 8, "yes", "no")
    with Store(url) as store:
        import_frame(store, ONLY, recommend_frame(), source="cabin.csv", kind="survey")
        import_frame(store, BOTH, both, source="both.csv", kind="survey")
    return url


@pytest.fixture
def recommend_store(recommend_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the portal at the module's store."""
    monkeypatch.setenv("PORTAL_DATABASE_URL", recommend_url)
    return recommend_url


def test_the_datasets_map_the_answer_column_as_would_recommend(recommend_url):
    for name in (ONLY, BOTH):
        frame, config = stored(recommend_url, name)
        assert config.mapping.recommend == QUESTION and QUESTION not in config.mapping.segments
        assert set(frame["recommend"].dropna()) == {0.0, 1.0}
    assert stored(recommend_url, BOTH)[1].mapping.nps == "How likely are you to recommend us?"


def test_overview_tile_shows_the_share_with_its_interval_in_percent(recommend_store):
    at = open_app(query={"dataset": ONLY})
    assert not at.exception and not at.error
    frame, config = stored(recommend_store, ONLY)
    view = metrics.overview(frame, config, period="month")
    [tile] = view.tiles
    shown = {m.label: m for m in at.metric}
    assert list(shown) == ["Would recommend", "Responses"]
    assert shown["Would recommend"].value == f"{tile.value:.0f}%"
    assert shown["Would recommend"].proto.help == metrics.DEFINITIONS["recommend"]
    low, high = tile.ci
    assert 0 <= low < tile.value < high <= 100
    words = texts(at)
    assert f"{tile.value:.0f}% would recommend, 95% from {low:.0f}% to {high:.0f}%, out of 1,200 answers." in words
    assert words.count(f"{low:.0f}% to {high:.0f}%") == 1  # stated once, not repeated under the sentence
    [chart] = charts(at)
    rows = chart.rows()
    assert list(rows["estimate"].round(6)) == list(view.trend["recommend"].round(6))
    assert chart.spec["layer"][1]["encoding"]["y"]["title"] == "Recommend %"
    assert "Recommend by month" in words


def test_overview_trend_can_show_would_recommend_beside_nps(recommend_store):
    at = open_app(query={"dataset": BOTH})
    assert not at.exception and not at.error
    assert [m.label for m in at.metric][:2] == ["NPS", "Would recommend"]
    [kpi] = [b for b in at.get("button_group") if b.label == "KPI"]
    assert kpi.options == ["NPS", "Recommend"], kpi.options
    at = kpi.set_value("recommend").run()
    assert not at.exception and not at.error
    frame, config = stored(recommend_store, BOTH)
    trend = metrics.overview(frame, config, period="month").trend
    [chart] = charts(at)
    assert list(chart.rows()["estimate"].round(6)) == list(trend["recommend"].round(6))
    assert "Recommend by month" in texts(at)


def test_segments_break_down_and_heat_map_the_share_who_would_recommend(recommend_store):
    at = open_app("segments", query={"dataset": BOTH})
    kpi = by_label(at.selectbox, "KPI")
    assert kpi.options == ["NPS", "Would recommend"], kpi.options
    at = kpi.set_value("recommend").run()
    at = by_label(at.selectbox, "Break down by").set_value("Plan").run()
    assert not at.exception and not at.error
    frame, config = stored(recommend_store, BOTH)
    expected = metrics.kpis_by(metrics.prepare(frame, config), "Plan", metric="recommend").set_index("value")
    table = groups_table(at).set_index("Plan")
    assert "Recommend %" in table.columns
    for plan in expected.index:
        assert table.loc[plan, "Recommend %"] == pytest.approx(expected.loc[plan, "recommend"])
        assert table.loc[plan, "95% from"] == pytest.approx(expected.loc[plan, "recommend_ci_low"])
        assert 0 <= table.loc[plan, "95% from"] <= table.loc[plan, "95% to"] <= 100
    assert "Would recommend by Plan, all dates" in texts(at)


def test_segments_heat_map_and_verdicts_on_a_recommend_only_dataset(recommend_store):
    at = open_app("segments", query={"dataset": ONLY})
    assert not at.exception and not at.error
    assert "KPI" not in [s.label for s in at.selectbox]  # one score: nothing to choose
    at = by_label(at.selectbox, "Break down by").set_value("Plan").run()
    at = by_label(at.selectbox, "Heat-map with").set_value("Region").run()
    assert not at.exception and not at.error
    frame, config = stored(recommend_store, ONLY)
    data = metrics.prepare(frame, config)
    table = groups_table(at).set_index("Plan")
    by_plan = metrics.kpis_by(data, "Plan").set_index("value")
    assert table.loc["Plus", metrics.STATUS_LABEL] == "Higher than the rest"
    assert table.loc["Plus", "Recommend %"] == pytest.approx(by_plan.loc["Plus", "recommend"])
    [heat] = [c for c in charts(at) if "rect" in c.marks()]
    cells = heat.rows()
    expected = group_frame(metrics.kpis_by(data, ["Plan", "Region"]), "recommend")
    merged = cells.merge(expected, on=["value", "value_2"], suffixes=("", "_lib"))
    assert len(merged) == len(expected) == 4
    assert (merged["estimate"] - merged["estimate_lib"]).abs().max() < 1e-9
    assert set(cells["text"].str.rstrip("*▲▼ ").str[-1]) == {"%"}  # "61%": the share, in percent
    marks = {metrics.STATUSES[0]: "▲", metrics.STATUSES[1]: "▼"}  # a real difference is told by a symbol too
    assert all(t.endswith(marks[s]) if s in marks else t[-1] in "%*" for t, s in zip(cells["text"], cells["status"],
                                                                                       strict=True))
    assert "Recommend % by Plan and Region" in texts(at)


def test_key_drivers_explain_the_share_who_would_recommend(recommend_store):
    at = open_app("segments", query={"dataset": ONLY})
    assert not at.exception and not at.error
    target = by_label(at.selectbox, "Score to explain")
    assert target.value == "recommend" and target.options == ["Would recommend"]
    chosen = by_label(at.multiselect, "Columns that might drive it")
    frame, _ = stored(recommend_store, ONLY)
    expected = drivers.key_drivers(frame, "recommend", list(chosen.value))
    words = texts(at)
    assert expected.sentence in words and "differences in share who would recommend" in expected.sentence
    assert expected.table["driver"].iloc[0] == "Comfort level"
    for sentence in expected.table["sentence"]:
        assert sentence in words


def test_key_drivers_offer_would_recommend_beside_nps(recommend_store):
    at = open_app("segments", query={"dataset": BOTH})
    target = by_label(at.selectbox, "Score to explain")
    assert target.options == ["NPS score", "Would recommend"]
    assert "Would recommend" in by_label(at.multiselect, "Columns that might drive it").options
    at = target.set_value("recommend").run()
    assert not at.exception and not at.error
    chosen = by_label(at.multiselect, "Columns that might drive it")
    assert "nps" in chosen.value and "recommend" not in chosen.options
    assert "of the differences in share who would recommend" in texts(at)
