"""The codeframe tab of the Themes page: one edit at a time with a live preview, the versions with Undo,
discovery, and the codeframe as a JSON file."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from portal.model import DatasetInfo
from portal.numbers import plural
from portal.services import job_kinds, jobs
from portal.services import themes as theme_service
from portal.text.codeframe import Codeframe, from_json, to_json
from portal.text.language import language_name
from portal.text.theme_edits import (
    ACTIONS,
    ADD_SUB,
    NAMED,
    ON_ONE_THEME,
    UNDER,
    change_summary,
    changed_themes,
    keywords_table,
    proposed_change,
    theme_choices,
    theme_keywords,
    under_choices,
)
from portal.text.themes import MAX_THEMES, MIN_COMMENTS, MIN_THEMES, default_theme_count
from portal.ui.context import get_store
from portal.ui.errors import friendly_errors
from portal.ui.jobs import wake_runner, watch
from portal.ui.markdown import escape_markdown
from portal.ui.progress import progress_bar
from portal.ui.theme_data import discovery_texts, other_languages, preview_of, theme_stamp
from portal.ui.theme_states import THEME_KEY, rerun_if_said, say_after_rerun, too_few_comments

#: The discovery job running for each dataset in this session (dataset -> job id).
DISCOVERY_JOBS = "themes_discovery_jobs"

ACTION_KEY = "themes_edit_action"
_PREVIEW_HELP = ("Nothing is saved until you press Apply. The table shows how many comments each theme has now "
                 "and would have after the change.")
_NAME_LABELS = {"Rename": "New name", "Merge": "Name of the merged theme (optional)",
                "Split": "Name of the new theme", "Add a theme": "Name", ADD_SUB: "Name of the sub-theme"}
_UNDER_LABELS = {ADD_SUB: "Under which theme?"}
_PREVIEW_COLUMNS = {"theme": "Theme", "before": "Now", "after": "After", "change": "Change"}


def _clear_edit_fields() -> None:
    """Forget what was typed in the editor (after a change is applied)."""
    for key in list(st.session_state):
        if isinstance(key, str) and key.startswith("themes_edit|"):
            del st.session_state[key]


def _keyword_field(codeframe: Codeframe, action: str, theme: str | None, key: str) -> Any:
    """Draw the keywords field of an edit (chosen from the theme's own, or typed) and return its value."""
    if action == "Split":
        return st.multiselect("Keywords that move to the new theme", theme_keywords(codeframe, theme), key=key,
                              accept_new_options=True, placeholder="Choose or type keywords")
    if action == "Remove keywords":
        return st.multiselect("Keywords to remove", theme_keywords(codeframe, theme), key=key,
                              placeholder="Choose keywords")
    return st.text_input("Keywords, separated by commas", key=key, placeholder="refund, money back, charged twice",
                         help="Words or short phrases customers use. Upper/lower case and plural endings do not "
                              "matter.")


def edit_fields(codeframe: Codeframe, action: str) -> dict[str, Any]:
    """Draw the fields of one edit and return what was entered."""
    values: dict[str, Any] = {}
    key = f"themes_edit|{action}|"
    if action in ON_ONE_THEME:
        choices = theme_choices(codeframe, action)
        values["theme"] = st.selectbox("Theme", choices, key=key + "theme", index=None,
                                       placeholder="Choose a theme" if choices else "No theme fits this change")
    if action == "Merge":
        values["themes"] = st.multiselect("Themes to merge", codeframe.labels(), key=key + "themes",
                                          placeholder="Choose two or more themes",
                                          help="The merged theme takes every keyword and the first theme's place. "
                                               "A sub-theme merged with its own theme folds into it.")
    if action in UNDER:
        values["under"] = st.selectbox(_UNDER_LABELS.get(action, "Under which theme?"),
                                       under_choices(codeframe, action, values.get("theme")), key=key + "under",
                                       index=None, placeholder="Choose a theme",
                                       help="Its comments then also count for that theme.")
    if action in NAMED:
        values["name"] = st.text_input(_NAME_LABELS[action], key=key + "name", max_chars=80,
                                       placeholder="e.g. delivery time" if action != "Merge" else
                                       "the first theme's name")
    if action in ("Split", "Remove keywords", "Add keywords", "Add a theme", ADD_SUB):
        values["keywords"] = _keyword_field(codeframe, action, values.get("theme"), key + "keywords")
    if action in ("Rename", "Add keywords", "Remove keywords", "Split") and values.get("theme"):
        st.caption(escape_markdown("Keywords now: " + ", ".join(theme_keywords(codeframe, values["theme"]))))
    return values


def _preview(info: DatasetInfo, stamp: tuple[Any, ...], proposed: Codeframe) -> None:
    """Draw how many comments each theme gains or loses under ``proposed`` (nothing is saved)."""
    preview = preview_of(info, stamp, proposed)
    moved = changed_themes(preview)
    st.markdown("**What the change does**", help=_PREVIEW_HELP)
    st.caption(change_summary(preview))
    if not moved.empty:
        st.dataframe(moved.rename(columns=_PREVIEW_COLUMNS), hide_index=True, width="stretch",
                     column_config={"Change": st.column_config.NumberColumn(format="%+d")})


def editor(info: DatasetInfo, codeframe: Codeframe, stamp: tuple[Any, ...], *,
           only: tuple[str, ...] = ACTIONS) -> None:
    """Draw one edit at a time, its live preview, and the Apply button."""
    action = only[0]
    if len(only) > 1:
        action = st.selectbox("What do you want to change?", only, key=ACTION_KEY)
    values = edit_fields(codeframe, action)
    with friendly_errors():
        change = proposed_change(codeframe, action, values)
        if change is None:
            st.caption("Fill in the fields to see how many comments the change moves before you apply it.")
            return
        proposed, note = change
        if not proposed.themes:
            st.warning("That would leave no theme at all. Keep at least one theme, or add one first.",
                       icon=":material/warning:")
            return
        if codeframe.themes:
            _preview(info, stamp, proposed)
        if st.button("Apply to every comment", key="themes_apply", type="primary", icon=":material/done_all:",
                     help="Saves the codeframe as a new version and codes every comment again. Undo brings the "
                          "previous version back."):
            result = theme_service.save_codeframe(get_store(), info.name, proposed, note=note, source="edited",
                                            progress=progress_bar("Applying the codeframe ..."))
            if action == "Rename" and st.session_state.get(THEME_KEY) == codeframe.theme(values["theme"]).name:
                st.session_state[THEME_KEY] = values["name"].strip()
            _clear_edit_fields()
            say_after_rerun(f"Done: {note}. " + result.message)
    rerun_if_said()


def history_section(info: DatasetInfo) -> None:
    """Draw the Undo button and every version of the codeframe."""
    history = theme_service.codeframe_history(get_store(), info.name)
    live = int((history["status"] != "undone").sum())
    st.markdown("**Versions**", help="Every change is kept as a version. Undo brings the previous one back; the "
                                     "undone version stays listed.")
    if st.button("Undo the last change", key="themes_undo", icon=":material/undo:", disabled=live < 2):
        with friendly_errors():
            result = theme_service.undo(get_store(), info.name, progress=progress_bar("Going back ..."))
            say_after_rerun(f"Back to codeframe version {result.version}. " + result.message)
            st.rerun()
    shown = history.rename(columns={"version": "Version", "created_at": "When", "source": "How",
                                    "note": "What changed", "themes": "Themes", "status": "Status"})
    st.dataframe(shown, hide_index=True, width="stretch", height=min(36 * (len(shown) + 1) + 2, 250),
                 column_config={"When": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm"),
                                "What changed": st.column_config.TextColumn(width="large")})
    st.caption(escape_markdown(current_note(history)))


def current_note(history: pd.DataFrame) -> str:
    """Return the version in use and what it changed in full (the table's column is too narrow to hold it)."""
    current = history[history["status"] == "current"]
    if current.empty:
        return ""
    row = current.iloc[0]
    return f"In use: version {int(row['version'])}, {row['source']}: {row['note']}"


def discovery(info: DatasetInfo, count: int, *, confirm: bool = True) -> None:
    """Draw the number of themes and the button that runs discovery on ``count`` comments (after a confirmation)."""
    default = default_theme_count(count)
    others = other_languages(info)
    also = (" Comments in " + ", ".join(f"{language_name(c)} ({n:,})" for c, n in others.items()) +
            " get themes of their own language too, as many as their number suggests.") if others else ""
    k = st.number_input("Number of themes", MIN_THEMES, min(MAX_THEMES, 60), default, key="themes_discover_k",
                        help=f"The portal proposes {default} for the {count:,} comments in English.{also}",
                        width=160)
    sure = True
    if confirm:
        sure = st.checkbox("Replace the current themes with new ones (the current version is kept; Undo brings it "
                           "back). Hand corrections of themes that disappear no longer apply.",
                           key="themes_discover_sure")
    running = st.session_state.setdefault(DISCOVERY_JOBS, {}).get(info.name)
    if running is not None and _watch_discovery(info, running):
        return
    st.button("Find themes", key="themes_discover", icon=":material/auto_awesome:", disabled=not sure,
              on_click=_start_discovery, args=(info.name, int(k)))


def _start_discovery(name: str, n_themes: int) -> None:
    """Queue discovery as a background job and remember it for this dataset (a click callback)."""
    st.session_state.setdefault(DISCOVERY_JOBS, {})[name] = job_kinds.submit_discovery(get_store(), name,
                                                                                       n_themes=n_themes)
    st.session_state.pop("themes_discover_sure", None)
    wake_runner()


def _watch_discovery(info: DatasetInfo, job_id: int) -> bool:
    """Show the discovery job's percentage while it runs (True), or how it ended, then forget it (False)."""
    chain = watch(job_id)
    if chain and not chain[0].ended:
        return True
    st.session_state[DISCOVERY_JOBS].pop(info.name, None)
    if chain and chain[0].state == jobs.JOB_DONE:
        say_after_rerun(str((chain[0].result or {}).get("message") or "Themes found."))
        st.rerun()
    elif chain:
        st.error(escape_markdown(chain[0].error), icon=":material/error:")
    return False


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
        preview = preview_of(info, stamp, proposed)
        st.caption(escape_markdown(f"{upload.name}: {plural(len(proposed.themes), 'theme')}. Comments per theme after "
                                   "applying it:"))
        st.dataframe(preview.rename(columns=_PREVIEW_COLUMNS), hide_index=True, width="stretch", height=220)
        if st.button("Apply this codeframe", key="themes_import_apply", type="primary"):
            result = theme_service.save_codeframe(get_store(), info.name, proposed, note=f"imported from {upload.name}",
                                            source="imported", progress=progress_bar("Applying the codeframe ..."))
            say_after_rerun(result.message)
            st.rerun()


def edit_tab(info: DatasetInfo, codeframe: Codeframe, stamp: tuple[Any, ...]) -> None:
    """Draw the codeframe editor, its versions, discovery and export / import."""
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown("**Change the codeframe**", help="Rename, merge, split or delete themes, add or remove "
                                                      "keywords, add a theme or a sub-theme by hand, or move a "
                                                      "sub-theme to another theme. You see how many comments "
                                                      "move before anything is saved.")
        editor(info, codeframe, stamp)
        with st.expander("Keywords of every theme"):
            st.dataframe(keywords_table(codeframe), hide_index=True, width="stretch")
    with right:
        with friendly_errors():
            history_section(info)
        with st.expander("Find themes again", icon=":material/auto_awesome:"):
            discovery(info, len(discovery_texts(info)))
        with st.expander("Export or import the codeframe", icon=":material/swap_vert:"):
            export_import(info, codeframe, stamp)


def no_codeframe(info: DatasetInfo) -> None:
    """Explain why there are no themes yet and offer discovery or a theme made by hand."""
    count = len(discovery_texts(info))
    if count < MIN_COMMENTS and not other_languages(info):
        too_few_comments(count)
    else:
        st.info("This dataset has no themes yet. Let the portal find them, or add a theme by hand.",
                icon=":material/info:")
        discovery(info, count, confirm=False)
    st.markdown("**Add a theme by hand**")
    editor(info, Codeframe(), theme_stamp(info), only=("Add a theme",))
