"""Adapt the general sentiment model to one dataset: its own words, its own scores.

``weak_labels`` turns a dataset's scores into labels (NPS 0-10: detractor / passive / promoter; stars,
ratings and CSAT: the lower two fifths of the scale negative, the middle fifth neutral, the upper two
fifths positive; a recommend answer: no negative, yes positive). Where a dataset has several, the one
its comments agree with best (by the general model) is used; where it has none, the general model's
confident predictions are the labels (self-training).

``adapt`` fits one logistic regression per label on the dataset's own hashed words stacked with the
general model's scores, on all labelled rows but a fixed, seeded share that is held out. The adapted
model is kept only when its macro-F1 on those held-out rows is not below the general model's; otherwise
the dataset keeps the general model and the report says so. Same input, same model, every time.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from portal.text.sentiment import NEGATIVE_BELOW, POSITIVE_ABOVE, SentimentModel, content, load_model, star_sentiment
from portal.text.sentiment_features import HASH_FEATURES, make_vectorizer
from portal.text.sentiment_fit import balanced_weights, best_thresholds, fit_ovr, macro_f1, ovr_proba, to_labels

__all__ = ["AdaptedModel", "Adaptation", "adapt", "weak_labels", "HELDOUT_SHARE", "MIN_LABELLED"]

HELDOUT_SHARE = 0.2
SEED = 20261207
MIN_LABELLED = 100  # fewer labelled comments than this: keep the general model
MAX_LABELLED = 25_000  # a larger dataset is adapted on a fixed, seeded sample of this many (bounds the fit time)
MIN_LANGUAGE_HELDOUT = 30  # held-out comments a language needs before its words are read
CONFIDENT = 0.6  # self-training: a general-model label is kept when its probability is at least this
C = 1.0
SOURCE_NAMES = {"nps": "NPS scores", "rating": "ratings", "csat": "CSAT scores", "recommend": "recommend answers",
                "self": "the general model's confident predictions"}


@dataclass(frozen=True, eq=False)
class AdaptedModel:
    """The general model's scores plus one dataset's own word weights; polarity on the general scale."""

    buckets: np.ndarray  # (k,) hashed buckets with a weight
    weights: np.ndarray  # (3, k) word weights
    stack: np.ndarray  # (3, 3) weights of the general model's three scores
    intercept: np.ndarray  # (3,)
    thresholds: tuple[float, float]  # this model's own label thresholds, mapped onto the general ones
    languages: tuple[str, ...] = ()  # languages besides English whose comments it reads well enough

    def polarity(self, texts: list[str], general: SentimentModel | None = None) -> np.ndarray:
        """Return each text's polarity in [-1, 1], rescaled so the general model's label thresholds apply."""
        if not texts:
            return np.zeros(0)
        x = make_vectorizer().transform([content(t) if isinstance(t, str) else "" for t in texts])
        return _rescale(self._raw(x, general), self.thresholds)

    def _raw(self, x: Any, general: SentimentModel | None) -> np.ndarray:
        """Return P(positive) - P(negative) before rescaling."""
        base = (general or load_model()).scores(x)
        dense = np.zeros((HASH_FEATURES, 3), dtype=np.float32)
        dense[self.buckets] = self.weights.T
        p = ovr_proba(np.asarray(x @ dense, dtype=np.float64) + base @ self.stack.T + self.intercept)
        return p[:, 2] - p[:, 0]

    def to_bytes(self) -> bytes:
        """Return the model as a compressed ``.npz`` blob (no pickles)."""
        buffer = io.BytesIO()
        np.savez_compressed(buffer, buckets=self.buckets.astype(np.int32), weights=self.weights.astype(np.float16),
                            stack=self.stack, intercept=self.intercept, thresholds=np.array(self.thresholds),
                            languages=np.array(json.dumps(list(self.languages))))
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes) -> AdaptedModel:
        """Read a blob written by ``to_bytes``; raises ValueError when it is not one."""
        try:
            with np.load(io.BytesIO(blob), allow_pickle=False) as data:
                return cls(buckets=data["buckets"].astype(np.int64), weights=data["weights"].astype(np.float32),
                           stack=data["stack"].astype(np.float64), intercept=data["intercept"].astype(np.float64),
                           thresholds=(float(data["thresholds"][0]), float(data["thresholds"][1])),
                           languages=tuple(json.loads(str(data["languages"]))))
        except (OSError, EOFError, KeyError, ValueError, TypeError) as err:
            raise ValueError(f"the stored sentiment model cannot be read ({err})") from err


@dataclass(frozen=True)
class Adaptation:
    """What ``adapt`` decided: the adapted model (None when the general model stays) and its report."""

    model: AdaptedModel | None
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """Return one plain sentence for the import report."""
        r = self.report
        if r.get("reason"):
            return f"Sentiment uses the general model: {r['reason']}"
        figures = f"held-out macro-F1 {r['adapted_f1']:.2f} vs {r['general_f1']:.2f} for the general model"
        source = f"{r['n']:,} {SOURCE_NAMES.get(r['labels'], r['labels'])}"
        if self.model is None:
            return (f"Sentiment kept the general model: the model adapted from {source} was not better on "
                    f"held-out rows ({figures}).")
        read = f" It also reads comments in {', '.join(self.model.languages)}." if self.model.languages else ""
        return f"Sentiment adapted to this dataset from {source}: {figures}.{read}"


def _rescale(values: np.ndarray, thresholds: tuple[float, float]) -> np.ndarray:
    """Map polarities piecewise-linearly so ``thresholds`` land on the general model's label thresholds."""
    low, high = thresholds
    return np.interp(values, [-1.0, low, high, 1.0], [-1.0, NEGATIVE_BELOW, POSITIVE_ABOVE, 1.0])


def _score_labels(values: pd.Series, scale: tuple[float, float]) -> np.ndarray:
    """Return labels (None where missing) for scores on ``scale`` (lower two fifths negative, ...)."""
    return star_sentiment(pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64), scale)[1]


def weak_labels(frame: pd.DataFrame, *, rating_scale: tuple[float, float] = (1, 5),
                csat_scale: tuple[float, float] = (1, 5)) -> dict[str, np.ndarray]:
    """Return the candidate weak labels (object arrays, None where unlabelled) by score column present."""
    out: dict[str, np.ndarray] = {}
    if "nps" in frame:
        score = pd.to_numeric(frame["nps"], errors="coerce").to_numpy(dtype=np.float64)
        groups = np.where(score <= 6, "negative", np.where(score <= 8, "neutral", "positive")).astype(object)
        groups[np.isnan(score) | (score < 0) | (score > 10)] = None
        out["nps"] = groups
    if "rating" in frame:
        out["rating"] = _score_labels(frame["rating"], rating_scale)
    if "csat" in frame:
        csat = _score_labels(frame["csat"], csat_scale)
        if "rating" not in out or not np.array_equal(csat, out["rating"]):  # CSAT derived from the stars
            out["csat"] = csat
    if "recommend" in frame:
        answer = pd.to_numeric(frame["recommend"], errors="coerce").to_numpy(dtype=np.float64)
        labels = np.where(answer >= 0.5, "positive", "negative").astype(object)
        labels[np.isnan(answer)] = None
        out["recommend"] = labels
    return {k: v for k, v in out.items() if sum(x is not None for x in v) > 0}


def _sample(has: np.ndarray) -> np.ndarray:
    """Return ``has`` limited to a fixed, seeded sample of ``MAX_LABELLED`` rows when it holds more."""
    found = np.flatnonzero(has)
    if len(found) <= MAX_LABELLED:
        return has
    keep = np.zeros_like(has)
    keep[np.sort(np.random.default_rng(SEED + 2).choice(found, MAX_LABELLED, replace=False))] = True
    return keep


def _heldout(n: int) -> np.ndarray:
    """Return the fixed, seeded held-out mask for ``n`` rows."""
    return np.random.default_rng(SEED).random(n) < HELDOUT_SHARE


def _choose_labels(candidates: dict[str, np.ndarray], general_pol: np.ndarray,
                   thresholds: tuple[float, float]) -> tuple[str, np.ndarray]:
    """Return the score column whose labels the general model agrees with best (self-training without one)."""
    best: tuple[float, str, np.ndarray] | None = None
    for name, labels in sorted(candidates.items()):
        has = np.array([x is not None for x in labels], dtype=bool)
        if has.sum() < MIN_LABELLED:
            continue
        f1 = macro_f1(labels[has].astype(str), to_labels(general_pol[has], *thresholds))
        if best is None or f1 > best[0]:
            best = (f1, name, labels)
    if best is not None:
        return best[1], best[2]
    return "self", np.array([None] * len(general_pol), dtype=object)


def _fit(x: Any, labels: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (coef, intercept) fitted on ``rows`` of the stacked design ``x`` with balanced label weights."""
    y = labels[rows].astype(str)
    return fit_ovr(x[rows], y, balanced_weights(np.zeros(len(y)), y), C)


def _model(coef: np.ndarray, intercept: np.ndarray, thresholds: tuple[float, float],
           languages: tuple[str, ...] = ()) -> AdaptedModel:
    """Return the compact adapted model of stacked coefficients (words first, then the three scores)."""
    words = coef[:, :HASH_FEATURES]
    used = np.flatnonzero(np.abs(words).max(axis=0) > 1e-4)
    return AdaptedModel(buckets=used.astype(np.int64), weights=words[:, used].astype(np.float16).astype(np.float32),
                        stack=coef[:, HASH_FEATURES:], intercept=intercept, thresholds=thresholds,
                        languages=languages)


def _self_labels(proba: np.ndarray) -> np.ndarray:
    """Return the general model's label where its probability is at least ``CONFIDENT`` (else None)."""
    labels = np.array(["negative", "neutral", "positive"], dtype=object)[proba.argmax(axis=1)]
    labels[proba.max(axis=1) < CONFIDENT] = None
    return labels


def adapt(texts: list[str], candidates: dict[str, np.ndarray], *, languages: list[str | None] | None = None,
          general: SentimentModel | None = None) -> Adaptation:
    """Return the dataset's adapted model (or None, with the reason) and its report.

    ``candidates`` are ``weak_labels``'s arrays (same order as ``texts``); ``languages`` the comments'
    language codes, used to decide which other languages the adapted model reads.
    """
    import scipy.sparse as sp

    general = general or load_model()
    x = make_vectorizer().transform([content(t) if isinstance(t, str) else "" for t in texts])
    base = general.scores(x)
    proba = ovr_proba(base)
    general_thresholds = (general.negative_below, general.positive_above)
    source, labels = _choose_labels(candidates, proba[:, 2] - proba[:, 0], general_thresholds)
    if source == "self":
        labels = _self_labels(proba)
    has = _sample(np.array([v is not None for v in labels], dtype=bool))
    report: dict[str, Any] = {"labels": source, "n": int(has.sum()), "heldout_share": HELDOUT_SHARE}
    if has.sum() < MIN_LABELLED or len({str(v) for v in labels[has]}) < 2:
        report["reason"] = (f"the dataset has fewer than {MIN_LABELLED} comments with a score (or only one "
                            "kind of answer) to learn from.")
        return Adaptation(None, {**report, "fell_back": True})
    held = _heldout(len(texts))
    design = sp.hstack([x, sp.csr_matrix(base)]).tocsr()
    inner = np.random.default_rng(SEED + 1).random(len(texts)) < HELDOUT_SHARE
    coef, intercept = _fit(design, labels, has & ~held & ~inner)
    p = ovr_proba(np.asarray(design[has & ~held & inner] @ coef.T) + intercept)
    _, low, high = best_thresholds([p[:, 2] - p[:, 0]], [labels[has & ~held & inner].astype(str)])
    coef, intercept = _fit(design, labels, has & ~held)
    model = _model(coef, intercept, (low, high))
    test = has & held
    adapted_pol = model.polarity([texts[i] for i in np.flatnonzero(test)], general)
    truth = labels[test].astype(str)
    general_pol = proba[test, 2] - proba[test, 0]
    general_f1 = macro_f1(truth, to_labels(general_pol, *general_thresholds))
    adapted_f1 = macro_f1(truth, to_labels(adapted_pol, NEGATIVE_BELOW, POSITIVE_ABOVE))
    report.update({"heldout_n": int(test.sum()), "general_f1": round(general_f1, 4),
                   "adapted_f1": round(adapted_f1, 4)})
    if languages is not None:
        report["languages"] = _language_figures(np.asarray(languages, dtype=object)[test], truth, adapted_pol)
        read = tuple(k for k, v in report["languages"].items() if v["n"] >= MIN_LANGUAGE_HELDOUT
                     and v["adapted_f1"] >= general_f1)
        model = _model(coef, intercept, (low, high), read)
    kept = adapted_f1 >= general_f1
    report["fell_back"] = not kept
    return Adaptation(model if kept else None, report)


def _language_figures(languages: np.ndarray, truth: np.ndarray, polarity: np.ndarray) -> dict[str, dict[str, Any]]:
    """Return, per language other than English with 10 or more held-out comments, their count and macro-F1."""
    out: dict[str, dict[str, Any]] = {}
    for code in sorted({str(c) for c in languages if isinstance(c, str) and c != "en"}):
        mask = languages == code
        if mask.sum() < 10:
            continue
        f1 = macro_f1(truth[mask], to_labels(polarity[mask], NEGATIVE_BELOW, POSITIVE_ABOVE))
        out[code] = {"n": int(mask.sum()), "adapted_f1": round(f1, 4)}
    return out
