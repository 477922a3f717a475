"""Themes: what customers talk about, how many, how they feel, what it costs; the comments; the codeframe."""

from __future__ import annotations

from typing import Any

import streamlit as st

from portal.model import DatasetInfo
from portal.services import themes as theme_service
from portal.text.theme_view import ThemeView, theme_labels
from portal.ui import theme_states
from portal.ui.codeframe_editor import edit_tab, no_codeframe
from portal.ui.compare_groups import compare_tab
from portal.ui.context import data_page
from portal.ui.errors import friendly_errors
from portal.ui.filters import Filters
from portal.ui.links import from_link, linked
from portal.ui.requests import no_requests, requests_toggle
from portal.ui.theme_data import has_comment_text, theme_stamp, theme_view
from portal.ui.theme_detail import theme_detail
from portal.ui.theme_list import header, ranked_chart, summary, theme_table
from portal.ui.theme_states import THEME_KEY


def explore_tab(info: DatasetInfo, view: ThemeView, stamp: tuple[Any, ...], filters: Filters) -> None:
    """Draw the ranked themes beside their summary, the full table, then the chosen theme in depth."""
    labels = theme_labels(view.table)
    names, label = list(labels), labels.get
    link = linked(THEME_KEY, names, label, what="the theme")
    st.session_state[THEME_KEY] = from_link(THEME_KEY, names, label) or names[0]
    chart_col, side_col = st.columns([3, 1], gap="medium")
    with chart_col:
        ranked_chart(info, view, st.session_state[THEME_KEY])
    with side_col:
        summary(view, st.session_state[THEME_KEY])
    with st.expander("Every figure per theme (table)", icon=":material/table:"):
        theme_table(info, view)
    st.divider()
    pick_col, _ = st.columns([2, 3])
    theme = pick_col.selectbox("Theme", names, format_func=label, **link,
                               help="Click a bar in the chart, or choose a theme or a sub-theme here.")
    theme_detail(info, view, stamp, filters, theme)


def main() -> None:
    """Draw the page (it only reads: themes are kept current by every import, revert and sync)."""
    ctx = data_page("themes", theme_states.no_data)
    if ctx is None:
        return
    info = ctx.info
    st.title("Themes", anchor=False)
    theme_states.show_message()
    if not info.config.mapping.comment:
        theme_states.no_comments(info)
        return
    codeframe = theme_service.current_codeframe(ctx.store, info.name)
    if codeframe is None:
        if has_comment_text(info):
            no_codeframe(info)
        else:
            theme_states.no_comments(info)
        return
    stamp = theme_stamp(info)
    requests_only = requests_toggle()
    view = theme_view(info, stamp, ctx.filters)
    header(info, view, stamp[0], ctx.filters, ctx.choices)
    if view.comments == 0:
        no_requests() if requests_only else theme_states.nothing_selected(info, ctx.filters.active)
        return
    tabs = ["Explore", "Edit the codeframe", "Compare two groups"]
    explore, edit, two = st.tabs(tabs, **linked("themes_tab", tabs, what="the tab"))
    with explore:
        explore_tab(info, view, stamp, ctx.filters)
    with edit:
        edit_tab(info, codeframe, stamp)
    if two.open:  # computed only when shown
        with two:
            compare_tab(info, stamp, ctx.filters)


with friendly_errors():
    main()
