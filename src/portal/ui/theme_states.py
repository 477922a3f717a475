"""What the Themes page keeps across reruns (the chosen theme, a message) and shows when there is nothing."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from portal.model import DatasetInfo
from portal.text.themes import MIN_COMMENTS
from portal.ui import welcome
from portal.ui.markdown import escape_markdown

#: Session key of the chosen theme (the selectbox and a click on the chart both set it).
THEME_KEY = "themes_theme"
#: Session key of the sentence shown after the next rerun.
MESSAGE_KEY = "themes_message"


def say_after_rerun(text: str) -> None:
    """Keep a sentence to show at the top of the page after the next rerun."""
    st.session_state[MESSAGE_KEY] = text


def rerun_if_said() -> None:
    """Rerun the page when a change left a sentence to show (so every figure shows the change)."""
    if MESSAGE_KEY in st.session_state:
        st.rerun()


def show_message() -> None:
    """Show the sentence kept by the last change, once."""
    text = st.session_state.pop(MESSAGE_KEY, None)
    if text:
        st.success(escape_markdown(text), icon=":material/check_circle:")


def link_to_data_sources(label: str) -> None:
    """Draw a link to the Data sources page (nothing when the page runs outside the portal's navigation)."""
    try:
        st.page_link("pages/data_sources.py", label=label, icon=":material/upload_file:")
    except StreamlitAPIException:
        pass


def no_data() -> None:
    """Explain how to add data when the store has no dataset."""
    welcome.no_data("Themes", "Themes are found in the comments as soon as a dataset with a comment column is "
                              "imported.")


def no_comments(info: DatasetInfo) -> None:
    """Explain that the dataset has no comments and what to do."""
    st.info(escape_markdown(
        f"The dataset '{info.name}' has no comments, so there are no themes to show. Themes come from free-text "
        "answers. Import the file again on the Data sources page and map its free-text column as "
        "'Comment (free text)', or choose another dataset in the sidebar."), icon=":material/chat_bubble:")
    link_to_data_sources("Map a comment column on the Data sources page")


def too_few_comments(count: int) -> None:
    """Explain that discovery needs more comments than the dataset has, and what to do instead."""
    st.info(escape_markdown(
        f"Themes are found from {MIN_COMMENTS} comments on; this dataset has {count:,} comments in English. "
        "Import more comments, or add a theme by hand below: give it a name and the words customers use for it."),
        icon=":material/info:")


def nothing_selected(info: DatasetInfo, filtered: bool) -> None:
    """Explain why the selection has no comment: the filters, or a dataset without comments."""
    if filtered:
        st.warning("No comment matches the filters. Widen the date range or clear a filter in the sidebar.",
                   icon=":material/filter_alt_off:")
    else:
        no_comments(info)
