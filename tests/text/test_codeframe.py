"""The codeframe model: edits, their errors, stable keys and JSON import/export."""

from __future__ import annotations

import orjson
import pytest

from portal.errors import InputError
from portal.text.codeframe import (
    UNCATEGORISED,
    Codeframe,
    Theme,
    add_keywords,
    add_theme,
    clean_keyword,
    delete_theme,
    from_dict,
    from_json,
    merge_themes,
    remove_keywords,
    rename_theme,
    split_theme,
    to_json,
)


def frame() -> Codeframe:
    """Return a small codeframe of three themes."""
    return Codeframe((
        Theme("t1", "delivery", ("delivery", "courier", "parcel")),
        Theme("t2", "refunds", ("refund", "money back")),
        Theme("t3", "app crashes", ("crash", "freeze"), origin="manual"),
    ))


def test_rename_keeps_key_keywords_and_position() -> None:
    out = rename_theme(frame(), "Delivery", "  parcel   delivery ")
    assert out.names == ["parcel delivery", "refunds", "app crashes"]
    assert out.themes[0].key == "t1"
    assert out.themes[0].keywords == ("delivery", "courier", "parcel")


def test_rename_to_an_existing_name_is_refused() -> None:
    with pytest.raises(InputError, match="already a theme called 'refunds'"):
        rename_theme(frame(), "delivery", "REFUNDS")


def test_rename_to_uncategorised_is_refused() -> None:
    with pytest.raises(InputError, match="reserved"):
        rename_theme(frame(), "delivery", UNCATEGORISED.lower())


def test_unknown_theme_lists_the_names() -> None:
    with pytest.raises(InputError, match="no theme called 'billing'.*'delivery'"):
        delete_theme(frame(), "billing")


def test_merge_takes_all_keywords_and_records_absorbed_keys() -> None:
    out = merge_themes(frame(), ["refunds", "delivery"], into="orders")
    assert out.names == ["orders", "app crashes"]
    merged = out.themes[0]
    assert merged.key == "t2"
    assert merged.keywords == ("refund", "money back", "delivery", "courier", "parcel")
    assert merged.absorbed == ("t1",)
    assert out.by_key()["t1"].name == "orders"


def test_merge_needs_two_distinct_themes() -> None:
    with pytest.raises(InputError, match="at least two"):
        merge_themes(frame(), ["delivery", "Delivery"])


def test_merge_of_manual_and_discovered_is_manual() -> None:
    out = merge_themes(frame(), ["delivery", "app crashes"])
    assert out.theme("delivery").origin == "manual"


def test_split_moves_keywords_into_new_themes() -> None:
    out = split_theme(frame(), "delivery", {"couriers": ["courier"], "parcels": "parcel, box"})
    assert out.names == ["delivery", "couriers", "parcels", "refunds", "app crashes"]
    assert out.theme("delivery").keywords == ("delivery",)
    assert out.theme("couriers").keywords == ("courier",)
    assert out.theme("parcels").keywords == ("parcel", "box")
    assert len({t.key for t in out.themes}) == 5
    assert out.theme("couriers").key not in {"t1", "t2", "t3"}


def test_split_that_takes_every_keyword_hands_the_key_to_the_first_part() -> None:
    out = split_theme(frame(), "refunds", {"refund requests": ["refund"], "money back": ["money back"]})
    assert out.theme("refund requests").key == "t2"
    assert "refunds" not in out.names


def test_split_part_may_not_reuse_the_kept_name() -> None:
    with pytest.raises(InputError, match="another name"):
        split_theme(frame(), "delivery", {"delivery": ["courier"]})


def test_delete_removes_only_that_theme() -> None:
    assert delete_theme(frame(), "refunds").names == ["delivery", "app crashes"]


def test_add_theme_gets_a_new_key_and_clean_keywords() -> None:
    out = add_theme(frame(), "Login", ["Log-In", "password ", "log in"])
    theme = out.theme("login")
    assert theme.key == "t4"
    assert theme.keywords == ("log in", "password")
    assert theme.origin == "manual"


def test_add_theme_without_keywords_is_refused() -> None:
    with pytest.raises(InputError, match="at least one keyword"):
        add_theme(frame(), "login", [])


def test_add_and_remove_keywords() -> None:
    out = add_keywords(frame(), "refunds", ["Reimbursement", "refund"])
    assert out.theme("refunds").keywords == ("refund", "money back", "reimbursement")
    out = remove_keywords(out, "refunds", ["money back"])
    assert out.theme("refunds").keywords == ("refund", "reimbursement")


def test_removing_the_last_keyword_is_refused() -> None:
    with pytest.raises(InputError, match="without keywords"):
        remove_keywords(frame(), "app crashes", ["crash", "freeze"])


def test_removing_a_keyword_the_theme_lacks_is_refused() -> None:
    with pytest.raises(InputError, match="no keyword 'wifi'"):
        remove_keywords(frame(), "app crashes", ["wifi"])


def test_keys_never_repeat_after_merge_and_add() -> None:
    out = merge_themes(frame(), ["delivery", "refunds"])
    out = add_theme(out, "billing", ["invoice"])
    keys = [k for t in out.themes for k in (t.key, *t.absorbed)]
    assert len(keys) == len(set(keys))


def test_duplicate_names_are_refused_when_building() -> None:
    with pytest.raises(InputError, match="Two themes are called"):
        Codeframe((Theme("t1", "a", ("x",)), Theme("t2", "A", ("y",))))


@pytest.mark.parametrize("raw, clean", [("  Customer   Service ", "customer service"), ("wi-fi", "wi fi"),
                                        ("“Refund”", "refund"), ("don’t", "don't")])
def test_clean_keyword(raw: str, clean: str) -> None:
    assert clean_keyword(raw) == clean


def test_keyword_without_letters_is_refused() -> None:
    with pytest.raises(InputError, match="not a keyword"):
        clean_keyword(" -- ")


def test_json_round_trip_keeps_everything() -> None:
    original = merge_themes(frame(), ["delivery", "refunds"], into="orders")
    data = to_json(original)
    assert orjson.loads(data)["format"] == "insights-portal/codeframe"
    assert from_json(data) == original


def test_json_without_keys_gets_numbered_keys() -> None:
    out = from_dict([{"name": "billing", "keywords": "invoice, charge"}, {"name": "login", "keywords": ["pin"]}])
    assert [t.key for t in out.themes] == ["t1", "t2"]
    assert out.theme("billing").keywords == ("invoice", "charge")


def test_invalid_json_explains_itself() -> None:
    with pytest.raises(InputError, match="not valid JSON"):
        from_json(b"{themes: nope")


def test_foreign_json_is_refused() -> None:
    with pytest.raises(InputError, match="not a codeframe"):
        from_json(b'{"format": "something-else", "themes": []}')


def test_theme_without_name_in_file_is_refused() -> None:
    with pytest.raises(InputError, match="needs a name"):
        from_json(b'{"themes": [{"keywords": ["x"]}]}')


def test_sub_theme_parent_round_trips_and_is_checked():
    from portal.text.codeframe import Codeframe, Theme, from_json, to_json

    frame = Codeframe((Theme("t1", "Flight", ("flight",)), Theme("t2", "Delayed flight", ("delayed",), parent="t1")))
    again = from_json(to_json(frame))
    assert again.themes[1].parent == "t1" and again.themes[0].parent is None
    by_name = from_json(b'{"themes": [{"name": "Bag", "keywords": ["bag"]}, '
                        b'{"name": "Lost bag", "keywords": ["lost"], "parent": "bag"}]}')
    assert by_name.themes[1].parent == by_name.themes[0].key
    with pytest.raises(InputError, match="two levels at most"):
        Codeframe((Theme("t1", "A", ("a",)), Theme("t2", "B", ("b",), parent="t1"),
                   Theme("t3", "C", ("c",), parent="t2")))
    with pytest.raises(InputError, match="does not have"):
        Codeframe((Theme("t2", "B", ("b",), parent="t9"),))
