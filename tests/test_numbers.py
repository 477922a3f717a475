"""Counts, shares and money read the same everywhere: separators, singulars, no negative zero, a currency."""

from __future__ import annotations

import pytest

from portal.numbers import count, money, percent, plural


def test_counts_have_separators_and_singulars():
    assert count(1085) == "1,085"
    assert plural(1085, "response") == "1,085 responses" and plural(1, "theme") == "1 theme"
    assert plural(0, "group") == "0 groups" and plural(2, "word or phrase", "words or phrases") == "2 words or phrases"


@pytest.mark.parametrize(("share", "shown"), [
    (-0.0001, "less than 0.1%"), (0.0, "less than 0.1%"), (0.0004, "less than 0.1%"), (0.006, "0.6%"),
    (0.25, "25.0%"), (-0.012, "-1.2%"),
])
def test_shares_below_the_precision_never_read_negative_zero(share, shown):
    assert percent(share) == shown


def test_money_carries_its_currency():
    assert money(469_507.2, "£") == "£469,507" and money(27_000_000, "€") == "€27.0M"
    assert money(-12, "$") == "-$12" and money(1085, "CHF") == "1,085 CHF"
    assert money(float("nan"), "£") == "–" and money(None, "£") == "–"
    assert money(1234.5, "£", 2) == "£1,234.50"


def test_the_driver_sentence_never_says_negative_zero():
    from portal.metrics.drivers import _percent

    assert _percent(-0.00002) == "less than 0.1%" and _percent(0.006) == "0.6%" and _percent(0.42) == "42%"
