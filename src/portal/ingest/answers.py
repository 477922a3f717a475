"""Yes/no answers such as "would you recommend us?": which words count as yes and which as no.

A column plays the ``recommend`` role when its values are two such words, one yes and one no (case does not
matter): yes/no, y/n, true/false, 1/0 or recommended/not recommended. Validation turns them into 1.0 and 0.0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from portal.ingest.profile import Profile
from portal.ingest.values import arrow_objects

YES_WORDS: tuple[str, ...] = ("yes", "y", "true", "t", "1", "1.0", "recommended", "would recommend")
NO_WORDS: tuple[str, ...] = ("no", "n", "false", "f", "0", "0.0", "not recommended", "would not recommend")
#: How validation explains which answers count as yes and which as no (no semicolon: it parts a row's reasons).
ANSWER_RULE = "yes, y, true, 1 and recommended count as yes, and no, n, false, 0 and not recommended as no"


def _folded(values: pd.Series) -> pd.Series:
    """Return the values in lower case with single spaces, so " Not  Recommended" reads "not recommended"."""
    return values.astype(str).str.strip().str.lower().str.replace(r"\s+", " ", regex=True)


def yes_no_pair(p: Profile) -> tuple[str, str] | None:
    """Return (the value meaning yes, the one meaning no) when the column holds exactly one of each, else None."""
    if p.count == 0 or p.values.empty:
        return None
    folded = _folded(p.values)
    distinct = set(folded.unique().tolist())
    if len(distinct) != 2:
        return None
    yes = [v for v in distinct if v in YES_WORDS]
    no = [v for v in distinct if v in NO_WORDS]
    if len(yes) != 1 or len(no) != 1:
        return None
    original = dict(zip(folded.tolist(), p.values.astype(str).str.strip().tolist()))
    return original[yes[0]], original[no[0]]


def answer_codes(clean: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Return 1.0 for yes, 0.0 for no and NaN otherwise, and which present values are neither yes nor no."""
    text = pc.utf8_lower(pc.utf8_trim_whitespace(clean))
    folded = pc.replace_substring_regex(text, pattern=r"\s+", replacement=" ")
    yes = np.asarray(pc.fill_null(pc.is_in(folded, value_set=pa.array(YES_WORDS)), False))
    no = np.asarray(pc.fill_null(pc.is_in(folded, value_set=pa.array(NO_WORDS)), False))
    codes = np.where(yes, 1.0, np.where(no, 0.0, np.nan))
    present = np.asarray(clean.is_valid())
    return codes, present & ~yes & ~no


def values_found(clean: pa.Array, limit: int = 5) -> str:
    """Return the column's most common different values, quoted, for a message ("'yes', 'no', 'maybe'")."""
    values = pd.Series(arrow_objects(clean)).dropna()
    top = values.value_counts().head(limit).index.tolist()
    more = ", ..." if values.nunique() > limit else ""
    return ", ".join(f"'{v}'" for v in top) + more
