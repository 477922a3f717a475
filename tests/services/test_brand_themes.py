"""Reviews of a new brand arriving in a dataset (one file per brand): the themes are found again over every brand
when discovery made them and nobody changed them, otherwise kept with a sentence saying how to find them again."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from portal.compare.two import period_labels
from portal.ingest.read import Table
from portal.services import brand_themes
from portal.services import themes as theme_service
from portal.services.compare_groups import compare_two, group_choices
from portal.services.imports import commit, prepare
from portal.store import Store
from portal.text.codeframe import rename_theme

NOUNS = {
    "delivery": (["delivery", "courier", "parcel"], ["late", "slow", "lost", "damaged"]),
    "refunds": (["refund", "reimbursement", "chargeback"], ["pending", "denied", "stuck", "missing"]),
    "app": (["app", "screen", "login"], ["crashing", "freezing", "buggy", "broken"]),
    "staff": (["staff", "clerk", "advisor"], ["friendly", "rude", "helpful", "polite"]),
}


def brand_file(brand: str, n: int, seed: int) -> pd.DataFrame:
    """Return ``n`` reviews of one brand whose comments mention one or two planted topics."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        topics = rng.choice(list(NOUNS), size=int(rng.integers(1, 3)), replace=False)
        parts = [f"the {NOUNS[str(t)][0][int(rng.integers(3))]} was {NOUNS[str(t)][1][int(rng.integers(4))]}"
                 for t in topics]
        rows.append((f"{brand}-{seed}-{i}", str(int(rng.integers(1, 6))), brand,
                     (" but ".join(parts)).capitalize() + "."))
    return pd.DataFrame(rows, columns=["Review ID", "Stars", "Brand", "Comment"])


def import_file(store: Store, name: str, frame: pd.DataFrame) -> str | None:
    """Import one brand's file into ``name`` as the pages and the CLI do; return the themes sentence."""
    table = Table(frame=frame.astype(object), source="brand.csv", encoding="utf-8", delimiter=",", sheet=None,
                  sheets=(), row_numbers=pd.Series(range(2, len(frame) + 2)))
    info = store.dataset(name)
    prepared = prepare(table, kind="reviews", existing=info.config if info else None,
                       overrides=[("id", "Review ID"), ("rating", "Stars"), ("brand", "Brand"), ("comment", "Comment")])
    return themes_said(commit(store, name, prepared, source="brand.csv").themes_message)


def themes_said(message: str | None) -> str | None:
    """Return what an import said about themes: its sentiment sentence, which comes first, left out."""
    if message is None:
        return None
    return re.sub(r"^Sentiment .*?(?=(Found|New comments|Reviews of|Themes were not) )", "", message)


def coded_brands(store: Store, name: str) -> set[str]:
    """Return the brands with at least one comment that has a theme."""
    rows = store.load(name, columns=["row_key", "brand"])
    return set(rows.loc[rows["row_key"].isin(set(theme_service.assignments(store, name)["row_key"])), "brand"])


def test_a_new_brand_finds_the_discovered_themes_again_over_every_brand(store) -> None:
    first = import_file(store, "market", brand_file("Acme", 120, seed=1))
    assert first and first.startswith("Found")
    version = brand_themes.current_version(store, "market")
    assert (version.source, version.body[brand_themes.BRANDS_KEY]) == ("discovered", ["Acme"])
    message = import_file(store, "market", brand_file("Globex", 120, seed=2))
    assert message.startswith("Reviews of Globex arrived after the themes were found, so the themes were found "
                              "again over every brand")
    again = brand_themes.current_version(store, "market")
    assert again.version == version.version + 1 and again.source == "discovered"
    assert again.body[brand_themes.BRANDS_KEY] == ["Acme", "Globex"]
    assert coded_brands(store, "market") == {"Acme", "Globex"}
    more = import_file(store, "market", brand_file("Acme", 30, seed=3))  # a known brand: coded, not rediscovered
    assert more.startswith("New comments were coded with codeframe version")
    assert brand_themes.current_version(store, "market").version == again.version


def test_edited_themes_are_kept_and_the_report_says_how_to_find_them_again(store) -> None:
    import_file(store, "market", brand_file("Acme", 120, seed=1))
    codeframe = theme_service.current_codeframe(store, "market")
    edited = rename_theme(codeframe, codeframe.themes[0].name, "Renamed by hand")
    theme_service.save_codeframe(store, "market", edited, note="renamed", source="edited")
    kept = brand_themes.current_version(store, "market")
    assert kept.body[brand_themes.BRANDS_KEY] == ["Acme"]  # an edit keeps the brands its themes were found over
    message = import_file(store, "market", brand_file("Globex", 60, seed=2))
    assert "The themes were found before reviews of Globex arrived and were then edited by hand, so they were " \
           "kept" in message
    assert "'Find themes again' on the Themes page" in message and '`portal discover --dataset "market"`' in message
    assert message.startswith("New comments were coded with codeframe version")
    assert coded_brands(store, "market") == {"Acme", "Globex"}  # Globex's comments are coded with the kept themes
    now = brand_themes.current_version(store, "market")
    assert now.version == kept.version and now.source == "edited"
    assert "Renamed by hand" in [t.name for t in theme_service.current_codeframe(store, "market").themes]
    found = theme_service.discover_themes(store, "market")  # finding them again records every brand
    assert brand_themes.current_version(store, "market").body[brand_themes.BRANDS_KEY] == ["Acme", "Globex"]
    assert found.version == now.version + 1


def test_without_a_brand_column_nothing_is_recorded_or_said(store) -> None:
    frame = brand_file("Acme", 120, seed=1).drop(columns="Brand")
    table = Table(frame=frame.astype(object), source="a.csv", encoding="utf-8", delimiter=",", sheet=None,
                  sheets=(), row_numbers=pd.Series(range(2, len(frame) + 2)))
    prepared = prepare(table, kind="reviews", existing=None,
                       overrides=[("id", "Review ID"), ("rating", "Stars"), ("comment", "Comment")])
    commit(store, "plain", prepared, source="a.csv")
    assert brand_themes.BRANDS_KEY not in brand_themes.current_version(store, "plain").body
    assert brand_themes.arrived(store, "plain", {brand_themes.BRANDS_KEY: []}) == []


def test_brands_are_named_in_plain_words() -> None:
    assert brand_themes.named(["A"]) == "A"
    assert brand_themes.named(["A", "B", "C"]) == "A, B and C"
    assert brand_themes.named([str(i) for i in range(8)]) == "0, 1, 2, 3, 4 and 3 more"


def test_the_ethiopian_bank_reviews_imported_one_file_per_bank(store, shared_data) -> None:
    """Each bank's file finds the themes again over every bank; two quarters hold the reviews pandas counts."""
    raw = pd.read_csv(shared_data / "ethiopian_bank_app_reviews.csv", dtype=str, keep_default_na=False)
    raw = raw.assign(id=[f"e{i}" for i in range(len(raw))])
    banks = sorted(raw["bank"].unique())
    overrides = [("id", "id"), ("comment", "review"), ("rating", "rating"), ("date", "date"), ("brand", "bank")]
    messages = []
    for bank in banks:
        part = raw[raw["bank"] == bank].reset_index(drop=True)
        table = Table(frame=part.astype(object), source=f"{bank}.csv", encoding="utf-8", delimiter=",", sheet=None,
                      sheets=(), row_numbers=pd.Series(range(2, len(part) + 2)))
        info = store.dataset("banks")
        prepared = prepare(table, kind="reviews", existing=info.config if info else None, overrides=overrides)
        messages.append(themes_said(commit(store, "banks", prepared, source=f"{bank}.csv").themes_message))
    assert messages[0].startswith("Found")
    for bank, message in zip(banks[1:], messages[1:], strict=True):
        assert message.startswith(f"Reviews of {bank} arrived after the themes were found, so the themes were found "
                                  "again over every brand")
    version = brand_themes.current_version(store, "banks")
    assert (version.version, version.source, version.body[brand_themes.BRANDS_KEY]) == (len(banks), "discovered",
                                                                                          banks)
    assert coded_brands(store, "banks") == set(banks)
    quarters = period_labels(raw["date"], "quarter")
    latest = group_choices(store, "banks", grain="quarter")[:2]
    assert latest == sorted(quarters.dropna().unique(), reverse=True)[:2]
    result = compare_two(store, "banks", first=latest[0], second=latest[1], grain="quarter")
    assert dict(zip(result.groups["group"], result.groups["n"], strict=True)) == \
        quarters[quarters.isin(latest)].value_counts().to_dict()  # the same reviews per quarter as pandas counts
