"""The data model's rules: when CSAT is derived from the star rating."""

from __future__ import annotations

import pytest

from portal.model import Mapping, derives_csat


@pytest.mark.parametrize(
    ("mapping", "scale", "expected"),
    [
        (Mapping(rating="Stars"), (1, 5), True),
        (Mapping(rating="Stars"), [1, 5], True),
        (Mapping(rating="Stars", csat="CSAT"), (1, 5), False),
        (Mapping(rating="Stars"), (1, 10), False),
        (Mapping(rating="Stars"), (0, 5), False),
        (Mapping(csat="CSAT"), (1, 5), False),
        (Mapping(nps="NPS"), (1, 5), False),
        (Mapping(), (1, 5), False),
    ],
)
def test_csat_is_derived_only_from_a_1_to_5_rating_without_a_csat_column(mapping, scale, expected) -> None:
    assert derives_csat(mapping, scale) is expected


def test_the_currency_is_stored_with_the_dataset_and_defaults_to_the_setting(monkeypatch):
    from portal.model import DatasetConfig

    monkeypatch.delenv("PORTAL_CURRENCY", raising=False)
    assert DatasetConfig().currency == "£"
    assert DatasetConfig.from_dict(DatasetConfig(currency="€").to_dict()).currency == "€"
    monkeypatch.setenv("PORTAL_CURRENCY", "USD")
    assert DatasetConfig.from_dict({}).currency == "USD"  # a dataset stored before currencies existed


@pytest.mark.parametrize("currency", ["£", "$", "€", "¥", "₹", "R$", "CHF", "USD", "Fr.", "kr", "zł", " € "])
def test_signs_and_codes_are_currencies(currency):
    from portal.model import currency_problem

    assert currency_problem(currency) is None


@pytest.mark.parametrize(("currency", "said"), [
    (None, "empty"), ("", "empty"), ("  ", "empty"),
    ("x" * 20, "too long (20 characters; at most 5)"), ("EUROS", None), ("EUROSS", "too long"),
    ("<b>", "'<', '>'"), ("=1+1", "'=', '1', '+'"), ("@A1", "'@'"), ("-$", "'-'"), ("U S D", "' '"),
    ("[$](x)", "'[', ']', '(', ')'"), ("€\n", None), ("\u200b$", "U+200B"), ("*£*", "'*'"),
])
def test_a_bad_currency_is_named_with_what_to_type_instead(currency, said):
    from portal.model import currency_problem

    problem = currency_problem(currency)
    if said is None:
        assert problem is None
    else:
        assert problem and said in problem and "such as £, $ or €, or a code such as USD" in problem
