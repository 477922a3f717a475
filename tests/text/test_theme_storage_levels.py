"""Two-level codeframes in the store: parent comments as the union, corrections on both levels, the export's
"parent › sub-theme" column, previews, a first-wave (version 1) codeframe in a store, the CLI, and per-clause
sentiment in one long review."""

from __future__ import annotations

import io
import re

import orjson
import pandas as pd
import pytest
from test_theme_storage import cli, load, survey, themes_of

from portal.services import themes as theme_service
from portal.store import Store
from portal.store import themes as stored
from portal.store.migrate import current_revisions, head_revisions, upgrade
from portal.text.codeframe import Codeframe, Theme, move_theme

LEVELS = Codeframe((
    Theme("t1", "delivery", ("delivery", "courier", "parcel")),
    Theme("t2", "slow delivery", ("late", "slow"), parent="t1"),
    Theme("t3", "refunds", ("refund", "reimbursement")),
    Theme("t4", "app", ()),
    Theme("t5", "app crashes", ("crashing", "freezing"), parent="t4"),
    Theme("t6", "login", ("login",), parent="t4"),
))


@pytest.fixture
def levels(store):
    """A store with dataset 'survey' (120 responses) coded with the two-level ``LEVELS``."""
    load(store, "survey", survey(120))
    theme_service.save_codeframe(store, "survey", LEVELS, note="by hand", source="imported")
    return store


def with_words(words: tuple[str, ...]) -> set[str]:
    """Return the row keys of the survey's comments holding any of ``words`` (as whole words)."""
    frame = survey(120)
    pattern = re.compile(r"\b(" + "|".join(words) + r")\b", re.IGNORECASE)
    return {f"id:{k}" for k, c in zip(frame["Response ID"], frame["Comment"], strict=True) if pattern.search(c)}


def test_a_parent_holds_its_own_hits_and_its_sub_themes_comments_once(levels) -> None:
    found = themes_of(levels, "survey")
    app = {k for k, names in found.items() if "app" in names}
    assert app == with_words(("crashing", "freezing", "login"))
    delivery = {k for k, names in found.items() if "delivery" in names}
    assert delivery == with_words(("delivery", "courier", "parcel", "late", "slow"))
    frame = theme_service.assignments(levels, "survey")
    assert not frame.duplicated(["row_key", "theme_key"]).any()


def test_removing_a_parent_from_a_comment_removes_its_sub_themes(levels) -> None:
    key = sorted(with_words(("crashing",)) & with_words(("login",)) or with_words(("crashing",)))[0]
    before = themes_of(levels, "survey")[key]
    assert {"app", "app crashes"} <= before
    kept = theme_service.correct_themes(levels, "survey", key, sorted(before - {"app"}))
    after = themes_of(levels, "survey").get(key, set())
    assert not after & {"app", "app crashes", "login"} and "app" not in kept
    theme_service.apply_codeframe(levels, "survey")  # survives re-application
    assert not themes_of(levels, "survey").get(key, set()) & {"app", "app crashes", "login"}


def test_adding_a_sub_theme_by_hand_brings_its_parent(levels) -> None:
    key = sorted(with_words(("refund",)) - with_words(("delivery", "courier", "parcel")))[0]
    kept = theme_service.correct_themes(levels, "survey", key, ["delivery › slow delivery", "refunds"])
    assert kept == ["delivery", "slow delivery", "refunds"]
    assert {"delivery", "slow delivery", "refunds"} <= themes_of(levels, "survey")[key]
    assert theme_service.themes_per_row(levels, "survey")[key] == "delivery › slow delivery; refunds"


def test_the_export_lists_parent_and_sub_theme_names(levels, capsys: pytest.CaptureFixture[str], db_url) -> None:
    assert cli(db_url, "export", "--dataset", "survey") == 0
    exported = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype=str, keep_default_na=False)
    by_id = dict(zip(exported["Response ID"], exported["portal_themes"], strict=True))
    for key in with_words(("late", "slow")):
        assert "delivery › slow delivery" in by_id[key.removeprefix("id:")]
    bare = with_words(("delivery", "courier", "parcel")) - with_words(("late", "slow"))
    for key in bare:
        labels = by_id[key.removeprefix("id:")].split("; ")
        assert "delivery" in labels and not any(label.startswith("delivery ›") for label in labels)
    assert all(label != "app" for labels in by_id.values() for label in labels.split("; "))  # no own keyword


def test_preview_counts_parents_over_the_union(levels) -> None:
    moved = move_theme(LEVELS, "login", "delivery")
    preview = theme_service.preview(levels, "survey", moved).set_index("theme")
    logins = len(with_words(("login",)))
    assert preview.loc["delivery › login", "change"] == 0 and preview.loc["delivery › login", "after"] == logins
    assert preview.loc["app", "after"] == len(with_words(("crashing", "freezing")))
    assert preview.loc["delivery", "after"] == len(with_words(("delivery", "courier", "parcel", "late", "slow",
                                                                "login")))


def test_a_first_wave_codeframe_in_an_existing_store_loads_flat_and_edits_to_version_2(db_url: str) -> None:
    store = Store(db_url, migrate=False)
    heads = head_revisions()
    upgrade(store.engine, "heads")
    assert current_revisions(store.engine) == heads  # no migration is needed for sub-themes
    load(store, "survey", survey(60))
    body = {"format": "insights-portal/codeframe", "version": 1, "themes": [
        {"key": "t1", "name": "delivery", "keywords": ["delivery", "parcel"], "origin": "discovered"},
        {"key": "t2", "name": "app", "keywords": ["app"], "origin": "discovered"}]}
    stored.add_codeframe(store, "survey", body, source="discovered", note="first wave")
    store.close()
    with Store(db_url) as reopened:
        theme_service.apply_codeframe(reopened, "survey")
        codeframe = theme_service.current_codeframe(reopened, "survey")
        assert [t.parent for t in codeframe.themes] == [None, None]
        nested = move_theme(codeframe, "app", "delivery")
        theme_service.save_codeframe(reopened, "survey", nested, note="moved")
        assert stored.codeframe_body(reopened, "survey", 2)["version"] == 2
        app = {k for k, names in themes_of(reopened, "survey").items() if "app" in names}
        parent = {k for k, names in themes_of(reopened, "survey").items() if "delivery" in names}
        assert app and app <= parent


def test_cli_themes_json_names_the_parent(levels, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(db_url, "themes", "--dataset", "survey", "--format", "json") == 0
    records = {t["theme"]: t for t in orjson.loads(capsys.readouterr().out)["themes"]}
    assert records["login"]["parent"] == "app" and records["app"]["parent"] is None
    assert records["app"]["n"] == len(with_words(("crashing", "freezing", "login")))


def test_cli_moves_and_promotes(levels, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(db_url, "codeframe", "--dataset", "survey", "--move", "login", "--under", "delivery",
               "--format", "json") == 0
    out = orjson.loads(capsys.readouterr().out)
    assert out["change"] == "moved 'login' under 'delivery'" and out["version"] == 2
    assert cli(db_url, "codeframe", "--dataset", "survey", "--promote", "delivery › login") == 0
    assert "made 'login' a theme of its own" in capsys.readouterr().out
    assert theme_service.current_codeframe(levels, "survey").theme("login").parent is None
    assert cli(db_url, "codeframe", "--dataset", "survey", "--show") == 0
    assert "app › app crashes" in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "message"), [
    (["--move", "login"], "Say which theme it goes under"),
    (["--show", "--under", "app"], "--under goes with --move"),
    (["--move", "app", "--under", "delivery"], "has sub-themes of its own"),
    (["--promote", "refunds"], "already a theme of its own"),
])
def test_cli_level_errors_are_plain(levels, db_url: str, argv: list[str], message: str) -> None:
    from portal.errors import InputError

    with pytest.raises(InputError, match=message):
        cli(db_url, "codeframe", "--dataset", "survey", *argv)


def test_one_long_review_praises_the_crew_and_pans_the_seat(store) -> None:
    from portal.text.sentences import split_clauses
    from portal.text.sentiment import polarity

    review = ("Flew London to New York in March on the morning service. The cabin crew were wonderful, friendly and "
              "attentive. But the seat was broken, dirty and horribly uncomfortable for eight hours.")
    frame = survey(20)
    frame.loc[0, "Comment"] = review
    load(store, "survey", frame)
    codeframe = Codeframe((Theme("t1", "crew", ("crew",)), Theme("t2", "seat", ()),
                           Theme("t3", "seat comfort", ("seat",), parent="t2")))
    theme_service.save_codeframe(store, "survey", codeframe)  # the portal's own clause sentiment model
    mine = theme_service.assignments(store, "survey").query("row_key == 'id:r0'").set_index("theme")
    clauses = [review[c.start:c.end] for c in split_clauses(review)]
    scores = polarity(clauses)
    crew = next(i for i, c in enumerate(clauses) if "crew" in c)
    seat = next(i for i, c in enumerate(clauses) if "seat" in c)
    assert crew != seat and mine.loc["crew", "clauses"] == str(crew) and mine.loc["seat", "clauses"] == str(seat)
    assert mine.loc["crew", "sentiment"] == pytest.approx(scores[crew], abs=1e-4) and scores[crew] > 0
    assert mine.loc["seat comfort", "sentiment"] == pytest.approx(scores[seat], abs=1e-4) and scores[seat] < 0
    assert mine.loc["seat", "sentiment"] == pytest.approx(mine.loc["seat comfort", "sentiment"])
