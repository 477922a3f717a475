"""Themes: what customers talk about, how many, how they feel, what it costs; the comments; the codeframe."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from portal import settings
from portal.services import themes as storage
from portal.store import DatasetInfo
from portal.text.codeframe import UNCATEGORISED, Codeframe, from_json, to_json
from portal.text.themes import MAX_THEMES, MIN_COMMENTS, MIN_THEMES, default_theme_count
from portal.ui import kpi
from portal.ui import themes as ui
from portal.ui.context import choices_of, data_page, get_store, load_responses
from portal.ui.downloads import csv_download
from portal.ui.errors import friendly_errors
from portal.ui.filters import FilterChoices, Filters, describe_filters

THEME_KEY = "themes_theme"
RANKING_KEY = "themes_ranking"
MESSAGE_KEY = "themes_message"
ACTION_KEY = "themes_edit_action"

#: Most comments offered in the correction form's list (the filters narrow it down).
MAX_CORRECTABLE = 300
_EDIT_FIELDS = ("theme", "themes", "name", "keywords")
_HELP = {
    "coverage": "The share of comments that got at least one theme. The rest are shown as 'Uncategorised' so "
                "nothing is hidden; add keywords or a theme to cover them.",
    "impact": "How much the theme moves the overall NPS: NPS of all responses minus NPS of the responses that do "
              "not mention it. Negative: the theme pulls NPS down. The bar shows a 95% bootstrap interval.",
    "volume": "How many comments mention the theme, as a share of all comments, with a 95% interval.",
    "negative": "The share of the theme's mentions that are negative (the sentiment of the sentences that "
                "mention it), with a 95% interval.",
    "preview": "Nothing is saved until you press Apply. The table shows how many comments each theme has now and "
               "would have after the change.",
}


# ---------------------------------------------------------------------------------------------------------
# Messages carried over a rerun
# ---------------------------------------------------------------------------------------------------------


def say_after_rerun(text: str) -> None:
    """Keep a sentence to show at the top of the page after the next rerun."""
    st.session_state[MESSAGE_KEY] = text


def show_message() -> None:
    """Show the sentence kept by the last change, once."""
    text = st.session_state.pop(MESSAGE_KEY, None)
    if text:
        st.success(kpi.escape_markdown(text), icon=":material/check_circle:")


def progress_bar(label: str) -> Any:
    """Return a progress callback drawing a bar under ``label`` (for applying, undoing, discovering)."""
    bar = st.progress(0.0, text=label)

    def update(fraction: float, message: str) -> None:
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=kpi.escape_markdown(message))

    return update


# ---------------------------------------------------------------------------------------------------------
# Empty states
# ---------------------------------------------------------------------------------------------------------


def link_to_data_sources(label: str) -> None:
    """Draw a link to the Data sources page (nothing when the page runs outside the portal's navigation)."""
    try:
        st.page_link("pages/data_sources.py", label=label, icon=":material/upload_file:")
    except StreamlitAPIException:
        pass


def no_data() -> None:
    """Explain how to add data when the store has no dataset."""
    st.title("Themes", anchor=False)
    st.info("There is no data yet. Upload a survey export, support tickets or app reviews on the Data sources "
            "page, or run `portal demo` to load two demo datasets. Themes are found in the comments as soon as "
            "a dataset with comments is imported.", icon=":material/info:")
    link_to_data_sources("Add data on the Data sources page")


def no_comments(info: DatasetInfo) -> None:
    """Explain that the dataset has no comments and what to do."""
    st.info(kpi.escape_markdown(
        f"The dataset '{info.name}' has no comments, so there are no themes to show. Themes come from free-text "
        "answers. Import the file again on the Data sources page and map its free-text column as "
        "'Comment (free text)', or choose another dataset in the sidebar."), icon=":material/chat_bubble:")
    link_to_data_sources("Map a comment column on the Data sources page")


def no_codeframe(info: DatasetInfo) -> None:
    """Explain why there are no themes yet and offer discovery or a theme made by hand."""
    texts = storage.comments_for_discovery(load_responses(info))
    if len(texts) < MIN_COMMENTS:
        st.info(kpi.escape_markdown(
            f"Themes are found from {MIN_COMMENTS} comments on; this dataset has {len(texts):,} comments in English. "
            "Import more comments, or add a theme by hand below: give it a name and the words customers use for it."),
            icon=":material/info:")
    else:
        st.info("This dataset has no themes yet. Let the portal find them, or add a theme by hand.",
                icon=":material/info:")
        discovery(info, confirm=False)
    st.markdown("**Add a theme by hand**")
    editor(info, Codeframe(), ui.theme_stamp(info), only=("Add a theme",))


# ---------------------------------------------------------------------------------------------------------
# The ranked chart and the table
# ---------------------------------------------------------------------------------------------------------


def _pick_from_chart(chart_key: str) -> None:
    """Make the clicked theme the chosen one (the chart's ``on_select`` callback)."""
    state = st.session_state.get(chart_key) or {}
    selection = (state.get("selection") or {}) if isinstance(state, dict) else {}
    points = selection.get(ui.SELECTION) or []
    if isinstance(points, list) and points and isinstance(points[0], dict) and points[0].get("theme"):
        st.session_state[THEME_KEY] = str(points[0]["theme"])


def header(info: DatasetInfo, view: ui.ThemeView, version: int, filters: Filters, choices: FilterChoices) -> None:
    """Draw the title line: how many comments, the coverage and the codeframe version."""
    words = (f"{info.name}: {view.comments:,} comments, {len(view.codeframe.themes)} themes (codeframe version "
             f"{version}).")
    where = describe_filters(filters, choices)
    if where:
        words += f" Filtered to {where}."
    st.caption(kpi.escape_markdown(words))


def ranked_chart(info: DatasetInfo, view: ui.ThemeView, selected: str) -> None:
    """Draw the ranking choice and the ranked chart of themes."""
    rankings = [r for r in ui.RANKINGS if r != "impact" or view.has_nps]
    if st.session_state.get(RANKING_KEY) not in rankings:
        st.session_state[RANKING_KEY] = "volume"
    ranking = st.segmented_control(
        "Rank themes by", rankings, format_func=ui.RANKINGS.get, key=RANKING_KEY,
        help=" ".join(_HELP[r] for r in rankings)) or "volume"
    data = ui.ranking_frame(view.table, ranking, view.comments)
    if data.empty:
        st.info("No theme has this figure in the selection.", icon=":material/info:")
        return
    chart_key = f"themes_chart|{info.name}|{ranking}"
    st.altair_chart(ui.ranking_chart(data, ranking, selected), width="stretch", key=chart_key,
                    on_select=lambda: _pick_from_chart(chart_key), selection_mode=ui.SELECTION)
    notes = {
        "volume": "Largest first. Bars: share of all comments; lines: 95% interval.",
        "negative": "Most negative first. Bars: share of the theme's mentions that are negative; lines: 95% interval.",
        "impact": "Themes that pull NPS down most come first (red); green ones lift it. Lines: 95% bootstrap "
                  "interval; a line crossing 0 means the effect could be chance.",
    }
    missing = len(view.table) - len(data)
    note = notes[ranking] + " Grey: comments without a theme. Click a bar to see its comments."
    if missing:
        note += f" {missing} themes without this figure are not shown."
    st.caption(note)


def summary(view: ui.ThemeView, theme: str) -> None:
    """Draw the coverage, the chosen theme and the emerging themes beside the chart."""
    with st.container(border=True):
        st.metric("Coverage", ui.pct(view.coverage), help=_HELP["coverage"])
        st.caption(kpi.escape_markdown(
            f"{round(view.coverage * view.comments):,} of {view.comments:,} comments have at least one theme."))
    chosen = view.table[view.table["theme"] == theme]
    if len(chosen):
        with st.container(border=True):
            st.markdown(f"**{kpi.escape_markdown(theme)}**  \n{kpi.escape_markdown(theme_facts(chosen.iloc[0], view))}")
            st.caption("Its trend, groups and comments are below the chart.")
    emerging = view.table.loc[view.table["emerging"], "theme"].tolist()
    with st.container(border=True):
        st.markdown("**Emerging**", help="Themes mentioned far more in the latest month (or week) than in the six "
                                         "before, beyond what chance would explain.")
        if emerging:
            st.markdown("  \n".join(f":orange[:material/trending_up:] {kpi.escape_markdown(t)}" for t in emerging))
        else:
            st.caption("No theme is growing faster than chance would explain.")


def theme_table(info: DatasetInfo, view: ui.ThemeView) -> None:
    """Draw every figure per theme as a table with a CSV download."""
    rows = ui.theme_rows(view.table)
    if not view.has_nps:
        rows = rows.drop(columns=["NPS", "NPS impact", "Impact from", "Impact to"])
    if rows["Revenue"].isna().all():
        rows = rows.drop(columns="Revenue")
    config = {
        "Comments": st.column_config.NumberColumn(format="localized"),
        "Share": st.column_config.ProgressColumn(format="%.0f%%", min_value=0, max_value=100,
                                                 help="Share of all comments that mention the theme."),
        "Sentiment": st.column_config.NumberColumn(format="%+.2f", help="Average sentiment of the mentions, "
                                                                       "-1 (negative) to 1 (positive)."),
        "Negative": st.column_config.NumberColumn(format="%.0f%%", help=_HELP["negative"]),
        "NPS": st.column_config.NumberColumn(format="%.0f", help="NPS of the responses that mention the theme."),
        "NPS impact": st.column_config.NumberColumn(format="%+.1f", help=_HELP["impact"]),
        "Impact from": st.column_config.NumberColumn(format="%+.1f"),
        "Impact to": st.column_config.NumberColumn(format="%+.1f"),
        "Revenue": st.column_config.NumberColumn(format="localized", help="Revenue of the customers who mention it."),
        "Emerging": st.column_config.CheckboxColumn(help="Growing faster than chance would explain."),
    }
    st.dataframe(rows, hide_index=True, width="stretch", column_config=config)
    csv_download(rows, "Download the table (CSV)", f"{info.name}-themes.csv".replace("/", "-"), key="themes_csv")


# ---------------------------------------------------------------------------------------------------------
# One theme: trend, segments, sentiment, comments
# ---------------------------------------------------------------------------------------------------------


def _period(info: DatasetInfo) -> str:
    """Return the trend's period: month, or week when the data span less than half a year."""
    if info.date_min is None or info.date_max is None:
        return "month"
    return "month" if (info.date_max - info.date_min).days >= 180 else "week"


def theme_facts(row: pd.Series, view: ui.ThemeView) -> str:
    """Return the chosen theme's key figures in one line."""
    parts = [f"{int(row['n']):,} comments ({ui.pct(row['share'])})"]
    if ui._finite(row["negative_share"]):
        parts.append(f"{ui.pct(row['negative_share'])} negative")
    if view.has_nps and ui._finite(row["nps"]):
        parts.append(f"NPS {row['nps']:.0f}")
    if view.has_nps and ui._finite(row["nps_impact"]):
        parts.append(f"impact on NPS {row['nps_impact']:+.1f} points (95%: {row['nps_impact_low']:+.1f} to "
                     f"{row['nps_impact_high']:+.1f})")
    return "; ".join(parts) + "."


def theme_detail(info: DatasetInfo, view: ui.ThemeView, stamp: tuple[Any, ...], filters: Filters, theme: str) -> None:
    """Draw the chosen theme: figures, keywords, trend, sentiment split, groups and comments."""
    row = view.table[view.table["theme"] == theme].iloc[0]
    words = list(row["keywords"])
    keywords = ", ".join(words[:15]) + (f" and {len(words) - 15} more" if len(words) > 15 else "")
    if theme == UNCATEGORISED:
        keywords = "none: these comments match no theme"
    st.markdown(f"{kpi.escape_markdown(theme_facts(row, view))}  \n:gray[Keywords: {kpi.escape_markdown(keywords)}]")
    comments, assigned = ui.comments_of(info, stamp, filters)
    verbatims = ui.theme_verbatims(comments, assigned, str(row["theme_key"]))
    left, right = st.columns([3, 2], gap="large")
    with left, friendly_errors():
        period = _period(info)
        st.markdown(f"**Share of comments by {period}**")
        if info.date_min is None:
            st.caption("No trend: this dataset has no dates.")
        else:
            trend = ui.trend_of(info, stamp, filters, theme, period)
            if trend.empty:
                st.caption("No trend: no comment in this selection has a date.")
            else:
                st.altair_chart(ui.trend_chart(trend, period), width="stretch")
    with right, friendly_errors():
        st.markdown("**Sentiment of the mentions**", help="Each mention is judged by the sentence that mentions "
                                                          "the theme, so one comment can praise one theme and "
                                                          "criticise another.")
        split = ui.sentiment_split(verbatims)
        if split["n"].sum():
            st.altair_chart(ui.sentiment_chart(split), width="stretch")
            st.caption(" · ".join(f"{s}: {n:,} ({ui.pct(p)})" for s, n, p in
                                  zip(split["sentiment"], split["n"], split["share"], strict=True)))
        else:
            st.caption("No mention in this selection.")
    with friendly_errors():
        segments_of_theme(info, view, stamp, filters, theme)
    verbatim_section(info, view, comments, verbatims, theme)


def segments_of_theme(info: DatasetInfo, view: ui.ThemeView, stamp: tuple[Any, ...], filters: Filters,
                      theme: str) -> None:
    """Draw which groups mention the theme more or less often than the rest (tested)."""
    if not view.segments:
        return
    choices = choices_of(info)
    by = st.columns([2, 3])[0].selectbox(
        "Which groups mention it more often?", view.segments, format_func=choices.label, key="themes_by",
        help="Which groups mention this theme more often than all other groups. A real difference "
        "is one that chance would explain less than 5% of the time, after adjusting for "
        "testing many groups at once.")
    table = ui.breakdown_of(info, stamp, filters, theme, by)
    if table.empty:
        st.caption("No group to compare.")
        return
    verdict = ["Too few comments" if low else ("More than the rest" if d > 0 else "Less than the rest") if sig
               else "No real difference"
               for low, sig, d in zip(table["low_sample"], table["significant"], table["difference"], strict=True)]
    shown = pd.DataFrame({
        "Group": [kpi.MISSING_LABEL if v is None else str(v) for v in table["value"]],
        "Comments": table["comments"],
        "Share": 100.0 * table["share"],
        "vs rest (pts)": table["difference"],
        "Verdict": verdict,
    }).sort_values("vs rest (pts)", ascending=False)
    st.dataframe(shown, hide_index=True, width="stretch", column_config={
        "Share": st.column_config.NumberColumn(format="%.0f%%", help="Share of the group's comments that mention "
                                                                   "the theme."),
        "vs rest (pts)": st.column_config.NumberColumn(format="%+.1f", help="Difference from all other groups, in "
                                                                           "percentage points."),
    })
    st.caption(f"Groups with fewer than {settings.min_group_size()} comments are never called a real difference.")


def verbatim_section(info: DatasetInfo, view: ui.ThemeView, comments: pd.DataFrame, verbatims: pd.DataFrame,
                     theme: str) -> None:
    """Draw the comments: search, filters, highlighted cards, a table, a download and the correction form."""
    st.markdown("**What customers say**")
    search_col, scope_col = st.columns([4, 2], vertical_alignment="bottom")
    search = search_col.text_input("Search the comments", key="themes_search", placeholder="a word or phrase",
                                   help="Finds comments that contain these characters, ignoring upper/lower case.")
    everywhere = scope_col.toggle("Search every comment", key="themes_search_all",
                                  help=f"Off: only comments about '{theme}'. On: all comments in the selection.")
    pool = comments.assign(reason="", spans=[()] * len(comments)) if everywhere else verbatims
    sent_col, seg_col, lang_col = st.columns([2, 3, 2])
    present = [s for s in (*storage.SENTIMENT_LABELS, ui.NO_SENTIMENT) if (pool["sentiment"] == s).any()]
    sentiments = sent_col.multiselect("Sentiment", present, key="themes_f_sentiment", placeholder="All")
    pairs = []
    for column in view.segments:
        values = sorted({str(v) for v in pool[column].dropna().unique()}) if column in pool.columns else []
        pairs += [(column, v) for v in values[:200]]
    labels = choices_of(info)
    where = seg_col.multiselect("Segment", pairs, key="themes_f_segment", placeholder="All",
                                format_func=lambda p: f"{labels.label(p[0])}: {p[1]}")
    languages = sorted({str(v) for v in pool["language"].dropna().unique()}) if "language" in pool else []
    chosen_languages = lang_col.multiselect("Language", languages, key="themes_f_language", placeholder="All")
    shown = ui.filter_verbatims(pool, search=search, sentiments=sentiments, where=where, languages=chosen_languages)
    scope = "in the selection" if everywhere else f"about '{theme}'"
    if shown.empty:
        st.info(kpi.escape_markdown(f"No comment {scope} matches. Clear the search or a filter above."),
                icon=":material/search_off:")
        return
    pages = (len(shown) - 1) // ui.PAGE_SIZE + 1
    words = f"{len(shown):,} comments {scope}" + (f" contain '{search.strip()}'" if search.strip() else "") + \
        ". Newest first; the words that put a comment under the theme are in bold."
    st.caption(kpi.escape_markdown(words))
    page_no = 1
    if pages > 1:
        page_no = int(st.number_input(f"Page (of {pages:,})", 1, pages, 1, key="themes_page", width=140))
    cards(shown.iloc[(page_no - 1) * ui.PAGE_SIZE: page_no * ui.PAGE_SIZE], search, view.segments, labels)
    exported = ui.export_verbatims(shown, view.segments)
    with st.expander(f"All {len(shown):,} comments as a table"):
        st.dataframe(exported.drop(columns="Response key"), hide_index=True, width="stretch", height=320)
    csv_download(exported, "Download these comments (CSV)", f"{info.name}-{theme}-comments.csv".replace("/", "-"),
                 key="themes_comments_csv")
    correction(info, view, shown)


def cards(rows: pd.DataFrame, search: str, segments: tuple[str, ...], labels: FilterChoices) -> None:
    """Draw comments as quoted text, the theme's words and the search in bold, everything else escaped."""
    icons = {"negative": ":red[:material/sentiment_dissatisfied:]", "neutral": ":gray[:material/sentiment_neutral:]",
             "positive": ":green[:material/sentiment_satisfied:]", ui.NO_SENTIMENT: ":gray[:material/help:]"}
    blocks = []
    for row in rows.to_dict(orient="records"):
        text = str(row["comment"])
        spans = [*row["spans"], *ui.term_spans(text, search)]
        facts = []
        if pd.notna(row["date"]):
            facts.append(f"{pd.Timestamp(row['date']):%d %b %Y}")
        facts.append(str(row["sentiment"]))
        for column in segments:
            value = row.get(column)
            if value is not None and not (isinstance(value, float) and pd.isna(value)):
                facts.append(f"{labels.label(column)}: {value}")
        if row["themes"]:
            facts.append(f"themes: {row['themes']}")
        if row.get("reason"):
            facts.append(str(row["reason"]))
        blocks.append(f"{icons.get(row['sentiment'], '')} {ui.highlight(text, spans)}  \n"
                      f":gray[{kpi.escape_markdown(' · '.join(facts))}]")
    with st.container(border=True):
        st.markdown("\n\n---\n\n".join(blocks))


# ---------------------------------------------------------------------------------------------------------
# Corrections
# ---------------------------------------------------------------------------------------------------------


def correction(info: DatasetInfo, view: ui.ThemeView, shown: pd.DataFrame) -> None:
    """Draw the small form that corrects one comment's themes or sentiment by hand."""
    with st.expander("Correct a comment's themes or sentiment", icon=":material/edit_note:"):
        st.caption("Pick a comment from the list above. Your correction is kept apart from the automatic result, "
                   "so it survives every later change to the codeframe.")
        options = shown["row_key"].tolist()[:MAX_CORRECTABLE]
        texts = dict(zip(shown["row_key"], shown["comment"], strict=True))
        row_key = st.selectbox("Comment", options, key="themes_fix_row",
                               format_func=lambda k: _short(texts.get(k, k)))
        if row_key is None:
            return
        current = shown.loc[shown["row_key"] == row_key].iloc[0]
        now = [t for t in str(current["themes"]).split("; ") if t]
        names = view.codeframe.names
        fixed = storage.corrections(get_store(), info.name)
        mine = fixed[fixed["row_key"] == row_key]
        label_now = mine["sentiment_label"].iloc[0] if len(mine) and pd.notna(mine["sentiment_label"].iloc[0]) else None
        automatic = "as detected"
        if st.session_state.get("themes_fix_for") != row_key:  # another comment: start from what it has now
            st.session_state["themes_fix_for"] = row_key
            st.session_state["themes_fix_themes"] = [t for t in now if t in names]
            st.session_state["themes_fix_sent"] = label_now or automatic
        themes = st.multiselect("Its themes", names, key="themes_fix_themes", placeholder="No theme")
        sentiment = st.selectbox("Its sentiment", [automatic, *storage.SENTIMENT_LABELS], key="themes_fix_sent",
                                 help="'as detected' keeps the portal's own reading of the comment.")
        if st.button("Save the correction", key="themes_fix_save", icon=":material/save:", type="primary"):
            with friendly_errors():
                kept = storage.correct_themes(get_store(), info.name, row_key, themes)
                storage.correct_sentiment(get_store(), info.name, row_key,
                                          None if sentiment == automatic else sentiment)
                say_after_rerun(f"Saved: the comment now has {', '.join(kept) if kept else 'no theme'}"
                                f"{'' if sentiment == automatic else f' and is {sentiment}'}.")
                st.rerun()


def _short(text: Any, width: int = 90) -> str:
    """Return a comment cut to one short line."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


# ---------------------------------------------------------------------------------------------------------
# The codeframe editor
# ---------------------------------------------------------------------------------------------------------


def _clear_edit_fields() -> None:
    """Forget what was typed in the editor (after a change is applied)."""
    for key in list(st.session_state):
        if isinstance(key, str) and key.startswith("themes_edit|"):
            del st.session_state[key]


def edit_fields(codeframe: Codeframe, action: str) -> dict[str, Any]:
    """Draw the fields of one edit and return what was entered."""
    names = codeframe.names
    values: dict[str, Any] = {}
    key = f"themes_edit|{action}|"
    if action in ("Rename", "Split", "Add keywords", "Remove keywords", "Delete"):
        values["theme"] = st.selectbox("Theme", names, key=key + "theme", index=None, placeholder="Choose a theme")
    if action == "Merge":
        values["themes"] = st.multiselect("Themes to merge", names, key=key + "themes",
                                          placeholder="Choose two or more themes",
                                          help="The merged theme takes every keyword and the first theme's place.")
    if action in ("Rename", "Merge", "Split", "Add a theme"):
        label = {"Rename": "New name", "Merge": "Name of the merged theme (optional)",
                 "Split": "Name of the new theme", "Add a theme": "Name"}[action]
        values["name"] = st.text_input(label, key=key + "name", max_chars=80,
                                       placeholder="e.g. delivery time" if action != "Merge" else
                                       "the first theme's name")
    if action == "Split":
        theme = values.get("theme")
        own = list(codeframe.theme(theme).keywords) if theme else []
        values["keywords"] = st.multiselect("Keywords that move to the new theme", own, key=key + "keywords",
                                            accept_new_options=True, placeholder="Choose or type keywords")
    elif action == "Remove keywords":
        theme = values.get("theme")
        own = list(codeframe.theme(theme).keywords) if theme else []
        values["keywords"] = st.multiselect("Keywords to remove", own, key=key + "keywords",
                                            placeholder="Choose keywords")
    elif action in ("Add keywords", "Add a theme"):
        values["keywords"] = st.text_input("Keywords, separated by commas", key=key + "keywords",
                                           placeholder="refund, money back, charged twice",
                                           help="Words or short phrases customers use. Upper/lower case and "
                                                "plural endings do not matter.")
    if action in ("Rename", "Add keywords", "Remove keywords", "Split") and values.get("theme"):
        st.caption(kpi.escape_markdown("Keywords now: " + ", ".join(codeframe.theme(values["theme"]).keywords)))
    return values


def editor(info: DatasetInfo, codeframe: Codeframe, stamp: tuple[Any, ...], *,
           only: tuple[str, ...] = ui.ACTIONS) -> None:
    """Draw one edit at a time, its live preview, and the Apply button."""
    action = only[0]
    if len(only) > 1:
        action = st.selectbox("What do you want to change?", only, key=ACTION_KEY)
    values = edit_fields(codeframe, action)
    with friendly_errors():
        change = ui.proposed_change(codeframe, action, values)
        if change is None:
            st.caption("Fill in the fields to see how many comments the change moves before you apply it.")
            return
        proposed, note = change
        if not proposed.themes:
            st.warning("That would leave no theme at all. Keep at least one theme, or add one first.",
                       icon=":material/warning:")
            return
        if codeframe.themes:
            preview = ui.preview_of(info, stamp, proposed)
            moved = preview[preview["change"] != 0]
            st.markdown("**What the change does**", help=_HELP["preview"])
            if moved.empty:
                st.caption("No comment changes theme.")
            else:
                st.caption(f"{ui.moved_comments(preview):,} theme mentions are added and "
                           f"{int(-preview['change'].clip(upper=0).sum()):,} removed across "
                           f"{len(moved)} {'theme' if len(moved) == 1 else 'themes'}.")
                st.dataframe(moved.rename(columns={"theme": "Theme", "before": "Now", "after": "After",
                                                   "change": "Change"}), hide_index=True, width="stretch",
                             column_config={"Change": st.column_config.NumberColumn(format="%+d")})
        if st.button("Apply to every comment", key="themes_apply", type="primary", icon=":material/done_all:",
                     help="Saves the codeframe as a new version and codes every comment again. Undo brings the "
                          "previous version back."):
            result = storage.save_codeframe(get_store(), info.name, proposed, note=note, source="edited",
                                            progress=progress_bar("Applying the codeframe ..."))
            if action == "Rename" and st.session_state.get(THEME_KEY) == values.get("theme"):
                st.session_state[THEME_KEY] = values["name"].strip()
            _clear_edit_fields()
            say_after_rerun(f"Done: {note}. " + result.message)
    if MESSAGE_KEY in st.session_state:
        st.rerun()


def history_section(info: DatasetInfo) -> None:
    """Draw the Undo button and every version of the codeframe."""
    history = storage.codeframe_history(get_store(), info.name)
    live = int((history["status"] != "undone").sum())
    st.markdown("**Versions**", help="Every change is kept as a version. Undo brings the previous one back; the "
                                     "undone version stays listed.")
    if st.button("Undo the last change", key="themes_undo", icon=":material/undo:", disabled=live < 2):
        with friendly_errors():
            result = storage.undo(get_store(), info.name, progress=progress_bar("Going back ..."))
            say_after_rerun(f"Back to codeframe version {result.version}. " + result.message)
            st.rerun()
    shown = history.rename(columns={"version": "Version", "created_at": "When", "source": "How",
                                    "note": "What changed", "themes": "Themes", "status": "Status"})
    st.dataframe(shown, hide_index=True, width="stretch", height=min(36 * (len(shown) + 1) + 2, 250),
                 column_config={"When": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm")})


def discovery(info: DatasetInfo, *, confirm: bool = True) -> None:
    """Draw the number of themes and the button that runs discovery again (after a confirmation)."""
    texts = storage.comments_for_discovery(load_responses(info))
    default = default_theme_count(len(texts))
    k = st.number_input("Number of themes", MIN_THEMES, min(MAX_THEMES, 60), default, key="themes_discover_k",
                        help=f"The portal proposes {default} for this many comments.", width=160)
    sure = True
    if confirm:
        sure = st.checkbox("Replace the current themes with new ones (the current version is kept; Undo brings it "
                           "back). Hand corrections of themes that disappear no longer apply.",
                           key="themes_discover_sure")
    if st.button("Find themes", key="themes_discover", icon=":material/auto_awesome:", disabled=not sure):
        with friendly_errors():
            result = storage.discover_themes(get_store(), info.name, n_themes=int(k),
                                             progress=progress_bar("Looking for themes ..."))
            st.session_state.pop("themes_discover_sure", None)
            say_after_rerun(f"Found {result.themes} themes. " + result.message)
            st.rerun()


def export_import(info: DatasetInfo, codeframe: Codeframe, stamp: tuple[Any, ...]) -> None:
    """Draw the JSON download of the codeframe and the upload that makes a file the codeframe."""
    st.download_button("Download the codeframe (JSON)", data=to_json(codeframe),
                       file_name=f"{info.name}-codeframe.json".replace("/", "-"), mime="application/json",
                       key="themes_export", icon=":material/download:")
    upload = st.file_uploader("Use a codeframe file (JSON)", type=["json"], key="themes_import",
                              help="A codeframe downloaded from this or another dataset, or written by hand: "
                                   "{\"themes\": [{\"name\": ..., \"keywords\": [...]}]}.")
    if upload is None:
        return
    with friendly_errors():
        proposed = from_json(upload.getvalue())
        preview = ui.preview_of(info, stamp, proposed)
        st.caption(kpi.escape_markdown(f"{upload.name}: {len(proposed.themes)} themes. Comments per theme after "
                                       "applying it:"))
        st.dataframe(preview.rename(columns={"theme": "Theme", "before": "Now", "after": "After",
                                             "change": "Change"}), hide_index=True, width="stretch", height=220)
        if st.button("Apply this codeframe", key="themes_import_apply", type="primary"):
            result = storage.save_codeframe(get_store(), info.name, proposed, note=f"imported from {upload.name}",
                                            source="imported", progress=progress_bar("Applying the codeframe ..."))
            say_after_rerun(result.message)
            st.rerun()


def edit_tab(info: DatasetInfo, codeframe: Codeframe, stamp: tuple[Any, ...]) -> None:
    """Draw the codeframe editor, its versions, discovery and export / import."""
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown("**Change the codeframe**", help="Rename, merge, split or delete themes, add or remove "
                                                      "keywords, or add a theme by hand. You see how many comments "
                                                      "move before anything is saved.")
        editor(info, codeframe, stamp)
        with st.expander("Keywords of every theme"):
            st.dataframe(pd.DataFrame({"Theme": codeframe.names,
                                       "Keywords": [", ".join(t.keywords) for t in codeframe.themes]}),
                         hide_index=True, width="stretch")
    with right:
        with friendly_errors():
            history_section(info)
        with st.expander("Find themes again", icon=":material/auto_awesome:"):
            discovery(info)
        with st.expander("Export or import the codeframe", icon=":material/swap_vert:"):
            export_import(info, codeframe, stamp)


# ---------------------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------------------


def main() -> None:
    """Draw the page."""
    ctx = data_page("themes", no_data)
    if ctx is None:
        return
    store, info, choices, filters = ctx.store, ctx.info, ctx.choices, ctx.filters
    st.title("Themes", anchor=False)
    show_message()
    if not info.config.mapping.comment:
        no_comments(info)
        return
    storage.refresh(store, info.name)
    codeframe = storage.current_codeframe(store, info.name)
    if codeframe is None:
        text = load_responses(info)["comment"].astype(object).fillna("").map(str).str.strip()
        if not (text != "").any():
            no_comments(info)
        else:
            no_codeframe(info)
        return
    stamp = ui.theme_stamp(info)
    view = ui.theme_view(info, stamp, filters)
    header(info, view, stamp[0], filters, choices)
    if view.comments == 0:
        if filters.active:
            st.warning("No comment matches the filters. Widen the date range or clear a filter in the sidebar.",
                       icon=":material/filter_alt_off:")
        else:
            no_comments(info)
        return
    explore, edit = st.tabs(["Explore", "Edit the codeframe"])
    with explore:
        names = view.table["theme"].tolist()
        if st.session_state.get(THEME_KEY) not in names:
            st.session_state[THEME_KEY] = names[0]
        chart_col, side_col = st.columns([3, 1], gap="medium")
        with chart_col, friendly_errors():
            ranked_chart(info, view, st.session_state[THEME_KEY])
        with side_col:
            summary(view, st.session_state[THEME_KEY])
        with st.expander("Every figure per theme (table)", icon=":material/table:"):
            theme_table(info, view)
        st.divider()
        pick_col, _ = st.columns([2, 3])
        theme = pick_col.selectbox("Theme", names, key=THEME_KEY,
                                   help="Click a bar in the chart, or choose a theme here.")
        with friendly_errors():
            theme_detail(info, view, stamp, filters, theme)
    with edit:
        edit_tab(info, codeframe, stamp)


with friendly_errors():
    main()
