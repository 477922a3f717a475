"""The comparison engine on counts written by hand: every figure checked against a value computed on paper."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from portal.compare import Counts, compare, spearman_interval
from portal.compare.counts import GROUP_COLUMNS, THEME_COLUMNS
from portal.errors import UsageError
from portal.metrics.stats import bounded_mean_interval


def groups(rows: list[tuple]) -> pd.DataFrame:
    """Return a groups table from (group, n, labelled, positive, negative, sentiment mean) with every comment read."""
    out = []
    for name, n, labelled, positive, negative, mean in rows:
        out.append({"group": name, "n": n, "read": n, "not_read": 0, "labelled": labelled, "positive": positive,
                    "negative": negative, "sentiment_n": n, "sentiment_sum": mean * n,
                    "sentiment_sq": (mean * mean + 0.04) * n, "requests": 0})
    return pd.DataFrame(out, columns=list(GROUP_COLUMNS))


def themes(rows: list[tuple], read: dict[str, int] | None = None) -> pd.DataFrame:
    """Return a themes table from (group, theme, mentions, problems, requests); ``read``: group -> comments read."""
    read = read or READ
    out = [{"group": g, "theme": t, "parent": None, "read": read[g], "mentions": m, "problems": p, "sentiment_n": m,
            "sentiment_sum": -0.2 * m if p else 0.2 * m, "sentiment_sq": 0.08 * m, "rating_n": 0,
            "rating_sum": 0.0, "requests": r} for g, t, m, p, r in rows]
    return pd.DataFrame(out, columns=list(THEME_COLUMNS))


def ratings(spec: dict[str, dict[float, int]]) -> pd.DataFrame:
    """Return a ratings table from group -> {rating: count}."""
    rows = [(g, float(v), n) for g, counts in spec.items() for v, n in counts.items()]
    return pd.DataFrame(rows, columns=["group", "rating", "n"])


READ = {"A": 100, "B": 100, "C": 10}
NO_PERIODS = pd.DataFrame(columns=["group", "period", "n", "rating_n", "rating_sum", "labelled", "positive",
                                   "negative"])


@pytest.fixture
def three() -> Counts:
    """Ours (A, 100 reviews), a big competitor B (100) and a small one C (10) on two themes."""
    return Counts(
        groups=groups([("A", 100, 100, 40, 30, -0.1), ("B", 100, 100, 60, 20, 0.2), ("C", 10, 10, 10, 0, 0.5)]),
        themes=themes([("A", "app", 40, 30, 5), ("B", "app", 20, 10, 2), ("C", "app", 1, 0, 0),
                       ("A", "fees", 20, 2, 0), ("B", "fees", 30, 15, 9), ("C", "fees", 5, 5, 1)]),
        ratings=ratings({"A": {5.0: 60, 1.0: 40}, "B": {5.0: 80, 1.0: 20}, "C": {5.0: 10}}),
        periods=NO_PERIODS,
    )


def two_proportion_p(x1: int, n1: int, x2: int, n2: int) -> float:
    """Return the pooled two-proportion z-test's two-sided p-value, by hand."""
    pooled = (x1 + x2) / (n1 + n2)
    z = (x1 / n1 - x2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return math.erfc(abs(z) / math.sqrt(2))


def test_brand_figures_are_the_hand_computed_ones(three) -> None:
    result = compare(three, "A", scale=(1, 5), min_n=30)
    g = result.groups.set_index("group")
    assert list(result.groups["group"]) == ["A", "B", "C"] and result.ours == "A"
    assert g.loc["A", "rating_mean"] == pytest.approx(3.4) and g.loc["B", "rating_mean"] == pytest.approx(4.2)
    sd = math.sqrt((60 * 1.6**2 + 40 * 2.4**2) / 99)
    low, high = bounded_mean_interval(3.4, sd, 100, 1, 5)
    assert (g.loc["A", "rating_low"], g.loc["A", "rating_high"]) == pytest.approx((low, high))
    assert 1 <= g.loc["C", "rating_low"] < 5 and g.loc["C", "rating_high"] <= 5  # all fives: inside the scale
    assert g.loc["A", "positive_share"] == pytest.approx(0.4) and g.loc["A", "negative_share"] == pytest.approx(0.3)
    assert g.loc["B", "sentiment"] == pytest.approx(0.2)
    assert list(g["low_sample"]) == [False, False, True]
    shares = result.ratings.set_index(["group", "rating"])["share"]
    assert shares[("A", 1.0)] == pytest.approx(0.4) and shares[("A", 5.0)] == pytest.approx(0.6)
    assert shares[("C", 5.0)] == 1.0


def test_the_gap_takes_the_best_big_competitor_and_the_hand_computed_test(three) -> None:
    result = compare(three, "A", scale=(1, 5), min_n=30)
    gaps = result.gaps.set_index("theme")
    app = gaps.loc["app"]
    assert app["best_competitor"] == "B"  # C has no problem with the app but only 10 reviews
    assert app["ours_problem_rate"] == pytest.approx(0.30) and app["best_problem_rate"] == pytest.approx(0.10)
    assert app["difference"] == pytest.approx(0.20) and app["competitors_problem_rate"] == pytest.approx(0.10)
    assert app["p_value"] == pytest.approx(two_proportion_p(30, 100, 10, 100))
    pairs = result.pairs
    assert len(pairs) == 4  # two themes x two competitors
    raw = pairs["p_value"].to_numpy()
    ranked = np.sort(raw)
    by_hand = np.minimum.accumulate((ranked * 4 / np.arange(1, 5))[::-1])[::-1]
    assert np.sort(pairs["p_adjusted"].to_numpy()) == pytest.approx(by_hand)
    assert not pairs.loc[pairs["competitor"] == "C", "significant"].any()  # low sample is never significant
    assert list(result.gaps["verdict"]) == ["weakness", "strength"]  # app (we trail), then fees (we lead)
    assert gaps.loc["fees", "difference"] == pytest.approx(0.02 - 0.15)


def test_competitive_index_is_ours_over_the_big_competitors_average(three) -> None:
    index = compare(three, "A", scale=(1, 5), min_n=30).index
    assert index["rating_mean"] == pytest.approx(100 * 3.4 / 4.2)
    assert index["positive_share"] == pytest.approx(100 * 0.4 / 0.6)
    assert index["sentiment"] == pytest.approx(-0.1 - 0.2)
    everyone = compare(three, "A", scale=(1, 5), min_n=5).index  # C counts too, with the same weight as B
    assert everyone["rating_mean"] == pytest.approx(100 * 3.4 / ((4.2 + 5.0) / 2))


def test_needs_name_the_most_mentioned_problems_and_requests_with_who_serves_them_best(three) -> None:
    needs = compare(three, "A", scale=(1, 5), min_n=30).needs
    problems = needs[needs["kind"] == "problem"]
    assert list(problems["theme"]) == ["app", "fees"] and list(problems["n"]) == [40, 22]
    assert list(problems["best_brand"]) == ["B", "A"]  # lowest problem rate among the big brands
    requests = needs[needs["kind"] == "request"]
    assert list(requests["theme"]) == ["fees", "app"] and list(requests["n"]) == [10, 7]
    assert list(requests["best_brand"]) == ["A", "B"]


def test_without_ratings_every_rating_figure_is_missing(three) -> None:
    plain = Counts(three.groups, three.themes, ratings(({})), NO_PERIODS)
    result = compare(plain, "A", min_n=30)
    assert result.groups["rating_mean"].isna().all() and result.groups["rating_low"].isna().all()
    assert math.isnan(result.index["rating_mean"]) and result.rating_link.empty
    assert result.index["positive_share"] == pytest.approx(100 * 0.4 / 0.6)


def test_one_brand_or_an_unknown_brand_is_one_clear_sentence(three) -> None:
    alone = Counts(three.groups.iloc[:1], three.themes.iloc[:1], three.ratings, NO_PERIODS)
    with pytest.raises(UsageError, match="nothing to compare with: the data has only 'A'. Upload reviews"):
        compare(alone, "A")
    with pytest.raises(UsageError, match="'Z' is not one of the brands in this data; choose one of: A, B, C."):
        compare(three, "Z")
    assert compare(three, " b ", min_n=30).ours == "B"  # case and spaces do not matter


def test_rating_link_is_spearman_across_brands_with_a_fisher_interval() -> None:
    names = list("ABCDE")
    counts = Counts(
        groups=groups([(n, 100, 100, 50, 20, 0.0) for n in names]),
        themes=themes([(n, "app", 50, 10 * (i + 1), 0) for i, n in enumerate(names)], dict.fromkeys(names, 100)),
        ratings=ratings({n: {5.0: 90 - 10 * i, 1.0: 10 + 10 * i} for i, n in enumerate(names)}),
        periods=NO_PERIODS,
    )
    link = compare(counts, "A", scale=(1, 5), min_n=30).rating_link.iloc[0]
    assert link["rho"] == pytest.approx(-1.0) and not link["low_confidence"]  # more app problems, lower rating
    assert link["brands"] == 5
    four = Counts(counts.groups.iloc[:4], counts.themes.iloc[:4], counts.ratings[counts.ratings["group"] != "E"],
                  NO_PERIODS)
    assert compare(four, "A", scale=(1, 5), min_n=30).rating_link.iloc[0]["low_confidence"]


def test_spearman_interval_is_fisher_z_with_the_rank_variance() -> None:
    low, high = spearman_interval(0.5, 13)
    half = 1.96 * math.sqrt(1.06 / 10)
    assert (low, high) == pytest.approx((math.tanh(math.atanh(0.5) - half), math.tanh(math.atanh(0.5) + half)))
    assert spearman_interval(0.5, 3) is None and spearman_interval(float("nan"), 10) is None
    low, high = spearman_interval(-1.0, 6)  # a perfect ranking: -1 is its own end, the other one swap short of it
    z, half = math.atanh(-(1 - 12 / 210)), 1.96 * math.sqrt(1.06 / 3)
    assert low == -1.0 and high == pytest.approx(math.tanh(z + half))
    assert -0.6 < high < -0.5
    low, high = spearman_interval(1.0, 6)
    assert high == 1.0 and low == pytest.approx(math.tanh(-z - half))
    one_swap = 1 - 12 / 210  # not perfect: both ends computed, the estimate inside
    low, high = spearman_interval(one_swap, 6)
    assert low < one_swap < high < 1.0


def test_a_theme_of_one_language_is_judged_on_the_comments_in_that_language(three) -> None:
    # Ours has 100 reviews but only 5 in French: its 3 French problems are not a real gap, and the theme's rate
    # is over the 5 French comments, not over all 100.
    extra = themes([("A", "prix (French)", 4, 3, 0), ("B", "prix (French)", 30, 3, 0), ("C", "prix (French)", 0, 0, 0)],
                   {"A": 5, "B": 60, "C": 0})
    counts = Counts(three.groups, pd.concat([three.themes, extra], ignore_index=True), three.ratings, NO_PERIODS)
    result = compare(counts, "A", scale=(1, 5), min_n=30)
    rates = result.themes.set_index(["theme", "group"])["problem_rate"]
    assert rates[("prix (French)", "A")] == pytest.approx(3 / 5) and rates[("prix (French)", "B")] == pytest.approx(3 / 60)
    gap = result.gaps.set_index("theme").loc["prix (French)"]
    assert gap["verdict"] == "too few" and not gap["significant"]


def test_the_sentences_say_the_ratio_the_direction_and_whether_it_is_chance(three) -> None:
    from portal.compare.wording import gap_sentence, link_sentence

    gaps = compare(three, "A", scale=(1, 5), min_n=30).gaps.set_index("theme", drop=False)
    assert gap_sentence(gaps.loc["app"]) == ("Customers mention problems with app 3.0x as often for us as for B (30.0% "
                                             "of our reviews, 10.0% of B's); this is unlikely to be chance.")
    assert gap_sentence(gaps.loc["fees"]).startswith("Customers mention problems with fees 7.5x less often for us "
                                                     "than for B (2.0% of our reviews, 15.0% of B's)")
    row = {"theme": "deposit", "rho": -0.8, "rho_low": -0.99, "rho_high": 0.1, "brands": 4, "low_confidence": True}
    assert link_sentence(row) == ("Brands with fewer problems with deposit have higher ratings (rank correlation "
                                  "-0.80, 95% from -0.99 to +0.10; only 4 brands, so read it as a hint).")


def test_served_best_and_the_rating_link_need_enough_comments_the_theme_reads() -> None:
    # E has 100 reviews but only 5 in the theme's language, none of them a problem: it must not "serve the theme
    # best", nor take part in the rank correlation with a rate read on 5 comments.
    names = list("ABCDE")
    read = {"A": 100, "B": 100, "C": 100, "D": 100, "E": 5}
    counts = Counts(
        groups=groups([(n, 100, 100, 50, 20, 0.0) for n in names]),
        themes=themes([(n, "konto (German)", 50, 0 if n == "E" else 10 * (i + 1), 2 * (i + 1))
                       for i, n in enumerate(names)], read),
        ratings=ratings({n: {5.0: 90 - 10 * i, 1.0: 10 + 10 * i} for i, n in enumerate(names)}),
        periods=NO_PERIODS,
    )
    result = compare(counts, "B", scale=(1, 5), min_n=30)
    needs = result.needs.set_index("kind")
    assert needs.loc["problem", "best_brand"] == "A"  # E's 0 of 5 does not count
    assert needs.loc["request", "best_brand"] == "A"
    link = result.rating_link.iloc[0]
    assert link["brands"] == 4 and link["rho"] == pytest.approx(-1.0)  # A-D only
    assert result.gaps.iloc[0]["best_competitor"] == "A"  # the gap table already agreed


def test_a_gap_sentence_names_the_language_base_and_never_prints_nan(three) -> None:
    from portal.compare.wording import gap_sentence

    # Ours has no German comments at all: its rate is missing, and the sentence says so instead of "nan%".
    extra = themes([("A", "konto (German)", 0, 0, 0), ("B", "konto (German)", 10, 6, 0), ("C", "konto (German)", 0, 0, 0)],
                   {"A": 0, "B": 60, "C": 0})
    counts = Counts(three.groups, pd.concat([three.themes, extra], ignore_index=True), three.ratings, NO_PERIODS)
    gaps = compare(counts, "A", scale=(1, 5), min_n=30).gaps.set_index("theme", drop=False)
    sentence = gap_sentence(gaps.loc["konto (German)"])
    assert "nan" not in sentence
    assert sentence == ("konto (German): too few reviews to tell (none of our reviews are in German, 10.0% of B's "
                        "German reviews).")
    assert gap_sentence(gaps.loc["app"]).endswith("(30.0% of our reviews, 10.0% of B's); this is unlikely to be chance.")
    # a theme whose name merely ends in brackets is not a language's theme
    row = gaps.loc["app"].copy()
    row["theme"] = "app (beta)"
    assert "(30.0% of our reviews, 10.0% of B's)" in gap_sentence(row)


def test_a_hand_made_sub_theme_reads_the_languages_of_its_parent() -> None:
    from portal.compare.counts import theme_readers
    from portal.text.codeframe import Codeframe, Theme

    codeframe = Codeframe((Theme("t1", "fees", ("fee",)),
                           Theme("t2", "hidden fees", ("hidden fee",), origin="manual", parent="t1"),
                           Theme("t3", "apple pay", ("apple pay",), origin="manual")))
    readers = theme_readers(np.array([None, "de"], dtype=object), codeframe, np.array([True, True]))
    by_name = dict(zip([t.name for t in codeframe.ordered()], readers.T.tolist(), strict=True))
    assert by_name == {"fees": [True, False], "hidden fees": [True, False], "apple pay": [True, True]}
