"""How discovery's seed groups become themes: wide loose groups are split, tight ones stay whole, and a
two-word seed phrase stays a keyword of its theme."""

from __future__ import annotations

import numpy as np
from test_theme_tree import LAPTOP_PARTS, laptop_part_texts

from portal.text.phrases import build_corpus, build_terms
from portal.text.themes import DEFAULT_SETTINGS, _split_wide, discover


def _corpus_and_seeds() -> tuple[object, object, list[int]]:
    texts = (["The battery is dead."] * 40 + ["The screen is cracked."] * 40 + ["The shop was open."] * 40
             + ["The parcel came late."] * 40)
    corpus = build_corpus(texts)
    terms = build_terms(corpus)
    seeds = [corpus.stems.index(w) for w in ("battery", "screen", "shop", "parcel")]
    return corpus, terms, seeds


def test_a_wide_group_whose_halves_rarely_go_together_is_split() -> None:
    corpus, terms, seeds = _corpus_and_seeds()
    index = {t: i for i, t in enumerate(seeds)}
    together = np.eye(4)
    together[0, 1] = together[1, 0] = 0.2  # battery and screen grouped together in a fifth of the samples
    groups = _split_wide(corpus, terms, [[seeds[0], seeds[1]], [seeds[2]], [seeds[3]]], together, index, 0.25)
    assert sorted(map(sorted, groups)) == sorted([[seeds[0]], [seeds[1]], [seeds[2]], [seeds[3]]])


def test_a_wide_group_whose_phrases_always_go_together_stays_whole() -> None:
    corpus, terms, seeds = _corpus_and_seeds()
    index = {t: i for i, t in enumerate(seeds)}
    together = np.eye(4)
    together[0, 1] = together[1, 0] = 0.9
    group = sorted([seeds[0], seeds[1]])
    groups = _split_wide(corpus, terms, [group, [seeds[2]], [seeds[3]]], together, index, 0.25)
    assert group in groups and len(groups) == 3
    # Below the cap (half the comments here) nothing is split, however loose.
    together[0, 1] = together[1, 0] = 0.0
    assert group in _split_wide(corpus, terms, [group], together, index, 0.6)


def test_two_word_seed_phrases_stay_keywords_of_their_themes() -> None:
    texts = laptop_part_texts()
    codeframe = discover(texts, n_themes=4, settings=DEFAULT_SETTINGS)
    parents = [t for t in codeframe.themes if t.parent is None]
    # Each seed group keeps a theme: a phrase like "touch pad" is not dropped for its words "touch" and "pad".
    assert len(parents) == 4, [(t.name, t.keywords) for t in parents]
    phrases = {k for t in parents for k in t.keywords} & set(LAPTOP_PARTS[:4])
    assert phrases, [(t.name, t.keywords) for t in parents]
