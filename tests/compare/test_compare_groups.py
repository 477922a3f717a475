"""Two groups theme by theme ("2024 Q2 against 2024 Q1", one segment against another) on generated reviews, against
a hand computation: periods from the dates, shares and problem rates, the z-test and Benjamini-Hochberg."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from portal.compare.two import period_labels, two_groups
from portal.errors import UsageError
from portal.ingest.read import Table
from portal.services import themes as theme_service
from portal.services.compare_groups import compare_two, group_choices
from portal.services.imports import commit, prepare
from portal.text.codeframe import Codeframe, Theme

CODEFRAME = Codeframe((Theme("t1", "crashing", ("crashing",)), Theme("t2", "fees", ("fee", "fees")),
                       Theme("t3", "login", ("login",))))
TEXTS = {
    "crash": "The app keeps crashing, it is awful and useless.",
    "fees": "The fees are terrible, hidden and far too high.",
    "good": "The app is great and the login is fast, I love it.",
}
#: Per quarter of 2024: how many reviews of each kind (Q1 crashes a lot, Q2 charges a lot).
PLAN = {"2024-02-10": {"crash": 40, "fees": 10, "good": 50}, "2024-05-10": {"crash": 10, "fees": 35, "good": 45},
        "2024-08-10": {"good": 3}}


def plan_frame() -> pd.DataFrame:
    """Return the reviews of ``PLAN`` with a Plan column alternating Enterprise and SMB."""
    rows = []
    for day, kinds in PLAN.items():
        for kind, count in kinds.items():
            for _ in range(count):
                i = len(rows)
                rows.append((f"r{i}", day, "4", ["Enterprise", "SMB"][i % 2], kind, f"{TEXTS[kind]} ({i})"))
    return pd.DataFrame(rows, columns=["Review ID", "Date", "Stars", "Plan", "Kind", "Comment"])


@pytest.fixture
def quarters(store):
    """A store with dataset 'q': the reviews of ``PLAN`` coded with ``CODEFRAME``."""
    frame = plan_frame().drop(columns="Kind")
    table = Table(frame=frame.astype(object), source="q.csv", encoding="utf-8", delimiter=",", sheet=None,
                  sheets=(), row_numbers=pd.Series(range(2, len(frame) + 2)))
    prepared = prepare(table, kind="reviews", existing=None, overrides=[
        ("id", "Review ID"), ("date", "Date"), ("rating", "Stars"), ("comment", "Comment"), ("segment", "Plan")])
    commit(store, "q", prepared, source="q.csv")
    theme_service.save_codeframe(store, "q", CODEFRAME, note="by hand", source="imported")
    return store


def z_test(x1: int, n1: int, x2: int, n2: int) -> float:
    """Return the pooled two-proportion z-test's two-sided p-value, written out."""
    pooled = (x1 + x2) / (n1 + n2)
    z = (x1 / n1 - x2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return math.erfc(abs(z) / math.sqrt(2))


def test_period_labels_name_the_month_or_the_quarter() -> None:
    dates = ["2024-07-31", "2024-10-01T08:00:00", None, "not a date"]
    assert list(period_labels(dates, "month")) == ["2024-07", "2024-10", None, None]
    assert list(period_labels(dates, "quarter")) == ["2024 Q3", "2024 Q4", None, None]


def test_two_quarters_against_a_hand_computation(quarters) -> None:
    assert group_choices(quarters, "q", grain="quarter") == ["2024 Q3", "2024 Q2", "2024 Q1"]
    result = compare_two(quarters, "q", first="2024 q2", second="2024 Q1", grain="quarter")
    assert result.ours == "2024 Q2" and set(result.groups["group"]) == {"2024 Q2", "2024 Q1"}  # Q3 left out
    table = two_groups(result).set_index("theme")
    kinds = plan_frame().assign(quarter=lambda f: period_labels(f["Date"], "quarter"))
    n = kinds.groupby("quarter").size()
    crash = kinds[kinds["Kind"] == "crash"].groupby("quarter").size()
    fees = kinds[kinds["Kind"] == "fees"].groupby("quarter").size()
    row = table.loc["crashing"]
    assert (row["first_read"], row["second_read"]) == (n["2024 Q2"], n["2024 Q1"])
    assert row["first_share"] == pytest.approx(crash["2024 Q2"] / n["2024 Q2"])
    assert row["second_share"] == pytest.approx(crash["2024 Q1"] / n["2024 Q1"])
    assert row["first_problem_rate"] == pytest.approx(crash["2024 Q2"] / n["2024 Q2"])  # every crash is a complaint
    assert row["difference"] == pytest.approx(crash["2024 Q2"] / n["2024 Q2"] - crash["2024 Q1"] / n["2024 Q1"])
    raw = {"crashing": z_test(crash["2024 Q2"], n["2024 Q2"], crash["2024 Q1"], n["2024 Q1"]),
           "fees": z_test(fees["2024 Q2"], n["2024 Q2"], fees["2024 Q1"], n["2024 Q1"])}
    for theme, p in raw.items():
        assert table.loc[theme, "p_value"] == pytest.approx(p, rel=1e-9)
    finite = table["p_value"].dropna()
    expected = multipletests(finite.to_numpy(), method="fdr_bh")[1]
    np.testing.assert_allclose(table.loc[finite.index, "p_adjusted"], expected, rtol=1e-9)
    assert table.loc["crashing", "verdict"] == "fewer problems" and table.loc["fees", "verdict"] == "more problems"
    assert "crashing is mentioned in 11.1% of 2024 Q2's comments and 40.0% of 2024 Q1's" in \
        table.loc["crashing", "sentence"] and table.loc["crashing", "sentence"].endswith("unlikely to be chance.")
    assert list(two_groups(result)["verdict"][:2]) != ["no clear difference"] * 2  # real differences first


def test_two_values_of_a_column_and_the_sentences_for_bad_choices(quarters) -> None:
    assert set(group_choices(quarters, "q", column="Plan")) == {"Enterprise", "SMB"}
    result = compare_two(quarters, "q", first="SMB", second="Enterprise", column="Plan")
    frame = plan_frame()
    assert dict(zip(result.groups["group"], result.groups["n"], strict=True)) == frame.groupby("Plan").size().to_dict()
    with pytest.raises(UsageError, match="Pick two different periods to compare; both are '2024 Q1'"):
        compare_two(quarters, "q", first="2024 Q1", second="2024 q1", grain="quarter")
    with pytest.raises(UsageError, match="'2023 Q4' is not one of the periods"):
        compare_two(quarters, "q", first="2023 Q4", second="2024 Q1", grain="quarter")
    with pytest.raises(UsageError, match="either two values of a column or two periods"):
        compare_two(quarters, "q", first="SMB", second="Enterprise")
