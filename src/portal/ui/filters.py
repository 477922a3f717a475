"""Global filters (date range, segment values): drawn in the sidebar, applied on every page, kept in the URL.

A filtered view is a link. The query string holds plain strings only, the same words as ``portal kpis``::

    ?dataset=Acme+NPS+survey&from=2026-01-01&to=2026-06-30&where=Region%3DAPAC&where=Plan%3DPro

``from`` and ``to`` are dates (YYYY-MM-DD, both days included); each ``where`` is ``COLUMN=VALUE`` and the same
column twice keeps either value. Values are parsed and checked against the dataset: anything unknown or
malformed is ignored with a gentle warning, never evaluated or unpickled.

Switching pages clears the query string, so the current filters are also kept in ``st.session_state`` and
``keep_in_url`` (called by ``app.py`` on every run) writes them back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from collections.abc import Mapping as MappingT
from dataclasses import dataclass, field, replace
from datetime import date as Date
from typing import Any

import pandas as pd
import streamlit as st

from portal import metrics
from portal.metrics import MISSING_LABEL, breakdown_columns, column_labels
from portal.model import DatasetConfig
from portal.ui.markdown import escape_markdown

FROM, TO, WHERE, DATASET = "from", "to", "where", "dataset"
#: Query keys owned by the global filters (``dataset`` belongs to the dataset picker).
FILTER_KEYS: tuple[str, ...] = (FROM, TO, WHERE)
#: A column with more distinct values than this is not offered as a sidebar filter.
MAX_FILTER_VALUES = 1000
#: Where the current filters are kept between pages: {"dataset": name, "page": page, "query": {key: [values]}}.
STATE_KEY = "portal_filters"


@dataclass(frozen=True)
class Filters:
    """A selection of responses: dates from ``start`` to ``end`` (both included) and values per column."""

    start: Date | None = None
    end: Date | None = None
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def active(self) -> bool:
        """Return True when the filters leave anything out."""
        return self.start is not None or self.end is not None or bool(self.where)

    def where_dict(self) -> dict[str, list[str]]:
        """Return the segment filters as {column: [values]} (the form ``metrics.select`` takes)."""
        return {column: list(values) for column, values in self.where}

    def values(self, column: str) -> tuple[str, ...]:
        """Return the values kept for ``column`` (empty when the column is not filtered)."""
        return dict(self.where).get(column, ())

    def key(self) -> tuple[Any, ...]:
        """Return the filters as a tuple of plain strings, for cache keys."""
        return (self.start.isoformat() if self.start else "", self.end.isoformat() if self.end else "",
                self.where)

    def with_values(self, column: str, values: Iterable[str]) -> Filters:
        """Return a copy keeping only ``values`` of ``column`` (no values removes the column's filter)."""
        kept = tuple(dict.fromkeys(str(v) for v in values))
        where = [(c, v) for c, v in self.where if c != column]
        if kept:
            where.append((column, kept))
        return replace(self, where=tuple(where))

    @classmethod
    def from_key(cls, key: tuple[Any, ...]) -> Filters:
        """Return the filters ``key()`` was made from."""
        start, end, where = key
        return cls(start=Date.fromisoformat(start) if start else None,
                   end=Date.fromisoformat(end) if end else None, where=tuple(where))

    def to_query(self) -> dict[str, list[str]]:
        """Return the filters as query-string values (lists of plain strings)."""
        out: dict[str, list[str]] = {}
        if self.start is not None:
            out[FROM] = [self.start.isoformat()]
        if self.end is not None:
            out[TO] = [self.end.isoformat()]
        where = [f"{column}={value}" for column, values in self.where for value in values]
        if where:
            out[WHERE] = where
        return out


@dataclass(frozen=True)
class FilterChoices:
    """What a dataset can be filtered by: its first and last date and the values of each segment column."""

    first: Date | None = None
    last: Date | None = None
    columns: tuple[tuple[str, tuple[str, ...]], ...] = ()
    labels: tuple[tuple[str, str], ...] = field(default=())

    def options(self, column: str) -> tuple[str, ...] | None:
        """Return the values of ``column``, or None when it is not a filter column."""
        return dict(self.columns).get(column)

    def label(self, column: str) -> str:
        """Return the name people see for ``column``."""
        return dict(self.labels).get(column, column)


def _as_date(value: Any) -> Date | None:
    """Return a timestamp as a date (None for NaT or None)."""
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def filter_choices(frame: pd.DataFrame, config: DatasetConfig, *,
                   max_values: int = MAX_FILTER_VALUES) -> FilterChoices:
    """Return the date range and the sorted values of every breakdown column with at most ``max_values`` values."""
    first = last = None
    if "date" in frame.columns and len(frame):
        dates = pd.to_datetime(frame["date"], errors="coerce")
        first, last = _as_date(dates.min()), _as_date(dates.max())
    columns = []
    for column in breakdown_columns(frame, config):
        series = frame[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            present = series.cat.remove_unused_categories().cat.categories
            values = pd.Index(present).astype(str).unique()
        else:
            values = pd.Index(series.dropna().astype(str).unique())
        if 0 < len(values) <= max_values:
            columns.append((column, tuple(sorted(values))))
    labels = zip([c for c, _ in columns], column_labels([c for c, _ in columns], config), strict=True)
    return FilterChoices(first=first, last=last, columns=tuple(columns), labels=tuple(labels))


def _one_date(text: str, name: str, warnings: list[str]) -> Date | None:
    """Return the date in ``text`` or None with a warning."""
    try:
        return Date.fromisoformat(text.strip())
    except ValueError:
        warnings.append(f"The link's '{name}' date '{text}' is not a date written like 2024-01-31, so it is ignored.")
        return None


def _strings(value: str | Sequence[str] | None) -> list[str]:
    """Return a query value as a list of strings."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def parse_query(query: MappingT[str, str | Sequence[str]], choices: FilterChoices) -> tuple[Filters, list[str]]:
    """Return the filters in query-string values and a warning for every value that was ignored.

    Dates outside the data are clipped to it; a range that misses the data entirely, an unknown column or a
    value the column does not have is dropped. Never raises.
    """
    warnings: list[str] = []
    start = end = None
    starts, ends = _strings(query.get(FROM)), _strings(query.get(TO))
    if starts:
        start = _one_date(starts[-1], "from", warnings)
    if ends:
        end = _one_date(ends[-1], "to", warnings)
    if start is not None and end is not None and start > end:
        warnings.append(f"The link's dates run backwards ({start} to {end}), so they are ignored.")
        start = end = None
    if (start or end) and choices.first is None:
        warnings.append("This dataset has no dates, so the link's date range is ignored.")
        start = end = None
    if choices.first is not None and choices.last is not None and (start or end):
        if (start and start > choices.last) or (end and end < choices.first):
            warnings.append(f"The link's dates are outside the data ({choices.first} to {choices.last}), "
                            "so they are ignored.")
            start = end = None
        else:
            start = start if start and start > choices.first else None
            end = end if end and end < choices.last else None
    wanted: dict[str, list[str]] = {}
    for item in _strings(query.get(WHERE)):
        column, sep, value = item.partition("=")
        column = column.strip()
        options = choices.options(column)
        if options is None and choices.options(f"{column} (segment)") is not None:
            column = f"{column} (segment)"
            options = choices.options(column)
        if not sep or not column:
            warnings.append(f"The link's filter '{item}' is not written as COLUMN=VALUE, so it is ignored.")
        elif options is None:
            warnings.append(f"This dataset has no column '{column}' to filter by, so '{item}' is ignored.")
        elif value not in options:
            warnings.append(f"No response has {choices.label(column)} = '{value}', so that filter is ignored.")
        elif value not in wanted.setdefault(column, []):
            wanted[column].append(value)
    where = tuple((c, tuple(v)) for c, v in wanted.items() if v)
    return Filters(start=start, end=end, where=where), warnings


def apply_filters(frame: pd.DataFrame, config: DatasetConfig, filters: Filters) -> pd.DataFrame:
    """Return the responses the filters keep; raise ``InputError`` for a column the frame does not have."""
    if not filters.active:
        return frame
    return metrics.select(frame, config, start=filters.start, end=filters.end, where=filters.where_dict())


def describe_filters(filters: Filters, choices: FilterChoices) -> str:
    """Return the filters in words, e.g. "1 Jan 2026 to 30 Jun 2026; Region: APAC or EMEA" ("" when none)."""
    dated = filters.start is not None or filters.end is not None
    first = (filters.start or choices.first) if dated else None
    last = (filters.end or choices.last) if dated else None
    return metrics.describe_selection(first, last, [(choices.label(c), values) for c, values in filters.where])


def selection_filters(selection: Any, fields: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    """Return {column: [values]} from an Altair point selection (a list of {field: value} dicts).

    ``fields`` pairs each chart field with the column it holds, e.g. ``[("value", "Region")]`` or, for a
    heat-map, ``[("value", "Region"), ("value_2", "Plan")]``. Missing-value groups are left out.
    """
    points = selection if isinstance(selection, list) else [selection] if isinstance(selection, dict) else []
    out: dict[str, list[str]] = {}
    for point in points:
        if not isinstance(point, dict):
            continue
        for name, column in fields:
            value = point.get(name)
            if value is None or value == MISSING_LABEL:
                continue
            out.setdefault(column, [])
            if str(value) not in out[column]:
                out[column].append(str(value))
    return out


# ---------------------------------------------------------------------------------------------------------
# Streamlit: widgets, URL and the state kept between pages
# ---------------------------------------------------------------------------------------------------------


def _widget_key(dataset: str, column: str | None) -> str:
    """Return the widget key of a dataset's date range (column None) or column filter."""
    return f"_filter|{dataset}|{'dates' if column is None else 'where:' + column}"


def _url_query() -> dict[str, list[str]]:
    """Return the filter values currently in the URL."""
    return {k: st.query_params.get_all(k) for k in FILTER_KEYS if k in st.query_params}


def _write_url(query: MappingT[str, Sequence[str]]) -> None:
    """Make the URL's filter values equal ``query`` (other query keys are left alone)."""
    for key in FILTER_KEYS:
        values = list(query.get(key, ()))
        if st.query_params.get_all(key) == values:
            continue
        if values:
            st.query_params[key] = values if len(values) > 1 else values[0]
        elif key in st.query_params:
            del st.query_params[key]


def keep_in_url() -> None:
    """Write the current dataset and filters back into the URL when switching pages has cleared them."""
    dataset = st.session_state.get(DATASET)
    if dataset and DATASET not in st.query_params:
        st.query_params[DATASET] = dataset
    kept = st.session_state.get(STATE_KEY)
    if not kept or kept.get("dataset") != st.query_params.get(DATASET):
        return
    if not any(k in st.query_params for k in FILTER_KEYS):
        _write_url(kept["query"])


def _remember(dataset: str, page: str, filters: Filters) -> None:
    """Keep ``filters`` for the next page and put them in the URL."""
    query = filters.to_query()
    st.session_state[STATE_KEY] = {"dataset": dataset, "page": page, "query": query}
    _write_url(query)


def _seed_widgets(dataset: str, filters: Filters, choices: FilterChoices, *, force: bool) -> None:
    """Set the filter widgets' values from ``filters`` (only widgets without a value unless ``force``)."""
    if choices.first is not None and choices.last is not None:
        key = _widget_key(dataset, None)
        if force or key not in st.session_state:
            st.session_state[key] = (filters.start or choices.first, filters.end or choices.last)
    for column, _ in choices.columns:
        key = _widget_key(dataset, column)
        if force or key not in st.session_state:
            st.session_state[key] = list(filters.values(column))


def _sanitise_widgets(dataset: str, choices: FilterChoices) -> None:
    """Drop widget values the data no longer has (after an import) so no widget holds an impossible value."""
    key = _widget_key(dataset, None)
    if key in st.session_state and choices.first is not None and choices.last is not None:
        picked = tuple(st.session_state[key] or ())
        clipped = tuple(min(max(d, choices.first), choices.last) for d in picked if isinstance(d, Date))
        if clipped != picked:
            st.session_state[key] = clipped or (choices.first, choices.last)
    for column, options in choices.columns:
        key = _widget_key(dataset, column)
        if key in st.session_state:
            kept = [v for v in st.session_state[key] or () if v in options]
            if kept != list(st.session_state[key] or ()):
                st.session_state[key] = kept


def _from_widgets(dataset: str, choices: FilterChoices) -> Filters:
    """Return the filters the widgets show."""
    start = end = None
    picked = tuple(st.session_state.get(_widget_key(dataset, None)) or ())
    if picked and choices.first is not None and choices.last is not None:
        start = picked[0] if picked[0] > choices.first else None
        last = picked[1] if len(picked) > 1 else choices.last  # the second click of a range is still to come
        end = last if last < choices.last else None
    filters = Filters(start=start, end=end)
    for column, _ in choices.columns:
        filters = filters.with_values(column, st.session_state.get(_widget_key(dataset, column)) or ())
    return filters


def _clear(dataset: str, choices: FilterChoices) -> None:
    """Reset every filter of ``dataset`` (a button callback)."""
    _seed_widgets(dataset, Filters(), choices, force=True)


def _starting_point(dataset: str, page: str, choices: FilterChoices) -> tuple[Filters | None, list[str]]:
    """Return the filters the widgets must show at the start of this run (None: keep theirs) and link warnings.

    A first visit starts from the link; arriving from another page starts from the filters kept there (which
    ``keep_in_url`` has put back in the URL); another dataset starts with none; on the same page the widgets
    already hold the person's latest choice.
    """
    kept = st.session_state.get(STATE_KEY)
    if not kept:
        return parse_query(_url_query(), choices)
    if kept.get("dataset") != dataset:
        return Filters(), []
    if kept.get("page") != page:
        return parse_query(kept.get("query") or {}, choices)[0], []
    return None, []


def sidebar_filters(dataset: str, choices: FilterChoices, *, page: str) -> Filters:
    """Draw the date range and segment filters in the sidebar and return the filters in force.

    ``page`` names the calling page. Starts from the URL (a shared link) or the previous page, keeps the result
    in the URL and for the next page, and shows a gentle warning for link values it had to ignore.
    """
    start_from, warnings = _starting_point(dataset, page, choices)
    if start_from is not None:
        _seed_widgets(dataset, start_from, choices, force=True)
    else:
        kept = st.session_state.get(STATE_KEY) or {}
        _seed_widgets(dataset, parse_query(kept.get("query") or {}, choices)[0], choices, force=False)
        _sanitise_widgets(dataset, choices)
    bar = st.sidebar
    bar.markdown("**Filters**", help="Every page shows only the responses these filters keep. The address bar "
                                     "keeps them too: copy the link to share this view.")
    if choices.first is not None and choices.last is not None and choices.first < choices.last:
        bar.date_input("Dates", min_value=choices.first, max_value=choices.last, key=_widget_key(dataset, None),
                       format="YYYY-MM-DD", help="Responses dated in this range, both days included.")
    for column, options in choices.columns:
        bar.multiselect(escape_markdown(choices.label(column)), options, key=_widget_key(dataset, column),
                        placeholder="All")
    filters = _from_widgets(dataset, choices)
    if filters.active:
        bar.button("Clear filters", key=f"_filter|{dataset}|clear", icon=":material/filter_alt_off:",
                   on_click=_clear, args=(dataset, choices))
    for warning in warnings:
        bar.warning(warning, icon=":material/link_off:")
    _remember(dataset, page, filters)
    return filters


def pick_callback(dataset: str, chart_key: str, fields: Sequence[tuple[str, str]],
                  choices: FilterChoices) -> Callable[[], None]:
    """Return the ``on_select`` callback of a chart: a clicked group becomes the portal's filter on its column."""

    def on_pick() -> None:
        state = st.session_state.get(chart_key) or {}
        selection = (state.get("selection") or {}) if isinstance(state, dict) else {}
        picked: dict[str, list[str]] = {}
        for points in selection.values():
            picked.update(selection_filters(points, fields))
        if not picked:
            return
        now = _from_widgets(dataset, choices)
        for column, values in picked.items():
            if choices.options(column) is not None:
                now = now.with_values(column, [v for v in values if v in (choices.options(column) or ())])
        _seed_widgets(dataset, now, choices, force=True)

    return on_pick


def filter_to(dataset: str, column: str, values: Sequence[str], choices: FilterChoices) -> Callable[[], None]:
    """Return a button callback that makes ``values`` the portal's filter on ``column`` (other filters are kept)."""

    def on_click() -> None:
        allowed = choices.options(column) or ()
        now = _from_widgets(dataset, choices).with_values(column, [v for v in values if v in allowed])
        _seed_widgets(dataset, now, choices, force=True)

    return on_click
