"""The Themes page on two levels: top-level ranking, a parent's sub-themes charted under it, the nested table,
deep links to a sub-theme, a parent's comments, and the editor's moves between levels."""

from __future__ import annotations

import pytest
from kpitools import SURVEY, texts
from pagetools import errors_of, open_page
from test_themes_page import library_table, themes_table

from portal.services import themes as theme_service
from portal.store import Store
from portal.text.codeframe import Codeframe, Theme, move_theme
from portal.ui.theme_charts import SELECTION


@pytest.fixture
def levels(demo_copy):
    """The demo survey coded with a hand-made flat codeframe, then 'mobile' put under 'app' and 'answer' under
    'support' (hand-made, so the test does not depend on what discovery finds)."""
    with Store(demo_copy) as store:
        codeframe = Codeframe((Theme("t1", "app", ("app",)), Theme("t2", "mobile", ("mobile", "phone")),
                               Theme("t3", "support", ("support",)), Theme("t4", "answer", ("answer", "reply")),
                               Theme("t5", "price", ("price", "pricing"))), )
        theme_service.save_codeframe(store, SURVEY, codeframe, note="flat")
        nested = move_theme(move_theme(codeframe, "mobile", "app"), "answer", "support")
        theme_service.save_codeframe(store, SURVEY, nested, note="nested")
    return demo_copy


def selection_charts(at) -> list:
    """Return the clickable ranked charts on the page."""
    from kpitools import charts

    return [c for c in charts(at) if c.spec.get("params") and c.spec["params"][0]["name"] == SELECTION]


def test_the_chart_ranks_top_level_themes_and_the_table_nests_sub_themes(levels):
    at = open_page("themes", query={"dataset": SURVEY})
    assert errors_of(at) == []
    expected = library_table(levels).set_index("theme")
    data = selection_charts(at)[0].rows()
    assert "mobile" not in set(data["theme"]) and "app" in set(data["theme"])
    table = themes_table(at)
    shown = list(table["Theme"])
    assert shown[shown.index("app") + 1] == "app › mobile"
    assert shown[shown.index("support") + 1] == "support › answer"
    counts = table.set_index("Theme")["Comments"]
    assert counts["app"] == expected.loc["app", "n"] and counts["app › mobile"] == expected.loc["mobile", "n"]
    assert "3 themes with 2 sub-themes" in texts(at)


def test_a_parent_shows_its_sub_themes_chart_and_all_its_comments(levels):
    at = open_page("themes", query={"dataset": SURVEY, "themes_theme": "app"})
    assert errors_of(at) == []
    charts = selection_charts(at)
    assert len(charts) == 2
    assert list(charts[1].rows()["theme"]) == ["mobile"]
    n = int(library_table(levels).set_index("theme").loc["app", "n"])
    assert f"{n:,} comments about 'app'" in texts(at)
    assert "counts the comments that mention its own keywords or any of its 1 sub-themes" in texts(at)


def test_a_link_opens_a_sub_theme_by_its_label(levels):
    at = open_page("themes", query={"dataset": SURVEY, "themes_theme": "app › mobile"})
    assert errors_of(at) == []
    assert at.selectbox(key="themes_theme").value == "mobile"
    assert "'mobile' is a sub-theme of 'app'" in texts(at)


def test_the_editor_promotes_nests_and_moves_a_theme(levels):
    at = open_page("themes", query={"dataset": SURVEY})
    at.selectbox(key="themes_edit_action").set_value("Make it a theme of its own").run()
    at.selectbox(key="themes_edit|Make it a theme of its own|theme").set_value("app › mobile").run()
    assert errors_of(at) == []
    at.button(key="themes_apply").click().run()
    assert any("made 'mobile' a theme of its own (it was under 'app')" in s.value.replace("\\", "")
               for s in at.success)
    with Store(levels) as store:
        assert theme_service.current_codeframe(store, SURVEY).theme("mobile").parent is None
    at.selectbox(key="themes_edit_action").set_value("Make it a sub-theme of").run()
    at.selectbox(key="themes_edit|Make it a sub-theme of|theme").set_value("mobile").run()
    at.selectbox(key="themes_edit|Make it a sub-theme of|under").set_value("price").run()
    assert errors_of(at) == []
    at.button(key="themes_apply").click().run()
    at.selectbox(key="themes_edit_action").set_value("Move to another theme").run()
    options = at.selectbox(key="themes_edit|Move to another theme|theme").options
    assert "price › mobile" in options and "support › answer" in options
    at.selectbox(key="themes_edit|Move to another theme|theme").set_value("price › mobile").run()
    assert "price" not in at.selectbox(key="themes_edit|Move to another theme|under").options
    at.selectbox(key="themes_edit|Move to another theme|under").set_value("app").run()
    at.button(key="themes_apply").click().run()
    assert errors_of(at) == []
    with Store(levels) as store:
        codeframe = theme_service.current_codeframe(store, SURVEY)
        assert codeframe.label("mobile") == "app › mobile"
        assert len(theme_service.codeframe_history(store, SURVEY)) == 6
