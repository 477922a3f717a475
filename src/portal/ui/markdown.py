"""The one Markdown escaper: text that came from a file is shown literally, never as Markdown, LaTeX or HTML."""

from __future__ import annotations

import re
from typing import Any

#: Characters Markdown, Streamlit's directives (``:red[...]``), LaTeX (``$``) and HTML entities give a meaning.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:=^&])")


def escape_markdown(text: Any, *, keep_edges: bool = False) -> str:
    """Return ``text`` on one line with every special character escaped.

    Runs of white space become one space; leading and trailing space is dropped unless ``keep_edges``
    (for pieces of a longer line that are joined again).
    """
    flat = re.sub(r"\s+", " ", "" if text is None else str(text))
    if not keep_edges:
        flat = flat.strip()
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)
