"""Fitting and scoring helpers shared by the general sentiment model and the per-dataset adaptation.

Both are one-versus-rest logistic regressions (liblinear, deterministic) over negative, neutral and
positive; probabilities are the three sigmoids normalised to sum to one, polarity is P(positive) -
P(negative), and the label comes from two thresholds on the polarity chosen for the best macro-F1.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["LABELS", "balanced_weights", "best_thresholds", "fit_ovr", "macro_f1", "ovr_proba", "to_labels"]

LABELS: tuple[str, str, str] = ("negative", "neutral", "positive")
ABSENT_INTERCEPT = -12.0  # a class with no training example is (almost) never predicted


def balanced_weights(groups: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Return sample weights giving each group equal total weight, split equally over its labels."""
    groups, labels = np.asarray(groups), np.asarray(labels)
    out = np.zeros(len(labels), dtype=np.float64)
    for group in np.unique(groups):
        in_group = groups == group
        present = np.unique(labels[in_group])
        for lab in present:
            mask = in_group & (labels == lab)
            out[mask] = 1.0 / (len(present) * mask.sum())
    return out * len(out) / out.sum() if len(out) else out


def fit_ovr(x: object, y: np.ndarray, weights: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray]:
    """Return (coef (3, d), intercept (3,)) of one binary logistic regression per label."""
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(y)
    n_features = x.shape[1]  # type: ignore[attr-defined]
    coef = np.zeros((3, n_features), dtype=np.float64)
    intercept = np.full(3, ABSENT_INTERCEPT)
    for k, lab in enumerate(LABELS):
        target = (y == lab).astype(int)
        if 0 < target.sum() < len(target):
            model = LogisticRegression(C=c, solver="liblinear", max_iter=200, random_state=0)
            model.fit(x, target, sample_weight=weights)
            coef[k], intercept[k] = model.coef_[0], model.intercept_[0]
    return coef, intercept


def ovr_proba(z: np.ndarray) -> np.ndarray:
    """Return (n, 3) probabilities from one-versus-rest scores ``z`` (sigmoids normalised to sum to one)."""
    p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
    return p / p.sum(axis=1, keepdims=True)


def to_labels(values: np.ndarray, negative_below: float, positive_above: float) -> np.ndarray:
    """Return an array of label strings for polarities (negative below, positive above, else neutral)."""
    return np.where(values < negative_below, "negative", np.where(values > positive_above, "positive", "neutral"))


def macro_f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    """Return the mean F1 over the labels that occur in ``truth`` (a prediction of another label is an error)."""
    truth, predicted = np.asarray(truth).astype(str), np.asarray(predicted).astype(str)
    scores = []
    for lab in LABELS:
        if not (truth == lab).any():
            continue
        tp = np.sum((predicted == lab) & (truth == lab))
        wrong = np.sum((predicted == lab) & (truth != lab)) + np.sum((predicted != lab) & (truth == lab))
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + wrong))
    return float(np.mean(scores)) if scores else float("nan")


def best_thresholds(polarities: Sequence[np.ndarray], truths: Sequence[np.ndarray]) -> tuple[float, float, float]:
    """Return (mean macro-F1, negative-below, positive-above) maximising the mean over the groups given."""
    grid = np.unique(np.round(np.quantile(np.concatenate(polarities), np.linspace(0.02, 0.98, 49)), 3))
    best = (-1.0, 0.0, 0.0)
    for i, low in enumerate(grid):
        for high in grid[i:]:
            score = float(np.mean([macro_f1(t, to_labels(p, low, high)) for p, t in zip(polarities, truths, strict=True)]))
            if score > best[0]:
                best = (score, float(low), float(high))
    return best
