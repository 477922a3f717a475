"""Every CSV the portal writes (downloads, ``portal export``, rejected rows, KPI tables) goes through here.

``csv_safe`` neutralises cells a spreadsheet would run as a formula; ``write_csv`` writes a frame with it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import IO

import numpy as np
import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Leading characters a spreadsheet skips before it looks for a formula sign.
_SKIPPED = " \t\r\n\u00a0\u3000"
_NUMBER = re.compile(r"[+-]?(?:\d[\d,]*(?:\.\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?%?")


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` safe to open in a spreadsheet: text that would run as a formula is quoted.

    A text cell (or column name) that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (also
    after leading spaces, and in full-width forms such as ``＝``, which some spreadsheets fold to ``=``) and is not
    a plain number gets an apostrophe in front, so Excel, LibreOffice and Google Sheets show it as text
    instead of evaluating it. Numbers such as ``-5`` or ``+3.2`` and non-text columns are left as they are.
    Never raises.
    """
    out = frame.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if not (pd.api.types.is_object_dtype(column.dtype) or pd.api.types.is_string_dtype(column.dtype)
                or isinstance(column.dtype, pd.CategoricalDtype)):
            continue
        values = column.to_numpy(dtype=object)
        risky = _risky(values)
        if not risky.any():
            continue
        values = values.copy()
        values[risky] = ["'" + v for v in values[risky]]
        keep_dtype = column.dtype if pd.api.types.is_string_dtype(column.dtype) else object
        out.isetitem(position, pd.Series(values, index=out.index, dtype=keep_dtype))
    names = np.array(list(out.columns), dtype=object)
    risky_names = _risky(names)
    if risky_names.any():
        out.columns = ["'" + n if r else n for n, r in zip(names, risky_names, strict=True)]
    return out


def is_formula_like(value: object) -> bool:
    """Return True when a spreadsheet could read ``value`` as a formula (text, not a plain signed number)."""
    if not isinstance(value, str) or not value:
        return False
    if value.startswith(_FORMULA_START):
        return _NUMBER.fullmatch(value) is None
    folded = unicodedata.normalize("NFKC", value[:16]).lstrip(_SKIPPED)  # "＝1", "  =1", "\u3000=1"
    if folded == value[:16] or not folded.startswith(_FORMULA_START[:4]):
        return False
    return _NUMBER.fullmatch(unicodedata.normalize("NFKC", value).strip(_SKIPPED)) is None


def _risky(values: np.ndarray) -> np.ndarray:
    """Return a boolean mask of the values a spreadsheet would read as a formula."""
    return np.fromiter((is_formula_like(v) for v in values), dtype=bool, count=len(values))


def write_csv(frame: pd.DataFrame, target: str | IO[str] | None = None) -> str | None:
    """Write ``frame`` made ``csv_safe`` to ``target`` (a path or text stream) without the index; return the text
    when ``target`` is None."""
    return csv_safe(frame).to_csv(target, index=False)
