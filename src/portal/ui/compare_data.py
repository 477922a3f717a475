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

#: The key (and link parameter) of the "Our brand" choice.
OURS = "competitors_ours"


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
