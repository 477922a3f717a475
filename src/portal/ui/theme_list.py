"""Every theme at a glance: the title line, the ranked chart, coverage and emerging themes, the full table."""

from __future__ import annotations

import streamlit as st

from portal.model import DatasetInfo
from portal.text.theme_view import (
    RANKINGS,
    ThemeView,
    emerging_themes,
    level_rows,
    pct,
    ranking_frame,
    rankings_for,
    shown_theme_rows,
    theme_labels,
)
from portal.text.theme_wording import coverage_line, dataset_line, ranking_note, theme_facts
from portal.ui.charts import show_chart
from portal.ui.downloads import csv_download
from portal.ui.errors import friendly_errors
from portal.ui.filters import FilterChoices, Filters, describe_filters
from portal.ui.links import linked
from portal.ui.markdown import escape_markdown
from portal.ui.theme_charts import SELECTION, ranking_chart
from portal.ui.theme_states import THEME_KEY

RANKING_KEY = "themes_ranking"
HELP = {
    "coverage": "The share of comments that got at least one theme. The rest are shown as 'Uncategorised' so "
                "nothing is hidden; add keywords or a theme to cover them. Comments in a language without themes "
                "of its own are counted apart, as not read.",
    "impact": "How much the theme moves the overall NPS: NPS of all responses minus NPS of the responses that do "
              "not mention it. Negative: the theme pulls NPS down. The bar shows a 95% bootstrap interval.",
    "volume": "How many comments mention the theme, as a share of all comments, with a 95% interval.",
    "negative": "The share of the theme's mentions that are negative (the sentiment of the sentences that "
                "mention it), with a 95% interval.",
}


def header(info: DatasetInfo, view: ThemeView, version: int, filters: Filters, choices: FilterChoices) -> None:
    """Draw the title line: how many comments, the coverage and the codeframe version."""
    subs = len(view.codeframe.parent_keys())
    words = dataset_line(info.name, view.comments, len(view.codeframe.themes) - subs, version,
                         describe_filters(filters, choices), sub_themes=subs)
    st.caption(escape_markdown(words))
    if view.not_read.comments:
        st.info(escape_markdown(view.not_read.message), icon=":material/translate:")


def _pick_from_chart(chart_key: str) -> None:
    """Make the clicked theme the chosen one (the chart's ``on_select`` callback)."""
    state = st.session_state.get(chart_key) or {}
    selection = (state.get("selection") or {}) if isinstance(state, dict) else {}
    points = selection.get(SELECTION) or []
    if isinstance(points, list) and points and isinstance(points[0], dict) and points[0].get("theme"):
        st.session_state[THEME_KEY] = str(points[0]["theme"])


def ranked_chart(info: DatasetInfo, view: ThemeView, selected: str) -> None:
    """Draw the ranking choice and the ranked chart of themes (a failure shows here, not on the whole page)."""
    with friendly_errors():
        _ranked_chart(info, view, selected)


def current_ranking(view: ThemeView) -> str:
    """Return the ranking chosen on the page (volume until one is chosen)."""
    rankings = rankings_for(view.has_nps)
    chosen = st.session_state.get(RANKING_KEY)
    return chosen if chosen in rankings else "volume"


def _ranked_chart(info: DatasetInfo, view: ThemeView, selected: str) -> None:
    """Draw the ranking choice and the ranked chart of the top-level themes."""
    rankings = rankings_for(view.has_nps)
    if st.session_state.get(RANKING_KEY) not in rankings:
        st.session_state[RANKING_KEY] = "volume"
    ranking = st.segmented_control(
        "Rank themes by", rankings, format_func=RANKINGS.get,
        **linked(RANKING_KEY, rankings, RANKINGS.get, what="the ranking"),
        help=" ".join(HELP[r] for r in rankings)) or "volume"
    level_chart(info, view, selected, ranking)


def level_chart(info: DatasetInfo, view: ThemeView, selected: str, ranking: str, parent: str | None = None) -> None:
    """Draw the ranked chart of one level: the top-level themes, or the sub-themes of ``parent``."""
    data = ranking_frame(view.table, ranking, view.comments, parent=parent)
    if data.empty:
        st.info("No theme has this figure in the selection.", icon=":material/info:")
        return
    chart_key = f"themes_chart|{info.name}|{ranking}|{parent or ''}"
    show_chart(ranking_chart(data, ranking, selected), name=f"{info.name}-themes-by-{ranking}", key=chart_key,
               title=f"Themes by {RANKINGS[ranking].lower()}", on_select=lambda: _pick_from_chart(chart_key),
               selection_mode=SELECTION)
    level = level_rows(view.table, parent)
    st.caption(ranking_note(ranking, len(level) - len(data), parent=parent,
                            has_sub_themes=bool(view.codeframe.parent_keys())))


def summary(view: ThemeView, theme: str) -> None:
    """Draw the coverage, the chosen theme and the emerging themes beside the chart."""
    with st.container(border=True):
        st.metric("Coverage", pct(view.coverage), help=HELP["coverage"])
        st.caption(escape_markdown(coverage_line(view.coverage, view.comments)))
    chosen = view.table[view.table["theme"] == theme]
    if len(chosen):
        with st.container(border=True):
            st.markdown(f"**{escape_markdown(theme_labels(view.table).get(theme, theme))}**  \n"
                        f"{escape_markdown(theme_facts(chosen.iloc[0], view.has_nps))}")
            st.caption("Its trend, groups and comments are below the chart.")
    emerging = emerging_themes(view.table)
    with st.container(border=True):
        st.markdown("**Emerging**", help="Themes mentioned far more in the latest month (or week) than in the six "
                                         "before, beyond what chance would explain.")
        if emerging:
            st.markdown("  \n".join(f":orange[:material/trending_up:] {escape_markdown(t)}" for t in emerging))
        else:
            st.caption("No theme is growing faster than chance would explain.")


def theme_table(info: DatasetInfo, view: ThemeView) -> None:
    """Draw every figure per theme as a table with a CSV download."""
    rows = shown_theme_rows(view.table, view.has_nps)
    config = {
        "Comments": st.column_config.NumberColumn(format="localized"),
        "Requests": st.column_config.NumberColumn(format="localized", help="Comments of the theme that ask for "
                                                  "something new or changed."),
        "Share": st.column_config.ProgressColumn(format="%.0f%%", min_value=0, max_value=100,
                                                 help="Share of all comments that mention the theme."),
        "Sentiment": st.column_config.NumberColumn(format="%+.2f", help="Average sentiment of the mentions, "
                                                                       "-1 (negative) to 1 (positive)."),
        "Negative": st.column_config.NumberColumn(format="%.0f%%", help=HELP["negative"]),
        "NPS": st.column_config.NumberColumn(format="%.0f", help="NPS of the responses that mention the theme."),
        "NPS impact": st.column_config.NumberColumn(format="%+.1f", help=HELP["impact"]),
        "Impact from": st.column_config.NumberColumn(format="%+.1f"),
        "Impact to": st.column_config.NumberColumn(format="%+.1f"),
        "Revenue": st.column_config.NumberColumn(format="localized", help="Revenue of the customers who mention it."),
        "Emerging": st.column_config.CheckboxColumn(help="Growing faster than chance would explain."),
    }
    st.dataframe(rows, hide_index=True, width="stretch", column_config=config)
    if view.not_read.comments:
        st.caption(escape_markdown(f"Not in this table: {view.not_read.message}"))
    csv_download(rows, "Download the table (CSV)", f"{info.name}-themes.csv".replace("/", "-"), key="themes_csv")
