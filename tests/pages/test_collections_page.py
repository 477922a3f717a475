"""The Collections page: a collection opened from its link, reordered, trimmed; bad links; saving from Themes."""

from __future__ import annotations

import pytest
from kpitools import REVIEWS, SURVEY, open_app, texts
from pagetools import open_page

from portal.services import collections as col
from portal.services import datasets as dataset_service
from portal.services.compare import cell_reviews, compare_dataset
from portal.store import Store
from portal.ui.collect import widget_key


def _keys(url: str, name: str, n: int) -> list[tuple[str, str]]:
    """Return (row key, comment) of the first ``n`` responses of ``name`` with a comment."""
    with Store(url) as store:
        loaded = dataset_service.load_responses(store, name)
    loaded = loaded[loaded["comment"].notna() & (loaded["comment"].astype(str).str.len() > 20)]
    return list(zip(loaded["row_key"].head(n), loaded["comment"].head(n), strict=True))


@pytest.fixture
def evidence(demo_copy: str) -> tuple[int, list[tuple[str, str]]]:
    """A collection of three survey comments in the demo store's copy, with a note on the first."""
    picked = _keys(demo_copy, SURVEY, 3)
    with Store(demo_copy) as store:
        made = col.create_collection(store, SURVEY, "Onboarding pain, Q3", "What new customers trip over")
        for i, (key, _) in enumerate(picked):
            col.add_comment(store, made.id, key, "first one" if i == 0 else "")
    return made.id, picked


def _order(url: str, collection_id: int) -> list[str]:
    with Store(url) as store:
        return col.open_collection(store, collection_id).items["row_key"].tolist()


def test_the_link_opens_the_collection_with_its_comments_figures_and_downloads(evidence, demo_copy):
    collection_id, picked = evidence
    at = open_app("collections", query={"collection": str(collection_id)})
    assert not at.exception and not at.error
    shown = texts(at).replace("\\", "")
    assert "Onboarding pain, Q3" in [h.value.replace("\\", "") for h in at.header]
    assert "What new customers trip over" in shown and "first one" in shown
    for _, comment in picked:
        assert " ".join(comment.split())[:40] in shown
    assert "stands for" in shown and "comments (" in shown  # the themes' figures
    assert any(f"?collection={collection_id}" in c.value for c in at.code)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download as CSV", "Excel", "Download a printable page (HTML)"]


def test_buttons_move_and_remove_comments(evidence, demo_copy):
    collection_id, picked = evidence
    keys = [k for k, _ in picked]
    at = open_page("collections", query={"collection": str(collection_id)})  # buttons: the page alone
    assert at.button(key="collections_up_0").disabled and at.button(key="collections_down_2").disabled
    at.button(key="collections_down_0").click().run()
    assert _order(demo_copy, collection_id) == [keys[1], keys[0], keys[2]]
    at.button(key="collections_up_2").click().run()
    assert _order(demo_copy, collection_id) == [keys[1], keys[2], keys[0]]
    at.button(key="collections_remove_0").click().run()
    assert _order(demo_copy, collection_id) == [keys[2], keys[0]]
    assert not at.exception and not at.error


@pytest.mark.parametrize("value", ["abc", "1;DROP TABLE collections", "-1", "99999"])
def test_a_bad_or_unknown_number_in_the_link_says_so(demo, value):
    at = open_app("collections", query={"collection": value})
    assert not at.exception
    errors = [e.value.replace("\\", "") for e in at.error]
    assert len(errors) == 1
    assert "not a collection number" in errors[0] or "no collection number 99999" in errors[0]


def test_without_a_link_the_page_lists_the_datasets_collections(evidence):
    at = open_app("collections", query={"dataset": SURVEY})
    assert not at.exception and not at.error
    assert "Onboarding pain, Q3" in [p.proto.label.replace("\\", "") for p in at.get("page_link")]
    other = open_app("collections", query={"dataset": REVIEWS})
    assert "No collection yet" in texts(other)


def test_a_comment_on_the_themes_page_saves_into_a_new_collection(demo_copy):
    at = open_page("themes", query={"dataset": SURVEY})
    assert not at.exception and not at.error
    save = next(b for b in at.button if b.key and b.key.startswith("themes_collect_") and b.key.endswith("_save"))
    prefix = save.key.removesuffix("_save")
    at.text_input(key=f"{prefix}_name").input("Said on Themes")
    at.text_input(key=f"{prefix}_note").input("a note")
    at.button(key=f"{prefix}_save").click().run()
    assert not at.exception and not at.error
    assert any("Saved to 'Said on Themes'" in s.value.replace("\\", "") for s in at.success)
    with Store(demo_copy) as store:
        made = col.list_collections(store, SURVEY)
        assert [c.name for c in made] == ["Said on Themes"]
        key = col.open_collection(store, made[0].id).items["row_key"].iloc[0]
    assert prefix == widget_key("themes_collect", key)


def test_a_review_behind_a_competitors_cell_saves_into_a_collection(demo_copy):
    with Store(demo_copy) as store:
        existing = col.create_collection(store, REVIEWS, "Globex pain")
        theme = compare_dataset(store, REVIEWS, ours="Acme").gaps["theme"].iloc[0]
        reviews = cell_reviews(store, REVIEWS, theme=theme, group="Globex")
    query = {"dataset": REVIEWS, "competitors_theme": theme, "competitors_brand": "Globex"}
    at = open_page("competitors", query=query)
    assert not at.exception and not at.error
    picked = at.selectbox(key="competitors_collect_row")
    assert picked.options and picked.value == reviews["row_key"].iloc[0]  # the cell's reviews, in order
    prefix = widget_key("competitors_collect", picked.value)
    at.selectbox(key=f"{prefix}_pick").set_value(existing.id).run()
    at.button(key=f"{prefix}_save").click().run()
    assert not at.exception and not at.error
    assert any("Saved to 'Globex pain'" in s.value.replace("\\", "") for s in at.success)
    with Store(demo_copy) as store:
        opened = col.open_collection(store, existing.id)
    assert opened.items["row_key"].tolist() == [reviews["row_key"].iloc[0]]
    assert opened.items["brand"].tolist() == ["Globex"]


def test_after_saving_into_a_new_collection_the_control_picks_it(demo_copy):
    at = open_page("themes", query={"dataset": SURVEY})
    save = next(b for b in at.button if b.key and b.key.startswith("themes_collect_") and b.key.endswith("_save"))
    prefix = save.key.removesuffix("_save")
    at.text_input(key=f"{prefix}_name").input("Twice")
    at.button(key=f"{prefix}_save").click().run()
    at.run()  # any next step on the page
    with Store(demo_copy) as store:
        made = col.list_collections(store, SURVEY)[0]
    assert at.selectbox(key=f"{prefix}_pick").value == made.id
    at.button(key=f"{prefix}_save").click().run()  # saving again: the same collection, one item
    assert not at.error and any("Already in 'Twice'" in s.value.replace("\\", "") for s in at.success)
    with Store(demo_copy) as store:
        assert [(c.name, c.items) for c in col.list_collections(store, SURVEY)] == [("Twice", 1)]


def test_a_comment_no_longer_in_the_data_is_marked_not_an_error(evidence, demo_copy):
    from portal.store.collections import add_item

    collection_id, _ = evidence
    with Store(demo_copy) as store:
        add_item(store, collection_id, "id:a-row-since-removed")  # as an undone import leaves it
    at = open_app("collections", query={"collection": str(collection_id)})
    assert not at.exception and not at.error
    assert any("1 comment of this collection is no longer in the data" in w.value.replace("\\", "")
               for w in at.warning)
    assert "No longer in the data" in texts(at).replace("\\", "")


def test_a_collection_is_renamed_then_deleted_from_its_page(evidence, demo_copy):
    collection_id, _ = evidence
    at = open_page("collections", query={"collection": str(collection_id)})
    next(t for t in at.text_input if t.label == "Name").input("Renamed: pain")
    next(t for t in at.text_area if t.label == "What it shows").input("new note")
    next(b for b in at.button if b.label == "Save the changes").click().run()
    assert not at.exception and not at.error
    assert [h.value.replace("\\", "") for h in at.header] == ["Renamed: pain"]
    assert at.button(key="collections_delete").disabled  # only once the box says yes
    at.checkbox(key="collections_sure").check().run()
    at.button(key="collections_delete").click().run()
    assert not at.exception and not at.error
    assert "collection" not in at.query_params and not at.header
    with Store(demo_copy) as store:
        assert col.list_collections(store, SURVEY) == []
