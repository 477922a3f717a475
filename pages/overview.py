"""Overview: the headline KPIs of a dataset on one laptop screen, each with its margin of error."""

from __future__ import annotations

from datetime import date as Date

import streamlit as st

from portal import metrics
from portal.model import DatasetInfo
from portal.services import events
from portal.ui import kpi, palette, report_download
from portal.ui.charts import show_chart
from portal.ui.context import PageContext, data_page, event_comparison, get_store, overview_of
from portal.ui.downloads import table_downloads
from portal.ui.errors import friendly_errors
from portal.ui.filters import FilterChoices, Filters, describe_filters
from portal.ui.links import from_link, linked
from portal.ui.markdown import escape_markdown
from portal.ui.welcome import no_data, welcome

PERIODS = {"week": "Week", "month": "Month", "quarter": "Quarter"}
PERIOD_KEY = "overview_period"
TREND_METRIC_KEY = "overview_trend_metric"
PENDING_KEY = "overview_event_pending"
MAX_TILES = 4


def empty_state() -> None:
    """Explain how to add data when the store has no dataset."""
    no_data("Overview", "The KPIs, their trend and where they differ appear here as soon as a dataset is imported.")


def span_of(filters: Filters, choices: FilterChoices) -> tuple[Date | None, Date | None]:
    """Return the first and last day the figures cover (None, None without dates)."""
    if not (choices.first and choices.last):
        return None, None
    return filters.start or choices.first, filters.end or choices.last


def header(ctx: PageContext, view: metrics.Overview) -> None:
    """Draw the title, the event tools and one line saying what the figures cover."""
    title, tools = st.columns([2, 3], vertical_alignment="bottom")
    title.title("Overview", anchor=False)
    where = describe_filters(Filters(where=ctx.filters.where), ctx.choices)
    if view.n:
        with tools.container(horizontal=True, horizontal_alignment="right"):
            if ctx.choices.first is not None:
                with st.popover("Mark an event", icon=":material/flag:"):
                    mark_event(ctx.choices)
                with st.popover("Before / after", icon=":material/compare_arrows:"):
                    before_after(ctx.info, ctx.filters)
            with st.popover("Report", icon=":material/summarize:", help=report_download.LABEL):
                report_download.report_download(ctx.info, ctx.filters, view.period or "month",
                                                describe_filters(ctx.filters, ctx.choices))
    st.caption(escape_markdown(metrics.coverage_line(ctx.info.name, view, *span_of(ctx.filters, ctx.choices), where)))


def tiles(ctx: PageContext, view: metrics.Overview) -> None:
    """Draw the KPI tiles, then revenue at risk and the number of customers or responses."""
    drawers = [lambda t=t: kpi.kpi_tile(t, ctx.info.config) for t in view.tiles]
    for extra in metrics.plain_tiles(view, *span_of(ctx.filters, ctx.choices), room=MAX_TILES):
        drawers.append(lambda t=extra: kpi.plain_tile(t.label, t.value, t.caption, help=t.help))
    for column, draw in zip(st.columns(len(drawers)), drawers, strict=True):
        with column:
            draw()


def trend(view: metrics.Overview, info: DatasetInfo, choices: FilterChoices) -> None:
    """Draw the trend chart of one KPI with its interval band and the dataset's events."""
    available = [t.metric for t in view.tiles]
    row = st.container(horizontal=True, vertical_alignment="center", horizontal_alignment="distribute")
    head = row.container(width="content")
    metric = view.metric
    with row.container(horizontal=True, horizontal_alignment="right", width="content"):
        if len(available) > 1 and view.trend is not None:
            chosen = st.segmented_control("KPI", available, format_func=metrics.kpi_name, default=view.metric,
                                          **linked(TREND_METRIC_KEY, available, metrics.kpi_name, what="the KPI"),
                                          label_visibility="collapsed")
            metric = chosen or view.metric
        if choices.first is not None:
            st.segmented_control("Period", list(PERIODS), format_func=PERIODS.get, default="month",
                                 **linked(PERIOD_KEY, PERIODS, PERIODS.get, what="the period"),
                                 label_visibility="collapsed")
    if view.trend is None or metric is None:
        head.markdown("**Trend**")
        if choices.first is None:
            st.info("No trend: this dataset has no dates. Map a date column when you import the file to see "
                    "the KPIs week by week or month by month.", icon=":material/timeline:")
        else:
            st.info("No trend: no response in this selection has a date.", icon=":material/timeline:")
        return
    period = view.period or "month"
    head.markdown(f"**{metrics.kpi_name(metric)} by {period}**", help=metrics.DEFINITIONS["before_after"])
    marks = events.events_frame(get_store(), info.name)
    title = f"{metrics.kpi_name(metric)} by {period}, {info.name}"
    show_chart(kpi.trend_chart(view.trend, metric, period, marks, height=215), name=f"{info.name}-{metric}-by-{period}",
               key="overview_trend", title=title)
    st.caption("Shaded: the 95% interval. Ringed: a real change from the period before. Dashed: events.")


def differences(view: metrics.Overview, ctx: PageContext) -> None:
    """Draw the segment values that differ most from the rest (real differences only)."""
    st.markdown("**Where it differs most**", help=metrics.DEFINITIONS["difference"])
    if not view.differences:
        if not ctx.info.config.mapping.segments and not ctx.info.config.mapping.brand:
            st.caption("Map segment columns (such as plan or region) when importing to see which groups differ.")
        else:
            st.caption("No group differs from the rest by more than chance would explain.")
        return
    lines = []
    for d in view.differences:
        sentence = metrics.describe_difference(d.metric, ctx.choices.label(d.column), d.value,
                                               d.estimate, d.difference, d.n, scale=ctx.info.config.rating_scale)
        icon = (f":{palette.GOOD_NAME}[:material/trending_up:]" if d.difference > 0
                else f":{palette.BAD_NAME}[:material/trending_down:]")
        lines.append(f"{icon} {escape_markdown(sentence)}")
    st.markdown("  \n".join(lines))
    st.page_link("pages/segments.py", label="Compare every group on Segments", icon=":material/bar_chart:")


def _submit_event() -> None:
    """Keep the submitted event for this run to mark (the form's submit callback)."""
    st.session_state[PENDING_KEY] = (st.session_state["overview_event_date"],
                                     st.session_state["overview_event_label"], st.session_state["overview_event_kind"])


def add_pending_event(info: DatasetInfo) -> None:
    """Mark the event submitted with the form, if any, and say so."""
    pending = st.session_state.pop(PENDING_KEY, None)
    if pending is not None:
        added = events.add_event(get_store(), info.name, *pending)
        st.toast(escape_markdown(f"Marked '{added.label}' on {metrics.day_text(added.date)}."), icon=":material/flag:")


def mark_event(choices: FilterChoices) -> None:
    """Draw the small form that marks an event on the timeline."""
    with st.form("overview_event_form", clear_on_submit=True, border=False):
        st.date_input("Date", value=choices.last or "today", format="YYYY-MM-DD", key="overview_event_date")
        st.text_input("What happened", max_chars=events.MAX_LABEL_LENGTH, key="overview_event_label",
                      placeholder="App release 4.2")
        st.selectbox("Kind", events.EVENT_KINDS, key="overview_event_kind")
        st.form_submit_button("Mark the event", icon=":material/flag:", on_click=_submit_event)


def before_after(info: DatasetInfo, filters: Filters) -> None:
    """Draw the before / after comparison around a marked event."""
    st.caption(escape_markdown(metrics.DEFINITIONS["before_after"]))
    marked = events.list_events(get_store(), info.name)
    if not marked:
        st.caption("No event is marked yet. Mark one first; it then shows on the trend chart.")
        return
    name = lambda e: f"{metrics.day_text(e.date)}: {e.label} ({e.kind})"  # noqa: E731
    chosen = st.selectbox("Event", marked, index=len(marked) - 1, format_func=name,
                          **linked("overview_compare_event", marked, name, what="the event"))
    days = st.slider("Days before and after", 7, 91, 28, step=7, **linked("overview_compare_days"))
    result = event_comparison(info, filters, chosen.date, days)
    if result.table.empty:
        st.caption("This dataset has no scores to compare.")
        return
    table = metrics.before_after_frame(result.table, scale=info.config.rating_scale)
    st.dataframe(table, hide_index=True, width="stretch")
    table_downloads(table, "Download the comparison (CSV)", f"{info.name}-before-after.csv", key="overview_before_after")
    st.caption(escape_markdown(result.sentence))
    if filters.where:
        st.caption("The segment filters apply; the date filter does not (the window sets the dates).")


def main() -> None:
    """Draw the page."""
    ctx = data_page("overview", empty_state)
    if ctx is None:
        return
    view = overview_of(ctx.info, ctx.filters, from_link(PERIOD_KEY, PERIODS, PERIODS.get) or "month")
    add_pending_event(ctx.info)
    header(ctx, view)
    welcome()
    if view.n == 0:
        st.warning("No responses match the filters. Widen the date range or clear a filter in the sidebar.",
                   icon=":material/filter_alt_off:")
        return
    tiles(ctx, view)
    left, right = st.columns([3, 2], gap="large")
    with left:
        trend(view, ctx.info, ctx.choices)
    with right:
        differences(view, ctx)


with friendly_errors():
    main()
