"""The Themes page's "Compare two groups" tab on the demo reviews: two brands or two quarters from the link, the
figures equal to the service's, the real differences in words,, the download, and nothing computed when hidden."""

from __future__ import annotations

from kpitools import REVIEWS, SURVEY, by_label, open_app

from portal.services.compare_groups import compare_two, group_choices, two_group_table
from portal.store import Store

TAB = {"themes_tab": "Compare two groups"}


def test_two_brands_from_the_link_show_the_services_figures_in_words(demo):
    at = open_app("themes", query={"dataset": REVIEWS, **TAB, "themes_cmp_by": "Brand",
                                   "themes_cmp_first": "Globex", "themes_cmp_second": "Acme"})
    assert not at.exception and not at.error
    assert (by_label(at.selectbox, "Compare").value, by_label(at.selectbox, "First").value,
            by_label(at.selectbox, "Second").value) == ("brand", "Globex", "Acme")
    with Store(demo) as store:
        table = two_group_table(compare_two(store, REVIEWS, first="Globex", second="Acme", column="brand"))
    shown = [d.value for d in at.dataframe if "Theme" in d.value.columns][-1]
    assert list(shown["Theme"]) == list(table["theme"])
    assert list(shown["Problems in Globex"].round(9)) == list((100 * table["first_problem_rate"]).round(9))
    assert list(shown["Difference (points)"].round(9)) == list((100 * table["difference"]).round(9))
    assert "Problem rate (first)" not in shown.columns  # the groups are named, in percent, not as fractions
    words = " ".join(m.value for m in at.markdown).replace("\\", "")
    real = table[table["significant"]]
    assert not real.empty
    for sentence in real["sentence"]:
        assert sentence in words
    assert "Download the comparison (CSV)" in [b.label for b in at.get("download_button")]


def test_quarters_by_default_newest_against_the_one_before(demo):
    at = open_app("themes", query={"dataset": REVIEWS, **TAB})
    assert not at.exception
    with Store(demo) as store:
        quarters = group_choices(store, REVIEWS, grain="quarter")
    assert by_label(at.selectbox, "Compare").value == "quarter"
    assert (by_label(at.selectbox, "First").value, by_label(at.selectbox, "Second").value) == tuple(quarters[:2])
    by_label(at.selectbox, "First").set_value(quarters[2]).run()
    assert not at.exception
    assert by_label(at.selectbox, "Second").value == quarters[1]  # still a different quarter: kept
    assert f"{quarters[2]}:" in " ".join(m.value for m in at.markdown).replace("\\", "")
    by_label(at.selectbox, "First").set_value(quarters[1]).run()
    assert not at.exception
    assert by_label(at.selectbox, "Second").value == quarters[0]  # never the same as the first


def test_the_tab_computes_nothing_until_it_is_opened(demo):
    at = open_app("themes", query={"dataset": SURVEY})
    assert not at.exception
    assert not [s for s in at.selectbox if s.label == "First"]


def test_a_period_the_sidebar_dates_leave_out_is_explained_on_the_tab(demo):
    with Store(demo) as store:
        quarters = group_choices(store, REVIEWS, grain="quarter")
    year, q = quarters[0].split(" Q")
    start = f"{year}-{3 * int(q) - 2:02d}-01"  # the newest quarter only: the second quarter is filtered out
    at = open_app("themes", query={"dataset": REVIEWS, **TAB, "from": start})
    assert not at.exception and not at.error
    words = " ".join(i.value for i in at.info).replace("\\", "")
    assert f"'{quarters[1]}' is not one of the periods" in words and "Widen the sidebar's filters" in words


def test_the_explanation_says_chance_in_plain_words_and_keeps_the_test_names_in_the_help(demo):
    at = open_app("themes", query={"dataset": REVIEWS, **TAB})
    assert not at.exception
    caption = next(c for c in at.caption if "Compare two periods" in c.value)
    assert "z-test" not in caption.value and "Benjamini" not in caption.value
    assert "more than chance would give" in caption.value
    assert "Benjamini-Hochberg" in caption.help


def test_a_group_too_small_to_judge_is_said_instead_of_no_difference(demo, monkeypatch):
    from portal.ui.compare_groups import small_group_note

    assert small_group_note({"2023 Q4": 4, "2023 Q3": 39}, ("2023 Q4", "2023 Q3"), 30) == (
        "2023 Q4 (4 responses) is too small to call any difference real (at least 30 are needed), so the table "
        "shows the figures without a verdict. Pick a larger group or a longer period.")
    assert small_group_note({"a": 30, "b": 31}, ("a", "b"), 30) == ""
    monkeypatch.setenv("PORTAL_MIN_GROUP_SIZE", "1000000")  # every group is then too small to judge
    at = open_app("themes", query={"dataset": REVIEWS, **TAB})
    assert not at.exception
    shown = " ".join(i.value for i in at.info).replace("\\", "")
    assert "too small to call any difference real" in shown
    assert not [c for c in at.caption if "No theme differs" in c.value]
