"""The words, tiles, tables and charts of each report section, made from the figures the pages show.

Each function takes figures already computed by ``portal.metrics``, ``portal.text`` or ``portal.compare`` (the
Overview's tiles and trend, the Themes page's ranking, the Segments page's tested differences, the comparison
of brands) and returns one ``Section``; nothing is computed twice or differently from the pages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date as Date
from typing import Any

import pandas as pd

from portal import metrics
from portal.compare import Comparison
from portal.compare.wording import gap_sentence
from portal.executive.charts import bars_spec, trend_spec
from portal.executive.model import Figure, Section, Table
from portal.metrics.journey import Journey, stage_records, weakest_sentence
from portal.model import DatasetConfig

#: How many themes, segment differences and competitor gaps a section lists.
TOP = 5


def _number(x: Any) -> float | None:
    """Return a finite float, or None."""
    return float(x) if metrics.is_finite(x) else None


def _interval(ci: tuple[float, float] | None) -> list[float] | None:
    """Return an interval as a JSON pair (None when there is none)."""
    return [float(ci[0]), float(ci[1])] if ci is not None else None


def _tile_figure(tile: metrics.Tile, config: DatasetConfig) -> Figure:
    """Return the tile of one KPI: its value, interval and responses, and the Overview's sentence."""
    interval = metrics.format_interval(tile.metric, *(tile.ci or (None, None)))
    detail = [f"95% interval {interval}" if interval else "no interval", f"{tile.n:,} responses"]
    if tile.low_sample:
        detail.append("too few to be sure")
    return Figure(label=metrics.metric_label(tile.metric, config), value=metrics.format_value(tile.metric, tile.value),
                  detail="; ".join(detail), sentence=tile.sentence)


def kpi_section(view: metrics.Overview, config: DatasetConfig, covers: str, first: Date | None,
                last: Date | None) -> Section:
    """Return the KPI tiles (each with its 95% interval), then revenue at risk and customers or responses."""
    figures = [_tile_figure(t, config) for t in view.tiles]
    figures += [Figure(label=p.label, value=p.value, sentence=p.caption)
                for p in metrics.plain_tiles(view, first, last, room=len(view.tiles) + 2)]
    if view.tiles:
        sentence = " ".join(p for p in (view.tiles[0].sentence, metrics.tile_detail(view.tiles[0])) if p)
    else:
        sentence = "This dataset has no scores (NPS, CSAT, rating or would recommend) to show."
    data = {"tiles": [{"metric": t.metric, "label": t.label, "value": _number(t.value), "ci": _interval(t.ci),
                       "n": t.n, "low_sample": t.low_sample} for t in view.tiles],
            "responses": view.n, "customers": view.customers, "revenue_at_risk": _number(view.revenue_at_risk)}
    return Section("kpis", "Headline figures", sentence, covers, figures=tuple(figures), data=data)


def trend_section(view: metrics.Overview, covers: str) -> Section:
    """Return the headline KPI period by period with its interval band, and its latest change in words."""
    tile = next((t for t in view.tiles if t.metric == view.metric), None)
    if view.trend is None or tile is None or len(view.trend) == 0:
        return Section("trend", "Trend", "No trend: these responses have no dates, or no scores.", covers)
    metric, period = tile.metric, view.period or "month"
    estimate = metrics.ESTIMATE_COLUMNS[metric]
    points = [{"period": pd.Timestamp(r["period"]).date().isoformat(), "value": _number(r[estimate]),
               "low": _number(r[f"{metric}_ci_low"]), "high": _number(r[f"{metric}_ci_high"]),
               "n": int(r[metrics.COUNT_COLUMNS[metric]]), "real": bool(r[f"{metric}_significant"])}
              for r in view.trend.to_dict(orient="records")]
    sentence = tile.change.sentence if tile.change is not None else f"Only one {period} has responses so far."
    title = f"{metrics.kpi_name(metric)} by {period}"
    return Section("trend", title, sentence, covers,
                   chart=trend_spec([p for p in points if p["value"] is not None], metrics.kpi_name(metric), period),
                   chart_text=f"{title}, with its 95% interval shaded; a filled point is a real change.",
                   data={"metric": metric, "period": period, "points": points})


def _impact_words(top: Mapping[str, Any]) -> str:
    """Return what the theme that pulls NPS down most does, with its interval."""
    value, low, high = float(top["value"]), float(top["low"]), float(top["high"])
    if value >= 0:
        return "No theme pulls NPS down in these responses."
    sure = "" if high < 0 else " (its interval reaches zero, so it could be chance)"
    return (f"{top['theme']} pulls NPS down most: {value:+.1f} points, 95% interval {low:+.1f} to {high:+.1f}, "
            f"from {int(top['n']):,} comments{sure}.")


def theme_section(ranking: pd.DataFrame, ranked_by: str, covers: str) -> Section:
    """Return the top themes by NPS impact (``ranked_by`` "impact") or negative share ("negative").

    ``ranking`` is ``portal.text.theme_view.ranking_frame`` of the Themes page, best first.
    """
    top = ranking[~ranking["uncategorised"]].head(TOP)
    if top.empty:
        return Section("themes", "Top themes", "No comment has a theme yet in these responses.", covers,
                       data={"ranked_by": ranked_by, "themes": []})
    rows = top.to_dict(orient="records")
    if ranked_by == "impact":
        title, unit, sentence = "Themes by NPS impact", "NPS impact (points)", _impact_words(rows[0])
        cells = [(str(r["theme"]), f"{r['value']:+.1f}", f"{r['low']:+.1f} to {r['high']:+.1f}", f"{r['n']:,}")
                 for r in rows]
        columns = ("Theme", "NPS impact", "95% interval", "Comments")
    else:
        title, unit = "Themes by negative share", "Negative comments (%)"
        sentence = f"{rows[0]['theme']} has the largest share of negative comments: {rows[0]['label']}."
        cells = [(str(r["theme"]), f"{r['value']:.0f}%", f"{r['low']:.0f}% to {r['high']:.0f}%", f"{r['n']:,}")
                 for r in rows]
        columns = ("Theme", "Negative", "95% interval", "Comments")
    bars = [{"label": str(r["theme"]), "value": float(r["value"]), "low": _number(r["low"]),
             "high": _number(r["high"])} for r in rows]
    data = {"ranked_by": ranked_by, "themes": [{"theme": str(r["theme"]), "value": _number(r["value"]),
                                                "ci": [_number(r["low"]), _number(r["high"])], "n": int(r["n"])}
                                               for r in rows]}
    return Section("themes", title, sentence, covers, table=Table(columns, tuple(cells)),
                   chart=bars_spec(bars, unit), chart_text=f"{title}; lines: 95% intervals.", data=data)


def difference_section(differences: Sequence[metrics.SegmentDifference], labels: Mapping[str, str],
                       scale: tuple[int, int], covers: str) -> Section:
    """Return the segment values that differ most from the rest (adjusted p-values, real differences only)."""
    if not differences:
        return Section("segments", "Where it differs most",
                       "No group differs from the rest by more than chance would explain.", covers,
                       data={"differences": []})
    sentences, cells, records = [], [], []
    for d in differences:
        column = labels.get(d.column, d.column)
        sentences.append(metrics.describe_difference(d.metric, column, d.value, d.estimate, d.difference, d.n,
                                                     scale=scale))
        cells.append((f"{column}: {d.value}", metrics.format_value(d.metric, d.estimate),
                      metrics.format_value(d.metric, d.rest), metrics.format_change(d.metric, d.difference, scale=scale),
                      f"{d.n:,}", metrics.format_p(d.p_adjusted)))
        records.append({"column": d.column, "value": str(d.value), "metric": d.metric, "estimate": d.estimate,
                        "rest": d.rest, "difference": d.difference, "ci": _interval(d.ci), "n": d.n,
                        "p_adjusted": d.p_adjusted})
    kpi = metrics.kpi_name(differences[0].metric)
    table = Table(("Group", kpi, "Rest", "Difference", "Responses", metrics.P_ADJUSTED_LABEL), tuple(cells))
    return Section("segments", "Where it differs most", sentences[0], covers, table=table,
                   data={"differences": records})


def journey_section(journey: Journey, covers: str) -> Section:
    """Return the journey stage by stage (the headline KPI, its interval, the pain point) and its weakest stage."""
    metric = journey.metric
    sentence = weakest_sentence(journey.weakest, metric)
    cells, records = [], []
    for row in stage_records(journey.table):
        value = row.get(metric) if metric else None
        interval = metrics.format_interval(metric, *(row.get(f"{metric}_ci") or (None, None))) if metric else ""
        pain = row.get("pain_point") or {}
        note = "Too few responses" if row.get("low_sample") else \
            ("Loses most" if journey.weakest and journey.weakest["stage"] == row["stage"] else "")
        cells.append((str(row["stage"]), f"{row['n']:,}",
                      f"{metrics.format_value(metric, value)} ({interval})" if metric and value is not None else "–",
                      str(pain.get("theme") or "–"), note))
        records.append({"stage": row["stage"], "n": row["n"], "value": value, "pain_point": pain.get("theme"),
                        "low_sample": bool(row.get("low_sample"))})
    kpi = metrics.kpi_name(metric) if metric else "Score"
    table = Table(("Stage", "Responses", f"{kpi} (95% interval)", "Biggest pain point", "Note"), tuple(cells))
    return Section("journey", f"The customer journey ({journey.column})", sentence, covers, table=table,
                   data={"column": journey.column, "stages": records, "weakest": journey.weakest})


def _pct(x: Any) -> str:
    """Return a share as a percentage with one decimal ("–" when there is none)."""
    return f"{100 * float(x):.1f}%" if metrics.is_finite(x) else "–"


def competitor_section(comparison: Comparison, covers: str) -> Section:
    """Return where our brand trails and leads the best competitor on each theme (real gaps only)."""
    gaps = comparison.gaps
    real = gaps[gaps["verdict"].isin(["weakness", "strength"])].head(TOP)
    ours = comparison.ours
    weak = real[real["verdict"] == "weakness"]
    if not weak.empty:
        sentence = gap_sentence(weak.iloc[0])
    elif not real.empty:
        sentence = f"{ours} trails no competitor on any theme by more than chance would explain. " + \
            gap_sentence(real.iloc[0])
    else:
        sentence = f"{ours} neither trails nor leads the other brands on any theme by more than chance would explain."
    cells = tuple((str(r["theme"]), "we trail" if r["verdict"] == "weakness" else "we lead",
                   _pct(r["ours_problem_rate"]), str(r["best_competitor"]), _pct(r["best_problem_rate"]))
                  for r in real.to_dict(orient="records"))
    records = [{"theme": str(r["theme"]), "verdict": str(r["verdict"]), "ours": _number(r["ours_problem_rate"]),
                "best_competitor": str(r["best_competitor"]), "theirs": _number(r["best_problem_rate"]),
                "p_adjusted": _number(r["p_adjusted"])} for r in real.to_dict(orient="records")]
    table = Table(("Theme", "Verdict", f"Problems at {ours}", "Best competitor", "Problems there"), cells) \
        if cells else None
    return Section("competitors", f"{ours} against the competition", sentence, covers, table=table,
                   data={"ours": ours, "gaps": records})
