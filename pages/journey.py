"""Journey: the KPI, sentiment, volume, top themes and pain point at each stage, and where the journey loses most."""

from __future__ import annotations

import streamlit as st

from portal import metrics
from portal.services import journey as journey_service
from portal.ui import journey as ui
from portal.ui.charts import show_chart
from portal.ui.context import PageContext, data_page
from portal.ui.downloads import table_downloads
from portal.ui.errors import friendly_errors
from portal.ui.markdown import escape_markdown
from portal.ui.welcome import no_data


def empty_state() -> None:
    """Explain how to add data when the store has no dataset."""
    no_data("Journey", "The score at each stage of the customer journey, and where it loses most, appear here; the "
            "demo survey comes with its journey set up.")


def set_up(ctx: PageContext) -> None:
    """Ask which column is the journey and in which order its stages come."""
    st.markdown("This dataset has no journey yet. Say which column tells where the customer is (a touchpoint or "
                "stage) and put its stages in order; the page then shows how each stage scores.")
    ui.setting_form(ctx, None)


def draw(ctx: PageContext, stored: journey_service.StoredJourney) -> None:
    """Draw the journey of the filtered responses, left to right."""
    column = ui.filter_column(ctx.choices, stored.column) or stored.column
    label = ctx.choices.label(column)
    picked = ctx.filters.values(column)
    result = ui.journey_of(ctx, stored, ctx.filters.with_values(column, ()))
    if result is None:
        return
    st.caption(escape_markdown(f"Stages of {label}, first to last. Each stage is compared with all the others; "
                               "the other sidebar filters apply."))
    if not int(result.table["n"].sum()):
        st.warning("No responses match the filters. Widen the date range or clear a filter in the sidebar.",
                   icon=":material/filter_alt_off:")
        return
    ui.summary(result)
    if picked:
        ui.picked_notice(label, picked)
    if result.metric is not None:
        show_chart(ui.journey_chart(result, ctx.info.config.rating_scale), name="journey", key="journey_chart",
                   title=f"{metrics.kpi_name(result.metric)} along the journey ({label})")
    ui.stage_cards(ctx, result, column, picked)
    table_downloads(ui.stage_table(result), "Download the stages as CSV", "journey-stages.csv", key="journey_table")


def main() -> None:
    """Draw the page."""
    ctx = data_page("journey", empty_state)
    if ctx is None:
        return
    st.title("Journey", anchor=False)
    stored = journey_service.get_journey(ctx.store, ctx.info.name)
    if stored is None:
        set_up(ctx)
        return
    if ui.filter_column(ctx.choices, stored.column) is None:
        st.warning(escape_markdown(f"The journey follows the column {stored.column}, which this dataset no longer "
                                   "has. Set the journey again."), icon=":material/route:")
        ui.setting_form(ctx, None)
        return
    draw(ctx, stored)
    with st.expander("Change the journey", icon=":material/route:"):
        ui.setting_form(ctx, stored)


with friendly_errors():
    main()
