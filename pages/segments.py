"""Segments: every group's KPI with its 95% interval, which differences are real, a heat-map and key drivers."""

from __future__ import annotations

import streamlit as st

from portal import metrics, settings
from portal.metrics import drivers
from portal.model import DatasetInfo
from portal.ui import kpi
from portal.ui.charts import show_chart
from portal.ui.context import PageContext, data_page, driver_columns, drivers_of, segments_of
from portal.ui.downloads import table_downloads
from portal.ui.errors import friendly_errors
from portal.ui.filters import FilterChoices, Filters, pick_callback
from portal.ui.links import linked
from portal.ui.markdown import escape_markdown
from portal.ui.welcome import no_data

GRAINS = {"all": "All dates", "quarter": "Quarter", "month": "Month", "week": "Week"}
NO_HEATMAP = ""
#: Largest selection whose key drivers are found without being asked for.
AUTO_DRIVERS = 200_000
DRIVERS_ON = "segments_drivers_on"


def empty_state() -> None:
    """Explain how to add data when the store has no dataset."""
    no_data("Segments", "Map segment columns such as plan or region when importing, and each group's scores "
                        "appear here with which differences are real.")


def period_choice(filters: Filters, choices: FilterChoices) -> tuple[Filters, str]:
    """Draw the period selector; return the filters narrowed to the chosen period and its name."""
    if choices.first is None or choices.last is None:
        return filters, "all dates"
    grain_col, which_col, _ = st.columns([3, 2, 3], vertical_alignment="bottom")
    grain = grain_col.segmented_control("Period", list(GRAINS), format_func=GRAINS.get, default="all",
                                        **linked("segments_grain", GRAINS, GRAINS.get, what="the period"),
                                        help="Look at all dates, or at one week, month or "
                                                                   "quarter (the newest is preselected).")
    if not grain or grain == "all":
        return filters, "all dates"
    starts = metrics.period_starts(filters.start or choices.first, filters.end or choices.last, grain)[::-1]
    name = lambda s: metrics.period_label(s, grain)  # noqa: E731
    start = which_col.selectbox(GRAINS[grain], starts, format_func=name, label_visibility="collapsed",
                                **linked(f"segments_period_{grain}", starts, name, what=GRAINS[grain].lower()))
    lo, hi = start.date(), metrics.period_end(start, grain).date()
    narrowed = Filters(start=max(lo, filters.start or lo), end=min(hi, filters.end or hi), where=filters.where)
    return narrowed, metrics.period_label(start, grain)


def breakdown(ctx: PageContext, filters: Filters, by: str, by2: str, metric: str, window: str) -> None:
    """Draw the interval chart, the table and the download for ``by``; then the heat-map with ``by2``."""
    info, choices = ctx.info, ctx.choices
    view = segments_of(info, filters, (by,), metric)
    label = choices.label(by)
    st.markdown(f"**{escape_markdown(metrics.metric_label(metric, info.config))} by {escape_markdown(label)}, "
                f"{escape_markdown(window)}**",
                help=metrics.DEFINITIONS["difference"] + "\n\n" + metrics.DEFINITIONS["low_sample"])
    groups = metrics.group_frame(view.table, metric)
    if groups.empty:
        st.info("No response in this selection has this KPI.", icon=":material/filter_alt_off:")
        return
    if filters.values(by):
        st.caption(escape_markdown(
            f"The portal is filtered to {label}: {' or '.join(filters.values(by))}. Break down by another column "
            "or clear that filter in the sidebar to compare every group."))
    if len(groups) > kpi.MAX_CHART_GROUPS:
        st.caption(f"The chart shows the {kpi.MAX_CHART_GROUPS} largest of {len(groups):,} groups; the table lists "
                   "them all.")
    chart_key = f"segments_chart|{info.name}|{by}|{metric}"
    chart = kpi.interval_chart(metrics.largest_groups(groups, kpi.MAX_CHART_GROUPS), metric,
                               view.overall.get(metrics.estimate_column(metric)), label)
    show_chart(chart, name=f"{info.name}-{metric}-by-{label}", key=chart_key, selection_mode=kpi.SELECTION,
               title=f"{metrics.short_label(metric)} by {label}, {window}",
               on_select=pick_callback(info.name, chart_key, [("value", by)], choices))
    st.caption(escape_markdown(metrics.verdict_line(list(groups["status"]), min_n=settings.min_group_size()))
               + " Click a group to filter the whole portal to it.")
    kpi.group_table(groups, metric, label)
    table_downloads(metrics.export_groups(view.table, [label]), "Download the table (CSV)",
                 f"{info.name}-{label}.csv".replace("/", "-"), key=f"segments_csv|{by}|{metric}")
    if by2:
        heatmap(info, filters, choices, (by, by2), metric)


def heatmap(info: DatasetInfo, filters: Filters, choices: FilterChoices, by: tuple[str, str], metric: str) -> None:
    """Draw the KPI over every combination of two columns."""
    view = segments_of(info, filters, by, metric)
    rows_label, cols_label = choices.label(by[0]), choices.label(by[1])
    st.markdown(f"**{escape_markdown(metrics.short_label(metric))} by {escape_markdown(rows_label)} and "
                f"{escape_markdown(cols_label)}**", help=metrics.DEFINITIONS["low_sample"])
    cells = metrics.group_frame(view.table, metric)
    if cells.empty:
        st.info("No combination has this KPI.")
        return
    cells, trimmed = metrics.largest_cells(cells, kpi.MAX_HEATMAP_VALUES)
    overall = view.overall.get(metrics.estimate_column(metric))
    chart_key = f"segments_heatmap|{info.name}|{by[0]}|{by[1]}|{metric}"
    chart = kpi.heatmap_chart(cells, metric, overall, rows_label, cols_label, rating_scale=info.config.rating_scale)
    show_chart(chart, name=f"{info.name}-{metric}-by-{rows_label}-and-{cols_label}", key=chart_key,
               title=f"{metrics.short_label(metric)} by {rows_label} and {cols_label}", selection_mode=kpi.SELECTION,
               on_select=pick_callback(info.name, chart_key, [("value", by[0]), ("value_2", by[1])], choices))
    words = ("Orange is below the whole selection, blue above; a dark outline and ▲ or ▼ mark a real difference from "
             "the rest, "
             f"grey cells with * have fewer than {settings.min_group_size()} responses. Click a cell to filter the "
             "portal to it.")
    if trimmed:
        names = {"value": rows_label, "value_2": cols_label}
        words += " Showing " + " and ".join(f"the {kpi.MAX_HEATMAP_VALUES} largest values of {names[f]}"
                                            for f in trimmed) + "."
    st.caption(escape_markdown(words))


def key_drivers_section(ctx: PageContext, filters: Filters, n: int) -> None:
    """Draw the key drivers: which columns move the chosen score most, ranked with intervals and in words.

    For a selection of more than ``AUTO_DRIVERS`` responses the analysis waits for a click, so the page itself
    shows at once.
    """
    st.subheader("Key drivers", anchor=False, help=metrics.DEFINITIONS["drivers"])
    if n > AUTO_DRIVERS and not st.session_state.get(DRIVERS_ON):
        st.caption(f"Finding what drives the score in {n:,} responses takes a few seconds.")
        st.button("Find the key drivers", icon=":material/insights:", key="drivers_go",
                  on_click=lambda: st.session_state.update({DRIVERS_ON: True}))
        return
    config = ctx.info.config
    targets = drivers.driver_targets(config)
    if not targets:
        st.info("This dataset has no score to explain.")
        return
    left, right = st.columns([1, 3])
    target = left.selectbox("Score to explain", targets, format_func=drivers.SCORE_NAMES.get,
                            **linked("drivers_target", targets, drivers.SCORE_NAMES.get, what="the score"))
    derived = drivers.derived_from(target, config)
    candidates = [c for c in driver_columns(ctx.info, filters, target) if c not in derived]
    if not candidates:
        st.info("No column varies enough to explain the score. Map segment columns or sub-ratings when importing.")
        return
    labelled = dict(drivers.driver_labels(candidates, config, ctx.choices.label, target))
    chosen = right.multiselect(
        "Columns that might drive it", candidates, default=drivers.default_drivers(candidates),
        format_func=labelled.get, max_selections=drivers.MAX_PREDICTORS,
        **linked(f"drivers_columns_{target}", candidates, labelled.get, what="the driver column"))
    if not chosen:
        st.caption("Choose at least one column.")
        return
    result = drivers_of(ctx.info, filters, target, tuple((c, labelled[c]) for c in chosen))
    st.markdown(escape_markdown(result.sentence))
    show_chart(kpi.drivers_chart(result.table), name=f"{ctx.info.name}-key-drivers-{target}", key=f"drivers_chart|{target}",
               title=f"What drives {drivers.SCORE_NAMES.get(target, target)}")
    st.markdown("\n".join(f"- {escape_markdown(s)}" for s in result.table["sentence"]))
    table_downloads(result.table, "Download the key drivers (CSV)", f"{ctx.info.name}-key-drivers-{target}.csv",
                    key=f"drivers_csv|{target}")


def main() -> None:
    """Draw the page."""
    ctx = data_page("segments", empty_state)
    if ctx is None:
        return
    st.title("Segments", anchor=False)
    columns = [c for c, _ in ctx.choices.columns]
    metrics_here = metrics.mapped_metrics(ctx.info.config)
    if not columns or not metrics_here:
        st.info("This dataset has no segment column or no score to compare. Map a segment column (such as plan or "
                "region) and a score when importing the file.", icon=":material/info:")
        return
    label = ctx.choices.label
    by_col, by2_col, metric_col = st.columns([3, 3, 2])
    by = by_col.selectbox("Break down by", columns, format_func=label,
                          **linked("segments_by", columns, label, what="the column to break down by"))
    second = [NO_HEATMAP, *(c for c in columns if c != by)]
    heat_label = lambda c: "No heat-map" if c == NO_HEATMAP else label(c)  # noqa: E731
    by2 = by2_col.selectbox("Heat-map with", second, format_func=heat_label,
                            **linked("segments_by2", second, heat_label, what="the heat-map column"),
                            help="A second column shows the KPI for every combination of the two.")
    metric = metrics_here[0]
    if len(metrics_here) > 1:
        metric = metric_col.selectbox("KPI", metrics_here, format_func=metrics.METRIC_LABELS.get,
                                      **linked("segments_metric", metrics_here, metrics.METRIC_LABELS.get,
                                               what="the KPI"))
    narrowed, window = period_choice(ctx.filters, ctx.choices)
    selected = segments_of(ctx.info, narrowed, (by,), metric).n
    if not selected:
        st.warning("No responses match the filters in this period. Choose another period, widen the date range or "
                   "clear a filter in the sidebar.", icon=":material/filter_alt_off:")
        return
    breakdown(ctx, narrowed, by, by2, metric, window)
    st.divider()
    key_drivers_section(ctx, narrowed, selected)


with friendly_errors():
    main()
