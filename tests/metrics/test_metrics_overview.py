"""Plain-language sentences and the Overview page's content."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from portal import metrics


def test_describe_nps_reads_like_the_issue():
    assert metrics.describe_nps(32.2, (28.1, 36.3), 1208) == "NPS 32, give or take 4, from 1,208 responses."


def test_describe_small_and_empty_samples():
    assert metrics.describe_nps(None, None, 0) == "No NPS scores in this selection yet."
    text = metrics.describe_nps(100.0, (-20.0, 100.0), 1)
    assert text.startswith("NPS 100, give or take 60, from 1 response.")
    assert "fewer than 30" in text
    assert (metrics.describe_nps(-5.0, (-5.2, -4.8), 90_000)
            == "NPS -5, give or take less than 1, from 90,000 responses.")


def test_describe_csat_and_rating():
    assert metrics.describe_csat(77.6, (74.9, 80.1), 950) == "CSAT 78%, give or take 3 points, from 950 responses."
    # the neobank reviews' CSAT: 65%, 95% from 64% to 66%, a margin of one point, said in the singular
    assert (metrics.describe_csat(65.0, (64.0, 66.0), 9030)
            == "CSAT 65%, give or take 1 point, from 9,030 responses.")
    assert metrics.describe_csat(65.0, (64.9, 65.1), 90_000).startswith("CSAT 65%, give or take less than 1 point,")
    assert (metrics.describe_rating(4.12, (4.05, 4.19), 950, scale=(1, 5))
            == "Average rating 4.1 out of 5, give or take 0.1, from 950 ratings.")
    assert metrics.describe_rating(7.0, None, 1, scale=(1, 10)).startswith(
        "Average rating 7.0 out of 10 from 1 rating; too few responses for a margin of error.")


def test_describe_a_table_row(make_frame, make_config):
    frame = make_frame(nps=[10.0] * 40 + [0.0] * 20)
    config = make_config("nps")
    row = metrics.kpis(metrics.prepare(frame, config)).iloc[0].to_dict()
    assert metrics.describe("nps", row, config) == metrics.describe_nps(
        row["nps"], (row["nps_ci_low"], row["nps_ci_high"]), 60)
    record = metrics.to_records(metrics.kpis(metrics.prepare(frame, config)))[0]
    assert metrics.describe("nps", record, config) == metrics.describe("nps", row, config)


def test_describe_change():
    five, ten = (1, 5), (1, 10)
    assert (metrics.describe_change("nps", 6.2, True, against="May 2024", scale=five)
            == "Up 6 points on May 2024, a real change.")
    assert (metrics.describe_change("rating", -0.24, False, against="Q1 2024", scale=five)
            == "Down 0.2 stars on Q1 2024, which could be chance.")
    assert (metrics.describe_change("rating", -0.7, True, against="Q1 2024", scale=ten)
            == "Down 0.7 points on Q1 2024, a real change.")
    assert metrics.describe_change("csat", None, False, against="May 2024", scale=five).startswith("No comparison")


def test_period_labels():
    assert metrics.period_label(pd.Timestamp("2024-05-06"), "week") == "week of 6 May 2024"
    assert metrics.period_label(pd.Timestamp("2024-05-01"), "month") == "May 2024"
    assert metrics.period_label(pd.Timestamp("2024-04-01"), "quarter") == "Q2 2024"


@pytest.fixture
def survey(make_frame):
    rng = np.random.default_rng(21)
    n = 1200
    months = rng.choice(pd.date_range("2024-01-01", periods=6, freq="MS").to_numpy(), n)
    region = rng.choice(["North", "South", "East"], n)
    scores = rng.integers(0, 11, n).astype(float)
    late = months >= np.datetime64("2024-06-01")
    scores[late] = rng.choice([9.0, 10.0], late.sum())  # June is much better than May
    scores[region == "East"] = 0.0  # East is much worse than the rest
    value = np.full(n, 100.0)
    return make_frame(nps=scores, csat=rng.integers(1, 6, n).astype(float), date=months, Region=region.tolist(),
                      value=value)


def test_overview_tiles_trend_differences_and_revenue(survey, make_config):
    config = make_config("nps", "csat", "date", "value", segments=("Region",))
    view = metrics.overview(survey, config, period="month")
    assert [t.metric for t in view.tiles] == ["nps", "csat"]
    nps = view.tiles[0]
    assert nps.n == 1200 and nps.help == metrics.DEFINITIONS["nps"]
    assert nps.sentence.startswith("NPS ") and "from 1,200 responses" in nps.sentence
    assert nps.change.significant and nps.change.difference > 0
    assert nps.change.label == "June 2024" and nps.change.previous_label == "May 2024"
    assert len(view.trend) == 6 and {"period", "nps", "nps_ci_low", "nps_ci_high"} <= set(view.trend.columns)
    assert view.differences and view.differences[0].value == "East"
    assert view.differences[0].difference < 0 and view.differences[0].sentence.startswith("East (Region): NPS ")
    detractors = int((survey["nps"] <= 6).sum())
    assert view.revenue_at_risk == pytest.approx(100.0 * detractors)
    assert view.revenue_total == pytest.approx(120_000.0)
    assert view.revenue_at_risk_share == pytest.approx(detractors / 1200)
    assert view.revenue_sentence is not None


def test_overview_without_dates_or_segments(make_frame, make_config):
    view = metrics.overview(make_frame(rating=[4.0, 5.0, 3.0]), make_config("rating"))
    assert view.trend is None and view.period is None and view.differences == ()
    (tile,) = view.tiles
    assert tile.change is None and tile.low_sample
    assert view.revenue_at_risk is None


def test_tiles_words_and_the_tiles_after_them(make_frame, make_config):
    days = pd.date_range("2024-01-01", periods=120, freq="D").strftime("%Y-%m-%d").tolist()
    frame = make_frame(nps=np.where(np.arange(120) < 60, 0.0, 10.0), date=days)
    view = metrics.overview(frame, make_config("nps", "date"), period="month")
    [tile] = view.tiles
    assert metrics.tile_detail(tile).startswith("95% interval ")
    assert metrics.tile_detail(tile).endswith("since March 2024.")
    delta = metrics.tile_delta(tile)
    assert delta is None or delta.endswith("vs March 2024")
    [responses] = metrics.plain_tiles(view, date(2024, 1, 1), date(2024, 4, 29), room=4)
    assert (responses.label, responses.value, responses.caption) == ("Responses", "120",
                                                                     "Dated 1 Jan 2024 to 29 Apr 2024.")
    assert metrics.plain_tiles(view, None, None, room=4)[0].caption == "The dataset has no dates."
    assert metrics.plain_tiles(view, None, None, room=1) == []
    assert metrics.coverage_line("S", view, date(2024, 1, 1), date(2024, 4, 29), "Plan: Pro") == \
        "S: 120 responses, 1 Jan 2024 to 29 Apr 2024. Filtered to Plan: Pro."
    assert metrics.coverage_line("S", view, None, None, "") == "S: 120 responses."
