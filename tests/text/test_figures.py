"""Figures per theme, checked against cases computed by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from portal.errors import InputError
from portal.model import DatasetConfig, Mapping
from portal.text.codeframe import UNCATEGORISED, Codeframe, Theme
from portal.text.figures import (
    emerging_themes,
    mentions,
    nps_impact,
    theme_breakdown,
    theme_records,
    theme_table,
    theme_trend,
)

CODEFRAME = Codeframe((Theme("t1", "fees", ("fee",)), Theme("t2", "support", ("support",))))
CONFIG = DatasetConfig(mapping=Mapping(nps="NPS", customer="Customer", value="MRR", date="Date", csat="CSAT",
                                       rating="Stars", comment=("Comment",), segments=("Region",)))


def responses(rows: list[dict]) -> pd.DataFrame:
    """Return a canonical-looking frame from a list of partial rows."""
    frame = pd.DataFrame(rows)
    frame.insert(0, "row_key", [f"k{i}" for i in range(len(frame))])
    for column in ("nps", "csat", "rating", "value", "sentiment"):
        if column not in frame:
            frame[column] = np.nan
    for column in ("customer", "comment", "sentiment_label", "Region"):
        if column not in frame:
            frame[column] = None
        frame[column] = frame[column].astype(object)
    if "date" not in frame:
        frame["date"] = pd.NaT
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    return frame


def assigned(pairs: list[tuple[int, str]], sentiment: dict[int, float] | None = None) -> pd.DataFrame:
    """Return an assignment frame from (row number, theme key) pairs."""
    sentiment = sentiment or {}
    return pd.DataFrame({
        "row_key": [f"k{r}" for r, _ in pairs],
        "theme_key": [k for _, k in pairs],
        "sentiment": [sentiment.get(r, np.nan) for r, _ in pairs],
    })


def hand_case() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ten scored responses; 'fees' is mentioned by rows 0-3 (NPS 0, 2, 9, 10)."""
    scores = [0, 2, 9, 10, 10, 10, 9, 8, 7, 3]
    comments = ["fee"] * 4 + ["support"] * 2 + ["nothing"] * 4
    frame = responses([{"nps": s, "comment": c} for s, c in zip(scores, comments, strict=True)])
    return frame, assigned([(0, "t1"), (1, "t1"), (2, "t1"), (3, "t1"), (4, "t2"), (5, "t2")])


def test_nps_impact_matches_the_hand_computation() -> None:
    frame, pairs = hand_case()
    men = mentions(frame, pairs, CODEFRAME)
    cats = np.where(frame["nps"] >= 9, 1.0, np.where(frame["nps"] >= 7, 0.0, -1.0))
    impact, low, high = nps_impact(cats, men.matrix[:, :1])
    # NPS(all) = (5 - 3) / 10 = 20; without fees: rows 4-9 -> (3 - 1) / 6 = 33.3; impact = -13.3.
    assert impact[0] == pytest.approx(20.0 - 100.0 * 2 / 6)
    assert low[0] <= impact[0] <= high[0]


def test_theme_mentioned_by_everyone_has_no_impact_figure() -> None:
    cats = np.array([1.0, -1.0, 0.0])
    impact, low, high = nps_impact(cats, np.ones((3, 1), dtype=bool))
    assert np.isnan(impact[0]) and np.isnan(low[0]) and np.isnan(high[0])


def test_theme_mentioned_by_nobody_has_zero_impact() -> None:
    cats = np.array([1.0, -1.0, 0.0, 1.0])
    impact, low, high = nps_impact(cats, np.zeros((4, 1), dtype=bool))
    assert (impact[0], low[0], high[0]) == (0.0, 0.0, 0.0)


def test_bootstrap_is_fixed_by_its_seed_and_narrows_with_more_data() -> None:
    rng = np.random.default_rng(3)
    cats = rng.choice([-1.0, 0.0, 1.0], size=4000)
    theme = rng.random(4000) < 0.3
    cats[theme] = np.where(rng.random(theme.sum()) < 0.7, -1.0, cats[theme])
    m = theme[:, None]
    first = nps_impact(cats, m)
    again = nps_impact(cats, m)
    assert [float(x[0]) for x in first] == [float(x[0]) for x in again]
    small = nps_impact(cats[:400], m[:400])
    assert (first[2][0] - first[1][0]) < (small[2][0] - small[1][0])
    assert first[2][0] < 0  # a theme that turns people into detractors clearly drags NPS down


def test_table_figures_against_hand_values() -> None:
    frame, pairs = hand_case()
    frame.loc[0, ["customer", "value", "sentiment", "sentiment_label"]] = ["c1", 100.0, -0.6, "negative"]
    frame.loc[1, ["customer", "value", "sentiment", "sentiment_label"]] = ["c1", 120.0, -0.2, "neutral"]
    frame.loc[2, ["customer", "value", "sentiment", "sentiment_label"]] = ["c2", 50.0, 0.4, "positive"]
    frame.loc[3, ["value", "sentiment", "sentiment_label", "csat", "rating"]] = [10.0, 0.2, "positive", 5.0, 4.0]
    frame.loc[0, ["csat", "rating"]] = [2.0, 1.0]
    frame["date"] = pd.to_datetime(["2024-01-01", "2024-02-01"] + ["2024-01-15"] * 8).astype("datetime64[ns]")
    table = theme_table(frame, pairs, CODEFRAME, CONFIG).set_index("theme")
    fees = table.loc["fees"]
    assert fees["n"] == 4
    assert fees["customers"] == 2
    assert fees["share"] == pytest.approx(0.4)
    assert fees["sentiment"] == pytest.approx((-0.6 - 0.2 + 0.4 + 0.2) / 4)
    assert fees["negative_share"] == pytest.approx(0.25)
    assert fees["nps"] == pytest.approx(0.0)  # 2 promoters, 2 detractors
    assert fees["csat"] == pytest.approx(50.0)  # CSAT 2 and 5 on 1-5: one of two in the top two boxes
    assert fees["rating"] == pytest.approx(2.5)
    assert fees["value"] == pytest.approx(120.0 + 50.0 + 10.0)  # c1's latest value counts once
    assert fees["nps_impact"] == pytest.approx(20.0 - 100.0 * 2 / 6)
    assert table.loc[UNCATEGORISED, "n"] == 4
    assert list(table.index)[-1] == UNCATEGORISED


def test_clause_sentiment_wins_over_the_comment_sentiment() -> None:
    frame = responses([{"comment": "love it but fees", "sentiment": 0.8, "sentiment_label": "positive"}])
    table = theme_table(frame, assigned([(0, "t1")], {0: -0.9}), CODEFRAME, CONFIG).set_index("theme")
    assert table.loc["fees", "sentiment"] == pytest.approx(-0.9)
    assert table.loc["fees", "negative_share"] == 1.0


def test_rows_outside_the_frame_are_ignored() -> None:
    frame, pairs = hand_case()
    extra = pd.concat([pairs, assigned([(99, "t1")])], ignore_index=True)
    assert theme_table(frame, extra, CODEFRAME, CONFIG).set_index("theme").loc["fees", "n"] == 4


def monthly(counts_by_theme: dict[str, list[int]], start: str = "2024-01-01") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return responses and assignments with the given mentions per month for each theme key."""
    rows, pairs = [], []
    months = pd.date_range(start, periods=len(next(iter(counts_by_theme.values()))), freq="MS")
    for key, counts in counts_by_theme.items():
        for month, count in zip(months, counts, strict=True):
            for i in range(count):
                pairs.append((len(rows), key))
                rows.append({"comment": key, "date": month + pd.Timedelta(days=i % 25)})
    return responses(rows), assigned(pairs)


def test_a_spike_in_the_latest_month_is_emerging_and_a_steady_theme_is_not() -> None:
    frame, pairs = monthly({"t1": [10, 12, 9, 11, 10, 10, 40], "t2": [10, 11, 9, 10, 12, 10, 11]})
    men = mentions(frame, pairs, CODEFRAME)
    result = emerging_themes(frame, men, period="month").set_index("theme")
    assert bool(result.loc["fees", "emerging"]) is True
    assert result.loc["fees", "latest"] == 40
    assert result.loc["fees", "baseline_mean"] == pytest.approx(62 / 6)
    assert result.loc["fees", "p_adjusted"] < 0.05
    assert bool(result.loc["support", "emerging"]) is False


def test_too_few_periods_means_nothing_is_emerging() -> None:
    frame, pairs = monthly({"t1": [1, 1, 1, 1, 40], "t2": [1, 1, 1, 1, 1]})
    result = emerging_themes(frame, mentions(frame, pairs, CODEFRAME), period="month")
    assert not result["emerging"].any()
    assert result["p_value"].isna().all()


def test_trend_counts_every_period_including_empty_ones() -> None:
    frame, pairs = monthly({"t1": [3, 0, 2], "t2": [1, 1, 1]})
    frame["nps"] = [10, 10, 0, 10, 10, 9, 9, 9]  # fees: 10, 10, 0 in January; 10, 10 in March
    frame["sentiment"] = [0.5, 0.1, -0.3, 0.2, 0.4, 0.0, 0.0, 0.0]
    trend = theme_trend(frame, pairs, CODEFRAME, period="month")
    fees = trend[trend["theme"] == "fees"]
    assert fees["n"].tolist() == [3, 0, 2]
    assert fees["comments"].tolist() == [4, 1, 3]
    assert fees["share"].tolist() == pytest.approx([0.75, 0.0, 2 / 3])
    assert fees["nps"].tolist()[0] == pytest.approx(100 * (2 - 1) / 3) and np.isnan(fees["nps"].tolist()[1])
    assert fees["sentiment"].tolist()[2] == pytest.approx(0.3)


def test_unknown_period_is_refused() -> None:
    frame, pairs = hand_case()
    with pytest.raises(InputError, match="not a period"):
        theme_trend(frame, pairs, CODEFRAME, period="fortnight")


def test_breakdown_flags_real_differences_and_small_groups() -> None:
    rows, pairs = [], []
    for region, size, rate in (("North", 200, 0.6), ("South", 200, 0.1), ("East", 6, 0.5)):
        for i in range(size):
            if i < rate * size:
                pairs.append((len(rows), "t1"))
            rows.append({"comment": "x", "Region": region})
    frame = responses(rows)
    out = theme_breakdown(frame, assigned(pairs), CODEFRAME, CONFIG, "Region", min_n=30)
    fees = out[out["theme"] == "fees"].set_index("value")
    assert fees.loc["North", "share"] == pytest.approx(0.6)
    assert fees.loc["North", "share_other"] == pytest.approx((20 + 3) / 206)
    assert bool(fees.loc["North", "significant"]) and bool(fees.loc["South", "significant"])
    assert bool(fees.loc["East", "low_sample"]) and not bool(fees.loc["East", "significant"])


def test_breakdown_by_unknown_column_is_refused() -> None:
    frame, pairs = hand_case()
    with pytest.raises(InputError, match="no column 'Planet'"):
        theme_breakdown(frame, pairs, CODEFRAME, CONFIG, "Planet")


def test_records_have_exactly_the_cli_keys() -> None:
    frame, pairs = hand_case()
    frame["Region"] = ["a", "b"] * 5
    table = theme_table(frame, pairs, CODEFRAME, CONFIG)
    records = theme_records(table, theme_breakdown(frame, pairs, CODEFRAME, CONFIG, "Region"))
    assert set(records[0]) == {"theme", "parent", "keywords", "n", "customers", "share", "sentiment", "negative_share", "nps",
                               "nps_impact", "nps_impact_ci", "value", "emerging", "requests", "groups"}
    fees = next(r for r in records if r["theme"] == "fees")
    assert fees["keywords"] == ["fee"]
    assert fees["nps_impact_ci"][0] <= fees["nps_impact"] <= fees["nps_impact_ci"][1]
    assert {g["value"] for g in fees["groups"]} == {"a", "b"}
    assert records[-1]["theme"] == UNCATEGORISED and records[-1]["keywords"] == []
