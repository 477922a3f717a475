"""The `portal` CLI's data commands: import, datasets, history, revert, export, delete, and their errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from portal.cli import main
from portal.store import Store

SURVEY = (
    "Response ID,Date,Plan,NPS_SCORE,Comment\n"
    "00123,2024-01-05,Pro,9,Great support team\n"
    "00124,2024-01-06,Free,3,=HYPERLINK(\"http://evil\")\n"
    "00125,2024-02-07,Pro,12,Out of range\n"
    "00126,2024-02-08,Free,10,<b>Love</b> the dashboards\n"
)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return exit code, stdout and stderr."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def survey(tmp_path: Path) -> Path:
    path = tmp_path / "survey.csv"
    path.write_text(SURVEY, encoding="utf-8")
    return path


def test_import_json_is_one_strict_document(capsys, db_url, survey):
    code, out, err = run(capsys, "import", str(survey), "--dataset", "s", "--db", db_url, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["dataset"] == "s"
    assert (doc["added"], doc["updated"], doc["unchanged"], doc["rejected"]) == (3, 0, 0, 1)
    assert doc["mapping"]["nps"] == "NPS_SCORE"
    assert doc["mapping"]["id"] == "Response ID"
    assert "NaN" not in out
    assert "NPS_SCORE" in err  # the detected mapping goes to stderr


def test_import_twice_is_idempotent_and_changed_rows_update(capsys, db_url, survey, tmp_path):
    run(capsys, "import", str(survey), "--dataset", "s", "--db", db_url)
    code, out, _ = run(capsys, "import", str(survey), "--dataset", "s", "--db", db_url, "--format", "json")
    doc = json.loads(out)
    assert (doc["added"], doc["updated"], doc["unchanged"]) == (0, 0, 3)
    changed = tmp_path / "changed.csv"
    changed.write_text(SURVEY.replace("00123,2024-01-05,Pro,9", "00123,2024-01-05,Pro,10"), encoding="utf-8")
    code, out, _ = run(capsys, "import", str(changed), "--dataset", "s", "--db", db_url, "--format", "json")
    doc = json.loads(out)
    assert (doc["added"], doc["updated"], doc["unchanged"]) == (0, 1, 2)


def test_strict_rejects_whole_file_and_store_untouched(capsys, db_url, survey):
    code, out, err = run(capsys, "import", str(survey), "--dataset", "s", "--db", db_url, "--strict")
    assert code == 1
    assert out == ""
    last = err.strip().splitlines()[-1]
    assert last.startswith("Error: ") and "strict" in last
    assert "Traceback" not in err
    code, out, _ = run(capsys, "datasets", "--db", db_url, "--format", "json")
    assert all(d["rows"] == 0 for d in json.loads(out)["datasets"])


def test_rejects_file_has_reason_column(capsys, db_url, survey, tmp_path):
    rejects = tmp_path / "rejects.csv"
    code, _, err = run(capsys, "import", str(survey), "--dataset", "s", "--db", db_url, "--rejects", str(rejects))
    assert code == 0, err
    rows = list(csv.DictReader(rejects.open(encoding="utf-8")))
    assert len(rows) == 1 and "12" in rows[0]["reason"]


def test_map_override_and_set_constant(capsys, db_url, survey):
    code, out, err = run(capsys, "import", str(survey), "--dataset", "s", "--db", db_url, "--format", "json",
                         "--map", "id=", "--set", "brand=Acme")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["mapping"]["id"] is None
    code, out, _ = run(capsys, "export", "--dataset", "s", "--db", db_url)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["portal_brand"] for r in rows} == {"Acme"}


def test_bad_map_role_is_one_sentence(capsys, db_url, survey):
    code, out, err = run(capsys, "import", str(survey), "--dataset", "s", "--db", db_url, "--map", "colour=Plan")
    assert code == 1 and out == ""
    assert "colour" in err and err.strip().startswith("Error: ") and "\n" not in err.strip()


def test_export_keeps_original_text_and_neutralises_formulas(capsys, db_url, survey):
    run(capsys, "import", str(survey), "--dataset", "s", "--db", db_url)
    code, out, _ = run(capsys, "export", "--dataset", "s", "--db", db_url)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["Response ID"] for r in rows] == ["00123", "00124", "00126"]
    assert rows[1]["Comment"].startswith("'=HYPERLINK")
    assert rows[2]["Comment"] == "<b>Love</b> the dashboards"
    assert list(rows[0])[:5] == ["Response ID", "Date", "Plan", "NPS_SCORE", "Comment"]


def test_history_revert_and_delete(capsys, db_url, survey):
    run(capsys, "import", str(survey), "--dataset", "s", "--db", db_url)
    code, out, _ = run(capsys, "history", "--dataset", "s", "--db", db_url, "--format", "json")
    imports = json.loads(out)["imports"]
    assert len(imports) == 1
    code, out, _ = run(capsys, "revert", str(imports[0]["id"]), "--db", db_url, "--format", "json")
    assert json.loads(out)["removed"] == 3
    code, _, err = run(capsys, "delete", "--dataset", "s", "--db", db_url)
    assert code == 1 and "--yes" in err
    code, _, _ = run(capsys, "delete", "--dataset", "s", "--db", db_url, "--yes")
    assert code == 0
    code, out, _ = run(capsys, "datasets", "--db", db_url, "--format", "json")
    assert json.loads(out) == {"datasets": []}


def test_import_says_on_stderr_when_themes_were_not_looked_for(capsys, db_url, survey):
    code, out, err = run(capsys, "import", str(survey), "--dataset", "s", "--db", db_url, "--format", "json")
    assert code == 0, err
    assert "Themes were not looked for: the dataset has 2 comments in English" in err
    assert "Themes were not looked for" not in out  # stdout stays one JSON document
    assert json.loads(out)["added"] == 3


def test_revert_keeps_the_themes_current(capsys, db_url, survey, monkeypatch):
    from portal.services import imports as service

    refreshed: list[str] = []
    monkeypatch.setattr(service, "refresh", lambda store, name, **_: refreshed.append(name))
    run(capsys, "import", str(survey), "--dataset", "s", "--db", db_url)
    _, out, _ = run(capsys, "history", "--dataset", "s", "--db", db_url, "--format", "json")
    import_id = json.loads(out)["imports"][0]["id"]
    code, out, err = run(capsys, "revert", str(import_id), "--db", db_url)
    assert code == 0, err
    assert out.startswith(f"Reverted import {import_id}: 3 rows removed, 0 restored.")
    assert refreshed == ["s"]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02\x03binary\xff\xfe\x00" * 50, "binary"),
        (b"Name,Colour\nAnn,red\nBob,blue\n", "score"),
    ],
)
def test_bad_files_exit_1_with_one_sentence(capsys, db_url, tmp_path, content, words):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    code, out, err = run(capsys, "import", str(path), "--dataset", "s", "--db", db_url)
    assert code == 1 and out == ""
    assert words in err.lower()
    assert "Traceback" not in err


def test_missing_file_and_unknown_dataset(capsys, db_url, tmp_path):
    code, _, err = run(capsys, "import", str(tmp_path / "nope.csv"), "--dataset", "s", "--db", db_url)
    assert code == 1 and "no file" in err.lower()
    code, _, err = run(capsys, "export", "--dataset", "ghost", "--db", db_url)
    assert code == 1 and "ghost" in err


def test_entry_point_runs_as_a_program(db_url, survey):
    bin_dir = Path(sys.executable).parent
    proc = subprocess.run([str(bin_dir / "portal"), "import", str(survey), "--dataset", "s", "--db", db_url,
                           "--format", "json"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["added"] == 3


def test_rows_missing_from_an_id_less_reimport_are_printed_listed_and_written(capsys, db_url, tmp_path):
    first = tmp_path / "a.csv"
    first.write_text("score,comment\n9,Great support\n3,Too slow\n7,Fine\n4,=cmd()\n", encoding="utf-8")
    second = tmp_path / "b.csv"  # "Fine" edited to "Fine now": without an id that row is missing too
    second.write_text("score,comment\n9,Great support\n7,Fine now\n", encoding="utf-8")
    assert run(capsys, "import", str(first), "--dataset", "s", "--db", db_url)[0] == 0
    out_file = tmp_path / "missing.csv"
    code, out, err = run(capsys, "import", str(second), "--dataset", "s", "--db", db_url, "--format", "json",
                         "--missing", str(out_file))
    assert code == 0
    doc = json.loads(out)  # stdout holds the one document, the sample went to stderr
    assert (doc["added"], doc["unchanged"], doc["missing"], doc["removed"]) == (1, 1, 3, 0)
    assert [r["comment"] for r in doc["missing_rows"]] == ["Too slow", "Fine", "=cmd()"]
    assert {"portal_row_key", "portal_nps"} <= set(doc["missing_rows"][0])
    assert "3 rows stored in 's' were not in the file. They were kept." in err and "no id column" in err
    assert "Too slow" in err
    rows = list(csv.DictReader(out_file.open(encoding="utf-8")))
    assert [r["comment"] for r in rows] == ["Too slow", "Fine", "'=cmd()"]  # a formula is neutralised
    every = tmp_path / "c.csv"  # the kept rows and the new one: nothing stored is missing
    every.write_text(first.read_text(encoding="utf-8") + "7,Fine now\n", encoding="utf-8")
    code, out, err = run(capsys, "import", str(every), "--dataset", "s", "--db", db_url, "--missing", str(out_file))
    assert code == 0 and out.startswith("Imported into 's': 0 added") and "not in the file" not in err
    assert out_file.read_text(encoding="utf-8").strip() == ""  # an earlier run's rows are not left behind


def test_rows_missing_by_id_are_reported_and_a_new_dataset_has_none(capsys, db_url, survey, tmp_path):
    code, out, _ = run(capsys, "import", str(survey), "--dataset", "s", "--db", db_url, "--format", "json")
    doc = json.loads(out)
    assert code == 0 and (doc["missing"], doc["missing_rows"]) == (0, [])
    fewer = tmp_path / "fewer.csv"
    fewer.write_text("\n".join(SURVEY.splitlines()[:2]) + "\n", encoding="utf-8")  # only 00123 left
    proc = subprocess.run([str(Path(sys.executable).parent / "portal"), "import", str(fewer), "--dataset", "s", "--db", db_url,
                           "--format", "json"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["missing"] == 2 and [r["Response ID"] for r in doc["missing_rows"]] == ["00124", "00126"]
    assert "2 rows stored in 's' were not in the file. They were kept." in proc.stderr
    assert "no id column" not in proc.stderr


@pytest.mark.parametrize("currency", ["", "   ", "x" * 20, "<b>$</b>", "=1+1", "12", "U S D"])
def test_a_bad_currency_is_refused_before_the_file_is_read(capsys, db_url, survey, currency):
    code, out, err = run(capsys, "import", str(survey), "--dataset", "s", "--db", db_url, "--currency", currency)
    assert code != 0 and out == ""
    assert "--currency" in err and "such as £, $ or €" in err and "Traceback" not in err
    assert "Reading" not in err


@pytest.mark.parametrize("currency", ["€", "CHF", "R$", "Fr.", "kr", "zł", "₹"])
def test_a_currency_is_stored_with_the_dataset(capsys, db_url, survey, currency):
    assert run(capsys, "import", str(survey), "--dataset", "s", "--db", db_url, "--currency", currency)[0] == 0
    assert Store(db_url).dataset("s").config.currency == currency
