"""Themes in the store: first-import discovery, versions and undo, re-application, corrections, export, CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson
import pandas as pd
import pytest
import sqlalchemy as sa

from portal.cli import build_parser
from portal.errors import InputError, NotFoundError
from portal.ingest.read import Table
from portal.services import themes as theme_service
from portal.services.imports import commit, prepare
from portal.text.codeframe import (
    Codeframe,
    Theme,
    add_keywords,
    add_theme,
    merge_themes,
    rename_theme,
    to_json,
)
from portal.text.themes import MIN_COMMENTS

NOUNS = {
    "delivery": (["delivery", "courier", "parcel"], ["late", "slow", "lost", "damaged"]),
    "refunds": (["refund", "reimbursement", "chargeback"], ["pending", "denied", "stuck", "missing"]),
    "app": (["app", "screen", "login"], ["crashing", "freezing", "buggy", "broken"]),
    "staff": (["staff", "clerk", "advisor"], ["friendly", "rude", "helpful", "polite"]),
}
CODEFRAME = Codeframe((
    Theme("t1", "delivery", ("delivery", "courier", "parcel")),
    Theme("t2", "refunds", ("refund", "reimbursement")),
    Theme("t3", "app", ("app", "login", "screen")),
))


def survey(n: int, seed: int = 5, start: int = 0) -> pd.DataFrame:
    """Return an NPS survey of ``n`` responses whose comments mention one or two planted topics."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(start, start + n):
        topics = rng.choice(list(NOUNS), size=int(rng.integers(1, 3)), replace=False)
        parts = []
        for topic in topics:
            nouns, adjectives = NOUNS[str(topic)]
            parts.append(f"the {nouns[int(rng.integers(3))]} was {adjectives[int(rng.integers(4))]}")
        rows.append({
            "Response ID": f"r{i}",
            "Customer": f"c{i % 40}",
            "Submitted": f"2024-{1 + i % 9:02d}-{1 + i % 27:02d}",
            "Score": str(int(rng.integers(0, 11))),
            "Region": ["North", "South"][i % 2],
            "Comment": (" but ".join(parts)).capitalize() + ".",
        })
    return pd.DataFrame(rows)


def load(store, name: str, frame: pd.DataFrame) -> None:
    """Import ``frame`` into dataset ``name`` without sentiment enrichment (the themes step runs separately)."""
    table = Table(frame=frame.astype(object), source="test.csv", encoding="utf-8", delimiter=",", sheet=None,
                  sheets=(), row_numbers=pd.Series(range(2, len(frame) + 2)))
    existing = store.dataset(name)
    prepared = prepare(table, kind="survey", existing=existing.config if existing else None, overrides=[
        ("id", "Response ID"), ("customer", "Customer"), ("date", "Submitted"), ("nps", "Score"),
        ("comment", "Comment"), ("segment", "Region")])
    commit(store, name, prepared, source="test.csv", enrich=False)


def themes_of(store, name: str) -> dict[str, set[str]]:
    """Return row_key -> theme names as stored (corrections applied)."""
    out: dict[str, set[str]] = {}
    for key, theme in zip(*theme_service.assignments(store, name)[["row_key", "theme"]].T.values, strict=True):
        out.setdefault(key, set()).add(theme)
    return out


@pytest.fixture
def coded(store):
    """A store with dataset 'survey' (120 responses) coded with ``CODEFRAME`` as version 1."""
    load(store, "survey", survey(120))
    theme_service.save_codeframe(store, "survey", CODEFRAME, note="by hand", source="imported")
    return store


def test_first_import_discovers_themes_and_codes_every_comment(store) -> None:
    load(store, "survey", survey(150))
    message = theme_service.after_import(store, "survey")
    assert message and "themes" in message and "%" in message
    history = theme_service.codeframe_history(store, "survey")
    assert history["source"].tolist() == ["discovered"] and history["status"].tolist() == ["current"]
    codeframe = theme_service.current_codeframe(store, "survey")
    assert sum(t.parent is None for t in codeframe.themes) == 10  # themes; sub-themes come on top
    found = themes_of(store, "survey")
    assert len(found) >= 140  # nearly every comment names one of the planted topics


def test_few_comments_skip_discovery_with_a_message_and_keep_the_import(store) -> None:
    load(store, "tiny", survey(MIN_COMMENTS - 10))
    message = theme_service.after_import(store, "tiny")
    assert message is not None and f"from {MIN_COMMENTS} on" in message
    assert theme_service.current_codeframe(store, "tiny") is None
    assert store.dataset("tiny").rows == MIN_COMMENTS - 10


def test_later_imports_code_new_rows_with_the_current_codeframe(coded) -> None:
    load(coded, "survey", survey(30, seed=9, start=120))
    message = theme_service.after_import(coded, "survey")
    assert message is not None and "version 1" in message
    assert len(theme_service.codeframe_history(coded, "survey")) == 1
    found = themes_of(coded, "survey")
    new = survey(30, seed=9, start=120)
    for key, comment in zip(new["Response ID"], new["Comment"], strict=True):
        expected = {name for name, words in (("delivery", ("delivery", "courier", "parcel")),
                                             ("refunds", ("refund", "reimbursement")),
                                             ("app", ("app", "login", "screen"))) if any(w in comment for w in words)}
        assert found.get(f"id:{key}", set()) == expected, comment


def test_a_changed_comment_is_coded_again(coded) -> None:
    changed = survey(1)
    changed.loc[0, "Comment"] = "The refund was denied."
    load(coded, "survey", changed)
    theme_service.refresh(coded, "survey")
    assert themes_of(coded, "survey")["id:r0"] == {"refunds"}


def test_an_edit_is_a_new_version_applied_everywhere_and_undo_brings_back_the_old(coded) -> None:
    before = themes_of(coded, "survey")
    edited = add_theme(rename_theme(CODEFRAME, "app", "mobile app"), "staff", ["staff", "clerk", "advisor"])
    result = theme_service.save_codeframe(coded, "survey", edited, note="renamed app; added staff")
    assert result.version == 2 and result.comments == 120
    after = themes_of(coded, "survey")
    assert any("staff" in t for t in after.values())
    assert not any("app" in t for t in after.values()) and any("mobile app" in t for t in after.values())
    undone = theme_service.undo(coded, "survey")
    assert undone.version == 1
    assert themes_of(coded, "survey") == before
    assert theme_service.codeframe_history(coded, "survey")["status"].tolist() == ["undone", "current"]
    again = theme_service.save_codeframe(coded, "survey", edited)
    assert again.version == 3


def test_nothing_to_undo(coded) -> None:
    with pytest.raises(InputError, match="no earlier version"):
        theme_service.undo(coded, "survey")


def test_hand_corrections_survive_re_application_and_follow_renames(coded) -> None:
    key, auto = next((k, v) for k, v in sorted(themes_of(coded, "survey").items()) if len(v) == 1)
    added = next(t for t in ("delivery", "refunds", "app") if t not in auto and t != "app")
    wanted = {added, "app"}
    theme_service.correct_themes(coded, "survey", key, sorted(wanted))
    assert themes_of(coded, "survey")[key] == wanted
    manual = theme_service.assignments(coded, "survey").query("row_key == @key and how == 'manual'")
    assert set(manual["theme"]) == wanted - auto and set(manual["reason"]) == {"added by hand"}
    theme_service.save_codeframe(coded, "survey", add_keywords(CODEFRAME, "app", ["crash"]))
    assert themes_of(coded, "survey")[key] == wanted
    theme_service.save_codeframe(coded, "survey", rename_theme(CODEFRAME, "app", "mobile app"))
    assert themes_of(coded, "survey")[key] == {added, "mobile app"}
    fixes = theme_service.corrections(coded, "survey")
    assert fixes["row_key"].tolist() == [key]
    assert set(fixes["added"].iloc[0]) | set(fixes["removed"].iloc[0]) <= {"delivery", "refunds", "mobile app"}


def test_correction_on_a_merged_theme_follows_the_merge(coded) -> None:
    theme_service.correct_themes(coded, "survey", "id:r1", ["refunds"])
    theme_service.save_codeframe(coded, "survey", merge_themes(CODEFRAME, ["delivery", "refunds"], into="orders"))
    assert themes_of(coded, "survey")["id:r1"] == {"orders"}


def test_sentiment_correction_replaces_the_computed_one(coded) -> None:
    theme_service.correct_sentiment(coded, "survey", "id:r2", "negative")
    frame = theme_service.with_corrected_sentiment(coded, "survey", coded.load("survey"))
    row = frame.set_index("row_key").loc["id:r2"]
    assert row["sentiment_label"] == "negative" and row["sentiment"] == -0.5
    theme_service.correct_sentiment(coded, "survey", "id:r2", None)
    assert theme_service.corrections(coded, "survey").empty


def test_bad_corrections_are_refused(coded) -> None:
    with pytest.raises(InputError, match="not a sentiment"):
        theme_service.correct_sentiment(coded, "survey", "id:r2", "angry")
    with pytest.raises(NotFoundError, match="no response with the key"):
        theme_service.correct_themes(coded, "survey", "id:nope", ["app"])
    with pytest.raises(InputError, match="no theme called 'billing'"):
        theme_service.correct_themes(coded, "survey", "id:r2", ["billing"])


def test_clause_polarities_are_stored_per_theme(store) -> None:
    load(store, "survey", survey(60))

    def scorer(texts: list[str]) -> list[float]:
        return [-0.9 if any(w in t for w in ("late", "lost", "slow", "damaged")) else 0.6 for t in texts]

    theme_service.save_codeframe(store, "survey", CODEFRAME, scorer=scorer)
    frame = theme_service.assignments(store, "survey")
    delivery = frame[frame["theme"] == "delivery"]
    assert set(delivery["sentiment"].round(2)) == {-0.9}
    assert set(frame.loc[frame["theme"] == "refunds", "sentiment"].round(2)) == {0.6}


def test_themes_per_row_for_the_export(coded) -> None:
    joined = theme_service.themes_per_row(coded, "survey")
    found = themes_of(coded, "survey")
    order = {"delivery": 0, "refunds": 1, "app": 2}
    for key, names in found.items():
        assert joined[key] == "; ".join(sorted(names, key=order.get))
    assert set(joined.index) == set(found)


def test_preview_counts_what_an_edit_would_move(coded) -> None:
    edited = add_theme(CODEFRAME, "staff", ["staff", "clerk", "advisor"])
    preview = theme_service.preview(coded, "survey", edited).set_index("theme")
    current = pd.Series([t for ts in themes_of(coded, "survey").values() for t in ts]).value_counts()
    assert preview.loc["delivery", "before"] == current["delivery"] == preview.loc["delivery", "after"]
    assert preview.loc["staff", "before"] == 0 and preview.loc["staff", "after"] > 0
    assert preview.loc["Uncategorised", "change"] <= 0
    assert len(theme_service.codeframe_history(coded, "survey")) == 1  # nothing saved


def test_deleting_the_dataset_deletes_its_themes(coded) -> None:
    theme_service.correct_sentiment(coded, "survey", "id:r2", "positive")
    coded.delete_dataset("survey")
    with coded.engine.connect() as conn:
        for table in ("codeframes", "theme_assignments", "theme_texts", "theme_corrections", "theme_runs"):
            assert conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar() == 0


def test_unknown_dataset(store) -> None:
    with pytest.raises(NotFoundError, match="No dataset named 'nope'"):
        theme_service.current_codeframe(store, "nope")


def cli(db_url: str, *argv: str) -> int:
    """Run one theme command through the real ``portal`` parser (errors are raised, not printed)."""
    args = build_parser().parse_args([*argv, "--db", db_url])
    return args.handler(args)


def test_cli_themes_json_contract(coded, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(db_url, "themes", "--dataset", "survey", "--by", "Region", "--from", "2024-01-01",
               "--format", "json") == 0
    out = orjson.loads(capsys.readouterr().out)
    assert [t["theme"] for t in out["themes"]][-1] == "Uncategorised"
    first = out["themes"][0]
    assert set(first) == {"theme", "parent", "keywords", "n", "customers", "share", "sentiment", "negative_share", "nps",
                          "nps_impact", "nps_impact_ci", "value", "emerging", "requests", "groups"}
    assert {g["value"] for g in first["groups"]} == {"North", "South"}
    assert sum(t["n"] for t in out["themes"] if t["theme"] != "Uncategorised") >= 120 - first["n"]


def test_cli_discover_and_move_a_codeframe_between_datasets(coded, db_url: str, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(db_url, "discover", "--dataset", "survey", "--themes", "4", "--format", "json") == 0
    result = orjson.loads(capsys.readouterr().out)
    # Four themes, as asked, each with the sub-themes discovery found for it.
    assert result["version"] == 2 and sum(t.get("parent") is None for t in result["themes"]) == 4
    path = tmp_path / "codeframe.json"
    assert cli(db_url, "codeframe", "--dataset", "survey", "--export", str(path)) == 0
    load(coded, "other", survey(60, seed=11))
    assert cli(db_url, "codeframe", "--dataset", "other", "--import", str(path), "--format", "json") == 0
    imported = orjson.loads(capsys.readouterr().out)
    assert imported["version"] == 1 and imported["themes"] == len(result["themes"])
    assert theme_service.current_codeframe(coded, "other") == theme_service.current_codeframe(coded, "survey")
    assert cli(db_url, "codeframe", "--dataset", "other", "--history") == 0


def test_cli_errors_are_plain(coded, db_url: str, tmp_path: Path) -> None:
    load(coded, "empty", survey(5))
    with pytest.raises(InputError, match="has no themes yet"):
        cli(db_url, "themes", "--dataset", "empty")
    with pytest.raises(InputError, match="no file at"):
        cli(db_url, "codeframe", "--dataset", "survey", "--import", str(tmp_path / "missing.json"))
    bad = tmp_path / "bad.json"
    bad.write_bytes(to_json(CODEFRAME).replace(b'"delivery"', b'"refunds"', 1))
    with pytest.raises(InputError, match="Two themes are called 'refunds'"):
        cli(db_url, "codeframe", "--dataset", "survey", "--import", str(bad))
    with pytest.raises(NotFoundError):
        cli(db_url, "discover", "--dataset", "nope")


def test_clauses_from_enrichment_are_used_instead_of_splitting_again(store) -> None:
    data = survey(60)
    load(store, "survey", data)
    text = data.loc[0, "Comment"]
    given = pd.DataFrame({"row_key": ["id:r0"], "clause": [0], "start": [0], "end": [len(text)],
                          "sentiment": [-0.7]})
    theme_service.save_codeframe(store, "survey", CODEFRAME, scorer=lambda texts: [0.5] * len(texts), clauses=given)
    frame = theme_service.assignments(store, "survey")
    first = frame[frame["row_key"] == "id:r0"]
    assert len(first) >= 1 and set(first["sentiment"]) == {-0.7} and set(first["clauses"]) == {"0"}
    assert set(frame.loc[frame["row_key"] != "id:r0", "sentiment"]) == {0.5}
