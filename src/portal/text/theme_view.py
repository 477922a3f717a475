"""The figures the Themes page shows: the ranked chart's rows, the theme table, coverage and group verdicts.

Pure functions of the responses, their theme assignments and the codeframe (no store, no Streamlit). Every
figure itself comes from ``portal.text.figures``; this module decides what is shown, in which order and
under which verdict. Themes come on two levels: the ranked chart ranks one level at a time (the top-level
themes, or the sub-themes of one theme) and the table lists each theme followed by its sub-themes, labelled
"Flight › Delayed".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from portal import metrics
from portal.model import DatasetConfig
from portal.text import figures
from portal.text.codeframe import LEVEL_MARK, UNCATEGORISED, Codeframe
from portal.text.theme_languages import NotRead, not_read

#: How the chart can rank the themes: key -> words on the control.
RANKINGS: dict[str, str] = {"volume": "Volume", "negative": "Negative share", "impact": "NPS impact"}
#: Columns of ``theme_rows`` that only mean something when the responses have NPS scores.
NPS_COLUMNS: tuple[str, ...] = ("NPS", "NPS impact", "Impact from", "Impact to")
#: A dataset whose dates span at least this many days is trended by month, a shorter one by week.
MONTHLY_FROM_DAYS = 180


def finite(x: Any) -> bool:
    """Return True for a real, finite number."""
    try:
        return bool(np.isfinite(float(x)))
    except (TypeError, ValueError):
        return False


def pct(x: Any, digits: int = 0) -> str:
    """Return a share (0..1) as "12%" (a dash when there is none)."""
    return "–" if not finite(x) else f"{100 * float(x):.{digits}f}%"


@dataclass(frozen=True, eq=False)
class ThemeView:
    """Figures of every theme in one selection: the table, the codeframe, comments, coverage, what was not read.

    ``coverage`` is the share of all comments with at least one theme; ``not_read`` the comments in languages
    the codeframe has no themes for (neither covered nor Uncategorised).
    """

    table: pd.DataFrame
    codeframe: Codeframe
    comments: int
    coverage: float
    has_nps: bool
    segments: tuple[str, ...]
    not_read: NotRead = NotRead()


def summarise_themes(frame: pd.DataFrame, assigned: pd.DataFrame, codeframe: Codeframe,
                     config: DatasetConfig) -> ThemeView:
    """Return the figures of every theme in ``frame``: its table, comment count, coverage and NPS presence."""
    table = figures.theme_table(frame, assigned, codeframe, config)
    comments = int(figures.mentions(frame, assigned.iloc[:0], codeframe).commented.sum())
    unread = not_read(frame, codeframe, set(assigned["row_key"]) if len(assigned) else ())
    uncategorised = table.loc[table["theme"] == UNCATEGORISED, "n"]
    without = int(uncategorised.iloc[0]) if len(uncategorised) else comments
    coverage = (comments - without - unread.comments) / comments if comments else 0.0
    has_nps = ("nps" in metrics.mapped_roles(config) and "nps" in frame.columns
               and bool(pd.to_numeric(frame["nps"], errors="coerce").notna().any()))
    return ThemeView(table=table, codeframe=codeframe, comments=comments, coverage=coverage, has_nps=has_nps,
                     segments=tuple(metrics.segment_columns(frame, config)), not_read=unread)


def rankings_for(has_nps: bool) -> list[str]:
    """Return the rankings that make sense for a selection (NPS impact only with NPS scores)."""
    return [r for r in RANKINGS if r != "impact" or has_nps]


def theme_label(row: Any) -> str:
    """Return how a row of ``figures.theme_table`` names its theme: "Flight › Delayed" for a sub-theme."""
    parent = row["parent"] if "parent" in row else None
    return f"{parent}{LEVEL_MARK}{row['theme']}" if isinstance(parent, str) and parent else str(row["theme"])


def theme_labels(table: pd.DataFrame) -> dict[str, str]:
    """Return theme name -> label for every row of ``table``, in nested order (what the theme picker lists)."""
    return {str(r["theme"]): theme_label(r) for _, r in nested(table).iterrows()}


def level_rows(table: pd.DataFrame, parent: str | None = None) -> pd.DataFrame:
    """Return the rows of one level of ``table``: top-level themes and Uncategorised, or ``parent``'s sub-themes."""
    if "parent" not in table.columns:
        return table if parent is None else table.iloc[:0]
    under = table["parent"].astype(object)
    return table[under.isna().to_numpy()] if parent is None else table[(under == parent).to_numpy()]


def sub_themes(table: pd.DataFrame, theme: str) -> list[str]:
    """Return the names of ``theme``'s sub-themes in ``table`` (largest first; none for a sub-theme)."""
    return level_rows(table, theme)["theme"].tolist()


def nested(table: pd.DataFrame) -> pd.DataFrame:
    """Return ``table`` with each top-level theme followed by its sub-themes, each level in table order."""
    top = level_rows(table)
    parts = []
    for name in top["theme"]:
        parts.append(top[top["theme"] == name])
        parts.append(level_rows(table, name))
    return pd.concat(parts) if parts else table


def _whole_percent(value: float) -> str:
    """Return a percentage rounded to a whole number, "<1%" for a share above 0 that would round to "0%"."""
    return "<1%" if 0 < value < 0.5 else f"{value:.0f}%"


def ranking_frame(table: pd.DataFrame, ranking: str, comments: int, *, parent: str | None = None) -> pd.DataFrame:
    """Return one chart row per theme of one level for ``ranking`` (volume, negative or impact), best first.

    The level is the top-level themes and Uncategorised, or the sub-themes of ``parent``. Columns:
    ``theme``, ``value``, ``low``, ``high`` (95% interval, percent or NPS points), ``n``, ``label`` (the
    figure in words), ``uncategorised``. Themes without the figure are left out. Raises ``ValueError`` for an
    unknown ranking.
    """
    if ranking not in RANKINGS:
        raise ValueError(f"unknown ranking {ranking!r}")
    table = level_rows(table, parent)
    n = table["n"].to_numpy(dtype=float)
    if ranking == "volume":
        value = 100.0 * n / comments if comments else np.full(len(n), np.nan)
        low, high = metrics.wilson_interval(n, np.full(len(n), float(comments)))
        label = [f"{int(c):,} ({_whole_percent(v)})" if finite(v) else f"{int(c):,}" for c, v in zip(n, value, strict=True)]
    elif ranking == "negative":
        share = table["negative_share"].to_numpy(dtype=float)
        value = 100.0 * share
        low, high = metrics.wilson_interval(np.round(np.nan_to_num(share) * n), n)
        label = [f"{_whole_percent(v)} of {int(c):,}" if finite(v) else "" for v, c in zip(value, n, strict=True)]
    else:
        value = table["nps_impact"].to_numpy(dtype=float)
        low = table["nps_impact_low"].to_numpy(dtype=float)
        high = table["nps_impact_high"].to_numpy(dtype=float)
        label = [f"{v:+.1f} pts" if finite(v) else "" for v in value]
    out = pd.DataFrame({
        "theme": table["theme"].astype(object).to_numpy(),
        "value": np.asarray(value, dtype=float),
        "low": np.asarray(low, dtype=float),
        "high": np.asarray(high, dtype=float),
        "n": n.astype("int64"),
        "label": pd.Series(label, dtype=object).to_numpy(),
        "uncategorised": (table["theme"] == UNCATEGORISED).to_numpy(),
    })
    out = out[np.isfinite(out["value"].to_numpy()) & (out["n"] > 0)]
    ascending = ranking == "impact"  # the themes that pull NPS down most come first
    return out.sort_values(["value", "n"], ascending=[ascending, False], kind="stable").reset_index(drop=True)


def theme_rows(table: pd.DataFrame) -> pd.DataFrame:
    """Return the theme table as people read it, unrounded: one row per theme, each top-level theme followed
    by its sub-themes ("Flight › Delayed"), Uncategorised last."""
    table = nested(table)
    return pd.DataFrame({
        "Theme": pd.Series([theme_label(r) for _, r in table.iterrows()], dtype=object, index=table.index),
        "Comments": table["n"].astype("int64"),
        "Requests": table["requests"].astype("int64"),
        "Share": 100.0 * table["share"].astype(float),
        "Sentiment": table["sentiment"].astype(float),
        "Negative": 100.0 * table["negative_share"].astype(float),
        "NPS": table["nps"].astype(float),
        "NPS impact": table["nps_impact"].astype(float),
        "Impact from": table["nps_impact_low"].astype(float),
        "Impact to": table["nps_impact_high"].astype(float),
        "Revenue": pd.to_numeric(table["value"], errors="coerce").astype(float),
        "Emerging": table["emerging"].astype(bool),
        "Keywords": [", ".join(k) for k in table["keywords"]],
    })


def shown_theme_rows(table: pd.DataFrame, has_nps: bool) -> pd.DataFrame:
    """Return ``theme_rows`` without the NPS columns (no NPS scores) and without Revenue (no revenue at all)."""
    rows = theme_rows(table)
    if not has_nps:
        rows = rows.drop(columns=list(NPS_COLUMNS))
    if rows["Revenue"].isna().all():
        rows = rows.drop(columns="Revenue")
    return rows


def emerging_themes(table: pd.DataFrame) -> list[str]:
    """Return the labels of the themes growing faster than chance would explain, in table order."""
    return [theme_label(r) for _, r in table[table["emerging"].astype(bool)].iterrows()]


def trend_period(date_min: datetime | None, date_max: datetime | None) -> str:
    """Return the trend's period: month, or week when the data span less than half a year."""
    if date_min is None or date_max is None:
        return "month"
    return "month" if (date_max - date_min).days >= MONTHLY_FROM_DAYS else "week"


def group_verdict(low_sample: bool, significant: bool, difference: float) -> str:
    """Return how one group's mention rate compares with the other groups, in words."""
    if low_sample:
        return "Too few comments"
    if not significant:
        return "No real difference"
    return "More than the rest" if difference > 0 else "Less than the rest"


def group_rows(table: pd.DataFrame, missing_label: str) -> pd.DataFrame:
    """Return ``figures.theme_breakdown`` rows of one theme as people read them, the most mentioning first.

    Columns: ``Group`` (``missing_label`` for responses without a value), ``Comments``, ``Share`` (percent),
    ``vs rest (pts)`` and the verdict (``metrics.STATUS_LABEL``).
    """
    verdicts = [group_verdict(bool(low), bool(sig), float(d))
                for low, sig, d in zip(table["low_sample"], table["significant"], table["difference"], strict=True)]
    return pd.DataFrame({
        "Group": [missing_label if v is None else str(v) for v in table["value"]],
        "Comments": table["comments"],
        "Share": 100.0 * table["share"],
        "vs rest (pts)": table["difference"],
        metrics.STATUS_LABEL: verdicts,
    }).sort_values("vs rest (pts)", ascending=False)

