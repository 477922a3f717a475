"""Which responses ask for something new or changed (``portal.text.requests``), added to a loaded frame.

The flag is computed when responses are read, not stored: ``benchmarks/bench_requests.py`` times it, and the
Themes page computes it once per data version (``portal.ui.theme_data``).
"""

from __future__ import annotations

import pandas as pd

from portal.text.requests import request_flags

__all__ = ["REQUEST_COLUMN", "request_keys", "with_requests"]

#: The column a frame gains: True when the response's comment asks for something new or changed.
REQUEST_COLUMN = "request"


def request_keys(frame: pd.DataFrame) -> frozenset[str]:
    """Return the row keys of the responses whose comment is a request."""
    if "comment" not in frame.columns or "row_key" not in frame.columns:
        return frozenset()
    flags = request_flags(frame["comment"].astype(object))
    return frozenset(frame["row_key"].astype(object)[flags].map(str))


def with_requests(frame: pd.DataFrame, keys: frozenset[str] | None = None) -> pd.DataFrame:
    """Return ``frame`` with the boolean ``request`` column (from ``keys`` when given, else computed)."""
    keys = request_keys(frame) if keys is None else keys
    out = frame.copy()
    flags = out["row_key"].astype(object).map(str).isin(keys) if "row_key" in out.columns else False
    out[REQUEST_COLUMN] = pd.Series(flags, index=out.index, dtype=bool)
    return out
