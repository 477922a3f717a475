"""One theme in depth: its figures and keywords, its trend, the sentiment of its mentions, the groups that
mention it more or less often, and its comments."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from portal import settings
from portal.metrics import MISSING_LABEL
from portal.model import DatasetInfo
from portal.text.theme_view import ThemeView, group_rows, sub_themes, trend_period
from portal.text.theme_wording import keyword_line, level_line, split_line, theme_facts
from portal.text.verbatims import sentiment_split, theme_verbatims
from portal.ui.charts import show_chart
from portal.ui.context import choices_of
from portal.ui.downloads import table_downloads
from portal.ui.errors import friendly_errors
from portal.ui.filters import Filters
from portal.ui.links import linked
from portal.ui.markdown import escape_markdown
from portal.ui.theme_charts import sentiment_chart, trend_chart
from portal.ui.theme_data import breakdown_of, comments_of, trend_of
from portal.ui.theme_list import current_ranking, level_chart
from portal.ui.verbatims import verbatim_section

#: Above this share of the comments a theme is too broad to tell much alone, and the page says so.
BROAD_SHARE = 0.5


def theme_detail(info: DatasetInfo, view: ThemeView, stamp: tuple[Any, ...], filters: Filters, theme: str) -> None:
    """Draw the chosen theme: figures, keywords, trend, sentiment split, groups and comments (a failure shows
    here, not on the whole page)."""
    with friendly_errors():
        _theme_detail(info, view, stamp, filters, theme)


def _theme_detail(info: DatasetInfo, view: ThemeView, stamp: tuple[Any, ...], filters: Filters, theme: str) -> None:
    """Draw the chosen theme: figures, keywords, trend, sentiment split, groups and comments."""
    row = view.table[view.table["theme"] == theme].iloc[0]
    keywords = keyword_line(theme, row["keywords"])
    st.markdown(f"{escape_markdown(theme_facts(row, view.has_nps))}  \n:gray[Keywords: {escape_markdown(keywords)}]")
    broad = broad_note(theme, float(row["share"]), bool(sub_themes(view.table, theme)))
    if broad:
        st.info(escape_markdown(broad), icon=":material/zoom_in:")
    levels(info, view, theme, row)
    comments, assigned = comments_of(info, stamp, filters)
    verbatims = theme_verbatims(comments, assigned, str(row["theme_key"]))
    left, right = st.columns([3, 2], gap="large")
    with left, friendly_errors():
        trend(info, stamp, filters, theme)
    with right, friendly_errors():
        mention_sentiment(verbatims)
    with friendly_errors():
        groups_of_theme(info, view, stamp, filters, theme)
    verbatim_section(info, view, comments, verbatims, theme)


def broad_note(theme: str, share: float, has_subthemes: bool) -> str:
    """Return a warning for a theme in more than ``BROAD_SHARE`` of the comments ("" for a narrower one).

    A theme most comments mention (a BA review's "drink & meal" in three of four) tells a reader little on its
    own; the page says so and points to what does.
    """
    if not share > BROAD_SHARE:
        return ""
    where = "its sub-themes below and its comments" if has_subthemes else "its comments below"
    return (f"'{theme}' is in {100 * share:.0f}% of the comments, so on its own it says little about what people "
            f"mean: {where} say more. To split it into narrower themes, use the Edit the codeframe tab.")


def levels(info: DatasetInfo, view: ThemeView, theme: str, row: pd.Series) -> None:
    """Draw where the theme sits: the ranked chart of its sub-themes, or the theme it is a sub-theme of."""
    line = level_line(theme, row["parent"], sub_themes(view.table, theme))
    if line:
        st.caption(escape_markdown(line))
    if sub_themes(view.table, theme):
        st.markdown(f"**What about {escape_markdown(theme)}: its sub-themes**")
        level_chart(info, view, theme, current_ranking(view), parent=theme)


def trend(info: DatasetInfo, stamp: tuple[Any, ...], filters: Filters, theme: str) -> None:
    """Draw the theme's share of comments per month (or week, for a short span)."""
    period = trend_period(info.date_min, info.date_max)
    st.markdown(f"**Share of comments by {period}**")
    if info.date_min is None:
        st.caption("No trend: this dataset has no dates.")
        return
    shares = trend_of(info, stamp, filters, theme, period)
    if shares.empty:
        st.caption("No trend: no comment in this selection has a date.")
    else:
        show_chart(trend_chart(shares, period), name=f"{info.name}-{theme}-share-by-{period}", key="theme_trend_chart",
                   title=f"Share of comments mentioning {theme}, by {period}")


def mention_sentiment(verbatims: pd.DataFrame) -> None:
    """Draw how many of the theme's mentions are negative, neutral and positive."""
    st.markdown("**Sentiment of the mentions**", help="Each mention is judged by the sentence that mentions "
                                                      "the theme, so one comment can praise one theme and "
                                                      "criticise another.")
    split = sentiment_split(verbatims)
    if split["n"].sum():
        show_chart(sentiment_chart(split), name="theme-mention-sentiment", key="theme_sentiment_chart",
                   title="Sentiment of the mentions")
        st.caption(split_line(split))
    else:
        st.caption("No mention in this selection.")


def groups_of_theme(info: DatasetInfo, view: ThemeView, stamp: tuple[Any, ...], filters: Filters,
                    theme: str) -> None:
    """Draw which groups mention the theme more or less often than the rest (tested)."""
    if not view.segments:
        return
    choices = choices_of(info)
    by = st.columns([2, 3])[0].selectbox(
        "Which groups mention it more often?", view.segments, format_func=choices.label,
        **linked("themes_by", view.segments, choices.label, what="the column to compare groups by"),
        help="Which groups mention this theme more often than all other groups. A real difference "
        "is one that chance would explain less than 5% of the time, after adjusting for "
        "testing many groups at once.")
    table = breakdown_of(info, stamp, filters, theme, by)
    if table.empty:
        st.caption("No group to compare.")
        return
    rows = group_rows(table, MISSING_LABEL)
    rows = rows.sort_values("Comments", key=lambda n: n < settings.min_group_size(), kind="stable")
    st.dataframe(rows, hide_index=True, width="stretch", column_config={
        "Comments": st.column_config.NumberColumn(format="localized"),
        "Share": st.column_config.NumberColumn(format="%.0f%%", help="Share of the group's comments that mention "
                                                                   "the theme."),
        "vs rest (pts)": st.column_config.NumberColumn(format="%+.1f", help="Difference from all other groups, in "
                                                                           "percentage points."),
    })
    table_downloads(rows, "Download the groups (CSV)", f"{info.name}-{theme}-by-{by}.csv".replace("/", "-"),
                    key="theme_groups_csv")
    st.caption(f"Groups with fewer than {settings.min_group_size()} comments are listed last and never called a real "
               "difference.")
