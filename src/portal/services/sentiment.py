"""Each dataset's own sentiment model: refitted after every import, stored with the dataset, used to score it.

``after_import`` adapts the general model to the dataset's comments and scores (``portal.text.sentiment_adapt``),
stores the adapted model (or the decision to keep the general one) with its report, re-scores the stored
comments with the model now in force and returns one sentence for the import report. It never raises: a
failure leaves the import as it is and says so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import pandas as pd

from portal.store import Store
from portal.store.sentiment import read_sentiment_model, save_sentiment_model, update_sentiment
from portal.store.themes import forget_clause_polarities
from portal.text.enrich import enrich
from portal.text.sentiment_adapt import AdaptedModel, adapt, weak_labels

__all__ = ["adapted_model", "after_import", "clause_scorer", "refit", "report"]

Progress = Callable[[float, str], None]
_LOG = logging.getLogger(__name__)
_COLUMNS = ["row_key", "comment", "language", "nps", "rating", "csat", "recommend"]


def adapted_model(store: Store, name: str) -> AdaptedModel | None:
    """Return dataset ``name``'s adapted sentiment model (None when it uses the general model)."""
    stored = read_sentiment_model(store, name)
    if stored is None or stored.model is None:
        return None
    return AdaptedModel.from_bytes(stored.model)


def report(store: Store, name: str) -> dict[str, object] | None:
    """Return the report of the dataset's last sentiment refit (None before the first one)."""
    stored = read_sentiment_model(store, name)
    return stored.report if stored is not None else None


def clause_scorer(store: Store, name: str) -> Callable[[list[str]], np.ndarray] | None:
    """Return the polarity function for the dataset's clauses (None: the general model's)."""
    model = adapted_model(store, name)
    return model.polarity if model is not None else None


def refit(store: Store, name: str) -> str | None:
    """Fit and store the dataset's sentiment model; return the import-report sentence (None without comments).

    Raises what the store raises (``NotFoundError`` for an unknown dataset).
    """
    info = store.dataset(name)
    if info is None:
        return None
    frame = store.load(name, columns=_COLUMNS)
    frame = frame[frame["comment"].map(lambda v: isinstance(v, str) and bool(v.strip()))].reset_index(drop=True)
    if frame.empty:
        return None
    had_model = adapted_model(store, name) is not None
    candidates = weak_labels(frame, rating_scale=info.config.rating_scale, csat_scale=info.config.csat_scale)
    result = adapt(frame["comment"].tolist(), candidates, languages=frame["language"].tolist())
    blob = result.model.to_bytes() if result.model is not None else None
    save_sentiment_model(store, name, blob, {**result.report, "message": result.message})
    if result.model is not None or had_model:
        _rescore(store, name, info.config.rating_scale, result.model)
        forget_clause_polarities(store, name)  # theme mentions are scored again with the model now in force
    return result.message


def _rescore(store: Store, name: str, scale: tuple[int, int], model: AdaptedModel | None) -> int:
    """Score the stored comments with ``model`` (None: the general model) and store what changed."""
    stored = store.load(name, columns=["row_key", "comment", "rating", "sentiment", "sentiment_label"])
    scores = enrich(stored, rating_scale=scale, model=model).set_index("row_key")
    before = stored.set_index("row_key").reindex(scores.index)
    new = scores["sentiment"].to_numpy(dtype=float)
    old = pd.to_numeric(before["sentiment"], errors="coerce").to_numpy(dtype=float)
    same = np.isclose(old, new, equal_nan=True) & (
        before["sentiment_label"].astype(object).to_numpy() == scores["sentiment_label"].astype(object).to_numpy())
    keys = scores.index[~same].tolist()
    values = [None if np.isnan(v) else float(v) for v in new[~same]]
    return update_sentiment(store, name, keys, values, scores["sentiment_label"][~same].tolist())


def after_import(store: Store, name: str, *, changed: bool = True) -> str | None:
    """Refit the dataset's sentiment model after an import; return the sentence for the import report.

    An import that ``changed`` no row (a sheet refresh with nothing new) keeps the stored model and says
    nothing. Never raises: when refitting fails the dataset keeps what it had and the sentence says so.
    """
    try:
        if not changed and read_sentiment_model(store, name) is not None:
            return None
        return refit(store, name)
    except Exception as err:  # noqa: BLE001 - a refit failure must never fail or undo the import
        _LOG.exception("refitting the sentiment model of %r failed", name)
        return f"Sentiment was not adapted to this dataset this time: refitting failed ({type(err).__name__})."
