"""The comparison as the CLI's JSON document (``portal compare --format json``): a contract, keys never change."""

from __future__ import annotations

from typing import Any

import pandas as pd

from portal.compare.engine import Comparison
from portal.metrics.stats import number_or_none

__all__ = ["records"]


def _num(value: Any, digits: int) -> Any:
    """Return a rounded Python number, None for NaN or missing."""
    found = number_or_none({"v": value}, "v")
    return None if found is None else round(float(found), digits)


def _brand(row: pd.Series) -> dict[str, Any]:
    """Return one group's record."""
    mean = _num(row["rating_mean"], 4)
    return {
        "brand": row["group"], "n": int(row["n"]), "rating_mean": mean,
        "rating_ci": None if mean is None else [_num(row["rating_low"], 4), _num(row["rating_high"], 4)],
        "positive_share": _num(row["positive_share"], 4), "negative_share": _num(row["negative_share"], 4),
        "sentiment": _num(row["sentiment"], 4), "low_sample": bool(row["low_sample"]),
    }


def _themes(result: Comparison) -> list[dict[str, Any]]:
    """Return one record per theme with each group's share, sentiment and problem rate under ``by_brand``."""
    out = []
    for theme, part in result.themes.groupby("theme", sort=False):
        out.append({
            "theme": theme, "parent": part["parent"].iloc[0],
            "by_brand": {row["group"]: {"share": _num(row["share"], 4), "sentiment": _num(row["sentiment"], 4),
                                        "problem_rate": _num(row["problem_rate"], 4)}
                         for _, row in part.iterrows()},
        })
    return out


def _gap(row: pd.Series) -> dict[str, Any]:
    """Return one theme's gap record."""
    best = row["best_competitor"]
    return {
        "theme": row["theme"], "ours_problem_rate": _num(row["ours_problem_rate"], 4),
        "best_competitor": None if pd.isna(best) else best, "best_problem_rate": _num(row["best_problem_rate"], 4),
        "competitors_problem_rate": _num(row["competitors_problem_rate"], 4),
        "difference": _num(row["difference"], 4), "p_value": _num(row["p_value"], 6),
        "p_adjusted": _num(row["p_adjusted"], 6), "significant": bool(row["significant"]),
        "ours_sentiment": _num(row["ours_sentiment"], 4), "best_sentiment": _num(row["best_sentiment"], 4),
        "sentiment_p_adjusted": _num(row["sentiment_p_adjusted"], 6),
    }


def records(result: Comparison) -> dict[str, Any]:
    """Return the JSON document: ours, brands, themes, gaps, comp_index, rating_link and needs."""
    return {
        "ours": result.ours,
        "brands": [_brand(row) for _, row in result.groups.iterrows()],
        "themes": _themes(result),
        "gaps": [_gap(row) for _, row in result.gaps.iterrows()],
        "comp_index": {"rating_mean": _num(result.index["rating_mean"], 2),
                       "positive_share": _num(result.index["positive_share"], 2)},
        "rating_link": [{"theme": r["theme"], "rho": _num(r["rho"], 4),
                         "rho_ci": None if _num(r["rho_low"], 4) is None else [_num(r["rho_low"], 4),
                                                                               _num(r["rho_high"], 4)],
                         "low_confidence": bool(r["low_confidence"])} for _, r in result.rating_link.iterrows()],
        "needs": [{"theme": r["theme"], "kind": r["kind"], "n": int(r["n"]),
                   "best_brand": None if pd.isna(r["best_brand"]) else r["best_brand"]}
                  for _, r in result.needs.iterrows()],
    }
