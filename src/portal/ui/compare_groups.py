"""The Themes page's "Compare two groups" tab: two periods or two values of a column, theme by theme.

Built on the comparison engine (``portal.services.compare_groups``): per theme both groups' mention shares and
problem rates, the difference and whether it is real (two-proportion z-test, Benjamini-Hochberg across themes), in
words and as a downloadable table. Every choice is in the link (``themes_cmp_by``, ``themes_cmp_first``,
``themes_cmp_second``).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from portal import settings
from portal.compare import Comparison
from portal.errors import UsageError
from portal.model import DatasetInfo
from portal.services import compare_groups as service
from portal.services.datasets import segment_columns
from portal.ui.context import get_store
from portal.ui.downloads import csv_download
from portal.ui.filters import Filters
from portal.ui.links import linked
from portal.ui.markdown import escape_markdown

BY, FIRST, SECOND = "themes_cmp_by", "themes_cmp_first", "themes_cmp_second"
#: The periods offered, as the choice shows them.
PERIODS = {"quarter": "Quarters", "month": "Months"}
#: The table's rate columns (shares of 0 to 1), shown in percent with one decimal.
RATES = ("first_share", "second_share", "first_problem_rate", "second_problem_rate")


def labels(first: str, second: str) -> dict[str, str]:
    """Return the table's columns as shown, naming the two groups rather than "first" and "second"."""
    return {"theme": "Theme", "verdict": "Verdict", "first_share": f"Mentioned in {first}",
            "second_share": f"Mentioned in {second}", "first_problem_rate": f"Problems in {first}",
            "second_problem_rate": f"Problems in {second}", "difference": "Difference (points)",
            "p_adjusted": "Chance it's noise (adjusted)",
            "share_p_adjusted": "Chance it's noise, mentions (adjusted)"}


def shown_table(table: pd.DataFrame, first: str, second: str) -> pd.DataFrame:
    """Return the per-theme table as the tab shows it: rates and the difference in percent (points)."""
    names = labels(first, second)
    pct = table.assign(**{c: 100.0 * table[c] for c in (*RATES, "difference")})
    return pct[list(names)].rename(columns=names)


def groupings(info: DatasetInfo) -> list[str]:
    """Return what can be compared: "quarter" and "month" when the dataset has dates, then its brand and segments."""
    mapping = info.config.mapping
    return ([*PERIODS] if mapping.date else []) + (["brand"] if mapping.brand else []) + segment_columns(info)


def _label(option: str) -> str:
    """Return how a grouping is shown (and named in the link)."""
    return PERIODS.get(option, "Brand" if option == "brand" else option)


def _split(option: str) -> dict[str, str]:
    """Return the service's keyword for a grouping: ``grain`` for a period, else ``column``."""
    return {"grain": option} if option in PERIODS else {"column": option}


@st.cache_data(show_spinner=False, max_entries=32)
def _choices(url: str, name: str, version: int, option: str) -> list[str]:
    """Return the groups of ``option`` (periods newest first, values largest first)."""
    del url, version
    try:
        return service.group_choices(get_store(), name, **_split(option))
    except UsageError:
        return []


@st.cache_data(show_spinner="Comparing the two groups ...", max_entries=32)
def _table(url: str, name: str, stamp: tuple[Any, ...], option: str, pair: tuple[str, str], key: tuple[Any, ...],
           min_n: int) -> tuple[Comparison, pd.DataFrame]:
    """Return the comparison and its per-theme table; the key holds the data, codeframe, choices and filters."""
    del url, stamp
    filters = Filters.from_key(key)
    result = service.compare_two(get_store(), name, first=pair[0], second=pair[1], start=filters.start,
                                 end=filters.end, where=filters.where, min_n=min_n, **_split(option))
    return result, service.two_group_table(result)


def _pickers(info: DatasetInfo) -> tuple[str, str, str] | None:
    """Draw the choice of grouping and of the two groups; return them (None when there are not two groups)."""
    options = groupings(info)
    if not options:
        st.info("This dataset has no dates, brand or segment columns, so there are no groups to compare.",
                icon=":material/info:")
        return None
    by_col, first_col, second_col = st.columns(3)
    option = by_col.selectbox("Compare", options, format_func=_label, **linked(BY, options, _label, what="the grouping"),
                              help="Two periods of the date column, or two values of a column.")
    found = _choices(settings.database_url(), info.name, info.data_version, option)
    if len(found) < 2:
        st.info(escape_markdown(f"{_label(option)} has fewer than two groups here, so there is nothing to compare."),
                icon=":material/info:")
        return None
    first = first_col.selectbox("First", found, **linked(FIRST, found, what="the first group"),
                                help="For periods, the newest is first; the difference is first minus second.")
    others = [v for v in found if v != first]
    if st.session_state.get(SECOND) not in others:
        st.session_state.pop(SECOND, None)
    second = second_col.selectbox("Second", others, **linked(SECOND, others, what="the second group"),
                                  help="The group the first is compared with.")
    return option, first, second


def small_group_note(sizes: dict[str, int], pair: tuple[str, str], min_n: int) -> str:
    """Return why no difference can be real when a group has fewer than ``min_n`` responses ("" otherwise).

    The newest quarter of the British Airways reviews holds 4 reviews: every theme came out "too few" under
    "No theme differs ... by more than chance", which read as "nothing changed".
    """
    small = [g for g in pair if sizes.get(g, 0) < min_n]
    if not small:
        return ""
    names = " and ".join(f"{g} ({sizes.get(g, 0):,} responses)" for g in small)
    return (f"{names} {'is' if len(small) == 1 else 'are'} too small to call any difference real (at least "
            f"{min_n:,} are needed), so the table shows the figures without a verdict. Pick a larger group or "
            "a longer period.")


def compare_tab(info: DatasetInfo, stamp: tuple[Any, ...], filters: Filters) -> None:
    """Draw the two-group comparison: pickers, the real differences in words, the table and its download."""
    st.caption("Compare two periods (\"2024 Q3 against 2024 Q2\") or two groups (\"Enterprise against SMB\") theme by "
               "theme: how often each group mentions the theme, how often negatively, and whether the difference is "
               f"more than chance would give (only for groups of at least {settings.min_group_size()} comments).",
               help="The chance is a two-proportion z-test, adjusted for testing every theme at once "
                    "(Benjamini-Hochberg).")
    picked = _pickers(info)
    if picked is None:
        return
    option, first, second = picked
    try:
        result, table = _table(settings.database_url(), info.name, (info.data_version, *stamp), option,
                               (first, second), filters.key(), settings.min_group_size())
    except UsageError as err:  # e.g. the sidebar's dates leave one of the two periods out
        st.info(escape_markdown(f"{err} Widen the sidebar's filters, or pick two other groups."),
                icon=":material/info:")
        return
    sizes = dict(zip(result.groups["group"], result.groups["n"], strict=True))
    st.markdown(escape_markdown(f"{first}: {sizes[first]:,} responses; {second}: {sizes[second]:,} responses."))
    small = small_group_note(sizes, (first, second), settings.min_group_size())
    if small:
        st.info(escape_markdown(small), icon=":material/group_off:")
    real = table[table["significant"]]
    if real.empty and not small:
        st.caption("No theme differs between the two by more than chance would explain.")
    else:
        st.markdown("\n".join(f"- {escape_markdown(s)}" for s in real["sentence"]))
    names = labels(first, second)
    config = {names[c]: st.column_config.NumberColumn(format="%.1f%%") for c in RATES}
    config[names["difference"]] = st.column_config.NumberColumn(
        format="%+.1f", help="The problem rate of the first group minus the second's, in percentage points.")
    chance = ("How likely chance alone gives a difference this large, adjusted for testing every theme; the Verdict "
              "says whether the difference is real.")
    for column in ("p_adjusted", "share_p_adjusted"):
        config[names[column]] = st.column_config.NumberColumn(format="%.3f", help=chance)
    st.dataframe(shown_table(table, first, second), hide_index=True, column_config=config)
    csv_download(table, "Download the comparison (CSV)", f"{info.name}-{first}-vs-{second}.csv".replace("/", "-"),
                 key="themes_cmp_csv")
