"""The Competitors page's data: the brands of a dataset and the comparison, cached per store, dataset and version."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from portal import settings
from portal.compare import Comparison
from portal.errors import UsageError
from portal.model import DatasetInfo
from portal.services import compare as compare_service
from portal.ui.context import get_store
from portal.ui.filters import Filters
from portal.ui.markdown import escape_markdown

#: The key (and link parameter) of the "Our brand" choice.
OURS = "competitors_ours"
#: The link parameters of the clicked heat-map cell: its theme and its brand.
CELL_THEME, CELL_BRAND = "competitors_theme", "competitors_brand"
#: Session keys: the cell shown, and the chart's click it came from (a new click replaces the cell).
_CELL, _CLICK = "_competitors_cell", "_competitors_click"


@st.cache_data(show_spinner=False, max_entries=32)
def _brands(url: str, name: str, version: int) -> list[str]:
    """Return the dataset's brands, largest first (empty without a brand column)."""
    del url, version  # cache keys
    try:
        return compare_service.group_names(get_store(), name)
    except UsageError:
        return []


def brands_of(info: DatasetInfo) -> list[str]:
    """Return the dataset's brands, largest first."""
    return _brands(settings.database_url(), info.name, info.data_version)


@st.cache_data(show_spinner="Comparing the brands ...", max_entries=32)
def _comparison(url: str, name: str, version: int, ours: str, key: tuple[Any, ...], min_n: int) -> Comparison:
    """Return the comparison; the key holds the store, dataset, data version, brand, filters and group size."""
    del url, version
    filters = Filters.from_key(key)
    return compare_service.compare_dataset(get_store(), name, ours=ours, start=filters.start, end=filters.end,
                                           where=filters.where, min_n=min_n)


def comparison_of(info: DatasetInfo, ours: str, filters: Filters) -> Comparison:
    """Return the comparison of ``ours`` with the other brands of the dataset, within the sidebar's filters."""
    return _comparison(settings.database_url(), info.name, info.data_version, ours, filters.key(),
                       settings.min_group_size())


@st.cache_data(show_spinner="Finding the reviews ...", max_entries=32)
def _cell(url: str, name: str, version: int, theme: str, group: str, key: tuple[Any, ...]) -> pd.DataFrame:
    """Return the reviews of one heat-map cell."""
    del url, version
    filters = Filters.from_key(key)
    return compare_service.cell_reviews(get_store(), name, theme=theme, group=group, start=filters.start,
                                        end=filters.end, where=filters.where)


def cell_reviews_of(info: DatasetInfo, theme: str, group: str, filters: Filters) -> pd.DataFrame:
    """Return the reviews of ``group`` that mention ``theme`` within the filters, negative mentions first."""
    return _cell(settings.database_url(), info.name, info.data_version, theme, group, filters.key())


def remember(name: str) -> None:
    """Store the brand just picked (the widget's value) as ours for dataset ``name`` (an ``on_change`` callback)."""
    brand = st.session_state.get(OURS)
    if brand:
        compare_service.remember_ours(get_store(), name, brand)


def _linked_cell(result: Comparison) -> tuple[str, str] | None:
    """Return the cell the link names when this comparison has it (else None, said once in the sidebar)."""
    theme, brand = st.query_params.get(CELL_THEME), st.query_params.get(CELL_BRAND)
    if not theme or not brand:
        return None
    if theme in set(result.themes["theme"]) and brand in set(result.groups["group"]):
        return theme, brand
    st.sidebar.warning(escape_markdown(f"The link asks for the reviews of {brand} on {theme}, which this comparison "
                                       "does not have, so none are shown."), icon=":material/link_off:")
    return None


def kept_cell(clicked: tuple[str, str] | None, result: Comparison) -> tuple[str, str] | None:
    """Return the heat-map cell whose reviews are shown, and keep it in the link.

    A new click (or clearing the selection) decides; otherwise the cell shown before stays, and on a session's
    first visit it is the one the link names (``competitors_theme`` and ``competitors_brand``). A cell this
    comparison lacks (another brand chosen, a theme renamed) is dropped.
    """
    if _CELL not in st.session_state:
        st.session_state[_CELL] = _linked_cell(result)
        st.session_state[_CLICK] = None
    if clicked != st.session_state[_CLICK]:
        st.session_state[_CLICK] = clicked
        st.session_state[_CELL] = clicked
    cell = st.session_state[_CELL]
    if cell and (cell[0] not in set(result.themes["theme"]) or cell[1] not in set(result.groups["group"])):
        cell = st.session_state[_CELL] = None
    for key, value in zip((CELL_THEME, CELL_BRAND), cell or (None, None), strict=True):
        if value is not None:
            st.query_params[key] = value
        elif key in st.query_params:
            del st.query_params[key]
    return cell
