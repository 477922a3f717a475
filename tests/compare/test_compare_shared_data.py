"""The comparison on real competitor reviews: the neobank App Store reviews (brand column App) and the Ethiopian
bank-app reviews (brand column bank), imported and coded as a person would, through the real ``portal`` parser."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from portal.cli import main
from portal.services.compare import compare_dataset
from portal.store import Store

SETS = {
    "neobank": ("neobank_appstore_reviews.csv", "App", "Rating"),
    "ethiopia": ("ethiopian_bank_app_reviews.csv", "bank", "rating"),
}


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory, shared_data) -> str:
    """Return the URL of a store holding both sets, imported with their brand column mapped."""
    url = f"sqlite:///{tmp_path_factory.mktemp('compare') / 'portal.db'}"
    for name, (file, brand, _) in SETS.items():
        code = main(["import", str(shared_data / file), "--dataset", name, "--kind", "reviews", "--map",
                     f"brand={brand}", "--db", url, "--format", "json"])
        assert code == 0
    return url


@pytest.fixture
def opened(real):
    """The store of ``real``, opened for this test."""
    store = Store(real)
    yield store
    store.close()


@pytest.mark.parametrize("name", list(SETS))
def test_counts_and_mean_ratings_equal_a_plain_pandas_groupby(opened, shared_data, name) -> None:
    file, brand, rating = SETS[name]
    source = pd.read_csv(shared_data / file)
    plain = source.groupby(brand).agg(n=(rating, "size"), mean=(rating, "mean"))
    ours = str(plain.index[0])
    groups = compare_dataset(opened, name, ours=ours).groups.set_index("group").sort_index()
    assert list(groups.index) == sorted(plain.index)
    assert groups["n"].tolist() == plain["n"].tolist()
    assert groups["rating_mean"].tolist() == plain["mean"].tolist()  # exactly, not approximately
    assert (groups["rating_low"] <= groups["rating_mean"]).all() and (groups["rating_high"] <= 5).all()


@pytest.mark.parametrize("name", list(SETS))
def test_swapping_ours_keeps_every_brands_problem_rates(opened, name) -> None:
    brands = compare_dataset(opened, name, ours=_first(opened, name)).groups["group"].tolist()
    tables = [compare_dataset(opened, name, ours=b).themes.sort_values(["theme", "group"]).reset_index(drop=True)
              for b in brands]
    for other in tables[1:]:
        pd.testing.assert_series_equal(other["problem_rate"], tables[0]["problem_rate"])
        pd.testing.assert_series_equal(other["share"], tables[0]["share"])


@pytest.mark.parametrize("name", list(SETS))
def test_adjusted_p_values_equal_statsmodels_benjamini_hochberg(opened, name) -> None:
    pairs = compare_dataset(opened, name, ours=_first(opened, name)).pairs
    for raw, adjusted in (("p_value", "p_adjusted"), ("sentiment_p_value", "sentiment_p_adjusted")):
        finite = pairs[raw].notna().to_numpy()
        assert finite.sum() > 10
        expected = multipletests(pairs.loc[finite, raw].to_numpy(), method="fdr_bh")[1]
        np.testing.assert_allclose(pairs.loc[finite, adjusted].to_numpy(), expected, rtol=1e-12, atol=0)


def test_a_brand_with_a_handful_of_reviews_is_flagged_not_crashed_on(opened) -> None:
    # Two days of Ethiopian reviews: some banks have only a handful of reviews then.
    result = compare_dataset(opened, "ethiopia", ours=_first(opened, "ethiopia"), start=pd.Timestamp("2025-05-01"),
                             end=pd.Timestamp("2025-05-02"))
    small = result.groups[result.groups["n"] < result.min_n]
    assert len(small) >= 1 and small["low_sample"].all()
    assert not result.pairs.loc[result.pairs["competitor"].isin(small["group"]), "significant"].any()
    assert result.groups["rating_low"].dropna().ge(1).all() and result.groups["rating_high"].dropna().le(5).all()


def test_the_neobank_gap_table_says_where_each_brand_trails(opened) -> None:
    result = compare_dataset(opened, "neobank", ours="revolut")
    assert set(result.gaps["verdict"]) <= {"weakness", "strength", "no clear difference", "too few"}
    assert "weakness" in set(result.gaps["verdict"])
    assert (result.gaps["best_competitor"].dropna() != "revolut").all()
    assert result.groups.set_index("group").loc["bunq", "rating_mean"] < 2  # the lowest-rated brand in the set


def _first(store, name: str) -> str:
    """Return the dataset's largest brand."""
    from portal.services.compare import group_names

    return group_names(store, name)[0]
