"""``portal report``: one strict JSON document on stdout, progress on stderr, the file written, clear errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pypdf
import pytest

from portal.cli import main
from portal.services.imports import load_demo
from portal.store import Store

SURVEY, REVIEWS = "Acme NPS survey", "App store reviews"


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of a store holding the two demo datasets."""
    url = f"sqlite:///{tmp_path_factory.mktemp('cli_report') / 'portal.db'}"
    with Store(url) as store:
        load_demo(store)
    return url


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``portal`` in this process; return its exit code, stdout and stderr."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_names_the_file_its_format_and_every_section(demo_url, tmp_path, capsys):
    target = tmp_path / "board.html"
    code, out, err = run(capsys, "report", "--db", demo_url, "--dataset", SURVEY, "--out", str(target),
                         "--where", "Plan=Pro", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)  # exactly one strict JSON document
    assert doc["out"] == str(target.resolve()) and doc["format"] == "html" and doc["dataset"] == SURVEY
    assert doc["bytes"] == target.stat().st_size > 10_000
    assert [s["key"] for s in doc["sections"]] == ["kpis", "trend", "themes", "segments", "journey"]
    assert all(s["covers"] == "1 May 2025 to 31 Oct 2026; Plan: Pro" for s in doc["sections"])
    nps = doc["sections"][0]["data"]["tiles"][0]
    assert nps["metric"] == "nps" and nps["ci"][0] < nps["value"] < nps["ci"][1]
    page = target.read_text(encoding="utf-8")
    assert doc["sections"][0]["figures"][0]["detail"] in page and "Plan: Pro" in page
    assert "[100%] Done" in err and "NaN" not in out


def test_pdf_from_the_extension_or_from_as(demo_url, tmp_path, capsys):
    code, out, err = run(capsys, "report", "--db", demo_url, "--dataset", REVIEWS, "--out", str(tmp_path / "r.pdf"))
    assert code == 0, err
    assert out.startswith("Wrote the executive report of 'App store reviews'") and "Acme against the competition" in out
    text = pypdf.PdfReader(tmp_path / "r.pdf").pages[0].extract_text()
    assert "Headline figures" in text and "CSAT" in text and "95% interval" in text
    code, out, err = run(capsys, "report", "--db", demo_url, "--dataset", REVIEWS, "--out", str(tmp_path / "r.bin"),
                         "--as", "pdf", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["format"] == "pdf"
    assert pypdf.PdfReader(io.BytesIO((tmp_path / "r.bin").read_bytes())).pages


@pytest.mark.parametrize(("args", "message"), [
    (["--dataset", "Nope", "--out", "{tmp}/r.html"], "No dataset named 'Nope'"),
    (["--dataset", SURVEY, "--out", "{tmp}/r.docx"], "name it .html or .pdf, or say which with --as html|pdf"),
    (["--dataset", SURVEY, "--out", "{tmp}/report"], "has no extension"),
    (["--dataset", SURVEY, "--out", "{tmp}/missing/r.html"], "the folder"),
    (["--dataset", SURVEY, "--out", "{tmp}", "--as", "html"], "is a folder"),
    (["--dataset", SURVEY, "--out", "{tmp}/r.html", "--where", "Plan"], "--where takes COLUMN=VALUE"),
    (["--dataset", SURVEY, "--out", "{tmp}/r.html", "--from", "2026-13-01"], "--from"),
])
def test_bad_input_gets_one_clear_sentence_and_no_file(demo_url, tmp_path, capsys, args, message):
    code, out, err = run(capsys, "report", "--db", demo_url, *[a.format(tmp=tmp_path) for a in args])
    assert code == 1
    assert out == ""
    assert err.strip().splitlines()[-1].startswith("Error: ") and message in err
    assert "Traceback" not in err
    assert [p.name for p in Path(tmp_path).iterdir()] == []
