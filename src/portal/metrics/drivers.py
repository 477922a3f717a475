"""Key drivers: which sub-ratings or segment columns move a score (NPS, CSAT, rating or would recommend) the most.

A linear regression of the score on the chosen columns explains part of the differences between
responses (R^2). The Shapley / LMG decomposition splits that R^2 fairly between the columns: each column's
share is its average gain in R^2 over every order in which the columns could enter the model, so
correlated columns share credit instead of one taking all. A segment column enters as a set of indicator
columns and is credited as one. R^2 does not depend on the scale of a predictor, so the split is the same
as over standardised predictors. Intervals come from a bootstrap over responses (fixed seed).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from portal.errors import InputError
from portal.metrics.responses import mapped_metrics
from portal.model import DatasetConfig
from portal.numbers import percent, plural

MAX_PREDICTORS = 8
MAX_LEVELS = 12  # a segment keeps its 11 most common values; the rest are grouped as "Other"
MAX_ROWS = 50_000  # larger data are analysed on a random sample of this many complete responses
DEFAULT_BOOTSTRAP = 200
DEFAULT_SEED = 20240601
MIN_RESPONSES = 30
NUMERIC_SHARE = 0.9  # a column is numeric when at least this share of its values are numbers
#: How sentences name each score being explained ("the differences in <label>", "a higher <label>"). A yes/no
#: answer is stored as 1 and 0, so the regression explains who says yes: the share who would recommend.
TARGET_LABELS: dict[str, str] = {"nps": "NPS score", "csat": "CSAT score", "rating": "rating",
                                 "recommend": "share who would recommend"}
_NOT_PREDICTORS = frozenset({
    "row_key", "content_hash", "response_id", "import_id", "customer", "date", "comment", "sentiment_label",
    "language",
})


@dataclass(frozen=True, eq=False)
class Drivers:
    """Relative importance of each column for a score, ranked, with 95% bootstrap intervals."""

    target: str
    n: int
    n_available: int
    sampled: bool
    r2: float
    r2_ci: tuple[float, float]
    table: pd.DataFrame
    sentence: str


@dataclass(frozen=True)
class _Design:
    """The regression's inputs: predictor matrix, score, each predictor's columns, kind and direction words."""

    x: np.ndarray
    y: np.ndarray
    groups: tuple[np.ndarray, ...]
    kinds: tuple[str, ...]
    directions: tuple[str, ...]


def driver_candidates(frame: pd.DataFrame, target: str) -> list[str]:
    """Return the columns that can explain ``target``: other scores, value, sentiment, brand and segments."""
    out = []
    for column in frame.columns:
        if column == target or column in _NOT_PREDICTORS or column.startswith("_"):
            continue
        series = frame[column]
        if series.notna().sum() == 0 or series.nunique(dropna=True) < 2:
            continue
        out.append(str(column))
    return out


def _is_numeric(series: pd.Series) -> tuple[bool, pd.Series]:
    """Return whether the column holds numbers (almost all its values) and its numeric values."""
    numbers = pd.to_numeric(series, errors="coerce")
    present = int(series.notna().sum())
    return present > 0 and int(numbers.notna().sum()) >= NUMERIC_SHARE * present, numbers.astype(float)


def _design(frame: pd.DataFrame, target: str, predictors: Sequence[str], label: str) -> tuple[_Design, int]:
    """Return the design over complete responses and how many responses carry the score."""
    y_all = pd.to_numeric(frame[target], errors="coerce").astype(float)
    keep = y_all.notna().to_numpy().copy()
    available = int(keep.sum())
    encoded: list[tuple[str, pd.Series | pd.DataFrame]] = []
    for column in predictors:
        numeric, numbers = _is_numeric(frame[column])
        if numeric:
            keep &= numbers.notna().to_numpy()
            encoded.append(("numeric", numbers))
        else:
            text = frame[column].astype(object).where(frame[column].notna(), None)
            keep &= text.notna().to_numpy()
            encoded.append(("segment", text))
    y = y_all.to_numpy()[keep]
    blocks, groups, kinds, directions = [], [], [], []
    start = 0
    for column, (kind, values) in zip(predictors, encoded, strict=True):
        v = values[keep]
        if kind == "numeric":
            block = v.to_numpy(dtype=float)[:, None]
            corr = np.corrcoef(block[:, 0], y)[0, 1] if block[:, 0].std() > 0 and y.std() > 0 else 0.0
            direction = (f"higher {column} goes with a higher {label}" if corr > 0 else
                         f"higher {column} goes with a lower {label}" if corr < 0 else f"{column} does not vary")
        else:
            counts = v.value_counts()
            top = list(counts.index[: MAX_LEVELS - 1])
            lumped = v.where(v.isin(top), "Other") if len(counts) > len(top) else v
            levels = list(pd.Index(lumped.unique()))
            reference = lumped.value_counts().index[0]
            block = np.column_stack([(lumped == lev).to_numpy(float) for lev in levels if lev != reference]) \
                if len(levels) > 1 else np.zeros((len(v), 0))
            means = pd.Series(y, index=lumped.index).groupby(lumped.to_numpy()).mean().sort_values()
            direction = (f"{label} is highest for {means.index[-1]} and lowest for {means.index[0]}"
                         if len(means) > 1 else f"{column} has one value only")
        blocks.append(block)
        groups.append(np.arange(start, start + block.shape[1]))
        kinds.append(kind)
        directions.append(direction)
        start += block.shape[1]
    x = np.column_stack(blocks) if blocks else np.zeros((len(y), 0))
    return _Design(x=x, y=y, groups=tuple(groups), kinds=tuple(kinds), directions=tuple(directions)), available


def _covariances(z: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Return the covariance matrix of ``z`` followed by ``n_boot`` bootstrap replicates, stacked."""
    n = len(z)
    out = np.empty((n_boot + 1, z.shape[1], z.shape[1]))
    out[0] = np.cov(z, rowvar=False)
    for b in range(n_boot):
        weights = np.bincount(rng.integers(0, n, n), minlength=n).astype(float)
        mean = weights @ z / n
        centred = z - mean
        out[b + 1] = (centred * weights[:, None]).T @ centred / (n - 1)
    return out


def subset_r2(cov: np.ndarray, groups: Sequence[np.ndarray]) -> np.ndarray:
    """Return R^2 for every subset of predictor groups (index = bit mask) from stacked covariances.

    ``cov`` is (replicates, p + 1, p + 1) with the score last; the result is (2^k, replicates).
    """
    k = len(groups)
    reps = cov.shape[0]
    var_y = cov[:, -1, -1]
    r2 = np.zeros((2 ** k, reps))
    for mask in range(1, 2 ** k):
        cols = np.concatenate([groups[j] for j in range(k) if mask >> j & 1])
        if cols.size == 0:
            continue
        sxx = cov[:, cols[:, None], cols[None, :]]
        sxy = cov[:, cols, -1]
        ridge = 1e-10 * np.maximum(np.trace(sxx, axis1=1, axis2=2), 1e-12)[:, None, None] * np.eye(cols.size)
        beta = np.linalg.solve(sxx + ridge, sxy[..., None])[..., 0]
        with np.errstate(divide="ignore", invalid="ignore"):
            r2[mask] = np.where(var_y > 0, np.einsum("ri,ri->r", sxy, beta) / var_y, 0.0)
    return np.clip(r2, 0.0, 1.0)


def shapley_r2(r2: np.ndarray) -> np.ndarray:
    """Return each predictor's Shapley (LMG) share of R^2 from the R^2 of every subset (rows = bit masks)."""
    subsets = r2.shape[0]
    k = subsets.bit_length() - 1
    weights = [math.factorial(s) * math.factorial(k - s - 1) / math.factorial(k) for s in range(k)]
    out = np.zeros((k, *r2.shape[1:]))
    for j in range(k):
        bit = 1 << j
        for mask in range(subsets):
            if mask & bit:
                continue
            out[j] += weights[bin(mask).count("1")] * (r2[mask | bit] - r2[mask])
    return out


def bc_interval(point: np.ndarray, boot: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the bias-corrected (BC) percentile 95% interval of each row's bootstrap values around ``point``.

    R^2 is biased upwards and more so in a resample (repeated rows fit better), so the plain percentile interval
    can lie almost wholly above the estimate ("0.7%, 95% from 0.6% to 2.4%"). The BC interval moves the
    percentiles by how far the estimate sits below the bootstrap median (Efron 1987), so it is centred on what
    the data say; it stays inside the bootstrap values (never below 0) and always holds the estimate.
    """
    point = np.asarray(point, dtype=float).reshape(-1)
    boot = np.asarray(boot, dtype=float).reshape(len(point), -1)
    b = boot.shape[1]
    below = (boot < point[:, None]).mean(axis=1) + 0.5 * (boot == point[:, None]).mean(axis=1)
    z0 = stats.norm.ppf(np.clip(below, 1.0 / (b + 1), b / (b + 1)))
    z = stats.norm.ppf(0.975)
    low_q, high_q = stats.norm.cdf(2 * z0 - z), stats.norm.cdf(2 * z0 + z)
    low = np.array([np.percentile(row, 100 * q) for row, q in zip(boot, low_q, strict=True)])
    high = np.array([np.percentile(row, 100 * q) for row, q in zip(boot, high_q, strict=True)])
    return np.fmin(low, point), np.fmax(high, point)


def chance_share(columns: int, n: int) -> float:
    """Return the R^2 a predictor of ``columns`` regression columns gets from chance alone among ``n`` responses.

    With no relation at all, least squares still explains about ``columns / (n - 1)`` of the variance (the
    expected R^2 under the null), so a 12-value segment explains about 0.8% of 1,324 responses by chance.
    """
    return columns / (n - 1) if n > 1 else float("nan")


def _percent(x: float) -> str:
    """Return a share as a percentage: one decimal below 10% ("less than 0.1%" below that, never "-0.0%")."""
    return percent(x, 1 if abs(x) < 0.1 else 0)


def key_drivers(frame: pd.DataFrame, target: str, predictors: Sequence[str], *, n_boot: int = DEFAULT_BOOTSTRAP,
                seed: int = DEFAULT_SEED, min_n: int = MIN_RESPONSES) -> Drivers:
    """Return the relative importance of ``predictors`` for the score column ``target``, largest first.

    Uses responses that carry the score and every predictor (a random sample of ``MAX_ROWS`` when there are
    more). Raises ``InputError`` for unknown columns, no or too many predictors, or too few responses.
    """
    predictors = _check_predictors(frame, target, predictors)
    label = TARGET_LABELS.get(target, target)
    design, available = _design(frame, target, predictors, label)
    rng = np.random.default_rng(seed)
    n = len(design.y)
    needed = max(min_n, design.x.shape[1] + 2)
    if n < needed:
        raise InputError(
            f"Only {plural(n, 'response')} have the {label} and every chosen column; at least {needed:,} are needed. "
            "Choose fewer columns or columns with fewer gaps."
        )
    sampled = n > MAX_ROWS
    z = np.column_stack([design.x, design.y])
    if sampled:
        z = z[np.sort(rng.choice(n, MAX_ROWS, replace=False))]
    r2 = subset_r2(_covariances(z, int(n_boot), rng), design.groups)
    full = r2[-1]
    total = float(full[0])
    r2_ci = tuple(float(v[0]) for v in bc_interval(full[:1], full[1:])) if len(full) > 1 \
        else (float("nan"), float("nan"))
    chance = [chance_share(len(g), len(z)) for g in design.groups]
    table = _ranking(predictors, design, shapley_r2(r2), total, label, chance)
    clear = table[table["beyond_chance"]]
    top = clear.iloc[0] if len(clear) else table.iloc[0]  # the highest-ranked column that clears chance
    used = plural(len(z), "response") + (f" (a random sample of the {n:,} complete ones)" if sampled else "")
    if len(predictors) == 1:  # one column: name it, rather than "the 1 column" that "matters most"
        sentence = f"{top['driver']} explains {_percent(total)} of the differences in {label} across {used}."
        if not top["beyond_chance"]:
            sentence += " That is no more than chance alone would give."
    elif top["beyond_chance"]:
        verdict = f"{top['driver']} matters most" if top["rank"] == 1 else \
            f"the clearest driver is {top['driver']} (the columns ranked above it do not clear chance)"
        sentence = (f"Together the {len(predictors):,} columns explain {_percent(total)} of the differences in "
                    f"{label} across {used}; {verdict}.")
    else:
        sentence = (f"Together the {len(predictors):,} columns explain {_percent(total)} of the differences in "
                    f"{label} across {used}; none of them clearly more than chance alone would.")
    if total < 0.05 and top["beyond_chance"]:
        sentence += " That is little: things not in these columns drive most of the score."
    return Drivers(target=target, n=len(z), n_available=available, sampled=sampled, r2=total, r2_ci=r2_ci,
                   table=table, sentence=sentence)


def _check_predictors(frame: pd.DataFrame, target: str, predictors: Sequence[str]) -> list[str]:
    """Return the predictors without repeats or the score; raise ``InputError`` for unknown columns or a bad count."""
    missing = [c for c in [target, *predictors] if c not in frame.columns]
    if missing:
        raise InputError(f"There is no column {', '.join(repr(c) for c in missing)}. "
                         f"Columns you can use: {', '.join(map(str, frame.columns))}.")
    predictors = list(dict.fromkeys(p for p in predictors if p != target))
    if not predictors:
        raise InputError("Choose at least one column that might drive the score.")
    if len(predictors) > MAX_PREDICTORS:
        raise InputError(f"Choose at most {MAX_PREDICTORS} columns at a time; you chose {len(predictors)}.")
    return predictors


def _ranking(predictors: list[str], design: _Design, shares: np.ndarray, total: float, label: str,
             chance: Sequence[float]) -> pd.DataFrame:
    """Return the drivers ranked by importance with their bootstrap intervals, share of R^2, chance level and
    sentence. A driver is ``beyond_chance`` when the low end of its interval is above what chance alone gives."""
    point, boot = shares[:, 0], shares[:, 1:]
    if boot.shape[1]:
        low, high = bc_interval(point, boot)
    else:
        low = high = np.full(len(predictors), np.nan)
    table = pd.DataFrame({
        "driver": predictors,
        "kind": design.kinds,
        "importance": point,
        "low": low,
        "high": high,
        "share": point / total if total > 0 else np.zeros(len(predictors)),
        "direction": design.directions,
        "chance": np.asarray(chance, dtype=float),
    })
    table["beyond_chance"] = (table["low"] > table["chance"]) if boot.shape[1] else \
        (table["importance"] > table["chance"])
    table = table.sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table["sentence"] = [
        f"{r['driver']} explains {_percent(r['importance'])} of the differences in {label} "
        f"(95% interval {_percent(r['low'])} to {_percent(r['high'])}); {r['direction']}."
        + ("" if r["beyond_chance"] else f" Chance alone would give about {_percent(r['chance'])}: this is not clear.")
        if np.isfinite(r["low"]) else
        f"{r['driver']} explains {_percent(r['importance'])} of the differences in {label}; {r['direction']}."
        for r in table.to_dict(orient="records")
    ]
    return table


#: Names of the scores and sentiment when they are offered as drivers.
SCORE_NAMES: dict[str, str] = {"nps": "NPS score", "csat": "CSAT score", "rating": "Star rating",
                               "recommend": "Would recommend", "sentiment": "Sentiment"}


def driver_targets(config: DatasetConfig) -> list[str]:
    """Return the scores whose drivers can be found, headline first (not a CSAT derived from star ratings)."""
    return [m for m in mapped_metrics(config) if not (m == "csat" and config.csat_from_rating)]


def derived_from(target: str, config: DatasetConfig) -> set[str]:
    """Return the columns computed from ``target`` (they cannot explain it): CSAT derived from star ratings."""
    return {"csat"} if target == "rating" and config.csat_from_rating else set()


def default_drivers(candidates: Sequence[str]) -> list[str]:
    """Return the columns chosen to begin with: sentiment is read from the same comments people wrote about their
    score, so it is offered, not preselected."""
    usual = [c for c in candidates if c != "sentiment"] or list(candidates)
    return usual[:MAX_PREDICTORS]


def driver_labels(columns: Sequence[str], config: DatasetConfig, label: Callable[[str], str],
                  target: str) -> tuple[tuple[str, str], ...]:
    """Return (column, name shown) for each candidate driver, names unique and different from the score's.

    ``label`` names a segment column as people know it.
    """
    out, used = [], {target}
    for column in columns:
        if column == "value":
            name = config.mapping.value or "Value"
        elif column in SCORE_NAMES:
            name = SCORE_NAMES[column]
        else:
            name = label(column)
        if name in used:
            name = column
        used.add(name)
        out.append((column, name))
    return tuple(out)
