"""Every formula of the KPI definitions against values worked out by hand (with the math module)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from portal import metrics


def adjusted_wald(p: int, d: int, n: int) -> tuple[float, float, float]:
    """The definition, written out: n' = n + 3, p' = (P + .75)/n', ..., returns (low, high, var/n')."""
    n_adj = n + 3
    pa, da = (p + 0.75) / n_adj, (d + 0.75) / n_adj
    var = pa + da - (pa - da) ** 2
    half = 1.96 * math.sqrt(var / n_adj)
    return 100 * ((pa - da) - half), 100 * ((pa - da) + half), var / n_adj


def wilson(x: int, n: int) -> tuple[float, float]:
    """The Wilson score interval of x out of n, written out (as shares, not percent)."""
    p, z2 = x / n, 1.96 ** 2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = 1.96 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return centre - half, centre + half


def mover_wilson(p: int, d: int, n: int) -> tuple[float, float]:
    """The NPS definition, written out: Wilson limits of both shares combined with their correlation."""
    sp, sd = p / n, d / n
    (lp, up), (ld, ud) = wilson(p, n), wilson(d, n)
    rho = -math.sqrt(sp * sd / ((1 - sp) * (1 - sd))) if 0 < sp < 1 and 0 < sd < 1 else 0.0
    low = (sp - sd) - math.sqrt((sp - lp) ** 2 + (ud - sd) ** 2 - 2 * rho * (sp - lp) * (ud - sd))
    high = (sp - sd) + math.sqrt((up - sp) ** 2 + (sd - ld) ** 2 - 2 * rho * (up - sp) * (sd - ld))
    return 100 * low, 100 * high


def test_methods_keep_the_exact_formulas_and_definitions_speak_plainly():
    assert metrics.METHODS["nps"].startswith("NPS = % promoters (9-10) - % detractors (0-6), in points")
    assert "rho = -sqrt(p * d / ((1 - p) * (1 - d)))" in metrics.METHODS["nps"]
    assert "Wilson" in metrics.METHODS["rating"] and "Benjamini-Hochberg" in metrics.METHODS["difference"]
    jargon = ("p'", "Wald", "Wilson", "Benjamini", "z-test", "t-test", "p <", "`")
    for key, text in metrics.DEFINITIONS.items():
        assert not [w for w in jargon if w in text], key
    assert set(metrics.DEFINITIONS) >= {"nps", "csat", "rating", "difference", "low_sample", "value", "customers"}


def test_nps_score_by_hand():
    assert metrics.nps_score(5, 2, 10) == pytest.approx(30.0)
    assert metrics.nps_score(0, 3, 3) == pytest.approx(-100.0)
    assert math.isnan(metrics.nps_score(0, 0, 0))


def test_nps_interval_worked_example():
    # P=5, D=2, n=10: p=.5, d=.2; Wilson(5, 10) = .236587 .. .763413, Wilson(2, 10) = .056679 .. .509845;
    # rho = -sqrt(.1 / .4) = -.5; low = .3 - sqrt(.263413^2 + .309845^2 + .263413 * .309845) = -.196998,
    # high = .3 + sqrt(.263413^2 + .143321^2 + .263413 * .143321) = .657323.
    low, high = metrics.nps_interval(5, 2, 10)
    assert (low, high) == pytest.approx(mover_wilson(5, 2, 10))
    assert (low, high) == pytest.approx((-19.700, 65.732), abs=1e-3)


def test_nps_interval_is_empty_for_no_responses():
    low, high = metrics.nps_interval(0, 0, 0)
    assert math.isnan(low) and math.isnan(high)


def test_nps_interval_all_promoters_reaches_100_by_method_not_by_clipping():
    # n=20 promoters: the adjusted-Wald interval's upper end passes 100 and had to be cut off there. Here the
    # upper end is u_p - l_d = 1 - 0 exactly; at the lower end the two Wilson distances are both
    # 1.96^2 / (20 + 1.96^2) = .16113 (rho = 0 with no detractors), so low = 1 - sqrt(2) * .16113 = 77.21.
    _, raw_high, _ = adjusted_wald(20, 0, 20)
    assert raw_high > 100
    low, high = metrics.nps_interval(20, 0, 20)
    assert high == pytest.approx(100.0)
    assert low == pytest.approx(100 * (1 - math.sqrt(2) * 1.96 ** 2 / (20 + 1.96 ** 2)))
    assert low == pytest.approx(77.213, abs=1e-3)
    assert metrics.nps_score(20, 0, 20) == 100.0


def test_nps_interval_single_promoter_contains_the_estimate():
    # n=1: Wilson(1, 1) = .2065 .. 1 and Wilson(0, 1) = 0 .. .7935, so low = 1 - sqrt(.7935^2 + .7935^2).
    assert adjusted_wald(1, 0, 1)[1] == pytest.approx(98.5)  # the adjusted-Wald interval missed the NPS of 100
    low, high = metrics.nps_interval(1, 0, 1)
    assert high == pytest.approx(100.0) and low == pytest.approx(mover_wilson(1, 0, 1)[0])
    assert low == pytest.approx(100 * (1 - math.sqrt(2) * 1.96 ** 2 / (1 + 1.96 ** 2)))


def test_wilson_interval_textbook_value():
    # 8 of 10: Wilson 95% interval is [0.4902, 0.9433]
    low, high = metrics.wilson_interval(8, 10)
    assert (low, high) == pytest.approx((49.016, 94.332), abs=1e-3)


def test_wilson_interval_extremes():
    low, high = metrics.wilson_interval(0, 25)
    assert low == 0.0 and 0 < high < 20
    low, high = metrics.wilson_interval(25, 25)
    assert high == 100.0 and 80 < low < 100
    assert all(math.isnan(v) for v in metrics.wilson_interval(0, 0))


def test_t_interval_by_hand():
    values = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    sd = values.std(ddof=1)  # 1.5811
    low, high = metrics.t_interval(3.0, sd, 5)
    half = 2.7764451 * 1.5811388 / math.sqrt(5)
    assert (low, high) == pytest.approx((3 - half, 3 + half), abs=1e-6)
    assert math.isnan(metrics.t_interval(4.0, float("nan"), 1)[0])


def test_nps_z_test_by_hand():
    # group A: P=5, D=2, n=10 (NPS 30); group B: P=1, D=6, n=10 (NPS -50); adjusted centres as in the interval
    _, _, v1 = adjusted_wald(5, 2, 10)
    _, _, v2 = adjusted_wald(1, 6, 10)
    centre_a, centre_b = (5.75 - 2.75) / 13, (1.75 - 6.75) / 13
    z = (centre_a - centre_b) / math.sqrt(v1 + v2)
    expected = math.erfc(z / math.sqrt(2))
    assert metrics.nps_test(5, 2, 10, 1, 6, 10) == pytest.approx(expected)
    assert expected == pytest.approx(0.0349, abs=1e-4)


def test_nps_z_test_does_not_overstate_tiny_groups():
    # one promoter against one detractor: 200 points apart, but nothing is known
    assert metrics.nps_test(1, 0, 1, 0, 1, 1) > 0.3


def test_nps_z_test_needs_both_sides():
    assert math.isnan(metrics.nps_test(5, 2, 10, 0, 0, 0))
    assert metrics.nps_test(5, 2, 10, 5, 2, 10) == pytest.approx(1.0)


def test_two_proportion_test_by_hand():
    # 30/50 against 20/50: pooled 0.5, se = sqrt(.25 * (2/50)) = 0.1, z = 2
    assert metrics.proportion_test(30, 50, 20, 50) == pytest.approx(math.erfc(2 / math.sqrt(2)))
    # both sides all in the top boxes: no difference at all
    assert metrics.proportion_test(10, 10, 40, 40) == 1.0
    assert math.isnan(metrics.proportion_test(3, 5, 0, 0))


def test_welch_test_matches_the_raw_data_test():
    rng = np.random.default_rng(7)
    a, b = rng.normal(3.8, 1.0, 40), rng.normal(3.3, 1.6, 25)
    expected = stats.ttest_ind(a, b, equal_var=False).pvalue
    got = metrics.welch_test(a.mean(), a.std(ddof=1), 40, b.mean(), b.std(ddof=1), 25)
    assert got == pytest.approx(expected)


def test_welch_test_without_spread():
    assert metrics.welch_test(4.0, 0.0, 10, 4.0, 0.0, 12) == 1.0
    assert metrics.welch_test(5.0, 0.0, 10, 4.0, 0.0, 12) == 0.0
    assert math.isnan(metrics.welch_test(5.0, 1.0, 1, 4.0, 1.0, 12))


def test_benjamini_hochberg_by_hand():
    # sorted .01 .03 .04 .5 -> .04, .06, .0533, .5 -> step-up minimum: .04, .0533, .0533, .5
    got = metrics.bh_adjust([0.01, 0.04, 0.03, 0.5])
    assert got == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.5])


def test_benjamini_hochberg_skips_missing_p_values():
    got = metrics.bh_adjust([0.01, float("nan"), 0.04])
    assert got[0] == pytest.approx(0.02) and got[2] == pytest.approx(0.04)
    assert math.isnan(got[1])


def test_formulas_are_vectorised():
    p, d, n = np.array([5, 0, 20]), np.array([2, 0, 0]), np.array([10, 0, 20])
    low, high = metrics.nps_interval(p, d, n)
    assert low.shape == (3,)
    assert low[0] == pytest.approx(metrics.nps_interval(5, 2, 10)[0])
    assert np.isnan(low[1]) and high[2] == pytest.approx(100.0)


def test_readme_section_carries_every_definition_word_for_word():
    text = (Path(__file__).resolve().parents[2] / "docs" / "readme" / "kpis.md").read_text(encoding="utf-8")
    for key, definition in metrics.DEFINITIONS.items():
        assert definition in text, key
