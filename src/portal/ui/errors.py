"""The one place where the UI turns a ``PortalError`` into a message for the person."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from portal.errors import PortalError
from portal.ui.markdown import escape_markdown

log = logging.getLogger("portal")


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Show a ``PortalError`` as one clear message; any other failure as a short apology, logged in full."""
    try:
        yield
    except PortalError as err:  # its words may quote a file's names and headers: shown literally
        st.error(escape_markdown(str(err)), icon=":material/error:")
    except Exception:  # noqa: BLE001 - the person must never see a traceback
        log.exception("Unexpected error while drawing a page")
        st.error(
            "Something went wrong while drawing this page. Your data is safe; the details were written to the "
            "portal's log. Reload the page, and if it happens again, tell your administrator.",
            icon=":material/error:",
        )
