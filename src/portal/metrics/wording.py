"""Plain words for figures: KPI sentences, changes, differences, and KPI values formatted for reading."""

from __future__ import annotations

import math
from collections.abc import Mapping as MappingT
from collections.abc import Sequence
from datetime import date as Date
from typing import Any

import numpy as np

from portal.metrics.definitions import (
    COUNT_COLUMNS,
    DEFAULT_MIN_N,
    ESTIMATE_COLUMNS,
    METRIC_LABELS,
    NO_MARGIN,
    PROPORTIONS,
    STATUSES,
)
from portal.metrics.stats import number_or_none
from portal.model import DatasetConfig
from portal.numbers import money, percent, plural

#: The only rating scale whose unit is called a star; any other scale counts points.
STAR_SCALE: tuple[int, int] = (1, 5)


def is_finite(x: Any) -> bool:
    """Return True for a real, finite number."""
    return isinstance(x, (int, float, np.integer, np.floating)) and math.isfinite(float(x))


def value_digits(metric: str) -> int:
    """Return the decimals a KPI's figure and its changes are shown with: 1 for a rating, else 0 (NPS, shares)."""
    return 1 if metric == "rating" else 0


def interval_digits(metric: str) -> int:
    """Return the decimals the ends of a KPI's 95% interval are shown with: 2 for a rating, else 0."""
    return 2 if metric == "rating" else 0


def value_unit(metric: str) -> str:
    """Return the sign after a KPI's figure: "%" for a share (CSAT, would recommend), else nothing."""
    return "%" if metric in PROPORTIONS else ""


def format_value(metric: str, x: Any) -> str:
    """Return a KPI value for reading: "26", "65%", "3.7" (a dash when there is none)."""
    if not is_finite(x):
        return "–"
    return f"{x:.{value_digits(metric)}f}{value_unit(metric)}"


def format_interval(metric: str, low: Any, high: Any) -> str:
    """Return a 95% interval for reading: "24 to 28", "63% to 66%", "3.64 to 3.74" (empty when none)."""
    if not (is_finite(low) and is_finite(high)):
        return ""
    digits, unit = interval_digits(metric), value_unit(metric)
    return f"{low:.{digits}f}{unit} to {high:.{digits}f}{unit}"


def unit_word(metric: str, scale: tuple[int, int]) -> str:
    """Return the KPI's unit of change: "star" for a 1-5 rating, else "point" (NPS, CSAT, a 1-10 rating)."""
    return "star" if metric == "rating" and tuple(scale) == STAR_SCALE else "point"


def _signed(x: float, digits: int) -> str:
    """Return ``x`` with its sign, never "-0" or "+0.0" for a change that rounds to nothing."""
    text = f"{x:+.{digits}f}"
    return text[1:] if float(text) == 0 else text


def format_change(metric: str, difference: float, *, scale: tuple[int, int]) -> str:
    """Return a signed change in the KPI's unit: "+6 points", "-0.3 stars" (1-5 scale), "-0.3 points" (1-10)."""
    return f"{_signed(difference, value_digits(metric))} {unit_word(metric, scale)}s"


def format_money(x: Any, currency: str) -> str:
    """Return an amount of revenue for a tile with its currency: "£469,507", "£2.7M" (a dash when there is none)."""
    return money(x, currency)


def format_p(p: float) -> str:
    """Return an adjusted p-value for reading: "< 0.001", "0.019", or a dash when there is no test."""
    if not is_finite(p):
        return "–"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def day_text(day: Date) -> str:
    """Return a date for people, e.g. "1 May 2025"."""
    return f"{day.day} {day:%b %Y}"


def date_span(first: Date, last: Date) -> str:
    """Return a range of days for people, e.g. "1 May 2025 to 30 Jun 2025"."""
    return f"{day_text(first)} to {day_text(last)}"


def describe_selection(first: Date | None, last: Date | None, where: Sequence[tuple[str, Sequence[str]]]) -> str:
    """Return a selection in words, e.g. "1 Jan 2026 to 30 Jun 2026; Region: APAC or EMEA" ("" when none).

    Without ``first`` or ``last`` the dates are left out; ``where`` pairs a column's name with the values kept.
    """
    parts = [date_span(first, last)] if first and last else []
    parts += [f"{column}: {' or '.join(values)}" for column, values in where]
    return "; ".join(p for p in parts if p)


def metric_label(metric: str, config: DatasetConfig) -> str:
    """Return a KPI's name on screen: "NPS", "CSAT (derived from star ratings)" or "Average rating"."""
    if metric == "csat" and config.csat_from_rating:
        return "CSAT (derived from star ratings)"
    return METRIC_LABELS[metric]


def _margin(low: float | None, high: float | None, digits: int, unit: str = "") -> str | None:
    """Return "give or take 4" from an interval (half its width), or None when there is no interval."""
    if low is None or high is None or not (np.isfinite(low) and np.isfinite(high)):
        return None
    half = (high - low) / 2
    text = f"{10 ** -digits:g}" if round(half, digits) == 0 else f"{half:.{digits}f}"
    if text == "1":
        unit = unit.removesuffix("s")  # "1 point", never "1 points"
    return f"give or take less than {text}{unit}" if round(half, digits) == 0 else f"give or take {text}{unit}"


def _sentence(head: str, ci: tuple[float, float] | None, digits: int, counted: str, unit: str = "") -> str:
    """Return "<head>, give or take <m>, from <counted>." or "<head> from <counted>; too few ... error."."""
    low, high = ci if ci else (None, None)
    margin = _margin(low, high, digits, unit)
    if margin is None:
        return f"{head} from {counted}; {NO_MARGIN}."
    return f"{head}, {margin}, from {counted}."


def _caution(n: int, min_n: int) -> str:
    """Return the low-sample warning appended to a sentence (empty when n is large enough)."""
    return f" That is fewer than {min_n:,}, so treat it as a rough guide." if n < min_n else ""


def describe_nps(nps: float | None, ci: tuple[float, float] | None, n: int, *, min_n: int = DEFAULT_MIN_N) -> str:
    """Return a sentence such as "NPS 32, give or take 4, from 1,208 responses"."""
    if not n or nps is None or not np.isfinite(nps):
        return "No NPS scores in this selection yet."
    return _sentence(f"NPS {nps:.0f}", ci, 0, plural(n, "response")) + _caution(n, min_n)


def describe_csat(csat: float | None, ci: tuple[float, float] | None, n: int, *,
                  min_n: int = DEFAULT_MIN_N) -> str:
    """Return a sentence such as "CSAT 78%, give or take 3 points, from 950 responses"."""
    if not n or csat is None or not np.isfinite(csat):
        return "No CSAT scores in this selection yet."
    return _sentence(f"CSAT {csat:.0f}%", ci, 0, plural(n, "response"), " points") + _caution(n, min_n)


def describe_recommend(share: float | None, ci: tuple[float, float] | None, n: int, *,
                       min_n: int = DEFAULT_MIN_N) -> str:
    """Return a sentence such as "43% would recommend, 95% from 41% to 46%, out of 1,324 answers".

    The interval is stated, not halved into "give or take": a share near 0% or 100% has a lopsided interval
    that never leaves 0% to 100%.
    """
    if not n or share is None or not np.isfinite(share):
        return "No would-recommend answers in this selection yet."
    head, counted = f"{format_value('recommend', share)} would recommend", plural(n, "answer")
    interval = format_interval("recommend", *(ci or (None, None)))
    if not interval:
        return f"{head} from {counted}; {NO_MARGIN}." + _caution(n, min_n)
    return f"{head}, 95% from {interval}, out of {counted}." + _caution(n, min_n)


def describe_rating(mean: float | None, ci: tuple[float, float] | None, n: int, *,
                    scale: tuple[int, int] = (1, 5), min_n: int = DEFAULT_MIN_N) -> str:
    """Return a sentence such as "Average rating 4.1 out of 5, give or take 0.1, from 950 ratings"."""
    if not n or mean is None or not np.isfinite(mean):
        return "No ratings in this selection yet."
    return _sentence(f"Average rating {mean:.1f} out of {scale[1]}", ci, 1, plural(n, "rating")) + _caution(n, min_n)


def describe(metric: str, row: MappingT[str, Any], config: DatasetConfig, *, min_n: int = DEFAULT_MIN_N) -> str:
    """Return the plain sentence for ``metric`` of one KPI row (a table row or record)."""
    est, n = number_or_none(row, ESTIMATE_COLUMNS[metric]), int(number_or_none(row, COUNT_COLUMNS[metric]) or 0)
    low, high = number_or_none(row, f"{metric}_ci_low"), number_or_none(row, f"{metric}_ci_high")
    if low is None and isinstance(row.get(f"{metric}_ci"), (list, tuple)):
        low, high = row[f"{metric}_ci"]
    ci = (low, high) if low is not None and high is not None else None
    if metric == "nps":
        return describe_nps(est, ci, n, min_n=min_n)
    if metric == "csat":
        return describe_csat(est, ci, n, min_n=min_n)
    if metric == "recommend":
        return describe_recommend(est, ci, n, min_n=min_n)
    return describe_rating(est, ci, n, scale=config.rating_scale, min_n=min_n)


def change_amount(metric: str, amount: float, *, scale: tuple[int, int]) -> str:
    """Return an amount of change in the metric's unit: "6 points", "0.2 stars" (1-5), "0.7 points" (1-10)."""
    shown = f"{abs(amount):.{value_digits(metric)}f}"
    word = unit_word(metric, scale)
    return f"{shown} {word}" if float(shown) == 1 else f"{shown} {word}s"


def change_words(metric: str, difference: float, significant: bool, *, scale: tuple[int, int]) -> str:
    """Return e.g. "up 6 points, a real change" or "down 2 points, which could be chance"."""
    if difference > 0:
        words = "up " + change_amount(metric, difference, scale=scale)
    elif difference < 0:
        words = "down " + change_amount(metric, difference, scale=scale)
    else:
        words = "no change"
    return words + (", a real change" if significant else ", which could be chance")


def describe_change(metric: str, difference: float | None, significant: bool, *, against: str,
                    scale: tuple[int, int]) -> str:
    """Return a sentence about a change, e.g. "Up 6 points on the previous month, a real change."."""
    if difference is None or not np.isfinite(difference):
        return f"No comparison with {against}: one side has no {METRIC_LABELS[metric]} scores."
    words = change_words(metric, difference, significant, scale=scale)
    head, _, tail = words.partition(", ")
    return f"{head[0].upper()}{head[1:]} on {against}, {tail}."


def describe_difference(metric: str, column: str, value: Any, estimate: float, difference: float, n: int, *,
                        scale: tuple[int, int]) -> str:
    """Return a sentence such as "Order (SURVEY_SUB_TYPE): NPS -10, 15 points above the rest (971 responses)"."""
    shown = format_value(metric, estimate)
    side = "above" if difference > 0 else "below"
    return (f"{value} ({column}): {METRIC_LABELS[metric]} {shown}, {change_amount(metric, difference, scale=scale)} {side} the rest "
            f"({plural(n, 'response')}).")


def comparison_sentence(row: MappingT[str, Any], against: str, min_n: int, *, scale: tuple[int, int]) -> str:
    """Return e.g. "NPS -8 (398 responses) against -20 before (412 responses): up 12 points, a real change."""
    m = row["metric"]
    if not row["first_n"] or not row["second_n"]:
        return f"{row['label']}: no comparison, one side has no scores."

    change = change_words(m, row["difference"], bool(row["significant"]), scale=scale) + "."
    note = f" At least one side has fewer than {plural(min_n, 'response')}, so treat it as a rough guide." \
        if row["low_sample"] else ""
    return (f"{row['label']} {format_value(m, row['second'])} ({plural(int(row['second_n']), 'response')}) against "
            f"{format_value(m, row['first'])} {against} ({plural(int(row['first_n']), 'response')}): {change}{note}")


def describe_revenue_at_risk(risk: float, total: float, per_customer: bool, currency: str) -> str:
    """Return e.g. "£12,000 of £80,000 in revenue (15.0%) comes from detractors."."""
    who = "customers whose latest answer is a detractor" if per_customer else "detractors"
    return f"{money(risk, currency)} of {money(total, currency)} in revenue ({percent(risk / total)}) comes from {who}."


def verdict_line(statuses: Sequence[str], min_n: int) -> str:
    """Return a sentence counting the groups that differ from the rest for real and the small ones."""
    real = sum(s in STATUSES[:2] for s in statuses)
    few = sum(s == STATUSES[3] for s in statuses)
    total = len(statuses)
    verb = "differs" if real == 1 or (real == 0 and total == 1) else "differ"
    words = f"{real:,} of {plural(total, 'group')} {verb} from the rest for real"
    if few == 1:
        words += f"; 1 has fewer than {plural(min_n, 'response')} and is greyed"
    elif few:
        words += f"; {few:,} have fewer than {plural(min_n, 'response')} and are greyed"
    return words + "."
