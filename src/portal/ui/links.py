"""Every choice a person makes on a page lives in the link, so a copied address opens the same view.

A page's widgets are bound to the query string by their key (Streamlit's ``bind="query-params"``)::

    /segments?dataset=Acme+NPS+survey&segments_by=Region&segments_grain=quarter&segments_period_quarter=Q4+2026

The value in the link is the text the widget shows for the option (a plain string, parsed by the widget and
never unpickled); a widget at its default leaves its key out. Keys are the widget keys, which start with the
page's name, so they never clash with the global filters (``dataset``, ``from``, ``to``, ``where``) or with
another page, and Streamlit drops a page's keys from the link when another page is shown.

A link value the widget does not offer (a column this dataset lacks, a theme that was renamed) falls back to
the widget's default, and the sidebar says so once, like the dataset picker does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import streamlit as st

from portal.ui.markdown import escape_markdown

#: Streamlit's binding of a widget to the query parameter named by its key.
BIND = "query-params"
#: The link keys already checked in this session (a link's values are only read on the first visit).
_CHECKED = "_links_checked"


def _labels(options: Iterable[Any], format_func: Callable[[Any], Any]) -> dict[str, Any]:
    """Return {text shown: option} for ``options``, the text a link holds."""
    return {str(format_func(option)): option for option in options}


def _first_look(key: str) -> list[str]:
    """Return the link's values for ``key`` the first time this session asks about it (later: [])."""
    checked: set[str] = st.session_state.setdefault(_CHECKED, set())
    if key in checked:
        return []
    checked.add(key)
    return st.query_params.get_all(key)


def linked(key: str, options: Iterable[Any] | None = None, format_func: Callable[[Any], Any] = str, *,
           what: str = "") -> dict[str, Any]:
    """Return the ``key`` and ``bind`` arguments of a widget whose value lives in the link.

    With ``options`` (a selectbox, segmented control, multiselect or tabs), a value the link holds that is not
    one of them is reported once in the sidebar, naming the choice as ``what``; the widget then shows its
    default. Free-form widgets (text, toggles) pass no options.
    """
    wanted = _first_look(key)
    if options is not None and wanted:
        labels = _labels(options, format_func)
        for value in wanted:
            if value and value not in labels:
                st.sidebar.warning(escape_markdown(f"The link asks for {what or 'a choice'} '{value}', which this "
                                                   "page does not offer here, so the default is shown."),
                                   icon=":material/link_off:")
    return {"key": key, "bind": BIND}


def from_link(key: str, options: Iterable[Any], format_func: Callable[[Any], Any] = str) -> Any:
    """Return the option the widget ``key`` shows now: its value, else the one the link names, else None.

    For code that needs the choice before the widget is drawn (the widget itself reads the link when drawn).
    """
    labels = _labels(options, format_func)
    if key in st.session_state:
        current = st.session_state[key]
        return current if current in labels.values() else None
    value = st.query_params.get(key)
    return labels.get(value) if value is not None else None
