"""The customer journey: per stage (in the journey's order) every KPI with its interval, sentiment, top themes and
the stage's pain point, and the stage where the journey loses most.

Stages are the values of one column (the journey column), in the order a person gave. Each stage is compared
with all other stages exactly as the Segments page compares groups (``kpis_by``: the headline KPI, NPS unless
the dataset has none, tested with Benjamini-Hochberg adjusted p-values across the stages). The *weakest* stage is
the one furthest below the rest among the stages whose difference is real after that adjustment; when no stage
is really below the rest there is none. Responses without a stage are left out of every figure.

Theme figures come in as one theme table per stage (``portal.text.figures.theme_table`` of that stage's
responses): the top themes are the most mentioned top-level themes, and the pain point is the top-level theme
with the most negative NPS impact at that stage (NPS of the stage minus NPS of the stage without the theme).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from portal.errors import InputError
from portal.metrics.aggregate import prepare
from portal.metrics.definitions import DEFAULT_MIN_N, ESTIMATE_COLUMNS, METRIC_LABELS
from portal.metrics.report import to_records
from portal.metrics.responses import headline_metric
from portal.metrics.select import check_column
from portal.metrics.tables import kpis_by
from portal.metrics.wording import format_p, format_value
from portal.model import DatasetConfig
from portal.text.codeframe import UNCATEGORISED

#: How many themes each stage lists.
TOP_THEMES = 3
#: The keys of one stage in ``portal journey --format json``, in order (the KPI keys as ``portal kpis``).
STAGE_KEYS: tuple[str, ...] = (
    "stage", "n", "nps", "nps_ci", "csat", "csat_ci", "rating_mean", "rating_ci", "recommend", "recommend_ci",
    "sentiment", "top_themes", "pain_point", "low_sample", "p_adjusted",
)


@dataclass(frozen=True, eq=False)
class Journey:
    """A journey's figures: ``table`` has one row per stage in order (``kpis_by`` columns with ``stage`` for
    ``value``, plus ``sentiment``, ``top_themes`` and ``pain_point``); ``metric`` is the KPI tested and
    ``weakest`` the stage furthest below the rest when that is real (else None)."""

    column: str
    table: pd.DataFrame
    metric: str | None
    weakest: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        """Return the ``portal journey`` JSON object: ``column``, ``stages`` and ``weakest``."""
        return {"column": self.column, "stages": stage_records(self.table), "weakest": self.weakest}


def stage_strings(series: pd.Series) -> pd.Series:
    """Return a column's values as stage names (text; missing values are None)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    names = np.array([*(str(u) for u in uniques), None], dtype=object)
    return pd.Series(names[codes], index=series.index, dtype=object)  # code -1 (missing) reads the last name


def stage_values(frame: pd.DataFrame, config: DatasetConfig, column: str) -> list[str]:
    """Return the distinct stages in ``column``, sorted; raise ``InputError`` for a column one cannot group by."""
    found = check_column(frame, config, column)
    _, uniques = pd.factorize(frame[found], use_na_sentinel=True)
    return sorted({str(u) for u in uniques})


def check_order(present: Sequence[str], order: Sequence[str], column: str) -> list[str]:
    """Return ``order`` as stage names when it lists every stage of ``present`` once; raise ``InputError`` if not."""
    wanted = [str(s).strip() for s in order]
    twice = [s for i, s in enumerate(wanted) if s in wanted[:i]]
    if twice:
        raise InputError(f"The stage '{twice[0]}' is listed twice; list every stage of {column} once.")
    unknown = [s for s in wanted if s not in set(present)]
    if unknown:
        raise InputError(f"{column} has no stage '{unknown[0]}'. Its stages are: {', '.join(present)}.")
    missing = [s for s in present if s not in set(wanted)]
    if missing:
        raise InputError(f"The order leaves out {', '.join(repr(m) for m in missing)}; list every stage of "
                         f"{column} once, first to last.")
    return wanted


def full_order(order: Sequence[str], present: Sequence[str]) -> list[str]:
    """Return the stages in the journey's order, then any stage that arrived since it was set (sorted)."""
    return [*order, *sorted(s for s in present if s not in set(order))]


def _stage_table(frame: pd.DataFrame, config: DatasetConfig, column: str, stages: list[str],
                 min_n: int) -> tuple[pd.DataFrame, str | None]:
    """Return ``kpis_by`` of the stages (every stage, in order; an empty one has n = 0) and the KPI tested."""
    strings = stage_strings(frame[column])
    keep = strings.isin(stages).to_numpy()
    staged = frame.loc[keep].copy()
    staged[column] = pd.Categorical(strings[keep], categories=stages)
    data = prepare(staged, config)
    metric = headline_metric(config)
    if data.n:
        table = kpis_by(data, column, metric=metric, min_n=min_n)
    else:
        table = pd.DataFrame({"value": pd.Series([], dtype=object), "n": pd.Series([], dtype="int64")})
    table = table.rename(columns={"value": "stage"}).set_index("stage").reindex(stages)
    table["n"] = table["n"].fillna(0).astype("int64")
    table["low_sample"] = table["low_sample"].fillna(True).astype(bool) if "low_sample" in table else True
    for flag in ("significant", f"{metric}_significant"):
        if flag in table.columns:
            table[flag] = table[flag].fillna(False).astype(bool)
    sentiment = _mean_sentiment(staged, column)
    table["sentiment"] = [sentiment.get(s, np.nan) for s in stages]
    return table.reset_index(), metric


def _mean_sentiment(staged: pd.DataFrame, column: str) -> dict[str, float]:
    """Return each stage's mean comment sentiment (-1 to 1; stages without scored comments are left out)."""
    if "sentiment" not in staged.columns:
        return {}
    scores = pd.to_numeric(staged["sentiment"], errors="coerce")
    means = scores.groupby(staged[column], observed=True).mean()
    return {str(k): float(v) for k, v in means.items() if pd.notna(v)}


def top_themes(themes: pd.DataFrame | None, top: int = TOP_THEMES) -> list[dict[str, Any]]:
    """Return the ``top`` most mentioned top-level themes of a stage's theme table: ``theme``, ``n``, ``share``."""
    rows = _top_level(themes)
    rows = rows[rows["n"] > 0].sort_values("n", ascending=False, kind="stable").head(top)
    return [{"theme": str(r.theme), "n": int(r.n), "share": _finite(r.share)} for r in rows.itertuples()]


def pain_point(themes: pd.DataFrame | None) -> dict[str, Any] | None:
    """Return a stage's biggest pain point: the top-level theme with the most negative NPS impact, or, without
    NPS scores, the one with the most negative comments (None when no theme lowers NPS or is negative):
    ``theme``, ``n``, ``nps_impact`` and ``nps_impact_ci`` (None without NPS), ``negative_share``."""
    rows = _top_level(themes)
    if rows.empty:
        return None
    impact = pd.to_numeric(rows.get("nps_impact", pd.Series(np.nan, index=rows.index)), errors="coerce")
    if impact.notna().any():
        rows = rows[(impact < 0).to_numpy()]
        if rows.empty:
            return None
        row = rows.loc[pd.to_numeric(rows["nps_impact"]).idxmin()]
    else:
        negative = pd.to_numeric(rows.get("negative_share", pd.Series(np.nan, index=rows.index)), errors="coerce")
        count = (negative.fillna(0) * pd.to_numeric(rows["n"], errors="coerce").fillna(0)).round()
        if not (count > 0).any():
            return None
        row = rows.loc[count.idxmax()]
    low, high = _finite(row.get("nps_impact_low")), _finite(row.get("nps_impact_high"))
    return {"theme": str(row["theme"]), "n": int(row["n"]), "nps_impact": _finite(row.get("nps_impact")),
            "nps_impact_ci": None if low is None or high is None else [low, high],
            "negative_share": _finite(row.get("negative_share"))}


def _top_level(themes: pd.DataFrame | None) -> pd.DataFrame:
    """Return the top-level themes of a theme table, without Uncategorised (empty for None)."""
    if themes is None or themes.empty:
        return pd.DataFrame({"theme": [], "n": [], "share": []})
    if "theme_key" in themes.columns:  # Uncategorised has no key
        keep = themes["theme_key"].fillna("").astype(str) != ""
    else:
        keep = themes["theme"].astype(str) != UNCATEGORISED
    if "parent" in themes.columns:
        keep &= themes["parent"].isna()
    return themes[keep.to_numpy()]


def _finite(value: Any) -> float | None:
    """Return a number as a float, None when missing or not finite."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) else None


def weakest_stage(table: pd.DataFrame, metric: str | None) -> dict[str, Any] | None:
    """Return the stage furthest below the rest on ``metric`` among those really below it (adjusted p < 0.05 and
    not low-sample), as ``stage``, ``metric``, ``value``, ``rest``, ``difference``, ``p_adjusted``; else None."""
    if metric is None or f"{metric}_significant" not in table.columns:
        return None
    below = table[table[f"{metric}_significant"].to_numpy(bool) & (table[f"{metric}_difference"] < 0).to_numpy()]
    if below.empty:
        return None
    row = below.loc[below[f"{metric}_difference"].idxmin()]
    return {"stage": str(row["stage"]), "metric": metric, "value": _finite(row[ESTIMATE_COLUMNS[metric]]),
            "rest": _finite(row[f"{metric}_other"]), "difference": _finite(row[f"{metric}_difference"]),
            "p_adjusted": _finite(row[f"{metric}_p_adjusted"])}


def journey(frame: pd.DataFrame, config: DatasetConfig, column: str, order: Sequence[str], *,
            themes: Mapping[str, pd.DataFrame] | None = None, min_n: int = DEFAULT_MIN_N,
            top: int = TOP_THEMES) -> Journey:
    """Return the journey over ``frame``'s responses along ``column`` with stages in ``order`` (stages found in
    the data but not in ``order`` follow, sorted). ``themes`` maps a stage to its theme table. Raises
    ``InputError`` for a column one cannot group by."""
    found = check_column(frame, config, column)
    stages = full_order([str(s) for s in order], stage_values(frame, config, found))
    if not stages:
        raise InputError(f"{column} holds no stage: no response has a value in it.")
    table, metric = _stage_table(frame, config, found, stages, min_n)
    themes = themes or {}
    table["top_themes"] = [top_themes(themes.get(s), top) for s in stages]
    table["pain_point"] = [pain_point(themes.get(s)) for s in stages]
    return Journey(column=column, table=table, metric=metric, weakest=weakest_stage(table, metric))


def stage_records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Return the stages as JSON-ready records with exactly ``STAGE_KEYS`` (KPI keys as in ``portal kpis``)."""
    kpi_rows = to_records(table.rename(columns={"stage": "value"}))
    out = []
    for kpis, row in zip(kpi_rows, table.to_dict(orient="records"), strict=True):
        record = {**kpis, "stage": str(row["stage"]), "sentiment": _finite(row.get("sentiment")),
                  "top_themes": row["top_themes"], "pain_point": row["pain_point"],
                  "low_sample": bool(row["low_sample"]), "p_adjusted": _finite(row.get("p_adjusted"))}
        out.append({key: record.get(key) for key in STAGE_KEYS})
    return out


def weakest_sentence(weakest: Mapping[str, Any] | None, metric: str | None) -> str:
    """Return where the journey loses most in plain words (or that no stage is really below the rest)."""
    if metric is None:
        return "This dataset has no score, so no stage is compared with the rest."
    label = METRIC_LABELS[metric]
    if weakest is None:
        return (f"No stage is really below the rest on {label}: the differences between stages could be noise "
                "(or a stage has too few responses to tell).")
    return (f"The journey loses most at {weakest['stage']}: {label} {format_value(metric, weakest['value'])} against "
            f"{format_value(metric, weakest['rest'])} for the other stages, a real difference (chance it is noise, "
            f"adjusted: {format_p(weakest['p_adjusted'])}).")
