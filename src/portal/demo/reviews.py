"""The demo app-store reviews: our app (Acme) and three competitors, each with themes of its own."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from portal.demo.review_words import (
    FOREIGN,
    REVIEW_CLOSERS,
    REVIEW_FILLER,
    REVIEW_GENERIC_TITLES,
    REVIEW_PHRASES,
    REVIEW_SHORT,
    REVIEW_SLOTS,
)
from portal.demo.story import DEMO_END, app_update_date, weighted_days, window_start
from portal.demo.templates import fill, pick, sentence

REVIEW_COLUMNS: tuple[str, ...] = ("App", "Review ID", "Date", "Rating", "Title", "Review", "Country")

_BRANDS = ("Acme", "Globex", "Initech", "Umbrella")
_BRAND_SHARE = (0.34, 0.30, 0.22, 0.14)
_BRAND_BASE = (0.9, 1.7, 1.15, 0.7)
_POS_EFFECT = 1.0
_NEG_EFFECT = -1.5
_STAR_CUTS = (-1.0, -0.45, 0.0, 0.75)
_ENGLISH_COUNTRIES = ("US", "GB", "CA", "AU", "IN")
_ENGLISH_COUNTRY_SHARE = (0.45, 0.20, 0.12, 0.10, 0.13)

# Per brand: theme -> (relative weight of mentions, probability that a mention is positive).
_BRAND_THEMES: dict[str, dict[str, tuple[float, float]]] = {
    "Acme": {
        "ease_of_use": (0.20, 0.93),
        "design": (0.17, 0.93),
        "sync": (0.17, 0.22),
        "support": (0.12, 0.25),
        "price": (0.09, 0.55),
        "performance": (0.08, 0.60),
        "notifications": (0.05, 0.50),
        "crashes": (0.03, 0.0),
        "templates": (0.07, 1.0),
    },
    "Globex": {
        "ease_of_use": (0.12, 0.40),
        "design": (0.10, 0.50),
        "sync": (0.18, 0.88),
        "support": (0.13, 0.80),
        "price": (0.14, 0.35),
        "performance": (0.10, 0.75),
        "notifications": (0.04, 0.50),
        "crashes": (0.03, 0.0),
        "learning_curve": (0.10, 0.0),
    },
    "Initech": {
        "ease_of_use": (0.13, 0.50),
        "design": (0.10, 0.45),
        "sync": (0.12, 0.65),
        "support": (0.10, 0.55),
        "price": (0.10, 0.60),
        "performance": (0.12, 0.35),
        "notifications": (0.05, 0.40),
        "crashes": (0.05, 0.0),
        "ads": (0.14, 0.0),
        "login": (0.09, 0.0),
    },
    "Umbrella": {
        "ease_of_use": (0.12, 0.40),
        "design": (0.12, 0.30),
        "sync": (0.12, 0.60),
        "support": (0.10, 0.50),
        "price": (0.12, 0.55),
        "performance": (0.10, 0.40),
        "notifications": (0.04, 0.40),
        "crashes": (0.05, 0.0),
        "battery": (0.12, 0.0),
        "privacy": (0.08, 0.0),
    },
}
_ACME_CRASH_AFTER_UPDATE = 0.30

_LANGUAGES = ("es", "de", "fr")
_LANGUAGE_SHARE = (0.40, 0.35, 0.25)
_LANGUAGE_COUNTRIES: dict[str, tuple[str, ...]] = {"es": ("ES", "MX"), "de": ("DE", "AT"), "fr": ("FR",)}


def _stars(latent: np.ndarray) -> np.ndarray:
    """Return 1-5 stars for latent satisfaction values."""
    return 1 + np.searchsorted(np.asarray(_STAR_CUTS), latent)


def _english_review(
    rng: np.random.Generator, brand: str, mentions: list[tuple[str, bool]], stars: int
) -> tuple[str, str]:
    """Return (title, review) in English for the theme mentions ``(theme, positive)`` and the star rating."""
    slots = {**REVIEW_SLOTS, "other": tuple(b for b in _BRANDS if b != brand)}
    good = [fill(pick(rng, REVIEW_PHRASES[t]["pos"]), rng, slots) for t, p in mentions if p]
    bad = [fill(pick(rng, REVIEW_PHRASES[t]["neg"]), rng, slots) for t, p in mentions if not p]
    if stars >= 4 and not good:
        good = [pick(rng, REVIEW_FILLER["pos"])]
    if stars <= 2 and not bad:
        bad = [pick(rng, REVIEW_FILLER["neg"])]
    if stars >= 3:
        body = [sentence(g) for g in good]
        if bad and body:
            body[-1] = sentence(f"{body[-1].rstrip('.!')}, but {bad[0]}")
        elif bad:
            body.append(sentence(bad[0]))
        body += [sentence(b) for b in bad[1:]]
        if stars == 5 and body and body[-1].endswith(".") and rng.random() < 0.4:
            body[-1] = body[-1][:-1] + "!"
    else:
        body = [sentence(b) for b in bad]
        if good:
            body.append(sentence(f"at least {good[0]}" if rng.random() < 0.5 else f"{good[0]}, but that's it"))
    if rng.random() < 0.35:
        body.append(fill(pick(rng, REVIEW_CLOSERS[stars]), rng, slots))
    matching = [(t, p) for t, p in mentions if p == (stars >= 3)]
    if matching and rng.random() < 0.55:
        theme, positive = matching[0]
        key = "title_pos" if positive else "title_neg"
        title = pick(rng, REVIEW_PHRASES[theme].get(key) or REVIEW_GENERIC_TITLES[stars])
    else:
        title = pick(rng, REVIEW_GENERIC_TITLES[stars])
    return title, " ".join(body)


def _foreign_review(
    rng: np.random.Generator, language: str, mentions: list[tuple[str, bool]], stars: int
) -> tuple[str, str]:
    """Return (title, review) in ``language`` for the theme mentions and the star rating."""
    bank = FOREIGN[language]
    wanted = {True} if stars >= 4 else {False} if stars <= 2 else {True, False}
    keys = [(t, "pos" if p else "neg") for t, p in mentions if p in wanted]
    parts = [bank[t][k] for t, k in keys if k in bank.get(t, {})]
    if not parts or rng.random() < 0.25:
        parts.append(bank["generic"][str(stars)])
    return bank["title"][str(stars)], " ".join(sentence(p) for p in parts[:2])


def _brand_reviews(
    rng: np.random.Generator, brand: str, size: int, start: date, end: date
) -> dict[str, list[str]]:
    """Return the columns of ``size`` reviews of ``brand`` between ``start`` and ``end``."""
    update = (app_update_date(end) - start).days
    if brand == "Acme":
        day = weighted_days(rng, start, end, size, boost=lambda d: np.where(d >= update, 1.4, 1.0))
    else:
        day = weighted_days(rng, start, end, size)
    short = rng.random(size) < 0.08
    foreign = rng.random(size) < 0.05
    n_mentions = rng.choice((1, 2, 3), size=size, p=(0.50, 0.38, 0.12))
    latent = _BRAND_BASE[_BRANDS.index(brand)] + rng.logistic(0.0, 0.55, size)
    mentions, effect = _mentions(rng, brand, day >= update, n_mentions, short)
    stars = _stars(latent + effect)
    titles, texts, countries = _review_texts(rng, brand, stars, mentions, short, foreign)
    dates = pd.Timestamp(start) + pd.to_timedelta(day, unit="D")
    return {
        "App": [brand] * size,
        "Date": dates.strftime("%Y-%m-%d").tolist(),
        "Rating": [str(int(s)) for s in stars],
        "Title": titles,
        "Review": texts,
        "Country": countries,
    }


def _mentions(
    rng: np.random.Generator, brand: str, after_update: np.ndarray, n_mentions: np.ndarray, short: np.ndarray
) -> tuple[list[list[tuple[str, bool]]], np.ndarray]:
    """Return the themes each review mentions (and whether favourably), and what they add to its satisfaction."""
    table = _BRAND_THEMES[brand]
    themes = list(table)
    base_w = np.array([w for w, _ in table.values()])
    p_pos = np.array([p for _, p in table.values()])
    crash = themes.index("crashes")
    mentions: list[list[tuple[str, bool]]] = []
    effect = np.zeros(len(short))
    for i in range(len(short)):
        if short[i]:
            mentions.append([])
            continue
        w = base_w.copy()
        if brand == "Acme" and after_update[i]:
            w[crash] = _ACME_CRASH_AFTER_UPDATE
        chosen = rng.choice(len(themes), size=n_mentions[i], replace=False, p=w / w.sum())
        row = [(themes[j], bool(rng.random() < p_pos[j])) for j in chosen]
        effect[i] = sum(_POS_EFFECT if p else _NEG_EFFECT for _, p in row)
        mentions.append(row)
    return mentions, effect


def _review_texts(
    rng: np.random.Generator, brand: str, stars: np.ndarray, mentions: list[list[tuple[str, bool]]],
    short: np.ndarray, foreign: np.ndarray,
) -> tuple[list[str], list[str], list[str]]:
    """Return each review's title, text and country (English, or one of three other languages)."""
    titles, texts, countries = [], [], []
    for i in range(len(stars)):
        s = int(stars[i])
        if foreign[i]:
            language = _LANGUAGES[int(rng.choice(len(_LANGUAGES), p=_LANGUAGE_SHARE))]
            title, text = _foreign_review(rng, language, mentions[i], s)
            country = pick(rng, _LANGUAGE_COUNTRIES[language])
        else:
            country = _ENGLISH_COUNTRIES[int(rng.choice(len(_ENGLISH_COUNTRIES), p=_ENGLISH_COUNTRY_SHARE))]
            if short[i]:
                title, text = pick(rng, REVIEW_GENERIC_TITLES[s]), pick(rng, REVIEW_SHORT[s])
            else:
                title, text = _english_review(rng, brand, mentions[i], s)
            r = rng.random()
            if r < 0.15:
                title = ""  # stores without review titles
            elif r < 0.17:
                text = ""  # a title and stars only
        titles.append(title)
        texts.append(text)
        countries.append(country)
    return titles, texts, countries


def _split(total: int, shares: Sequence[float]) -> list[int]:
    """Return integer sizes proportional to ``shares`` that add up to ``total`` (largest remainders)."""
    exact = np.asarray(shares) / sum(shares) * total
    sizes = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - sizes), kind="stable")[: total - sizes.sum()]:
        sizes[i] += 1
    return [int(s) for s in sizes]


def reviews_frame(*, rows: int = 4000, seed: int = 11, end: date = DEMO_END) -> pd.DataFrame:
    """Return the demo app-store reviews of Acme and three competitors as text values, oldest first.

    Raises ``ValueError`` when ``rows`` is below 1.
    """
    if rows < 1:
        raise ValueError("rows must be at least 1")
    rng = np.random.default_rng(seed)
    start = window_start(end)
    parts = [
        pd.DataFrame(_brand_reviews(rng, brand, size, start, end))
        for brand, size in zip(_BRANDS, _split(rows, _BRAND_SHARE), strict=True)
        if size
    ]
    frame = pd.concat(parts, ignore_index=True).sort_values(["Date", "App"], kind="stable", ignore_index=True)
    ids = 1_000_000_000 + np.cumsum(rng.integers(1, 50_000, len(frame)))
    frame["Review ID"] = [str(i) for i in ids]
    return frame[list(REVIEW_COLUMNS)]
