"""Evidence collections: saving, ordering, re-imports, codeframe edits, undone imports, deleting the dataset."""

from __future__ import annotations

import orjson
import pandas as pd
import pytest

from portal.cli import main
from portal.errors import InputError, NotFoundError
from portal.ingest.read import Table
from portal.safe_csv import write_csv
from portal.services import collections as col
from portal.services import datasets as dataset_service
from portal.services import themes as theme_service
from portal.services.collection_export import NOT_IN_DATA, collection_csv_frame, collection_html
from portal.services.imports import commit, prepare, revert_import
from portal.text.codeframe import Codeframe, Theme

CODEFRAME = Codeframe((
    Theme("t1", "delivery", ("delivery", "courier", "parcel")),
    Theme("t2", "refunds", ("refund", "reimbursement")),
))
#: (comment, NPS score, revenue) of each response; customers c0..c5.
ROWS = [
    ("The delivery was late", 2, 100.0),
    ("The courier was rude and the refund is stuck", 3, 50.0),
    ("Refund arrived quickly", 9, 20.0),
    ("Great app", 10, 10.0),
    ("Parcel damaged", 0, 30.0),
    ("<script>alert(1)</script> refund", 6, 5.0),
]


def frame(rows=ROWS, *, with_id: bool = True) -> pd.DataFrame:
    """Return a survey of ``rows`` (ids r0.. unless ``with_id`` is False)."""
    data = {"Customer": [f"c{i}" for i in range(len(rows))], "Score": [str(r[1]) for r in rows],
            "Revenue": [str(r[2]) for r in rows], "Comment": [r[0] for r in rows]}
    if with_id:
        data = {"Response ID": [f"r{i}" for i in range(len(rows))], **data}
    return pd.DataFrame(data)


def load(store, data: pd.DataFrame, name: str = "survey") -> int:
    """Import ``data`` into dataset ``name`` (no enrichment) and return the import's number."""
    table = Table(frame=data.astype(object), source="test.csv", encoding="utf-8", delimiter=",", sheet=None,
                  sheets=(), row_numbers=pd.Series(range(2, len(data) + 2)))
    existing = store.dataset(name)
    overrides = [("customer", "Customer"), ("nps", "Score"), ("value", "Revenue"), ("comment", "Comment")]
    if "Response ID" in data.columns:
        overrides.append(("id", "Response ID"))
    prepared = prepare(table, kind="survey", existing=existing.config if existing else None, overrides=overrides)
    return int(commit(store, name, prepared, source="test.csv", enrich=False).import_id)


def key_of(store, text: str, name: str = "survey") -> str:
    """Return the row key of the response whose comment is ``text``."""
    loaded = dataset_service.load_responses(store, name)
    return str(loaded.loc[loaded["comment"] == text, "row_key"].iloc[0])


@pytest.fixture
def coded(store):
    """A store with dataset 'survey' coded with ``CODEFRAME``."""
    load(store, frame())
    theme_service.save_codeframe(store, "survey", CODEFRAME, note="by hand", source="imported")
    return store


def test_saving_the_same_comment_twice_keeps_one_item_and_its_newest_note(coded) -> None:
    key = key_of(coded, "The delivery was late")
    made, added = col.save_comment(coded, "survey", key, new_name="  Onboarding   pain ", note="first")
    assert made.name == "Onboarding pain" and added
    again, added_again = col.save_comment(coded, "survey", key, collection_id=made.id, note="better note")
    assert not added_again and again.items == 1
    assert col.open_collection(coded, made.id).items["note"].tolist() == ["better note"]
    col.save_comment(coded, "survey", key, collection_id=made.id)  # no note: the note stays
    assert col.open_collection(coded, made.id).items["note"].tolist() == ["better note"]


def test_items_keep_their_order_and_move_up_down_or_to_a_place(coded) -> None:
    made = col.create_collection(coded, "survey", "Refunds")
    keys = [key_of(coded, r[0]) for r in ROWS[:4]]
    for key in keys:
        col.add_comment(coded, made.id, key)
    order = lambda: col.open_collection(coded, made.id).items["row_key"].tolist()  # noqa: E731
    assert order() == keys
    col.shift_comment(coded, made.id, keys[2], -1)
    assert order() == [keys[0], keys[2], keys[1], keys[3]]
    col.shift_comment(coded, made.id, keys[0], -1)  # already first: stays
    col.shift_comment(coded, made.id, keys[3], 1)  # already last: stays
    assert order() == [keys[0], keys[2], keys[1], keys[3]]
    col.move_comment(coded, made.id, keys[3], 0)
    assert order() == [keys[3], keys[0], keys[2], keys[1]]
    col.remove_comment(coded, made.id, keys[0])
    col.add_comment(coded, made.id, keys[0])  # back in, at the end
    assert order() == [keys[3], keys[2], keys[1], keys[0]]
    with pytest.raises(NotFoundError):
        col.remove_comment(coded, made.id, "id:nope")


def test_opening_gives_the_comment_fields_and_the_figures_of_its_themes(coded) -> None:
    made = col.create_collection(coded, "survey", "Pain")
    col.add_comment(coded, made.id, key_of(coded, "The courier was rude and the refund is stuck"), "both")
    opened = col.open_collection(coded, made.id)
    item = opened.items.iloc[0]
    assert item["in_data"] and item["customer"] == "c1" and item["nps"] == 3.0
    assert sorted(item["themes"]) == ["delivery", "refunds"]
    figures = opened.themes.set_index("theme")
    # delivery: rows 0, 1, 4 (customers c0, c1, c4; revenue 100 + 50 + 30); refunds: rows 1, 2, 5
    assert figures.loc["delivery", "n"] == 3 and figures.loc["delivery", "customers"] == 3
    assert figures.loc["delivery", "value"] == pytest.approx(180.0)
    assert figures.loc["refunds", "n"] == 3 and figures.loc["refunds", "value"] == pytest.approx(75.0)
    assert opened.has_nps and list(opened.themes.columns) == list(col.FIGURE_COLUMNS)


def test_items_survive_reimporting_the_file_and_editing_the_codeframe(coded) -> None:
    made = col.create_collection(coded, "survey", "Late")
    key = key_of(coded, "The delivery was late")
    col.add_comment(coded, made.id, key)
    load(coded, frame())  # the same file again
    edited = Codeframe((Theme("t1", "shipping", ("delivery", "courier", "parcel")),
                        Theme("t2", "refunds", ("refund", "reimbursement"))))
    theme_service.save_codeframe(coded, "survey", edited, note="renamed delivery")
    opened = col.open_collection(coded, made.id)
    assert opened.items["row_key"].tolist() == [key] and opened.items["in_data"].tolist() == [True]
    assert opened.items["themes"].iloc[0] == ["shipping"] and opened.themes["theme"].tolist() == ["shipping"]


def test_rows_keyed_by_their_text_survive_reimporting_the_same_file(store) -> None:
    load(store, frame(with_id=False), "plain")
    made = col.create_collection(store, "plain", "Kept")
    key = key_of(store, "Parcel damaged", "plain")
    col.add_comment(store, made.id, key)
    load(store, frame(with_id=False), "plain")
    assert col.open_collection(store, made.id).items["comment"].tolist() == ["Parcel damaged"]


def test_a_comment_whose_import_was_undone_shows_as_no_longer_in_the_data(coded) -> None:
    extra = frame([*ROWS, ("New delivery complaint", 1, 1.0)])
    second = load(coded, extra)
    made = col.create_collection(coded, "survey", "New")
    key = key_of(coded, "New delivery complaint")
    col.add_comment(coded, made.id, key)
    col.add_comment(coded, made.id, key_of(coded, "Great app"))
    revert_import(coded, second)
    opened = col.open_collection(coded, made.id)
    assert opened.items["in_data"].tolist() == [False, True] and opened.missing == 1
    assert opened.items["comment"].iloc[0] is None and opened.items["themes"].iloc[0] == []
    with pytest.raises(NotFoundError, match="not in the dataset"):
        col.add_comment(coded, made.id, key)
    load(coded, extra)  # the row comes back: so does the item, whole
    assert col.open_collection(coded, made.id).items["comment"].tolist() == ["New delivery complaint", "Great app"]


def test_collections_go_with_their_dataset(coded) -> None:
    made = col.create_collection(coded, "survey", "Gone soon")
    col.add_comment(coded, made.id, key_of(coded, "Great app"))
    load(coded, frame(), "other")
    kept = col.create_collection(coded, "other", "Stays")
    dataset_service.delete_dataset(coded, "survey")
    with pytest.raises(NotFoundError, match="no collection number"):
        col.open_collection(coded, made.id)
    assert [c.id for c in col.list_collections(coded, "other")] == [kept.id]
    load(coded, frame())  # a new dataset of the same name starts with none
    assert col.list_collections(coded, "survey") == []


def test_names_are_checked_and_unique_per_dataset(coded) -> None:
    made = col.create_collection(coded, "survey", "Pain")
    with pytest.raises(InputError, match="already has"):
        col.create_collection(coded, "survey", "Pain")
    with pytest.raises(InputError, match="name"):
        col.create_collection(coded, "survey", "   ")
    with pytest.raises(InputError, match="too long"):
        col.create_collection(coded, "survey", "x" * (col.MAX_NAME_LENGTH + 1))
    other = col.create_collection(coded, "survey", "Other")
    with pytest.raises(InputError, match="already has"):
        col.rename_collection(coded, other.id, "Pain")
    renamed = col.rename_collection(coded, made.id, "Pain, Q3", "what hurts")
    assert (renamed.name, renamed.note) == ("Pain, Q3", "what hurts")
    assert [c.name for c in col.list_collections(coded, "survey")] == ["Other", "Pain, Q3"]
    col.delete_collection(coded, other.id)
    with pytest.raises(NotFoundError):
        col.delete_collection(coded, other.id)


def test_a_collection_takes_only_its_own_datasets_comments(coded) -> None:
    load(coded, frame(), "other")
    made = col.create_collection(coded, "other", "Theirs")
    with pytest.raises(InputError, match="holds comments of 'other'"):
        col.save_comment(coded, "survey", key_of(coded, "Great app"), collection_id=made.id)
    with pytest.raises(InputError, match="Pick a collection"):
        col.save_comment(coded, "survey", key_of(coded, "Great app"))


@pytest.mark.parametrize("text", ["12abc", "-3", "0", "", "1.5", "١٢", "9" * 20, None])
def test_a_link_holds_a_plain_collection_number_or_is_refused(text) -> None:
    with pytest.raises(InputError, match="not a collection number"):
        col.parse_collection_id(text)


def test_a_plain_number_in_a_link_is_read() -> None:
    assert col.parse_collection_id(" 42 ") == 42


def test_the_html_page_is_escaped_self_contained_and_printable(coded) -> None:
    made = col.create_collection(coded, "survey", "<b>Evidence</b> & more", "note with <img src=x>")
    col.add_comment(coded, made.id, key_of(coded, "<script>alert(1)</script> refund"), "<i>mine</i>")
    page = collection_html(col.open_collection(coded, made.id))
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; refund" in page
    assert "<img" not in page and "<b>Evidence" not in page and "&lt;i&gt;mine&lt;/i&gt;" in page
    assert "&#x27;refunds&#x27; stands for 3 comments" in page and "£75 revenue" in page
    for fetching in ("src=", "href=", "url(", "@import", "http://", "https://"):
        assert fetching not in page.replace("&lt;img src=x&gt;", ""), fetching
    assert "@media print" in page and page.startswith("<!DOCTYPE html>")


def test_the_csv_lists_each_comment_in_order_and_says_which_left_the_data(coded) -> None:
    extra = frame([*ROWS, ("New delivery complaint", 1, 1.0)])
    second = load(coded, extra)
    made = col.create_collection(coded, "survey", "Rows")
    col.add_comment(coded, made.id, key_of(coded, "Parcel damaged"), "=HYPERLINK(1)")
    col.add_comment(coded, made.id, key_of(coded, "New delivery complaint"))
    revert_import(coded, second)
    table = collection_csv_frame(col.open_collection(coded, made.id))
    assert table["Place"].tolist() == [1, 2] and table["In the data"].tolist() == ["yes", "no"]
    assert table["Comment"].tolist() == ["Parcel damaged", NOT_IN_DATA]
    assert table["What the themes stand for"].iloc[0].startswith("'delivery' stands for 3 comments")
    text = write_csv(table) or ""
    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text  # the note cannot run as a formula


def test_the_cli_lists_collections_with_their_comments_in_order(coded, db_url, capsys) -> None:
    made = col.create_collection(coded, "survey", "Pain", "what hurts")
    col.add_comment(coded, made.id, key_of(coded, "Parcel damaged"), "worst")
    col.add_comment(coded, made.id, key_of(coded, "The delivery was late"))
    col.move_comment(coded, made.id, key_of(coded, "The delivery was late"), 0)
    assert main(["collections", "--dataset", "survey", "--db", db_url, "--format", "json"]) == 0
    found = orjson.loads(capsys.readouterr().out)["collections"]
    assert [(c["id"], c["name"], c["note"], c["link"]) for c in found] == [
        (made.id, "Pain", "what hurts", f"/collections?collection={made.id}")]
    assert [(i["position"], i["comment"], i["note"], i["in_data"], i["themes"]) for i in found[0]["items"]] == [
        (1, "The delivery was late", "", True, ["delivery"]), (2, "Parcel damaged", "worst", True, ["delivery"])]
    assert main(["collections", "--dataset", "survey", "--db", db_url]) == 0
    assert "Parcel damaged" in capsys.readouterr().out
    assert main(["collections", "--dataset", "nope", "--db", db_url]) == 1


def test_a_kept_theme_context_opens_the_same_collection(coded) -> None:
    made = col.create_collection(coded, "survey", "Same")
    col.add_comment(coded, made.id, key_of(coded, "The courier was rude and the refund is stuck"))
    fresh = col.open_collection(coded, made.id)
    kept = col.open_collection(coded, made.id, context=col.theme_context(coded, "survey"))
    assert fresh.items.equals(kept.items) and fresh.themes.equals(kept.themes)
    bare = col.open_collection(coded, made.id, figures=False)
    assert bare.themes.empty and bare.items["themes"].tolist() == fresh.items["themes"].tolist()
