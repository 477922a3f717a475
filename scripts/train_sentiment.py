"""Train the shipped sentiment model and the English word list from the public star-rated reviews.

Usage: ``python scripts/train_sentiment.py [--data FOLDER]`` (default: ``../shared/data`` beside the
repository). Writes ``src/portal/text/models/sentiment_v1.npz`` and ``english_words_v1.txt`` and prints
the held-out macro-F1 it recorded in the model.

Data: ``womens_clothing_reviews.csv`` (CC0) and ``ethiopian_bank_app_reviews.csv`` (MIT); 1-2 stars are
negative, 3 neutral, 4-5 positive. Fixed split: a row whose 0-based position in its file is a multiple
of 5 is held out (20 %); only the other rows are used for training and for choosing thresholds.

Model: word 1-2 grams hashed into 2**18 buckets (binary, l2-normalised), multinomial logistic regression
with balanced class weights. Polarity = P(positive) - P(negative); the two label thresholds maximise
macro-F1 on 3-fold out-of-fold training polarities. The file also holds an optional second stage that
stacks the model's log-probabilities with VADER's four scores (a small logistic regression trained on the
out-of-fold probabilities) with its own thresholds; the benchmark compares both.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from portal.text import sentiment as S  # noqa: E402
from portal.text.sentences import tokenize  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data"
MODELS = REPO / "src" / "portal" / "text" / "models"
HELDOUT_EVERY = 5
SEED = 0

# Everyday words that short reviews use and a review corpus may miss.
EXTRA_ENGLISH = """
a an the i me my we our you your he she it its they them this that these those is am are was were be been
being have has had do does did not no yes ok okay k kk gr8 thx thanks thank thankyou pls plz please lol wow
cool awesome nice good great best better bad worst worse super top fine love like hate app apps application
bank banking card cards account money transfer payment pay fast slow easy simple useful helpful excellent
amazing perfect brilliant fantastic wonderful terrible horrible awful poor very so too really much more
most well job service support update login crash crashes bug bugs fix fixed needs need and or but with
for of to in on at by from all any some good job well done keep it up wonderful thank you v very
""".split()
# Common words of other languages that English review texts may contain by chance ("la", "con", "per").
NOT_ENGLISH = """
de la el es un una uno unos muy con por para que lo los las del y et le les des du est tres très il di che
non per molto sono ma und ist nicht sehr gut der das ein eine mit het een niet zeer goed van voor ik je ja
nee og er jeg det não muito bom com bueno buena perfecto bien ottimo ottima bello bella grazie gracias
danke merci todo tutto alles aber mais pero perfecta perfetto perfekt
""".split()


def star_label(stars: pd.Series) -> np.ndarray:
    """Return negative / neutral / positive for 1-5 stars (1-2, 3, 4-5)."""
    return np.where(stars <= 2, "negative", np.where(stars == 3, "neutral", "positive"))


def load_clothing(data: Path) -> pd.DataFrame:
    """Return text, label and position of each clothing review with text (title and body joined)."""
    raw = pd.read_csv(data / "womens_clothing_reviews.csv")
    title = raw["Title"].fillna("").astype(str)
    body = raw["Review Text"].fillna("").astype(str)
    text = (title + "\n\n" + body).str.strip()
    frame = pd.DataFrame(
        {"text": text, "label": star_label(raw["Rating"]), "rating": raw["Rating"], "pos": np.arange(len(raw))}
    )
    return frame[frame["text"] != ""].reset_index(drop=True)


def load_bank(data: Path) -> pd.DataFrame:
    """Return text, label and position of each bank-app review with text."""
    raw = pd.read_csv(data / "ethiopian_bank_app_reviews.csv")
    text = raw["review"].fillna("").astype(str).str.strip()
    frame = pd.DataFrame(
        {"text": text, "label": star_label(raw["rating"]), "rating": raw["rating"], "pos": np.arange(len(raw))}
    )
    return frame[frame["text"] != ""].reset_index(drop=True)


def load_semeval(data: Path) -> pd.DataFrame:
    """Return SemEval-2014 restaurant sentences whose aspect polarities all agree (conflict skipped)."""
    raw = pd.read_csv(data / "semeval14_restaurants_aspects.csv")
    rows = []
    for text, pairs in zip(raw["text"], raw["category_polarities"], strict=True):
        polarities = {p.rsplit(":", 1)[1] for p in str(pairs).split(";")}
        if len(polarities) == 1 and "conflict" not in polarities:
            rows.append((str(text).strip(), polarities.pop()))
    return pd.DataFrame(rows, columns=["text", "label"])


def load_neobank(data: Path) -> pd.DataFrame:
    """Return the neobank App Store reviews with star labels (all languages; filter before use)."""
    raw = pd.read_csv(data / "neobank_appstore_reviews.csv")
    return pd.DataFrame(
        {"text": raw["Comment"].astype(str).str.strip(), "label": star_label(raw["Rating"]), "rating": raw["Rating"]}
    )


def is_heldout(frame: pd.DataFrame) -> pd.Series:
    """Return True for the rows of the fixed held-out split (file position a multiple of 5)."""
    return frame["pos"] % HELDOUT_EVERY == 0


def macro_f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    """Return the macro-F1 over negative, neutral and positive."""
    scores = []
    for c in S.LABELS:
        tp = np.sum((predicted == c) & (truth == c))
        fp = np.sum((predicted == c) & (truth != c))
        fn = np.sum((predicted != c) & (truth == c))
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores))


def best_thresholds(polarity: np.ndarray, truth: np.ndarray) -> tuple[float, float, float]:
    """Return (macro-F1, negative-below, positive-above) maximising macro-F1 over quantile grids."""
    grid = np.unique(np.round(np.quantile(polarity, np.linspace(0.01, 0.99, 99)), 3))
    best = (-1.0, 0.0, 0.0)
    for i, low in enumerate(grid):
        for high in grid[i + 1 :]:
            f1 = macro_f1(truth, S.labels_from_polarity(polarity, low, high))
            if f1 > best[0]:
                best = (f1, float(low), float(high))
    return best


def english_word_list(train_texts: list[str], bank_texts: list[str]) -> list[str]:
    """Return the sorted English word list: frequent review words, VADER's words and everyday words."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    counts: Counter[str] = Counter()
    english_bank = [t for t in bank_texts if len(t.split()) >= 4 and identifier.classify(t)[0] == "en"]
    for text in [*train_texts, *english_bank]:
        counts.update({w for w in tokenize(text) if not any(ch.isdigit() for ch in w)})
    words = {w for w, n in counts.items() if n >= 3 and w.isascii()}
    words |= {w for w in SentimentIntensityAnalyzer().lexicon if w.isalpha() and w.isascii()}
    words |= set(EXTRA_ENGLISH)
    words -= set(NOT_ENGLISH)
    return sorted(words)


def main(argv: list[str] | None = None) -> int:
    """Train, evaluate on the held-out split and write the model files; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with the public data sets")
    args = parser.parse_args(argv)

    clothing, bank = load_clothing(args.data), load_bank(args.data)
    train = pd.concat([clothing[~is_heldout(clothing)], bank[~is_heldout(bank)]], ignore_index=True)
    heldout = {"clothing": clothing[is_heldout(clothing)], "bank": bank[is_heldout(bank)]}
    print(f"training on {len(train)} reviews; held out {', '.join(f'{k} {len(v)}' for k, v in heldout.items())}")

    MODELS.mkdir(parents=True, exist_ok=True)
    words = english_word_list(train["text"].tolist(), bank.loc[~is_heldout(bank), "text"].tolist())
    (MODELS / "english_words_v1.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"english_words_v1.txt: {len(words)} words")

    vectorizer = S.make_vectorizer()
    x = vectorizer.transform(train["text"].tolist())
    y = train["label"].to_numpy()
    folds = StratifiedKFold(3, shuffle=True, random_state=SEED)
    base = LogisticRegression(C=2.0, max_iter=500, tol=1e-3, class_weight="balanced")
    out_of_fold = cross_val_predict(base, x, y, cv=folds, method="predict_proba")
    base.fit(x, y)
    assert list(base.classes_) == list(S.LABELS)
    vader = S.vader_features(train["text"].tolist())
    stack_x = S.stack_features(out_of_fold, vader)
    stacker = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
    stacked_oof = cross_val_predict(stacker, stack_x, y, cv=folds, method="predict_proba")
    stacker.fit(stack_x, y)
    train_f1, low, high = best_thresholds(out_of_fold[:, 2] - out_of_fold[:, 0], y)
    print(f"thresholds: negative below {low:.3f}, positive above {high:.3f} (train out-of-fold macro-F1 {train_f1:.3f})")
    combined_f1, c_low, c_high = best_thresholds(stacked_oof[:, 2] - stacked_oof[:, 0], y)
    print(f"combined thresholds: {c_low:.3f}, {c_high:.3f} (train out-of-fold macro-F1 {combined_f1:.3f})")

    # Keep only the hashed buckets that training used (the rest have zero weight) to keep the file small.
    coef = base.coef_.astype(np.float32)
    used = np.flatnonzero(np.abs(coef).max(axis=0) > 1e-4)
    model = S.SentimentModel(
        buckets=used.astype(np.int32),
        weights=coef[:, used].astype(np.float16).astype(np.float32),  # as stored
        intercept=base.intercept_.astype(np.float64),
        stack_coef=stacker.coef_.astype(np.float64),
        stack_intercept=stacker.intercept_.astype(np.float64),
        negative_below=low,
        positive_above=high,
        combined_thresholds=(c_low, c_high),
        meta={},
    )
    scores = {}
    for name, frame in heldout.items():
        predicted = model.labels(frame["text"].tolist())
        scores[name] = round(macro_f1(frame["label"].to_numpy(), predicted), 4)
    meta = {
        "version": 1,
        "trained_on": ["womens_clothing_reviews.csv", "ethiopian_bank_app_reviews.csv"],
        "split": f"held out: rows whose 0-based file position is a multiple of {HELDOUT_EVERY}",
        "train_rows": int(len(train)),
        "train_oof_macro_f1": round(train_f1, 4),
        "train_oof_macro_f1_combined": round(combined_f1, 4),
        "heldout_macro_f1": scores,
        "negative_below": low,
        "positive_above": high,
    }
    model = S.SentimentModel(**{**model.__dict__, "meta": meta})
    model.save(MODELS / S.MODEL_FILE_NAME)
    size = (MODELS / S.MODEL_FILE_NAME).stat().st_size
    print(f"{S.MODEL_FILE_NAME}: {size / 1e6:.2f} MB, {len(used)} buckets; held-out macro-F1 {scores}")
    print(f"set NEGATIVE_BELOW = {low} and POSITIVE_ABOVE = {high} in portal/text/sentiment.py")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
