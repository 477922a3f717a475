"""What customers say about a theme: search and filters, highlighted comment cards, a table, a download, and
the form that corrects one comment's themes or sentiment by hand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from portal.model import DatasetInfo
from portal.services import themes as theme_service
from portal.text import sentiment
from portal.text.theme_view import ThemeView
from portal.text.theme_wording import comment_scope, correction_line, verbatims_line
from portal.text.verbatims import (
    NO_SENTIMENT,
    card_facts,
    export_verbatims,
    filter_verbatims,
    languages_of,
    merge_spans,
    page_count,
    present_sentiments,
    segment_pairs,
    short_text,
    term_spans,
    themes_of,
    unthemed,
    verbatims_file,
)
from portal.ui.collect import save_control, widget_key
from portal.ui.context import choices_of, get_store
from portal.ui.downloads import csv_download
from portal.ui.errors import friendly_errors
from portal.ui.filters import FilterChoices
from portal.ui.links import linked
from portal.ui.markdown import escape_markdown
from portal.ui.theme_states import say_after_rerun

#: Comments shown per page of the comment cards.
PAGE_SIZE = 10
#: Most comments offered in the correction form's list (the filters narrow it down).
MAX_CORRECTABLE = 300
#: The correction form's choice that keeps the portal's own reading of a comment's sentiment.
AS_DETECTED = "as detected"
_ICONS = {"negative": ":red[:material/sentiment_dissatisfied:]", "neutral": ":gray[:material/sentiment_neutral:]",
          "positive": ":green[:material/sentiment_satisfied:]", NO_SENTIMENT: ":gray[:material/help:]"}


def highlight(text: Any, spans: Sequence[tuple[int, int]] = ()) -> str:
    """Return ``text`` as escaped Markdown with the characters in ``spans`` in bold (never raw HTML)."""
    text = "" if text is None else str(text)
    parts: list[str] = []
    at = 0
    for start, end in merge_spans(spans, text):
        parts.append(escape_markdown(text[at:start], keep_edges=True))
        inner = escape_markdown(text[start:end], keep_edges=True).strip()
        if inner:
            parts.append(f"**{inner}**")
        at = end
    parts.append(escape_markdown(text[at:], keep_edges=True))
    return "".join(parts).strip()


@dataclass(frozen=True)
class Found:
    """The comments that match the search and filters above the cards."""

    rows: pd.DataFrame
    search: str
    scope: str


def _search(info: DatasetInfo, view: ThemeView, comments: pd.DataFrame, verbatims: pd.DataFrame,
            theme: str) -> Found:
    """Draw the search box and the sentiment, segment and language filters; return what matches."""
    search_col, scope_col = st.columns([4, 2], vertical_alignment="bottom")
    search = search_col.text_input("Search the comments", **linked("themes_search"), placeholder="a word or phrase",
                                   help="Finds comments that contain these characters, ignoring upper/lower case.")
    everywhere = scope_col.toggle("Search every comment", **linked("themes_search_all"),
                                  help=f"Off: only comments about '{escape_markdown(theme)}'. On: all comments in the "
                                       "selection.")
    pool = unthemed(comments) if everywhere else verbatims
    sent_col, seg_col, lang_col = st.columns([2, 3, 2])
    present = present_sentiments(pool)
    sentiments = sent_col.multiselect("Sentiment", present, placeholder="All",
                                      **linked("themes_f_sentiment", present, what="the sentiment"))
    labels = choices_of(info)
    pairs = segment_pairs(pool, view.segments)
    pair_label = lambda p: f"{labels.label(p[0])}: {p[1]}"  # noqa: E731
    where = seg_col.multiselect("Segment", pairs, placeholder="All", format_func=pair_label,
                                **linked("themes_f_segment", pairs, pair_label, what="the segment"))
    spoken = languages_of(pool)
    languages = lang_col.multiselect("Language", spoken, placeholder="All",
                                     **linked("themes_f_language", spoken, what="the language"))
    shown = filter_verbatims(pool, search=search, sentiments=sentiments, where=where, languages=languages)
    return Found(shown, search, comment_scope(theme, everywhere))


def verbatim_section(info: DatasetInfo, view: ThemeView, comments: pd.DataFrame, verbatims: pd.DataFrame,
                     theme: str) -> None:
    """Draw the comments: search, filters, highlighted cards, a table, a download and the correction form."""
    st.markdown("**What customers say**")
    found = _search(info, view, comments, verbatims, theme)
    shown = found.rows
    if shown.empty:
        st.info(escape_markdown(f"No comment {found.scope} matches. Clear the search or a filter above."),
                icon=":material/search_off:")
        return
    st.caption(escape_markdown(verbatims_line(len(shown), found.scope, found.search)))
    pages = page_count(len(shown), PAGE_SIZE)
    page_no = 1
    if pages > 1:
        page_no = int(st.number_input(f"Page (of {pages:,})", 1, pages, 1, key="themes_page", width=140))
    cards(shown.iloc[(page_no - 1) * PAGE_SIZE: page_no * PAGE_SIZE], found.search, view.segments,
          choices_of(info), info)
    exported = export_verbatims(shown, view.segments)
    with st.expander(f"All {len(shown):,} comments as a table"):
        st.dataframe(exported.drop(columns="Response key"), hide_index=True, width="stretch", height=320)
    csv_download(verbatims_file(shown, view.segments), "Download these comments (CSV)", f"{info.name}-{theme}-comments.csv".replace("/", "-"),
                 key="themes_comments_csv")
    correction(info, view, shown)


def cards(rows: pd.DataFrame, search: str, segments: tuple[str, ...], labels: FilterChoices,
          info: DatasetInfo | None = None) -> None:
    """Draw comments as quoted text, the theme's words and the search in bold, everything else escaped; with
    ``info``, each card has a control that saves its comment to a collection."""
    with st.container(border=True):
        for i, row in enumerate(rows.to_dict(orient="records")):
            if i:
                st.divider()
            text = str(row["comment"])
            spans = [*row["spans"], *term_spans(text, search)]
            facts = card_facts(row, segments, labels.label)
            block = (f"{_ICONS.get(row['sentiment'], '')} {highlight(text, spans)}  \n"
                     f":gray[{escape_markdown(' · '.join(facts))}]")
            if info is None:
                st.markdown(block)
                continue
            text_col, save_col = st.columns([10, 2], vertical_alignment="top")
            text_col.markdown(block)
            with save_col:
                save_control(info, str(row["row_key"]), key=widget_key("themes_collect", str(row["row_key"])))


def _start_from(row_key: str, themes: list[str], label: str | None) -> None:
    """Fill the correction form with what a newly picked comment has now."""
    if st.session_state.get("themes_fix_for") != row_key:
        st.session_state["themes_fix_for"] = row_key
        st.session_state["themes_fix_themes"] = themes
        st.session_state["themes_fix_sent"] = label or AS_DETECTED


def _hand_set_label(info: DatasetInfo, row_key: str) -> str | None:
    """Return the sentiment set by hand for one comment (None when it keeps the detected one)."""
    fixed = theme_service.corrections(get_store(), info.name)
    mine = fixed[fixed["row_key"] == row_key]
    return mine["sentiment_label"].iloc[0] if len(mine) and pd.notna(mine["sentiment_label"].iloc[0]) else None


def correction(info: DatasetInfo, view: ThemeView, shown: pd.DataFrame) -> None:
    """Draw the small form that corrects one comment's themes or sentiment by hand."""
    with st.expander("Correct a comment's themes or sentiment", icon=":material/edit_note:"):
        st.caption("Pick a comment from the list above. Your correction is kept apart from the automatic result, "
                   "so it survives every later change to the codeframe.")
        options = shown["row_key"].tolist()[:MAX_CORRECTABLE]
        texts = dict(zip(shown["row_key"], shown["comment"], strict=True))
        row_key = st.selectbox("Comment", options, key="themes_fix_row",
                               format_func=lambda k: short_text(texts.get(k, k)))
        if row_key is None:
            return
        names = view.codeframe.labels()
        current = shown.loc[shown["row_key"] == row_key].iloc[0]
        _start_from(row_key, themes_of(current, names), _hand_set_label(info, row_key))
        themes = st.multiselect("Its themes", names, key="themes_fix_themes", placeholder="No theme")
        chosen = st.selectbox("Its sentiment", [AS_DETECTED, *sentiment.LABELS], key="themes_fix_sent",
                              help="'as detected' keeps the portal's own reading of the comment.")
        if st.button("Save the correction", key="themes_fix_save", icon=":material/save:", type="primary"):
            with friendly_errors():
                label = None if chosen == AS_DETECTED else chosen
                kept = theme_service.correct_themes(get_store(), info.name, row_key, themes)
                theme_service.correct_sentiment(get_store(), info.name, row_key, label)
                say_after_rerun(correction_line(kept, label))
                st.rerun()
