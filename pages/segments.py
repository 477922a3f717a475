"""Segments: every group's KPI with its 95% interval, which differences are real, a heat-map and key drivers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pandas as pd
import streamlit as st

from portal import metrics, settings
from portal.metrics import drivers
from portal.model import DatasetConfig
from portal.store import DatasetInfo
from portal.ui import kpi
from portal.ui.context import data_page, driver_columns, drivers_of, segments_of
from portal.ui.downloads import csv_download
from portal.ui.errors import friendly_errors
from portal.ui.filters import FilterChoices, Filters, pick_callback

GRAINS = {"all": "All dates", "quarter": "Quarter", "month": "Month", "week": "Week"}
FREQUENCIES = {"week": "W-MON", "month": "MS", "quarter": "QS"}  # period starts, as in portal.metrics
NO_HEATMAP = ""
#: Largest selection whose key drivers are found without being asked for.
AUTO_DRIVERS = 200_000
DRIVERS_ON = "segments_drivers_on"
_SCORE_NAMES = {"nps": "NPS score", "csat": "CSAT score", "rating": "Star rating", "sentiment": "Sentiment"}


def empty_state() -> None:
    """Explain how to add data when the store has no dataset."""
    st.title("Segments")
    st.info("There is no data yet. Import a file on the Data sources page, or run `portal demo` to load two demo "
            "datasets.", icon=":material/info:")
    st.page_link("pages/data_sources.py", label="Add data on the Data sources page", icon=":material/upload_file:")


def kpis_of(config: DatasetConfig) -> list[str]:
    """Return the KPIs the dataset has, headline first."""
    return [m for m in metrics.METRICS if m in metrics.mapped_roles(config)]


def period_choice(filters: Filters, choices: FilterChoices) -> tuple[Filters, str]:
    """Draw the period selector; return the filters narrowed to the chosen period and its name."""
    if choices.first is None or choices.last is None:
        return filters, "all dates"
    grain_col, which_col, _ = st.columns([3, 2, 3], vertical_alignment="bottom")
    grain = grain_col.segmented_control("Period", list(GRAINS), format_func=GRAINS.get, default="all",
                                        key="segments_grain", help="Look at all dates, or at one week, month or "
                                                                   "quarter (the newest is preselected).")
    if not grain or grain == "all":
        return filters, "all dates"
    first, last = filters.start or choices.first, filters.end or choices.last
    starts = list(pd.date_range(metrics.period_start(first, grain), last, freq=FREQUENCIES[grain]))[::-1]
    start = which_col.selectbox(GRAINS[grain], starts, format_func=lambda s: metrics.period_label(s, grain),
                                key=f"segments_period_{grain}", label_visibility="collapsed")
    following = pd.date_range(start, periods=2, freq=FREQUENCIES[grain])[1]
    lo, hi = start.date(), (following - timedelta(days=1)).date()
    narrowed = Filters(start=max(lo, filters.start or lo), end=min(hi, filters.end or hi), where=filters.where)
    return narrowed, metrics.period_label(start, grain)


def p_text(p: float) -> str:
    """Return an adjusted p-value for reading: "< 0.001", "0.019", or a dash when there is no test."""
    if not kpi.finite(p):
        return "–"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def group_table(groups: pd.DataFrame, metric: str, label: str) -> None:
    """Draw the groups as a table, rounded for reading (a dash where a group has nothing to compare with)."""
    digits = "%.2f" if metric == "rating" else "%.0f"
    one = "%.1f" if metric == "rating" else "%.0f"
    shown = pd.DataFrame({
        label: groups["value"],
        "Responses": groups["n"],
        kpi.short_label(metric): groups["estimate"],
        "95% from": groups["low"],
        "95% to": groups["high"],
        "Rest": groups["rest"],
        "Difference": groups["difference"],
        "Adjusted p": [p_text(p) for p in groups["p_adjusted"]],
        "Verdict": groups["status"],
    })
    formats = {
        kpi.short_label(metric): one, "95% from": digits, "95% to": digits, "Rest": one,
        "Difference": "%+.2f" if metric == "rating" else "%+.0f",
    }
    config: dict[str, Any] = {
        "Responses": st.column_config.NumberColumn(format="localized"),
        "Adjusted p": st.column_config.TextColumn(help=metrics.DEFINITIONS["difference"]),
    }
    for column, pattern in formats.items():
        if shown[column].isna().any():  # nothing to compare with: a dash rather than "None"
            shown[column] = ["–" if pd.isna(x) else pattern % x for x in shown[column]]
            config[column] = st.column_config.TextColumn()
        else:
            config[column] = st.column_config.NumberColumn(format=pattern)
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config)


def verdict_line(groups: pd.DataFrame, min_n: int) -> str:
    """Return a sentence counting real differences and small groups."""
    real = int(groups["status"].isin(kpi.STATUSES[:2]).sum())
    few = int((groups["status"] == kpi.STATUSES[3]).sum())
    words = f"{real} of {len(groups)} groups differ from the rest for real"
    if few == 1:
        words += f"; 1 has fewer than {min_n} responses and is greyed"
    elif few:
        words += f"; {few} have fewer than {min_n} responses and are greyed"
    return words + "."


def breakdown(info: DatasetInfo, filters: Filters, choices: FilterChoices, by: str, by2: str, metric: str,
              window: str) -> None:
    """Draw the interval chart, the table and the download for ``by``; then the heat-map with ``by2``."""
    view = segments_of(info, filters, (by,), metric)
    label = choices.label(by)
    st.markdown(f"**{kpi.escape_markdown(kpi.metric_label(metric, info.config))} by "
                f"{kpi.escape_markdown(label)}, {kpi.escape_markdown(window)}**",
                help=metrics.DEFINITIONS["difference"] + "\n\n" + metrics.DEFINITIONS["low_sample"])
    groups = kpi.group_frame(view.table, metric)
    if groups.empty:
        st.info("No response in this selection has this KPI.", icon=":material/filter_alt_off:")
        return
    if filters.values(by):
        st.caption(kpi.escape_markdown(
            f"The portal is filtered to {label}: {' or '.join(filters.values(by))}. Break down by another column "
            "or clear that filter in the sidebar to compare every group."))
    shown = groups
    if len(groups) > kpi.MAX_CHART_GROUPS:
        largest = groups.nlargest(kpi.MAX_CHART_GROUPS, "n").index
        shown = groups.loc[sorted(largest)]
        st.caption(f"The chart shows the {kpi.MAX_CHART_GROUPS} largest of {len(groups)} groups; the table lists "
                   "them all.")
    overall = view.overall.get(kpi.estimate_column(metric))
    chart_key = f"segments_chart|{info.name}|{by}|{metric}"
    st.altair_chart(kpi.interval_chart(shown, metric, overall, label), width="stretch", key=chart_key,
                    selection_mode=kpi.SELECTION,
                    on_select=pick_callback(info.name, chart_key, [("value", by)], choices))
    st.caption(kpi.escape_markdown(verdict_line(groups, min_n=settings.min_group_size()))
               + " Click a group to filter the whole portal to it.")
    group_table(groups, metric, label)
    csv_download(kpi.export_groups(view.table, [label]), "Download the table (CSV)",
                 f"{info.name}-{label}.csv".replace("/", "-"), key=f"segments_csv|{by}|{metric}")
    if by2:
        heatmap(info, filters, choices, by, by2, metric)


def heatmap(info: DatasetInfo, filters: Filters, choices: FilterChoices, by: str, by2: str, metric: str) -> None:
    """Draw the KPI over every combination of two columns."""
    view = segments_of(info, filters, (by, by2), metric)
    rows_label, cols_label = choices.label(by), choices.label(by2)
    st.markdown(f"**{kpi.escape_markdown(kpi.short_label(metric))} by {kpi.escape_markdown(rows_label)} and "
                f"{kpi.escape_markdown(cols_label)}**", help=metrics.DEFINITIONS["low_sample"])
    cells = kpi.group_frame(view.table, metric)
    if cells.empty:
        st.info("No combination has this KPI.")
        return
    notes = []
    for field in ("value", "value_2"):
        sizes = cells.groupby(field)["n"].sum()
        if len(sizes) > kpi.MAX_HEATMAP_VALUES:
            keep = set(sizes.nlargest(kpi.MAX_HEATMAP_VALUES).index)
            cells = cells[cells[field].isin(keep)]
            notes.append(f"the {kpi.MAX_HEATMAP_VALUES} largest values of "
                         f"{rows_label if field == 'value' else cols_label}")
    overall = view.overall.get(kpi.estimate_column(metric))
    chart_key = f"segments_heatmap|{info.name}|{by}|{by2}|{metric}"
    st.altair_chart(kpi.heatmap_chart(cells, metric, overall, rows_label, cols_label), width="stretch",
                    key=chart_key, selection_mode=kpi.SELECTION,
                    on_select=pick_callback(info.name, chart_key, [("value", by), ("value_2", by2)], choices))
    words = ("Red is below the whole selection, blue above; a dark outline marks a real difference from the rest, "
             f"grey cells with * have fewer than {settings.min_group_size()} responses. Click a cell to filter the "
             "portal to it.")
    if notes:
        words += " Showing " + " and ".join(notes) + "."
    st.caption(kpi.escape_markdown(words))


def predictor_labels(columns: list[str], config: DatasetConfig, choices: FilterChoices,
                     target: str) -> tuple[tuple[str, str], ...]:
    """Return (column, name shown) for each candidate driver, names unique and different from the score's."""
    out, used = [], {target}
    for column in columns:
        if column == "value":
            label = config.mapping.value or "Value"
        elif column in _SCORE_NAMES:
            label = _SCORE_NAMES[column]
        else:
            label = choices.label(column)
        if label in used:
            label = column
        used.add(label)
        out.append((column, label))
    return tuple(out)


def _ask_for_drivers() -> None:
    """Remember that the person asked for the key drivers of a large selection (a button callback)."""
    st.session_state[DRIVERS_ON] = True


def key_drivers_section(info: DatasetInfo, filters: Filters, choices: FilterChoices, n: int) -> None:
    """Draw the key drivers: which columns move the chosen score most, ranked with intervals and in words.

    For a selection of more than ``AUTO_DRIVERS`` responses the analysis waits for a click, so the page itself
    shows at once.
    """
    st.subheader("Key drivers", anchor=False, help=metrics.DEFINITIONS["drivers"])
    if n > AUTO_DRIVERS and not st.session_state.get(DRIVERS_ON):
        st.caption(f"Finding what drives the score in {n:,} responses takes a few seconds.")
        st.button("Find the key drivers", icon=":material/insights:", on_click=_ask_for_drivers,
                  key="drivers_go")
        return
    config = info.config
    targets = [m for m in kpis_of(config) if not (m == "csat" and config.csat_from_rating)]
    if not targets:
        st.info("This dataset has no score to explain.")
        return
    left, right = st.columns([1, 3])
    target = left.selectbox("Score to explain", targets, format_func=lambda m: _SCORE_NAMES[m],
                            key="drivers_target")
    derived = {"csat"} if target == "rating" and config.csat_from_rating else set()
    candidates = [c for c in driver_columns(info, filters, target) if c not in derived]
    if not candidates:
        st.info("No column varies enough to explain the score. Map segment columns or sub-ratings when importing.")
        return
    labelled = dict(predictor_labels(candidates, config, choices, target))
    # Sentiment is read from the same comments people wrote about their score, so it is offered, not preselected.
    usual = [c for c in candidates if c != "sentiment"] or candidates
    chosen = right.multiselect(
        "Columns that might drive it", candidates, default=usual[: drivers.MAX_PREDICTORS],
        format_func=labelled.get, max_selections=drivers.MAX_PREDICTORS, key=f"drivers_columns|{target}")
    if not chosen:
        st.caption("Choose at least one column.")
        return
    result = drivers_of(info, filters, target, tuple((c, labelled[c]) for c in chosen))
    st.markdown(kpi.escape_markdown(result.sentence))
    st.altair_chart(kpi.drivers_chart(result.table), width="stretch")
    st.markdown("\n".join(f"- {kpi.escape_markdown(s)}" for s in result.table["sentence"]))


def main() -> None:
    """Draw the page."""
    ctx = data_page("segments", empty_state)
    if ctx is None:
        return
    info, choices, filters = ctx.info, ctx.choices, ctx.filters
    st.title("Segments", anchor=False)
    columns = [c for c, _ in choices.columns]
    metrics_here = kpis_of(info.config)
    if not columns or not metrics_here:
        st.info("This dataset has no segment column or no score to compare. Map a segment column (such as plan or "
                "region) and a score when importing the file.", icon=":material/info:")
        return
    by_col, by2_col, metric_col = st.columns([3, 3, 2])
    by = by_col.selectbox("Break down by", columns, format_func=choices.label, key="segments_by")
    second = [NO_HEATMAP, *(c for c in columns if c != by)]
    by2 = by2_col.selectbox("Heat-map with", second, key="segments_by2",
                            format_func=lambda c: "No heat-map" if c == NO_HEATMAP else choices.label(c),
                            help="A second column shows the KPI for every combination of the two.")
    metric = metrics_here[0]
    if len(metrics_here) > 1:
        metric = metric_col.selectbox("KPI", metrics_here, format_func=metrics.METRIC_LABELS.get,
                                      key="segments_metric")
    narrowed, window = period_choice(filters, choices)
    selected = segments_of(info, narrowed, (by,), metric).n
    if not selected:
        st.warning("No responses match the filters in this period. Choose another period, widen the date range or "
                   "clear a filter in the sidebar.", icon=":material/filter_alt_off:")
        return
    with friendly_errors():
        breakdown(info, narrowed, choices, by, by2, metric, window)
    st.divider()
    with friendly_errors():
        key_drivers_section(info, narrowed, choices, selected)


main()
