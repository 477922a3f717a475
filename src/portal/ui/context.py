"""The store, the chosen dataset and the cached figures every page shows.

Caches are keyed on the store URL, the dataset name, its data version and the filters as plain strings, never
on a DataFrame: a new import changes the data version, so nothing stale is shown. Figures (small) are kept
with ``st.cache_data``; the responses themselves are loaded once per data version and shared read-only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date as Date
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from portal import metrics, settings
from portal.metrics import drivers
from portal.metrics.events import EventComparison, compare_event
from portal.model import DatasetInfo
from portal.services import datasets
from portal.ui.filters import FilterChoices, Filters, apply_filters, filter_choices

if TYPE_CHECKING:
    from portal.store import Store

#: Columns the KPI pages never read (the text pages load them through ``load_responses``).
_NOT_FOR_KPIS = frozenset({"row_key", "response_id", "comment", "import_id"})
#: Text columns held as categories: grouping and filtering a million responses then take milliseconds.
_CATEGORY_COLUMNS = ("customer", "brand", "sentiment_label", "language")


#: The query string of a first visit, kept across its rerun through ``app.py``.
_FIRST_VISIT_QUERY = "_first_visit_query"


def run_through_app() -> None:
    """Rerun once through ``app.py`` when Streamlit started this page on its own, keeping the link's query.

    While no run has called ``st.navigation`` yet (just after the server starts), Streamlit treats the
    ``pages/`` folder beside the entry point as an old-style multipage app and runs the requested page
    directly. A shared link opened first would then miss the portal's navigation, layout and URL handling.
    The flag is process-wide, so one rerun fixes it for every later visitor as well. The link's query string
    (its filters and page choices) is kept in the session and put back after the rerun if it went missing.
    """
    kept = st.session_state.pop(_FIRST_VISIT_QUERY, None)
    if kept:
        for key, values in kept.items():
            if key not in st.query_params:
                st.query_params[key] = values if len(values) > 1 else values[0]
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a Streamlit without the old mode
        return
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.session_state[_FIRST_VISIT_QUERY] = {k: st.query_params.get_all(k) for k in st.query_params}
        st.rerun()


@st.cache_resource(show_spinner=False)
def _open_store(url: str) -> Store:
    """Open (and migrate) the store once per URL for the whole server."""
    return datasets.open_store(url)


def get_store() -> Store:
    """Return the portal's store (from ``PORTAL_DATABASE_URL`` or the default file)."""
    return _open_store(settings.database_url())


@st.cache_data(show_spinner="Loading responses ...", max_entries=8)
def _load(url: str, name: str, version: int) -> pd.DataFrame:
    """Load a dataset's responses; the key includes the store, dataset and data version."""
    return datasets.load_responses(_open_store(url), name)


def load_responses(info: DatasetInfo) -> pd.DataFrame:
    """Return the dataset's canonical frame, cached until its next import."""
    return _load(settings.database_url(), info.name, info.data_version)


def dataset_picker(store: Store, *, key: str = "dataset") -> DatasetInfo | None:
    """Draw the dataset choice in the sidebar and return the chosen dataset (None when there is none)."""
    found = datasets.list_datasets(store)
    if not found:
        return None
    names = [d.name for d in found]
    linked = st.query_params.get(key)
    wanted = st.session_state.get(key) or linked
    index = names.index(wanted) if wanted in names else 0
    name = st.sidebar.selectbox("Dataset", names, index=index, key=f"_{key}_select",
                                help="Which set of responses every page shows.")
    if linked and linked not in names and not st.session_state.get(key):
        st.sidebar.warning(f"The link names a dataset '{linked}' that does not exist here, so '{name}' is shown.",
                           icon=":material/link_off:")
    st.session_state[key] = name
    st.query_params[key] = name
    return next(d for d in found if d.name == name)


# ---------------------------------------------------------------------------------------------------------
# The responses the KPI pages read, and their cached figures
# ---------------------------------------------------------------------------------------------------------


@st.cache_resource(show_spinner="Loading responses ...", max_entries=4)
def _kpi_frame(url: str, name: str, version: int) -> pd.DataFrame:
    """Load the columns the KPI pages need (no comments), text segments as categories; shared, read-only.

    The whole frame is asked for, so the store keeps its columnar copy of this data version for the next load.
    """
    store = _open_store(url)
    frame = datasets.load_responses(store, name)
    frame = frame[[c for c in frame.columns if c not in _NOT_FOR_KPIS]].copy()
    info = datasets.find_dataset(store, name)
    segments = datasets.segment_columns(info) if info else []
    for column in [*_CATEGORY_COLUMNS, *segments]:
        if column in frame.columns and frame[column].dtype == object:
            frame[column] = _category(frame[column], ordered_values=column != "customer")
    return frame


def _category(series: pd.Series, *, ordered_values: bool) -> pd.Series:
    """Return a text column as a category (values sorted unless ``ordered_values`` is False, which is faster)."""
    codes, values = pd.factorize(series, sort=ordered_values, use_na_sentinel=True)
    return pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(values, dtype=object)),
                     index=series.index, name=series.name)


def kpi_frame(info: DatasetInfo) -> pd.DataFrame:
    """Return the dataset's responses without comments, cached until its next import (treat it as read-only)."""
    return _kpi_frame(settings.database_url(), info.name, info.data_version)


def _selection(url: str, name: str, version: int, filters: Filters) -> tuple[pd.DataFrame, Any]:
    """Return the filtered responses and the dataset's configuration."""
    frame = _kpi_frame(url, name, version)
    info = _open_store(url).dataset(name)
    config = info.config if info else None
    return apply_filters(frame, config, filters), config


@st.cache_data(show_spinner=False, max_entries=32)
def _choices(url: str, name: str, version: int) -> FilterChoices:
    """Return what the dataset can be filtered by."""
    frame = _kpi_frame(url, name, version)
    info = _open_store(url).dataset(name)
    return filter_choices(frame, info.config)


def choices_of(info: DatasetInfo) -> FilterChoices:
    """Return the dataset's date range and filterable values (cached per data version)."""
    return _choices(settings.database_url(), info.name, info.data_version)


@st.cache_data(show_spinner="Computing the KPIs ...", max_entries=64)
def _overview(url: str, name: str, version: int, key: tuple[Any, ...], period: str, min_n: int) -> metrics.Overview:
    """Return the Overview's figures for one selection."""
    frame, config = _selection(url, name, version, Filters.from_key(key))
    return metrics.overview(frame, config, period=period, min_n=min_n)


def overview_of(info: DatasetInfo, filters: Filters, period: str) -> metrics.Overview:
    """Return tiles, trend, top differences and revenue at risk of the filtered responses (cached)."""
    return _overview(settings.database_url(), info.name, info.data_version, filters.key(), period,
                     settings.min_group_size())


@dataclass(frozen=True, eq=False)
class SegmentView:
    """Every group's KPIs for a breakdown, with the figures of the whole selection they are compared with."""

    table: pd.DataFrame
    overall: dict[str, Any]
    metric: str | None
    n: int


@st.cache_data(show_spinner="Comparing the groups ...", max_entries=64)
def _segments(url: str, name: str, version: int, key: tuple[Any, ...], by: tuple[str, ...], metric: str | None,
              min_n: int) -> SegmentView:
    """Return the groups of ``by`` (one or two columns) in one selection."""
    frame, config = _selection(url, name, version, Filters.from_key(key))
    data = metrics.prepare(frame, config)
    table = metrics.kpis_by(data, list(by) if len(by) > 1 else by[0], metric=metric, min_n=min_n)
    overall = metrics.kpis(data).iloc[0].to_dict()
    return SegmentView(table=table, overall=overall, metric=metric or metrics.headline_metric(config), n=data.n)


def segments_of(info: DatasetInfo, filters: Filters, by: tuple[str, ...], metric: str | None) -> SegmentView:
    """Return every group's KPIs for one or two breakdown columns, tested against the rest (cached)."""
    return _segments(settings.database_url(), info.name, info.data_version, filters.key(), tuple(by), metric,
                     settings.min_group_size())


@st.cache_data(show_spinner=False, max_entries=32)
def _driver_columns(url: str, name: str, version: int, key: tuple[Any, ...], target: str) -> list[str]:
    """Return the columns that could explain ``target`` in one selection."""
    frame, _ = _selection(url, name, version, Filters.from_key(key))
    return drivers.driver_candidates(frame, target)


def driver_columns(info: DatasetInfo, filters: Filters, target: str) -> list[str]:
    """Return the columns that can explain the score ``target`` in the filtered responses (cached)."""
    return _driver_columns(settings.database_url(), info.name, info.data_version, filters.key(), target)


@st.cache_data(show_spinner="Finding the key drivers ...", max_entries=32)
def _drivers(url: str, name: str, version: int, key: tuple[Any, ...], target: str,
             predictors: tuple[tuple[str, str], ...]) -> drivers.Drivers:
    """Return the key drivers of ``target``; ``predictors`` pairs each frame column with the name shown."""
    frame, _ = _selection(url, name, version, Filters.from_key(key))
    renamed = frame[[target, *(c for c, _ in predictors)]].rename(columns=dict(predictors))
    return drivers.key_drivers(renamed, target, [label for _, label in predictors])


def drivers_of(info: DatasetInfo, filters: Filters, target: str,
               predictors: tuple[tuple[str, str], ...]) -> drivers.Drivers:
    """Return the ranked key drivers of a score in the filtered responses (cached); raise ``InputError``."""
    return _drivers(settings.database_url(), info.name, info.data_version, filters.key(), target, predictors)


@st.cache_data(show_spinner="Comparing before and after ...", max_entries=32)
def _event(url: str, name: str, version: int, key: tuple[Any, ...], when: str, days: int,
           min_n: int) -> EventComparison:
    """Return the before / after comparison around one day."""
    frame, config = _selection(url, name, version, Filters.from_key(key))
    return compare_event(frame, config, when, days=days, min_n=min_n)


def event_comparison(info: DatasetInfo, filters: Filters, when: Date, days: int) -> EventComparison:
    """Return the KPIs ``days`` days before ``when`` against ``days`` days from it (segment filters only)."""
    segments_only = Filters(where=filters.where)
    return _event(settings.database_url(), info.name, info.data_version, segments_only.key(), when.isoformat(),
                  int(days), settings.min_group_size())


@dataclass(frozen=True)
class PageContext:
    """What every data page starts from: the store, the chosen dataset, its filter choices and the filters."""

    store: Store
    info: DatasetInfo
    choices: FilterChoices
    filters: Filters


def data_page(page: str, empty_state: Callable[[], None]) -> PageContext | None:
    """Set up a data page (layout, dataset choice, sidebar filters); draw ``empty_state`` and return None when
    the store holds no dataset yet."""
    from portal.ui import kpi
    from portal.ui.filters import sidebar_filters

    run_through_app()
    kpi.compact_page()
    store = get_store()
    info = dataset_picker(store)
    if info is None:
        empty_state()
        return None
    choices = choices_of(info)
    return PageContext(store, info, choices, sidebar_filters(info.name, choices, page=page))
