"""The Themes page: ranked chart and table, rankings, a theme's comments, search, codeframe edits with preview,
apply and undo, hand corrections, and the empty states."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from kpitools import SURVEY, charts, import_survey, survey_frame, texts
from pagetools import errors_of, open_page

from portal.services import themes as theme_service
from portal.services.requests import with_requests
from portal.store import Store
from portal.text import figures
from portal.text.codeframe import UNCATEGORISED, add_keywords
from portal.text.verbatims import term_spans
from portal.ui.theme_charts import SELECTION
from portal.ui.verbatims import PAGE_SIZE, highlight


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo store with its themes found by the first wave's one-level discovery: these tests check the page
    on a flat codeframe (two levels: ``test_themes_levels_page``), whatever discovery finds today."""
    from functools import partial

    from kpitools import make_demo_store

    from portal.text.themes import FIRST_WAVE, discover

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(theme_service, "discover", partial(discover, settings=FIRST_WAVE))
        return make_demo_store(tmp_path_factory.mktemp("test_themes_page"))


def library_table(url: str) -> pd.DataFrame:
    """Return the library's theme table of the demo survey (no filters)."""
    with Store(url) as store:
        info = store.dataset(SURVEY)
        frame = theme_service.with_corrected_sentiment(store, SURVEY, store.load(SURVEY))
        return figures.theme_table(frame, theme_service.assignments(store, SURVEY), theme_service.current_codeframe(store, SURVEY),
                                   info.config)


def ranked(at) -> pd.DataFrame:
    """Return the data of the ranked theme chart."""
    found = [c for c in charts(at) if c.spec.get("params") and c.spec["params"][0]["name"] == SELECTION]
    assert len(found) == 1, [c.spec.get("params") for c in charts(at)]
    return found[0].rows()


def themes_table(at) -> pd.DataFrame:
    """Return the page's table of every figure per theme."""
    found = [d.value for d in at.dataframe if "NPS impact" in d.value.columns]
    assert found, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def count_in(at, pattern: str) -> int:
    """Return the number in the first caption matching ``pattern`` (a regex with one group of digits)."""
    for text in texts(at).splitlines():
        m = re.search(pattern, text)
        if m:
            return int(m.group(1).replace(",", ""))
    raise AssertionError(f"no caption matches {pattern!r}:\n{texts(at)}")


def cards_text(at) -> str:
    """Return the Markdown of the comment cards (one block each, starting with its sentiment icon), joined by rules."""
    icon = re.compile(r"^:(red|gray|green)\[:material/(sentiment_[a-z]+|help):\]")
    found = [m.value for m in at.markdown if icon.match(m.value)]
    assert found, "no comment cards on the page"
    return "\n\n---\n\n".join(found)


def test_ranked_chart_and_table_show_every_theme_with_the_library_figures(demo):
    at = open_page("themes", query={"dataset": SURVEY})
    assert errors_of(at) == []
    expected = library_table(demo)
    table = themes_table(at)
    assert list(table["Theme"]) == list(expected["theme"])
    assert list(table["Comments"]) == list(expected["n"])
    assert table["Theme"].iloc[-1] == UNCATEGORISED
    data = ranked(at)
    assert set(data["theme"]) == set(expected.loc[expected["n"] > 0, "theme"])
    assert list(data["n"]) == sorted(data["n"], reverse=True)  # by volume, largest first
    assert data.loc[data["theme"] == UNCATEGORISED, "uncategorised"].all()
    assert (data["low"] <= data["value"] + 1e-9).all() and (data["value"] <= data["high"] + 1e-9).all()
    uncategorised = int(expected.loc[expected["theme"] == UNCATEGORISED, "n"].iloc[0])
    comments = int(expected["n"].iloc[-1] / expected["share"].iloc[-1])
    assert count_in(at, r"([\d,]+) of [\d,]+ comments have at least one theme") == comments - uncategorised
    assert at.metric[0].value == f"{100 * (comments - uncategorised) / comments:.0f}%"


def test_switching_the_ranking_to_nps_impact_puts_the_biggest_drag_first(demo):
    at = open_page("themes", query={"dataset": SURVEY})
    [control] = [b for b in at.button_group if b.key == "themes_ranking"]
    control.set_value("impact").run()
    assert errors_of(at) == []
    data = ranked(at)
    expected = library_table(demo).set_index("theme")
    assert list(data["value"]) == sorted(data["value"])
    worst = data.iloc[0]
    assert worst["value"] < 0
    assert worst["value"] == pytest.approx(expected.loc[worst["theme"], "nps_impact"])
    assert (worst["low"], worst["high"]) == pytest.approx(
        (expected.loc[worst["theme"], "nps_impact_low"], expected.loc[worst["theme"], "nps_impact_high"]))
    control.set_value("negative").run()
    shares = ranked(at)["value"]
    assert list(shares) == sorted(shares, reverse=True)


def test_picking_a_theme_shows_its_comments_with_the_phrase_in_bold(demo):
    at = open_page("themes", query={"dataset": SURVEY})
    at.selectbox(key="themes_theme").set_value("price & pricing").run()
    assert errors_of(at) == []
    with Store(demo) as store:
        assigned = theme_service.assignments(store, SURVEY)
    expected = int((assigned["theme"] == "price & pricing").sum())
    assert count_in(at, r"([\d,]+) comments about 'price & pricing'") == expected
    cards = cards_text(at)
    assert cards.count("\n\n---\n\n") == PAGE_SIZE - 1
    assert "**" in cards and "themes\\: " in cards and "price & pricing" in cards.replace("\\&", "&")


def test_search_narrows_the_comments_and_bolds_the_words(demo):
    at = open_page("themes", query={"dataset": SURVEY})
    theme = at.selectbox(key="themes_theme").value
    at.text_input(key="themes_search").input("export").run()
    assert errors_of(at) == []
    with Store(demo) as store:
        assigned = theme_service.assignments(store, SURVEY)
        comments = store.load(SURVEY, columns=["row_key", "comment"]).set_index("row_key")["comment"]
    keys = assigned.loc[assigned["theme"] == theme, "row_key"].unique()
    expected = int(comments.loc[keys].str.contains("export", case=False, regex=False).sum())
    assert 0 < expected < len(keys)
    assert count_in(at, r"([\d,]+) comments about") == expected
    for block in cards_text(at).split("\n\n---\n\n"):
        assert re.search(r"\*\*[^*]*export[^*]*\*\*", block, flags=re.IGNORECASE), block
    # Searching every comment finds more than the theme's own.
    at.toggle(key="themes_search_all").set_value(True).run()
    everywhere = int(comments.str.contains("export", case=False, regex=False).sum())
    assert count_in(at, r"([\d,]+) comments in the selection") == everywhere > expected


def test_rename_shows_its_preview_applies_and_undo_brings_the_old_name_back(demo_copy):
    at = open_page("themes", query={"dataset": SURVEY})
    assert at.selectbox(key="themes_edit_action").value == "Rename"
    at.selectbox(key="themes_edit|Rename|theme").set_value("mobile")
    at.text_input(key="themes_edit|Rename|name").input("mobile app").run()
    assert errors_of(at) == []
    assert "No comment changes theme." in texts(at)  # a rename moves nothing, and the preview says so
    at.button(key="themes_apply").click().run()
    assert errors_of(at) == []
    assert any("renamed 'mobile' to 'mobile app'" in s.value for s in at.success)
    with Store(demo_copy) as store:
        assert "mobile app" in theme_service.current_codeframe(store, SURVEY).names
        assert len(theme_service.codeframe_history(store, SURVEY)) == 2
    assert "mobile app" in list(themes_table(at)["Theme"])
    # the versions table is too narrow for "What changed": the version in use is said in full beneath it
    assert "In use: version 2" in texts(at) and "renamed 'mobile' to 'mobile app'" in texts(at).split("In use:")[1]
    at.button(key="themes_undo").click().run()
    assert errors_of(at) == []
    with Store(demo_copy) as store:
        names = theme_service.current_codeframe(store, SURVEY).names
    assert "mobile" in names and "mobile app" not in names
    assert "mobile" in list(themes_table(at)["Theme"])


def test_adding_keywords_previews_the_moved_comments_before_anything_is_saved(demo_copy):
    at = open_page("themes", query={"dataset": SURVEY})
    at.selectbox(key="themes_edit_action").set_value("Add keywords").run()
    at.selectbox(key="themes_edit|Add keywords|theme").set_value("price & pricing")
    at.text_input(key="themes_edit|Add keywords|keywords").input("expensive, cost").run()
    assert errors_of(at) == []
    with Store(demo_copy) as store:
        current = theme_service.current_codeframe(store, SURVEY)
        expected = theme_service.preview(store, SURVEY, add_keywords(current, "price & pricing", "expensive, cost"))
        assert len(theme_service.codeframe_history(store, SURVEY)) == 1  # nothing saved yet
    shown = [d.value for d in at.dataframe if list(d.value.columns) == ["Theme", "Now", "After", "Change"]]
    assert shown, "no preview table"
    moved = expected[expected["change"] != 0]
    assert list(shown[0]["Theme"]) == list(moved["theme"])
    assert list(shown[0]["Change"]) == list(moved["change"])
    assert int(moved.loc[moved["theme"] == "price & pricing", "change"].iloc[0]) > 0


def test_a_correction_of_one_comments_themes_persists_and_survives_reapplication(demo_copy):
    at = open_page("themes", query={"dataset": SURVEY})
    at.selectbox(key="themes_theme").set_value("support").run()
    row_key = at.selectbox(key="themes_fix_row").value
    at.multiselect(key="themes_fix_themes").set_value(["price & pricing"])
    at.selectbox(key="themes_fix_sent").set_value("positive")
    at.button(key="themes_fix_save").click().run()
    assert errors_of(at) == []
    assert any("Saved" in s.value for s in at.success)
    with Store(demo_copy) as store:
        mine = theme_service.assignments(store, SURVEY)
        assert set(mine.loc[mine["row_key"] == row_key, "theme"]) == {"price & pricing"}
        theme_service.apply_codeframe(store, SURVEY)  # re-applying the codeframe keeps the correction
        again = theme_service.assignments(store, SURVEY)
        assert set(again.loc[again["row_key"] == row_key, "theme"]) == {"price & pricing"}
        fixed = theme_service.corrections(store, SURVEY)
        assert fixed.loc[fixed["row_key"] == row_key, "sentiment_label"].iloc[0] == "positive"
    table = themes_table(at).set_index("Theme")
    assert table.loc["support", "Comments"] == library_table(demo_copy).set_index("theme").loc["support", "n"]


def test_a_dataset_without_comments_says_so_and_what_to_do(page_db):
    with Store(page_db) as store:
        import_survey(store, "Scores only", survey_frame(120))
    at = open_page("themes", query={"dataset": "Scores only"})
    assert errors_of(at) == []
    words = texts(at)
    assert "has no comments" in words and "Comment (free text)" in words
    assert not at.dataframe and not charts(at)


def test_too_few_comments_gives_the_librarys_message_and_offers_a_theme_by_hand(page_db):
    frame = survey_frame(20).assign(Comment=[f"The delivery took {i} days" for i in range(20)])
    with Store(page_db) as store:
        import_survey(store, "Small survey", frame)
        assert store.dataset("Small survey").config.mapping.comment == ("Comment",)
    at = open_page("themes", query={"dataset": "Small survey"})
    assert errors_of(at) == []
    assert "Themes are found from 50 comments on; this dataset has 20" in texts(at)
    at.text_input(key="themes_edit|Add a theme|name").input("delivery")
    at.text_input(key="themes_edit|Add a theme|keywords").input("delivery, shipping").run()
    at.button(key="themes_apply").click().run()
    assert errors_of(at) == []
    with Store(page_db) as store:
        assert theme_service.current_codeframe(store, "Small survey").names == ["delivery"]
    assert list(themes_table(at)["Comments"])[0] == 20


def test_highlight_escapes_customer_text_and_bolds_only_the_spans():
    text = "<b>Refund</b> *now*: $5 [link](x) refund"
    spans = term_spans(text, "refund")
    out = highlight(text, spans)
    assert out.count("**") == 4  # two bold phrases, the customer's own asterisks escaped
    assert "<" not in out.replace("\\<", "") and "[" not in out.replace("\\[", "")
    assert "\\*now\\*" in out and "\\$5" in out
    assert highlight("customer  service team", [(0, 8), (10, 17)]) == "**customer service** team"



def test_only_requests_counts_and_shows_the_requests_alone_and_lives_in_the_link(demo):
    with Store(demo) as store:
        frame = with_requests(theme_service.with_corrected_sentiment(store, SURVEY, store.load(SURVEY)))
        info = store.dataset(SURVEY)
        asked = frame[frame["request"]]
        expected = figures.theme_table(asked, theme_service.assignments(store, SURVEY),
                                       theme_service.current_codeframe(store, SURVEY), info.config)
    assert 0 < len(asked) < len(frame)
    at = open_page("themes", query={"dataset": SURVEY})
    every = themes_table(at)
    assert (every["Requests"] <= every["Comments"]).all() and every["Requests"].sum() > 0
    at.toggle(key="themes_requests").set_value(True).run()
    assert errors_of(at) == []
    table = themes_table(at).set_index("Theme")
    wanted = expected.set_index("theme")
    assert table["Comments"].to_dict() == wanted["n"].to_dict()
    assert (table["Requests"] == table["Comments"]).all()
    texts_of = set(asked["comment"].astype(str))
    for block in cards_text(at).split("\n\n---\n\n"):
        assert any(t.split()[0] in block for t in texts_of)
    linked = open_page("themes", query={"dataset": SURVEY, "themes_requests": "true"})
    assert linked.toggle(key="themes_requests").value is True
    assert themes_table(linked).set_index("Theme")["Comments"].to_dict() == wanted["n"].to_dict()
