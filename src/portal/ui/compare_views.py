"""The Competitors page's widgets: brand cards, the problem-rate heat-map, the gaps in words, needs and trends."""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from portal.compare import Comparison
from portal.compare.wording import gap_sentence, link_sentence
from portal.model import DatasetInfo
from portal.ui import palette
from portal.ui.charts import show_chart
from portal.ui.collect import pick_and_save
from portal.ui.downloads import csv_download
from portal.ui.kpi import column_axis
from portal.ui.markdown import escape_markdown

#: Most themes the heat-map shows (the most mentioned ones); the download holds them all.
HEATMAP_THEMES = 20
#: The gap table's columns as shown.
GAP_LABELS = {"theme": "Theme", "verdict": "Verdict", "sentence": "In plain words",
              "ours_problem_rate": "Our problem rate", "best_competitor": "Best competitor",
              "best_problem_rate": "Their problem rate", "competitors_problem_rate": "Competitors' average",
              "difference": "Difference (ours - best)", "p_adjusted": "Chance it's noise (adjusted)"}
#: The gap table's problem rates (shares of 0 to 1), shown in percent with one decimal.
GAP_RATES = ("ours_problem_rate", "best_problem_rate", "competitors_problem_rate")
#: The difference of two rates is in percentage points, not a percent of anything.
POINTS = "%+.1f pts"
#: Most brand cards side by side in one row.
CARDS_PER_ROW = 5
#: Fill and ink of a heat-map cell without a value (the theme reads none of the brand's comments).
MISSING_FILL, DARK_INK, LIGHT_INK = palette.MISSING_FILL, palette.DARK_INK, palette.LIGHT_INK


def _pct(x: float) -> str:
    """Return a share as a whole percentage ("–" when missing)."""
    return "–" if pd.isna(x) else f"{100 * x:.0f}%"


def index_line(index: dict[str, float]) -> str:
    """Return the competitive index in plain words (the parts without data left out).

    The index puts the competitors' average at 100, so the words say so, and which side of 100 is better; the
    sentiment part is a difference, so it says higher or lower rather than a signed number.
    """
    names = (("rating_mean", "our average rating"), ("positive_share", "our share of positive reviews"))
    parts = [f"{label} scores {index[key]:,.0f}" for key, label in names if pd.notna(index.get(key))]
    words = ""
    if parts:
        words = ("Against the competitors' average, set at 100, " + " and ".join(parts)
                 + " (above 100 is better than them). ")
    if pd.notna(index.get("sentiment")):
        gap = float(index["sentiment"])
        side = "the same as" if round(gap, 2) == 0 else ("higher than" if gap > 0 else "lower than")
        words += (f"Our average sentiment is {abs(gap):.2f} {side} theirs." if side != "the same as"
                  else "Our average sentiment is the same as theirs.")
    return words


def _stars(ratings: pd.DataFrame, group: str) -> str:
    """Return a group's rating distribution in words ("1: 20%, 2: 5%, ...")."""
    mine = ratings[ratings["group"] == group]
    return ", ".join(f"{r:g}: {100 * s:.0f}%" for r, s in zip(mine["rating"], mine["share"], strict=True))


def _card(column, row: pd.Series, min_n: int, ratings: pd.DataFrame) -> None:
    """Draw one brand's card."""
    box = column.container(border=True)
    box.markdown(f"**{escape_markdown(str(row['group']))}**" + (" (ours)" if row["ours"] else ""))
    rating = "no ratings" if pd.isna(row["rating_mean"]) else (
        f"{row['rating_mean']:.2f} (95%: {row['rating_low']:.2f} to {row['rating_high']:.2f})")
    box.metric("Average rating", "–" if pd.isna(row["rating_mean"]) else f"{row['rating_mean']:.2f}")
    lines = [f"{int(row['n']):,} reviews; rating {rating}",
             f"{_pct(row['positive_share'])} positive, {_pct(row['negative_share'])} negative"]
    if not ratings.empty and row["rating_n"]:
        lines.append(f"Ratings {_stars(ratings, row['group'])}")
    if row["not_read"]:
        lines.append(f"{int(row['not_read']):,} comments not read for themes (their language has no themes)")
    if row["low_sample"]:
        lines.append(f"Fewer than {min_n} reviews: figures are rough and never marked as real differences")
    box.caption(escape_markdown(". ".join(lines) + "."))


def brand_cards(result: Comparison) -> None:
    """Draw one card per brand, ours first, side by side."""
    rows = list(result.groups.iterrows())
    for start in range(0, len(rows), CARDS_PER_ROW):
        chunk = rows[start:start + CARDS_PER_ROW]
        for column, (_, row) in zip(st.columns(len(chunk)), chunk, strict=True):
            _card(column, row, result.min_n, result.ratings)


def heatmap_frame(result: Comparison, top: int = HEATMAP_THEMES) -> pd.DataFrame:
    """Return the heat-map's cells: the ``top`` themes with most problems x brands, with problem rate and label."""
    themes = result.themes
    totals = themes.groupby("theme", sort=False)["problems"].sum()
    keep = list(totals[totals > 0].sort_values(ascending=False, kind="stable").head(top).index)
    cells = themes[themes["theme"].isin(keep)][["theme", "group", "problem_rate", "share", "problems", "read"]].copy()
    cells["text"] = cells["problem_rate"].map(lambda x: "–" if pd.isna(x) else f"{100 * x:.1f}%")
    return cells


def heatmap_chart(cells: pd.DataFrame, brands: list[str]) -> alt.LayerChart:
    """Return the theme x brand heat-map of problem rate (viridis, colour-blind-safe; values in the cells)."""
    data = cells.copy()
    high = float(np.nanmax(data["problem_rate"])) if data["problem_rate"].notna().any() else 1.0
    # Viridis is dark at the low end: light ink there, dark ink on the bright end and on the grey of a missing value.
    rate = data["problem_rate"].to_numpy(dtype=float)
    data["ink"] = np.where(np.isnan(rate) | (rate > 0.55 * high), DARK_INK, LIGHT_INK)
    order = list(dict.fromkeys(data.groupby("theme", sort=False)["problems"].sum().sort_values(
        ascending=False, kind="stable").index))
    x = alt.X("group:N", title="Brand", sort=brands, axis=column_axis(brands))
    y = alt.Y("theme:N", title="Theme", sort=order, axis=alt.Axis(labelLimit=220))
    tooltip = [alt.Tooltip("theme:N", title="Theme"), alt.Tooltip("group:N", title="Brand"),
               alt.Tooltip("problem_rate:Q", title="Problem rate", format=".1%"),
               alt.Tooltip("share:Q", title="Mentioned in", format=".1%"),
               alt.Tooltip("read:Q", title="Comments read", format=",")]
    pick = alt.selection_point(name="cell", fields=["theme", "group"], on="click", clear="dblclick")
    base = alt.Chart(data)
    cells_mark = base.mark_rect(cornerRadius=2).encode(
        x=x, y=y, tooltip=tooltip,
        color=alt.Color("problem_rate:Q", title="Problem rate", scale=alt.Scale(scheme=palette.SEQUENTIAL_SCHEME, domainMin=0),
                        legend=alt.Legend(orient="bottom", direction="horizontal", format=".0%", gradientLength=240)),
    ).add_params(pick)
    # Vega-Lite drops a cell whose value is missing from a colour scale: draw those cells grey underneath.
    missing = base.transform_filter("!isValid(datum.problem_rate)").mark_rect(
        cornerRadius=2, color=MISSING_FILL).encode(x=x, y=y, tooltip=tooltip)
    text = base.mark_text(fontSize=12).encode(x=x, y=y, text="text:N", color=alt.Color("ink:N", scale=None),
                                              tooltip=tooltip)
    # Cell colour is a scale, text colour literal: independent scales, or Vega-Lite draws nothing.
    return alt.layer(missing, cells_mark, text).resolve_scale(color="independent").properties(height=alt.Step(30))


def picked_cell(event: Any) -> tuple[str, str] | None:
    """Return the (theme, brand) of the clicked heat-map cell, or None."""
    found = (getattr(event, "selection", None) or {}).get("cell") or []
    if not found or "theme" not in found[0] or "group" not in found[0]:
        return None
    return str(found[0]["theme"]), str(found[0]["group"])


def heatmap(result: Comparison, name: str) -> tuple[str, str] | None:
    """Draw the heat-map with its explanation and download; return the clicked cell (theme, brand), if any."""
    cells = heatmap_frame(result)
    if cells.empty:
        st.info("No theme is mentioned negatively yet. Find themes on the Themes page to see where each brand has "
                "problems.")
        return None
    event = show_chart(heatmap_chart(cells, list(result.groups["group"])), name=f"{name}-problems-by-theme",
                       key="competitors_heatmap", title="Problem rate by theme and brand", on_select="rerun",
                       selection_mode="cell")
    st.caption("Share of each brand's reviews that mention the theme negatively (lower is better); darker is "
               "fewer problems; a grey cell with – has no review the theme reads (none in its language). "
               f"The {HEATMAP_THEMES} themes with most problems are shown; the download has them all. "
               "Click a cell to read its reviews.")
    csv_download(result.themes, "Download themes by brand (CSV)", f"{name}-themes-by-brand.csv",
                 key="competitors_themes_csv")
    return picked_cell(event)


def cell_quotes(reviews: pd.DataFrame, theme: str, brand: str, name: str, info: DatasetInfo | None = None) -> None:
    """Draw the reviews behind one heat-map cell (negative mentions first), their download and, with ``info``,
    a control that saves one of them to a collection."""
    negative = int(reviews["negative"].sum()) if not reviews.empty else 0
    st.markdown(escape_markdown(f"Reviews of {brand} that mention {theme}: {len(reviews):,}, "
                                f"{negative:,} of them negatively."))
    shown, settings = cell_table(reviews)
    st.dataframe(shown, **settings)
    csv_download(reviews.drop(columns="row_key", errors="ignore"), "Download these reviews (CSV)",
                 f"{name}-{brand}-{theme}.csv".replace("/", "-"), key="competitors_cell_csv")
    if info is not None and "row_key" in reviews.columns and not reviews.empty:
        pick_and_save(info, reviews["row_key"].astype(str).tolist(), reviews["comment"].tolist(),
                      key="competitors_collect", what="review")


#: The cell's review columns as shown.
CELL_LABELS = {"date": "Date", "rating": "Rating", "sentiment": "Sentiment", "negative": "Negative mention",
               "comment": "Comment"}


def cell_table(reviews: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Return a cell's reviews as shown and the table's settings: named columns, none that is empty throughout
    (undated reviews showed a column of "None"), the sentiment score with two decimals."""
    kept = [c for c in CELL_LABELS if c in reviews.columns and (c == "comment" or reviews[c].notna().any())]
    shown = reviews[kept].rename(columns=CELL_LABELS)
    config: dict[str, Any] = {
        "Comment": st.column_config.TextColumn(width="large"),
        "Date": st.column_config.DateColumn(format="D MMM YYYY"),
        "Sentiment": st.column_config.NumberColumn(format="%+.2f", help="From -1 (very negative) to +1 (very "
                                                                        "positive), as the portal read the review."),
    }
    return shown, {"hide_index": True, "column_config": {k: v for k, v in config.items() if k in shown.columns}}


def gaps(result: Comparison, name: str) -> None:
    """Draw the gap table in words (real weaknesses first) and its download."""
    shown = result.gaps[result.gaps["verdict"] != "too few"]
    real = shown[shown["verdict"].isin(["weakness", "strength"])]
    if real.empty:
        st.caption("No theme differs from the best competitor by more than chance would explain.")
    for verdict in ("weakness", "strength"):
        part = real[real["verdict"] == verdict]
        if not part.empty:
            st.markdown(f"**{'Where we trail' if verdict == 'weakness' else 'Where we lead'}**")
            st.markdown("\n".join(f"- {escape_markdown(gap_sentence(row))}" for _, row in part.iterrows()))
    table = result.gaps.assign(sentence=[gap_sentence(row) for _, row in result.gaps.iterrows()])
    config = {GAP_LABELS[c]: st.column_config.NumberColumn(format="%.1f%%") for c in GAP_RATES}
    config[GAP_LABELS["p_adjusted"]] = st.column_config.NumberColumn(
        format="%.3f", help="How likely chance alone gives a gap this large, adjusted for testing every theme")
    config[GAP_LABELS["difference"]] = st.column_config.NumberColumn(
        format=POINTS, help="Our problem rate minus the best competitor's, in percentage points (positive: we trail)")
    config[GAP_LABELS["sentence"]] = st.column_config.TextColumn(width="large")
    shown_table = table.assign(**{c: 100 * table[c] for c in (*GAP_RATES, "difference")})[list(GAP_LABELS)]
    st.dataframe(shown_table.rename(columns=GAP_LABELS), hide_index=True, column_config=config)
    csv_download(table, "Download the gap table (CSV)", f"{name}-gaps.csv", key="competitors_gaps_csv")


def needs(result: Comparison, name: str) -> None:
    """Draw what the market asks for and complains about, with who serves it best."""
    frame = result.needs
    if frame.empty:
        st.caption("No theme is mentioned negatively or in requests yet.")
        return
    left, right = st.columns(2)
    for column, kind, title in ((left, "problem", "Most common problems"), (right, "request", "Most asked for")):
        part = frame[frame["kind"] == kind]
        column.markdown(f"**{title}**")
        if part.empty:
            column.caption("No review asks for something new that a theme covers." if kind == "request" else
                           "No theme is mentioned negatively.")
            continue
        column.dataframe(part[["theme", "n", "best_brand"]].rename(
            columns={"theme": "Theme", "n": "Reviews", "best_brand": "Served best by"}), hide_index=True)
    csv_download(frame, "Download market needs (CSV)", f"{name}-needs.csv", key="competitors_needs_csv")


def trends(result: Comparison, name: str) -> None:
    """Draw each brand's average rating per month (when the reviews have dates and ratings)."""
    data = result.trend.dropna(subset=["rating_mean"]) if not result.trend.empty else result.trend
    if data.empty:
        st.caption("The reviews have no dates or no ratings, so there is no trend to show.")
        return
    show_chart(rating_trend_chart(data), name=f"{name}-rating-trends", key="competitors_trend_chart",
               title="Average rating by month")
    csv_download(data, "Download rating trends (CSV)", f"{name}-trends.csv", key="competitors_trend_csv")


def rating_trend_chart(data: pd.DataFrame) -> alt.Chart:
    """Return each brand's average rating per month as a line (colour and dash both tell the brands apart)."""
    return alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("period:T", title="Month"), y=alt.Y("rating_mean:Q", title="Average rating", scale=alt.Scale(zero=False)),
        color=alt.Color("group:N", title="Brand", scale=alt.Scale(range=list(palette.CATEGORICAL))),
        strokeDash=alt.StrokeDash("group:N", title="Brand"),
        tooltip=[alt.Tooltip("group:N", title="Brand"), alt.Tooltip("period:T", title="Month", format="%b %Y"),
                 alt.Tooltip("rating_mean:Q", title="Average rating", format=".2f"),
                 alt.Tooltip("n:Q", title="Reviews", format=",")])


def rating_link(result: Comparison, name: str) -> None:
    """Draw, per theme, how the brands' problem rates go with their ratings (strongest links first)."""
    link = result.rating_link.dropna(subset=["rho"])
    if link.empty:
        st.caption("This needs ratings and at least three brands with enough reviews.")
        return
    strongest = link.reindex(link["rho"].abs().sort_values(ascending=False, kind="stable").index).head(5)
    st.markdown("\n".join(f"- {escape_markdown(link_sentence(row))}" for _, row in strongest.iterrows()))
    csv_download(result.rating_link, "Download the rating link (CSV)", f"{name}-rating-link.csv",
                 key="competitors_link_csv")
