"""A progress bar for the long steps a person starts with a button (import, sync, applying a codeframe)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from portal.ui.markdown import escape_markdown


def progress_bar(label: str) -> Callable[[float, str], None]:
    """Return a progress callback drawing a bar under ``label``; its messages are shown literally."""
    bar = st.progress(0.0, text=label)

    def update(fraction: float, message: str) -> None:
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=escape_markdown(message))

    return update
