"""The Themes page's cached figures: every theme, the comments, one theme's trend and groups, a preview.

Cached figures are keyed on plain values (store URL, dataset, data version, a stamp of the codeframe and its
corrections, the filters as strings), never on a DataFrame. Charts get at most one row per theme, group or
period, far below Altair's 5,000-row limit.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from portal import metrics, settings
from portal.errors import NotFoundError
from portal.model import DatasetInfo
from portal.services import datasets as dataset_service
from portal.services import themes as theme_service
from portal.services.requests import REQUEST_COLUMN, request_keys, with_requests
from portal.text import codeframe as cf
from portal.text import figures
from portal.text.codeframe import Codeframe
from portal.text.theme_view import ThemeView, summarise_themes
from portal.text.verbatims import comment_frame
from portal.ui.context import get_store, load_responses
from portal.ui.filters import Filters, apply_filters


def theme_stamp(info: DatasetInfo) -> tuple[Any, ...]:
    """Return a plain-value stamp that changes with every codeframe change, undo and hand correction."""
    store = get_store()
    history = theme_service.codeframe_history(store, info.name)
    fixes = theme_service.corrections(store, info.name)
    current = history.loc[history["status"] == "current", "version"]
    last_fix = fixes["updated_at"].max() if len(fixes) else None
    return (int(current.iloc[0]) if len(current) else 0, len(history), len(fixes),
            str(last_fix) if last_fix is not None else "")


#: The Themes page's "Only requests" choice (in the link as ``themes_requests``).
REQUESTS_KEY = "themes_requests"


@st.cache_data(show_spinner="Finding the requests ...", max_entries=8)
def _request_keys(url: str, name: str, version: int) -> frozenset[str]:
    """Return the row keys of the dataset's requests (read once per data version: about 0.1 ms a comment)."""
    info = dataset_service.find_dataset(get_store(), name)
    return request_keys(load_responses(info)) if info is not None else frozenset()


def _selection(name: str, filters_key: tuple[Any, ...]) -> tuple[pd.DataFrame, Any, pd.DataFrame, Codeframe]:
    """Return the filtered responses (hand-set sentiment in place), configuration, assignments and codeframe.

    The responses carry the ``request`` column; the last element of ``filters_key`` says whether only
    requests are kept (``_key``).
    """
    store = get_store()
    info = dataset_service.find_dataset(store, name)
    if info is None:
        raise NotFoundError(f"No dataset named '{name}'. Choose another dataset in the sidebar.")
    frame = theme_service.with_corrected_sentiment(store, name, load_responses(info))
    frame = with_requests(frame, _request_keys(settings.database_url(), name, info.data_version))
    *filters_key, requests_only = filters_key
    if requests_only:
        frame = frame[frame[REQUEST_COLUMN]]
    frame = apply_filters(frame, info.config, Filters.from_key(tuple(filters_key)))
    codeframe = theme_service.current_codeframe(store, name) or Codeframe()
    return frame, info.config, theme_service.assignments(store, name), codeframe


@st.cache_data(show_spinner="Counting the themes ...", max_entries=32)
def _view(url: str, name: str, version: int, stamp: tuple[Any, ...], filters_key: tuple[Any, ...]) -> ThemeView:
    """Return the theme figures of one selection (cached per store, dataset, data, codeframe and filters)."""
    frame, config, assigned, codeframe = _selection(name, filters_key)
    return summarise_themes(frame, assigned, codeframe, config)


def _key(filters: Filters) -> tuple[Any, ...]:
    """Return the cache key of the page's selection: the filters, then the "Only requests" choice."""
    return (*filters.key(), bool(st.session_state.get(REQUESTS_KEY)))


def theme_view(info: DatasetInfo, stamp: tuple[Any, ...], filters: Filters) -> ThemeView:
    """Return the figures of every theme in the filtered responses (cached)."""
    return _view(settings.database_url(), info.name, info.data_version, stamp, _key(filters))


@st.cache_data(show_spinner=False, max_entries=32)
def _comments(url: str, name: str, version: int, stamp: tuple[Any, ...], filters_key: tuple[Any, ...]
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the comments of one selection and the assignments of those comments."""
    frame, config, assigned, codeframe = _selection(name, filters_key)
    comments = comment_frame(frame, assigned, codeframe, metrics.segment_columns(frame, config))
    return comments, assigned[assigned["row_key"].isin(set(comments["row_key"]))].reset_index(drop=True)


def comments_of(info: DatasetInfo, stamp: tuple[Any, ...], filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return every comment in the filtered responses with its themes, and their assignments (cached)."""
    return _comments(settings.database_url(), info.name, info.data_version, stamp, _key(filters))


@st.cache_data(show_spinner="Drawing the trend ...", max_entries=32)
def _trend(url: str, name: str, version: int, stamp: tuple[Any, ...], filters_key: tuple[Any, ...],
           theme: str, period: str) -> pd.DataFrame:
    """Return one theme's mentions and share per period."""
    frame, _, assigned, codeframe = _selection(name, filters_key)
    trend = figures.theme_trend(frame, assigned, codeframe, period=period)
    return trend[trend["theme"] == theme].reset_index(drop=True)


def trend_of(info: DatasetInfo, stamp: tuple[Any, ...], filters: Filters, theme: str, period: str) -> pd.DataFrame:
    """Return the share of comments that mention ``theme`` per period (cached)."""
    return _trend(settings.database_url(), info.name, info.data_version, stamp, _key(filters), theme, period)


@st.cache_data(show_spinner="Comparing the groups ...", max_entries=32)
def _breakdown(url: str, name: str, version: int, stamp: tuple[Any, ...], filters_key: tuple[Any, ...],
               theme: str, by: str, min_n: int) -> pd.DataFrame:
    """Return one theme's mention rate per group of ``by`` against the other groups."""
    frame, config, assigned, codeframe = _selection(name, filters_key)
    table = figures.theme_breakdown(frame, assigned, codeframe, config, by, min_n=min_n)
    return table[table["theme"] == theme].reset_index(drop=True)


def breakdown_of(info: DatasetInfo, stamp: tuple[Any, ...], filters: Filters, theme: str, by: str) -> pd.DataFrame:
    """Return how often each group of ``by`` mentions ``theme`` compared with the rest, with tests (cached)."""
    return _breakdown(settings.database_url(), info.name, info.data_version, stamp, _key(filters), theme, by,
                      settings.min_group_size())


@st.cache_data(show_spinner="Working out what the change does ...", max_entries=16)
def _preview(url: str, name: str, version: int, stamp: tuple[Any, ...], body: str) -> pd.DataFrame:
    """Return ``theme_service.preview`` of a proposed codeframe given as JSON."""
    return theme_service.preview(get_store(), name, cf.from_json(body))


def preview_of(info: DatasetInfo, stamp: tuple[Any, ...], proposed: Codeframe) -> pd.DataFrame:
    """Return how many comments each theme would have under ``proposed``, before and after (cached)."""
    return _preview(settings.database_url(), info.name, info.data_version, stamp, cf.to_json(proposed).decode())


def discovery_texts(info: DatasetInfo) -> list[str]:
    """Return the dataset's comments that English discovery would read (English or unknown, not empty)."""
    return theme_service.comments_for_discovery(load_responses(info))


def other_languages(info: DatasetInfo) -> dict[str, int]:
    """Return the other languages discovery reads on their own (enough comments), with their comment counts."""
    frame = load_responses(info)
    frame = frame[frame["comment"].astype(object).fillna("").map(str).str.strip() != ""]
    return {lang: len(texts) for lang, texts in theme_service.comments_by_language(frame).items()}


def has_comment_text(info: DatasetInfo) -> bool:
    """Return True when at least one response of the dataset has a non-empty comment."""
    text = load_responses(info)["comment"].astype(object).fillna("").map(str).str.strip()
    return bool((text != "").any())
