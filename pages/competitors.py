"""Competitors: our brand beside the others, where we trail or lead on each theme, and what the market asks for."""

from __future__ import annotations

import streamlit as st

from portal.model import DatasetInfo
from portal.services.compare import NothingSelected
from portal.ui import compare_views as views
from portal.ui.compare_data import OURS, brands_of, cell_reviews_of, comparison_of, kept_cell, remember
from portal.ui.context import data_page
from portal.ui.errors import friendly_errors
from portal.ui.links import linked
from portal.ui.markdown import escape_markdown
from portal.ui.welcome import no_data


def empty_state() -> None:
    """Explain how to add data when the store has no dataset."""
    no_data("Competitors", "For this page, import reviews of your product and of competitors in one dataset with "
                           "a brand column, mapped as Brand.")


def what_to_upload(brands: list[str]) -> None:
    """Say what to upload when the dataset has fewer than two brands."""
    found = f"only reviews of {brands[0]}" if brands else "no brand column"
    st.info(escape_markdown(
        f"This dataset has {found}, so there is nothing to compare with. Upload public reviews of your product and "
        "of your competitors into one dataset: one file with a brand column, or one file per brand, with the brand "
        "column mapped as Brand when importing."), icon=":material/info:")


def pick_ours(info: DatasetInfo, brands: list[str]) -> str:
    """Draw the choice of our brand: the link's, else the one the dataset remembers, else the largest.

    Picking a brand stores it with the dataset, so every session (and ``portal compare``) starts from it.
    """
    if st.session_state.get(OURS) not in brands:
        st.session_state.pop(OURS, None)
    wanted = info.config.ours
    index = brands.index(wanted) if wanted in brands else 0
    return st.selectbox("Our brand", brands, index=index, **linked(OURS, brands, what="the brand"),
                        on_change=remember, args=(info.name,),
                        help="The brand the others are compared with. Each dataset remembers its own.")


def main() -> None:
    """Draw the page."""
    ctx = data_page("competitors", empty_state)
    if ctx is None:
        return
    st.title("Competitors", anchor=False)
    brands = brands_of(ctx.info)
    if len(brands) < 2:
        what_to_upload(brands)
        return
    ours = pick_ours(ctx.info, brands)
    try:
        result = comparison_of(ctx.info, ours, ctx.filters)
    except NothingSelected as err:  # the sidebar's dates or filters leave ours alone or out: say so, keep the page
        st.info(escape_markdown(f"{err} Widen the dates or filters in the sidebar to compare."),
                icon=":material/filter_alt_off:")
        return
    st.caption(escape_markdown(views.index_line(result.index)))
    views.brand_cards(result)
    st.subheader("Problems by theme", anchor=False)
    cell = kept_cell(views.heatmap(result, ctx.info.name), result)
    if cell:
        views.cell_quotes(cell_reviews_of(ctx.info, *cell, ctx.filters), *cell, ctx.info.name, ctx.info)
    st.subheader("Where we trail and where we lead", anchor=False)
    views.gaps(result, ctx.info.name)
    st.subheader("What the best-rated brands do differently", anchor=False)
    views.rating_link(result, ctx.info.name)
    st.subheader("What the market asks for", anchor=False)
    views.needs(result, ctx.info.name)
    st.subheader("Rating trends", anchor=False)
    views.trends(result, ctx.info.name)


with friendly_errors():
    main()
