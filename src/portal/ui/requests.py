"""The Themes page's "Only requests" switch: every figure and comment below it then counts requests only."""

from __future__ import annotations

import streamlit as st

from portal.ui.links import linked
from portal.ui.theme_data import REQUESTS_KEY


def requests_toggle() -> bool:
    """Draw the switch (its state lives in the link as ``themes_requests``) and return whether it is on."""
    return st.toggle("Only requests", **linked(REQUESTS_KEY),
                     help="Only comments that ask for something new or changed (\"please add\", \"I wish\", "
                          "\"would be great if\", \"why can't I\"). A report that something is broken is not a "
                          "request.")


def no_requests() -> None:
    """Say that the selection holds no request, and how to see every comment again."""
    st.info("No comment in this selection asks for something new or changed. Turn off 'Only requests' to see "
            "every comment.", icon=":material/lightbulb:")
