"""The Data sources page's import form: stored rows a new file no longer has, and the dataset's currency."""

from __future__ import annotations

import pytest
from kpitools import by_label, open_app, texts
from pagetools import errors_of, finish_jobs, open_page

from portal.store import Store

FIRST = "score,comment\n9,Great support\n3,Too slow\n7,Fine\n4,<b>bold</b> **claim**\n"
SECOND = "score,comment\n9,Great support\n7,Fine now\n"  # "Fine" edited: without an id it is missing too
REVENUE = "Customer,Date,NPS,MRR\nc1,2024-01-05,9,100\nc2,2024-01-06,3,250\nc3,2024-01-07,2,50\nc4,2024-01-08,10,80\n"


def upload(at, name: str, text: str, *, into: str | None = None):
    """Upload a file into the page's uploader (into dataset ``into`` when given) and rerun."""
    at.file_uploader[0].set_value((name, text.encode(), "text/csv"))
    at = at.run()
    if into:
        at = at.selectbox(key="upload_target").set_value(into).run()
    return at


def import_button(at):
    """Return the Import button (there is none while something must be fixed first)."""
    found = [b for b in at.button if b.label.startswith("Import")]
    assert found, ([b.label for b in at.button], [w.value for w in at.warning])
    return found[0]


def first_import(text: str, *, name: str = "a.csv") -> None:
    """Import ``text`` as a new dataset named after the file."""
    at = upload(open_page("data_sources"), name, text)
    finish_jobs(import_button(at).click().run())


def said(at, words: str) -> list[str]:
    """Return the info boxes holding ``words``, as a person reads them (Markdown escapes removed)."""
    return [t for t in (i.value.replace("\\", "") for i in at.info) if words in t]


def missing_tables(at) -> list:
    """Return the tables of stored rows missing from the file (they carry the export's row key)."""
    return [d.value for d in at.dataframe if "portal_row_key" in d.value.columns]


def test_an_id_less_reimport_shows_the_stored_rows_it_no_longer_has_before_and_after(page_db):
    first_import(FIRST)
    at = upload(open_page("data_sources"), "b.csv", SECOND, into="a")
    assert errors_of(at) == []
    [before] = said(at, "stored in")
    assert before.startswith("3 rows stored in 'a' are not in this file. Importing keeps them.")
    assert "no id column" in before
    [table] = missing_tables(at)
    assert list(table["comment"]) == ["Too slow", "Fine", "<b>bold</b> **claim**"]  # as data, not Markdown
    assert "Download all 3 stored rows not in the file (CSV)" in [b.label for b in at.get("download_button")]
    at = finish_jobs(import_button(at).click().run())
    assert errors_of(at) == []
    assert any("1 added" in s.value and "1 unchanged" in s.value for s in at.success)
    [after] = said(at, "stored in")
    assert after.startswith("3 rows stored in 'a' were not in the file. They were kept.")
    assert [list(t["comment"]) for t in missing_tables(at)] == [["Too slow", "Fine", "<b>bold</b> **claim**"]]
    assert Store(page_db).dataset("a").rows == 5  # kept: 4 stored + the edited row's new version
    at = at.run()  # a rerun (as a click on the download does) keeps the list until the next file
    assert missing_tables(at)
    at = upload(at, "c.csv", SECOND, into="a")
    assert not said(at, "were not in the file")


def test_only_the_first_100_missing_rows_are_shown_and_a_new_dataset_has_none(page_db):
    rows = "".join(f"{i % 11},comment number {i}\n" for i in range(150))
    first_import("score,comment\n" + rows)
    at = upload(open_page("data_sources"), "b.csv", "score,comment\n9,Something new\n")
    assert not missing_tables(at) and not said(at, "stored in")  # a new dataset
    at = at.selectbox(key="upload_target").set_value("a").run()
    [table] = missing_tables(at)
    assert len(table) == 100 and table["comment"].iloc[0] == "comment number 0"
    assert "The first 100 of 150 stored rows not in the file:" in [c.value for c in at.caption]
    assert said(at, "150 rows stored in 'a' are not in this file")


def test_rows_matched_by_id_say_nothing_about_content(page_db):
    first_import("id,score,comment\nr1,9,Great\nr2,3,Slow\n")
    at = upload(open_page("data_sources"), "b.csv", "id,score,comment\nr1,9,Great but edited\n", into="a")
    assert said(at, "stored in") == ["1 row stored in 'a' is not in this file. Importing keeps it."]
    assert list(missing_tables(at)[0]["id"]) == ["r2"]


def currency_field(at):
    """Return the import form's currency field."""
    return by_label(at.text_input, "Currency of revenue figures")


def test_the_currency_is_pre_filled_stored_and_shown_with_revenue_at_risk(page_db, monkeypatch):
    monkeypatch.setenv("PORTAL_CURRENCY", "$")
    at = upload(open_page("data_sources"), "rev.csv", REVENUE)
    assert currency_field(at).value == "$"  # the default for a new dataset
    at = currency_field(at).set_value(" € ").run()
    finish_jobs(import_button(at).click().run())
    assert Store(page_db).dataset("rev").config.currency == "€"
    at = upload(open_page("data_sources"), "rev.csv", REVENUE, into="rev")
    assert currency_field(at).value == "€"  # the dataset's own, not the default
    at = open_app(query={"dataset": "rev"})
    assert not at.exception and not at.error
    tile = by_label(at.metric, "Revenue at risk")
    assert tile.value == "€300"  # the two detractors' MRR, 250 + 50
    assert "€300 of €480 in revenue" in texts(at)


@pytest.mark.parametrize(("typed", "said"), [
    ("", "The currency is empty"),
    ("x" * 20, "too long (20 characters"),
    ("<b>$</b>", "cannot hold '<', '>', '/'"),
    ("=SUM(A1)", "cannot hold '=', '(', '1', ')'"),
    ("12", "cannot hold '1', '2'"),
])
def test_a_bad_currency_is_refused_with_a_clear_message(page_db, typed, said):
    at = upload(open_page("data_sources"), "rev.csv", REVENUE)
    at = currency_field(at).set_value(typed).run()
    assert errors_of(at) == []
    warnings = [w.value.replace("\\", "") for w in at.warning]
    assert any(said in w and "such as £, $ or €" in w for w in warnings), warnings
    assert not [b for b in at.button if b.label.startswith("Import")]
    assert Store(page_db).dataset("rev") is None


def test_the_import_message_says_which_sentiment_model_the_dataset_uses(page_db):
    at = upload(open_page("data_sources"), "a.csv", FIRST)
    at = finish_jobs(import_button(at).click().run())
    message = " ".join(s.value.replace("\\", "") for s in at.success)
    assert "4 added" in message
    assert "Sentiment uses the general model: the dataset has fewer than 100 comments with a score" in message
