"""Two-level discovery: sub-themes, the domain word as context, readable names, any language, real data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from portal.errors import InputError
from portal.text.assign import assign
from portal.text.codeframe import Codeframe
from portal.text.subthemes import log_odds_z
from portal.text.themes import FIRST_WAVE, discover

PROBLEMS = {"flight": ["was delayed", "was cancelled", "left on time", "was smooth", "landed early"],
            "bag": ["was lost", "arrived damaged", "came quickly"],
            "seat": ["was broken", "had no legroom", "was comfortable"],
            "crew": ["were rude", "were friendly", "ignored us"],
            "meal": ["was cold", "was tasty", "never came"],
            "lounge": ["was crowded", "was closed", "was spacious"]}


def airline(n: int = 600, seed: int = 3) -> tuple[list[str], list[bool]]:
    """Return airline-like comments that all mention the flight, and which ones complain."""
    rng = np.random.default_rng(seed)
    texts, negative = [], []
    things = list(PROBLEMS)
    for _ in range(n):
        picked = rng.choice(things[1:], size=2, replace=False)
        parts = [f"the flight {PROBLEMS['flight'][int(rng.integers(5))]}"]
        for thing in picked:
            parts.append(f"my {thing} {PROBLEMS[thing][int(rng.integers(3))]}")
        texts.append(". ".join(p.capitalize() for p in parts) + ".")
        negative.append(any(w in texts[-1] for w in ("delayed", "cancelled", "lost", "broken", "rude", "cold")))
    return texts, negative


def shares(texts: list[str], codeframe: Codeframe) -> dict[str, float]:
    """Return each theme's share of the comments (a theme counts its sub-themes' comments)."""
    matches = assign(texts, codeframe)
    by_key = {t.key: t for t in codeframe.themes}
    rows: dict[str, set[int]] = {t.key: set() for t in codeframe.themes}
    for row, key in zip(matches["row"], matches["theme_key"], strict=True):
        rows[key].add(int(row))
        if by_key[key].parent:
            rows[by_key[key].parent].add(int(row))
    return {codeframe.label(by_key[k]): len(v) / len(texts) for k, v in rows.items()}


def test_two_levels_are_found_with_problems_as_sub_themes() -> None:
    texts, negative = airline()
    codeframe = discover(texts, n_themes=5, negative=negative)
    subs = [t for t in codeframe.themes if t.parent is not None]
    assert subs and any(t.parent is None for t in codeframe.themes)
    labels = {codeframe.label(t).casefold() for t in subs}
    assert "flight › delayed" in labels and "flight › cancelled" in labels, labels
    assert any(label.endswith("lost") for label in labels), labels


def test_the_domain_word_is_never_a_catch_all() -> None:
    texts, negative = airline()
    codeframe = discover(texts, n_themes=5, negative=negative)
    found = shares(texts, codeframe)
    by_label = {codeframe.label(t): t for t in codeframe.themes}
    for label, share in found.items():
        if by_label[label].parent is not None:
            assert share <= 0.3, (label, share)
    flight = codeframe.theme("flight")
    assert flight.keywords == () and codeframe.children(flight), flight


LAPTOP_PARTS = ["hard drive", "battery life", "touch pad", "power supply", "screen", "keyboard", "fan", "charger"]


def laptop_part_texts() -> list[str]:
    """Return 400 generated reviews naming two of ``LAPTOP_PARTS`` each (the first four are two-word phrases)."""
    words = LAPTOP_PARTS
    states = ["noisy", "dead", "slow", "fine", "new", "loud"]
    rng = np.random.default_rng(5)
    texts = []
    for i in range(400):
        a, b = rng.choice(len(words), size=2, replace=False)
        texts.append(f"The {words[a]} is {states[i % 6]} and my {words[b]} failed.")
    return texts


def test_names_keep_the_order_people_write() -> None:
    texts = laptop_part_texts()
    codeframe = discover(texts, n_themes=4)
    names = " | ".join(t.name for t in codeframe.themes if t.parent is None)
    assert any(w in names for w in LAPTOP_PARTS[:4]), names
    for wrong in ("drive & hard", "drive hard", "life & battery", "life battery", "pad & touch", "supply & power"):
        assert wrong not in names, names


def test_same_comments_in_any_order_give_the_same_two_levels() -> None:
    texts, negative = airline()
    first = discover(texts, n_themes=5, negative=negative)
    pairs = list(zip(texts, negative, strict=True))[::-1]
    again = discover([t for t, _ in pairs], n_themes=5, negative=[f for _, f in pairs])
    assert again == first


def test_negative_flags_must_match_the_comments() -> None:
    texts, negative = airline(100)
    with pytest.raises(InputError, match="negative flags"):
        discover(texts, negative=negative[:-1])


# An invented language: no word of it is in any list, so only the data can tell its function words. Like a
# real language, each noun takes its own article and verb, while the function words sit between many words.
SUFFIXES = ("vona", "tiska", "bumel", "dessa", "polin", "ruvak", "semmi", "laggo", "fintu", "worra")
NOUNS = [f"{a}{b}" for a in ("kar", "met", "sul", "dro", "pal", "zor", "kin", "wel", "bru", "fas", "gon", "hep",
                              "jul", "lom", "nix") for b in SUFFIXES]
ADJECTIVES = [f"{a}{b}" for a in ("gras", "vel", "tir", "shun", "mab", "quo") for b in SUFFIXES]
FUNCTION = ["ko", "na", "ti", "se", "vu"]


def test_comments_in_an_unknown_language_give_themes_without_its_function_words() -> None:
    rng = np.random.default_rng(11)
    texts = []
    for _ in range(3000):
        n = int(rng.integers(len(NOUNS)))
        m = n // 30 * 30 + int(rng.integers(30))  # five topics of thirty nouns each
        parts = [f"{FUNCTION[k % 2]} {NOUNS[k]} {FUNCTION[2 + k % 3]} {ADJECTIVES[int(rng.integers(60))]}"
                 for k in (n, m)]
        texts.append(" ".join(parts) + ".")
    codeframe = discover(texts, n_themes=5)
    words = {w for t in codeframe.themes for k in (t.name, *t.keywords) for w in k.replace("&", " ").split()}
    assert len(codeframe.themes) >= 5
    assert not words & set(FUNCTION), codeframe.to_dict()
    # The first wave, with English lists only, finds no nouns here at all.
    with pytest.raises(InputError, match="too few topics"):
        discover(texts, n_themes=5, settings=FIRST_WAVE)


def test_log_odds_favours_a_phrase_frequent_inside_the_group() -> None:
    inside = np.array([[30.0, 5.0, 10.0]])
    total = np.array([40.0, 50.0, 100.0])
    z = log_odds_z(inside, total, prior_share=0.1)[0]
    assert z[0] > 3 > z[2] and z[1] < 0


def _ba(shared_data: Path) -> tuple[list[str], list[bool]]:
    frame = pd.read_csv(shared_data / "ba_skytrax_reviews.csv")
    return frame["content"].tolist(), (frame["recommended"] == "no").tolist()


@pytest.mark.shared_data
def test_ba_reviews_get_actionable_sub_themes_none_a_catch_all(shared_data: Path) -> None:
    texts, negative = _ba(shared_data)
    codeframe = discover(texts, negative=negative)
    found = shares(texts, codeframe)
    subs = {codeframe.label(t).casefold(): found[codeframe.label(t)] for t in codeframe.themes if t.parent}
    assert len(subs) >= 20
    assert max(subs.values()) <= 0.3, max(subs.items(), key=lambda kv: kv[1])
    assert any("delayed" in label for label in subs) and any("cancelled" in label for label in subs)
    assert max(found.values()) < 0.95  # the first wave had "flight" on 99% of the reviews


@pytest.mark.shared_data
def test_spanish_and_italian_reviews_give_themes_without_function_words(shared_data: Path) -> None:
    from portal.text.language import detect_language

    frame = pd.read_csv(shared_data / "neobank_appstore_reviews.csv")
    language = detect_language(frame["Comment"].tolist())
    function = {"es": {"que", "la", "de", "el", "y", "en", "no", "los", "las", "una", "por", "para", "con"},
                "it": {"che", "di", "il", "la", "e", "non", "per", "un", "una", "con", "da", "del"}}
    for lang, words in function.items():
        texts = [t for t, code in zip(frame["Comment"], language, strict=True) if code == lang]
        codeframe = discover(texts)
        names = {w for t in codeframe.themes if t.parent is None for w in t.name.replace("&", " ").split()}
        assert not names & words, (lang, names)


def test_phrases_keep_negations_and_closing_words_but_not_loose_ends() -> None:
    from portal.text.phrases import build_corpus
    from portal.text.subthemes import mine_phrases

    texts = (["The app is not working again."] * 12 + ["I was on hold for an hour."] * 12
             + ["I cannot log in."] * 12 + ["Staff were polite and friendly."] * 12
             + ["The staff were polite and helpful today."] * 12)
    corpus = build_corpus(texts)
    phrases = mine_phrases(corpus, max_words=3, min_count=5, edge_share=0.5)
    found = {" ".join(corpus.stems[w] for w in gram) for gram in phrases.words}
    assert {"not working", "on hold", "log in", "polite"} <= found, found
    assert not {"polite and", "the app", "was on"} & found, found


def test_a_problem_turned_away_only_for_its_quota_is_taken_by_the_general_pass() -> None:
    from portal.text.phrases import build_corpus
    from portal.text.subthemes import SubThemeSettings, sub_themes

    # Four problems of the flight (more than the 3 problem sub-themes a theme may have), two praises, and
    # a hotel theme: the general pass allows 6 sub-themes, so the fourth problem must still get one.
    texts, negative = [], []
    for k, problem in enumerate(["delayed", "cancelled", "overbooked", "diverted"]):
        texts += [f"The flight was {problem}."] * (40 - 2 * k)
        negative += [True] * (40 - 2 * k)
    for word, bad in [("smooth", False), ("punctual", False), ("clean", False), ("cosy", False),
                      ("quiet", False), ("noisy", True)]:
        thing = "flight" if word in {"smooth", "punctual"} else "hotel"
        texts += [f"The {thing} was {word}."] * 40
        negative += [bad] * 40
    corpus = build_corpus(texts)
    stem = {s: i for i, s in enumerate(corpus.stems)}
    words = corpus.stems
    groups = np.zeros((corpus.n_clauses, 2), dtype=bool)
    for token, clause in zip(corpus.token_stem, corpus.token_clause, strict=True):
        groups[clause, 0] |= words[token] == "flight"
        groups[clause, 1] |= words[token] == "hotel"
    settings = SubThemeSettings(max_share=0.5)
    assert (settings.problems, settings.per_theme) == (3, 6)
    subs = sub_themes(corpus, groups, {stem["flight"], stem["hotel"]}, settings=settings,
                      negative=np.array(negative)[corpus.clause_comment])
    flight = {s.name for s in subs if s.parent == 0}
    assert flight == {"delayed", "cancelled", "overbooked", "diverted", "smooth", "punctual"}, flight
    assert {s.name for s in subs if s.parent == 1} == {"clean", "cosy", "quiet", "noisy"}
