"""The Data sources page: upload, mapping, rejects, import, history, revert, delete."""

from __future__ import annotations

from pagetools import errors_of, finish_jobs, open_page

from portal.store import Store

SURVEY = (
    "Response ID,Date,Plan,How likely are you to recommend us?,Comment\n"
    "r1,2024-01-05,Pro,9,Great support team\n"
    "r2,2024-01-06,Free,3,Too expensive for what it does\n"
    "r3,2024-01-07,Pro,12,Out of range score\n"
    "r4,2024-01-08,Free,10,Love the dashboards\n"
    "r5,2024-01-09,Pro,seven,Not a number\n"
).encode()


def upload(at, name: str, data: bytes):
    """Upload a file into the page's uploader and rerun."""
    at.file_uploader[0].set_value((name, data, "text/csv"))
    return at.run()


def button(at, label_start: str):
    """Return the button whose label starts with ``label_start``."""
    matches = [b for b in at.button if b.label.startswith(label_start)]
    assert matches, [b.label for b in at.button]
    return matches[0]


def test_empty_store_explains_what_to_do(page_db):
    at = open_page("data_sources")
    assert errors_of(at) == []
    assert any("No data yet" in i.value for i in at.info)


def test_upload_shows_mapping_and_rejects_then_imports_valid_rows(page_db):
    at = open_page("data_sources")
    at = upload(at, "survey.csv", SURVEY)
    assert errors_of(at) == []
    mapping = at.dataframe  # preview and rejects tables exist
    assert mapping
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Ready to import"] == "3"
    assert metrics["Rejected"] == "2"
    rejects = [d.value for d in at.dataframe if "reason" in d.value.columns and "row" in d.value.columns]
    assert rejects and len(rejects[0]) == 2
    reasons = " ".join(rejects[0]["reason"])
    assert "12" in reasons and "seven" in reasons
    at = finish_jobs(button(at, "Import 3 rows").click().run())
    assert errors_of(at) == []
    assert any("3 added" in s.value for s in at.success)
    store = Store(page_db)
    assert store.dataset("survey").rows == 3


def test_same_file_twice_adds_nothing(page_db):
    for expected in ("3 added", "0 added"):
        at = open_page("data_sources")
        at = upload(at, "survey.csv", SURVEY)
        if expected == "0 added":
            at.selectbox(key="upload_target").set_value("survey").run()
        at = finish_jobs(button(at, "Import").click().run())
        assert any(expected in s.value for s in at.success), [s.value for s in at.success]
    assert Store(page_db).dataset("survey").rows == 3


def test_bad_files_get_one_clear_message(page_db):
    cases = {
        "empty.csv": b"",
        "binary.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        "notes.csv": b"just,a\n",
    }
    for name, data in cases.items():
        at = open_page("data_sources")
        at = upload(at, name, data)
        errors = errors_of(at)
        assert len(errors) == 1, (name, errors)
        assert "Traceback" not in errors[0]
    assert Store(page_db).datasets() == []


def test_revert_and_delete_from_history(page_db):
    at = open_page("data_sources")
    at = upload(at, "survey.csv", SURVEY)
    at = finish_jobs(button(at, "Import").click().run())
    at = open_page("data_sources")
    at = button(at, "Revert this import").click().run()
    assert errors_of(at) == []
    assert Store(page_db).dataset("survey").rows == 0
    at.text_input(key="delete_name_survey").input("survey").run()
    at = button(at, "Delete dataset").click().run()
    assert errors_of(at) == []
    assert Store(page_db).dataset("survey") is None


HOSTILE = "![x](http://host/p.png)"


def markdown_texts(at) -> list[str]:
    """Return every text the page hands to Streamlit as Markdown (messages, captions, labels)."""
    texts = [e.value for kind in ("success", "info", "warning", "error", "caption", "markdown", "subheader")
             for e in getattr(at, kind)]
    texts += [e.label for e in at.expander] + [w.label for w in at.text_input]
    return texts


def test_a_hostile_dataset_name_and_header_are_shown_literally(page_db):
    data = (f"Date,Score,{HOSTILE}\n2024-01-05,9,Pro\n2024-01-06,3,Free\n2024-01-07,10,Pro\n").encode()
    at = upload(open_page("data_sources"), "survey.csv", data)
    at.text_input(key="upload_name").set_value(HOSTILE).run()
    at = finish_jobs(button(at, "Import").click().run())
    assert errors_of(at) == []
    assert Store(page_db).dataset(HOSTILE) is not None
    shown = markdown_texts(at)
    escaped = "\\!\\[x\\]\\(http\\:"
    assert any(escaped in s for s in at.success.values), at.success.values
    assert any(escaped in e.label for e in at.expander)  # the dataset's name
    assert any(escaped in c.value and "Columns" in c.value for c in at.caption)  # the header, as a segment
    assert not [s for s in shown if HOSTILE in s or "](http://" in s]


def test_a_hostile_file_name_in_an_error_is_shown_literally(page_db):
    at = upload(open_page("data_sources"), "![x](p.png).csv", b"")  # a file name holds no slash
    errors = errors_of(at)
    assert len(errors) == 1 and "![x](p.png)" not in errors[0] and "\\!\\[x\\]\\(p\\.png\\)" in errors[0], errors


def test_new_dataset_with_a_taken_name_asks_before_adding(page_db):
    at = open_page("data_sources")
    at = upload(at, "survey.csv", SURVEY)
    at = finish_jobs(button(at, "Import 3 rows").click().run())
    at = upload(at, "survey.csv", SURVEY)
    assert any("already exists" in w.value for w in at.warning), [w.value for w in at.warning]
    assert not [b for b in at.button if b.label.startswith("Import")]
    at.checkbox[0].check().run()
    at = finish_jobs(button(at, "Import").click().run())
    assert any("0 added" in s.value for s in at.success), [s.value for s in at.success]
    at = upload(at, "survey.csv", SURVEY)
    at.text_input(key="upload_name").set_value("survey 2").run()
    assert not any("already exists" in w.value for w in at.warning)
    assert [b for b in at.button if b.label.startswith("Import")]


def test_kind_is_guessed_from_the_columns(page_db):
    reviews = b"Rating,Review\n5,Great app love it\n1,Crashes all the time\n4,Good but slow\n"
    at = upload(open_page("data_sources"), "reviews.csv", reviews)
    assert at.radio[0].value == "reviews"


def test_unsupported_and_macro_files_get_a_sentence(page_db, tmp_path):
    from tests.ingest.conftest import build_xlsx  # noqa: PLC0415

    at = upload(open_page("data_sources"), "notes.pdf", b"%PDF-1.4 hello")
    errors = errors_of(at)
    assert len(errors) == 1 and "cannot read" in errors[0] and "pdf" in errors[0] and "CSV" in errors[0]
    at = upload(open_page("data_sources"), "book.xlsm", build_xlsx({"S": [["id", "score"], ["a1", 9]]}))
    assert errors_of(at) == []
    assert [b for b in at.button if b.label.startswith("Import 1 row")]


def test_history_shows_plain_headers(page_db):
    at = upload(open_page("data_sources"), "survey.csv", SURVEY)
    at = finish_jobs(button(at, "Import 3 rows").click().run())
    history = [d.value for d in at.dataframe if "Started" in d.value.columns]
    assert history, [list(d.value.columns) for d in at.dataframe]
    assert "started_at" not in history[0].columns and {"Source", "Kind", "Added"} <= set(history[0].columns)
