"""Codeframes on two levels: moving, promoting, adding, deleting, merging and splitting themes and sub-themes,
and the JSON format (version 2 with parents; version 1 loads flat)."""

from __future__ import annotations

import orjson
import pytest

from portal.errors import InputError
from portal.text import codeframe as cf
from portal.text.codeframe import Codeframe, Theme
from portal.text.theme_edits import ADD_SUB, MOVE, NEST, PROMOTE, proposed_change, theme_choices, under_choices

FRAME = Codeframe((
    Theme("t1", "Flight", ("flight",)),
    Theme("t2", "Delayed", ("delay", "late"), parent="t1"),
    Theme("t3", "Cancelled", ("cancelled",), parent="t1"),
    Theme("t4", "Bag", ("bag", "luggage")),
    Theme("t5", "Lost", ("lost",), parent="t4"),
    Theme("t6", "Staff", ("staff",)),
))


def parents(codeframe: Codeframe) -> dict[str, str | None]:
    """Return theme name -> parent name."""
    return {t.name: (p.name if (p := codeframe.parent_of(t)) else None) for t in codeframe.themes}


def test_labels_order_and_lookup_by_label() -> None:
    assert FRAME.labels() == ["Flight", "Flight › Delayed", "Flight › Cancelled", "Bag", "Bag › Lost", "Staff"]
    assert FRAME.theme("flight › delayed").key == "t2"
    assert [t.name for t in FRAME.children(FRAME.theme("Flight"))] == ["Delayed", "Cancelled"]


def test_a_parent_needs_no_keyword_of_its_own_but_a_leaf_does() -> None:
    Codeframe((Theme("t1", "Seat", ()), Theme("t2", "Legroom", ("legroom",), parent="t1")))
    with pytest.raises(InputError, match="no keywords"):
        Codeframe((Theme("t1", "Seat", ()), Theme("t2", "Legroom", ("legroom",))))


def test_move_a_sub_theme_to_another_parent_and_make_a_theme_a_sub_theme() -> None:
    moved = cf.move_theme(FRAME, "Delayed", "Bag")
    assert parents(moved)["Delayed"] == "Bag"
    assert moved.labels()[2:5] == ["Bag", "Bag › Lost", "Bag › Delayed"]  # placed after the parent's block
    nested = cf.move_theme(FRAME, "Staff", "Flight")
    assert nested.labels()[:4] == ["Flight", "Flight › Delayed", "Flight › Cancelled", "Flight › Staff"]


@pytest.mark.parametrize(("name", "under", "message"), [
    ("Flight", "Bag", "has sub-themes of its own"),
    ("Staff", "Delayed", "is itself a sub-theme of 'Flight'"),
    ("Staff", "Staff", "cannot be a sub-theme of itself"),
    ("Delayed", "Flight", "already a sub-theme of 'Flight'"),
    ("Staff", "Nowhere", "no theme called 'Nowhere'"),
])
def test_moves_that_would_break_two_levels_are_refused_plainly(name: str, under: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        cf.move_theme(FRAME, name, under)


def test_promote_a_sub_theme_to_a_theme_of_its_own() -> None:
    promoted = cf.promote_theme(FRAME, "Flight › Cancelled")
    assert parents(promoted)["Cancelled"] is None
    assert promoted.labels()[:3] == ["Flight", "Flight › Delayed", "Cancelled"]
    with pytest.raises(InputError, match="already a theme of its own"):
        cf.promote_theme(FRAME, "Staff")


def test_add_a_sub_theme_under_a_parent() -> None:
    added = cf.add_theme(FRAME, "Rude", "rude", parent="Staff")
    assert added.labels()[-1] == "Staff › Rude" and added.theme("Rude").origin == "manual"
    with pytest.raises(InputError, match="itself a sub-theme"):
        cf.add_theme(FRAME, "Very late", "very late", parent="Delayed")


def test_deleting_a_parent_makes_its_sub_themes_themes_of_their_own() -> None:
    out = cf.delete_theme(FRAME, "Flight")
    assert parents(out) == {"Delayed": None, "Cancelled": None, "Bag": None, "Lost": "Bag", "Staff": None}
    _, note = proposed_change(FRAME, "Delete", {"theme": "Flight"})
    assert note == "deleted 'Flight'; its sub-themes 'Delayed', 'Cancelled' are now themes of their own"


def test_merging_on_one_level_keeps_the_level() -> None:
    subs = cf.merge_themes(FRAME, ["Delayed", "Cancelled"], "Disrupted")
    assert parents(subs)["Disrupted"] == "Flight" and subs.theme("Disrupted").keywords == ("delay", "late",
                                                                                           "cancelled")
    across = cf.merge_themes(FRAME, ["Lost", "Delayed"])
    assert parents(across)["Lost"] == "Bag" and set(across.theme("Lost").absorbed) == {"t2"}
    tops = cf.merge_themes(FRAME, ["Bag", "Flight"], "Travel")
    assert parents(tops) == {"Travel": None, "Delayed": "Travel", "Cancelled": "Travel", "Lost": "Travel",
                             "Staff": None}
    assert tops.theme("Travel").key == "t4"


def test_merging_a_parent_with_its_own_sub_theme_folds_it_in() -> None:
    out = cf.merge_themes(FRAME, ["Delayed", "Flight"])
    merged = out.theme("Delayed")
    assert merged.key == "t1" and merged.parent is None and "t2" in merged.absorbed
    assert merged.keywords == ("flight", "delay", "late")
    assert parents(out)["Cancelled"] == "Delayed"
    with pytest.raises(InputError, match="Move 'Lost' first"):
        cf.merge_themes(FRAME, ["Flight", "Lost"])


def test_splitting_makes_siblings_and_a_parent_keeps_its_sub_themes() -> None:
    out = cf.split_theme(FRAME, "Delayed", {"Late": ["late"]})
    assert parents(out)["Late"] == "Flight" and out.theme("Delayed").keywords == ("delay",)
    whole = cf.split_theme(FRAME, "Flight", {"Plane": ["flight"]})
    assert whole.theme("Flight").keywords == () and parents(whole)["Delayed"] == "Flight"
    assert parents(whole)["Plane"] is None


def test_a_parent_may_lose_all_its_keywords_a_leaf_may_not() -> None:
    assert cf.remove_keywords(FRAME, "Flight", ["flight"]).theme("Flight").keywords == ()
    with pytest.raises(InputError, match="without keywords"):
        cf.remove_keywords(FRAME, "Staff", ["staff"])


def test_rename_a_sub_theme_by_its_label() -> None:
    out = cf.rename_theme(FRAME, "Flight › Delayed", "Late flight")
    assert out.labels()[1] == "Flight › Late flight"


def test_editor_offers_the_level_moves_with_sensible_choices() -> None:
    assert theme_choices(FRAME, MOVE) == ["Flight › Delayed", "Flight › Cancelled", "Bag › Lost"]
    assert theme_choices(FRAME, NEST) == ["Staff"]
    assert under_choices(FRAME, MOVE, "Flight › Delayed") == ["Bag", "Staff"]
    assert under_choices(FRAME, ADD_SUB, None) == ["Flight", "Bag", "Staff"]
    out, note = proposed_change(FRAME, MOVE, {"theme": "Flight › Delayed", "under": "Bag"})
    assert note == "moved 'Delayed' under 'Bag'" and parents(out)["Delayed"] == "Bag"
    out, note = proposed_change(FRAME, PROMOTE, {"theme": "Bag › Lost"})
    assert note == "made 'Lost' a theme of its own (it was under 'Bag')" and parents(out)["Lost"] is None
    out, note = proposed_change(FRAME, ADD_SUB, {"name": "Rude", "keywords": "rude, impolite", "under": "Staff"})
    assert note == "added the sub-theme 'Rude' (rude, impolite) under 'Staff'"
    assert proposed_change(FRAME, MOVE, {"theme": "Flight › Delayed"}) is None  # incomplete form


def test_json_version_2_round_trips_parents_by_key() -> None:
    data = orjson.loads(cf.to_json(FRAME))
    assert data["version"] == 2
    assert [t.get("parent") for t in data["themes"]] == [None, "t1", "t1", None, "t4", None]
    assert cf.from_json(cf.to_json(FRAME)) == FRAME


def test_version_1_files_load_flat_and_hand_written_files_name_parents() -> None:
    old = {"format": cf.FORMAT, "version": 1, "themes": [{"key": "t1", "name": "fees", "keywords": ["fee"]},
                                                       {"key": "t2", "name": "app", "keywords": ["app"]}]}
    loaded = cf.from_dict(old)
    assert [t.parent for t in loaded.themes] == [None, None]
    hand = cf.from_json('{"themes": [{"name": "Seat", "keywords": []},'
                        ' {"name": "Legroom", "keywords": "legroom, leg room", "parent": "seat"}]}')
    assert hand.labels() == ["Seat", "Seat › Legroom"]


def test_a_file_from_a_newer_portal_is_refused_plainly() -> None:
    with pytest.raises(InputError, match="newer version of the portal"):
        cf.from_dict({"format": cf.FORMAT, "version": cf.FORMAT_VERSION + 1, "themes": []})
