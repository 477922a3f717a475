"""What a column looks like: its name in plain words and the shape of its values, computed once per column."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from portal.ingest.values import (
    DateOrder,
    arrow_date_order,
    arrow_dates,
    arrow_numbers,
    arrow_objects,
    clean_arrow,
    to_arrow,
)

SAMPLE_ROWS = 20_000
"""Detection looks at up to this many rows (spread over the file); uniqueness is checked on every row."""
SENTINEL_NUMBERS = (-1.0, -9.0, -99.0, -999.0, 99.0, 999.0)

_EMAIL = r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"
_URL = r"^(?:https?://|www\.)"


@dataclass(frozen=True)
class Profile:
    """What a column's name and values look like (computed once per column)."""

    column: str
    position: int
    name: str
    tokens: frozenset[str]
    total: int
    count: int
    distinct: int
    values: pd.Series
    numbers: pd.Series
    sentinels: tuple[str, ...]
    num_frac: float
    date_frac: float
    order: DateOrder
    avg_len: float
    avg_words: float
    email_frac: float
    url_frac: float

    @property
    def unique(self) -> bool:
        """True when every row has a value and no value repeats."""
        return self.count == self.total and self.distinct == self.count

    @property
    def ratio(self) -> float:
        """Distinct values per filled row (1.0 = every value differs)."""
        return self.distinct / self.count if self.count else 0.0

    def fit(self, low: float, high: float, *, whole: bool = True, halves: bool = False) -> float:
        """Return the share of values that are numbers within ``low``-``high`` (whole, or in half steps)."""
        n = len(self.values)
        if not n:
            return 0.0
        x = self.numbers
        ok = x.notna() & (x >= low) & (x <= high)
        if whole:
            step = x * 2 if halves else x
            ok &= step == np.round(step)
        return float(ok.sum()) / n

    def high(self, ceiling: float = 10) -> float:
        """Return the largest number at or below ``ceiling`` (0 when there is none)."""
        x = self.numbers[(self.numbers >= 0) & (self.numbers <= ceiling)]
        return float(x.max()) if len(x) else 0.0

    def share(self, value: float) -> float:
        """Return the share of values equal to ``value``."""
        return float((self.numbers == value).sum()) / len(self.values) if len(self.values) else 0.0

    def examples(self, k: int = 3) -> str:
        """Return the ``k`` most common values, shortened, for a reason."""
        top = self.values.value_counts().head(k).index
        return ", ".join(str(v) if len(str(v)) <= 30 else str(v)[:29] + "…" for v in top)


def normalize_name(name: str) -> str:
    """Return a column name in lower case words ("NPS_SCORE" -> "nps score", "ResponseId" -> "response id")."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", str(name))
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _sample(series: pd.Series) -> pd.Series:
    """Return up to ``SAMPLE_ROWS`` values spread evenly over the column."""
    if len(series) <= SAMPLE_ROWS:
        return series
    positions = np.linspace(0, len(series) - 1, SAMPLE_ROWS).astype(int)
    return series.iloc[positions]


def _sentinels(values: pd.Series, numbers: pd.Series) -> tuple[str, ...]:
    """Return the texts of "not rated" codes (-1, 99, ...) in a column that is otherwise a 0-10 scale."""
    whole = numbers.notna() & (numbers == np.round(numbers))
    if len(values) < 5 or whole.sum() < 0.9 * len(values):
        return ()
    x = numbers[whole]
    codes = [v for v in SENTINEL_NUMBERS if (x == v).any()]
    if not codes:
        return ()
    rest = x[~x.isin(codes)]
    if rest.empty or rest.min() < 0 or rest.max() > 10 or rest.nunique() < 2:
        return ()
    if any(c > 0 for c in codes) and (x.isin([c for c in codes if c > 0])).mean() > 0.5:
        return ()
    hit = values[numbers.isin(codes)]
    return tuple(sorted(hit.unique().tolist()))


def profile_column(series: pd.Series, column: str, position: int) -> Profile:
    """Return the profile of one column (uniqueness from every row, the rest from a spread sample)."""
    name = normalize_name(column)
    full = to_arrow(series)
    count = len(full) - full.null_count
    distinct = int(pc.count_distinct(full).as_py() or 0)
    clean = clean_arrow(to_arrow(_sample(series)))
    clean = clean.drop_null()
    values = pd.Series(arrow_objects(clean), dtype=object)
    numbers = pd.Series(arrow_numbers(clean), dtype="float64")
    sentinels = _sentinels(values, numbers)
    if sentinels:
        keep = ~values.isin(sentinels).to_numpy()
        values, numbers = values[keep].reset_index(drop=True), numbers[keep].reset_index(drop=True)
        clean = clean.filter(keep)
    n = len(values)
    num_frac = float(numbers.notna().sum()) / n if n else 0.0
    avg_len = float(pc.mean(pc.utf8_length(clean)).as_py() or 0.0) if n else 0.0
    order = arrow_date_order(clean) if n else DateOrder(None, "other")
    date_frac = 0.0
    if n and num_frac < 0.5 and avg_len <= 40:
        date_frac = float((~np.isnat(arrow_dates(clean, order.dayfirst))).sum()) / n
    return Profile(
        column=column,
        position=position,
        name=name,
        tokens=frozenset(name.split()),
        total=len(series),
        count=count,
        distinct=distinct,
        values=values,
        numbers=numbers,
        sentinels=sentinels,
        num_frac=num_frac,
        date_frac=date_frac,
        order=order,
        avg_len=avg_len,
        avg_words=float(pc.mean(pc.count_substring_regex(clean, r"\S+")).as_py() or 0.0) if n else 0.0,
        email_frac=float(pc.mean(pc.match_substring_regex(clean, _EMAIL)).as_py() or 0.0) if n else 0.0,
        url_frac=float(pc.mean(pc.match_substring_regex(clean, _URL, ignore_case=True)).as_py() or 0.0)
        if n else 0.0,
    )
