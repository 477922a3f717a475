"""Train the shipped general sentiment model on every star- or score-labelled public set.

Usage: ``python scripts/train_sentiment.py [--data FOLDER] [--words]`` (default: ``../shared/data`` beside
the repository). Writes ``src/portal/text/models/sentiment_v2.npz`` (with ``--words`` also rewrites
``english_words_v1.txt``, the language detector's word list, from the same reviews as before).

Data and labels: clothing reviews (1-2 stars negative, 3 neutral, 4-5 positive), Ethiopian bank-app
reviews (same), neobank App Store reviews detected as English (same), BA reviews (``recommended`` yes
positive, no negative; the overall rating column is unreliable, see the data README) and telecom NPS
verbatims (0-6 negative, 7-8 neutral, 9-10 positive).

Settings (the benchmark uses exactly these, through ``train_general``): word 1-2 grams hashed into 2**18
buckets (binary, l2-normalised) plus three lexicon columns (``portal.text.sentiment_features``); one
liblinear logistic regression per label with C = ``C``; sample weights give each set the same total
weight, split equally over the labels it has, so the big clothing set does not dominate. Thresholds:
fitted without the rows whose 0-based file position is a multiple of 5, chosen on those rows for the best
mean macro-F1 over the sets, then the model is refitted on every row.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from portal.text import sentiment as S  # noqa: E402
from portal.text import sentiment_features as F  # noqa: E402
from portal.text.sentences import tokenize  # noqa: E402
from portal.text.sentiment_fit import balanced_weights, best_thresholds, fit_ovr, ovr_proba  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data"
MODELS = REPO / "src" / "portal" / "text" / "models"
HELDOUT_EVERY = 5
C = 1.0

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


def _frame(text: pd.Series, labels: np.ndarray, **extra: object) -> pd.DataFrame:
    """Return text, label, file position (and ``extra`` columns) of the rows with text."""
    frame = pd.DataFrame({"text": text.fillna("").astype(str).str.strip(), "label": labels, **extra})
    frame["pos"] = np.arange(len(frame))
    return frame[frame["text"] != ""].reset_index(drop=True)


def load_clothing(data: Path) -> pd.DataFrame:
    """Return the clothing reviews (title and body joined) with star labels."""
    raw = pd.read_csv(data / "womens_clothing_reviews.csv")
    text = raw["Title"].fillna("").astype(str) + "\n\n" + raw["Review Text"].fillna("").astype(str)
    return _frame(text, star_label(raw["Rating"]), rating=raw["Rating"])


def load_bank(data: Path) -> pd.DataFrame:
    """Return the Ethiopian bank-app reviews with star labels."""
    raw = pd.read_csv(data / "ethiopian_bank_app_reviews.csv")
    return _frame(raw["review"], star_label(raw["rating"]), rating=raw["rating"])


def load_neobank(data: Path, english_only: bool = True) -> pd.DataFrame:
    """Return the neobank App Store reviews with star labels and language (English rows only by default)."""
    from portal.text.language import detect_language

    raw = pd.read_csv(data / "neobank_appstore_reviews.csv")
    frame = _frame(raw["Comment"], star_label(raw["Rating"]), rating=raw["Rating"])
    frame["language"] = detect_language(frame["text"].tolist())
    return frame[frame["language"] == "en"].reset_index(drop=True) if english_only else frame


def load_ba(data: Path) -> pd.DataFrame:
    """Return the BA reviews (headline and text) labelled by ``recommended``: yes positive, no negative.

    The overall ``rating`` column does not match the reviews (see the data README), so it is not used.
    """
    raw = pd.read_csv(data / "ba_skytrax_reviews.csv")
    text = raw["header"].fillna("").astype(str).str.strip('" ') + "\n\n" + raw["content"].fillna("").astype(str)
    labels = np.where(raw["recommended"] == "yes", "positive", "negative")
    return _frame(text, labels, recommend=(raw["recommended"] == "yes").astype(float))


def load_telecom(data: Path) -> pd.DataFrame:
    """Return the telecom NPS verbatims labelled by NPS group (detractor, passive, promoter)."""
    raw = pd.read_csv(data / "nps_telecom_verbatims.csv")
    raw = raw[raw["NPS_SCORE"].notna()].reset_index(drop=True)
    score = raw["NPS_SCORE"]
    labels = np.where(score <= 6, "negative", np.where(score <= 8, "neutral", "positive"))
    return _frame(raw["text"], labels, nps=score)


def _agreeing(texts: pd.Series, opinions: pd.Series, sep: str, pair_sep: str) -> pd.DataFrame:
    """Return the sentences whose opinion polarities all agree (conflict, mixed and none skipped)."""
    rows = []
    for text, pairs in zip(texts, opinions, strict=True):
        if not isinstance(pairs, str) or not pairs.strip():
            continue
        polarities = {p.rsplit(pair_sep, 1)[1].strip() for p in pairs.split(sep)}
        if len(polarities) == 1 and "conflict" not in polarities:
            rows.append((str(text).strip(), polarities.pop()))
    frame = pd.DataFrame(rows, columns=["text", "label"])
    frame["pos"] = np.arange(len(frame))
    return frame


def load_semeval(data: Path) -> pd.DataFrame:
    """Return SemEval-2014 restaurant sentences whose aspect-category polarities all agree."""
    raw = pd.read_csv(data / "semeval14_restaurants_aspects.csv")
    return _agreeing(raw["text"], raw["category_polarities"], ";", ":")


def load_laptops(data: Path) -> pd.DataFrame:
    """Return SemEval-2016 laptop sentences whose opinion polarities all agree."""
    raw = pd.read_csv(data / "semeval2016_laptops_aspects.csv")
    return _agreeing(raw["text"], raw["opinions"], ";", "=")


SCORED = {"clothing": load_clothing, "Ethiopian banks": load_bank, "neobank (English)": load_neobank,
          "BA (recommended)": load_ba, "telecom (NPS groups)": load_telecom}
UNSCORED = {"SemEval restaurants": load_semeval, "SemEval laptops": load_laptops}


def load_sets(data: Path) -> dict[str, pd.DataFrame]:
    """Return every labelled set by name: the scored (training) sets first, then the SemEval sets."""
    return {name: load(data) for name, load in {**SCORED, **UNSCORED}.items()}


def is_heldout(frame: pd.DataFrame) -> pd.Series:
    """Return True for the rows kept out of fitting to choose thresholds (file position a multiple of 5)."""
    return frame["pos"] % HELDOUT_EVERY == 0


def train_general(sets: dict[str, pd.DataFrame], names: list[str]) -> S.SentimentModel:
    """Return the general model trained on the sets ``names`` with the shipped settings.

    Thresholds: fit on the rows not held out, choose the pair with the best mean macro-F1 over the sets'
    held-out rows; then refit on every row of those sets and keep those thresholds.
    """
    vec = S.make_vectorizer()
    xs = {n: F.design(vec.transform(sets[n]["text"].tolist())) for n in names}

    def fit(masks: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        x = sp.vstack([xs[n][masks[n]] for n in names]).tocsr()
        y = np.concatenate([sets[n]["label"].to_numpy()[masks[n]] for n in names])
        groups = np.concatenate([np.full(int(masks[n].sum()), n) for n in names])
        return fit_ovr(x, y, balanced_weights(groups, y), C)

    held = {n: is_heldout(sets[n]).to_numpy() for n in names}
    coef, intercept = fit({n: ~held[n] for n in names})
    pols = []
    for n in names:
        p = ovr_proba(np.asarray(xs[n][held[n]] @ coef.T) + intercept)
        pols.append(p[:, 2] - p[:, 0])
    score, low, high = best_thresholds(pols, [sets[n]["label"].to_numpy()[held[n]] for n in names])
    coef, intercept = fit({n: np.ones(len(sets[n]), dtype=bool) for n in names})
    meta = {"version": 2, "trained_on": names, "C": C, "threshold_choice_macro_f1": round(score, 4),
            "train_rows": int(sum(len(sets[n]) for n in names))}
    return S.SentimentModel.from_dense(F.fold(coef), intercept, (low, high), meta)


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
    """Train on every scored set and write the model file (and optionally the word list); returns 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with the public data sets")
    parser.add_argument("--words", action="store_true", help="also rewrite the English word list")
    args = parser.parse_args(argv)
    sets = {name: load(args.data) for name, load in SCORED.items()}
    print("training on " + ", ".join(f"{k} {len(v):,}" for k, v in sets.items()))
    model = train_general(sets, list(sets))
    MODELS.mkdir(parents=True, exist_ok=True)
    model.save(MODELS / S.MODEL_FILE_NAME)
    size = (MODELS / S.MODEL_FILE_NAME).stat().st_size
    print(f"{S.MODEL_FILE_NAME}: {size / 1e6:.2f} MB, {len(model.buckets)} buckets, meta {model.meta}")
    print(f"set NEGATIVE_BELOW = {model.negative_below} and POSITIVE_ABOVE = {model.positive_above} in "
          "portal/text/sentiment.py")
    if args.words:
        clothing, bank = sets["clothing"], sets["Ethiopian banks"]
        words = english_word_list(clothing.loc[~is_heldout(clothing), "text"].tolist()
                                  + bank.loc[~is_heldout(bank), "text"].tolist(),
                                  bank.loc[~is_heldout(bank), "text"].tolist())
        (MODELS / "english_words_v1.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
