"""Discovery's phrases and keywords: folded words, nouns, two-word phrases, seeds, names and keywords."""

from __future__ import annotations

from portal.text.keywords import expand, prune, theme_keywords, theme_name
from portal.text.phrases import build_corpus, build_terms, seed_terms, term_text

TEXTS = ["The waiters were rude.", "Our waiter was slow, the pizza was cold.", "The pizza was great.",
         "My pizza crust was burnt.", "The waiter forgot the pizza crust."]


def _phrases() -> tuple:
    corpus = build_corpus(TEXTS)
    return corpus, build_terms(corpus)


def test_corpus_folds_plurals_and_keeps_only_content_words() -> None:
    corpus, terms = _phrases()
    assert corpus.n_clauses == len(TEXTS)
    waiter = corpus.stems.index("waiter")
    assert corpus.content[waiter] and not corpus.content[corpus.stems.index("the")]
    assert not corpus.content[corpus.stems.index("great")]
    assert corpus.noun[waiter] == 1.0
    texts = {term_text(corpus, terms, t, surface=False) for t in range(len(terms.words))}
    assert "pizza crust" in texts


def test_seed_terms_are_frequent_nouns_most_frequent_first() -> None:
    corpus, terms = _phrases()
    seeds = seed_terms(corpus, terms, 2, min_count=2, max_share=1.0, noun_share=0.35)
    assert [term_text(corpus, terms, int(t), surface=True) for t in seeds] == ["pizza", "waiter"]


def test_theme_names_never_repeat_and_keywords_have_no_repeats() -> None:
    corpus, terms = _phrases()
    pizza, waiter = corpus.stems.index("pizza"), corpus.stems.index("waiter")
    assert theme_name(corpus, terms, [pizza], set()) == "pizza"
    assert theme_name(corpus, terms, [pizza], {"pizza"}) == "pizza (2)"
    assert theme_name(corpus, terms, [pizza, waiter], set()) == "pizza & waiter"
    assert theme_keywords(corpus, terms, [pizza, pizza, waiter], 2) == ("pizza",)


def test_prune_drops_phrases_whose_words_point_to_the_same_theme() -> None:
    corpus, terms = _phrases()
    pizza, crust = corpus.stems.index("pizza"), corpus.stems.index("crust")
    phrase = terms.words.index((pizza, crust))
    assert prune(terms, [[pizza, crust, phrase]]) == [[pizza, crust]]
    assert prune(terms, [[pizza, phrase], [crust]]) == [[pizza, phrase], [crust]]


def test_expand_adds_words_that_occur_with_the_theme() -> None:
    corpus, terms = _phrases()
    pizza, crust = corpus.stems.index("pizza"), corpus.stems.index("crust")
    waiter = corpus.stems.index("waiter")
    widened = expand(terms, [[pizza], [waiter]], rounds=1, min_count=2, min_precision=0.5, min_lift=0.5,
                     min_together=2)
    assert crust in widened[0] and widened[0][0] == pizza and widened[1][0] == waiter
