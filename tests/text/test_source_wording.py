"""The Data sources page's sentences about files, sheets, imports and datasets."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from portal.text.source_wording import (
    dataset_title,
    history_table,
    missing_sentence,
    read_line,
    result_sentence,
    revert_sentence,
    roles_line,
    sheet_read_line,
    sync_sentence,
    sync_state_line,
)


def test_read_lines_say_what_was_read_and_how():
    assert read_line(1234, 5, "utf-8", ";") == "Read 1,234 rows and 5 columns (utf-8, separated by ';')."
    assert read_line(3, 2) == "Read 3 rows and 2 columns."
    assert sheet_read_line(10, 4, "Form responses", "link") == ("Read 10 rows and 4 columns from “Form responses” "
                                                                "(shared link).")
    assert sheet_read_line(10, 4, None, "service_account").endswith("“the first worksheet” (service account).")


def test_outcome_sentences():
    assert result_sentence("NPS", 1200, 3, 0, 2) == "Imported into 'NPS': 1,200 added, 3 updated, 0 unchanged, 2 rejected."
    assert revert_sentence(7, 1500, 2) == "Reverted import 7: 1,500 rows removed, 2 restored."
    assert sync_sentence("NPS", "3 added") == "'NPS': 3 added"


def test_dataset_lines():
    assert dataset_title("NPS", 1500, None, None) == "NPS — 1,500 responses"
    # dates read as on the Overview ("5 Jan 2024"), roles as the mapping table names them
    assert dataset_title("NPS", 2, datetime(2024, 1, 5), datetime(2024, 3, 1)) == ("NPS — 2 responses, 5 Jan 2024 "
                                                                                   "to 1 Mar 2024")
    assert roles_line({"nps": "Score", "comment": ("Comment", "Notes"), "date": None, "segments": ()}) == (
        "Columns: NPS score (0-10): Score; Comment (free text): Comment, Notes")
    assert roles_line({"recommend": "recommended", "segments": ("place", "seat_type")}) == (
        "Columns: Would recommend (yes/no): recommended; Segments: place, seat_type")
    assert sync_state_line(None, None, "") == "Last successful sync: never. Last result: —. "
    assert sync_state_line(datetime(2024, 1, 5, 9, 30), "ok", "3 added") == ("Last successful sync: 5 Jan 2024 "
                                                                            "09:30 UTC. Last result: Imported. 3 added")


def test_the_import_history_speaks_words_not_database_codes():
    history = pd.DataFrame({
        "id": [3, 4], "started_at": [pd.Timestamp("2026-12-07 16:17"), pd.Timestamp("2026-12-08 09:05")],
        "finished_at": [pd.Timestamp("2026-12-07 16:18"), pd.NaT], "status": ["ok", "failed"],
        "source": ["reviews.csv", "https://docs.google.com/spreadsheets/d/KEY"], "source_kind": ["cli", "sheet"],
        "added": [1324, 0], "checksum": ["abc", ""],
    })
    shown = history_table(history)
    assert list(shown.columns) == ["Import", "Started", "Finished", "Status", "Source", "Kind", "Added"]
    assert shown.iloc[0].tolist() == [3, "7 Dec 2026 16:17 UTC", "7 Dec 2026 16:18 UTC", "Imported", "reviews.csv",
                                      "Command line", "1,324"]
    assert shown.iloc[1].tolist()[2:] == ["", "Failed", "https://docs.google.com/spreadsheets/d/KEY",
                                          "Google Sheet", "0"]


def test_missing_rows_are_counted_and_their_fate_said_before_and_after_the_import():
    assert missing_sentence("NPS", 1, keyed=True, done=False) == (
        "1 row stored in 'NPS' is not in this file. Importing keeps it.")
    assert missing_sentence("NPS", 1234, keyed=True, done=True) == (
        "1,234 rows stored in 'NPS' were not in the file. They were kept.")
    assert missing_sentence("NPS", 1, keyed=True, done=True, removed=True) == (
        "1 row stored in 'NPS' was not in the file. It was removed.")
    id_less = missing_sentence("NPS", 2, keyed=False, done=False)
    assert id_less.startswith("2 rows stored in 'NPS' are not in this file. Importing keeps them. The file has no id")
    assert "a row edited since the last import counts as missing" in id_less
