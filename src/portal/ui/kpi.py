"""How KPIs look: tiles, the trend chart (interval band, event markers), interval bars, heat-map, drivers chart.

Every figure, verdict and word is computed in ``portal.metrics``; this module only draws. Chart builders
return Altair charts over small aggregated tables (one row per period or group), never raw responses, so
they stay far below Altair's 5,000-row limit.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from portal import metrics
from portal.metrics import STATUSES, short_label
from portal.model import DatasetConfig
from portal.ui import palette
from portal.ui.markdown import escape_markdown

PRIMARY = palette.PRIMARY
EVENT_COLOUR = palette.EVENT
#: Colours and shapes of the statuses (``metrics.STATUSES``), in their order.
STATUS_COLOURS: tuple[str, ...] = (palette.GOOD, palette.BAD, palette.NEUTRAL, palette.FADED)
STATUS_SHAPES: tuple[str, ...] = ("triangle-up", "triangle-down", "circle", "circle")
#: Most groups an interval chart shows (the largest ones); the table lists them all.
MAX_CHART_GROUPS = 40
#: Most values per axis of a heat-map (the largest ones).
MAX_HEATMAP_VALUES = 25
SELECTION = "group"


def _number_format(metric: str, *, interval: bool = False, signed: bool = False) -> str:
    """Return the d3 format of a KPI's figure (or interval end, or signed change), decimals as the library says."""
    digits = metrics.interval_digits(metric) if interval else metrics.value_digits(metric)
    return f"{'+' if signed else ''}.{digits}f"


def _interval_tooltips(metric: str) -> list[alt.Tooltip]:
    """Return the tooltips of a KPI's figure and the two ends of its 95% interval."""
    return [
        alt.Tooltip("estimate:Q", title=short_label(metric), format=_number_format(metric)),
        alt.Tooltip("low:Q", title="95% interval from", format=_number_format(metric, interval=True)),
        alt.Tooltip("high:Q", title="95% interval to", format=_number_format(metric, interval=True)),
    ]


def compact_page() -> None:
    """Trim the space above the page's title so a one-screen page fits a laptop screen."""
    st.html("<style>[data-testid='stMainBlockContainer']{padding-top:2.5rem;padding-bottom:1rem}</style>")


# ---------------------------------------------------------------------------------------------------------
# Tiles
# ---------------------------------------------------------------------------------------------------------


def tile_caption(tile: metrics.Tile) -> str:
    """Return the words under a tile (escaped Markdown): the sentence, then its interval and change verdict."""
    detail = metrics.tile_detail(tile)
    text = escape_markdown(tile.sentence)
    return text + ("  \n" + escape_markdown(detail) if detail else "")


def kpi_tile(tile: metrics.Tile, config: DatasetConfig) -> None:
    """Draw one KPI tile: the figure, its change when real, the help text and the sentence under it."""
    with st.container(border=True):
        st.metric(metrics.metric_label(tile.metric, config), metrics.format_value(tile.metric, tile.value),
                  delta=metrics.tile_delta(tile), delta_color=_delta_colour(tile), help=tile.help)
        st.caption(tile_caption(tile))


def _delta_colour(tile: metrics.Tile) -> str:
    """Return the delta's colour: blue for a rise, orange for a fall (never green and red); the arrow says which."""
    change = tile.change
    return palette.BAD_NAME if change is not None and (change.difference or 0) < 0 else palette.GOOD_NAME


def plain_tile(label: str, value: str, caption: str, *, help: str | None = None) -> None:
    """Draw a tile with a figure and a line of words (caption text is escaped)."""
    with st.container(border=True):
        st.metric(label, value, help=help)
        st.caption(escape_markdown(caption))


# ---------------------------------------------------------------------------------------------------------
# Trend
# ---------------------------------------------------------------------------------------------------------


def _events_in(events: pd.DataFrame | None, first: pd.Timestamp, last: pd.Timestamp) -> pd.DataFrame:
    """Return the events dated between ``first`` and ``last`` (inclusive) for the chart."""
    if events is None or events.empty:
        return pd.DataFrame({"date": pd.Series([], dtype="datetime64[ms]"), "label": [], "kind": []})
    dates = pd.to_datetime(events["date"]).astype("datetime64[ms]")  # nanoseconds do not survive the browser
    keep = (dates >= first) & (dates <= last)
    return pd.DataFrame({"date": dates[keep], "label": events["label"][keep].astype(str),
                         "kind": events["kind"][keep].astype(str)})


#: A period's name on a time axis (d3 time format; screen readers read it): "6 May", "May 2024", "Q2 2024".
PERIOD_TICK_FORMATS = {"week": "%-d %b", "month": "%b %Y", "quarter": "Q%q %Y"}
#: How a period's tick reads (Vega expressions): "Q2 2024"; months "Jan 2024", "Feb", ... and weeks "6 May",
#: with the year on the first tick and on the first tick of every year (a January month, the first week
#: starting in January), which ``tick_starts`` always keeps: the year of every label can be read.
PERIOD_TICK_LABELS = {
    "week": ("timeFormat(datum.value, datum.index == 0 || (month(datum.value) == 0 && date(datum.value) <= 7)"
             " ? '%-d %b %Y' : '%-d %b')"),
    "month": "timeFormat(datum.value, datum.index == 0 || month(datum.value) == 0 ? '%b %Y' : '%b')",
    "quarter": "timeFormat(datum.value, 'Q%q %Y')",
}
#: At most this many labelled ticks on a period axis: about what a laptop-wide chart holds without overlap.
MAX_TICKS = 12
#: Calendar steps, in months, for thinning a crowded axis: each divides a year, so every January stays a tick.
MONTH_STEPS = (1, 2, 3, 6, 12)


def tick_starts(periods: Any, period: str) -> list[pd.Timestamp]:
    """Return the period starts that get a labelled tick: all of them when at most ``MAX_TICKS``.

    Otherwise the axis keeps calendar steps that start each year (every 2nd, 3rd, 6th or 12th month; for
    weeks the first week starting in such a month; for quarters Q1 and Q3, then Q1), the smallest step that
    fits. Letting the chart drop every other label instead hides the Januaries of a long trend, and with them
    the years ("Mar 2016, Nov, Jul, Mar, ...").
    """
    starts = sorted({pd.Timestamp(p) for p in periods})
    if len(starts) <= MAX_TICKS:
        return starts
    kept = starts
    for step in MONTH_STEPS if period != "quarter" else (3, 6, 12):
        kept = [s for s in starts if (s.month - 1) % step == 0 and (period != "week" or s.day <= 7)]
        if len(kept) <= MAX_TICKS:
            return kept
    every = -(-len(kept) // MAX_TICKS)  # more than twelve years: every second (third...) January
    return kept[::every]


def period_axis(periods: Any, period: str, **axis: Any) -> alt.Axis:
    """Return a time axis with a tick at the start of each of ``periods`` (thinned by ``tick_starts``).

    Vega's automatic time ticks follow the width of the chart, not the data: six months get weekly ticks whose
    labels repeat a month ("Jan, Feb, Mar, Mar, Apr, May") and miss the last one. Explicit ticks show every
    period once. They are calendar dates in the browser's time zone, as the chart's dates are.
    """
    values = [alt.DateTime(year=s.year, month=s.month, date=s.day) for s in tick_starts(periods, period)]
    # Labels centred on their ticks (not flush with the ends); overlap thinning stays as a last resort.
    return alt.Axis(values=values, format=PERIOD_TICK_FORMATS[period], labelExpr=PERIOD_TICK_LABELS[period],
                    labelOverlap=True, labelFlush=False, **axis)


def trend_chart(trend: pd.DataFrame, metric: str, period: str, events: pd.DataFrame | None = None, *,
                height: int = 230) -> alt.LayerChart:
    """Return the KPI by period: a line with its 95% interval as a band, real changes ringed, events as rules."""
    data = metrics.trend_frame(trend, metric, period)
    x = alt.X("period:T", title=None, axis=period_axis(data["period"], period, grid=False))
    y_title = short_label(metric)
    y = alt.Y("estimate:Q", title=y_title, scale=alt.Scale(zero=False, nice=True))
    tooltip = [
        alt.Tooltip("label:N", title="Period"),
        *_interval_tooltips(metric),
        alt.Tooltip("n:Q", title="Responses", format=","),
        alt.Tooltip("change:N", title=" "),
    ]
    base = alt.Chart(data)
    band = base.mark_area(opacity=0.16, color=PRIMARY).encode(x=x, y=alt.Y("low:Q", title=y_title), y2="high:Q")
    line = base.mark_line(color=PRIMARY, strokeWidth=2).encode(x=x, y=y)
    dots = base.mark_circle(color=PRIMARY, size=36, opacity=1).encode(x=x, y=y, tooltip=tooltip)
    rings = base.transform_filter(alt.datum.real_change).mark_point(
        color=palette.HIGHLIGHT, size=150, strokeWidth=2, filled=False).encode(x=x, y=y, tooltip=tooltip)
    layers = [band, line, dots, rings]
    if len(data):
        marks = _events_in(events, data["period"].min(), data["period"].max() + _period_length(period))
        if len(marks):
            ev = alt.Chart(marks)
            layers.append(ev.mark_rule(color=EVENT_COLOUR, strokeDash=[4, 3], strokeWidth=1.5).encode(
                x="date:T", tooltip=[alt.Tooltip("label:N", title="Event"), alt.Tooltip("kind:N", title="Kind"),
                                     alt.Tooltip("date:T", title="Date", format="%d %b %Y")]))
            layers.append(ev.mark_text(color=EVENT_COLOUR, align="left", baseline="top", dx=4, dy=2, fontSize=11)
                          .encode(x="date:T", y=alt.value(0), text="label:N"))
    return alt.layer(*layers).properties(height=height)


def _period_length(period: str) -> pd.Timedelta:
    """Return roughly one period, so events in the last period still show."""
    return pd.Timedelta(days={"week": 6, "month": 30, "quarter": 91}[period])


# ---------------------------------------------------------------------------------------------------------
# Groups: table, interval bars, heat-map
# ---------------------------------------------------------------------------------------------------------


def table_formats(metric: str) -> dict[str, str]:
    """Return the printf format of each figure column of the group table.

    The figure, its range, the rest and the difference all get the same decimals, so the difference shown is
    the figure minus the rest as shown (a rating of 4.36 beside a rest of 4.04 reads 4.36, 4.04 and +0.32,
    not 4.4, 4.0 and +0.32).
    """
    digits = f"%.{metrics.interval_digits(metric)}f"
    return {short_label(metric): digits, "95% from": digits, "95% to": digits, "Rest": digits,
            "Difference": f"%+.{metrics.interval_digits(metric)}f"}


def group_table(groups: pd.DataFrame, metric: str, label: str) -> None:
    """Draw a ``group_frame`` as a table, rounded for reading (a dash where a group has nothing to compare with)."""
    shown = pd.DataFrame({
        label: groups["value"],
        "Responses": groups["n"],
        short_label(metric): groups["estimate"],
        "95% from": groups["low"],
        "95% to": groups["high"],
        "Rest": groups["rest"],
        "Difference": groups["difference"],
        metrics.P_ADJUSTED_LABEL: [metrics.format_p(p) for p in groups["p_adjusted"]],
        metrics.STATUS_LABEL: groups["status"],
    })
    formats = table_formats(metric)
    config: dict[str, Any] = {
        "Responses": st.column_config.NumberColumn(format="localized"),
        metrics.P_ADJUSTED_LABEL: st.column_config.TextColumn(help=metrics.DEFINITIONS["difference"]),
    }
    for column, pattern in formats.items():
        if shown[column].isna().any():  # nothing to compare with: a dash rather than "None"
            shown[column] = ["–" if pd.isna(x) else pattern % x for x in shown[column]]
            config[column] = st.column_config.TextColumn()
        else:
            config[column] = st.column_config.NumberColumn(format=pattern)
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config)


def _status_scale() -> dict[str, alt.Scale]:
    """Return the colour and shape scales of the statuses (same everywhere)."""
    return {
        "color": alt.Scale(domain=list(STATUSES), range=list(STATUS_COLOURS)),
        "shape": alt.Scale(domain=list(STATUSES), range=list(STATUS_SHAPES)),
    }


#: About how many numbered ticks a value axis across the page gets: Vega's default (one per 40 px) put 31 labels
#: (0.0, 0.2, ... 6.0) under a key-driver bar, and labels that close read as a smear.
VALUE_TICKS = 10


def value_axis(**axis: Any) -> alt.Axis:
    """Return a value axis with about ``VALUE_TICKS`` round numbered ticks."""
    return alt.Axis(tickCount=VALUE_TICKS, **axis)


def interval_chart(groups: pd.DataFrame, metric: str, overall: float | None, column: str) -> alt.LayerChart:
    """Return one row per group: its KPI as a dot with a 95% interval bar, a line at the overall figure.

    Rows are sorted by difference from the rest; clicking a row selects its ``value`` (selection ``group``).
    ``groups`` is a ``group_frame``; pass at most ``MAX_CHART_GROUPS`` rows.
    """
    data = groups.copy()
    order = list(data["value"])
    scales = _status_scale()
    y = alt.Y("value:N", sort=order, title=None, axis=alt.Axis(labelLimit=220))
    pick = alt.selection_point(name=SELECTION, fields=["value"], on="click", clear="dblclick")
    tooltip = [
        alt.Tooltip("value:N", title=column),
        *_interval_tooltips(metric),
        alt.Tooltip("n:Q", title="Responses", format=","),
        alt.Tooltip("difference:Q", title="Difference from the rest", format=_number_format(metric, signed=True)),
        alt.Tooltip("status:N", title=metrics.STATUS_LABEL),
    ]
    low = float(np.nanmin(data[["low", "estimate"]].to_numpy())) if len(data) else 0.0
    high = float(np.nanmax(data[["high", "estimate"]].to_numpy())) if len(data) else 1.0
    if overall is not None and metrics.is_finite(overall):
        low, high = min(low, overall), max(high, overall)
    pad = max((high - low) * 0.05, 10.0 ** -metrics.value_digits(metric))  # at least one shown step
    domain = [low - pad, high + pad]
    x = alt.X("estimate:Q", title=f"{short_label(metric)} with 95% interval", axis=value_axis(),
              scale=alt.Scale(domain=domain, nice=False))
    base = alt.Chart(data)
    # An invisible bar across each row makes the whole row clickable, not only the dot.
    rows = base.mark_bar(opacity=0.001, color="#000000").encode(
        y=y, x=alt.value(0), x2=alt.value("width"), tooltip=tooltip).add_params(pick)
    legend = alt.Legend(title=None, orient="top", direction="horizontal", symbolStrokeWidth=0)
    bars = base.mark_rule(strokeWidth=3).encode(
        y=y, x=alt.X("low:Q", scale=alt.Scale(domain=domain, nice=False)), x2="high:Q",
        color=alt.Color("status:N", scale=scales["color"], legend=legend),
        opacity=alt.condition(alt.datum.status == STATUSES[3], alt.value(0.45), alt.value(0.9)),
        tooltip=tooltip)
    dots = base.mark_point(filled=True, size=90).encode(
        y=y, x=x,
        color=alt.Color("status:N", scale=scales["color"], legend=legend),
        shape=alt.Shape("status:N", scale=scales["shape"], legend=legend),
        opacity=alt.condition(alt.datum.status == STATUSES[3], alt.value(0.5), alt.value(1.0)),
        tooltip=tooltip)
    layers = [rows, bars, dots]
    if overall is not None and metrics.is_finite(overall):
        ref = pd.DataFrame({"x": [overall], "label": [f"All: {metrics.format_value(metric, overall)}"]})
        layers.append(alt.Chart(ref).mark_rule(color=palette.INK, strokeDash=[5, 4]).encode(x="x:Q"))
        layers.append(alt.Chart(ref).mark_text(align="left", dx=4, dy=-6, color=palette.INK, fontSize=11).encode(
            x="x:Q", y=alt.value(0), text="label:N"))
    return alt.layer(*layers).properties(height=alt.Step(30))


#: The width the heat-map's columns share at the narrowest usual page, and an axis label's width per character.
HEAT_WIDTH_PX, HEAT_CHAR_PX = 700, 7


def heat_domain(metric: str, centre: float, span: float, rating_scale: tuple[int, int] = (1, 5)) -> list[float]:
    """Return the heat-map colours' ends: ``span`` either side of ``centre``, but never past the KPI's scale."""
    lowest, highest = metrics.kpi_range(metric, rating_scale)
    return [max(lowest, centre - span), min(highest, centre + span)]


def heat_scale(domain: list[float], centre: float) -> alt.Scale:
    """Return the heat-map's colour scale: white at ``centre``, full colour at each end of ``domain``."""
    if domain[0] < centre < domain[1]:
        return alt.Scale(scheme=palette.DIVERGING_SCHEME, reverse=True, domain=domain, domainMid=centre)
    return alt.Scale(scheme=palette.DIVERGING_SCHEME, reverse=True, domain=domain)


def heat_strength(estimates: pd.Series, domain: list[float], centre: float) -> np.ndarray:
    """Return how far towards full colour each cell is (0 at ``centre``, 1 at an end of ``domain``)."""
    est = estimates.astype(float).to_numpy()
    above, below = max(domain[1] - centre, 1e-9), max(centre - domain[0], 1e-9)
    return np.where(est >= centre, (est - centre) / above, (centre - est) / below)


def column_axis(columns: list[Any]) -> alt.Axis:
    """Return the heat-map's top axis: level labels when they fit side by side, else slanted ones.

    Vega hides labels that overlap, so with many columns (25 aircraft types) every other column had no name.
    Slanted labels each take a line's height across, so every column keeps its name. Used by the Segments and
    the Competitors heat-maps.
    """
    widest = max((len(str(c)) for c in columns), default=0)
    if len(columns) * max(widest, 4) * HEAT_CHAR_PX <= HEAT_WIDTH_PX:
        # Each level label may take its whole column ("Commercial Bank of Ethiopia" was cut at 140 px).
        return alt.Axis(labelAngle=0, labelLimit=HEAT_WIDTH_PX // max(len(columns), 1), orient="top")
    return alt.Axis(labelAngle=-40, labelAlign="left", labelBaseline="middle", labelLimit=140, labelOverlap=False,
                    orient="top")


def heatmap_chart(groups: pd.DataFrame, metric: str, overall: float | None, rows_label: str,
                  columns_label: str, *, rating_scale: tuple[int, int] = (1, 5)) -> alt.LayerChart:
    """Return a heat-map of a KPI over two columns: colour = the figure, real differences outlined, few greyed.

    ``groups`` is a two-column ``group_frame``; clicking a cell selects its ``value`` and ``value_2``. The colours
    run from the overall figure (white) to as far as the furthest cell on either side, but never past the KPI's
    scale (``metrics.kpi_range``): a legend once read "CSAT % 1 to 129".
    """
    data = groups.copy()
    # A real difference is outlined and marked with an arrow, not told by colour alone.
    marks = {STATUSES[0]: " ▲", STATUSES[1]: " ▼", STATUSES[3]: "*"}
    data["text"] = [metrics.format_value(metric, e) + marks.get(s, "") for e, s in
                    zip(data["estimate"], data["status"], strict=True)]
    data["real"] = data["status"].isin(STATUSES[:2])
    known = overall is not None and metrics.is_finite(overall)
    centre = float(overall) if known else float(np.nanmean(data["estimate"]))
    span = float(np.nanmax(np.abs(data["estimate"] - centre))) if len(data) else 1.0
    span = span if span > 0 else 1.0
    domain = heat_domain(metric, centre, span, rating_scale)
    strong = (heat_strength(data["estimate"], domain, centre) > 0.55) & (data["status"] != STATUSES[3])
    data["ink"] = np.where(strong, palette.LIGHT_INK, np.where(data["status"] == STATUSES[3], "#6E6E6E", palette.DARK_INK))
    pick = alt.selection_point(name=SELECTION, fields=["value", "value_2"], on="click", clear="dblclick")
    tooltip = [
        alt.Tooltip("value:N", title=rows_label), alt.Tooltip("value_2:N", title=columns_label),
        *_interval_tooltips(metric),
        alt.Tooltip("n:Q", title="Responses", format=","), alt.Tooltip("status:N", title=metrics.STATUS_LABEL),
    ]
    row_order = list(dict.fromkeys(data.sort_values("n", ascending=False)["value"]))
    col_order = list(dict.fromkeys(data.sort_values("n", ascending=False)["value_2"]))
    x = alt.X("value_2:N", title=columns_label, sort=col_order, axis=column_axis(col_order))
    y = alt.Y("value:N", title=rows_label, sort=row_order, axis=alt.Axis(labelLimit=200))
    base = alt.Chart(data)
    cells = base.mark_rect(cornerRadius=2).encode(
        x=x, y=y,
        color=alt.condition(
            alt.datum.status == STATUSES[3], alt.value(palette.MISSING_FILL),
            alt.Color("estimate:Q", title=short_label(metric),
                      scale=heat_scale(domain, centre),
                      legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=240))),
        stroke=alt.condition(alt.datum.real, alt.value(palette.DARK_INK), alt.value(palette.LIGHT_INK)),
        strokeWidth=alt.condition(alt.datum.real, alt.value(2), alt.value(1)),
        tooltip=tooltip).add_params(pick)
    text = base.mark_text(fontSize=12).encode(
        x=x, y=y, text="text:N",
        color=alt.Color("ink:N", scale=None), tooltip=tooltip)
    # The cells' colour scale is the figure; the text's colours are literal. A shared scale (the layer's
    # default) cannot be both, and Vega-Lite then fails in the browser and draws nothing.
    return alt.layer(cells, text).resolve_scale(color="independent").properties(height=alt.Step(34))


def drivers_chart(table: pd.DataFrame) -> alt.LayerChart:
    """Return the ranked key drivers: each column's share of the explained differences with its 95% interval."""
    data = pd.DataFrame({
        "driver": table["driver"].astype(str),
        "importance": 100 * table["importance"].astype(float),
        "low": 100 * table["low"].astype(float),
        "high": 100 * table["high"].astype(float),
        "direction": table["direction"].astype(str),
    })
    order = list(data["driver"])
    y = alt.Y("driver:N", sort=order, title=None, axis=alt.Axis(labelLimit=220))
    tooltip = [alt.Tooltip("driver:N", title="Column"),
               alt.Tooltip("importance:Q", title="% of differences explained", format=".1f"),
               alt.Tooltip("low:Q", title="95% interval from", format=".1f"),
               alt.Tooltip("high:Q", title="95% interval to", format=".1f"),
               alt.Tooltip("direction:N", title="Direction")]
    base = alt.Chart(data)
    bars = base.mark_bar(color=PRIMARY, opacity=0.85, cornerRadiusEnd=2).encode(
        y=y, x=alt.X("importance:Q", title="% of the differences in the score it explains (95% interval)",
                     axis=value_axis()),
        tooltip=tooltip)
    whiskers = base.mark_rule(color=palette.INK, strokeWidth=1.5).encode(y=y, x="low:Q", x2="high:Q",
                                                                        tooltip=tooltip)
    return alt.layer(bars, whiskers).properties(height=alt.Step(30))
