"""First steps: the welcome on the Overview (what each page answers) and what every page says with no data."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

#: Session key set when the person closes the welcome (it stays closed for the session).
DISMISSED_KEY = "welcome_dismissed"
DATA_SOURCES = "pages/data_sources.py"
#: Each page in the navigation: its file, title, icon, the question it answers (short enough for one line at
#: 1280 px in two columns) and more words in its tooltip, in the navigation's order. A new page adds its line.
PAGE_QUESTIONS: tuple[tuple[str, str, str, str, str], ...] = (
    ("pages/overview.py", "Overview", ":material/dashboard:", "how are we doing?",
     "The headline scores with their margin of error, the trend and where it differs most."),
    ("pages/segments.py", "Segments", ":material/bar_chart:", "which groups differ, for real?",
     "Each group's scores with their intervals, which differences are real, and what drives the score."),
    ("pages/journey.py", "Journey", ":material/route:", "where along the journey do we lose them?",
     "The score at each stage of the customer journey, each stage's biggest pain point, and where it loses most."),
    ("pages/themes.py", "Themes", ":material/category:", "what do customers talk about?",
     "The themes in the comments: how many mention each, how they feel about it, what it costs, their words."),
    ("pages/competitors.py", "Competitors", ":material/compare_arrows:", "where do we trail or lead?",
     "Our brand beside the others, theme by theme, and what the market asks for."),
    ("pages/collections.py", "Collections", ":material/collections_bookmark:", "which quotes make the case?",
     "Customer comments saved as evidence, with the figures of their themes, to share by link or download."),
    (DATA_SOURCES, "Data sources", ":material/upload_file:", "add or update the data.",
     "Upload a file or link a Google Sheet, check what was understood, import, and undo an import."),
)
#: What a person can upload, said the same way on every page.
WHAT_TO_UPLOAD = ("Upload a survey export (NPS, CSAT or ratings with comments), support tickets or app-store reviews "
                  "as CSV or Excel on the Data sources page, or link a Google Sheet.")


def page_link(path: str, label: str, icon: str | None = None, help: str | None = None) -> bool:  # noqa: A002
    """Draw a link to another page; return False (drawing nothing) when the page runs outside the navigation."""
    try:
        st.page_link(path, label=label, icon=icon, help=help)
    except StreamlitAPIException:
        return False
    return True


def _dismiss() -> None:
    """Remember for this session that the welcome was closed (the button's callback)."""
    st.session_state[DISMISSED_KEY] = True


def welcome() -> None:
    """Draw the short welcome: one line per page saying what it answers, with its link, and a button to close it."""
    if st.session_state.get(DISMISSED_KEY):
        return
    with st.container(border=True, key="welcome"):
        head, close = st.columns([5, 1], vertical_alignment="center")
        head.markdown("**Welcome.** Each page answers one question. The sidebar picks the dataset and filters "
                      "every page.")
        with close.container(horizontal=True, horizontal_alignment="right"):
            st.button("Got it", icon=":material/close:", key="welcome_dismiss", on_click=_dismiss, type="tertiary",
                      help="Hide this welcome for the rest of the session")
        columns = st.columns(2, gap="small")
        for index, (path, title, icon, question, more) in enumerate(PAGE_QUESTIONS):
            with columns[index % 2]:
                if not page_link(path, f"**{title}**: {question}", icon, help=more):
                    st.markdown(f"**{title}**: {question}", help=more)


def no_data(title: str, what_appears: str) -> None:
    """Draw the page's title, say that there is no data, what to upload and what then appears; link Data sources."""
    st.title(title, anchor=False)
    st.info(f"There is no data yet. {WHAT_TO_UPLOAD} {what_appears} To try the portal first, run `portal demo` to "
            "load the demo datasets.", icon=":material/info:")
    page_link(DATA_SOURCES, "Add data on the Data sources page", ":material/upload_file:")
