"""Yardsticks of theme discovery (used by ``bench_themes.py``): best-matching theme per gold category and the
theme trees of the unlabelled sets.

Labelled sets: discovery runs on the *training* sentences (labels unused); for each gold category the
best-matching theme is chosen on the training sentences and its precision, recall and F1 are reported on the
*test* sentences, then the macro average. Scored for the two-level discovery at the theme level (a theme
counts its sub-themes' sentences), at the sub-theme level (sub-themes only) and over both, for the first
wave's discovery (``FIRST_WAVE``) and for plain TF-IDF + NMF, all from the same settings on every set.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from portal.text.assign import assign
from portal.text.codeframe import Codeframe
from portal.text.themes import DEFAULT_SETTINGS, FIRST_WAVE, default_theme_count, discover

RESTAURANT_CATEGORIES = ("food", "service", "ambience", "price", "anecdotes/miscellaneous")
MIN_ENTITY_SENTENCES = 40


def membership(texts: list[str], codeframe: Codeframe) -> np.ndarray:
    """Return texts x themes: which text mentions which theme (a theme also holds its sub-themes' texts)."""
    matches = assign(texts, codeframe)
    out = np.zeros((len(texts), len(codeframe.themes)), dtype=bool)
    column = {t.key: i for i, t in enumerate(codeframe.themes)}
    out[matches["row"].to_numpy(), matches["theme_key"].map(column).to_numpy()] = True
    for theme in codeframe.themes:
        if theme.parent is not None:
            out[:, column[theme.parent]] |= out[:, column[theme.key]]
    return out


def levels(codeframe: Codeframe) -> dict[str, np.ndarray]:
    """Return which columns make each level: themes, sub-themes, both."""
    sub = np.array([t.parent is not None for t in codeframe.themes], dtype=bool)
    return {"themes": ~sub, "sub-themes": sub, "both": np.ones(len(sub), dtype=bool)}


def prf(truth: np.ndarray, predicted: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return precision, recall and F1 of each predicted column against one truth vector."""
    y = truth.astype(float)
    m = predicted.astype(float)
    tp = y @ m
    pp = m.sum(axis=0)
    p = np.divide(tp, pp, out=np.zeros_like(tp), where=pp > 0)
    r = tp / max(y.sum(), 1.0)
    f = np.divide(2 * p * r, p + r, out=np.zeros_like(tp), where=(p + r) > 0)
    return p, r, f


def best_match(gold_train: dict[str, np.ndarray], gold_test: dict[str, np.ndarray], m_train: np.ndarray,
               m_test: np.ndarray, names: list[str]) -> pd.DataFrame:
    """Return per category the theme chosen on train and its test precision, recall and F1."""
    rows = []
    for category, truth in gold_train.items():
        if m_train.shape[1] == 0:
            rows.append({"category": category, "theme": "-", "precision": 0.0, "recall": 0.0, "f1": 0.0})
            continue
        _, _, f_train = prf(truth, m_train)
        k = int(np.argmax(f_train))
        p, r, f = prf(gold_test[category], m_test)
        rows.append({"category": category, "theme": names[k], "precision": p[k], "recall": r[k], "f1": f[k]})
    return pd.DataFrame(rows)


def restaurants(data: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict, dict]:
    """Return SemEval-2014 restaurant train and test sentences and their gold categories."""
    frame = pd.read_csv(data / "semeval14_restaurants_aspects.csv")
    train = frame[frame["split"] == "train"].reset_index(drop=True)
    test = frame[frame["split"] == "test"].reset_index(drop=True)

    def gold(part: pd.DataFrame) -> dict[str, np.ndarray]:
        cats = part["categories"].str.split(";")
        return {c: cats.map(lambda xs, c=c: c in xs).to_numpy() for c in RESTAURANT_CATEGORIES}

    return train, test, gold(train), gold(test)


def laptops(data: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict, dict]:
    """Return SemEval-2016 laptop train and test sentences and their gold entities (those in 40+ sentences)."""
    frame = pd.read_csv(data / "semeval2016_laptops_aspects.csv")
    entities = frame["entities"].fillna("").str.split(";")
    counts = entities.explode().value_counts()
    kept = sorted(e for e, n in counts.items() if e and n >= MIN_ENTITY_SENTENCES)
    train = frame[frame["split"] == "train"].reset_index(drop=True)
    test = frame[frame["split"] == "test"].reset_index(drop=True)

    def gold(part: pd.DataFrame) -> dict[str, np.ndarray]:
        ents = part["entities"].fillna("").str.split(";")
        return {e.lower(): ents.map(lambda xs, e=e: e in xs).to_numpy() for e in kept}

    return train, test, gold(train), gold(test)


def nmf_membership(train: list[str], test: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
    """Return plain TF-IDF + NMF topics (argmax topic per sentence) for train and test."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(stop_words="english", ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    x_train = vectorizer.fit_transform(train)
    model = NMF(k, init="nndsvd", random_state=0, max_iter=400).fit(x_train)

    def topics(x: Any) -> np.ndarray:
        w = model.transform(x)
        return (w == w.max(axis=1, keepdims=True)) & (w > 0)

    return topics(x_train), topics(vectorizer.transform(test))


def score_set(name: str, data: tuple[pd.DataFrame, pd.DataFrame, dict, dict]) -> tuple[list[dict], pd.DataFrame]:
    """Return the summary rows of every method and level on one labelled set, and the new method's table."""
    train, test, gold_train, gold_test = data
    texts_train, texts_test = train["text"].tolist(), test["text"].tolist()
    k = default_theme_count(len(train))
    rows, detail = [], pd.DataFrame()
    for method, settings in (("two-level discovery", DEFAULT_SETTINGS), ("first wave", FIRST_WAVE)):
        start = time.perf_counter()
        codeframe = discover(texts_train, settings=settings)
        seconds = time.perf_counter() - start
        m_train, m_test = membership(texts_train, codeframe), membership(texts_test, codeframe)
        names = [codeframe.label(t) for t in codeframe.themes]
        for level, columns in levels(codeframe).items():
            if method == "first wave" and level != "themes":
                continue
            if not columns.any():
                continue
            table = best_match(gold_train, gold_test, m_train[:, columns], m_test[:, columns],
                               [n for n, c in zip(names, columns, strict=True) if c])
            if method == "two-level discovery" and level == "themes":
                detail = table
            rows.append(_summary(name, method, level, table, m_test[:, columns], int(columns.sum()), seconds))
    n_train, n_test = nmf_membership(texts_train, texts_test, k)
    table = best_match(gold_train, gold_test, n_train, n_test, [str(i) for i in range(k)])
    rows.append(_summary(name, "TF-IDF + NMF", "topics", table, n_test, k, float("nan")))
    return rows, detail


def _summary(name: str, method: str, level: str, table: pd.DataFrame, m_test: np.ndarray, n: int,
             seconds: float) -> dict:
    """Return one summary row: macro precision, recall, F1, coverage and the largest theme's share."""
    return {"set": name, "method": method, "level": level, "themes": n, "precision": table["precision"].mean(),
            "recall": table["recall"].mean(), "macro_f1": table["f1"].mean(),
            "coverage": m_test.any(axis=1).mean(), "largest_share": m_test.mean(axis=0).max(),
            "seconds": seconds}


def labelled(data: Path) -> None:
    """Print the best-match yardsticks on both labelled sets."""
    rows = []
    for name, loader in (("SemEval-14 restaurants", restaurants), ("SemEval-16 laptops", laptops)):
        found, detail = score_set(name, loader(data))
        rows.extend(found)
        print(f"\n{name}: two-level discovery, theme level, best-matching theme per gold category (test)")
        print(detail.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    print("\nbest-match macro averages on the test sentences (every set from the same settings):")
    print(pd.DataFrame(rows).to_string(index=False, float_format=lambda x: f"{x:.3f}"))


def seed_spread(data: Path, seeds: int) -> None:
    """Print the theme-level best-match macro F1 of discovery and the largest theme's share over the random
    seeds 0..``seeds``-1 (the seed draws discovery's samples of clauses), mean, lowest and highest per set:
    a difference between methods smaller than this spread is noise."""
    rows = []
    for name, loader in (("SemEval-14 restaurants", restaurants), ("SemEval-16 laptops", laptops)):
        train, test, gold_train, gold_test = loader(data)
        texts_train, texts_test = train["text"].tolist(), test["text"].tolist()
        for seed in range(seeds):
            codeframe = discover(texts_train, settings=replace(DEFAULT_SETTINGS, seed=seed))
            m_train, m_test = membership(texts_train, codeframe), membership(texts_test, codeframe)
            columns = levels(codeframe)["themes"]
            names = [codeframe.label(t) for t, c in zip(codeframe.themes, columns, strict=True) if c]
            table = best_match(gold_train, gold_test, m_train[:, columns], m_test[:, columns], names)
            rows.append({"set": name, "seed": seed, "macro_f1": table["f1"].mean(),
                         "largest_share": m_test[:, columns].mean(axis=0).max()})
    frame = pd.DataFrame(rows).groupby("set")[["macro_f1", "largest_share"]].agg(["mean", "min", "max"])
    print(f"\ntwo-level discovery, theme level, over seeds 0-{seeds - 1}:")
    print(frame.to_string(float_format=lambda x: f"{x:.3f}"))


def unlabelled_sets(data: Path) -> list[tuple[str, list[str], list[bool] | None]]:
    """Return (name, comments, negative flags) of the unlabelled sets."""
    from portal.text.language import detect_language

    ba = pd.read_csv(data / "ba_skytrax_reviews.csv")
    neo = pd.read_csv(data / "neobank_appstore_reviews.csv")
    eth = pd.read_csv(data / "ethiopian_bank_app_reviews.csv").dropna(subset=["review"])
    clothing = pd.read_csv(data / "womens_clothing_reviews.csv").dropna(subset=["Review Text"])
    telecom = pd.read_csv(data / "nps_telecom_verbatims.csv")
    neo_lang = pd.Series(detect_language(neo["Comment"].tolist()), index=neo.index)
    out = [("BA reviews", ba["content"].tolist(), (ba["recommended"] == "no").tolist()),
           ("neobank reviews (all)", neo["Comment"].tolist(), (neo["Rating"] <= 2).tolist())]
    for lang in ("en", "es", "it"):
        part = neo[neo_lang == lang]
        out.append((f"neobank reviews ({lang})", part["Comment"].tolist(), (part["Rating"] <= 2).tolist()))
    out += [("Ethiopian bank reviews", eth["review"].tolist(), (eth["rating"] <= 2).tolist()),
            ("clothing reviews", clothing["Review Text"].tolist(), (clothing["Rating"] <= 2).tolist()),
            ("telecom NPS verbatims", telecom["text"].tolist(), (telecom["NPS_SCORE"] <= 6).tolist())]
    return out


def tree_lines(texts: list[str], codeframe: Codeframe, per_theme: int = 5) -> list[str]:
    """Return the theme tree as lines: each theme with its share of comments, then its sub-themes."""
    m = membership(texts, codeframe)
    share = m.mean(axis=0)
    column = {t.key: i for i, t in enumerate(codeframe.themes)}
    lines = []
    for theme in codeframe.themes:
        if theme.parent is not None:
            continue
        lines.append(f"  {theme.name} {share[column[theme.key]]:.0%}")
        for child in codeframe.children(theme)[:per_theme]:
            lines.append(f"      › {child.name} {share[column[child.key]]:.0%}")
    sub = np.array([t.parent is not None for t in codeframe.themes], dtype=bool)
    top = share[~sub].max() if (~sub).any() else 0.0
    top_sub = share[sub].max() if sub.any() else 0.0
    lines.append(f"  coverage {m.any(axis=1).mean():.0%}; largest theme {top:.0%}; largest sub-theme {top_sub:.0%}; "
                 f"{int((~sub).sum())} themes, {int(sub.sum())} sub-themes")
    return lines


def unlabelled(data: Path) -> None:
    """Print the theme tree of every unlabelled set, new discovery beside the first wave's largest share."""
    for name, texts, negative in unlabelled_sets(data):
        start = time.perf_counter()
        codeframe = discover(texts, negative=negative)
        seconds = time.perf_counter() - start
        print(f"\n{name}: {len(texts):,} comments, {seconds:.1f} s (negative: low scores)")
        print("\n".join(tree_lines(texts, codeframe)))
        try:
            old = discover(texts, settings=FIRST_WAVE)
            share = membership(texts, old).mean(axis=0)
            print(f"  first wave: largest theme {share.max():.0%} ({old.themes[int(share.argmax())].name})")
        except Exception as err:  # noqa: BLE001  (the first wave refuses some sets; say why)
            print(f"  first wave: no themes ({err})")
