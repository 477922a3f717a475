"""The Themes page's charts: the ranked themes (click a bar to pick one), a theme's trend and sentiment split."""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from portal import metrics
from portal.text.theme_view import RANKINGS
from portal.ui import palette
from portal.ui.kpi import period_axis, value_axis

#: The chart's selection name (the clicked theme).
SELECTION = "theme"
PRIMARY = palette.PRIMARY
NEGATIVE_COLOUR = palette.BAD
POSITIVE_COLOUR = palette.GOOD
NEUTRAL_COLOUR = palette.NEUTRAL
UNCATEGORISED_COLOUR = palette.FADED
SENTIMENT_COLOURS: dict[str, str] = palette.sentiment_colours()

_AXES = {
    "volume": ("Share of comments (%) with 95% interval", ".0f"),
    "negative": ("Negative mentions (%) with 95% interval", ".0f"),
    "impact": ("NPS impact (points) with 95% interval", "+.1f"),
}


def ranking_chart(data: pd.DataFrame, ranking: str, selected: str | None) -> alt.LayerChart:
    """Return the ranked theme chart: a bar per theme, its 95% interval, the figure; click to pick a theme."""
    title, fmt = _AXES[ranking]
    rows = data.assign(picked=data["theme"] == (selected or ""))
    order = list(rows["theme"])
    y = alt.Y("theme:N", sort=order, title=None, axis=alt.Axis(labelLimit=200, labelFontSize=12))
    pick = alt.selection_point(name=SELECTION, fields=["theme"], on="click", clear=False)
    tooltip = [
        alt.Tooltip("theme:N", title="Theme"),
        alt.Tooltip("label:N", title=RANKINGS[ranking]),
        alt.Tooltip("low:Q", title="95% interval from", format=fmt),
        alt.Tooltip("high:Q", title="95% interval to", format=fmt),
        alt.Tooltip("n:Q", title="Comments", format=","),
    ]
    tone = np.where(rows["uncategorised"], "none",
                    np.where(rows["value"] < 0, "down", "up") if ranking == "impact" else ranking)
    rows = rows.assign(tone=tone)
    tones = {"none": UNCATEGORISED_COLOUR, "down": NEGATIVE_COLOUR, "up": POSITIVE_COLOUR,
             "negative": NEGATIVE_COLOUR, "volume": PRIMARY}
    colour = alt.Color("tone:N", scale=alt.Scale(domain=list(tones), range=list(tones.values())), legend=None)
    base = alt.Chart(rows)
    lo = float(np.nanmin(rows[["low", "value"]].to_numpy())) if len(rows) else 0.0
    hi = float(np.nanmax(rows[["high", "value"]].to_numpy())) if len(rows) else 1.0
    domain = [min(lo, 0.0), max(hi, 0.0)]
    pad = (domain[1] - domain[0]) * 0.04 or 1.0
    scale = alt.Scale(domain=[domain[0] - (pad if domain[0] < 0 else 0), domain[1] + pad], nice=False)
    bars = base.mark_bar(height={"band": 0.7}, cornerRadiusEnd=2).encode(
        y=y, x=alt.X("value:Q", title=title, scale=scale, axis=value_axis()), color=colour,
        opacity=alt.condition(alt.datum.picked, alt.value(1.0), alt.value(0.72)),
        stroke=alt.condition(alt.datum.picked, alt.value(palette.INK), alt.value(None)),
        strokeWidth=alt.condition(alt.datum.picked, alt.value(1.5), alt.value(0)),
        tooltip=tooltip).add_params(pick)
    whiskers = base.mark_rule(color=palette.INK, strokeWidth=1.2).encode(
        y=y, x=alt.X("low:Q", scale=scale), x2="high:Q", tooltip=tooltip)
    labels = base.mark_text(align="left", dx=4, fontSize=11, color=palette.INK).encode(
        y=y, x=alt.X("high:Q", scale=scale), text="label:N", tooltip=tooltip)
    layers: list[Any] = [bars, whiskers]
    if ranking != "impact":
        layers.append(labels)
    else:
        zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color=palette.INK).encode(x="x:Q")
        layers.append(zero)
    return alt.layer(*layers).properties(height=alt.Step(22))


def trend_chart(trend: pd.DataFrame, period: str) -> alt.LayerChart:
    """Return the theme's share of comments per period as a line, mentions in the tooltip."""
    data = trend.assign(share_pct=100.0 * trend["share"], label=[metrics.period_label(p, period)
                                                                  for p in trend["period"]])
    base = alt.Chart(data).encode(
        x=alt.X("period:T", title=None, axis=period_axis(trend["period"], period, labelAngle=0)),
        y=alt.Y("share_pct:Q", title="Share of comments (%)", scale=alt.Scale(zero=True)),
        tooltip=[alt.Tooltip("label:N", title=period.capitalize()),
                 alt.Tooltip("share_pct:Q", title="Share of comments (%)", format=".1f"),
                 alt.Tooltip("n:Q", title="Mentions", format=","),
                 alt.Tooltip("comments:Q", title="Comments", format=",")])
    return alt.layer(base.mark_line(color=PRIMARY, strokeWidth=2),
                     base.mark_point(color=PRIMARY, filled=True, size=28)).properties(height=200)


def sentiment_chart(split: pd.DataFrame) -> alt.Chart:
    """Return one stacked bar of the negative, neutral and positive mentions."""
    domain = list(split["sentiment"])
    colours = [SENTIMENT_COLOURS.get(s, palette.FADED) for s in domain]
    data = split.assign(share_pct=100.0 * split["share"], order=range(len(split)))
    return alt.Chart(data).mark_bar(height=26).encode(
        x=alt.X("share_pct:Q", title=None, stack="zero", scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(format=".0f", labelExpr="datum.label + '%'")),
        color=alt.Color("sentiment:N", scale=alt.Scale(domain=domain, range=colours),
                        legend=alt.Legend(orient="bottom", title=None)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("sentiment:N", title="Sentiment"), alt.Tooltip("n:Q", title="Comments", format=","),
                 alt.Tooltip("share_pct:Q", title="Share (%)", format=".0f")],
    ).properties(height=70)
