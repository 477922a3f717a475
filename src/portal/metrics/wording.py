"""Plain words for figures: KPI sentences, changes, differences, and KPI values formatted for reading."""

from __future__ import annotations

import math
from collections.abc import Mapping as MappingT
from collections.abc import Sequence
from datetime import date as Date
from typing import Any

import numpy as np

from portal.metrics.definitions import COUNT_COLUMNS, DEFAULT_MIN_N, ESTIMATE_COLUMNS, METRIC_LABELS, STATUSES
from portal.metrics.stats import number_or_none
from portal.model import DatasetConfig


def is_finite(x: Any) -> bool:
    """Return True for a real, finite number."""
    return isinstance(x, (int, float, np.integer, np.floating)) and math.isfinite(float(x))


def format_value(metric: str, x: Any) -> str:
    """Return a KPI value for reading: "26", "65%", "3.7" (a dash when there is none)."""
    if not is_finite(x):
        return "–"
    if metric == "rating":
        return f"{x:.1f}"
    return f"{x:.0f}%" if metric == "csat" else f"{x:.0f}"


def format_interval(metric: str, low: Any, high: Any) -> str:
    """Return a 95% interval for reading: "24 to 28", "63% to 66%", "3.64 to 3.74" (empty when none)."""
    if not (is_finite(low) and is_finite(high)):
        return ""
    if metric == "rating":
        return f"{low:.2f} to {high:.2f}"
    unit = "%" if metric == "csat" else ""
    return f"{low:.0f}{unit} to {high:.0f}{unit}"


def format_change(metric: str, difference: float) -> str:
    """Return a signed change in the KPI's unit: "+6 points", "-0.3 stars"."""
    if metric == "rating":
        return f"{difference:+.1f} stars"
    return f"{difference:+.0f} points"


def format_money(x: Any) -> str:
    """Return an amount of revenue for a tile: "469,507", "2.7M" (a dash when there is none)."""
    if not is_finite(x):
        return "–"
    if abs(x) >= 10_000_000:
        return f"{x / 1_000_000:,.1f}M"
    return f"{x:,.0f}"


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


def plural(n: int, word: str) -> str:
    """Return ``"1,208 responses"`` or ``"1 response"``."""
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _give_or_take(low: float, high: float, digits: int, unit: str = "") -> str:
    """Return "give or take 4" from an interval (half its width), or a note when there is no interval."""
    if low is None or high is None or not (np.isfinite(low) and np.isfinite(high)):
        return "with no margin of error yet"
    half = (high - low) / 2
    if round(half, digits) == 0:
        return f"give or take less than {10 ** -digits:g}{unit}"
    return f"give or take {half:.{digits}f}{unit}"


def _caution(n: int, min_n: int) -> str:
    """Return the low-sample warning appended to a sentence (empty when n is large enough)."""
    return f" That is fewer than {min_n}, so treat it as a rough guide." if n < min_n else ""


def describe_nps(nps: float | None, ci: tuple[float, float] | None, n: int, *, min_n: int = DEFAULT_MIN_N) -> str:
    """Return a sentence such as "NPS 32, give or take 4, from 1,208 responses"."""
    if not n or nps is None or not np.isfinite(nps):
        return "No NPS scores in this selection yet."
    low, high = ci if ci else (None, None)
    return f"NPS {nps:.0f}, {_give_or_take(low, high, 0)}, from {plural(n, 'response')}." + _caution(n, min_n)


def describe_csat(csat: float | None, ci: tuple[float, float] | None, n: int, *,
                  min_n: int = DEFAULT_MIN_N) -> str:
    """Return a sentence such as "CSAT 78%, give or take 3 points, from 950 responses"."""
    if not n or csat is None or not np.isfinite(csat):
        return "No CSAT scores in this selection yet."
    low, high = ci if ci else (None, None)
    margin = _give_or_take(low, high, 0, " points").replace("less than 1 points", "less than 1 point")
    return f"CSAT {csat:.0f}%, {margin}, from {plural(n, 'response')}." + _caution(n, min_n)


def describe_rating(mean: float | None, ci: tuple[float, float] | None, n: int, *,
                    scale: tuple[int, int] = (1, 5), min_n: int = DEFAULT_MIN_N) -> str:
    """Return a sentence such as "Average rating 4.1 out of 5, give or take 0.1, from 950 ratings"."""
    if not n or mean is None or not np.isfinite(mean):
        return "No ratings in this selection yet."
    low, high = ci if ci else (None, None)
    return (f"Average rating {mean:.1f} out of {scale[1]}, {_give_or_take(low, high, 1)}, "
            f"from {plural(n, 'rating')}." + _caution(n, min_n))


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
    return describe_rating(est, ci, n, scale=config.rating_scale, min_n=min_n)


def change_amount(metric: str, amount: float) -> str:
    """Return an amount of change in the metric's unit: "6 points" or "0.2 stars"."""
    if metric == "rating":
        return f"{abs(amount):.1f}" + (" star" if round(abs(amount), 1) == 1 else " stars")
    return f"{abs(amount):.0f}" + (" point" if round(abs(amount)) == 1 else " points")


def change_words(metric: str, difference: float, significant: bool) -> str:
    """Return e.g. "up 6 points, a real change" or "down 2 points, which could be chance"."""
    if difference > 0:
        words = "up " + change_amount(metric, difference)
    elif difference < 0:
        words = "down " + change_amount(metric, difference)
    else:
        words = "no change"
    return words + (", a real change" if significant else ", which could be chance")


def describe_change(metric: str, difference: float | None, significant: bool, *, against: str) -> str:
    """Return a sentence about a change, e.g. "Up 6 points on the previous month, a real change."."""
    if difference is None or not np.isfinite(difference):
        return f"No comparison with {against}: one side has no {METRIC_LABELS[metric]} scores."
    words = change_words(metric, difference, significant)
    head, _, tail = words.partition(", ")
    return f"{head[0].upper()}{head[1:]} on {against}, {tail}."


def describe_difference(metric: str, column: str, value: Any, estimate: float, difference: float, n: int) -> str:
    """Return a sentence such as "Order (SURVEY_SUB_TYPE): NPS -10, 15 points above the rest (971 responses)"."""
    shown = format_value(metric, estimate)
    side = "above" if difference > 0 else "below"
    return (f"{value} ({column}): {METRIC_LABELS[metric]} {shown}, {change_amount(metric, difference)} {side} the rest "
            f"({plural(n, 'response')}).")


def comparison_sentence(row: MappingT[str, Any], against: str, min_n: int) -> str:
    """Return e.g. "NPS -8 (398 responses) against -20 before (412 responses): up 12 points, a real change."""
    m = row["metric"]
    if not row["first_n"] or not row["second_n"]:
        return f"{row['label']}: no comparison, one side has no scores."

    change = change_words(m, row["difference"], bool(row["significant"])) + "."
    note = f" At least one side has fewer than {min_n} responses, so treat it as a rough guide." \
        if row["low_sample"] else ""
    return (f"{row['label']} {format_value(m, row['second'])} ({plural(int(row['second_n']), 'response')}) against "
            f"{format_value(m, row['first'])} {against} ({plural(int(row['first_n']), 'response')}): {change}{note}")


def describe_revenue_at_risk(risk: float, total: float, per_customer: bool) -> str:
    """Return e.g. "12,000 of 80,000 in revenue (15%) comes from detractors."."""
    who = "customers whose latest answer is a detractor" if per_customer else "detractors"
    return f"{risk:,.0f} of {total:,.0f} in revenue ({risk / total:.0%}) comes from {who}."


def verdict_line(statuses: Sequence[str], min_n: int) -> str:
    """Return a sentence counting the groups that differ from the rest for real and the small ones."""
    real = sum(s in STATUSES[:2] for s in statuses)
    few = sum(s == STATUSES[3] for s in statuses)
    words = f"{real} of {len(statuses)} groups differ from the rest for real"
    if few == 1:
        words += f"; 1 has fewer than {min_n} responses and is greyed"
    elif few:
        words += f"; {few} have fewer than {min_n} responses and are greyed"
    return words + "."
