"""Which responses their own scores call negative: where discovery looks for problems.

A response is negative by the first score it has, in this order: an NPS of 0 to 6 (a detractor); a rating in
the bottom quarter of its scale (1 or 2 stars of 5, 1 to 3 of 10); a "no" to would recommend. A response with
none of these scores is negative when its comment's sentiment is. The rule is read from each dataset's own
scale, never tuned to one dataset.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["BOTTOM_SHARE", "negative_by_scores"]

#: A rating counts as negative in the bottom quarter of its scale.
BOTTOM_SHARE = 0.25


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """Return ``frame[name]`` as floats (all NaN when the column is absent)."""
    if name not in frame:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)


def negative_by_scores(frame: pd.DataFrame, rating_scale: Sequence[float] = (1, 5)) -> np.ndarray | None:
    """Return one flag per row of ``frame``: True where its scores (or else its sentiment) call it negative.

    Reads the canonical ``nps``, ``rating``, ``recommend`` and ``sentiment_label`` columns where present.
    Returns None when no row has any of them (nothing says which comments are negative).
    """
    nps, rating, recommend = _column(frame, "nps"), _column(frame, "rating"), _column(frame, "recommend")
    lowest, highest = float(rating_scale[0]), float(rating_scale[1])
    width = highest - lowest if highest > lowest else 1.0
    labels = frame["sentiment_label"].astype(object) if "sentiment_label" in frame else pd.Series([None] * len(frame))
    judged = [
        (~np.isnan(nps), nps <= 6),
        (~np.isnan(rating), (rating - lowest) / width <= BOTTOM_SHARE),
        (~np.isnan(recommend), recommend == 0),
        (labels.notna().to_numpy(), (labels == "negative").to_numpy()),
    ]
    out = np.zeros(len(frame), dtype=bool)
    decided = np.zeros(len(frame), dtype=bool)
    for has, negative in judged:
        take = has & ~decided
        out[take] = negative[take]
        decided |= has
    return out if decided.any() else None
