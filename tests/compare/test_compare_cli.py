"""`portal compare` through the real parser on generated reviews of three brands: the JSON contract, a brand with
a handful of reviews, no ratings, and the sentences (exit 2) for one brand and an unknown brand."""

from __future__ import annotations

import numpy as np
import orjson
import pandas as pd
import pytest

from portal.cli import main
from portal.errors import UsageError
from portal.ingest.read import Table
from portal.services import themes as theme_service
from portal.services.compare import NothingSelected, cell_reviews, compare_dataset, remember_ours, remembered_ours
from portal.services.imports import commit, prepare
from portal.store import Store
from portal.text.codeframe import Codeframe, Theme

CODEFRAME = Codeframe((Theme("t1", "app", ("app", "login")), Theme("t2", "crashing", ("crashing",), parent="t1"),
                       Theme("t3", "fees", ("fee", "fees"))))
TEXTS = {
    "crash": "The app keeps crashing, it is awful and useless.",
    "fees": "The fees are terrible, hidden and far too high.",
    "good": "The app is great and the login is fast, I love it.",
    "ask": "Please add a dark mode to the app.",
}
BRAND_KEYS = ["ok", "id", "date", "rating", "brand", "comment"]
KEYS = {
    "": {"ours", "brands", "themes", "gaps", "comp_index", "rating_link", "needs"},
    "brands": {"brand", "n", "rating_mean", "rating_ci", "positive_share", "negative_share", "sentiment",
               "low_sample"},
    "themes": {"theme", "parent", "by_brand"},
    "by_brand": {"share", "sentiment", "problem_rate"},
    "gaps": {"theme", "ours_problem_rate", "best_competitor", "best_problem_rate", "competitors_problem_rate",
             "difference", "p_value", "p_adjusted", "significant", "ours_sentiment", "best_sentiment",
             "sentiment_p_adjusted"},
    "comp_index": {"rating_mean", "positive_share"},
    "rating_link": {"theme", "rho", "rho_ci", "low_confidence"},
    "needs": {"theme", "kind", "n", "best_brand"},
}


def reviews(plan: dict[str, dict[str, int]], seed: int = 5) -> pd.DataFrame:
    """Return reviews per brand: brand -> {kind of text: how many}, stars low for crashes and fees."""
    rng = np.random.default_rng(seed)
    rows = []
    for brand, kinds in plan.items():
        for kind, count in kinds.items():
            for _ in range(count):
                stars = int(rng.integers(1, 3)) if kind in ("crash", "fees") else int(rng.integers(4, 6))
                day = f"2024-{1 + len(rows) % 6:02d}-{1 + len(rows) % 27:02d}"
                rows.append((f"r{len(rows)}", day, str(stars), brand, f"{TEXTS[kind]} ({len(rows)})"))
    return pd.DataFrame(rows, columns=["Review ID", "Date", "Stars", "Brand", "Comment"])


def load(store, name: str, frame: pd.DataFrame, *, rating: bool = True) -> None:
    """Import ``frame`` as reviews with a brand column and code it with ``CODEFRAME``."""
    table = Table(frame=frame.astype(object), source="test.csv", encoding="utf-8", delimiter=",", sheet=None,
                  sheets=(), row_numbers=pd.Series(range(2, len(frame) + 2)))
    overrides = [("id", "Review ID"), ("date", "Date"), ("brand", "Brand"), ("comment", "Comment")]
    prepared = prepare(table, kind="reviews", existing=None,
                       overrides=[*overrides, ("rating", "Stars")] if rating else overrides)
    commit(store, name, prepared, source="test.csv")
    theme_service.save_codeframe(store, name, CODEFRAME, note="by hand", source="imported")


PLAN = {"Us": {"crash": 30, "fees": 5, "good": 20, "ask": 5}, "Them": {"crash": 5, "fees": 20, "good": 35},
        "Tiny": {"crash": 1, "good": 2}}


@pytest.fixture
def market(store):
    """A store with dataset 'market': Us (60 reviews, many crashes), Them (60, many fee complaints), Tiny (3)."""
    load(store, "market", reviews(PLAN))
    return store


def run(db_url: str, capsys, *argv: str) -> tuple[int, str, str]:
    """Run ``portal`` through its real entry point; return the exit code, stdout and stderr."""
    code = main([*argv, "--db", db_url])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_has_exactly_the_contracts_keys_and_the_figures_of_the_data(market, db_url, capsys) -> None:
    code, out, _ = run(db_url, capsys, "compare", "--dataset", "market", "--ours", "Us", "--format", "json")
    assert code == 0
    doc = orjson.loads(out)  # strict JSON: a NaN would not parse
    assert set(doc) == KEYS[""] and doc["ours"] == "Us"
    for key in ("brands", "themes", "gaps", "rating_link", "needs"):
        assert doc[key] and all(set(item) == KEYS[key] for item in doc[key]), key
    assert set(doc["comp_index"]) == KEYS["comp_index"]
    assert all(set(v) == KEYS["by_brand"] for t in doc["themes"] for v in t["by_brand"].values())
    brands = {b["brand"]: b for b in doc["brands"]}
    assert [b["brand"] for b in doc["brands"]] == ["Us", "Them", "Tiny"]
    assert {k: b["n"] for k, b in brands.items()} == {"Us": 60, "Them": 60, "Tiny": 3}
    assert brands["Tiny"]["low_sample"] and not brands["Them"]["low_sample"]  # flagged, not crashed on
    themes = {t["theme"]: t for t in doc["themes"]}
    assert themes["crashing"]["parent"] == "app" and themes["app"]["parent"] is None
    assert themes["crashing"]["by_brand"]["Us"]["share"] == pytest.approx(30 / 60, abs=1e-4)
    gaps = {g["theme"]: g for g in doc["gaps"]}
    assert gaps["crashing"]["best_competitor"] == "Them" and gaps["crashing"]["significant"]
    assert gaps["crashing"]["difference"] > 0 and gaps["fees"]["difference"] < 0
    assert doc["gaps"][0]["theme"] in ("crashing", "app")  # the biggest real weakness first
    assert all(r["low_confidence"] and r["rho_ci"] is None for r in doc["rating_link"])  # two big brands only


def test_table_output_names_our_brand_and_the_verdicts(market, db_url, capsys) -> None:
    code, out, _ = run(db_url, capsys, "compare", "--dataset", "market", "--ours", "us")
    assert code == 0
    assert "Us (ours)" in out and "weakness" in out and "strength" in out and "too few reviews" in out


def test_an_unknown_brand_or_a_single_brand_is_one_sentence_and_exit_2(store, db_url, capsys) -> None:
    load(store, "market", reviews(PLAN))
    load(store, "alone", reviews({"Us": {"crash": 5, "good": 5}}))
    code, out, err = run(db_url, capsys, "compare", "--dataset", "market", "--ours", "Monzo", "--format", "json")
    assert (code, out) == (2, "")
    assert err == "Error: 'Monzo' is not one of the brands in this data; choose one of: Them, Tiny, Us.\n"
    code, out, err = run(db_url, capsys, "compare", "--dataset", "alone", "--ours", "Us", "--format", "json")
    assert (code, out) == (2, "")
    assert err.startswith("Error: There is nothing to compare with: the data has only 'Us'.")
    assert err.count("\n") == 1
    code, _, err = run(db_url, capsys, "compare", "--dataset", "nope", "--ours", "Us")
    assert code == 1 and "No dataset named 'nope'" in err


def test_without_ratings_the_rating_fields_are_null(store, db_url, capsys) -> None:
    load(store, "social", reviews(PLAN).drop(columns="Stars"), rating=False)
    code, out, _ = run(db_url, capsys, "compare", "--dataset", "social", "--ours", "Us", "--format", "json")
    doc = orjson.loads(out)
    assert code == 0
    assert all(b["rating_mean"] is None and b["rating_ci"] is None for b in doc["brands"])
    assert doc["comp_index"]["rating_mean"] is None and doc["rating_link"] == []
    assert doc["comp_index"]["positive_share"] is not None


def test_by_compares_another_column_and_dates_narrow_the_reviews(market, db_url, capsys) -> None:
    code, out, _ = run(db_url, capsys, "compare", "--dataset", "market", "--ours", "Us", "--from", "2024-01-01",
                       "--to", "2024-02-28", "--format", "json")
    assert code == 0
    counts = {b["brand"]: b["n"] for b in orjson.loads(out)["brands"]}
    frame = reviews(PLAN)
    kept = frame[pd.to_datetime(frame["Date"]) < "2024-03-01"]
    assert counts == kept.groupby("Brand").size().to_dict()
    result = compare_dataset(market, "market", ours="negative", by="sentiment_label")  # any groupable column
    assert set(result.groups["group"]) <= {"negative", "neutral", "positive"} and result.ours == "negative"
    with pytest.raises(UsageError, match="'Us' is not one of the values of 'sentiment_label'"):
        compare_dataset(market, "market", ours="Us", by="sentiment_label")
    code, _, err = run(db_url, capsys, "compare", "--dataset", "market", "--ours", "Us", "--by", "Region")
    assert code == 1 and "There is no column 'Region'" in err


def test_the_reviews_behind_a_cell_are_that_brands_mentions_negative_first(market) -> None:
    found = cell_reviews(market, "market", theme="crashing", group="Us")
    assert len(found) == 30 and found["comment"].str.contains("crashing").all()
    assert list(found["negative"]) == sorted(found["negative"], reverse=True)
    assert len(cell_reviews(market, "market", theme="app", group="Them")) == 5 + 35  # a parent: its sub-themes too
    assert cell_reviews(market, "market", theme="no such theme", group="Us").empty


def test_filters_narrow_the_reviews_but_never_the_brands_compared(market) -> None:
    everyone = compare_dataset(market, "market", ours="Us").groups.set_index("group")
    same = compare_dataset(market, "market", ours="Us", where={"brand": ["Us"]}).groups.set_index("group")
    pd.testing.assert_frame_equal(same, everyone)  # a filter on the brand itself would leave nothing to compare
    negative = compare_dataset(market, "market", ours="Us", where=[("sentiment_label", ("negative",))])
    found = negative.groups.set_index("group")
    assert (found["n"] <= everyone["n"]).all() and (found["negative_share"] == 1).all()


def test_our_brand_is_remembered_with_the_dataset_and_used_without_ours(market, db_url, capsys) -> None:
    code, out, err = run(db_url, capsys, "compare", "--dataset", "market", "--format", "json")
    assert (code, out) == (2, "")
    assert err == ("Error: No brand is remembered as ours for the dataset 'market'. Pass --ours BRAND (one of: Us, "
                   "Them, Tiny); add --remember to keep it for next time.\n")
    code, out, err = run(db_url, capsys, "compare", "--dataset", "market", "--ours", "them", "--format", "json")
    assert code == 0 and orjson.loads(out)["ours"] == "Them" and remembered_ours(market, "market") is None
    code, out, err = run(db_url, capsys, "compare", "--dataset", "market", "--ours", "them", "--remember",
                         "--format", "json")
    assert code == 0 and "Remembered Them as our brand for the dataset 'market'." in err
    assert remembered_ours(market, "market") == "Them"
    code, out, _ = run(db_url, capsys, "compare", "--dataset", "market", "--format", "json")
    assert code == 0 and orjson.loads(out)["ours"] == "Them"
    code, out, _ = run(db_url, capsys, "compare", "--dataset", "market", "--ours", "Us", "--format", "json")
    assert orjson.loads(out)["ours"] == "Us" and remembered_ours(market, "market") == "Them"  # --ours wins
    code, _, err = run(db_url, capsys, "compare", "--dataset", "market", "--remember")
    assert code == 2 and "--remember keeps the brand given with --ours" in err
    code, _, err = run(db_url, capsys, "compare", "--dataset", "market", "--by", "sentiment_label")
    assert code == 2 and "Say which value of 'sentiment_label' is ours with --ours VALUE." in err


def test_the_remembered_brand_survives_another_import_and_a_store_round_trip(market, db_url) -> None:
    assert remember_ours(market, "market", "TINY") == "Tiny"
    with pytest.raises(UsageError, match="'Monzo' is not one of the brands"):
        remember_ours(market, "market", "Monzo")
    before = market.dataset("market")
    with Store(db_url) as again:
        info = again.dataset("market")
        assert info.config.ours == "Tiny" and info.data_version == before.data_version  # no data change
        assert info.config.currency == before.config.currency and info.config.mapping == before.config.mapping
    load(market, "market", reviews({"Us": {"good": 3}}, seed=9).assign(**{"Review ID": ["n1", "n2", "n3"]}))
    assert remembered_ours(market, "market") == "Tiny"  # a later import keeps it
    market.set_ours("market", None)
    assert remembered_ours(market, "market") is None


def test_dates_or_filters_that_leave_nothing_to_compare_say_so_not_what_to_upload(market, db_url, capsys) -> None:
    code, out, err = run(db_url, capsys, "compare", "--dataset", "market", "--ours", "Us", "--from", "2030-01-01")
    assert (code, out) == (2, "")
    assert err == "Error: No reviews of other brands in the chosen dates or filters.\n"
    load(market, "split", reviews({"Us": {"crash": 40}, "Them": {"good": 40}}))
    with pytest.raises(NothingSelected, match=r"^No reviews of other brands in the chosen dates or filters\.$"):
        compare_dataset(market, "split", ours="Us", where={"sentiment_label": ["negative"]})  # Us alone
    with pytest.raises(NothingSelected, match=r"^No reviews of Us in the chosen dates or filters\.$"):
        compare_dataset(market, "split", ours="us", where={"sentiment_label": ["positive"]})  # Us left out
    with pytest.raises(UsageError, match="'Monzo' is not one of the brands"):  # unknown anywhere: as before
        compare_dataset(market, "split", ours="Monzo", start=pd.Timestamp("2030-01-01"))
    load(market, "alone", reviews({"Us": {"crash": 5, "good": 5}}))
    with pytest.raises(UsageError, match="the data has only 'Us'. Upload reviews") as caught:
        compare_dataset(market, "alone", ours="Us", start=pd.Timestamp("2024-01-01"))  # the dataset has one brand
    assert not isinstance(caught.value, NothingSelected)
