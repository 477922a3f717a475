"""The Journey page's widgets: setting the journey, the KPI along the stages, one card per stage, the filter.

The journey's own column is left out of the filters the page applies (every stage stays visible beside the
others); a stage the person clicked is marked instead, and every other page shows only that stage. Text from
files (stage and theme names, the column's name) is escaped or shown as plain text, never as HTML.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from portal import metrics, settings
from portal.errors import InputError
from portal.metrics.journey import Journey, stage_records, weakest_sentence
from portal.services import journey as journey_service
from portal.services.journey import StoredJourney
from portal.ui import palette
from portal.ui.context import PageContext, get_store
from portal.ui.filters import FilterChoices, Filters, filter_to
from portal.ui.kpi import STATUS_COLOURS, STATUS_SHAPES, value_axis
from portal.ui.markdown import escape_markdown
from portal.ui.theme_data import theme_stamp

#: Widget keys of the setting form.
COLUMN_KEY, ORDER_KEY = "journey_column", "journey_order"


def filter_column(choices: FilterChoices, column: str) -> str | None:
    """Return the filter column holding the journey ``column`` (a segment may carry a `` (segment)`` suffix)."""
    for name in (column, f"{column} (segment)"):
        if choices.options(name) is not None:
            return name
    return None


# ----------------------------------------------------------------------------------------------- the setting


def _save(ctx: PageContext, column: str, order: list[str]) -> None:
    """Store the journey (a button callback); a problem is kept to be shown under the form."""
    try:
        journey_service.set_journey(ctx.store, ctx.info.name, column, order)
        st.session_state.pop(_problem_key(ctx), None)
    except InputError as err:
        st.session_state[_problem_key(ctx)] = str(err)


def _problem_key(ctx: PageContext) -> str:
    """Return where the last refused setting of this dataset's journey is kept until it is shown."""
    return f"journey_problem|{ctx.info.name}"


def setting_form(ctx: PageContext, stored: StoredJourney | None) -> None:
    """Draw the short form that names the journey column and puts its stages in order."""
    columns = [c for c, _ in ctx.choices.columns]
    if not columns:
        st.info("This dataset has no column to follow as a journey. Map a column such as touchpoint or stage as a "
                "segment when importing the file.", icon=":material/info:")
        return
    current = filter_column(ctx.choices, stored.column) if stored else None
    column = st.selectbox("Which column says where the customer is in the journey?", columns,
                          index=columns.index(current) if current in columns else 0,
                          format_func=ctx.choices.label, key=COLUMN_KEY,
                          help="For example touchpoint or stage: sign-up, onboarding, billing, support, renewal.")
    options = list(ctx.choices.options(column) or ())
    default = [s for s in (stored.stages if stored and current == column else ()) if s in options]
    order = st.multiselect("Click every stage in the order customers meet it, first to last", options,
                           default=default, key=f"{ORDER_KEY}|{column}", placeholder="Choose the first stage")
    if order:
        st.caption(escape_markdown("Order: " + " → ".join(order)))
    st.button("Save the journey", type="primary", icon=":material/route:", key="journey_save",
              on_click=_save, args=(ctx, column, order), disabled=not order)
    problem = st.session_state.get(_problem_key(ctx))
    if problem:
        st.error(escape_markdown(problem), icon=":material/error:")
    st.caption("This is a setting for the whole dataset: everyone who opens the portal sees the same journey.")


# ----------------------------------------------------------------------------------------------- the figures


@st.cache_data(show_spinner="Following the journey ...", max_entries=32)
def _journey(url: str, name: str, version: int, stamp: tuple[Any, ...], key: tuple[Any, ...],
             min_n: int) -> Journey | None:
    """Return the journey over one selection (cached per store, data, themes, journey setting and filters)."""
    filters = Filters.from_key(key)
    return journey_service.journey_view(get_store(), name, start=filters.start, end=filters.end,
                                        where=filters.where_dict(), min_n=min_n)


def journey_of(ctx: PageContext, stored: StoredJourney, filters: Filters) -> Journey | None:
    """Return the journey of the filtered responses (the journey column's own filter left out)."""
    stamp = (*theme_stamp(ctx.info), stored.column, stored.stages)
    return _journey(settings.database_url(), ctx.info.name, ctx.info.data_version, stamp, filters.key(),
                    settings.min_group_size())


def stage_frame(result: Journey) -> pd.DataFrame:
    """Return one row per stage with responses for the chart: the headline KPI, its interval and its status."""
    metric = result.metric
    assert metric is not None
    groups = metrics.group_frame(result.table.rename(columns={"stage": "value"}), metric)
    order = {str(s): i for i, s in enumerate(result.table["stage"])}
    groups["position"] = [order.get(str(v), len(order)) for v in groups["value"]]
    return groups.sort_values("position").reset_index(drop=True)


def stage_table(result: Journey) -> pd.DataFrame:
    """Return the journey as a table to download: each stage's responses, KPIs with intervals, sentiment, themes."""
    rows = []
    for record in stage_records(result.table):
        row: dict[str, Any] = {"Stage": record["stage"], "Responses": record["n"]}
        for metric in metrics.METRICS:
            key = "rating_mean" if metric == "rating" else metric  # the JSON key of the average rating
            if record.get(key) is not None:
                low, high = record.get(f"{key}_ci") or (None, None)
                name = metrics.kpi_name(metric)
                row.update({name: record[key], f"{name} 95% from": low, f"{name} 95% to": high})
        row["Sentiment"] = record.get("sentiment")
        row["Top themes"] = "; ".join(t["theme"] for t in record.get("top_themes") or [])
        row["Biggest pain point"] = (record.get("pain_point") or {}).get("theme")
        row["Too few responses"] = bool(record.get("low_sample"))
        row["Chance it is noise (adjusted)"] = record.get("p_adjusted")
        rows.append(row)
    return pd.DataFrame(rows)


def value_domain(data: pd.DataFrame, metric: str, scale: tuple[int, int]) -> list[float]:
    """Return the chart's value range: the stages' intervals with a margin, never beyond the KPI's own scale."""
    bottom, top = metrics.kpi_range(metric, scale)
    values = data[["low", "high", "estimate"]].to_numpy(dtype=float)
    if not len(data) or not pd.notna(values).any():
        return [bottom, top]
    low, high = float(pd.Series(values.ravel()).min()), float(pd.Series(values.ravel()).max())
    pad = max((high - low) * 0.15, (top - bottom) * 0.02)
    return [max(bottom, low - pad), min(top, high + pad)]


def journey_chart(result: Journey, scale: tuple[int, int]) -> alt.LayerChart:
    """Return the KPI at each stage, left to right, with its 95% interval inside the KPI's own scale."""
    metric = result.metric
    assert metric is not None
    data = stage_frame(result)
    x = alt.X("value:N", sort=list(data["value"]), title=None, axis=alt.Axis(labelAngle=0, labelLimit=160))
    y_scale = alt.Scale(domain=value_domain(data, metric, scale), nice=False, clamp=True)
    status = {"color": alt.Scale(domain=list(metrics.STATUSES), range=list(STATUS_COLOURS)),
              "shape": alt.Scale(domain=list(metrics.STATUSES), range=list(STATUS_SHAPES))}
    legend = alt.Legend(title=None, orient="top", direction="horizontal")
    tooltip = [alt.Tooltip("value:N", title="Stage"), alt.Tooltip("estimate:Q", title=metrics.short_label(metric),
                                                                   format=".1f"),
               alt.Tooltip("low:Q", title="95% from", format=".1f"), alt.Tooltip("high:Q", title="95% to", format=".1f"),
               alt.Tooltip("n:Q", title="Responses", format=","), alt.Tooltip("status:N", title=metrics.STATUS_LABEL)]
    base = alt.Chart(data)
    line = base.mark_line(color=palette.INK, strokeDash=[4, 3]).encode(x=x, y=alt.Y("estimate:Q", scale=y_scale))
    bars = base.mark_rule(strokeWidth=3).encode(
        x=x, y=alt.Y("low:Q", scale=y_scale, title=f"{metrics.short_label(metric)} with 95% interval",
                     axis=value_axis()),
        y2="high:Q", color=alt.Color("status:N", scale=status["color"], legend=legend), tooltip=tooltip)
    dots = base.mark_point(filled=True, size=120).encode(
        x=x, y=alt.Y("estimate:Q", scale=y_scale), color=alt.Color("status:N", scale=status["color"], legend=legend),
        shape=alt.Shape("status:N", scale=status["shape"], legend=legend), tooltip=tooltip)
    return alt.layer(line, bars, dots).properties(height=280)


def _kpi_line(record: dict[str, Any], metric: str | None) -> str:
    """Return a stage's headline KPI with its interval in words."""
    if metric is None:
        return ""
    key = metrics.estimate_column(metric)
    interval = record.get(f"{metric}_ci")
    words = f"{metrics.short_label(metric)} **{metrics.format_value(metric, record.get(key))}**"
    if interval:
        words += f" (95%: {metrics.format_interval(metric, interval[0], interval[1])})"
    elif record.get(key) is not None:
        words += f" ({metrics.NO_MARGIN})"
    return words


def _card(record: dict[str, Any], metric: str | None, weakest: str | None, picked: bool) -> None:
    """Draw one stage: name, volume, KPI, sentiment, top themes, pain point and its marks in words."""
    st.markdown(f"**{escape_markdown(record['stage'])}**")
    marks = []
    if record["stage"] == weakest:
        marks.append(":material/trending_down: Loses most")
    if record["low_sample"]:
        marks.append(f":material/warning: Too few responses (under {settings.min_group_size()})")
    if picked:
        marks.append(":material/filter_alt: Shown on every page")
    for mark in marks:
        st.markdown(mark)
    st.caption(f"{record['n']:,} responses")
    line = _kpi_line(record, metric)
    if line:
        st.markdown(line)
    sentiment = record.get("sentiment")
    if sentiment is not None:
        st.markdown(f"Sentiment {sentiment:+.2f}", help="Mean sentiment of the stage's comments, from -1 to +1.")
    themes = record.get("top_themes") or []
    if themes:
        st.markdown("Top themes: " + ", ".join(escape_markdown(t["theme"]) for t in themes))
    pain = record.get("pain_point")
    if pain and pain.get("nps_impact") is not None:
        st.markdown(f"Pain point: **{escape_markdown(pain['theme'])}** "
                    f"({pain['nps_impact']:+.1f} NPS points)",
                    help="The theme that lowers this stage's NPS most: the stage's NPS minus its NPS without the "
                         "responses that mention the theme.")
    elif pain:
        share = pain.get("negative_share") or 0.0
        st.markdown(f"Pain point: **{escape_markdown(pain['theme'])}** ({100 * share:.0f}% of its "
                    f"{pain['n']:,} comments negative)",
                    help="Without NPS scores: the theme with the most negative comments at this stage.")


def stage_cards(ctx: PageContext, result: Journey, column: str | None, picked: tuple[str, ...]) -> None:
    """Draw the stages left to right, each as a card with a button that filters the portal to it."""
    records = result.to_dict()["stages"]
    weakest = result.weakest["stage"] if result.weakest else None
    for start in range(0, len(records), 5):
        row = records[start:start + 5]
        for slot, record in zip(st.columns(len(row)), row, strict=True):
            with slot.container(border=True):
                _card(record, result.metric, weakest, record["stage"] in picked)
                if column is not None and record["n"]:
                    st.button("Show only this stage", key=f"journey_pick|{start}|{record['stage']}",
                              icon=":material/filter_alt:", width="stretch",
                              on_click=filter_to(ctx.info.name, column, [record["stage"]], ctx.choices))


def summary(result: Journey) -> None:
    """Write where the journey loses most, in one plain sentence."""
    st.markdown(escape_markdown(weakest_sentence(result.weakest, result.metric)),
                help=metrics.DEFINITIONS["difference"] + "\n\n" + metrics.DEFINITIONS["low_sample"])


def picked_notice(label: str, picked: tuple[str, ...]) -> None:
    """Say which stage the portal is filtered to, with links to the pages that now show only it."""
    st.info(escape_markdown(f"The portal now shows only {label}: {' or '.join(picked)}. Other pages (Overview, "
                            "Themes, ...) show only these responses; clear the filter in the sidebar to see "
                            "them all."), icon=":material/filter_alt:")
    left, right, _ = st.columns([1, 1, 3])
    left.page_link("pages/overview.py", label="Open the Overview", icon=":material/dashboard:")
    right.page_link("pages/themes.py", label="Open the Themes", icon=":material/category:")
