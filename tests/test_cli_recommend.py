"""Would recommend through the real `portal` parser: `import --map recommend=COLUMN`, `kpis --format json`,
the airline reviews' `recommended` column, and answers that are neither yes nor no."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest

from portal.cli import main

#: A survey whose yes/no question is not named like "recommend": only --map makes it the answer.
SURVEY = (
    "Response ID,Plan,Q7,Comment\n"
    + "".join(f"A{i},Pro,{'Yes' if i < 9 else 'No'},fine\n" for i in range(12))  # Pro: 9 yes of 12
    + "".join(f"B{i},Free,{'yes' if i < 2 else 'NO'},meh\n" for i in range(8))  # Free: 2 yes of 8
)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process through its parser; return exit code, stdout and stderr."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def strict(out: str) -> dict:
    """Return stdout parsed as one strict JSON document."""
    return json.loads(out, parse_constant=lambda c: pytest.fail(f"not strict JSON: {c}"))


def wilson(yes: int, n: int) -> list[float]:
    """The Wilson 95% score interval of yes out of n, written out by hand, in percent."""
    z = 1.96
    p = yes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return [100 * (centre - half), 100 * (centre + half)]


def kpis_by(capsys, db_url: str, dataset: str, by: str, yes: int, n: int) -> dict:
    """Run `portal kpis --by BY --format json`; check the overall share of yes and its interval; return the report."""
    code, out, err = run(capsys, "kpis", "--dataset", dataset, "--db", db_url, "--by", by, "--format", "json")
    assert code == 0, err
    report = strict(out)
    overall = report["overall"]
    assert (overall["recommend_n"], overall["recommend"]) == (n, pytest.approx(100 * yes / n))
    assert overall["recommend_ci"] == pytest.approx(wilson(yes, n))
    return report


@pytest.fixture
def survey(tmp_path: Path) -> Path:
    path = tmp_path / "survey.csv"
    path.write_text(SURVEY, encoding="utf-8")
    return path


def test_map_makes_any_yes_no_column_the_answer_and_kpis_report_it(capsys, db_url, survey):
    code, out, err = run(capsys, "import", str(survey), "--dataset", "s", "--db", db_url, "--format", "json")
    assert code == 1 and out == ""  # "Q7" does not say recommend, and the short comments are no comments
    assert "No column is set as a score (NPS, CSAT, star rating or would recommend)" in err
    code, out, err = run(capsys, "import", str(survey), "--dataset", "m", "--db", db_url, "--format", "json",
                         "--map", "recommend=Q7")
    assert code == 0, err
    doc = strict(out)
    assert doc["mapping"]["recommend"] == "Q7" and "Q7" not in doc["mapping"]["segments"]
    assert (doc["added"], doc["rejected"]) == (20, 0)
    report = kpis_by(capsys, db_url, "m", "Plan", 11, 20)
    assert report["overall"]["recommend_ci"] == pytest.approx([34.2, 74.2], abs=0.05)  # the interval, worked by hand
    groups = {g["value"]: g for g in report["groups"]}
    for plan, yes, n in (("Pro", 9, 12), ("Free", 2, 8)):
        g = groups[plan]
        assert {"recommend", "recommend_ci", "recommend_n"} <= set(g)
        assert (g["recommend_n"], g["recommend"]) == (n, pytest.approx(100 * yes / n))
        assert g["recommend_ci"] == pytest.approx(wilson(yes, n))
        assert 0 <= g["recommend_ci"][0] <= g["recommend"] <= g["recommend_ci"][1] <= 100
    assert report["groups"][0]["p_value"] is not None  # the comparison tests would recommend: the only KPI


def test_kpis_table_words_and_metric_choice(capsys, db_url, survey):
    run(capsys, "import", str(survey), "--dataset", "m", "--db", db_url, "--map", "recommend=Q7")
    code, out, err = run(capsys, "kpis", "--dataset", "m", "--db", db_url)
    assert code == 0, err
    assert "55% would recommend, 95% from 34% to 74%, out of 20 answers." in out
    code, out, err = run(capsys, "kpis", "--dataset", "m", "--db", db_url, "--by", "Plan", "--metric", "recommend",
                         "--format", "json")
    assert code == 0, err
    assert all(g["p_value"] is not None for g in strict(out)["groups"])


def test_answers_that_are_neither_yes_nor_no_are_rejected_row_by_row(capsys, db_url, tmp_path):
    path = tmp_path / "maybe.csv"
    path.write_text("ID,Would recommend,Comment\n1,yes,good\n2,no,bad\n3,maybe,hmm\n4,,no answer here\n5,Yes,\n"
                    "6,,\n", encoding="utf-8")
    rejects = tmp_path / "rejects.csv"
    # Three different answers: not taken as the answer by itself, and the warning says why.
    code, out, err = run(capsys, "import", str(path), "--dataset", "d", "--db", db_url, "--format", "json")
    assert code == 0, err
    assert strict(out)["mapping"]["recommend"] is None
    assert "'Would recommend' looks like a would-recommend answer by its name, but it holds more than a yes" in err
    code, out, err = run(capsys, "import", str(path), "--dataset", "m", "--db", db_url, "--format", "json",
                         "--map", "recommend=Would recommend", "--rejects", str(rejects))
    assert code == 0, err
    doc = strict(out)
    assert (doc["added"], doc["rejected"]) == (4, 2)  # the empty answer with a comment is kept
    rows = {r["ID"]: r["reason"] for r in csv.DictReader(rejects.open(encoding="utf-8"))}
    assert set(rows) == {"3", "6"}
    assert rows["3"].startswith("would-recommend answer 'maybe' is neither yes nor no: yes, y, true, 1 and "
                                "recommended count as yes") and ";" not in rows["3"]
    assert rows["6"] == "no score and no comment: nothing to analyse"
    assert "rejected 1: would-recommend answer 'maybe' is neither yes nor no" in err
    code, out, _ = run(capsys, "kpis", "--dataset", "m", "--db", db_url, "--format", "json")
    overall = strict(out)["overall"]
    assert (overall["n"], overall["recommend_n"], overall["recommend"]) == (4, 3, pytest.approx(200 / 3))


def test_strict_import_of_a_maybe_and_a_column_without_yes_or_no_store_nothing(capsys, db_url, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("ID,Plan,Would recommend\n1,Pro,yes\n2,Free,maybe\n3,Pro,no\n", encoding="utf-8")
    code, out, err = run(capsys, "import", str(path), "--dataset", "s", "--db", db_url, "--strict",
                         "--map", "recommend=Would recommend")
    assert code == 1 and out == ""
    assert err.strip().splitlines()[-1].startswith("Error: ") and "Traceback" not in err
    code, out, err = run(capsys, "import", str(path), "--dataset", "p", "--db", db_url, "--map", "recommend=Plan")
    assert code == 1 and out == ""
    last = err.strip().splitlines()[-1]
    assert last.startswith("Error: None of the 3 rows can be imported") and "'Pro' is neither yes nor no" in last
    code, out, _ = run(capsys, "datasets", "--db", db_url, "--format", "json")
    assert all(d["rows"] == 0 for d in strict(out)["datasets"])


@pytest.mark.shared_data
def test_airline_reviews_recommended_column_is_detected_and_counted(capsys, db_url, shared_data):
    path = shared_data / "ba_skytrax_reviews.csv"
    with path.open(encoding="utf-8", newline="") as f:
        answers = [row["recommended"].strip().lower() for row in csv.DictReader(f)]
    yes, n = answers.count("yes"), len(answers)
    assert set(answers) == {"yes", "no"} and (yes, n) == (572, 1324)
    code, out, err = run(capsys, "import", str(path), "--dataset", "BA", "--db", db_url, "--format", "json",
                         "--map", "comment=")  # no comments: no theme search, the scores are what is tested
    assert code == 0, err
    doc = strict(out)
    assert doc["mapping"]["recommend"] == "recommended" and doc["rejected"] == 0
    report = kpis_by(capsys, db_url, "BA", "seat_type", 572, 1324)
    assert sum(g["recommend_n"] for g in report["groups"]) == 1324
    assert all(len(g["recommend_ci"]) == 2 for g in report["groups"])
